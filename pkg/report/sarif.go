package report

import (
	"bufio"
	"cmp"
	"encoding/json"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/salint/salint/pkg/finding"
)

const (
	sarifSchemaURI     = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	sarifInfoURI       = "https://github.com/salint/salint"
	sarifSrcRoot       = "%SRCROOT%"
	sarifFingerprintID = "salint/v2"
)

// sarifFormat prints one SARIF 2.1.0 run for GitHub code scanning.
type sarifFormat struct{}

// go-sarif encodes every unset field of a Suppression as null, which the
// SARIF schema rejects, so results are wrapped to carry salint's own
// suppression type. The wrappers shadow Report.Runs, Run.Results and
// Result.Suppressions (and Result.Properties, only so that it prints last).
type sarifLog struct {
	*sarif.Report
	Runs []*sarifRun `json:"runs"`
}

type sarifRun struct {
	*sarif.Run
	Results []*sarifResult `json:"results"`
}

type sarifResult struct {
	*sarif.Result
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
	Properties   sarif.Properties   `json:"properties,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

func (sarifFormat) render(buf *bufio.Writer, r *finding.Report, opts Options) error {
	loc := newSARIFLocator(opts)

	driver := sarif.NewDriver("salint").WithInformationURI(sarifInfoURI)
	if v := r.Tool.Version; v != "" {
		driver.WithVersion(v)
		if sv, ok := semanticVersion(v); ok {
			driver.WithSemanticVersion(sv)
		}
	}
	ruleIndex := map[string]int{}
	driver.Rules = []*sarif.ReportingDescriptor{}
	for _, rule := range r.Rules {
		if rule == nil {
			continue
		}
		ruleIndex[rule.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRule(rule))
	}

	run := sarif.NewRun(*sarif.NewTool(driver))
	run.WithColumnKind("unicodeCodePoints")
	if base := loc.baseURI(); base != "" {
		run.WithOriginalUriBaseIds(map[string]*sarif.ArtifactLocation{
			sarifSrcRoot: sarif.NewSimpleArtifactLocation(base),
		})
	}
	if opts.SARIFCategory != "" {
		run.WithAutomationDetails(sarif.NewRunAutomationDetails().WithID(opts.SARIFCategory))
	}
	run.WithInvocations([]*sarif.Invocation{sarifInvocation(r, loc)})

	results := []*sarifResult{}
	for _, f := range shownFindings(r, opts) {
		results = append(results, sarifFinding(f, ruleIndex, loc))
	}

	doc, err := sarif.New(sarif.Version210, false)
	if err != nil {
		return err
	}
	doc.Schema = sarifSchemaURI
	return encodeJSON(buf, sarifLog{Report: doc, Runs: []*sarifRun{{Run: run, Results: results}}})
}

func sarifRule(rule *finding.Rule) *sarif.ReportingDescriptor {
	full := cmp.Or(rule.Description, rule.Title)
	helpText := cmp.Or(rule.Remediation, full)
	helpMarkdown := cmp.Or(rule.Doc, ruleMarkdown(rule))
	tags := []string{"security"}
	if rule.Category != "" && rule.Category != "security" {
		tags = append(tags, rule.Category)
	}
	return sarif.NewRule(rule.ID).
		WithName(rule.Name).
		WithShortDescription(sarif.NewMultiformatMessageString(rule.Title)).
		WithFullDescription(sarif.NewMultiformatMessageString(full)).
		WithHelp(sarif.NewMultiformatMessageString(helpText).WithMarkdown(helpMarkdown)).
		WithHelpURI(rule.DocURL()).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(rule.Severity))).
		WithProperties(sarif.Properties{
			"security-severity": rule.Severity.SecurityScore(),
			"tags":              tags,
			"precision":         "high",
		})
}

// ruleMarkdown stands in for a rule's generated doc when it has none. The
// rule's text may be a policy's (MarkdownText), and only web addresses are
// linked.
func ruleMarkdown(rule *finding.Rule) string {
	var b strings.Builder
	b.WriteString(MarkdownText(cmp.Or(rule.Description, rule.Title)))
	if rule.Remediation != "" {
		b.WriteString("\n\n## Remediation\n\n" + MarkdownText(rule.Remediation))
	}
	if len(rule.References) > 0 {
		b.WriteString("\n\n## References\n")
		for _, ref := range rule.References {
			if u, ok := WebURL(ref); ok {
				b.WriteString("\n- <" + u + ">")
			} else {
				b.WriteString("\n- " + MarkdownCode(ref))
			}
		}
	}
	return strings.TrimSpace(b.String())
}

func sarifFinding(f finding.Finding, ruleIndex map[string]int, loc sarifLocator) *sarifResult {
	id, _ := ruleOf(f)
	res := sarif.NewRuleResult(id).
		WithLevel(sarifLevel(f.Severity)).
		WithMessage(sarif.NewTextMessage(f.Message)).
		WithLocations([]*sarif.Location{loc.location(f.Location)})
	if f.Fingerprint != "" {
		res.WithPartialFingerPrints(map[string]any{sarifFingerprintID: f.Fingerprint})
	}
	if i, ok := ruleIndex[id]; ok {
		res.WithRuleIndex(i)
	}
	for i, rel := range f.Related {
		res.AddRelatedLocation(loc.location(rel.Location).WithId(i + 1).WithMessage(sarif.NewTextMessage(rel.Message)))
	}
	props := sarif.Properties{"object": f.Object.String(), "path": f.Path}
	if src := f.Source; src != nil {
		props["source"] = sarifSource(src)
	}

	out := &sarifResult{Result: res, Properties: props}
	if f.Suppressed {
		out.Suppressions = []sarifSuppression{{Kind: "inSource", Justification: f.Justification}}
	}
	return out
}

// sarifInvocation reports input errors and notes as tool notifications; a
// run with input errors did not execute successfully.
func sarifInvocation(r *finding.Report, loc sarifLocator) *sarif.Invocation {
	inv := sarif.NewInvocation().WithExecutionSuccess(len(r.Errors) == 0)
	for _, e := range r.Errors {
		at := sarif.NewPhysicalLocation().WithArtifactLocation(loc.artifact(e.File))
		if e.Line > 0 {
			at.WithRegion(region(e.Location))
		}
		inv.AddTToolExecutionNotification(sarif.NewNotification().
			WithLevel("error").
			WithTextMessage(e.Message).
			WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(at)}))
	}
	for _, n := range r.Notes {
		inv.AddTToolExecutionNotification(sarif.NewNotification().WithLevel("note").WithTextMessage(n))
	}
	return inv
}

func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Critical, finding.High:
		return "error"
	case finding.Medium:
		return "warning"
	default:
		return "note"
	}
}

// region never holds 0: SARIF positions start at 1, and a finding always
// names a real node, so 0 can only mean a caller's bug.
func region(l finding.Location) *sarif.Region {
	return sarif.NewRegion().WithStartLine(max(l.Line, 1)).WithStartColumn(max(l.Column, 1))
}

var semverPattern = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)` +
	`(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

// semanticVersion is v without a leading "v" when that is a semantic
// version; a development build ("dev", a commit hash) has none.
func semanticVersion(v string) (string, bool) {
	v = strings.TrimPrefix(v, "v")
	return v, semverPattern.MatchString(v)
}

// sarifLocator turns the file names findings carry into SARIF artifact
// locations relative to %SRCROOT%; the github format uses it too, rooted at
// the working directory, for the paths of its annotations.
type sarifLocator struct {
	root    string // absolute, cleaned; empty when unknown
	workDir string
}

// newSARIFLocator takes SARIFRoot, or the working directory when it is unset.
func newSARIFLocator(opts Options) sarifLocator {
	root := opts.SARIFRoot
	if root == "" {
		root = opts.WorkDir
	}
	if root != "" && !filepath.IsAbs(root) && filepath.IsAbs(opts.WorkDir) {
		root = filepath.Join(opts.WorkDir, root)
	}
	if root != "" {
		root = filepath.Clean(root)
	}
	return sarifLocator{root: root, workDir: opts.WorkDir}
}

// baseURI is the file URI %SRCROOT% stands for, ending in a slash as SARIF
// requires, or empty when the root is not an absolute directory.
func (l sarifLocator) baseURI() string {
	if !filepath.IsAbs(l.root) {
		return ""
	}
	u := fileURI(l.root)
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

func (l sarifLocator) location(at finding.Location) *sarif.Location {
	return sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
		WithArtifactLocation(l.artifact(at.File)).
		WithRegion(region(at)))
}

// artifact locates file relative to %SRCROOT% when it lies inside the root,
// and by an absolute file URI when it lies outside.
func (l sarifLocator) artifact(file string) *sarif.ArtifactLocation {
	p, rel, inside := l.resolve(file)
	if inside {
		return sarif.NewSimpleArtifactLocation(relativeURI(rel)).WithUriBaseId(sarifSrcRoot)
	}
	if filepath.IsAbs(p) {
		return sarif.NewSimpleArtifactLocation(fileURI(p))
	}
	// Nothing to resolve a relative name against: it is as relative as it gets.
	return sarif.NewSimpleArtifactLocation(relativeURI(filepath.Clean(p))).WithUriBaseId(sarifSrcRoot)
}

// resolve makes file absolute against the working directory when it can,
// and gives its path relative to the root when it lies inside the root.
func (l sarifLocator) resolve(file string) (p, rel string, inside bool) {
	p = file
	if !filepath.IsAbs(p) && l.workDir != "" {
		p = filepath.Join(l.workDir, p)
	}
	if l.root != "" {
		if rel, err := filepath.Rel(l.root, p); err == nil && filepath.IsLocal(rel) {
			return p, rel, true
		}
	}
	return p, "", false
}

// slashPath is file relative to the root with forward slashes when it lies
// inside the root, and otherwise as absolute as the working directory makes it.
func (l sarifLocator) slashPath(file string) string {
	p, rel, inside := l.resolve(file)
	if inside {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(filepath.Clean(p))
}

// relativeURI percent-encodes a relative path as a URI reference with
// forward slashes.
func relativeURI(rel string) string {
	return (&url.URL{Path: filepath.ToSlash(rel)}).String()
}

// fileURI is the file:// URI of an absolute path.
func fileURI(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter: file:///C:/...
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// encodeJSON writes v indented by two spaces with a trailing newline, and
// without HTML escaping so that "<", "&" and "→" print as themselves.
func encodeJSON(buf *bufio.Writer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// sarifSource is how a result's object was made, as a property: the same
// fields as the JSON report's source, without the empty ones.
func sarifSource(src *finding.Source) map[string]any {
	out := map[string]any{"type": src.Type}
	for k, v := range map[string]string{"root": src.Root, "scenario": src.Scenario, "template": src.Template} {
		if v != "" {
			out[k] = v
		}
	}
	if r := src.Rendered; r.File != "" {
		out["rendered"] = map[string]any{"file": r.File, "line": r.Line, "column": r.Column}
	}
	return out
}
