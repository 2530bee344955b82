package report

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// Text that is not salint's own (a policy's rule metadata, a finding's
// message, a file name) is made safe here for each place it is printed.
// internal/ruledoc uses the exported helpers for rule pages.

// Printable is s with every control character (isControl), bidirectional
// formatting character included, replaced by U+FFFD: safe for a terminal
// or a CI log line.
func Printable(s string) string { return printable(s) }

// MarkdownCell is s as the text of one markdown table cell, every markup
// character escaped (markdownCell).
func MarkdownCell(s string) string { return markdownCell(s) }

// MarkdownText is s, prose written by someone else, made inert as a
// markdown paragraph while keeping its code spans (`x`): raw HTML, entity
// references and autolinks cannot start (<, > and & are escaped outside
// code spans, and no line of a code span starts with <), no line opens a
// fenced code block that would swallow the rest of the page, and control
// characters become U+FFFD; line breaks and tabs stay.
func MarkdownText(s string) string {
	var b strings.Builder
	lineStart := true
	for i := 0; i < len(s); {
		if lineStart {
			// A block starts at a line's first character after up to
			// three spaces; block structure is read before code spans.
			indent := 0
			for indent < 3 && i+indent < len(s) && s[i+indent] == ' ' {
				indent++
			}
			b.WriteString(s[i : i+indent])
			i += indent
			lineStart = false
			if rest := s[i:]; strings.HasPrefix(rest, "```") || strings.HasPrefix(rest, "~~~") {
				b.WriteString("\\" + rest[:1]) // an escaped first character opens nothing
				i++
			}
			continue
		}
		c := s[i]
		switch c {
		case '`':
			span, ok := codeSpan(s[i:])
			if !ok {
				n := backtickRun(s[i:])
				b.WriteString(strings.Repeat("\\`", n)) // a run that closes nothing
				i += n
				continue
			}
			b.WriteString(safeSpan(span))
			i += len(span)
		case '<', '>', '&':
			b.WriteByte('\\')
			b.WriteByte(c)
			i++
		case '\n':
			b.WriteByte(c)
			i++
			lineStart = true
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != '\t' && isControl(r) {
				r = utf8.RuneError
			}
			b.WriteRune(r)
			i += size
		}
	}
	return b.String()
}

// safeSpan is a code span with its control characters replaced, and every
// line after the first kept from starting a block: a code span may span
// lines, but a line that starts with a fence or "<" would end the paragraph
// first. A leading space there is inert inside the span.
func safeSpan(span string) string {
	var b strings.Builder
	for j, line := range strings.SplitAfter(span, "\n") {
		if j > 0 {
			trimmed := strings.TrimLeft(line, " ")
			if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") || strings.HasPrefix(trimmed, "<") {
				line = "    " + trimmed // four spaces continue a paragraph, never open a block
			}
		}
		b.WriteString(strings.Map(func(r rune) rune {
			if r != '\n' && r != '\t' && isControl(r) {
				return utf8.RuneError
			}
			return r
		}, line))
	}
	return b.String()
}

// codeSpan is the code span s starts with, backticks included, as
// CommonMark reads it: a run of n backticks up to the next run of exactly
// n, within the paragraph (no blank line between).
func codeSpan(s string) (string, bool) {
	n := backtickRun(s)
	for i := n; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "\n\n"):
			return "", false
		case s[i] == '`':
			m := backtickRun(s[i:])
			if m == n {
				return s[:i+m], true
			}
			i += m
		default:
			i++
		}
	}
	return "", false
}

func backtickRun(s string) int {
	n := 0
	for n < len(s) && s[n] == '`' {
		n++
	}
	return n
}

// WebURL is ref when it is an absolute http or https URL that is safe
// inside a markdown autolink (<ref>): nothing but printable ASCII, no
// space, no < or >. Anything else (javascript:, file:, a relative path)
// is not to be linked.
func WebURL(ref string) (string, bool) {
	for _, c := range []byte(ref) {
		if c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '`' || c == '"' || c == '\\' {
			return "", false
		}
	}
	u, err := url.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	return ref, true
}

// MarkdownCode is s as an inline code span, which markdown shows as it is
// and never links: fenced by more backticks than any run in s, on one line,
// control characters replaced.
func MarkdownCode(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		if isControl(r) {
			return utf8.RuneError
		}
		return r
	}, s)
	longest := 0
	for i := 0; i < len(s); {
		if s[i] == '`' {
			n := backtickRun(s[i:])
			longest = max(longest, n)
			i += n
			continue
		}
		i++
	}
	fence := strings.Repeat("`", longest+1)
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || s == "" {
		pad = " "
	}
	return fence + pad + s + pad + fence
}
