// Package testshared finds the shared test material (../shared beside the
// checkout: real charts, kustomize trees and manifests) for the tests that
// read it.
//
// .ci/run always has it, so a test that needs it fails when it is missing.
// A GitHub workflow has no ../shared to check out: there, and only where
// SALINT_SHARED=absent says so, those tests skip instead, naming what they
// did not read.
package testshared

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir is the path of ../shared/elem... beside the module root, which must
// exist. Without it the test fails, or skips under SALINT_SHARED=absent.
func Dir(tb testing.TB, elem ...string) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test")
		}
		dir = parent
	}
	p := filepath.Join(append([]string{filepath.Dir(dir), "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("SALINT_SHARED") == "absent" {
			tb.Skipf("not read: %s (SALINT_SHARED=absent: no ../shared beside this checkout)", p)
		}
		tb.Fatalf("the shared test material is missing (%v); set SALINT_SHARED=absent only where ../shared cannot exist", err)
	}
	return p
}
