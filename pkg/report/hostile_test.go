package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/salint/salint/pkg/finding"
)

// The file names, messages and rules of a report come from the repository
// under review; these tests feed the formats what an attacker would.

// TestTextNeverStartsAWorkflowCommand: a GitHub Actions runner reads any
// log line that starts with "::" (after white space) as a command, so the
// text format, run by the action with format: text, and the compact
// format must start no line so.
func TestTextNeverStartsAWorkflowCommand(t *testing.T) {
	files := []string{
		"::warning title=Forged::All clear.yaml",
		"::add-mask::deploy.yaml",
		" ::error::indented.yaml",
		"\u3000::notice::ideographic space.yaml",
		"\t::stop-commands::tab.yaml",
		":single.yaml",
		"\n::error::after a newline.yaml",
	}
	r := &finding.Report{}
	for i, f := range files {
		r.Findings = append(r.Findings, finding.Finding{
			Rule: ruleAutomount, Severity: finding.Medium, Message: "m",
			Location:   finding.Location{File: f, Line: i + 1, Column: 1},
			Related:    []finding.Related{{Location: finding.Location{File: f, Line: 1, Column: 1}, Message: "r"}},
			SourceLine: "::error::in the source",
		})
		r.Errors = append(r.Errors, finding.InputError{Location: finding.Location{File: f}, Message: "::error::bad"})
	}
	r.Notes = []string{"::error::note"}
	for _, format := range []string{"text", "compact"} {
		for _, opts := range []Options{{}, {Color: true}} {
			out := render(t, format, r, opts)
			for _, line := range strings.Split(out, "\n") {
				plain := strings.ReplaceAll(line, ansiBold, "") // a runner may strip colour
				if strings.HasPrefix(strings.TrimLeftFunc(plain, unicode.IsSpace), "::") {
					t.Errorf("%s: line starts a workflow command: %q", format, line)
				}
			}
			if !opts.Color && !strings.Contains(out, "./::warning title=Forged::All clear.yaml:1:1: MEDIUM") {
				t.Errorf("%s: the forged file name is not shown as ./ and itself:\n%s", format, out)
			}
		}
	}
	if got := textPath("deploy/web.yaml"); got != "deploy/web.yaml" {
		t.Errorf("textPath changed a plain path: %q", got)
	}
	if got := textPath("/abs/::x.yaml"); got != "/abs/::x.yaml" {
		t.Errorf("textPath changed an absolute path: %q", got)
	}
}

// bidi are the bidirectional formatting characters (and line separators)
// that reorder or break what a reader sees.
var bidi = []rune{0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c, 0x2028, 0x2029}

// TestBidiControlsAreReplaced: like control characters, bidi controls in
// file names, messages and notes never reach the text or compact output,
// the workflow commands or the step summary.
func TestBidiControlsAreReplaced(t *testing.T) {
	var all strings.Builder
	for _, r := range bidi {
		all.WriteRune(r)
	}
	trojan := "access granted" + all.String() + " denied"
	r := &finding.Report{
		Findings: []finding.Finding{{
			Rule: ruleAutomount, Severity: finding.High, Message: trojan,
			Location:   finding.Location{File: "a" + all.String() + ".yaml", Line: 1, Column: 1},
			Object:     finding.Object{Kind: "Pod", Namespace: "n", Name: "p" + all.String()},
			SourceLine: "name: " + trojan,
		}},
		Errors: []finding.InputError{{Location: finding.Location{File: "e.yaml"}, Message: trojan}},
		Notes:  []string{trojan},
	}
	opts := Options{WorkDir: "/src", StepSummary: filepath.Join(t.TempDir(), "summary.md")}
	outputs := map[string]string{
		"text":    render(t, "text", r, opts),
		"compact": render(t, "compact", r, opts),
		"github":  render(t, "github", r, opts),
	}
	summary, err := os.ReadFile(opts.StepSummary)
	if err != nil {
		t.Fatal(err)
	}
	outputs["step summary"] = string(summary)
	for name, out := range outputs {
		for _, c := range bidi {
			if strings.ContainsRune(out, c) {
				t.Errorf("%s output holds %U", name, c)
			}
		}
		if !strings.Contains(out, "access granted") {
			t.Errorf("%s output lost the message", name)
		}
	}
}

// TestTextSourceWindow: the text format prints at most a window of a long
// source line around the column, the caret under the same character, so a
// minified manifest of one long line does not make a report of gigabytes.
func TestTextSourceWindow(t *testing.T) {
	// Each character tells its position: a caret under the wrong one shows.
	var b strings.Builder
	for i := range 400_000 {
		b.WriteByte("abcdefghijklmnopqrstuvwxyz"[i%26])
		if i%1000 == 999 {
			b.WriteString("é\t") // multi-byte characters and tabs on the way
		}
	}
	line := b.String()
	runes := []rune(line)
	for _, tt := range []struct {
		name                 string
		column, sourceColumn int
		text                 string
	}{
		{"start", 1, 0, line},
		{"middle", 200_000, 0, line},
		{"end", len(runes), 0, line},
		{"past the end", len(runes) + 3, 0, line},
		{"a window the pipeline cut", 200_000, 121, "…" + string(runes[199_880:200_120]) + "…"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := &finding.Report{Findings: []finding.Finding{{
				Rule: ruleAutomount, Location: finding.Location{File: "list.json", Line: 1, Column: tt.column},
				SourceLine: tt.text, SourceColumn: tt.sourceColumn,
			}}}
			out := render(t, "text", r, Options{})
			if len(out) > 2000 {
				t.Fatalf("%d bytes of output for one finding", len(out))
			}
			lines := strings.Split(out, "\n")
			const sourcePrefix, caretPrefix = "    1 | ", "      | "
			source, caret := strings.TrimPrefix(lines[1], sourcePrefix), strings.TrimPrefix(lines[2], caretPrefix)
			if n := utf8.RuneCountInString(source); n > maxSourceWidth+2 {
				t.Errorf("%d characters of source printed", n)
			}
			// The caret line mirrors tabs, so rune positions line up.
			at := utf8.RuneCountInString(caret) - 1
			want := tt.column - 1 // in the original line
			text := []rune(tt.text)
			if tt.sourceColumn > 0 {
				want = tt.sourceColumn - 1
			}
			shown := []rune(source)
			switch {
			case want >= len(text):
				if at < len(shown) {
					t.Errorf("column past the end: caret at %d, under %q", at, shown[at])
				}
			case at >= len(shown) || shown[at] != text[want]:
				t.Errorf("caret at %d of %q, want under %q", at, source, text[want])
			}
			if tt.column > 200 && tt.column <= len(runes) && !strings.HasPrefix(source, "…") {
				t.Errorf("a cut start is not marked: %q", source)
			}
		})
	}
}

// TestStepSummaryStaysWithinGitHubsLimit: GitHub shows at most 1 MiB of a
// step's summary; cells and the whole are capped, and the summary says what
// it left out.
func TestStepSummaryStaysWithinGitHubsLimit(t *testing.T) {
	// Line breaks and pipes take four and two bytes each in a cell.
	breaks, pipes := strings.Repeat("\n", 20_000), strings.Repeat("|", 20_000)
	var findings []finding.Finding
	for i := range 250 {
		findings = append(findings, finding.Finding{
			Rule: ruleAutomount, Severity: finding.Medium, Message: breaks,
			Location: finding.Location{File: fmt.Sprintf("f%d%s.yaml", i, pipes), Line: 1, Column: 1},
			Object:   finding.Object{Kind: "Pod", Namespace: "n", Name: breaks},
		})
	}
	r := &finding.Report{
		Summary:  finding.Summary{Findings: len(findings)},
		Findings: findings,
		Errors:   []finding.InputError{{Location: finding.Location{File: "e.yaml"}, Message: breaks}},
	}
	for _, existing := range []int{0, 850 << 10, 2 << 20} {
		t.Run(fmt.Sprintf("after %d bytes", existing), func(t *testing.T) {
			got := writeSummary(t, r, Options{WorkDir: "/src"}, strings.Repeat("e", existing))
			if len(got) > max(githubSummaryBytes, existing+2<<10) {
				t.Errorf("summary of %d bytes, over %d", len(got), githubSummaryBytes)
			}
			ours := got[existing:]
			if !strings.Contains(ours, "## salint: 250 findings") {
				t.Error("the heading is missing")
			}
			// What fits after the findings that did not is still shown (the input error, here).
			if !strings.Contains(ours, "left out, listed in the job's annotations and log.") ||
				!strings.Contains(ours, "1 input error") {
				t.Errorf("the summary does not say it was cut:\n%s", ours[max(0, len(ours)-400):])
			}
			for _, row := range strings.Split(ours, "\n") {
				if len(row) > 5*5*githubCellRunes {
					t.Fatalf("a line of %d bytes", len(row))
				}
			}
		})
	}
	// A summary that fits is not cut.
	small := &finding.Report{Summary: finding.Summary{Findings: 1}, Findings: []finding.Finding{findings[0]}}
	small.Findings[0].Message = "short"
	if got := writeSummary(t, small, Options{WorkDir: "/src"}, ""); strings.Contains(got, "was cut") {
		t.Error("a small summary says it was cut")
	}
}

// TestMarkdownTextIsInert: a policy's prose keeps its code spans but
// cannot open raw HTML or a block that swallows the rest of a page.
func TestMarkdownTextIsInert(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain `code` text", "plain `code` text"},
		{"a <script>x</script> & b", `a \<script\>x\</script\> \& b`},
		{"keeps `<b>` in code", "keeps `<b>` in code"},
		{"```\nswallow", "\\`\\`\\`\nswallow"},
		{"  ~~~ tilde", "  \\~~~ tilde"},
		{"a\n<b>", "a\n\\<b\\>"},
		{"<img src=x onerror=alert(1)>", `\<img src=x onerror=alert(1)\>`},
		{"`open\n<script>` span", "`open\n    <script>` span"},
		{"lone ` tick", "lone \\` tick"},
		{"esc \x1b[31m bidi \u202e", "esc \uFFFD[31m bidi \uFFFD"},
		{"line\n\ttab", "line\n\ttab"},
		{"&#x202E; entity", `\&#x202E; entity`},
	}
	for _, tt := range tests {
		if got := MarkdownText(tt.in); got != tt.want {
			t.Errorf("MarkdownText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWebURL(t *testing.T) {
	for ref, ok := range map[string]bool{
		"https://kubernetes.io/docs/x#y": true,
		"http://example.com/a?b=c":       true,
		"javascript:alert(1)":            false,
		"file:///etc/passwd":             false,
		"https://x> <img src=y>":         false,
		"https://x.example/\u202e":       false,
		"//example.com/x":                false,
		"docs/x.md":                      false,
		"https:///nohost":                false,
	} {
		if _, got := WebURL(ref); got != ok {
			t.Errorf("WebURL(%q) = %v, want %v", ref, got, ok)
		}
	}
	if got := MarkdownCode("a ``b`` c"); got != "```a ``b`` c```" {
		t.Errorf("MarkdownCode = %q", got)
	}
}

// TestSARIFHelpOfACustomRule: a rule without a generated page gets help
// markdown from its metadata, made inert.
func TestSARIFHelpOfACustomRule(t *testing.T) {
	rule := &finding.Rule{
		ID: "ACME001", Name: "x", Severity: finding.Low, Title: "t",
		Description: "<img src=x onerror=alert(1)>\n```\nall that follows",
		Remediation: "Fix `it`.",
		References:  []string{"javascript:alert(1)", "https://example.com/ok"},
	}
	got := ruleMarkdown(rule)
	want := "\\<img src=x onerror=alert(1)\\>\n\\`\\`\\`\nall that follows\n\n## Remediation\n\nFix `it`.\n\n## References\n\n- `javascript:alert(1)`\n- <https://example.com/ok>"
	if got != want {
		t.Errorf("help markdown\n%s\nwant\n%s", got, want)
	}
}
