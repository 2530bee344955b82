//go:build unix

package kustomize

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFIFOsAreNeverOpenedBlocking lists FIFOs as a resource and a patch:
// each is an error naming it, and the build finishes.
func TestFIFOsAreNeverOpenedBlocking(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"kustomization.yaml": "resources:\n  - sa.yaml\n  - pipe.yaml\npatches:\n  - path: patch-pipe.yaml\n",
		"sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n",
	})
	for _, name := range []string{"pipe.yaml", "patch-pipe.yaml"} {
		if err := syscall.Mkfifo(filepath.Join(dir, name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan []string)
	go func() {
		u := Build(context.Background(), dir, Options{Boundary: dir, Timeout: time.Minute})
		done <- errorTexts(u)
	}()
	select {
	case errs := <-done:
		for _, want := range []string{`resource "pipe.yaml" is not read (not a regular file)`, `patch "patch-pipe.yaml" is not read (not a regular file)`} {
			if !strings.Contains(strings.Join(errs, "\n"), want) {
				t.Errorf("errors %q, want %q", errs, want)
			}
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the build waits on a FIFO")
	}
	g := newGuardedFS(context.Background(), dir, 1<<20)
	if _, err := g.ReadFile(filepath.Join(dir, "pipe.yaml")); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("reading a FIFO through the file system: %v", err)
	}
}
