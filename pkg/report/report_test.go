package report

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/salint/salint/pkg/finding"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// Rules of the hand-made reports, as the engine would hand them over.
var (
	ruleDefaultSA = &finding.Rule{
		ID: "SA001", Name: "default-service-account", Severity: finding.Medium, Category: "identity",
		Title:       "Pod runs as the default ServiceAccount",
		Description: "A pod template runs as the `default` ServiceAccount with its token mounted.",
		Remediation: "Create a dedicated ServiceAccount and name it in `serviceAccountName`.",
		References:  []string{"https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/"},
	}
	ruleUndefinedSA = &finding.Rule{
		ID: "SA003", Name: "undefined-service-account", Severity: finding.Low, Category: "identity",
		Title:       "Pod names a ServiceAccount that is not defined",
		Description: "The pod's ServiceAccount is neither in the input nor listed as known.",
		Remediation: "Add the ServiceAccount to the manifests, or list it under `known.serviceAccounts`.",
	}
	ruleAutomount = &finding.Rule{
		ID: "SA010", Name: "automount-token", Severity: finding.Medium, Category: "token-mounting",
		Title:       "API token is automounted",
		Description: "The ServiceAccount token is mounted into the pod although most workloads never call the API.",
		Remediation: "Set `automountServiceAccountToken: false` on the pod or its ServiceAccount.",
		References:  []string{"https://kubernetes.io/docs/concepts/security/service-accounts/"},
	}
	ruleSAAutomount = &finding.Rule{
		ID: "SA012", Name: "service-account-automount", Severity: finding.Low, Category: "token-mounting",
		Title:       "ServiceAccount does not disable automount",
		Description: "A ServiceAccount leaves `automountServiceAccountToken` unset.",
		Remediation: "Set `automountServiceAccountToken: false` and opt in per workload.",
	}
	ruleLegacySecret = &finding.Rule{
		ID: "SA020", Name: "legacy-token-secret", Severity: finding.High, Category: "long-lived-tokens",
		Title:       "Secret holds a long-lived ServiceAccount token",
		Description: "A Secret of type `kubernetes.io/service-account-token` holds a token that never expires.",
		Remediation: "Delete the Secret and use projected, expiring tokens.",
		Doc:         "# SA020 legacy-token-secret\n\nA token that never expires, stored in a Secret.\n",
	}
	ruleClusterAdmin = &finding.Rule{
		ID: "SA041", Name: "rbac-cluster-admin-equivalent", Severity: finding.Critical, Category: "rbac",
		Title:       "Role grants everything",
		Description: "A rule grants every verb on every resource of every API group.",
		Remediation: "Grant only the verbs and resources the workload needs.",
	}
	ruleDeleteEvents = &finding.Rule{
		ID: "SA053", Name: "rbac-delete-events", Severity: finding.Low, Category: "rbac",
		Title:       "Role can delete events",
		Description: "Deleting events hides an attacker's traces.",
		Remediation: "Drop `delete` and `deletecollection` on events.",
	}
	ruleDangerousToken = &finding.Rule{
		ID: "SA070", Name: "token-with-dangerous-permissions", Severity: finding.Critical, Category: "cross-resource",
		Title:       "Pod carries a token with dangerous permissions",
		Description: "A pod's API token belongs to a ServiceAccount bound to dangerous permissions.",
		Remediation: "Do not mount the token, or bind the ServiceAccount to fewer permissions.",
	}
)

// fullReport has a bit of everything: every severity, a Helm source,
// related locations, a suppressed finding, input errors with and without a
// line, skipped documents, a note, files inside and outside the SARIF root,
// a tab in a source line, and text that needs escaping.
func fullReport() *finding.Report {
	deployment := finding.Object{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "prod", Name: "web"}
	ops := finding.Object{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole", Name: "ops"}
	return &finding.Report{
		Tool: finding.Tool{Name: "salint", Version: "v0.4.0", Commit: "abc1234", OPAVersion: "1.22.2"},
		Summary: finding.Summary{
			Files: 7, Documents: 12, Objects: 8, Skipped: 2, Errors: 2, Findings: 7, Suppressed: 1,
			BySeverity: map[finding.Severity]int{
				finding.Critical: 2, finding.High: 1, finding.Medium: 1, finding.Low: 1, finding.Info: 2,
			},
			ByRule: map[string]int{"SA070": 1, "SA041": 1, "SA020": 1, "SA012": 1, "SA010": 1, "SA003": 2},
		},
		Rules: []*finding.Rule{ruleDefaultSA, ruleUndefinedSA, ruleAutomount, ruleSAAutomount,
			ruleLegacySecret, ruleClusterAdmin, ruleDeleteEvents, ruleDangerousToken},
		Findings: []finding.Finding{
			{
				Rule: ruleSAAutomount, Severity: finding.Low,
				Message:     "ServiceAccount shared/runner does not set automountServiceAccountToken: false",
				Location:    finding.Location{File: "../shared/sa.yaml", Line: 1, Column: 1},
				Object:      finding.Object{APIVersion: "v1", Kind: "ServiceAccount", Namespace: "shared", Name: "runner"},
				SourceLine:  "apiVersion: v1",
				Fingerprint: "fp-sa012-runner",
			},
			{
				Rule: ruleClusterAdmin, Severity: finding.Critical,
				Message:     `ClusterRole ops grants "*" on <every resource> & every group → 100% of the API`,
				Location:    finding.Location{File: "/src/repo/rbac/roles.yaml", Line: 9, Column: 13},
				Object:      ops,
				Path:        "rules[0].verbs[0]",
				SourceLine:  `    verbs: ["*"]`,
				Fingerprint: "fp-sa041-ops",
			},
			{
				Rule: ruleDeleteEvents, Severity: finding.Low,
				Message:       "ClusterRole ops may delete events",
				Location:      finding.Location{File: "/src/repo/rbac/roles.yaml", Line: 17, Column: 7},
				Object:        ops,
				Path:          "rules[2].resources[0]",
				SourceLine:    "    - events",
				Fingerprint:   "fp-sa053-ops",
				Suppressed:    true,
				Justification: "events are shipped to the SIEM before they can be deleted",
			},
			{
				Rule: ruleAutomount, Severity: finding.Medium,
				Message:  "the API token is mounted: automountServiceAccountToken is true",
				Location: finding.Location{File: "deploy/web.yaml", Line: 14, Column: 7},
				Object:   deployment,
				Path:     "spec.template.spec.automountServiceAccountToken",
				Source: &finding.Source{Type: finding.SourceHelm, Root: "deploy/web", Scenario: "deploy/web/ci/debug-values.yaml",
					Rendered: finding.Location{File: "web/templates/deployment.yaml", Line: 31, Column: 7}},
				SourceLine:  "      automountServiceAccountToken: true",
				Fingerprint: "fp-sa010-web",
			},
			{
				Rule: ruleDangerousToken, Severity: finding.Critical,
				Message:    "Deployment prod/web → SA prod/web → RoleBinding prod/ops → ClusterRole ops → rule #1: \"*\" on \"*\"",
				Location:   finding.Location{File: "deploy/web.yaml", Line: 20, Column: 29},
				Object:     deployment,
				Path:       "spec.template.spec.serviceAccountName",
				SourceLine: "        serviceAccountName:\tweb",
				Related: []finding.Related{
					{Location: finding.Location{File: "/src/repo/rbac/roles.yaml", Line: 30, Column: 9}, Message: "RoleBinding prod/ops binds ServiceAccount prod/web"},
					{Location: finding.Location{File: "/src/repo/rbac/roles.yaml", Line: 27, Column: 9}, Message: "to ClusterRole ops"},
					{Location: finding.Location{File: "/src/repo/rbac/roles.yaml", Line: 9, Column: 13}, Message: `whose rule #1 grants "*" on "*"`},
				},
				Fingerprint: "fp-sa070-web",
			},
			{
				Rule: ruleUndefinedSA, Severity: finding.Info,
				Message:     "ServiceAccount prod/\"wëb\x1b[31m\" is neither in the input nor known (50% of pods use it)",
				Location:    finding.Location{File: "deploy/web.yaml", Line: 22, Column: 23},
				Object:      deployment,
				Path:        "spec.template.spec.serviceAccount",
				SourceLine:  "      serviceAccount: \"wëb\x1b[31m\"\r",
				Fingerprint: "fp-sa003-web",
			},
			{
				Rule: ruleUndefinedSA, Severity: finding.Info,
				Message:     "ServiceAccount prod/web is defined in another namespace only",
				Location:    finding.Location{File: "deploy/web.yaml", Line: 40, Column: 5},
				Object:      finding.Object{APIVersion: "batch/v1", Kind: "Job", Namespace: "prod", Name: "migrate"},
				Path:        "spec.template.spec",
				Fingerprint: "fp-sa003-migrate",
			},
			{
				Rule: ruleLegacySecret, Severity: finding.High,
				Message:     "Secret db/db-token holds a token for ServiceAccount db/db that never expires",
				Location:    finding.Location{File: "rendered.yaml", Line: 40, Column: 7},
				Object:      finding.Object{APIVersion: "v1", Kind: "Secret", Namespace: "db", Name: "db-token"},
				Path:        "type",
				Source:      &finding.Source{Type: finding.SourceHelmTemplateOutput, Template: "db/templates/secret.yaml"},
				SourceLine:  "type: kubernetes.io/service-account-token",
				Fingerprint: "fp-sa020-db",
			},
		},
		Errors: []finding.InputError{
			{Location: finding.Location{File: "broken file.yaml"}, Message: "not UTF-8 text"},
			{Location: finding.Location{File: "deploy/bad.yaml", Line: 9, Column: 3}, Message: `mapping key "name" already defined at line 7`},
		},
		Skipped: []finding.Skipped{
			{Location: finding.Location{File: "charts/web/values.yaml", Line: 1, Column: 1}, Reason: "not a Kubernetes object (no apiVersion or kind)"},
			{Location: finding.Location{File: "deploy/web.yaml", Line: 44, Column: 1}, Kind: "ConfigMap", Reason: "kind not checked"},
		},
		Notes: []string{"/src/repo/pipe.yaml: not a regular file (FIFO), not read"},
	}
}

// escapingReport has a finding of every severity in a file whose name,
// like the messages, holds what the github format must escape: %, :, a
// comma, a newline, a carriage return and a pipe.
func escapingReport() *finding.Report {
	const file = "odd/100%: a,b\nc|d.yaml"
	pod := finding.Object{APIVersion: "v1", Kind: "Pod", Namespace: "ns", Name: "p"}
	at := func(line int) finding.Location { return finding.Location{File: file, Line: line, Column: 3} }
	return &finding.Report{
		Tool: finding.Tool{Name: "salint", Version: "v0.4.0"},
		Summary: finding.Summary{
			Files: 1, Documents: 5, Objects: 5, Errors: 1, Findings: 5,
			BySeverity: map[finding.Severity]int{
				finding.Critical: 1, finding.High: 1, finding.Medium: 1, finding.Low: 1, finding.Info: 1,
			},
			ByRule: map[string]int{"SA041": 1, "SA020": 1, "SA010": 1, "SA003": 2},
		},
		Rules: []*finding.Rule{ruleUndefinedSA, ruleAutomount, ruleLegacySecret, ruleClusterAdmin},
		Findings: []finding.Finding{
			{Rule: ruleClusterAdmin, Severity: finding.Critical, Location: at(1), Object: pod,
				Message: "100% of verbs: get, list\nand | pipes"},
			{Rule: ruleLegacySecret, Severity: finding.High, Location: at(2), Object: pod,
				Message: "a carriage\r\nreturn, then `code` *stars* _under_ [link](x) <b>&amp;</b> #1 \\ back"},
			{Rule: ruleAutomount, Severity: finding.Medium, Location: at(3), Object: pod,
				Message: "::error file=x::injected"},
			{Rule: ruleUndefinedSA, Severity: finding.Low, Location: at(4), Object: pod,
				Message: "colour \x1b[31mred\x1b[0m"},
			{Rule: ruleUndefinedSA, Severity: finding.Info, Location: at(5), Object: finding.Object{Kind: "Pod", Namespace: "n|s", Name: "a,b"},
				Message: "%0A is not a newline"},
		},
		Errors: []finding.InputError{{Location: finding.Location{File: "bad, name:%.yaml", Line: 2, Column: 1}, Message: "line one\nline two: 50%"}},
		Notes:  []string{"note with 100% and a\nnewline, and: colon"},
	}
}

// cleanReport is a run that found nothing; its slices and map are nil.
func cleanReport() *finding.Report {
	return &finding.Report{
		Tool:    finding.Tool{Name: "salint", Version: "dev"},
		Summary: finding.Summary{Files: 1, Documents: 1, Objects: 1},
		Rules:   []*finding.Rule{ruleDefaultSA},
	}
}

// unrootedReport is rendered without SARIFRoot or WorkDir, with a
// file-level error on an absolute path and a pre-release version.
func unrootedReport() *finding.Report {
	return &finding.Report{
		Tool: finding.Tool{Version: "1.0.0-rc.1+build.5"},
		Summary: finding.Summary{
			Files: 2, Documents: 2, Objects: 1, Errors: 1, Findings: 1,
			BySeverity: map[finding.Severity]int{finding.Medium: 1},
			ByRule:     map[string]int{"SA010": 1},
		},
		Rules: []*finding.Rule{ruleAutomount},
		Findings: []finding.Finding{{
			Rule: ruleAutomount, Severity: finding.Medium,
			Message:     "the API token is mounted: the pod and its ServiceAccount leave automountServiceAccountToken unset",
			Location:    finding.Location{File: "pod.yaml", Line: 5, Column: 1},
			Object:      finding.Object{APIVersion: "v1", Kind: "Pod", Namespace: "default", Name: "debug"},
			Path:        "spec",
			SourceLine:  "spec:",
			Fingerprint: "fp-sa010-debug",
		}},
		Errors: []finding.InputError{{Location: finding.Location{File: "/etc/salint/huge.yaml"}, Message: "file is larger than 64 MiB"}},
	}
}

var fullOptions = Options{SARIFRoot: "/src/repo", WorkDir: "/src/repo", SARIFCategory: "salint/manifests"}

type goldenCase struct {
	name    string
	report  func() *finding.Report
	opts    Options
	formats []string
}

func goldenCases() []goldenCase {
	suppressed := fullOptions
	suppressed.ShowSuppressed = true
	color := fullOptions
	color.Color = true
	return []goldenCase{
		{"full", fullReport, fullOptions, Formats()},
		{"full-suppressed", fullReport, suppressed, Formats()},
		{"full-color", fullReport, color, []string{"text", "compact"}},
		{"clean", cleanReport, Options{WorkDir: "/home/dev/manifests"}, Formats()},
		{"unrooted", unrootedReport, Options{}, []string{"text", "compact", "sarif", "github"}},
		{"escaping", escapingReport, Options{WorkDir: "/src/repo"}, []string{"text", "compact", "github"}},
	}
}

// render is Write into a string, failing the test on error.
func render(t *testing.T, format string, r *finding.Report, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, format, r, opts); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return buf.String()
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases() {
		for _, format := range c.formats {
			t.Run(c.name+"/"+format, func(t *testing.T) {
				got := render(t, format, c.report(), c.opts)
				compareGolden(t, filepath.Join("testdata", c.name+"."+format+".golden"), got)
			})
		}
	}
}

// compareGolden compares got with the golden file at path, or rewrites the
// file under -update.
func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./pkg/report -update)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./pkg/report -update if intended)\n%s", path, firstDifference(string(want), got))
	}
}

// firstDifference shows the first line where want and got part.
func firstDifference(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\nwant: " + w + "\ngot:  " + g
		}
	}
	return ""
}

func TestFormats(t *testing.T) {
	if got, want := Formats(), []string{"text", "compact", "json", "sarif", "github"}; !slices.Equal(got, want) {
		t.Errorf("Formats() = %q, want %q", got, want)
	}
}

func TestWriteRejects(t *testing.T) {
	tests := []struct {
		name    string
		format  string
		report  *finding.Report
		wantErr string
	}{
		{"unknown format", "xml", cleanReport(), `unknown output format "xml" (want one of text, compact, json, sarif, github)`},
		{"format names are exact", "JSON", cleanReport(), `unknown output format "JSON"`},
		{"empty format", "", cleanReport(), `unknown output format ""`},
		{"no report", "text", nil, "no report"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Write(&buf, tt.format, tt.report, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Write(%q) error = %v, want it to contain %q", tt.format, err, tt.wantErr)
			}
			if buf.Len() != 0 {
				t.Errorf("Write(%q) wrote %q before failing", tt.format, buf.String())
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWritePassesOnWriterErrors(t *testing.T) {
	for _, format := range Formats() {
		err := Write(failingWriter{}, format, fullReport(), fullOptions)
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("Write(%s) to a failing writer: error = %v, want disk full", format, err)
		}
	}
}

func TestDeterministic(t *testing.T) {
	for _, c := range goldenCases() {
		for _, format := range c.formats {
			first := render(t, format, c.report(), c.opts)
			for range 5 {
				if again := render(t, format, c.report(), c.opts); again != first {
					t.Fatalf("%s/%s: output changed between runs", c.name, format)
				}
			}
		}
	}
}

func TestWriteKeepsOrderAndInput(t *testing.T) {
	r := fullReport()
	before := render(t, "json", r, fullOptions)
	for _, format := range Formats() {
		render(t, format, r, Options{ShowSuppressed: true, SARIFRoot: "/src/repo"})
	}
	if after := render(t, "json", r, fullOptions); after != before {
		t.Error("writing a report changed it")
	}
	text := render(t, "text", r, Options{ShowSuppressed: true})
	last := -1
	for _, f := range r.Findings {
		i := strings.Index(text, f.Location.String()+": ")
		if i < last {
			t.Fatalf("finding at %s printed out of order", f.Location)
		}
		last = i
	}
}

// The suppressed finding of fullReport appears in every format only when
// asked for.
func TestShowSuppressed(t *testing.T) {
	const marker = "ClusterRole ops may delete events"
	for _, format := range Formats() {
		for _, show := range []bool{false, true} {
			opts := fullOptions
			opts.ShowSuppressed = show
			out := render(t, format, fullReport(), opts)
			if got := strings.Contains(out, marker); got != show {
				t.Errorf("%s with ShowSuppressed=%v: suppressed finding shown = %v", format, show, got)
			}
		}
	}
}

// TestSourceLinesOnlyWhereShown: a run for a format that does not show
// source lines drops the files' text (lint.Config.NoSourceLines), so such a
// format must print the same report whether findings carry their lines or
// not, and the text format must show them.
func TestSourceLinesOnlyWhereShown(t *testing.T) {
	for _, format := range Formats() {
		with := fullReport()
		without := fullReport()
		for i := range without.Findings {
			without.Findings[i].SourceLine, without.Findings[i].SourceColumn = "", 0
		}
		a, b := render(t, format, with, Options{}), render(t, format, without, Options{})
		if ShowsSourceLines(format) {
			if a == b {
				t.Errorf("%s: the report is the same without source lines, yet ShowsSourceLines says it shows them", format)
			}
		} else if a != b {
			t.Errorf("%s: the report changes with source lines, yet ShowsSourceLines says it does not show them:\n%s", format, firstDifference(a, b))
		}
	}
}
