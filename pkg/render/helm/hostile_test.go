package helm

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestHostileTemplatesAreBounded renders templates written to exhaust the
// linter: each must end in an error on its unit, without the memory it
// asks for.
func TestHostileTemplatesAreBounded(t *testing.T) {
	lowerLimits(t, limits{steps: 2_000_000, output: 16 << 20, frames: 20_000})
	var chain strings.Builder
	for i := range 200 {
		fmt.Fprintf(&chain, `{{ define "d%d" }}{{ include "d%d" . }}{{ end }}`, i, (i+1)%200)
	}
	chain.WriteString(`{{ include "d0" . }}`)
	tests := []struct {
		name     string
		template string
		values   string
		want     string
	}{
		{"until", `{{ range until 100000000 }}x{{ end }}`, "", "would make 100000000 numbers"},
		{"nested ranges", `{{ range until 100000 }}{{ range until 100000 }}x{{ end }}{{ end }}`, "", "ran more than 2000000 steps"},
		{"nested ranges with empty bodies", `{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}`, "", "ran more than 2000000 steps"},
		{"range over an integer", `{{ range 1000000000 }}{{ end }}`, "", "range over 1000000000 would iterate"},
		{"repeat", `{{ repeat 1000000000 "x" }}`, "", "repeat 1000000000 would make"},
		{"include of itself", `{{ define "r" }}{{ include "r" . }}{{ end }}{{ include "r" . }}`, "", "nested reference name: r"},
		{"includes doubling", `{{ define "r" }}{{ if lt (len .) 40 }}{{ include "r" (append . 1) }}{{ include "r" (append . 1) }}{{ end }}{{ end }}{{ include "r" list }}`, "", "produced more than"},
		{"includes in a long cycle", chain.String(), "", "stack frames deep"},
		{"tpl of a value", `{{ tpl .Values.evil . }}`, `evil: "{{ range until 10000 }}{{ range until 10000 }}x{{ end }}{{ end }}"`, "ran more than 2000000 steps"},
		{"value holding itself", `{{ $d := dict }}{{ $_ := set $d "self" $d }}{{ toYaml $d }}`, "", "nested more than 1000 levels"},
		{"printing a value holding itself", `{{ $d := dict }}{{ $_ := set $d "self" $d }}{{ $d }}`, "", "nested more than 1000 levels"},
		{"list sharing itself", `{{ $l := list "xxxxxxxx" }}{{ range until 40 }}{{ $l = list $l $l }}{{ end }}{{ toJson $l }}`, "", "a value"},
		{"doubling string", `{{ $s := "x" }}{{ range until 64 }}{{ $s = print $s $s }}{{ end }}`, "", "produced more than"},
		{"printf width", `{{ printf "%1000000000d" 1 }}`, "", "printf width or precision 1000000000"},
		{"printf star width", `{{ printf "%*d" 1000000000 1 }}`, "", "printf width 1000000000"},
		{"indent", `{{ indent 1000000000 "x" }}`, "", "indent 1000000000 would make"},
		{"replace of the empty string", `{{ replace "" (repeat 1000 "y") (repeat 100000 "x") }}`, "", "produced more than"},
		{"large value printed often", `{{ range until 100000 }}{{ $.Values.big }}{{ end }}`, "big: " + strings.Repeat("x", 10000), "produced more than"},
		{"uniq of a long list", `{{ uniq (until 100000) }}`, "", "compare more than"},
		{"random string", `{{ randAlphaNum 100000000 }}`, "", "random string"},
		{"deep nesting", strings.Repeat("{{ if 1 }}", 1_000_000) + strings.Repeat("{{ end }}", 1_000_000), "", "nest more than 1000 deep"},
		{"deep nesting in tpl", `{{ tpl (print (repeat 100000 "{{ if 1 }}") (repeat 100000 "{{ end }}")) . }}`, "", "nests control structures more than 1000 deep"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeChart(t, map[string]string{"templates/x.yaml": tc.template, "values.yaml": tc.values})
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			u := renderOne(t, dir, Options{})
			runtime.ReadMemStats(&after)
			if len(u.Errors) != 1 || !strings.Contains(u.Errors[0].Message, tc.want) {
				t.Fatalf("errors:\n%s\nwant one containing %q", errorsText(u), tc.want)
			}
			if !strings.HasSuffix(u.Errors[0].File, "x.yaml") || u.Errors[0].Line > 1 {
				t.Errorf("error at %s, want in templates/x.yaml, line 1 or the whole file", u.Errors[0].Location)
			}
			if len(u.Docs) != 0 {
				t.Errorf("a failed render has %d documents", len(u.Docs))
			}
			// Each case would allocate gigabytes, or never end, unbounded.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<30 {
				t.Errorf("allocated %d MiB", alloc>>20)
			}
		})
	}
}

func TestRenderStopsAtItsTimeout(t *testing.T) {
	dir := writeChart(t, map[string]string{
		// Bounded in steps and bytes, but slow: only the deadline stops it.
		"templates/x.yaml": `{{ range until 1000000 }}{{ $x := sha256sum (repeat 1000 "x") }}{{ end }}`,
	})
	u := renderOne(t, dir, Options{Timeout: 50 * time.Millisecond})
	if len(u.Errors) != 1 || !strings.Contains(u.Errors[0].Message, "longer than its time limit") {
		t.Fatalf("errors:\n%s\nwant the time limit", errorsText(u))
	}
}

func TestKeyGenerationGivesPlaceholders(t *testing.T) {
	dir := writeChart(t, map[string]string{"templates/secret.yaml": `apiVersion: v1
kind: Secret
metadata:
  name: tls
{{- $ca := genCA "ca" 365 }}
{{- $cert := genSignedCert "svc" nil (list "svc.local") 365 $ca }}
data:
  ca.crt: {{ $ca.Cert | b64enc }}
  tls.key: {{ genPrivateKey "rsa" | b64enc }}
  auth: {{ htpasswd "user" "pass" | b64enc }}
`})
	u := renderOne(t, dir, Options{})
	if len(u.Errors) != 0 {
		t.Fatalf("errors:\n%s", errorsText(u))
	}
	if len(u.Notes) != 1 || !strings.Contains(u.Notes[0], "genCA, genPrivateKey, genSignedCert, htpasswd returned a placeholder") {
		t.Errorf("notes %q, want one naming the placeholders", u.Notes)
	}
}
