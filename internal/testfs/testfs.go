// Package testfs builds the files and links a test needs, failing the test
// when it cannot.
package testfs

import (
	"os"
	"path/filepath"
	"testing"
)

// WriteFile writes content to name, making its directory first.
func WriteFile(tb testing.TB, name, content string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// Symlink makes link point at target, making link's directory first.
func Symlink(tb testing.TB, target, link string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		tb.Fatal(err)
	}
}
