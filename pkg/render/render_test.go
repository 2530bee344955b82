package render_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/salint/salint/pkg/render"
)

func TestBoundary(t *testing.T) {
	outside := t.TempDir() // not below the working directory, no .git
	repo := filepath.Join(outside, "repo")
	for _, d := range []string{".git", "deploy/base", "plain/dir"} {
		if err := os.MkdirAll(filepath.Join(repo, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(repo, "deploy", "base", "sa.yaml")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(outside, "plain")
	if err := os.MkdirAll(plain, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, want string }{
		// Inside a repository: its root, whatever is named in it.
		{repo, repo},
		{filepath.Join(repo, "deploy", "base"), repo},
		{file, repo},
		// Outside any repository and the working directory: the path
		// itself, or a file's directory.
		{plain, plain},
	}
	for _, tt := range tests {
		if got := render.Boundary(tt.path); got != tt.want {
			t.Errorf("Boundary(%s) = %s, want %s", tt.path, got, tt.want)
		}
	}
	// Below the working directory and outside a repository: the working
	// directory, so that relative bases of a named directory still build.
	t.Chdir(plain)
	if err := os.MkdirAll("a/b", 0o755); err != nil {
		t.Fatal(err)
	}
	if got := render.Boundary("a/b"); got != plain {
		t.Errorf("Boundary(a/b) from %s = %s", plain, got)
	}
}

func TestWithin(t *testing.T) {
	tests := []struct {
		dir, path string
		want      bool
	}{
		{"/r", "/r", true},
		{"/r", "/r/a/b", true},
		{"/r", "/ra", false},
		{"/r", "/", false},
		{"/r/a", "/r/b/../a/c", true},
		{"deploy", "deploy/../other", false},
		{"deploy", "deploy/..x/y", true},
	}
	for _, tt := range tests {
		if got := render.Within(tt.dir, tt.path); got != tt.want {
			t.Errorf("Within(%s, %s) = %v, want %v", tt.dir, tt.path, got, tt.want)
		}
	}
}
