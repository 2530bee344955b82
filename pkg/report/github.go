package report

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/salint/salint/pkg/finding"
)

// The step summary is capped: GitHub shows at most 1 MiB of it per step
// and fails the step's summary beyond, and one finding's message or file
// name can be as long as a manifest.
const (
	githubSummaryRows  = 200       // findings in the table
	githubSummaryBytes = 900 << 10 // all salint writes, with what the step wrote before
	githubCellRunes    = 500       // characters of one table cell or error
)

// githubFormat prints GitHub Actions workflow commands, so that pull
// requests get annotations without code scanning: one command per finding,
// then one per input error and note.
//
//	::error file=deploy/web.yaml,line=20,endLine=20,col=29,title=SA070 token-with-dangerous-permissions::message (Deployment prod/web)
//	::warning file=deploy/web.yaml,line=14,endLine=14,col=7,title=SA010 automount-token::message (Deployment prod/web)
//	::error file=deploy/bad.yaml,line=9,col=3,title=salint input error::message
//	::notice::note
//
// Critical and high findings are errors, medium ones warnings, low and info
// ones notices. Paths are relative to the working directory with forward
// slashes, as GitHub resolves them against the workspace. When
// Options.StepSummary names a file ($GITHUB_STEP_SUMMARY), a markdown
// summary with a table of the findings is appended to it.
type githubFormat struct{}

func (githubFormat) render(buf *bufio.Writer, r *finding.Report, opts Options) error {
	// Rooted at the working directory: the SARIF root is for %SRCROOT% only.
	loc := newSARIFLocator(Options{WorkDir: opts.WorkDir})
	shown := shownFindings(r, opts)
	for _, f := range shown {
		id, name := ruleOf(f)
		line := strconv.Itoa(max(f.Line, 1))
		props := []string{
			"file=" + githubProperty(loc.slashPath(f.File)),
			"line=" + line,
			"endLine=" + line, // GitHub honours col only on a one-line annotation
			"col=" + strconv.Itoa(max(f.Column, 1)),
			"title=" + githubProperty(strings.TrimSpace(id+" "+name)),
		}
		buf.WriteString("::" + githubLevel(f.Severity) + " " + strings.Join(props, ",") + "::" +
			githubData(githubMessage(f)) + "\n")
	}
	for _, e := range r.Errors {
		props := []string{"file=" + githubProperty(loc.slashPath(e.File))}
		if e.Line > 0 {
			props = append(props, "line="+strconv.Itoa(e.Line))
			if e.Column > 0 {
				props = append(props, "col="+strconv.Itoa(e.Column))
			}
		}
		props = append(props, "title="+githubProperty("salint input error"))
		buf.WriteString("::error " + strings.Join(props, ",") + "::" + githubData(e.Message) + "\n")
	}
	for _, n := range r.Notes {
		buf.WriteString("::notice::" + githubData(n) + "\n")
	}
	if opts.StepSummary == "" {
		return nil
	}
	if err := appendStepSummary(opts.StepSummary, r, shown, loc); err != nil {
		return fmt.Errorf("appending the step summary to %s: %w", opts.StepSummary, err)
	}
	return nil
}

// githubMessage is the finding's message qualified as in the text format.
func githubMessage(f finding.Finding) string {
	msg := f.Message
	if tag := sourceTag(f); tag != "" {
		msg += " [" + tag + "]"
	}
	if f.Suppressed {
		if f.Justification == "" {
			msg += " [suppressed]"
		} else {
			msg += " [suppressed: " + f.Justification + "]"
		}
	}
	return msg + " (" + f.Object.String() + ")"
}

// githubLevel grades findings as SARIF does; GitHub calls "note" "notice".
func githubLevel(s finding.Severity) string {
	if l := sarifLevel(s); l != "note" {
		return l
	}
	return "notice"
}

// githubData escapes a command's message as the Actions runner unescapes
// it; other control characters become U+FFFD so that hostile input cannot
// drive the log viewer.
func githubData(s string) string {
	return printable(strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s))
}

// githubProperty escapes a command's property value, where ':' and ','
// would end the value.
func githubProperty(s string) string {
	return printable(strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s))
}

// appendStepSummary appends the markdown summary to the file at path,
// keeping what earlier steps or commands wrote there, within
// githubSummaryBytes together with it.
func appendStepSummary(path string, r *finding.Report, shown []finding.Finding, loc sarifLocator) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	budget := int64(githubSummaryBytes)
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		w.WriteByte('\n') // a blank line between our heading and what came before
		budget -= st.Size() + 1
	}
	writeStepSummary(w, r, shown, loc, budget)
	if err := w.Flush(); err != nil {
		_ = f.Close() // the write error is the one to report
		return err
	}
	return f.Close()
}

// writeStepSummary writes a heading, the run's counts and a table of the
// shown findings, capped at githubSummaryRows rows, then the input errors,
// in at most budget bytes: what does not fit is left out, and a last line
// says so. The heading and counts are written whatever the budget.
func writeStepSummary(w *bufio.Writer, r *finding.Report, shown []finding.Finding, loc sarifLocator, budget int64) {
	s := r.Summary
	var head strings.Builder
	head.WriteString("## " + markdownCell(toolName(r.Tool)) + ": " + count(s.Findings, "finding") + "\n\n")
	head.WriteString(markdownCell(summaryLine(s)) + "\n\n")
	if line := byRuleLine(r); line != "" {
		head.WriteString(markdownCell(line) + "\n\n")
	}
	head.WriteString("| critical | high | medium | low | info | suppressed |\n")
	head.WriteString("| ---: | ---: | ---: | ---: | ---: | ---: |\n")
	head.WriteString("|")
	for _, sev := range []finding.Severity{finding.Critical, finding.High, finding.Medium, finding.Low, finding.Info} {
		head.WriteString(" " + strconv.Itoa(s.BySeverity[sev]) + " |")
	}
	head.WriteString(" " + strconv.Itoa(s.Suppressed) + " |\n")
	w.WriteString(head.String())

	// A part is written only when it fits, leaving room for the line that
	// says the summary was cut.
	const cutLine = "\n… the summary was cut to stay within what GitHub shows of a step's summary (1 MiB): %s left out, listed in the job's annotations and log.\n"
	left := budget - int64(head.Len()) - int64(len(cutLine)) - 40
	fits := func(part string) bool {
		if int64(len(part)) > left {
			return false
		}
		left -= int64(len(part))
		w.WriteString(part)
		return true
	}
	var cut []string // what was left out, counted

	if len(shown) > 0 {
		rows := shown[:min(len(shown), githubSummaryRows)]
		written := 0
		if fits("\n| Severity | Rule | Location | Object | Message |\n| --- | --- | --- | --- | --- |\n") {
			for _, f := range rows {
				if !fits(summaryRow(f, loc)) {
					break
				}
				written++
			}
		}
		if more := len(shown) - len(rows); more > 0 && written == len(rows) {
			if !fits("\n… and " + count(more, "more finding") + ", listed in the job's annotations and log.\n") {
				cut = append(cut, count(more, "finding"))
			}
		} else if more := len(shown) - written; more > 0 {
			cut = append(cut, count(more, "finding"))
		}
	}

	if len(r.Errors) > 0 {
		written := 0
		if fits("\n" + count(len(r.Errors), "input error") + ":\n\n") {
			for _, e := range r.Errors {
				where := loc.slashPath(e.File)
				if e.Line > 0 {
					where += ":" + strconv.Itoa(e.Line)
				}
				if !fits("- " + markdownCell(clipText(where)) + ": " + markdownCell(clipText(e.Message)) + "\n") {
					break
				}
				written++
			}
		}
		if more := len(r.Errors) - written; more > 0 {
			cut = append(cut, count(more, "input error"))
		}
	}
	if len(cut) > 0 {
		fmt.Fprintf(w, cutLine, strings.Join(cut, " and "))
	}
}

// summaryRow is one finding as a row of the step summary's table.
func summaryRow(f finding.Finding, loc sarifLocator) string {
	id, name := ruleOf(f)
	rule := markdownCell(id)
	if f.Rule != nil {
		rule = "[" + rule + "](" + f.Rule.DocURL() + ")"
	}
	if name != "" {
		rule += " " + markdownCell(name)
	}
	where := markdownCell(clipText(loc.slashPath(f.File)) + ":" + strconv.Itoa(max(f.Line, 1)))
	msg := f.Message
	if f.Suppressed {
		msg += " [suppressed]"
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s |\n",
		f.Severity, rule, where, markdownCell(clipText(f.Object.String())), markdownCell(clipText(msg)))
}

// clipText keeps at most githubCellRunes characters of s, marking a cut with "…".
func clipText(s string) string {
	if len(s) <= githubCellRunes {
		return s
	}
	n := 0
	for i := range s {
		if n == githubCellRunes {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// markdownPunctuation is what markdown or HTML would read as markup; a
// backslash makes each of these ASCII characters literal in CommonMark.
const markdownPunctuation = "\\`*_[]<>&|~#!"

// markdownCell keeps text literal inside a markdown table cell: markup is
// escaped, line breaks become <br> and other control characters U+FFFD.
func markdownCell(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '\r' && strings.HasPrefix(s[i+1:], "\n"):
			// one break for CRLF
		case r == '\n' || r == '\r':
			b.WriteString("<br>")
		case strings.ContainsRune(markdownPunctuation, r):
			b.WriteByte('\\')
			b.WriteRune(r)
		case isControl(r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
