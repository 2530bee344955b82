package loader

import (
	"bytes"
	"unicode/utf8"
)

// chunk is the text of one or more YAML documents between two "---" lines,
// with the line it starts on, so that a syntax error in one document never
// loses its neighbours.
type chunk struct {
	text      []byte
	startLine int // 1-based line of text[0] in the file
	// nonSpecific holds where nodes tagged "!" start, set once parsed.
	nonSpecific map[Pos]bool
	// lines maps go-yaml's lines to the file's (see yamlLines), set once
	// parsed; nil when they agree.
	lines []Pos
}

// at converts a position go-yaml gives in c (line 1 is c's first line) into
// the file's line and column.
func (c chunk) at(line, col int) (int, int) {
	if line >= 1 && line <= len(c.lines) {
		p := c.lines[line-1]
		return c.startLine + p.Line, p.Column + col
	}
	return c.startLine + line - 1, col
}

// atFile is at for a line that already counts from the file's start.
func (c chunk) atFile(line, col int) (int, int) {
	return c.at(line-c.startLine+1, col)
}

// yamlLines lists, for each line as go-yaml counts them in text (a lone CR,
// NEL, LS and PS end a line too), the file line it is on, counted from 0 at
// text's start, and the column it starts after. It returns nil when only LF
// and CRLF end lines, as in the file.
func yamlLines(text []byte) []Pos {
	if !bytes.Contains(text, []byte("\r")) && !bytes.Contains(text, []byte("\u0085")) &&
		!bytes.Contains(text, []byte("\u2028")) && !bytes.Contains(text, []byte("\u2029")) {
		return nil
	}
	lines := []Pos{{}}
	line, col := 0, 0
	if bytes.HasPrefix(text, []byte("\ufeff")) {
		// go-yaml does not count a byte order mark, the file does.
		col = -1
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		switch {
		case r == '\n' || r == '\r' && i+1 < len(text) && text[i+1] == '\n':
			line, col = line+1, 0
			size = 1 + bytes.IndexByte(text[i:], '\n')
		case r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029':
			col++
		default:
			col++
			i += size
			continue
		}
		lines = append(lines, Pos{Line: line, Column: col})
		i += size
	}
	return lines
}

// splitDocuments cuts a stream at every line that starts with "---" followed
// by the end of the line, white space or a comment, as kubectl does. The
// separator line stays with the document it opens, so positions within it
// remain exact; a "---#" line, which is no YAML, is left out of both.
func splitDocuments(data []byte) []chunk {
	var chunks []chunk
	start, startLine, line := 0, 1, 1
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if end >= 0 {
			next = off + end + 1
		}
		if sep := data[off:next]; isSeparator(sep) {
			if off > start {
				chunks = append(chunks, chunk{text: data[start:off], startLine: startLine})
			}
			if off > start || len(sep) > 3 && sep[3] == '#' {
				start, startLine = off, line
				if len(sep) > 3 && sep[3] == '#' {
					// YAML reads "---#" as text: the document starts below.
					start, startLine = next, line+1
				}
			}
		}
		off = next
		line++
	}
	if start < len(data) || len(chunks) == 0 {
		chunks = append(chunks, chunk{text: data[start:], startLine: startLine})
	}
	return chunks
}

func isSeparator(l []byte) bool {
	if !bytes.HasPrefix(l, []byte("---")) {
		return false
	}
	if len(l) == 3 {
		return true // "---" at the end of the input
	}
	switch l[3] {
	case ' ', '\t', '\r', '\n', '#':
		return true
	}
	return false
}

// helmSource finds the "# Source: chart/templates/x.yaml" comment that helm
// template writes above each document.
func helmSource(text []byte) string {
	for len(text) > 0 {
		l := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			l, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		l = bytes.TrimSpace(l)
		switch {
		case len(l) == 0 || bytes.Equal(l, []byte("---")) || isSeparator(l):
			continue
		case l[0] != '#':
			return ""
		}
		if rest, ok := bytes.CutPrefix(bytes.TrimSpace(l[1:]), []byte("Source:")); ok {
			return string(bytes.TrimSpace(rest))
		}
	}
	return ""
}
