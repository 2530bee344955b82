package report

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/owenrumney/go-sarif/v2/sarif"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/salint/salint/pkg/finding"
)

var sarifSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	path, err := filepath.Abs(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	return c.Compile(path)
})

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	schema, err := sarifSchema()
	if err != nil {
		t.Fatalf("compiling the SARIF schema: %v", err)
	}
	for _, c := range goldenCases() {
		if !slices.Contains(c.formats, "sarif") {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			out := render(t, "sarif", c.report(), c.opts)
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(doc); err != nil {
				t.Errorf("output does not validate against SARIF 2.1.0:\n%v", err)
			}
		})
	}
}

// The schema must reject what go-sarif would have produced for a
// suppression, or the test above proves nothing about suppressions.
func TestSARIFSchemaRejectsNullSuppressionFields(t *testing.T) {
	schema, err := sarifSchema()
	if err != nil {
		t.Fatal(err)
	}
	out := render(t, "sarif", fullReport(), Options{ShowSuppressed: true})
	broken := strings.Replace(out, `"kind": "inSource",`, `"kind": "inSource", "status": null,`, 1)
	if broken == out {
		t.Fatal("no suppression in the output")
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(broken))
	if err != nil {
		t.Fatal(err)
	}
	if schema.Validate(doc) == nil {
		t.Error("schema accepted a suppression with status null")
	}
}

func decodeSARIF(t *testing.T, out string) *sarif.Run {
	t.Helper()
	doc, err := sarif.FromString(out)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.1.0" || len(doc.Runs) != 1 {
		t.Fatalf("want one SARIF 2.1.0 run, got version %q with %d runs", doc.Version, len(doc.Runs))
	}
	return doc.Runs[0]
}

func TestSARIFForCodeScanning(t *testing.T) {
	for _, c := range goldenCases() {
		if !slices.Contains(c.formats, "sarif") {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			r := c.report()
			run := decodeSARIF(t, render(t, "sarif", r, c.opts))
			driver := run.Tool.Driver
			if driver.Name != "salint" || driver.InformationURI == nil || *driver.InformationURI != "https://github.com/salint/salint" {
				t.Errorf("driver = %s %v", driver.Name, driver.InformationURI)
			}
			if len(driver.Rules) != len(r.Rules) {
				t.Fatalf("%d rules, want %d", len(driver.Rules), len(r.Rules))
			}
			for i, rule := range driver.Rules {
				checkSARIFRule(t, rule, r.Rules[i])
			}
			for i, res := range run.Results {
				checkSARIFResult(t, i, res, driver.Rules)
			}
			if len(run.Invocations) != 1 || run.Invocations[0].ExecutionSuccessful == nil {
				t.Fatalf("want one invocation with executionSuccessful, got %+v", run.Invocations)
			}
			inv := run.Invocations[0]
			if got := *inv.ExecutionSuccessful; got != (len(r.Errors) == 0) {
				t.Errorf("executionSuccessful = %v with %d input errors", got, len(r.Errors))
			}
			if got, want := len(inv.ToolExecutionNotifications), len(r.Errors)+len(r.Notes); got != want {
				t.Errorf("%d notifications, want one per input error and note (%d)", got, want)
			}
			for i, n := range inv.ToolExecutionNotifications {
				want := "note"
				if i < len(r.Errors) {
					want = "error"
				}
				if n.Level != want {
					t.Errorf("notification %d has level %q, want %q", i, n.Level, want)
				}
			}
			if run.ColumnKind != "unicodeCodePoints" {
				t.Errorf("columnKind = %v", run.ColumnKind)
			}
		})
	}
}

func checkSARIFRule(t *testing.T, got *sarif.ReportingDescriptor, want *finding.Rule) {
	t.Helper()
	if got.ID != want.ID || got.Name == nil || *got.Name != want.Name {
		t.Errorf("rule %s: id/name = %s/%v", want.ID, got.ID, got.Name)
	}
	if got.ShortDescription == nil || got.ShortDescription.Text == nil || *got.ShortDescription.Text == "" ||
		got.FullDescription == nil || got.FullDescription.Text == nil || *got.FullDescription.Text == "" {
		t.Errorf("rule %s lacks a short or full description", want.ID)
	}
	if got.Help == nil || got.Help.Text == nil || got.Help.Markdown == nil || *got.Help.Markdown == "" {
		t.Errorf("rule %s lacks help text and markdown", want.ID)
	} else if want.Doc != "" && *got.Help.Markdown != want.Doc {
		t.Errorf("rule %s: help.markdown is not the rule's doc", want.ID)
	}
	if got.HelpURI == nil || *got.HelpURI != want.DocURL() {
		t.Errorf("rule %s: helpUri = %v", want.ID, got.HelpURI)
	}
	if got.DefaultConfiguration == nil || got.DefaultConfiguration.Level != sarifLevel(want.Severity) {
		t.Errorf("rule %s: defaultConfiguration = %+v", want.ID, got.DefaultConfiguration)
	}
	score, ok := got.Properties["security-severity"].(string)
	if _, err := strconv.ParseFloat(score, 64); !ok || err != nil || score != want.Severity.SecurityScore() {
		t.Errorf("rule %s: security-severity = %#v", want.ID, got.Properties["security-severity"])
	}
	tags, _ := got.Properties["tags"].([]any)
	if !slices.Contains(tags, any("security")) || !slices.Contains(tags, any(want.Category)) {
		t.Errorf("rule %s: tags = %v", want.ID, got.Properties["tags"])
	}
}

func checkSARIFResult(t *testing.T, i int, res *sarif.Result, rules []*sarif.ReportingDescriptor) {
	t.Helper()
	if res.RuleID == nil || res.RuleIndex == nil || int(*res.RuleIndex) >= len(rules) || rules[*res.RuleIndex].ID != *res.RuleID {
		t.Errorf("result %d: ruleId/ruleIndex do not name the same rule", i)
	}
	if res.Level == nil || !slices.Contains([]string{"error", "warning", "note"}, *res.Level) {
		t.Errorf("result %d: level = %v", i, res.Level)
	}
	if res.Message.Text == nil || *res.Message.Text == "" {
		t.Errorf("result %d has no message", i)
	}
	if len(res.Locations) != 1 {
		t.Fatalf("result %d has %d locations, want 1", i, len(res.Locations))
	}
	for _, loc := range append(slices.Clone(res.Locations), res.RelatedLocations...) {
		checkSARIFLocation(t, i, loc)
	}
	for j, rel := range res.RelatedLocations {
		if rel.Id == nil || int(*rel.Id) != j+1 || rel.Message == nil {
			t.Errorf("result %d: related location %d has id %v and message %v", i, j, rel.Id, rel.Message)
		}
	}
	if _, ok := res.PartialFingerprints["salint/v2"].(string); !ok || len(res.PartialFingerprints) != 1 {
		t.Errorf("result %d: partialFingerprints = %v, want only salint/v2", i, res.PartialFingerprints)
	}
	if _, ok := res.Properties["object"].(string); !ok {
		t.Errorf("result %d: properties lack the object", i)
	}
}

func checkSARIFLocation(t *testing.T, i int, loc *sarif.Location) {
	t.Helper()
	pl := loc.PhysicalLocation
	if pl == nil || pl.ArtifactLocation == nil || pl.ArtifactLocation.URI == nil || pl.Region == nil {
		t.Fatalf("result %d: incomplete location %+v", i, loc)
	}
	if pl.Region.StartLine == nil || *pl.Region.StartLine < 1 || pl.Region.StartColumn == nil || *pl.Region.StartColumn < 1 {
		t.Errorf("result %d: region starts at %v:%v", i, pl.Region.StartLine, pl.Region.StartColumn)
	}
	uri := *pl.ArtifactLocation.URI
	if strings.Contains(uri, `\`) {
		t.Errorf("result %d: uri %q has a backslash", i, uri)
	}
	if base := pl.ArtifactLocation.URIBaseId; base != nil {
		if *base != "%SRCROOT%" || strings.HasPrefix(uri, "/") || strings.HasPrefix(uri, "..") || strings.Contains(uri, ":") {
			t.Errorf("result %d: uri %q relative to %s", i, uri, *base)
		}
	} else if !strings.HasPrefix(uri, "file:///") {
		t.Errorf("result %d: uri %q is neither relative to %%SRCROOT%% nor a file URI", i, uri)
	}
}

func TestSARIFRunDetails(t *testing.T) {
	tests := []struct {
		name         string
		report       *finding.Report
		opts         Options
		wantBase     string // originalUriBaseIds %SRCROOT%, "" for none
		wantCategory string
		wantSemver   string
	}{
		{"root and category", fullReport(), fullOptions, "file:///src/repo/", "salint/manifests", "0.4.0"},
		{"root defaults to the working directory", cleanReport(), Options{WorkDir: "/home/dev/manifests"}, "file:///home/dev/manifests/", "", ""},
		{"root with a trailing slash", cleanReport(), Options{SARIFRoot: "/src/repo/"}, "file:///src/repo/", "", ""},
		{"root is the file system root", cleanReport(), Options{SARIFRoot: "/"}, "file:///", "", ""},
		{"no root", unrootedReport(), Options{}, "", "", "1.0.0-rc.1+build.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := decodeSARIF(t, render(t, "sarif", tt.report, tt.opts))
			var base string
			if l := run.OriginalUriBaseIDs["%SRCROOT%"]; l != nil && l.URI != nil {
				base = *l.URI
			}
			if base != tt.wantBase {
				t.Errorf("%%SRCROOT%% = %q, want %q", base, tt.wantBase)
			}
			var category string
			if run.AutomationDetails != nil && run.AutomationDetails.ID != nil {
				category = *run.AutomationDetails.ID
			}
			if category != tt.wantCategory {
				t.Errorf("automationDetails.id = %q, want %q", category, tt.wantCategory)
			}
			var semver string
			if v := run.Tool.Driver.SemanticVersion; v != nil {
				semver = *v
			}
			if semver != tt.wantSemver {
				t.Errorf("semanticVersion = %q, want %q", semver, tt.wantSemver)
			}
		})
	}
}

func TestSARIFSuppressions(t *testing.T) {
	for _, show := range []bool{false, true} {
		opts := fullOptions
		opts.ShowSuppressed = show
		run := decodeSARIF(t, render(t, "sarif", fullReport(), opts))
		var suppressed []*sarif.Result
		for _, res := range run.Results {
			if len(res.Suppressions) > 0 {
				suppressed = append(suppressed, res)
			}
		}
		if !show {
			if len(suppressed) != 0 || len(run.Results) != 7 {
				t.Errorf("without ShowSuppressed: %d results, %d suppressed", len(run.Results), len(suppressed))
			}
			continue
		}
		if len(suppressed) != 1 || len(run.Results) != 8 {
			t.Fatalf("with ShowSuppressed: %d results, %d suppressed", len(run.Results), len(suppressed))
		}
		s := suppressed[0].Suppressions[0]
		if s.Kind != "inSource" || s.Justification == nil || *s.Justification != "events are shipped to the SIEM before they can be deleted" {
			t.Errorf("suppression = %+v", s)
		}
	}
}

func TestSARIFArtifactLocation(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		file     string
		wantURI  string
		wantBase bool // relative to %SRCROOT%
	}{
		{"relative to the working directory", Options{SARIFRoot: "/src/repo", WorkDir: "/src/repo"}, "deploy/web.yaml", "deploy/web.yaml", true},
		{"working directory below the root", Options{SARIFRoot: "/src/repo", WorkDir: "/src/repo/deploy"}, "web.yaml", "deploy/web.yaml", true},
		{"dot segments", Options{SARIFRoot: "/src/repo", WorkDir: "/src/repo/deploy"}, "./../rbac/../rbac/role.yaml", "rbac/role.yaml", true},
		{"absolute inside the root", Options{SARIFRoot: "/src/repo", WorkDir: "/tmp"}, "/src/repo/rbac/role.yaml", "rbac/role.yaml", true},
		{"relative outside the root", Options{SARIFRoot: "/src/repo", WorkDir: "/src/repo"}, "../shared/sa.yaml", "file:///src/shared/sa.yaml", false},
		{"absolute outside the root", Options{SARIFRoot: "/src/repo", WorkDir: "/src/repo"}, "/etc/k8s/pod.yaml", "file:///etc/k8s/pod.yaml", false},
		{"sibling with the root as prefix", Options{SARIFRoot: "/src/repo", WorkDir: "/src"}, "repo2/pod.yaml", "file:///src/repo2/pod.yaml", false},
		{"characters that need escaping", Options{SARIFRoot: "/src/repo", WorkDir: "/src/repo"}, "my charts/50%#1.yaml", "my%20charts/50%25%231.yaml", true},
		{"escaping outside the root", Options{SARIFRoot: "/src/repo"}, "/tmp/a b.yaml", "file:///tmp/a%20b.yaml", false},
		{"colon in the first segment", Options{SARIFRoot: "/src/repo", WorkDir: "/src/repo"}, "a:b.yaml", "./a:b.yaml", true},
		{"root defaults to the working directory", Options{WorkDir: "/src/repo"}, "deploy/web.yaml", "deploy/web.yaml", true},
		{"relative root", Options{SARIFRoot: "manifests", WorkDir: "/src/repo"}, "manifests/web.yaml", "web.yaml", true},
		{"nothing to resolve against", Options{}, "./deploy/web.yaml", "deploy/web.yaml", true},
		{"absolute without a root", Options{}, "/src/repo/web.yaml", "file:///src/repo/web.yaml", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := newSARIFLocator(tt.opts).artifact(tt.file)
			if got.URI == nil || *got.URI != tt.wantURI {
				t.Errorf("uri = %v, want %q", deref(got.URI), tt.wantURI)
			}
			if hasBase := got.URIBaseId != nil; hasBase != tt.wantBase {
				t.Errorf("uriBaseId = %v, want relative to %%SRCROOT%%: %v", deref(got.URIBaseId), tt.wantBase)
			} else if hasBase && *got.URIBaseId != "%SRCROOT%" {
				t.Errorf("uriBaseId = %q", *got.URIBaseId)
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func TestSemanticVersion(t *testing.T) {
	tests := []struct {
		version string
		want    string
		ok      bool
	}{
		{"1.2.3", "1.2.3", true},
		{"v1.2.3", "1.2.3", true},
		{"v0.4.0-rc.1+build.5", "0.4.0-rc.1+build.5", true},
		{"dev", "", false},
		{"v1.2", "", false},
		{"01.2.3", "", false},
		{"1.2.3-", "", false},
		{"abc1234", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := semanticVersion(tt.version)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("semanticVersion(%q) = %q, %v; want %q, %v", tt.version, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSARIFLevels(t *testing.T) {
	want := map[finding.Severity]string{
		finding.Critical: "error", finding.High: "error", finding.Medium: "warning",
		finding.Low: "note", finding.Info: "note",
	}
	for sev, level := range want {
		if got := sarifLevel(sev); got != level {
			t.Errorf("sarifLevel(%s) = %q, want %q", sev, got, level)
		}
	}
}

// A finding without a position still gets a region SARIF accepts.
func TestSARIFRegionNeverZero(t *testing.T) {
	r := &finding.Report{
		Rules: []*finding.Rule{ruleAutomount},
		Findings: []finding.Finding{{
			Rule: ruleAutomount, Location: finding.Location{File: "pod.yaml"}, Message: "m", Fingerprint: "fp",
			Related: []finding.Related{{Location: finding.Location{File: "sa.yaml"}, Message: "r"}},
		}},
	}
	out := render(t, "sarif", r, Options{WorkDir: "/src"})
	schema, err := sarifSchema()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Errorf("does not validate: %v", err)
	}
	run := decodeSARIF(t, out)
	checkSARIFResult(t, 0, run.Results[0], run.Tool.Driver.Rules)
}
