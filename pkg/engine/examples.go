package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"

	"github.com/salint/salint/pkg/finding"
)

// Where a rule's examples live, relative to the directory of its module.
const (
	BadExample  = "examples/bad.yaml"
	GoodExample = "examples/good.yaml"
)

// readExamples reads the examples next to the rule module at file, a path of
// fsys, which stands for the directory root ("" for the built-in rules). A
// rule without them, such as a user's own, is no error. Examples are shown
// verbatim (SARIF help, `salint explain`), so they are read only as regular
// files of at most maxExampleSize, never through a symbolic link: anything
// else is an error naming the file (policyfile.go).
func readExamples(fsys fs.FS, root, file string) (finding.Examples, error) {
	var ex finding.Examples
	dir := path.Dir(file)
	for _, e := range []struct {
		name string
		src  *string
	}{{BadExample, &ex.Bad}, {GoodExample, &ex.Good}} {
		data, err := readRegular(fsys, root, path.Join(dir, e.name), maxExampleSize)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return finding.Examples{}, fmt.Errorf("reading the examples of %s: %w", filepath.Join(root, filepath.FromSlash(file)), err)
		}
		*e.src = string(data)
	}
	return ex, nil
}
