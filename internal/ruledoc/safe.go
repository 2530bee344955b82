package ruledoc

import (
	"strings"

	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/report"
)

// ruleText writes one rule's metadata into markdown. Control characters
// (bidirectional ones included) never reach a page or a terminal, and a
// table cell never holds a line break or an unescaped |. The markup of
// salint's own rules, reviewed in this repository, is kept as written; a
// custom rule's text is made inert beyond that (report.MarkdownText): no
// raw HTML, no line that opens a block swallowing the rest of the page.
type ruleText struct {
	custom bool
}

// textOf tells a custom rule by its ID: the engine gives every policy's
// rule an ID that does not start with SA, which are salint's.
func textOf(r *finding.Rule) ruleText {
	return ruleText{custom: !strings.HasPrefix(r.ID, "SA")}
}

// prose is a paragraph.
func (t ruleText) prose(s string) string {
	if t.custom {
		return report.MarkdownText(s)
	}
	return keepLines(s)
}

// line is prose on one line: a heading, a bold title.
func (t ruleText) line(s string) string {
	return t.prose(strings.Join(strings.Fields(s), " "))
}

// cell is prose in a table cell.
func (t ruleText) cell(s string) string {
	return strings.ReplaceAll(t.line(s), "|", `\|`)
}

// keepLines is s with its control characters replaced, line breaks and
// tabs kept.
func keepLines(s string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		body, nl := strings.CutSuffix(line, "\n")
		for _, field := range strings.SplitAfter(body, "\t") {
			tab, hasTab := strings.CutSuffix(field, "\t")
			b.WriteString(report.Printable(tab))
			if hasTab {
				b.WriteByte('\t')
			}
		}
		if nl {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// reference is a rule's reference as a list item's text: a web address as
// a link, anything else (javascript:, file:, a bare word) shown as code,
// never linked.
func reference(ref string) string {
	if u, ok := report.WebURL(ref); ok {
		return "<" + u + ">"
	}
	return report.MarkdownCode(ref) + " (not an http or https address, so not linked)"
}

// exampleText is an example's YAML with its control characters replaced:
// it is shown in a code block, which keeps markup inert but not escapes.
func exampleText(src string) string {
	return keepLines(src)
}
