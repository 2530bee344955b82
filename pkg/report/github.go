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

// githubSummaryRows caps the findings table of the step summary, which
// GitHub limits to 1 MiB per step.
const githubSummaryRows = 200

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
// keeping what earlier steps or commands wrote there.
func appendStepSummary(path string, r *finding.Report, shown []finding.Finding, loc sarifLocator) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		w.WriteByte('\n') // a blank line between our heading and what came before
	}
	writeStepSummary(w, r, shown, loc)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeStepSummary writes a heading, the run's counts and a table of the
// shown findings, capped at githubSummaryRows rows.
func writeStepSummary(w *bufio.Writer, r *finding.Report, shown []finding.Finding, loc sarifLocator) {
	s := r.Summary
	w.WriteString("## " + markdownCell(toolName(r.Tool)) + ": " + count(s.Findings, "finding") + "\n\n")
	w.WriteString(markdownCell(summaryLine(s)) + "\n\n")

	w.WriteString("| critical | high | medium | low | info | suppressed |\n")
	w.WriteString("| ---: | ---: | ---: | ---: | ---: | ---: |\n")
	w.WriteString("|")
	for _, sev := range []finding.Severity{finding.Critical, finding.High, finding.Medium, finding.Low, finding.Info} {
		w.WriteString(" " + strconv.Itoa(s.BySeverity[sev]) + " |")
	}
	w.WriteString(" " + strconv.Itoa(s.Suppressed) + " |\n")

	if len(shown) > 0 {
		w.WriteString("\n| Severity | Rule | Location | Object | Message |\n")
		w.WriteString("| --- | --- | --- | --- | --- |\n")
		for _, f := range shown[:min(len(shown), githubSummaryRows)] {
			id, name := ruleOf(f)
			rule := markdownCell(id)
			if f.Rule != nil {
				rule = "[" + rule + "](" + f.Rule.DocURL() + ")"
			}
			if name != "" {
				rule += " " + markdownCell(name)
			}
			where := markdownCell(loc.slashPath(f.File) + ":" + strconv.Itoa(max(f.Line, 1)))
			msg := f.Message
			if f.Suppressed {
				msg += " [suppressed]"
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n",
				f.Severity, rule, where, markdownCell(f.Object.String()), markdownCell(msg))
		}
		if more := len(shown) - githubSummaryRows; more > 0 {
			w.WriteString("\n… and " + count(more, "more finding") + ", listed in the job's annotations and log.\n")
		}
	}

	if len(r.Errors) > 0 {
		w.WriteString("\n" + count(len(r.Errors), "input error") + ":\n\n")
		for _, e := range r.Errors {
			where := loc.slashPath(e.File)
			if e.Line > 0 {
				where += ":" + strconv.Itoa(e.Line)
			}
			w.WriteString("- " + markdownCell(where) + ": " + markdownCell(e.Message) + "\n")
		}
	}
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
