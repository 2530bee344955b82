// Package report prints a finding.Report: text for people (compact: one
// line per finding), JSON for scripts, SARIF for code scanning and GitHub
// Actions workflow commands for pull request annotations. It owns the
// output formats only; it knows nothing of YAML, Rego or flags, and never
// reorders what it is given.
package report

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/salint/salint/pkg/finding"
)

// Options tune a report; the CLI fills them from flags and the environment.
type Options struct {
	Color          bool   // ANSI colour in text output (the CLI decides: terminal and no NO_COLOR)
	ShowSuppressed bool   // include suppressed findings (text marks them, JSON lists them, SARIF with suppressions)
	SARIFRoot      string // absolute directory that %SRCROOT% stands for; finding files are made relative to it
	SARIFCategory  string // automationDetails.id when non-empty
	WorkDir        string // absolute working directory, to resolve relative finding files before making them relative to SARIFRoot
	StepSummary    string // file the github format appends a markdown summary to ($GITHUB_STEP_SUMMARY); empty for none
}

// format writes a whole report to buf, which streams to the output: a
// report of tens of thousands of findings is never held whole in memory,
// and a write error is returned by Write once buf is flushed.
type format interface {
	render(buf *bufio.Writer, r *finding.Report, opts Options) error
}

var formats = []struct {
	name string
	format
}{
	{"text", textFormat{}},
	{"compact", compactFormat{}},
	{"json", jsonFormat{}},
	{"sarif", sarifFormat{}},
	{"github", githubFormat{}},
}

// Formats lists the supported formats: text, compact, json, sarif, github.
func Formats() []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.name
	}
	return names
}

// Write prints r in the named format. It never reorders input: findings are already sorted.
func Write(w io.Writer, format string, r *finding.Report, opts Options) error {
	if r == nil {
		return fmt.Errorf("writing %s report: no report", format)
	}
	for _, f := range formats {
		if f.name != format {
			continue
		}
		// Findings stream out: a report of tens of thousands of findings
		// is never held whole in memory.
		buf := bufio.NewWriterSize(w, 64<<10)
		if err := f.render(buf, r, opts); err != nil {
			return fmt.Errorf("writing %s report: %w", format, err)
		}
		if err := buf.Flush(); err != nil {
			return fmt.Errorf("writing %s report: %w", format, err)
		}
		return nil
	}
	return fmt.Errorf("unknown output format %q (want one of %s)", format, strings.Join(Formats(), ", "))
}

// ShowsSourceLines reports whether the format prints findings' source
// lines (Finding.SourceLine): a run for another format need not keep the
// text of its files.
func ShowsSourceLines(format string) bool { return format == "text" }

// shownFindings is r.Findings in their order, without the suppressed ones
// unless the user asked to see them.
func shownFindings(r *finding.Report, opts Options) []finding.Finding {
	if opts.ShowSuppressed {
		return r.Findings
	}
	shown := make([]finding.Finding, 0, len(r.Findings))
	for _, f := range r.Findings {
		if !f.Suppressed {
			shown = append(shown, f)
		}
	}
	return shown
}

// toolName falls back to salint when the caller left the name empty.
func toolName(t finding.Tool) string {
	if t.Name == "" {
		return "salint"
	}
	return t.Name
}

// ruleOf returns the ID and name of a finding's rule, empty when it has none.
func ruleOf(f finding.Finding) (id, name string) {
	if f.Rule == nil {
		return "", ""
	}
	return f.Rule.ID, f.Rule.Name
}

// sourceTag says in a few words how a finding's object was made, for the
// text and github formats: "helm: web/templates/x.yaml" for helm template
// output, "helm: deploy/web, values ci/a-values.yaml" for a rendered chart,
// "kustomize: deploy/prod" for a kustomize build; "" for a plain manifest.
func sourceTag(f finding.Finding) string {
	src := f.Source
	if src == nil {
		return ""
	}
	switch src.Type {
	case finding.SourceHelmTemplateOutput:
		return "helm: " + src.Template
	case finding.SourceHelm:
		if src.Scenario != "" {
			scenario := strings.TrimPrefix(src.Scenario, strings.TrimSuffix(src.Root, "/")+"/")
			return "helm: " + src.Root + ", values " + scenario
		}
		return "helm: " + src.Root
	}
	return src.Type + ": " + src.Root
}

// ruleCount is how many reported findings one rule has.
type ruleCount struct {
	id, name string
	count    int
}

// ruleCounts is the summary's count by rule, with the rules' names: the
// rule with most findings first, rules with as many in ID order. A rule
// without findings is left out.
func ruleCounts(r *finding.Report) []ruleCount {
	names := map[string]string{}
	for _, f := range r.Findings {
		if f.Rule != nil {
			names[f.Rule.ID] = f.Rule.Name
		}
	}
	counts := make([]ruleCount, 0, len(r.Summary.ByRule))
	for _, id := range slices.Sorted(maps.Keys(r.Summary.ByRule)) {
		if n := r.Summary.ByRule[id]; n > 0 {
			counts = append(counts, ruleCount{id: id, name: names[id], count: n})
		}
	}
	slices.SortStableFunc(counts, func(a, b ruleCount) int { return cmp.Compare(b.count, a.count) })
	return counts
}
