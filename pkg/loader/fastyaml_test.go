package loader

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// goYAMLDocument is what go-yaml reads from text when it is exactly one
// document, or ok false.
func goYAMLDocument(text []byte) (doc *yaml.Node, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(text))
	var n yaml.Node
	if err := dec.Decode(&n); err != nil {
		return nil, false
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, false
	}
	return &n, true
}

// goYAMLEmpty reports whether go-yaml reads no document from text, or one
// that holds nothing (what the loader skips), without an error.
func goYAMLEmpty(text []byte) (empty bool) {
	defer func() {
		if recover() != nil {
			empty = false
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(text))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			return false
		}
		if len(n.Content) > 0 && (n.Content[0].Kind != yaml.ScalarNode || n.Content[0].Tag != "!!null") {
			return false
		}
	}
}

// sameNode returns where a and b differ in anything but comments, or "".
func sameNode(a, b *yaml.Node, path string) string {
	if a == nil || b == nil {
		if a != b {
			return path + ": one node is nil"
		}
		return ""
	}
	if a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value || a.Anchor != b.Anchor ||
		a.Line != b.Line || a.Column != b.Column || (a.Alias == nil) != (b.Alias == nil) || len(a.Content) != len(b.Content) {
		return fmt.Sprintf("%s: fast {kind %v style %v tag %q value %q at %d:%d, %d children}, go-yaml {kind %v style %v tag %q value %q at %d:%d, %d children}",
			path, a.Kind, a.Style, a.Tag, a.Value, a.Line, a.Column, len(a.Content), b.Kind, b.Style, b.Tag, b.Value, b.Line, b.Column, len(b.Content))
	}
	for i := range a.Content {
		if d := sameNode(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); d != "" {
			return d
		}
	}
	return ""
}

// checkFast fails when the fast reader accepts text and reads it other
// than go-yaml does; it returns whether the fast reader accepted it.
func checkFast(t *testing.T, name string, text []byte) bool {
	t.Helper()
	fast, ok := fastDocument(text)
	if !ok {
		return false
	}
	if fast == nil {
		if !goYAMLEmpty(text) {
			t.Errorf("%s: the fast reader finds no document where go-yaml finds one, or fails:\n%s", name, text)
		}
		return true
	}
	want, wok := goYAMLDocument(text)
	if !wok {
		t.Errorf("%s: the fast reader accepts what go-yaml does not read as one document:\n%s", name, text)
		return true
	}
	if d := sameNode(fast, want, ""); d != "" {
		t.Errorf("%s: %s\n%s", name, d, text)
	}
	return true
}

func TestFastDocumentCases(t *testing.T) {
	for _, c := range []struct {
		text string
		fast bool
	}{
		{"apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: {a: b, c: 'd'}\nspec:\n  containers:\n  - name: c\n    image: \"i:1\"\n    args: [a, \"b\", 'c''d', 1, true, null]\n", true},
		{"---\n# c\nkind: List\nitems:\n- a\n-\n- # c\n  b\n- - x\n", false},
		{"# only a comment\n\n", true},
		{"--- # a comment\n", true},
		{"", true},
		{"---\nkind: List\nitems:\n- a\n-\n-   b: c\n    d:\n    e: ~\n", true},
		{"# head\n\nkey: value # line\nempty:\nnull: ~\nmerge:\n  <<: {a: b}\n", true},
		{"a: b\n  c\n", false},         // a multi-line plain scalar
		{"a: &x b\nc: *x\n", false},    // anchors
		{"a: |\n  text\n", false},      // block scalars
		{"a: !!str 1\n", false},        // tags
		{"a:\tb\n", false},             // tabs
		{"a: b: c\n", false},           // go-yaml rejects it
		{"a: - b\n", false},            // go-yaml rejects it
		{"a: [b, [c]]\n", false},       // nested flow
		{"a: [b,\n  c]\n", false},      // flow over lines
		{"a: \"x\\ny\"\n", false},      // escapes
		{"a: b\n---\nc: d\n", false},   // a second document
		{"a: 'it''s'\n'q': 1\n", true}, // quoted keys and doubled quotes
		{"a: 0x1F\nb: 1e3\nc: .inf\nd: 2001-12-14\ne: yes\n", true},
		{"a:\n- b\n- c\nd: e\n", true}, // an indentless sequence
		{"a:\n  - b\n  - c: d\n    e: f\ng: h\n", true},
		{"- a\n- b\n", false}, // not a mapping at the root
		{"a: b # c\n# d\n", true},
		{"a: b#c\n", true},
		{"a: http://x:8080/y\n", true},
		{"a: 'b' c\n", false},
		{"key:   \n  value\n", true},
	} {
		if got := checkFast(t, fmt.Sprintf("%q", c.text), []byte(c.text)); got != c.fast {
			t.Errorf("%q: fast reader accepted %v, want %v", c.text, got, c.fast)
		}
	}
}

// TestFastDocumentOnTheCorpus: every document of the shared corpus and of
// the test manifests that the fast reader accepts, it reads as go-yaml
// does; and it accepts most of them.
func TestFastDocumentOnTheCorpus(t *testing.T) {
	var roots []string
	for _, r := range []string{"../../testdata", "../../../shared/corpus", "../../../shared/charts"} {
		if _, err := os.Stat(r); err == nil {
			roots = append(roots, r)
		}
	}
	docs, fast := 0, 0
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") && !strings.HasSuffix(path, ".yml") && !strings.HasSuffix(path, ".json") {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, c := range splitDocuments(data) {
				docs++
				if checkFast(t, fmt.Sprintf("%s:%d", path, c.startLine), c.text) {
					fast++
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("the fast reader read %d of %d documents", fast, docs)
	if docs > 100 && fast*2 < docs {
		t.Errorf("the fast reader read only %d of %d documents", fast, docs)
	}
}

// FuzzFastDocument holds the fast reader to go-yaml: whatever it accepts,
// it must read as go-yaml does.
func FuzzFastDocument(f *testing.F) {
	for _, s := range []string{
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: c\n    image: i\n",
		"---\na:\n- b\n-\n- c: [d, 'e', \"f\"]\n  g: {h: i}\nj: ~\n",
		"a: 'b''c' # d\n\"e\": 0x10\n<<: {f: g}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		checkFast(t, "input", text)
	})
}

// SetFastPath turns the fast reader on or off for a benchmark, and returns
// what restores it.
func SetFastPath(on bool) func() {
	old := fastPath
	fastPath = on
	return func() { fastPath = old }
}

// TestParseUsesTheFastReader: Parse hands plain block YAML to the fast
// reader (half of go-yaml's allocations or fewer), and a document that
// holds an ignore marker to go-yaml, whose comments suppression reads.
func TestParseUsesTheFastReader(t *testing.T) {
	plain := []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n  c: d\n  e: [f, g]\n")
	marked := append([]byte("# salint:ignore SA001\n"), plain...)
	allocs := func(text []byte, fast bool) float64 {
		defer SetFastPath(fast)()
		return testing.AllocsPerRun(20, func() { Parse("f.yaml", text, Options{}) })
	}
	if on, off := allocs(plain, true), allocs(plain, false); on*2 > off {
		t.Errorf("plain YAML: %.0f allocations with the fast reader, %.0f without: it is not used", on, off)
	}
	if on, off := allocs(marked, true), allocs(marked, false); on != off {
		t.Errorf("a document with an ignore marker: %.0f allocations with the fast reader, %.0f without: it should go to go-yaml", on, off)
	}
}
