package report

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/salint/salint/pkg/finding"
)

// objectKeys lists the keys of a JSON object in the order they appear.
func objectKeys(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %s", raw)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func decodeObject(t *testing.T, raw []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("decoding %s: %v", raw, err)
	}
	return m
}

func TestJSONKeyOrder(t *testing.T) {
	out := []byte(render(t, "json", fullReport(), Options{ShowSuppressed: true}))
	top := decodeObject(t, out)

	type keyOrder struct {
		name string
		raw  []byte
		want []string
	}
	tests := []keyOrder{
		{"top level", out, []string{"schemaVersion", "tool", "summary", "findings", "errors", "skipped", "notes", "units"}},
		{"tool", top["tool"], []string{"name", "version"}},
		{"summary", top["summary"], []string{"files", "charts", "scenarios", "kustomizations", "documents", "objects", "skipped", "errors", "findings", "suppressed", "bySeverity", "byRule"}},
		{"bySeverity", decodeObject(t, top["summary"])["bySeverity"], []string{"critical", "high", "medium", "low", "info"}},
		{"byRule", decodeObject(t, top["summary"])["byRule"], []string{"SA003", "SA010", "SA012", "SA020", "SA041", "SA070"}},
	}
	var findings []json.RawMessage
	if err := json.Unmarshal(top["findings"], &findings); err != nil || len(findings) == 0 {
		t.Fatalf("findings: %v, %d", err, len(findings))
	}
	for _, f := range findings {
		tests = append(tests, keyOrder{"finding", f, []string{"ruleId", "rule", "severity", "message", "file", "line",
			"column", "object", "path", "source", "related", "fingerprint", "suppressed", "justification"}})
		src := decodeObject(t, f)["source"]
		tests = append(tests, keyOrder{"source", src, []string{"type", "root", "scenario", "template", "rendered"}},
			keyOrder{"rendered", decodeObject(t, src)["rendered"], []string{"file", "line", "column"}})
		var related []json.RawMessage
		if err := json.Unmarshal(decodeObject(t, f)["related"], &related); err != nil {
			t.Fatal(err)
		}
		for _, rel := range related {
			tests = append(tests, keyOrder{"related", rel, []string{"file", "line", "column", "message"}})
		}
	}
	first := decodeObject(t, findings[0])
	tests = append(tests, keyOrder{"object", first["object"], []string{"apiVersion", "kind", "namespace", "name"}})
	var errs []json.RawMessage
	if err := json.Unmarshal(top["errors"], &errs); err != nil || len(errs) == 0 {
		t.Fatalf("errors: %v, %d", err, len(errs))
	}
	tests = append(tests, keyOrder{"error", errs[0], []string{"file", "line", "column", "message"}})
	var skipped []json.RawMessage
	if err := json.Unmarshal(top["skipped"], &skipped); err != nil || len(skipped) == 0 {
		t.Fatalf("skipped: %v, %d", err, len(skipped))
	}
	tests = append(tests, keyOrder{"skipped", skipped[0], []string{"file", "line", "column", "kind", "reason"}})
	for _, tt := range tests {
		if got := objectKeys(t, tt.raw); !slices.Equal(got, tt.want) {
			t.Errorf("%s keys = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	r := fullReport()
	var got jsonReport
	if err := json.Unmarshal([]byte(render(t, "json", r, Options{ShowSuppressed: true})), &got); err != nil {
		t.Fatal(err)
	}
	if got.SchemaVersion != 2 || got.Tool.Name != "salint" || got.Tool.Version != "v0.4.0" {
		t.Errorf("header = %d %+v", got.SchemaVersion, got.Tool)
	}
	if len(got.Findings) != len(r.Findings) || len(got.Errors) != len(r.Errors) || len(got.Skipped) != len(r.Skipped) {
		t.Fatalf("decoded %d findings, %d errors, %d skipped", len(got.Findings), len(got.Errors), len(got.Skipped))
	}
	for i, f := range r.Findings {
		g := got.Findings[i]
		if g.RuleID != f.Rule.ID || g.Rule != f.Rule.Name || g.Severity != f.Severity.String() ||
			g.Message != f.Message || g.File != f.File || g.Line != f.Line || g.Column != f.Column ||
			g.Object != jsonObject(f.Object) || g.Path != f.Path || !sameSource(g.Source, f.Source) ||
			g.Fingerprint != f.Fingerprint || g.Suppressed != f.Suppressed || g.Justification != f.Justification ||
			len(g.Related) != len(f.Related) {
			t.Errorf("finding %d decoded as %+v, want %+v", i, g, f)
		}
	}
	want := jsonBySeverity{Critical: 2, High: 1, Medium: 1, Low: 1, Info: 2}
	if got.Summary.BySeverity != want {
		t.Errorf("bySeverity = %+v, want %+v", got.Summary.BySeverity, want)
	}
}

func TestJSONNeverNull(t *testing.T) {
	for _, c := range goldenCases() {
		out := render(t, "json", c.report(), c.opts)
		if strings.Contains(out, "null") {
			t.Errorf("%s: JSON contains null:\n%s", c.name, out)
		}
		top := decodeObject(t, []byte(out))
		for _, key := range []string{"findings", "errors", "skipped", "notes"} {
			var arr []json.RawMessage
			if err := json.Unmarshal(top[key], &arr); err != nil || arr == nil {
				t.Errorf("%s: %q = %s, want an array", c.name, key, top[key])
			}
		}
		var sev map[string]int
		if err := json.Unmarshal(decodeObject(t, top["summary"])["bySeverity"], &sev); err != nil || len(sev) != 5 {
			t.Errorf("%s: bySeverity = %v (%v), want five keys", c.name, sev, err)
		}
	}
}

func TestJSONLayout(t *testing.T) {
	out := render(t, "json", fullReport(), fullOptions)
	if !strings.HasSuffix(out, "}\n") || strings.HasSuffix(out, "\n\n") {
		t.Error("JSON should end in exactly one newline")
	}
	if !strings.HasPrefix(out, "{\n  \"schemaVersion\": 2,\n") {
		t.Errorf("JSON should be indented by two spaces, starts %q", out[:min(40, len(out))])
	}
	for _, literal := range []string{`<every resource> & every group → 100%`, `\"*\"`} {
		if !strings.Contains(out, literal) {
			t.Errorf("JSON lacks %q printed literally", literal)
		}
	}
	if strings.Contains(out, `\u003c`) || strings.Contains(out, `\u0026`) {
		t.Error("JSON escapes HTML characters")
	}
}

// The JSON format as Go types, for decoding reports in tests.
type jsonReport struct {
	SchemaVersion int           `json:"schemaVersion"`
	Tool          jsonTool      `json:"tool"`
	Summary       jsonSummary   `json:"summary"`
	Findings      []jsonFinding `json:"findings"`
	Errors        []jsonError   `json:"errors"`
	Skipped       []jsonSkipped `json:"skipped"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonSummary struct {
	Files      int            `json:"files"`
	Documents  int            `json:"documents"`
	Objects    int            `json:"objects"`
	Skipped    int            `json:"skipped"`
	Errors     int            `json:"errors"`
	Findings   int            `json:"findings"`
	Suppressed int            `json:"suppressed"`
	BySeverity jsonBySeverity `json:"bySeverity"`
}

type jsonBySeverity struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Info     int `json:"info"`
}

type jsonFinding struct {
	RuleID        string        `json:"ruleId"`
	Rule          string        `json:"rule"`
	Severity      string        `json:"severity"`
	Message       string        `json:"message"`
	File          string        `json:"file"`
	Line          int           `json:"line"`
	Column        int           `json:"column"`
	Object        jsonObject    `json:"object"`
	Path          string        `json:"path"`
	Source        *jsonSource   `json:"source"`
	Related       []jsonRelated `json:"related"`
	Fingerprint   string        `json:"fingerprint"`
	Suppressed    bool          `json:"suppressed"`
	Justification string        `json:"justification"`
}

type jsonSource struct {
	Type     string        `json:"type"`
	Root     string        `json:"root"`
	Scenario string        `json:"scenario"`
	Template string        `json:"template"`
	Rendered *jsonRendered `json:"rendered"`
}

type jsonRendered struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// sameSource reports whether a decoded source says what the finding's does.
func sameSource(got *jsonSource, want *finding.Source) bool {
	if want == nil {
		want = &finding.Source{}
	}
	if got == nil || got.Rendered == nil {
		return false
	}
	return got.Type == want.Type && got.Root == want.Root && got.Scenario == want.Scenario && got.Template == want.Template &&
		*got.Rendered == jsonRendered{want.Rendered.File, want.Rendered.Line, want.Rendered.Column}
}

type jsonObject struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
}

type jsonRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

type jsonError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

type jsonSkipped struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
}
