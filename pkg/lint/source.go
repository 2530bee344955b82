package lint

import (
	"bytes"
	"os"

	"github.com/salint/salint/pkg/loader"
)

// sources gives the text of offending lines. Files are not kept in memory
// while the rules run: a file with findings is read again, once.
type sources struct {
	files map[string]*loader.File
	lines map[string][][]byte
}

func newSources(files []*loader.File) *sources {
	s := &sources{files: map[string]*loader.File{}, lines: map[string][][]byte{}}
	for _, f := range files {
		s.files[f.Path] = f
	}
	return s
}

// line returns line n (1-based) of file, without its line ending, or "".
func (s *sources) line(file string, n int) string {
	lines, ok := s.lines[file]
	if !ok {
		var data []byte
		if f := s.files[file]; f != nil && f.Content != nil {
			data = f.Content
		} else if !loader.IsStdin(file) {
			data, _ = os.ReadFile(file)
		}
		lines = bytes.Split(data, []byte("\n"))
		s.lines[file] = lines
	}
	if n < 1 || n > len(lines) {
		return ""
	}
	return string(bytes.TrimSuffix(lines[n-1], []byte("\r")))
}
