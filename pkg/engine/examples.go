package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/salint/salint/pkg/finding"
)

// Where a rule's examples live, relative to the directory of its module.
const (
	BadExample  = "examples/bad.yaml"
	GoodExample = "examples/good.yaml"
)

// readExamples reads the examples next to the rule module at file, a path of
// fsys. A rule without them, such as a user's own, is no error.
func readExamples(fsys fs.FS, file string) (finding.Examples, error) {
	var ex finding.Examples
	dir := path.Dir(file)
	for _, e := range []struct {
		name string
		src  *string
	}{{BadExample, &ex.Bad}, {GoodExample, &ex.Good}} {
		data, err := fs.ReadFile(fsys, path.Join(dir, e.name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return finding.Examples{}, fmt.Errorf("%s: reading its examples: %w", file, err)
		}
		*e.src = string(data)
	}
	return ex, nil
}
