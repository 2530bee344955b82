package report

import (
	"strings"
	"testing"
)

// TestCompactIsTextHeaders: the compact format prints each finding as the
// text format's header line and nothing more, then the text format's
// summary lines.
func TestCompactIsTextHeaders(t *testing.T) {
	for _, opts := range []Options{fullOptions, {ShowSuppressed: true}, {Color: true}} {
		r := fullReport()
		text := render(t, "text", r, opts)
		compact := render(t, "compact", r, opts)
		shown := shownFindings(r, opts)
		blocks := strings.Split(text, "\n\n")
		lines := strings.Split(strings.TrimSuffix(compact, "\n"), "\n")
		for i := range shown {
			header, _, _ := strings.Cut(blocks[i], "\n")
			if lines[i] != header {
				t.Errorf("compact line %d = %q, want the text header %q", i+1, lines[i], header)
			}
		}
		textLines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
		for i := 1; i <= 2; i++ {
			if got, want := lines[len(lines)-i], textLines[len(textLines)-i]; got != want {
				t.Errorf("compact line %d from the end = %q, want the text format's %q", i, got, want)
			}
		}
		for _, line := range lines {
			if strings.Contains(line, " | ") || strings.HasPrefix(line, "    via ") {
				t.Errorf("compact output holds a source or related line: %q", line)
			}
		}
		if got, want := len(lines), len(shown)+len(r.Errors)+len(r.Notes)+3; got != want {
			t.Errorf("compact output has %d lines, want %d (findings, errors, notes, a blank line, two summary lines):\n%s", got, want, compact)
		}
	}
}
