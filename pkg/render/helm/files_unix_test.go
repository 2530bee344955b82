//go:build unix

package helm

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/salint/salint/internal/testfs"
)

func TestSymlinkOutsideChartIsNotRead(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret.txt")
	testfs.WriteFile(t, secret, "outside")
	dir := writeChart(t, map[string]string{
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  secret: {{ .Files.Get \"files/secret.txt\" | quote }}\n  inside: {{ .Files.Get \"files/inside.txt\" | quote }}\n",
		"files/inside.txt":  "inside",
	})
	link := filepath.Join(dir, "files", "secret.txt")
	if err := os.Symlink(secret, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "files", "inside.txt"), filepath.Join(dir, "files", "alias.txt")); err != nil {
		t.Fatal(err)
	}
	u := renderOne(t, dir, Options{})
	text := string(findDoc(t, u, "test/templates/cm.yaml").Text)
	if !strings.Contains(text, `secret: ""`) || !strings.Contains(text, `inside: "inside"`) {
		t.Errorf(".Files read outside the chart:\n%s", text)
	}
	if len(u.Notes) != 1 || !strings.HasPrefix(u.Notes[0], link+": symlink to") || !strings.Contains(u.Notes[0], "outside the chart; skipped") {
		t.Errorf("notes %q, want one on %s", u.Notes, link)
	}
}

// TestSymlinkedDirectories builds a tree that symlinks make endless (a
// loop) and one they make exponential (each level linking the next twice):
// the loop is skipped, the explosion stopped.
func TestSymlinkedDirectories(t *testing.T) {
	dir := writeChart(t, map[string]string{"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"})
	if err := os.Symlink("..", filepath.Join(dir, "templates", "loop")); err != nil {
		t.Fatal(err)
	}
	u := renderOne(t, dir, Options{})
	if len(u.Errors) != 0 || len(u.Docs) != 1 || len(u.Notes) != 1 || !strings.Contains(u.Notes[0], "loop: symlink loop; skipped") {
		t.Errorf("notes %q, %d documents, errors:\n%s", u.Notes, len(u.Docs), errorsText(u))
	}
	for i := range 40 {
		level := filepath.Join(dir, "files", fmt.Sprintf("d%d", i))
		if err := os.MkdirAll(level, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, link := range []string{"a", "b"} {
			if err := os.Symlink(fmt.Sprintf("../d%d", i+1), filepath.Join(level, link)); err != nil {
				t.Fatal(err)
			}
		}
	}
	u = renderOne(t, dir, Options{})
	if len(u.Errors) != 1 || !strings.Contains(u.Errors[0].Message, "the chart tree holds more than 50000 entries") {
		t.Errorf("errors:\n%s", errorsText(u))
	}
}

// A FIFO in a chart would block a reader forever: it is skipped unopened.
func TestSpecialFilesAreSkipped(t *testing.T) {
	dir := writeChart(t, map[string]string{"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"})
	fifo := filepath.Join(dir, "templates", "pipe.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	u := renderOne(t, dir, Options{})
	if len(u.Docs) != 1 || len(u.Notes) != 1 || !strings.Contains(u.Notes[0], "pipe.yaml: not a regular file") {
		t.Errorf("docs %d, notes %q", len(u.Docs), u.Notes)
	}
}

func TestScenarioSymlinkOutsideChart(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "x-values.yaml")
	testfs.WriteFile(t, outside, "a: 1\n")
	dir := writeChart(t, map[string]string{"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"})
	link := filepath.Join(dir, "ci", "x-values.yaml")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	units := Render(context.Background(), dir, Options{}).Units
	if len(units) != 1 || !slices.ContainsFunc(units[0].Notes, func(n string) bool { return strings.HasPrefix(n, link+": symlink") }) {
		t.Errorf("%d units, notes %q: want the default only, and a note on %s", len(units), units[0].Notes, link)
	}
}
