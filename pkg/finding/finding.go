// Package finding holds what the linter reports: rules, findings, input
// errors and the run summary. It is the contract between the engine, which
// produces findings, and the reporters, which print them; it knows nothing of
// YAML or Rego.
package finding

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Severity orders findings; the zero value is Info.
type Severity int

// Severities from least to most severe.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads one of info, low, medium, high, critical.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if n == name {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want one of %s)", name, strings.Join(severityNames[:], ", "))
}

// SeverityNames are the severities ParseSeverity reads, least severe first.
func SeverityNames() []string { return slices.Clone(severityNames[:]) }

// SecurityScore is the CVSS-like number GitHub code scanning reads from
// the security-severity property.
func (s Severity) SecurityScore() string {
	switch s {
	case Critical:
		return "9.5"
	case High:
		return "8.0"
	case Medium:
		return "5.5"
	case Low:
		return "3.0"
	default:
		return "0.0"
	}
}

// Rule is a rule's metadata, read from its METADATA block.
type Rule struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Severity    Severity `json:"-"`
	Category    string   `json:"category"`
	Remediation string   `json:"remediation"`
	References  []string `json:"references"`
	// Package is the Rego package that implements the rule.
	Package string `json:"-"`
	// Doc is the rule's generated markdown documentation.
	Doc string `json:"-"`
	// Examples show the rule at work; empty when the rule ships none.
	Examples Examples `json:"-"`
	// DocRef is the git ref of salint's repository whose docs DocURL
	// points at, a release tag; "" for main.
	DocRef string `json:"-"`
}

// Examples are a rule's two sample manifest streams, read from the
// examples/bad.yaml and examples/good.yaml files next to the rule. Each
// starts with a one-line YAML comment saying what is wrong or what was fixed.
type Examples struct {
	Bad  string // triggers the rule
	Good string // the fixed version, which does not
}

// DocURL is where the rule's documentation is published: at the release
// the rule came with (DocRef), or on main.
func (r Rule) DocURL() string {
	return "https://github.com/salint/salint/blob/" + cmp.Or(r.DocRef, "main") + "/docs/rules/" + r.ID + ".md"
}

// Location is a position in an input file; Line and Column start at 1.
type Location struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

func (l Location) String() string { return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Column) }

// Related is a secondary location that explains a finding, such as the
// ServiceAccount a pod runs as.
type Related struct {
	Location
	Message string `json:"message"`
}

// Object identifies the Kubernetes object a finding is about.
type Object struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
}

// String is "Kind ns/name", or "Kind name" for cluster-scoped objects.
func (o Object) String() string {
	if o.Namespace == "" {
		return o.Kind + " " + o.Name
	}
	return o.Kind + " " + o.Namespace + "/" + o.Name
}

// Finding is one problem found by one rule on one object.
type Finding struct {
	Rule     *Rule
	Severity Severity
	Message  string
	Location
	Object Object
	// Path is the field path of the offending node, e.g.
	// spec.template.spec.serviceAccountName.
	Path string
	// Source says how the object was produced when it was not read from a
	// file as written; nil for a plain manifest.
	Source        *Source
	Related       []Related
	Fingerprint   string
	Suppressed    bool
	Justification string
	// SourceLine is the text of the offending line, for the text report:
	// the whole line, or a window of it around the node when the line is
	// long, and SourceColumn is the node's column within it.
	SourceLine   string
	SourceColumn int
}

// Source types.
const (
	SourceHelm               = "helm"                 // rendered from a chart
	SourceKustomize          = "kustomize"            // built by kustomize
	SourceHelmTemplateOutput = "helm-template-output" // a file of helm template output
)

// Source is how a finding's object was produced: rendered from a chart,
// built by kustomize, or read from helm template output. The finding's own
// location is in the file the user edits; Rendered keeps where the node
// stands in what was rendered.
type Source struct {
	Type string
	// Root is the chart (directory or archive) or kustomization directory.
	Root string
	// Scenario is the values file a chart was rendered with beyond its own
	// values.yaml (a ci/*-values.yaml file), "" for none.
	Scenario string
	// Template is the template a "# Source:" comment names.
	Template string
	// Rendered is the node's position in the rendered stream, whose name
	// File holds (e.g. "web/templates/deployment.yaml", "kustomize build
	// deploy/prod"); zero for helm template output, read as written.
	Rendered Location
}

// InputError is a document or file that could not be read or parsed.
// Line and Column are 0 when the error concerns the whole file.
type InputError struct {
	Location
	Message string `json:"message"`
}

func (e InputError) Error() string {
	if e.Line == 0 {
		return e.File + ": " + e.Message
	}
	return e.Location.String() + ": " + e.Message
}

// Skipped is a document that was read but not linted, with the reason.
type Skipped struct {
	Location
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
}

// Summary counts what a run read and found. Documents = Objects + Skipped +
// Errors: each List item counts as one document, and a file that could not
// be read counts as one document in error.
type Summary struct {
	Files     int `json:"files"`
	Documents int `json:"documents"`
	// Charts and Kustomizations count the charts rendered and the
	// kustomize entry points built; Scenarios the chart renders in all
	// (one per chart, plus one per ci values file).
	Charts         int              `json:"charts"`
	Scenarios      int              `json:"scenarios"`
	Kustomizations int              `json:"kustomizations"`
	Objects        int              `json:"objects"`
	Skipped        int              `json:"skipped"`
	Errors         int              `json:"errors"`
	Findings       int              `json:"findings"`
	Suppressed     int              `json:"suppressed"`
	BySeverity     map[Severity]int `json:"-"`
	// ByRule counts Findings by rule ID; a rule without findings has no key.
	ByRule map[string]int `json:"-"`
}

// CountFindings sets the summary's finding counts from r.Findings:
// suppressed ones apart, the others in total, by severity and by rule.
func (r *Report) CountFindings() {
	s := &r.Summary
	s.Findings, s.Suppressed, s.BySeverity, s.ByRule = 0, 0, map[Severity]int{}, map[string]int{}
	for _, f := range r.Findings {
		if f.Suppressed {
			s.Suppressed++
			continue
		}
		s.Findings++
		s.BySeverity[f.Severity]++
		if f.Rule != nil {
			s.ByRule[f.Rule.ID]++
		}
	}
}

// Report is everything a run produced, ready for a reporter.
type Report struct {
	Tool     Tool
	Summary  Summary
	Rules    []*Rule // every rule that ran, sorted by ID
	Findings []Finding
	Errors   []InputError
	Skipped  []Skipped
	// Notes are non-fatal messages for the user, e.g. a FIFO that was not read.
	Notes []string
	// Units are the chart renders and kustomize builds of the run, in the
	// order they were read.
	Units []RenderedUnit
	// Inputs are the files the run read, as named: plain manifests and
	// what renderers consumed (a report is never written over one).
	Inputs []string
}

// RenderedUnit is one chart rendered with one set of values, or one
// kustomize entry point built, and what it gave.
type RenderedUnit struct {
	Type      string // SourceHelm or SourceKustomize
	Root      string
	Scenario  string
	Documents int
	Objects   int
	Errors    int
}

// Tool names the program that produced a report.
type Tool struct {
	Name       string
	Version    string
	Commit     string
	OPAVersion string
}

// Sort orders findings by file, line, column, rule ID, object and message,
// so that output is byte-identical whatever order they were produced in.
func Sort(fs []Finding) {
	slices.SortFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Rule.ID, b.Rule.ID),
			cmp.Compare(a.Object.Kind, b.Object.Kind),
			cmp.Compare(a.Object.Namespace, b.Object.Namespace),
			cmp.Compare(a.Object.Name, b.Object.Name),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// SortErrors orders input errors by file and position.
func SortErrors(es []InputError) {
	slices.SortFunc(es, func(a, b InputError) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Fingerprint identifies a finding across runs: its rule, object, field path
// and file (SPEC §3). It survives lines moving and files being reformatted;
// the same problem copied into another file is another finding.
func Fingerprint(rule string, o Object, path, file string) string {
	wd, _ := os.Getwd()
	return FingerprintIn(wd, rule, o, path, file)
}

// FingerprintIn is Fingerprint with the working directory given, for a
// caller that fingerprints many findings (os.Getwd costs system calls).
func FingerprintIn(wd, rule string, o Object, path, file string) string {
	return fingerprint(rule, o.Kind, o.Namespace, o.Name, path, fingerprintFile(wd, file))
}

// LegacyFingerprint is the fingerprint of salint's first baseline format,
// which left out the file.
func LegacyFingerprint(rule string, o Object, path string) string {
	return fingerprint(rule, o.Kind, o.Namespace, o.Name, path)
}

func fingerprint(parts ...string) string {
	h := sha256.New()
	for _, s := range parts {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// FingerprintFile is how a file enters a fingerprint: relative to the
// working directory when it is inside it, with forward slashes, so that
// `salint .`, `salint ./deploy` and `salint $PWD/deploy` agree.
func FingerprintFile(file string) string {
	wd, _ := os.Getwd()
	return fingerprintFile(wd, file)
}

func fingerprintFile(wd, file string) string {
	if wd != "" {
		abs := file
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(wd, abs)
		}
		if rel, err := filepath.Rel(wd, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			file = rel
		}
	}
	return filepath.ToSlash(filepath.Clean(file))
}
