//go:build ignore

// Command regofmt rewrites .rego files in the canonical format that
// `opa fmt` produces (Rego v1), so that contributors need only Go:
//
//	go run internal/regofmt/main.go rules
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
)

func main() {
	roots := os.Args[1:]
	if len(roots) == 0 {
		roots = []string{"rules"}
	}
	failed := false
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(p) != ".rego" {
				return err
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out, err := format.SourceWithOpts(p, src, format.Opts{RegoVersion: ast.RegoV1})
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				failed = true
				return nil
			}
			if string(out) != string(src) {
				fmt.Println(p)
				return os.WriteFile(p, out, 0o644)
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}
