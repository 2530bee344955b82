// Package action holds no Go code. Its tests run the scripts behind
// action.yml (install.sh, run.sh) with bash, as the action's steps do,
// against a fake release served on 127.0.0.1 and stand-ins for salint and go
// that record how they were called.
package action
