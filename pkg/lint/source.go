package lint

import (
	"bytes"
	"sort"
	"unicode/utf8"
)

// lines gives a file's lines front to back, from the content read when the
// file was parsed: a file is read once, so what the report shows is what
// was linted. Lines are found by one forward scan when asked for in
// ascending order.
type lines struct {
	data    []byte
	line    int // the line that starts at off
	off     int
	prevOff int // where line-1 starts, when line > 1
	// end caches where line ends (-1: not known yet): a minified file is
	// one line of megabytes with thousands of findings on it.
	end int
}

func newLines(data []byte) *lines { return &lines{data: data, line: 1, end: -1} }

// get returns line n (1-based) without its line ending, or nil.
func (l *lines) get(n int) []byte {
	if n < 1 {
		return nil
	}
	if n == l.line-1 {
		return lineAt(l.data, l.prevOff) // the line above the last one asked for
	}
	if n < l.line {
		l.line, l.off, l.end = 1, 0, -1
	}
	for l.line < n {
		i := bytes.IndexByte(l.data[l.off:], '\n')
		if i < 0 {
			return nil
		}
		l.prevOff = l.off
		l.off += i + 1
		l.line++
		l.end = -1
	}
	if l.end < 0 {
		l.end = len(l.data)
		if i := bytes.IndexByte(l.data[l.off:], '\n'); i >= 0 {
			l.end = l.off + i
		}
	}
	return bytes.TrimSuffix(l.data[l.off:l.end], []byte("\r"))
}

func lineAt(data []byte, off int) []byte {
	text := data[off:]
	if i := bytes.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	return bytes.TrimSuffix(text, []byte("\r"))
}

// maxSourceLine bounds the source line a finding carries: a minified JSON
// file is one line of megabytes, and thousands of findings each copying it
// made the report quadratic.
const maxSourceLine = 240

// window returns the part of line, at most maxSourceLine bytes, that a
// finding at column (in runes) shows, and the column within it; "…" marks
// what was cut. index speeds up finding the column in a long line.
func window(line []byte, column int, index *runeIndex) (string, int) {
	if len(line) <= maxSourceLine {
		return string(line), column
	}
	at := index.offset(line, column)
	start := max(0, at-maxSourceLine/2)
	for start > 0 && !utf8.RuneStart(line[start]) {
		start--
	}
	end := min(len(line), start+maxSourceLine)
	for end < len(line) && !utf8.RuneStart(line[end]) {
		end--
	}
	text, caret := string(line[start:end]), column-index.runes(line, start)
	if start > 0 {
		text, caret = "…"+text, caret+1
	}
	if end < len(line) {
		text += "…"
	}
	return text, caret
}

// runeIndex converts between rune columns and byte offsets of one long line
// without scanning it from its start each time: a line of megabytes may
// carry thousands of findings.
type runeIndex struct {
	line  []byte // the line indexed, to tell when a new one is asked about
	ascii bool
	marks []int // byte offset of every runeMark-th rune
}

const runeMark = 256

func (ix *runeIndex) build(line []byte) {
	if len(ix.line) == len(line) && len(line) > 0 && &ix.line[0] == &line[0] {
		return
	}
	ix.line, ix.ascii, ix.marks = line, true, ix.marks[:0]
	for _, c := range line {
		if c >= utf8.RuneSelf {
			ix.ascii = false
			break
		}
	}
	if ix.ascii {
		return
	}
	n := 0
	for off := 0; off < len(line); n++ {
		if n%runeMark == 0 {
			ix.marks = append(ix.marks, off)
		}
		_, size := utf8.DecodeRune(line[off:])
		off += size
	}
}

// offset is the byte offset of rune column (1-based) in line.
func (ix *runeIndex) offset(line []byte, column int) int {
	ix.build(line)
	if ix.ascii {
		return min(max(column-1, 0), len(line))
	}
	r := max(column-1, 0)
	k := min(r/runeMark, len(ix.marks)-1)
	off, n := ix.marks[k], k*runeMark
	for off < len(line) && n < r {
		_, size := utf8.DecodeRune(line[off:])
		off += size
		n++
	}
	return off
}

// runes counts the runes of line before byte offset off.
func (ix *runeIndex) runes(line []byte, off int) int {
	ix.build(line)
	if ix.ascii {
		return off
	}
	k := sort.SearchInts(ix.marks, off+1) - 1
	if k < 0 {
		return utf8.RuneCount(line[:off])
	}
	return k*runeMark + utf8.RuneCount(line[ix.marks[k]:off])
}
