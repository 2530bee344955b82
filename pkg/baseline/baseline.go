// Package baseline owns the baseline file: a record of the findings a
// repository already had, written by --write-baseline and read by
// --baseline, so that a team can adopt salint on a large repository and
// block only new problems. Findings are matched by fingerprint (rule,
// object kind/namespace/name, field path and file), never by line, so a
// baseline survives lines moving and files being reformatted, and the same
// problem copied into a new file is new.
package baseline

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"

	"github.com/salint/salint/pkg/finding"
)

// SchemaVersion is the version of the baseline format this package writes.
// It changes only when a field is removed or changes meaning; fields are
// only added within a version. Version 1, whose fingerprints left out the
// file, is still read (see Read).
const SchemaVersion = 2

// toolName is the value of the file's "tool" key.
const toolName = "salint"

// File is the baseline as stored on disk: indented, versioned JSON with one
// entry per fingerprint, sorted by rule, object and path so that the file is
// byte-identical for the same findings and reviews as a readable diff:
//
//	{
//	  "schemaVersion": 2,
//	  "tool": "salint",
//	  "findings": [
//	    {
//	      "fingerprint": "…",
//	      "ruleId": "SA010",
//	      "object": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "prod", "name": "web"},
//	      "path": "spec.template.spec",
//	      "file": "deploy/web.yaml"
//	    }
//	  ]
//	}
//
// Only the fingerprint is matched; the other fields tell a reader what was
// accepted and where it was when the baseline was written.
type File struct {
	SchemaVersion int     `json:"schemaVersion"`
	Tool          string  `json:"tool"`
	Findings      []Entry `json:"findings"`
}

// Entry is one recorded finding.
type Entry struct {
	Fingerprint string         `json:"fingerprint"`
	RuleID      string         `json:"ruleId"`
	Object      finding.Object `json:"object"`
	Path        string         `json:"path"`
	File        string         `json:"file"`
}

// Write records every finding given as a baseline file. Callers should
// leave suppressed findings out: they are already accepted in the
// manifests, and recording them would keep them hidden after the
// suppression is removed. Findings that share a fingerprint are recorded
// once. The output depends only on the set of findings, not their order.
func Write(w io.Writer, findings []finding.Finding) error {
	entries := make([]Entry, 0, len(findings))
	for _, f := range findings {
		if f.Fingerprint == "" {
			return fmt.Errorf("writing baseline: the %s finding on %s at %s has no fingerprint", ruleID(f), f.Object, f.Location)
		}
		entries = append(entries, Entry{
			Fingerprint: f.Fingerprint,
			RuleID:      ruleID(f),
			Object:      f.Object,
			Path:        f.Path,
			File:        f.File,
		})
	}
	// Every field is a sort key, so which of several findings sharing a
	// fingerprint is kept does not depend on the input order.
	slices.SortFunc(entries, func(a, b Entry) int {
		return cmp.Or(
			cmp.Compare(a.RuleID, b.RuleID),
			cmp.Compare(a.Object.Kind, b.Object.Kind),
			cmp.Compare(a.Object.Namespace, b.Object.Namespace),
			cmp.Compare(a.Object.Name, b.Object.Name),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Fingerprint, b.Fingerprint),
			cmp.Compare(a.Object.APIVersion, b.Object.APIVersion),
			cmp.Compare(a.File, b.File),
		)
	})
	seen := make(map[string]bool, len(entries))
	unique := entries[:0]
	for _, e := range entries {
		if !seen[e.Fingerprint] {
			seen[e.Fingerprint] = true
			unique = append(unique, e)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // keep names like "a&b" readable
	if err := enc.Encode(File{SchemaVersion: SchemaVersion, Tool: toolName, Findings: unique}); err != nil {
		return fmt.Errorf("writing baseline: %w", err)
	}
	return nil
}

func ruleID(f finding.Finding) string {
	if f.Rule == nil {
		return ""
	}
	return f.Rule.ID
}

// Baseline is a baseline file as read, ready to filter a run's findings.
type Baseline struct {
	fingerprints map[string]bool
	// Version is the file's schemaVersion. A version 1 file's entries are
	// matched by their rule, object, path and file, as version 2's; legacy
	// holds their version 1 fingerprints, which matched any file, to tell
	// how many findings version 1 would have hidden that are now reported.
	Version int
	legacy  map[string]bool
}

// Read parses a baseline file; name is how errors refer to it, normally the
// path the user gave. It reads this version and version 1, and rejects any
// other schemaVersion, a file written by another tool (such as a --format
// json report) and entries without a fingerprint. JSON errors name the line
// and column.
func Read(r io.Reader, name string) (*Baseline, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading baseline %s: %w", name, err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: empty file, not a salint baseline (write one with --write-baseline)", name)
	}
	// The version is checked before the rest is decoded, so that a newer
	// format is reported as such rather than as a type error.
	var version struct {
		SchemaVersion *int `json:"schemaVersion"`
	}
	if err := json.Unmarshal(data, &version); err != nil {
		return nil, jsonError(name, data, err)
	}
	switch {
	case version.SchemaVersion == nil:
		return nil, fmt.Errorf("%s: no schemaVersion, not a salint baseline (write one with --write-baseline)", name)
	case *version.SchemaVersion != SchemaVersion && *version.SchemaVersion != 1:
		return nil, fmt.Errorf("%s: baseline schemaVersion %d is not supported (this salint reads versions 1 and %d)", name, *version.SchemaVersion, SchemaVersion)
	}
	var file struct {
		Tool     json.RawMessage `json:"tool"`
		Findings []Entry         `json:"findings"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		return nil, jsonError(name, data, err)
	}
	var tool string
	if err := json.Unmarshal(file.Tool, &tool); err != nil || tool != toolName {
		hint := ""
		if bytes.HasPrefix(bytes.TrimSpace(file.Tool), []byte("{")) {
			hint = "; it looks like a --format json report"
		}
		return nil, fmt.Errorf("%s: tool is %s, not %q: not a salint baseline%s (write one with --write-baseline)", name, orNothing(file.Tool), toolName, hint)
	}
	b := &Baseline{fingerprints: make(map[string]bool, len(file.Findings)), Version: *version.SchemaVersion}
	if b.Version == 1 {
		b.legacy = make(map[string]bool, len(file.Findings))
	}
	for i, e := range file.Findings {
		if e.Fingerprint == "" {
			return nil, fmt.Errorf("%s: findings[%d] (%s %s) has no fingerprint", name, i, e.RuleID, e.Object)
		}
		if b.Version == 1 {
			// The entry says where the finding was: it becomes the
			// fingerprint version 2 gives that finding.
			b.legacy[e.Fingerprint] = true
			b.fingerprints[finding.Fingerprint(e.RuleID, e.Object, e.Path, e.File)] = true
			continue
		}
		b.fingerprints[e.Fingerprint] = true
	}
	return b, nil
}

func orNothing(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "missing"
	}
	return string(raw)
}

// jsonError names the file and, when encoding/json says where, the line
// and column of the error.
func jsonError(name string, data []byte, err error) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		line, col := position(data, syntax.Offset)
		return fmt.Errorf("%s:%d:%d: invalid JSON: %v", name, line, col, err)
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		field := ""
		if typ.Field != "" {
			field = typ.Field + ": "
		}
		return fmt.Errorf("%s:%d:%d: %swant %s, found JSON %s", name, line, col, field, jsonKind(typ.Type), typ.Value)
	default:
		return fmt.Errorf("%s: %w", name, err)
	}
}

// position turns encoding/json's offset, the number of bytes read when the
// error was found, into the 1-based line and column of the last byte read.
func position(data []byte, offset int64) (line, col int) {
	end := min(max(int(offset)-1, 0), len(data))
	before := data[:end]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = 1 + end - (bytes.LastIndexByte(before, '\n') + 1)
	return line, col
}

// jsonKind names the JSON type that decodes into t.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	default:
		return "an object"
	}
}

// Filter returns, in their order, the findings whose fingerprint is not in
// the baseline, and how many it removed. Matching is by membership: every
// finding with a recorded fingerprint is removed, however many there are
// today, because a fingerprint names one field of one object and a second
// finding with it is the same problem seen again (for example the object
// defined twice), not a new one. Filter looks only at fingerprints; whether
// a finding is suppressed is the caller's business. A nil Baseline filters
// nothing.
func (b *Baseline) Filter(findings []finding.Finding) (kept []finding.Finding, baselined int) {
	kept = make([]finding.Finding, 0, len(findings))
	for _, f := range findings {
		if b != nil && b.fingerprints[f.Fingerprint] {
			baselined++
			continue
		}
		kept = append(kept, f)
	}
	return kept, baselined
}

// Unfiled counts the findings among kept that a version 1 baseline would
// have hidden, as it matched a recorded finding's rule, object and path in
// any file: the same problem in another file, now reported. It is 0 for a
// version 2 baseline.
func (b *Baseline) Unfiled(kept []finding.Finding) int {
	if b == nil || b.legacy == nil {
		return 0
	}
	n := 0
	for _, f := range kept {
		if b.legacy[finding.LegacyFingerprint(ruleID(f), f.Object, f.Path)] {
			n++
		}
	}
	return n
}
