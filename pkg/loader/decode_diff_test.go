package loader_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	kjson "sigs.k8s.io/json"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/model"
)

// TestDecoderMatchesKubectl decodes every checked object of the bundled
// manifests and the shared corpus twice: with the loader's single-walk
// decoder, and the way kubectl's path does it (sigs.k8s.io/yaml to JSON,
// then sigs.k8s.io/json strict decoding). The Go values and the unknown
// fields must agree.
func TestDecoderMatchesKubectl(t *testing.T) {
	var files []string
	for _, root := range []string{"../../testdata", "../../../shared/corpus"} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".json")) {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) == 0 {
		t.Fatal("no manifests found")
	}
	compared := 0
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f := loader.Parse(p, data, loader.Options{Kinds: func(apiVersion, kind string) *loader.Target {
			return model.Kinds(apiVersion, kind)
		}})
		docs := referenceDocs(data)
		for _, o := range f.Objects {
			if hasType(o.FieldErrors) {
				continue // the JSON decoder stops at the first; compared elsewhere
			}
			ref := referenceDecode(t, docs, o)
			if ref == nil {
				continue
			}
			compared++
			if !reflect.DeepEqual(ref.value, o.Value) {
				t.Errorf("%s: %s %s decodes differently from kubectl's path", p, o.Kind, o.Name)
			}
			var got []string
			for _, fe := range o.FieldErrors {
				got = append(got, fe.Path.String())
			}
			slices.Sort(got)
			if !slices.Equal(got, ref.unknown) {
				t.Errorf("%s: %s %s unknown fields %v, kubectl's path %v", p, o.Kind, o.Name, got, ref.unknown)
			}
		}
	}
	t.Logf("%d objects compared", compared)
	if compared < 20 {
		t.Errorf("only %d objects compared", compared)
	}
}

func hasType(errs []loader.FieldError) bool {
	for _, e := range errs {
		if e.Problem == "type" {
			return true
		}
	}
	return false
}

type reference struct {
	value   any
	unknown []string
}

// referenceDocs converts each document of a stream to JSON the kubectl way.
func referenceDocs(data []byte) [][]byte {
	var out [][]byte
	for _, d := range splitForReference(data) {
		if j, err := sigsyaml.YAMLToJSON(d); err == nil {
			out = append(out, j)
		}
	}
	return out
}

// splitForReference cuts a stream into documents at "---" lines.
func splitForReference(data []byte) [][]byte {
	var docs [][]byte
	var cur []string
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if strings.HasPrefix(l, "---") && (len(l) == 3 || strings.ContainsAny(l[3:4], " \t\r\n")) {
			docs = append(docs, []byte(strings.Join(cur, "")))
			cur = nil
		}
		cur = append(cur, l)
	}
	return append(docs, []byte(strings.Join(cur, "")))
}

// referenceDecode finds o's document among docs by kind and name and
// decodes it the kubectl way; List items are skipped.
func referenceDecode(t *testing.T, docs [][]byte, o *loader.Object) *reference {
	t.Helper()
	for _, j := range docs {
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name         string `json:"name"`
				GenerateName string `json:"generateName"`
				Namespace    string `json:"namespace"`
			} `json:"metadata"`
		}
		if kjson.UnmarshalCaseSensitivePreserveInts(j, &head) != nil {
			continue
		}
		name := head.Metadata.Name
		if name == "" {
			name = head.Metadata.GenerateName
		}
		if head.Kind != o.Kind || head.APIVersion != o.APIVersion || name != o.Name || head.Metadata.Namespace != o.Namespace {
			continue
		}
		target := model.Kinds(o.APIVersion, o.Kind)
		value := target.New()
		strict, err := kjson.UnmarshalStrict(j, value)
		if err != nil {
			return nil
		}
		r := &reference{value: value}
		for _, se := range strict {
			fe, ok := se.(kjson.FieldError)
			if !ok || !strings.HasPrefix(se.Error(), "unknown field") {
				continue
			}
			path := fe.FieldPath()
			if target.Strict != nil && !underAny(path, target.Strict) {
				continue
			}
			r.unknown = append(r.unknown, path)
		}
		slices.Sort(r.unknown)
		return r
	}
	return nil
}

func underAny(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if path == p || strings.HasPrefix(path, p+".") || strings.HasPrefix(path, p+"[") {
			return true
		}
	}
	return false
}
