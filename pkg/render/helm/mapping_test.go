package helm

import (
	"strings"
	"testing"

	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/render"
)

const modeTemplate = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .name }}
  annotations:
    stamp: {{ .stamp }}
automountServiceAccountToken: true
`

// mapperFor renders modeTemplate twice, as the two passes would, with a
// stamp that differs between them, and maps the first render.
func mapperFor(t *testing.T, stamp, markedStamp string) (*docMapper, render.Doc) {
	t.Helper()
	src := &tmplSource{name: "t/templates/sa.yaml", file: "chart/templates/sa.yaml", src: newText(modeTemplate)}
	in := instrument(src.file, modeTemplate, 1)
	src.inst = &in
	out := execute(t, map[string]any{"name": "sa", "stamp": stamp}, false, in.text)
	marked := execute(t, map[string]any{"name": "sa", "stamp": markedStamp}, true, in.marked)
	m := newDocMapper(&unitSources{}, src, out, marked)
	return m, render.Doc{Name: src.name, Text: []byte(out), Map: m}
}

func TestMappingModes(t *testing.T) {
	at := func(line, col int) finding.Location {
		return finding.Location{File: "chart/templates/sa.yaml", Line: line, Column: col}
	}
	tests := []struct {
		name          string
		stamp, marked string
		mode          int
		path          loader.Path
		want          finding.Location
		exact         bool
	}{
		{"same output", "a", "a", mapExact, loader.Path{"metadata", "name"}, at(4, 3), true},
		{"a line differs: other lines stay exact", "a", "b", mapLines, loader.Path{"automountServiceAccountToken"}, at(7, 1), true},
		{"a line differs: before the difference is exact", "a", "b", mapLines, loader.Path{"metadata", "annotations", "stamp"}, at(6, 5), true},
		{"a line differs: after the difference is not", "[a, b]", "[cc, b]", mapLines, loader.Path{"metadata", "annotations", "stamp", 1}, at(6, 12), false},
		{"line counts differ: literal lines", "a", "b\nc: d", mapFallback, loader.Path{"automountServiceAccountToken"}, at(7, 1), false},
		{"line counts differ: the object's first key", "a", "b\nc: d", mapFallback, loader.Path{"metadata", "annotations", "stamp"}, at(1, 1), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, d := mapperFor(t, tc.stamp, tc.marked)
			if m.mode != tc.mode {
				t.Errorf("mode %d, want %d", m.mode, tc.mode)
			}
			got := locate(t, d, "", tc.path)
			if got.Location != tc.want || got.Exact != tc.exact {
				t.Errorf("located at %s (exact %v), want %s (exact %v)", got.Location, got.Exact, tc.want, tc.exact)
			}
		})
	}
	// Output that holds marker bytes itself cannot be split at markers.
	m, _ := mapperFor(t, "\x001\x01", "\x001\x01")
	got := m.Locate(render.Node{Pos: loader.Pos{Line: 2, Column: 1}, Object: loader.Pos{Line: 1, Column: 1}})
	if m.mode != mapFallback || got.Location != at(2, 1) || got.Exact {
		t.Errorf("with markers in the output: mode %d, located at %s (exact %v)", m.mode, got.Location, got.Exact)
	}
}

func TestGlobMatch(t *testing.T) {
	lit := func(s string) patPart { return patPart{lit: s} }
	hole := patPart{hole: true}
	tests := []struct {
		line  string
		parts []patPart
		want  bool
	}{
		{"helm.sh/chart: web-0.1.0", []patPart{lit("helm.sh/chart: "), hole}, true},
		{"app: web-x", []patPart{lit("app: "), hole, lit("-"), hole}, true},
		{"image: \"a:b\"", []patPart{lit("image: \""), hole, lit(":"), hole, lit("\"")}, true},
		{"image: a:b", []patPart{lit("image: \""), hole}, false},
		{"key: v", []patPart{lit("key: v")}, true},
		{"key: vv", []patPart{lit("key: v")}, false},
		{"x-suffix", []patPart{hole, lit("-suffix")}, true},
		{"x-suffixes", []patPart{hole, lit("-suffix")}, false},
	}
	for _, tc := range tests {
		if got := globMatch(tc.line, tc.parts); got != tc.want {
			t.Errorf("globMatch(%q, %v) = %v, want %v", tc.line, tc.parts, got, tc.want)
		}
	}
}

func TestDefineLines(t *testing.T) {
	src := `{{- define "d" -}}
a: {{ .x }}
{{- if .y }}
  b: {{ .Values.b.c | quote }}
{{- end }}
{{ include "other" . }}
{{ .only }}
{{- end }}`
	_, defines, err := parseSource("t", src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range defineLines(src, defines["d"].Root) {
		var parts []string
		for _, p := range l.parts {
			if p.hole {
				parts = append(parts, "*")
			} else {
				parts = append(parts, p.lit)
			}
		}
		at := "-"
		if l.off >= 0 {
			at = src[l.off : l.off+1]
		}
		got = append(got, strings.Join(parts, "|")+" @"+at+" include="+l.include+" values="+pathString(l.values))
	}
	want := []string{
		"a: |* @a include= values=",
		"b: |* @b include= values=b.c",
		"* @- include=other values=",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
