package loader_test

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/salint/salint/pkg/loader"
)

// TestIgnoreCommentsAreRealComments: only what YAML calls a comment may
// suppress a finding; a "# salint:ignore" inside a quoted string or a block
// scalar is data.
func TestIgnoreCommentsAreRealComments(t *testing.T) {
	src := `# salint:ignore SA012 above the first key
apiVersion: v1
kind: Pod
metadata:
  name: x # salint:ignore SA001 at the end of a line
spec:
  # salint:ignore SA010 above a key
  automountServiceAccountToken: true
  containers:
    - name: a
      command:
        - |
          # salint:ignore SA002 inside a block scalar
          echo hi
    # salint:ignore SA003 above a less indented key
  serviceAccountName: "# salint:ignore SA004 in a string"
  volumes: ['# salint:ignore SA005 in a flow string']
---
# salint:ignore SA006 in a second document
apiVersion: v1
kind: ServiceAccount
metadata: {name: y}
`
	want := map[int]string{
		1:  "# salint:ignore SA012 above the first key",
		5:  "# salint:ignore SA001 at the end of a line",
		7:  "# salint:ignore SA010 above a key",
		15: "# salint:ignore SA003 above a less indented key",
		19: "# salint:ignore SA006 in a second document",
	}
	f := loader.Parse("x.yaml", []byte(src), loader.Options{})
	if !maps.Equal(f.Comments, want) {
		t.Errorf("comments of the parse:\n%v\nwant\n%v", sorted(f.Comments), sorted(want))
	}
	if got := loader.IgnoreComments([]byte(src), loader.Options{}); !maps.Equal(got, want) {
		t.Errorf("IgnoreComments:\n%v\nwant\n%v", sorted(got), sorted(want))
	}
}

func sorted(m map[int]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}

// FuzzIgnoreComments: suppression comments are read from any input without
// a panic, and only at lines the input has.
func FuzzIgnoreComments(f *testing.F) {
	f.Add([]byte("a: 1 # salint:ignore SA001 why\n# salint:ignore SA010\nb: |\n  # salint:ignore x\n"))
	f.Add([]byte("---# salint:ignore\n- [ '# salint:ignore' ]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := 1 + bytes.Count(data, []byte("\n"))
		for line, text := range loader.IgnoreComments(data, loader.Options{}) {
			if line < 1 || line > lines+1 || !strings.Contains(text, loader.IgnoreMarker) {
				t.Fatalf("comment %q at line %d of %d", text, line, lines)
			}
		}
	})
}
