package kustomize

import (
	"os"
	"path/filepath"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

func TestResolveEntries(t *testing.T) {
	dir := t.TempDir()
	repo := filepath.Join(dir, "repo")
	writeFiles(t, repo, map[string]string{
		"app/sa.yaml":               "kind: ServiceAccount\n",
		"app/github.com/org/repo/k": "x\n",
		"base/kustomization.yaml":   "resources: []\n",
		"../outside.yaml":           "kind: Secret\n",
	})
	if err := os.Symlink(filepath.Join(dir, "outside.yaml"), filepath.Join(repo, "app", "link.yaml")); err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(repo, "app")
	tests := []struct {
		entry string
		want  entryKind
	}{
		{"sa.yaml", entryFile},
		{"./sa.yaml", entryFile},
		{"../base", entryDir},
		{"missing.yaml", entryMissing},
		{"../../outside.yaml", entryOutside},
		{"link.yaml", entryOutside},
		{"https://github.com/org/repo", entryRemote},
		{"HTTP://example.com/x.yaml", entryRemote},
		{"http:x.yaml", entryRemote},
		{"git::https://example.com/org/repo.git//base", entryRemote},
		{"ssh://git@example.com/org/repo.git", entryRemote},
		{"file:///etc/passwd", entryRemote},
		{"git@github.com:org/repo.git", entryRemote},
		{"github.com/org/repo", entryRemote}, // kustomize would clone it, though it is on disk
		{"./github.com/org/repo", entryDir},
		{"127.0.0.1:8080/org/repo//dir?ref=main", entryRemote},
		{"example.com/org/repo", entryRemote},
		{"s3://bucket/x.yaml", entryRemote},
	}
	for _, tc := range tests {
		if got := resolve(repo, app, tc.entry); got.kind != tc.want {
			t.Errorf("resolve(%q) = %v, want %v", tc.entry, got.kind, tc.want)
		}
	}
}

func TestInlinePositions(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		line, col int // of position 2:3 in the scalar's text, or 1:5 when it is one line
		exact     bool
	}{
		{"literal block", "patch: |\n  a: 1\n  b:\n    c: 2\n", 3, 5, true},
		{"literal block after blank lines", "patch: |-\n\n    a: 1\n    b: 2\n", 3, 7, true},
		{"single-quoted", "patch: '[{\"op\": 1}]'\n", 1, 13, true},
		{"plain", "patch: abcdefgh\n", 1, 12, true},
		{"double-quoted with escapes", "patch: \"a\\tb\\tc\"\n", 1, 8, false},
		{"folded block", "patch: >\n  a: 1\n  b: 2\n", 1, 8, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(tc.text), &doc); err != nil {
				t.Fatal(err)
			}
			n := doc.Content[0].Content[1]
			at := inlinePositions([]byte(tc.text), n)
			l, c := 2, 3
			if tc.line == 1 {
				l, c = 1, 5
			}
			line, col, exact := at(l, c)
			if line != tc.line || col != tc.col || exact != tc.exact {
				t.Errorf("%d:%d maps to %d:%d exact=%v, want %d:%d exact=%v", l, c, line, col, exact, tc.line, tc.col, tc.exact)
			}
		})
	}
}
