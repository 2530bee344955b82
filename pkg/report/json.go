package report

import (
	"bytes"
	"encoding/json"

	"github.com/salint/salint/pkg/finding"
)

// jsonSchemaVersion changes only when a field is removed or changes meaning;
// fields are only added within a version. JSON.md documents the format.
const jsonSchemaVersion = 1

// jsonFormat prints the documented, versioned JSON report. Every object is
// an explicit struct so that the key order is the declaration order.
type jsonFormat struct{}

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
	HelmSource    string        `json:"helmSource"`
	Related       []jsonRelated `json:"related"`
	Fingerprint   string        `json:"fingerprint"`
	Suppressed    bool          `json:"suppressed"`
	Justification string        `json:"justification"`
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

func (jsonFormat) render(buf *bytes.Buffer, r *finding.Report, opts Options) error {
	s := r.Summary
	out := jsonReport{
		SchemaVersion: jsonSchemaVersion,
		Tool:          jsonTool{Name: toolName(r.Tool), Version: r.Tool.Version},
		Summary: jsonSummary{
			Files:      s.Files,
			Documents:  s.Documents,
			Objects:    s.Objects,
			Skipped:    s.Skipped,
			Errors:     s.Errors,
			Findings:   s.Findings,
			Suppressed: s.Suppressed,
			BySeverity: jsonBySeverity{
				Critical: s.BySeverity[finding.Critical],
				High:     s.BySeverity[finding.High],
				Medium:   s.BySeverity[finding.Medium],
				Low:      s.BySeverity[finding.Low],
				Info:     s.BySeverity[finding.Info],
			},
		},
		Findings: []jsonFinding{},
		Errors:   make([]jsonError, 0, len(r.Errors)),
		Skipped:  make([]jsonSkipped, 0, len(r.Skipped)),
	}
	for _, f := range shownFindings(r, opts) {
		id, name := ruleOf(f)
		jf := jsonFinding{
			RuleID:        id,
			Rule:          name,
			Severity:      f.Severity.String(),
			Message:       f.Message,
			File:          f.File,
			Line:          f.Line,
			Column:        f.Column,
			Object:        jsonObject(f.Object),
			Path:          f.Path,
			HelmSource:    f.HelmSource,
			Related:       make([]jsonRelated, 0, len(f.Related)),
			Fingerprint:   f.Fingerprint,
			Suppressed:    f.Suppressed,
			Justification: f.Justification,
		}
		for _, rel := range f.Related {
			jf.Related = append(jf.Related, jsonRelated{File: rel.File, Line: rel.Line, Column: rel.Column, Message: rel.Message})
		}
		out.Findings = append(out.Findings, jf)
	}
	for _, e := range r.Errors {
		out.Errors = append(out.Errors, jsonError{File: e.File, Line: e.Line, Column: e.Column, Message: e.Message})
	}
	for _, sk := range r.Skipped {
		out.Skipped = append(out.Skipped, jsonSkipped{File: sk.File, Line: sk.Line, Column: sk.Column, Kind: sk.Kind, Reason: sk.Reason})
	}
	return encodeJSON(buf, out)
}

// encodeJSON writes v indented by two spaces with a trailing newline, and
// without HTML escaping so that "<", "&" and "→" print as themselves.
func encodeJSON(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
