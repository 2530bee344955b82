package lint

import (
	"bytes"
	"os"

	"github.com/salint/salint/pkg/loader"
)

// lines gives the text of a file's lines. Files are not kept in memory
// while the rules run: a file with findings is read again, once.
type lines struct {
	data   []byte
	starts []int // offset of each line
}

func readLines(f *loader.File) *lines {
	data := f.Content
	if data == nil && !loader.IsStdin(f.Path) {
		data, _ = os.ReadFile(f.Path)
	}
	l := &lines{data: data, starts: []int{0}}
	for off := 0; ; {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
		l.starts = append(l.starts, off)
	}
	return l
}

// line returns line n (1-based) without its line ending, or "".
func (l *lines) line(n int) string {
	if n < 1 || n > len(l.starts) {
		return ""
	}
	end := len(l.data)
	if n < len(l.starts) {
		end = l.starts[n] - 1
	}
	if l.starts[n-1] > end {
		return ""
	}
	return string(bytes.TrimSuffix(l.data[l.starts[n-1]:end], []byte("\r")))
}
