package ruledoc

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/report"
)

// textWidth is where the prose of ExplainText wraps.
const textWidth = 80

// ANSI styles of ExplainText with colour.
const (
	ansiReset     = "\x1b[0m"
	ansiBold      = "\x1b[1m"
	ansiHeading   = "\x1b[1;4m"
	ansiRed       = "\x1b[31m"
	ansiGreen     = "\x1b[32m"
	ansiCodeStyle = "\x1b[36m"
)

// ExplainText is a rule's page as `salint explain` prints it for a
// terminal: the sections of Page as plain text, headings underlined,
// examples indented, prose wrapped, no markup. With color, headings are
// bold and underlined by the terminal instead, examples tinted. Whatever a
// custom rule's metadata holds, no control character reaches the terminal.
func ExplainText(r *finding.Rule, color bool) string {
	p := textPage{color: color}
	p.heading(plainLine(r.ID)+" "+plainLine(r.Name), '=')
	p.style(ansiBold, plainLine(r.Title))
	p.b.WriteString("\n\n")
	fmt.Fprintf(&p.b, "Severity:  %s\nCategory:  %s\n", r.Severity, plainLine(r.Category))
	if !textOf(r).custom {
		fmt.Fprintf(&p.b, "Docs:      %s\n", r.DocURL())
	}
	p.b.WriteString("\n")
	p.prose(r.Description)
	if r.Examples.Bad != "" || r.Examples.Good != "" {
		p.heading("Examples", '-')
		for _, e := range []struct {
			label, style, src string
		}{{"Flagged:", ansiRed, r.Examples.Bad}, {"Passes:", ansiGreen, r.Examples.Good}} {
			if e.src == "" {
				continue
			}
			p.style(e.style, e.label)
			p.b.WriteString("\n\n")
			src := strings.TrimRight(strings.ReplaceAll(e.src, "\r\n", "\n"), "\n")
			for _, line := range strings.Split(keepLines(src), "\n") {
				if line == "" {
					p.b.WriteString("\n")
					continue
				}
				p.b.WriteString("    ")
				p.style(ansiCodeStyle, line)
				p.b.WriteString("\n")
			}
			p.b.WriteString("\n")
		}
	}
	p.heading("Remediation", '-')
	p.prose(r.Remediation)
	if len(r.References) > 0 {
		p.heading("References", '-')
		for _, ref := range r.References {
			if u, ok := report.WebURL(ref); ok {
				p.b.WriteString("  - " + u + "\n")
			} else {
				p.b.WriteString("  - " + plainLine(ref) + " (not an http or https address)\n")
			}
		}
	}
	return strings.TrimRight(p.b.String(), "\n") + "\n"
}

// textPage accumulates ExplainText.
type textPage struct {
	b     strings.Builder
	color bool
}

// heading is a section heading: underlined with rule characters, or, with
// colour, by the terminal.
func (p *textPage) heading(s string, rule rune) {
	if p.b.Len() > 0 && !strings.HasSuffix(p.b.String(), "\n\n") {
		p.b.WriteString("\n")
	}
	if p.color {
		p.style(ansiHeading, s)
		p.b.WriteString("\n\n")
		return
	}
	p.b.WriteString(s + "\n" + strings.Repeat(string(rule), utf8.RuneCountInString(s)) + "\n\n")
}

func (p *textPage) style(ansi, s string) {
	if p.color && s != "" {
		p.b.WriteString(ansi + s + ansiReset)
		return
	}
	p.b.WriteString(s)
}

// prose writes paragraphs wrapped at textWidth; the line breaks of the text
// stay.
func (p *textPage) prose(s string) {
	s = strings.TrimSpace(keepLines(s))
	if s == "" {
		return
	}
	for _, line := range strings.Split(s, "\n") {
		p.b.WriteString(wrap(line, textWidth) + "\n")
	}
	p.b.WriteString("\n")
}

// wrap breaks a line between words so that no line is longer than width,
// unless one word is.
func wrap(line string, width int) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(line) {
		l := utf8.RuneCountInString(w)
		switch {
		case i == 0:
		case n+1+l > width:
			b.WriteString("\n")
			n = 0
		default:
			b.WriteString(" ")
			n++
		}
		b.WriteString(w)
		n += l
	}
	return b.String()
}

// plainLine is s on one line, its control characters replaced.
func plainLine(s string) string {
	return report.Printable(strings.Join(strings.Fields(s), " "))
}
