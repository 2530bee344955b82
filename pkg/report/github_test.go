package report

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/salint/salint/pkg/finding"
)

func TestGitHubLevels(t *testing.T) {
	for sev, want := range map[finding.Severity]string{
		finding.Critical: "error", finding.High: "error", finding.Medium: "warning",
		finding.Low: "notice", finding.Info: "notice",
	} {
		if got := githubLevel(sev); got != want {
			t.Errorf("githubLevel(%s) = %q, want %q", sev, got, want)
		}
	}
}

func TestGitHubEscaping(t *testing.T) {
	tests := []struct {
		in, data, property string
	}{
		{"plain text", "plain text", "plain text"},
		{"100%", "100%25", "100%25"},
		{"%0A", "%250A", "%250A"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"k: v, w", "k: v, w", "k%3A v%2C w"},
		{"::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"},
		{"a|b", "a|b", "a|b"},
		{"\x1b[31m", "\uFFFD[31m", "\uFFFD[31m"},
	}
	for _, tt := range tests {
		if got := githubData(tt.in); got != tt.data {
			t.Errorf("githubData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := githubProperty(tt.in); got != tt.property {
			t.Errorf("githubProperty(%q) = %q, want %q", tt.in, got, tt.property)
		}
	}
}

func TestMarkdownCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text: ok, 100%", "plain text: ok, 100%"},
		{"a|b", `a\|b`},
		{"one\ntwo\r\nthree\rfour", "one<br>two<br>three<br>four"},
		{"<b>&amp;</b>", `\<b\>\&amp;\</b\>`},
		{"`x` *y* _z_ [l](u) ~s~ #1 !", "\\`x\\` \\*y\\* \\_z\\_ \\[l\\](u) \\~s\\~ \\#1 \\!"},
		{`back\slash`, `back\\slash`},
		{"\x1b[0m", `�\[0m`},
	}
	for _, tt := range tests {
		if got := markdownCell(tt.in); got != tt.want {
			t.Errorf("markdownCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Every finding, input error and note is one workflow command on one line.
func TestGitHubOneCommandPerLine(t *testing.T) {
	for _, c := range goldenCases() {
		if !slices.Contains(c.formats, "github") {
			continue
		}
		r := c.report()
		out := render(t, "github", r, c.opts)
		if out != "" && !strings.HasSuffix(out, "\n") {
			t.Errorf("%s: output does not end with a newline", c.name)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if out == "" {
			lines = nil
		}
		if want := len(shownFindings(r, c.opts)) + len(r.Errors) + len(r.Notes); len(lines) != want {
			t.Errorf("%s: %d lines, want %d", c.name, len(lines), want)
		}
		for _, l := range lines {
			// The runner ends the command at the first "::" after the
			// leading one; the message after it may hold more.
			command, _, found := strings.Cut(strings.TrimPrefix(l, "::"), "::")
			level, _, _ := strings.Cut(command, " ")
			if !strings.HasPrefix(l, "::") || !found || !slices.Contains([]string{"error", "warning", "notice"}, level) {
				t.Errorf("%s: not one workflow command: %q", c.name, l)
			}
		}
	}
}

func TestGitHubPaths(t *testing.T) {
	r := &finding.Report{Findings: []finding.Finding{
		{Rule: ruleAutomount, Location: finding.Location{File: "deploy/web.yaml", Line: 1, Column: 1}},
		{Rule: ruleAutomount, Location: finding.Location{File: "/src/repo/rbac/roles.yaml", Line: 1, Column: 1}},
		{Rule: ruleAutomount, Location: finding.Location{File: "./deploy/../x.yaml", Line: 1, Column: 1}},
		{Rule: ruleAutomount, Location: finding.Location{File: "../other/sa.yaml", Line: 1, Column: 1}},
	}}
	out := render(t, "github", r, Options{WorkDir: "/src/repo", SARIFRoot: "/src"})
	for _, want := range []string{"file=deploy/web.yaml,", "file=rbac/roles.yaml,", "file=x.yaml,", "file=/src/other/sa.yaml,"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// writeSummary renders c in the github format with a step summary file that
// already holds existing, and returns the file's content.
func writeSummary(t *testing.T, r *finding.Report, opts Options, existing string) string {
	t.Helper()
	opts.StepSummary = filepath.Join(t.TempDir(), "step_summary.md")
	if existing != "" {
		if err := os.WriteFile(opts.StepSummary, []byte(existing), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	render(t, "github", r, opts)
	got, err := os.ReadFile(opts.StepSummary)
	if err != nil {
		t.Fatal(err)
	}
	return string(got)
}

func TestGitHubStepSummaryGolden(t *testing.T) {
	for _, c := range goldenCases() {
		if !slices.Contains(c.formats, "github") {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			got := writeSummary(t, c.report(), c.opts, "")
			compareGolden(t, filepath.Join("testdata", c.name+".github-summary.golden"), got)
		})
	}
}

func TestGitHubStepSummaryAppends(t *testing.T) {
	const existing = "# Earlier step\n\nkept as it was"
	alone := writeSummary(t, fullReport(), fullOptions, "")
	got := writeSummary(t, fullReport(), fullOptions, existing)
	if want := existing + "\n" + alone; got != want {
		t.Errorf("summary after existing content:\n%s\nwant:\n%s", got, want)
	}

	// Two reports in one step both land in the file.
	opts := fullOptions
	opts.StepSummary = filepath.Join(t.TempDir(), "step_summary.md")
	render(t, "github", fullReport(), opts)
	render(t, "github", cleanReport(), opts)
	twice, err := os.ReadFile(opts.StepSummary)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(twice), alone+"\n## salint: 0 findings\n") {
		t.Errorf("second summary did not follow the first:\n%s", twice)
	}
}

func TestGitHubStepSummaryCapsRows(t *testing.T) {
	r := &finding.Report{Summary: finding.Summary{Findings: githubSummaryRows + 5}}
	for i := range githubSummaryRows + 5 {
		r.Findings = append(r.Findings, finding.Finding{
			Rule: ruleAutomount, Severity: finding.Medium, Message: "m",
			Location: finding.Location{File: "a.yaml", Line: i + 1, Column: 1},
		})
	}
	got := writeSummary(t, r, Options{}, "")
	if rows := strings.Count(got, "\n| medium | "); rows != githubSummaryRows {
		t.Errorf("%d rows, want %d", rows, githubSummaryRows)
	}
	if !strings.Contains(got, "\n… and 5 more findings, listed in the job's annotations and log.\n") {
		t.Errorf("no line saying how many findings were left out:\n%s", got[len(got)-200:])
	}
	if !strings.Contains(got, "| a.yaml:200 |") || strings.Contains(got, "| a.yaml:201 |") {
		t.Error("the table does not hold the first findings in their order")
	}
}

func TestGitHubStepSummaryErrors(t *testing.T) {
	opts := Options{StepSummary: filepath.Join(t.TempDir(), "missing", "summary.md")}
	err := Write(&strings.Builder{}, "github", fullReport(), opts)
	if err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), opts.StepSummary) {
		t.Errorf("error = %v, want one naming %s and wrapping ErrNotExist", err, opts.StepSummary)
	}
}

// Only the github format writes a step summary.
func TestStepSummaryOnlyForGitHub(t *testing.T) {
	for _, format := range Formats() {
		if format == "github" {
			continue
		}
		opts := Options{StepSummary: filepath.Join(t.TempDir(), "summary.md")}
		render(t, format, fullReport(), opts)
		if _, err := os.Stat(opts.StepSummary); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s wrote a step summary (stat: %v)", format, err)
		}
	}
}
