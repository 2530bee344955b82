package report

import (
	"strings"
	"testing"

	"github.com/salint/salint/pkg/finding"
)

func TestTextColor(t *testing.T) {
	plain := render(t, "text", fullReport(), fullOptions)
	if strings.ContainsRune(plain, '\x1b') {
		t.Errorf("text without colour contains an escape byte:\n%q", plain)
	}
	colored := render(t, "text", fullReport(), Options{Color: true})
	for _, want := range []string{
		ansiRed + "CRITICAL" + ansiReset,
		ansiRed + "HIGH" + ansiReset,
		ansiYellow + "MEDIUM" + ansiReset,
		ansiCyan + "LOW" + ansiReset,
		ansiCyan + "INFO" + ansiReset,
		ansiBold + "deploy/web.yaml:14:7" + ansiReset,
		ansiGreen + "^" + ansiReset,
	} {
		if !strings.Contains(colored, want) {
			t.Errorf("coloured text lacks %q", want)
		}
	}
	// The input's own escape sequence never reaches the terminal.
	if strings.Contains(colored, "\x1b[31m\"") {
		t.Error("an escape sequence from the input was printed")
	}
}

// visualColumn is the 0-based terminal cell where rune i of line starts,
// with tab stops every tabWidth cells; i may lie past the end of the line.
func visualColumn(line string, i, tabWidth int) int {
	cell, n := 0, 0
	for _, r := range line {
		if n == i {
			return cell
		}
		if r == '\t' {
			cell += tabWidth - cell%tabWidth
		} else {
			cell++
		}
		n++
	}
	return cell + (i - n)
}

func TestTextCaretUnderColumn(t *testing.T) {
	tests := []struct {
		name   string
		source string
		column int
	}{
		{"first column", "apiVersion: v1", 1},
		{"indented key", "      automountServiceAccountToken: true", 7},
		{"value after a tab", "        serviceAccountName:\tweb", 29},
		{"after leading tabs", "\t\tname: web", 3},
		{"on a tab", "key:\t\tvalue", 5},
		{"after multi-byte characters", `  name: "é→x" # wëb`, 17},
		{"after a control character", "a\x1bb: c", 5},
		{"past the end of the line", "spec:", 8},
		{"CRLF line end", "  verbs: [\"*\"]\r", 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &finding.Report{Findings: []finding.Finding{{
				Rule:       ruleAutomount,
				Location:   finding.Location{File: "f.yaml", Line: 123, Column: tt.column},
				Object:     finding.Object{Kind: "Pod", Namespace: "default", Name: "p"},
				SourceLine: tt.source,
			}}}
			lines := strings.Split(render(t, "text", r, Options{}), "\n")
			const sourcePrefix, caretPrefix = "    123 | ", "        | "
			if len(lines) < 3 || !strings.HasPrefix(lines[1], sourcePrefix) || !strings.HasPrefix(lines[2], caretPrefix) {
				t.Fatalf("want a source line and a caret line after the header, got:\n%s", strings.Join(lines, "\n"))
			}
			source, caret := lines[1], lines[2]
			if strings.HasSuffix(source, "\r") {
				t.Errorf("source line keeps its carriage return: %q", source)
			}
			if strings.Count(caret, "^") != 1 || !strings.HasSuffix(caret, "^") {
				t.Fatalf("caret line %q should end in one caret", caret)
			}
			caretIndex := strings.Count(caret, "") - 2 // rune index of the final '^'
			columnIndex := strings.Count(sourcePrefix, "") - 1 + tt.column - 1
			for _, tab := range []int{8, 4, 2} {
				got, want := visualColumn(caret, caretIndex, tab), visualColumn(source, columnIndex, tab)
				if got != want {
					t.Errorf("tab width %d: caret at cell %d, column %d at cell %d\n%s\n%s", tab, got, tt.column, want, source, caret)
				}
			}
		})
	}
}

func TestTextLines(t *testing.T) {
	withSuppressed := fullOptions
	withSuppressed.ShowSuppressed = true
	out := render(t, "text", fullReport(), withSuppressed)
	for _, want := range []string{
		"/src/repo/rbac/roles.yaml:9:13: CRITICAL SA041 rbac-cluster-admin-equivalent: ClusterRole ops grants \"*\" on <every resource> & every group → 100% of the API (ClusterRole ops)\n",
		"deploy/web.yaml:14:7: MEDIUM SA010 automount-token: the API token is mounted: automountServiceAccountToken is true [helm: deploy/web, values ci/debug-values.yaml] (Deployment prod/web)\n",
		" [suppressed: events are shipped to the SIEM before they can be deleted] (ClusterRole ops)\n",
		"    via /src/repo/rbac/roles.yaml:30:9: RoleBinding prod/ops binds ServiceAccount prod/web\n",
		"broken file.yaml: error: not UTF-8 text\n",
		"deploy/bad.yaml:9:3: error: mapping key \"name\" already defined at line 7\n",
		"note: /src/repo/pipe.yaml: not a regular file (FIFO), not read\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q", want)
		}
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	const summary = "7 files, 12 documents, 8 objects checked, 2 skipped, 2 errors: 7 findings (2 critical, 1 high, 1 medium, 1 low, 2 info), 1 suppressed"
	if got := lines[len(lines)-2]; got != summary {
		t.Errorf("summary line = %q, want %q", got, summary)
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "by rule: ") {
		t.Errorf("last line = %q, want the findings by rule", last)
	}
}

func TestSummaryLine(t *testing.T) {
	tests := []struct {
		summary finding.Summary
		want    string
	}{
		{finding.Summary{}, "0 files, 0 documents, 0 objects checked, 0 skipped, 0 errors: 0 findings (0 critical, 0 high, 0 medium, 0 low, 0 info), 0 suppressed"},
		{
			finding.Summary{Files: 1, Documents: 1, Objects: 1, Errors: 1, Findings: 1, Skipped: 1, Suppressed: 1, BySeverity: map[finding.Severity]int{finding.High: 1}},
			"1 file, 1 document, 1 object checked, 1 skipped, 1 error: 1 finding (0 critical, 1 high, 0 medium, 0 low, 0 info), 1 suppressed",
		},
		{
			finding.Summary{Files: 3, Documents: 12, Objects: 11, Skipped: 1, Findings: 7, Suppressed: 1, BySeverity: map[finding.Severity]int{finding.High: 2, finding.Medium: 4, finding.Low: 1}},
			"3 files, 12 documents, 11 objects checked, 1 skipped, 0 errors: 7 findings (0 critical, 2 high, 4 medium, 1 low, 0 info), 1 suppressed",
		},
	}
	for _, tt := range tests {
		if got := summaryLine(tt.summary); got != tt.want {
			t.Errorf("summaryLine(%+v)\n got %q\nwant %q", tt.summary, got, tt.want)
		}
	}
}

// TestByRule: the summary counts reported findings by rule; text and
// compact print them most first, then by ID; JSON keys them by ID in ID
// order; rules without findings are left out.
func TestByRule(t *testing.T) {
	const line = "by rule: SA003 undefined-service-account 2, SA010 automount-token 1, SA012 service-account-automount 1, " +
		"SA020 legacy-token-secret 1, SA041 rbac-cluster-admin-equivalent 1, SA070 token-with-dangerous-permissions 1"
	if got := byRuleLine(fullReport()); got != line {
		t.Errorf("byRuleLine =\n %q\nwant\n %q", got, line)
	}
	for _, format := range []string{"text", "compact"} {
		if out := render(t, format, fullReport(), fullOptions); !strings.HasSuffix(out, "\n"+line+"\n") {
			t.Errorf("%s output does not end with the findings by rule:\n%s", format, out)
		}
	}

	r := cleanReport()
	r.Summary.ByRule = map[string]int{"SA001": 0}
	if got := byRuleLine(r); got != "" {
		t.Errorf("byRuleLine of a run without findings = %q, want none", got)
	}
	json := render(t, "json", r, Options{})
	if !strings.Contains(json, `"byRule": {}`) {
		t.Errorf("JSON byRule of a run without findings is not {}:\n%s", json)
	}

	tied := &finding.Report{
		Summary: finding.Summary{Findings: 4, ByRule: map[string]int{"SA010": 1, "SA001": 2, "SA003": 1}},
		Findings: []finding.Finding{
			{Rule: ruleAutomount}, {Rule: ruleDefaultSA}, {Rule: ruleDefaultSA}, {Rule: ruleUndefinedSA},
		},
	}
	const tiedLine = "by rule: SA001 default-service-account 2, SA003 undefined-service-account 1, SA010 automount-token 1"
	if got := byRuleLine(tied); got != tiedLine {
		t.Errorf("byRuleLine =\n %q\nwant\n %q", got, tiedLine)
	}
}
