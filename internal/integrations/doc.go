// Package integrations holds no code: its tests check what the repository
// ships for other tools (.pre-commit-hooks.yaml, action.yml, the CI workflow
// and the README's examples in docs/examples) against what those tools need.
package integrations
