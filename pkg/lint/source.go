package lint

import (
	"bytes"
	"os"

	"github.com/salint/salint/pkg/loader"
)

// lines reads a file's lines front to back. Files are not kept in memory
// while the rules run: a file with findings is read again, once, and its
// lines are found by one forward scan when asked for in ascending order.
type lines struct {
	data    []byte
	line    int // the line that starts at off
	off     int
	prevOff int // where line-1 starts, when line > 1
}

func readLines(f *loader.File) *lines {
	data := f.Content
	if data == nil && !loader.IsStdin(f.Path) {
		data, _ = os.ReadFile(f.Path)
	}
	return &lines{data: data, line: 1}
}

// get returns line n (1-based) without its line ending, or "".
func (l *lines) get(n int) string {
	if n < 1 {
		return ""
	}
	if n == l.line-1 {
		return lineAt(l.data, l.prevOff) // the line above the last one asked for
	}
	if n < l.line {
		l.line, l.off = 1, 0
	}
	for l.line < n {
		i := bytes.IndexByte(l.data[l.off:], '\n')
		if i < 0 {
			return ""
		}
		l.prevOff = l.off
		l.off += i + 1
		l.line++
	}
	return lineAt(l.data, l.off)
}

func lineAt(data []byte, off int) string {
	text := data[off:]
	if i := bytes.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	return string(bytes.TrimSuffix(text, []byte("\r")))
}
