package report

import (
	"bufio"
	"maps"
	"slices"

	"github.com/salint/salint/pkg/finding"
)

// jsonSchemaVersion changes only when a field is removed or changes meaning;
// fields are only added within a version. JSON.md documents the format.
const jsonSchemaVersion = 2

// jsonFormat prints the documented, versioned JSON report. Every object is
// an explicit struct so that the key order is the declaration order.
type jsonFormat struct{}

func (jsonFormat) render(buf *bufio.Writer, r *finding.Report, opts Options) error {
	s := r.Summary
	w := &jsonWriter{buf: buf}
	w.beginObject()
	w.intField("schemaVersion", jsonSchemaVersion)
	w.key("tool")
	w.beginObject()
	w.strField("name", toolName(r.Tool))
	w.strField("version", r.Tool.Version)
	w.endObject()
	w.key("summary")
	w.beginObject()
	w.intField("files", s.Files)
	w.intField("charts", s.Charts)
	w.intField("scenarios", s.Scenarios)
	w.intField("kustomizations", s.Kustomizations)
	w.intField("documents", s.Documents)
	w.intField("objects", s.Objects)
	w.intField("skipped", s.Skipped)
	w.intField("errors", s.Errors)
	w.intField("findings", s.Findings)
	w.intField("suppressed", s.Suppressed)
	w.key("bySeverity")
	w.beginObject()
	for _, sev := range []finding.Severity{finding.Critical, finding.High, finding.Medium, finding.Low, finding.Info} {
		w.intField(sev.String(), s.BySeverity[sev])
	}
	w.endObject()
	w.key("byRule")
	w.beginObject()
	for _, id := range slices.Sorted(maps.Keys(s.ByRule)) {
		if n := s.ByRule[id]; n > 0 {
			w.intField(id, n)
		}
	}
	w.endObject()
	w.endObject()
	w.key("findings")
	w.beginArray()
	for _, f := range shownFindings(r, opts) {
		id, name := ruleOf(f)
		w.beginObject()
		w.strField("ruleId", id)
		w.strField("rule", name)
		w.strField("severity", f.Severity.String())
		w.strField("message", f.Message)
		w.strField("file", f.File)
		w.intField("line", f.Line)
		w.intField("column", f.Column)
		w.key("object")
		w.beginObject()
		w.strField("apiVersion", f.Object.APIVersion)
		w.strField("kind", f.Object.Kind)
		w.strField("namespace", f.Object.Namespace)
		w.strField("name", f.Object.Name)
		w.endObject()
		w.strField("path", f.Path)
		w.key("source")
		writeSource(w, f.Source)
		w.key("related")
		w.beginArray()
		for _, rel := range f.Related {
			w.beginObject()
			w.strField("file", rel.File)
			w.intField("line", rel.Line)
			w.intField("column", rel.Column)
			w.strField("message", rel.Message)
			w.endObject()
		}
		w.endArray()
		w.strField("fingerprint", f.Fingerprint)
		w.key("suppressed")
		w.bool(f.Suppressed)
		w.strField("justification", f.Justification)
		w.endObject()
	}
	w.endArray()
	w.key("errors")
	w.beginArray()
	for _, e := range r.Errors {
		w.beginObject()
		w.strField("file", e.File)
		w.intField("line", e.Line)
		w.intField("column", e.Column)
		w.strField("message", e.Message)
		w.endObject()
	}
	w.endArray()
	w.key("skipped")
	w.beginArray()
	for _, sk := range r.Skipped {
		w.beginObject()
		w.strField("file", sk.File)
		w.intField("line", sk.Line)
		w.intField("column", sk.Column)
		w.strField("kind", sk.Kind)
		w.strField("reason", sk.Reason)
		w.endObject()
	}
	w.endArray()
	w.key("notes")
	w.beginArray()
	for _, n := range r.Notes {
		w.str(n)
	}
	w.endArray()
	w.key("units")
	w.beginArray()
	for _, u := range r.Units {
		w.beginObject()
		w.strField("type", u.Type)
		w.strField("root", u.Root)
		w.strField("scenario", u.Scenario)
		w.intField("documents", u.Documents)
		w.intField("objects", u.Objects)
		w.intField("errors", u.Errors)
		w.endObject()
	}
	w.endArray()
	w.endObject()
	buf.WriteByte('\n')
	return nil
}

// writeSource writes a finding's source object; a plain manifest's has
// every field empty, as the format never writes null.
func writeSource(w *jsonWriter, src *finding.Source) {
	if src == nil {
		src = &finding.Source{}
	}
	w.beginObject()
	w.strField("type", src.Type)
	w.strField("root", src.Root)
	w.strField("scenario", src.Scenario)
	w.strField("template", src.Template)
	w.key("rendered")
	w.beginObject()
	w.strField("file", src.Rendered.File)
	w.intField("line", src.Rendered.Line)
	w.intField("column", src.Rendered.Column)
	w.endObject()
	w.endObject()
}
