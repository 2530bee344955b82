package helm

import (
	"context"
	"strings"
	"testing"
	"text/template"
	"time"

	"helm.sh/helm/v4/pkg/chart/common"
)

// execute runs the templates (the last one is executed, the others only
// define) with salint's functions, as Helm's engine would.
func execute(t *testing.T, data any, mark bool, srcs ...string) string {
	t.Helper()
	b := newBudget(context.Background(), time.Now().Add(time.Minute), time.Now(), false)
	funcs := b.funcs(mark)
	funcs["include"] = func(string, any) string { return "" }
	funcs["tpl"] = func(s string, v any) (string, error) {
		t, err := template.New("tpl").Funcs(sprigFuncs).Funcs(funcs).Parse(s)
		if err != nil {
			return "", err
		}
		var out strings.Builder
		err = t.Execute(&out, v)
		return out.String(), err
	}
	root := template.New("root").Funcs(sprigFuncs).Funcs(funcs).Option("missingkey=zero")
	var last *template.Template
	for i, s := range srcs {
		tt, err := root.New(string(rune('a' + i))).Parse(s)
		if err != nil {
			t.Fatalf("parsing %q: %v", s, err)
		}
		last = tt
	}
	var out strings.Builder
	if err := last.Execute(&out, data); err != nil {
		t.Fatalf("executing %q: %v", srcs[len(srcs)-1], err)
	}
	return out.String()
}

// TestInstrumentKeepsOutput checks that ticks, output counters, range
// counters, tpl guards and markers leave what a template prints unchanged,
// whatever its whitespace trimming, and that every text segment of the
// marked output is its node's source, byte for byte.
func TestInstrumentKeepsOutput(t *testing.T) {
	data := map[string]any{
		"a": true, "b": false, "x": "X", "n": nil, "l": []any{"p", "q", "r"}, "empty": []any{},
		"m":      map[string]any{"k2": 2, "k1": 1},
		"caps":   common.DefaultCapabilities, // .KubeVersion prints through its pointer's String
		"Values": map[string]any{"l": []any{"v1", "v2"}, "m": map[string]any{"k": "v"}},
	}
	tests := []struct {
		name string
		srcs []string
	}{
		{"trimmed action", []string{"a  {{- .x -}}  b\n"}},
		{"trim before text", []string{"k:\n  {{- if .a }}\n  v: {{ .x }}\n  {{- end }}\nz: 1\n"}},
		{"if else chain", []string{"{{ if .b }}B{{ else if .a }}A{{ else }}C{{ end }}|{{- if .b -}} x {{- else if .b -}} y {{- else -}} z {{- end }}"}},
		{"with else chain", []string{"{{ with .n }}N{{ else with .x }}{{ . }}{{ end }}"}},
		{"range with break, continue and else", []string{
			"{{ range $i, $v := .l }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ $v }}{{ if eq $i 2 }}{{ break }}{{ end }}{{ else }}none{{ end }}{{ range .empty }}x{{ else }}empty{{ end }}"}},
		{"ranges over values", []string{"{{ range $i, $v := .Values.l }}{{ $i }}={{ $v }};{{ end }}{{- range .Values.l -}}\n  {{ . }}\n{{- end }}{{ range .Values.m }}{{ . }}{{ end }}{{ range .Values.l }}{{ end }}"}},
		{"range over a map and an integer", []string{"{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}{{ range 3 }}.{{ end }}"}},
		{"range with a trimmed empty body", []string{"[{{ range .l -}}\n   {{- end }}]"}},
		{"empty define does not replace", []string{`{{ define "d" }}real{{ end }}`, `{{ define "d" }}{{ end }}{{ template "d" }}`}},
		{"blank define does not replace", []string{`{{ define "d" }}real{{ end }}`, "{{ define \"d\" }}\n  {{ end }}{{ template \"d\" }}"}},
		{"define used as a boolean", []string{`{{ define "on" }}true{{ end }}{{ if eq (include "on" .) "" }}yes{{ end }}`}},
		{"comments", []string{"a {{- /* c */ -}} b {{/* d */}}c\n{{- /* e */}}\nd"}},
		{"delimiters in strings", []string{"{{ printf \"%s}}\" (print \"a\" \"b\") }}{{ `}}` }}{{ print '}' }}"}},
		{"block and template", []string{`{{ block "blk" . }}default {{ .x }}{{ end }}|{{ template "blk" . }}`}},
		{"negative number", []string{"{{-3}} {{ -3 }}"}},
		{"variables", []string{"{{ $v := 1 }}{{ $v = 2 }}{{ $v }}{{ with $w := .x }}{{ $w }}{{ end }}"}},
		{"tpl call", []string{`{{ tpl .x . }}{{ tpl (print .x) $ }}{{ . | tpl "lit" }}`}},
		{"missing and nil values", []string{"[{{ .missing }}][{{ .n }}][{{ .n | default \"d\" }}]"}},
		{"pointer String method", []string{"{{ .caps.KubeVersion }}"}},
		{"CRLF and unicode", []string{"ключ: {{ .x }}\r\nb: c\r\n{{- if .a }}\r\n  é: ü\r\n{{- end }}\r\n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := execute(t, data, false, tc.srcs...)
			last := tc.srcs[len(tc.srcs)-1]
			var plain []string
			for _, s := range tc.srcs {
				in := instrument("t", s, noMarks)
				if !in.ok {
					t.Fatalf("%q did not parse", s)
				}
				plain = append(plain, in.text)
			}
			if got := execute(t, data, false, plain...); got != want {
				t.Errorf("instrumented output %q, want %q\nsource: %q", got, want, plain[len(plain)-1])
			}
			in := instrument("t", last, 7)
			marked := append(append([]string{}, plain[:len(plain)-1]...), in.marked)
			out := execute(t, data, true, marked...)
			stripped, segs, ok := splitMarked(out, 7, len(in.nodes))
			if !ok || stripped != want {
				t.Fatalf("marked output %q (markers ok: %v), want %q\nsource: %q", stripped, ok, want, in.marked)
			}
			for _, s := range segs {
				n := in.nodes[s.node]
				if n.kind == textNode && last[n.pos:n.pos+s.end-s.start] != stripped[s.start:s.end] {
					t.Errorf("text segment %q is not its source %q", stripped[s.start:s.end], last[n.pos:n.pos+s.end-s.start])
				}
			}
		})
	}
}

func TestInstrumentLeavesUnparsableSourceAlone(t *testing.T) {
	src := "{{ if }}"
	if in := instrument("t", src, 1); in.ok || in.text != src || in.marked != "" {
		t.Errorf("instrument(%q) = %+v, want the source unchanged", src, in)
	}
}

func TestShiftMapsBack(t *testing.T) {
	src := "ab{{ x }}cd"
	out, m := applyEdits(src, []edit{{at: 2, rank: rankTick, text: "{{t}}"}, {at: 9, rank: rankTick, text: "!!"}})
	if out != "ab{{t}}{{ x }}!!cd" {
		t.Fatalf("edited %q", out)
	}
	for o, want := range map[int]int{0: 0, 3: 2, 7: 2, 8: 3, 16: 9, 17: 10} {
		if got := m.original(o); got != want {
			t.Errorf("original(%d) = %d, want %d", o, got, want)
		}
	}
}
