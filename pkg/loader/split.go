package loader

import "bytes"

// chunk is the text of one or more YAML documents between two "---" lines,
// with the line it starts on, so that a syntax error in one document never
// loses its neighbours.
type chunk struct {
	text      []byte
	startLine int // 1-based line of text[0] in the file
}

// splitDocuments cuts a stream at every line that starts with "---" followed
// by the end of the line or white space, as kubectl does. The separator line
// stays with the document it opens, so positions within it remain exact.
func splitDocuments(data []byte) []chunk {
	var chunks []chunk
	start, startLine, line := 0, 1, 1
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if end >= 0 {
			next = off + end + 1
		}
		if off > start && isSeparator(data[off:next]) {
			chunks = append(chunks, chunk{data[start:off], startLine})
			start, startLine = off, line
		}
		off = next
		line++
	}
	if start < len(data) || len(chunks) == 0 {
		chunks = append(chunks, chunk{data[start:], startLine})
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
	case ' ', '\t', '\r', '\n':
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
