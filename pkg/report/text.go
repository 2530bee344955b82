package report

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/salint/salint/pkg/finding"
)

// ANSI styles; the text format uses nothing else.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

// textFormat prints one block per finding (header, source line, caret,
// related locations), then input errors, notes and a summary line:
//
//	deploy/web.yaml:14:7: MEDIUM SA010 automount-token: message (Deployment prod/web)
//	    14 |       automountServiceAccountToken: true
//	       |       ^
//	    via deploy/sa.yaml:3:1: message
type textFormat struct{}

func (textFormat) render(buf *bufio.Writer, r *finding.Report, opts Options) error {
	p := textPrinter{buf: buf, color: opts.Color}
	for _, f := range shownFindings(r, opts) {
		p.finding(f)
		buf.WriteByte('\n')
	}
	for _, e := range r.Errors {
		p.inputError(e)
	}
	for _, n := range r.Notes {
		buf.WriteString("note: " + printable(n) + "\n")
	}
	if len(r.Errors)+len(r.Notes) > 0 {
		buf.WriteByte('\n')
	}
	writeTextSummary(buf, r)
	return nil
}

// writeTextSummary ends the text and compact formats: the summary line, then
// the findings by rule when there are any.
func writeTextSummary(buf *bufio.Writer, r *finding.Report) {
	buf.WriteString(summaryLine(r.Summary) + "\n")
	if line := byRuleLine(r); line != "" {
		buf.WriteString(line + "\n")
	}
}

type textPrinter struct {
	buf   *bufio.Writer
	color bool
}

func (p textPrinter) style(code, s string) string {
	if !p.color {
		return s
	}
	return code + s + ansiReset
}

func (p textPrinter) finding(f finding.Finding) {
	p.buf.WriteString(p.header(f) + "\n")
	column := f.Column
	if f.SourceColumn > 0 {
		column = f.SourceColumn // the column within a window of a long line
	}
	p.source(f.Line, column, f.SourceLine)
	for _, rel := range f.Related {
		p.buf.WriteString("    via " + p.style(ansiBold, position(rel.Location)) + ": " + printable(rel.Message) + "\n")
	}
}

// header is the line that starts a finding's block, and the whole of it in
// the compact format.
func (p textPrinter) header(f finding.Finding) string {
	id, name := ruleOf(f)
	// The object ends the line, as SPEC §3 puts it; what qualifies the
	// message (its Helm template, a suppression) stands before it.
	line := p.style(ansiBold, position(f.Location)) + ": " +
		p.style(severityColor(f.Severity), strings.ToUpper(f.Severity.String())) + " " +
		printable(id) + " " + printable(name) + ": " + printable(f.Message)
	if tag := sourceTag(f); tag != "" {
		line += " [" + printable(tag) + "]"
	}
	if f.Suppressed {
		if f.Justification == "" {
			line += " [suppressed]"
		} else {
			line += " [suppressed: " + printable(f.Justification) + "]"
		}
	}
	return line + " (" + printable(f.Object.String()) + ")"
}

// source prints the offending line under a gutter holding its number, and a
// caret under the reported column. The caret line repeats every tab of the
// source before the column and puts one space for any other character, so
// the caret lines up whatever width the terminal gives a tab.
func (p textPrinter) source(lineNo, column int, text string) {
	text = strings.TrimRight(text, "\r\n")
	if lineNo < 1 || text == "" {
		return
	}
	text, column = sourceWindow(text, column)
	text = printableSource(text)
	num := strconv.Itoa(lineNo)
	p.buf.WriteString("    " + num + " | " + text + "\n")

	var pad strings.Builder
	n := 0
	for _, r := range text {
		if n >= column-1 {
			break
		}
		if r == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
		n++
	}
	for ; n < column-1; n++ {
		pad.WriteByte(' ') // a column past the end of the line
	}
	p.buf.WriteString("    " + strings.Repeat(" ", len(num)) + " | " + pad.String() + p.style(ansiGreen, "^") + "\n")
}

// maxSourceWidth is how many characters of a source line the text format
// prints: a minified manifest is one line of megabytes, which thousands of
// findings would each print whole.
const maxSourceWidth = 120

// sourceWindow is at most maxSourceWidth characters of text around column
// (1-based, in characters), "…" marking what was cut, and the column
// within it; a column past the end of the line stays one past its end.
func sourceWindow(text string, column int) (string, int) {
	n := len(text) // bytes: no fewer than characters
	if n > maxSourceWidth {
		n = utf8.RuneCountInString(text)
	}
	if n <= maxSourceWidth {
		// A column past the end stays there, within a line's width.
		return text, min(column, n+maxSourceWidth)
	}
	at := min(max(column-1, 0), n) // rune index of the column
	start := max(0, min(at-maxSourceWidth/2, n-maxSourceWidth))
	end := start + maxSourceWidth
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	i := 0
	for _, r := range text {
		if i >= end {
			break
		}
		if i >= start {
			b.WriteRune(r)
		}
		i++
	}
	caret := at - start + 1
	if start > 0 {
		caret++
	}
	if end < n {
		b.WriteString("…")
	}
	return b.String(), caret
}

func (p textPrinter) inputError(e finding.InputError) {
	p.buf.WriteString(p.style(ansiBold, position(e.Location)) + ": error: " + printable(e.Message) + "\n")
}

// position is file:line:col, dropping the parts that are unknown (0).
// It starts a line of the text format, so it never starts as a workflow
// command of a CI runner does (textPath).
func position(l finding.Location) string {
	s := textPath(l.File)
	if l.Line > 0 {
		s += ":" + strconv.Itoa(l.Line)
		if l.Column > 0 {
			s += ":" + strconv.Itoa(l.Column)
		}
	}
	return s
}

func severityColor(s finding.Severity) string {
	switch s {
	case finding.Critical, finding.High:
		return ansiRed
	case finding.Medium:
		return ansiYellow
	default:
		return ansiCyan
	}
}

// summaryLine is e.g. "3 files, 12 documents, 11 objects checked, 1 skipped,
// 0 errors: 7 findings (0 critical, 2 high, 4 medium, 1 low, 0 info), 1 suppressed",
// with "2 charts rendered (5 scenarios), 3 kustomizations built" after the
// files when the run rendered any.
func summaryLine(s finding.Summary) string {
	bySeverity := make([]string, 0, 5)
	for _, sev := range []finding.Severity{finding.Critical, finding.High, finding.Medium, finding.Low, finding.Info} {
		bySeverity = append(bySeverity, fmt.Sprintf("%d %s", s.BySeverity[sev], sev))
	}
	files := count(s.Files, "file")
	if s.Charts > 0 {
		files += fmt.Sprintf(", %s rendered (%s)", count(s.Charts, "chart"), count(s.Scenarios, "scenario"))
	}
	if s.Kustomizations > 0 {
		files += ", " + count(s.Kustomizations, "kustomization") + " built"
	}
	return fmt.Sprintf("%s, %s, %s checked, %d skipped, %s: %s (%s), %d suppressed",
		files, count(s.Documents, "document"), count(s.Objects, "object"),
		s.Skipped, count(s.Errors, "error"), count(s.Findings, "finding"),
		strings.Join(bySeverity, ", "), s.Suppressed)
}

// byRuleLine is e.g. "by rule: SA010 automount-token 12, SA001
// default-service-account 3": the reported findings of each rule that has
// any, most first (ruleCounts); "" when there are none.
func byRuleLine(r *finding.Report) string {
	counts := ruleCounts(r)
	if len(counts) == 0 {
		return ""
	}
	parts := make([]string, len(counts))
	for i, c := range counts {
		parts[i] = strings.TrimSpace(printable(c.id)+" "+printable(c.name)) + " " + strconv.Itoa(c.count)
	}
	return "by rule: " + strings.Join(parts, ", ")
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// textPath is a file name as the text format prints it at the start of a
// line. A GitHub Actions runner takes any log line that starts with "::",
// after white space, for a workflow command, so a file named
// "::warning title=Forged::All clear.yaml" would forge an annotation or
// worse (::add-mask::, ::stop-commands::): a relative name that starts
// with white space or ':' is printed with "./" before it.
func textPath(file string) string {
	s := printable(file)
	if trimmed := strings.TrimLeftFunc(s, unicode.IsSpace); s != "" && (trimmed != s || strings.HasPrefix(s, ":")) {
		return "./" + s
	}
	return s
}

// printable keeps hostile input from driving the terminal, reordering what
// is shown, or breaking the one-line-per-finding layout: every control
// character (isControl) becomes U+FFFD.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return utf8.RuneError
		}
		return r
	}, s)
}

// printableSource is printable but keeps tabs, which the caret line mirrors;
// each replaced character is still one column wide.
func printableSource(s string) string {
	return strings.Map(func(r rune) rune {
		if r != '\t' && isControl(r) {
			return utf8.RuneError
		}
		return r
	}, s)
}

// isControl says whether r must not reach a terminal, a CI log or a
// markdown page as it is: C0 and C1 controls; the bidirectional formatting
// characters, which reorder what a reader sees around them ("Trojan
// Source"); and the Unicode line and paragraph separators, which some
// viewers take for line ends.
func isControl(r rune) bool {
	switch {
	case r < 0x20 || (r >= 0x7f && r < 0xa0):
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f: // ALM, LRM, RLM
		return true
	case r >= 0x202a && r <= 0x202e: // LRE, RLE, PDF, LRO, RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	case r == 0x2028, r == 0x2029:
		return true
	}
	return false
}
