package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/salint/salint/pkg/loader"
)

// maxContextFiles bounds how many sibling files are read for references.
const maxContextFiles = 1000

// contextFiles lists the files beside explicitly named ones that the run
// reads for references only. A pre-commit hook passes just the files that
// changed; without their siblings, a Deployment's ServiceAccount or a
// binding's Role defined in an unchanged file of the same directory would
// look missing. Siblings are *.yaml, *.yml and *.json files of the same
// directory that were neither named nor excluded; directories named on the
// command line are read whole anyway.
func contextFiles(paths, exclude []string) []string {
	excluded, err := loader.Excluder(exclude)
	if err != nil {
		return nil // the walk reports the bad pattern
	}
	named := map[string]bool{}
	var fileDirs, walked []string
	for _, p := range paths {
		if p == "-" || loader.IsStdin(p) {
			continue // standard input has no directory
		}
		fi, err := os.Stat(p)
		switch {
		case err != nil:
		case fi.IsDir():
			walked = append(walked, p)
		case fi.Mode().IsRegular():
			named[filepath.Clean(p)] = true
			if d := filepath.Dir(p); !slices.Contains(fileDirs, d) {
				fileDirs = append(fileDirs, d)
			}
		}
	}
	// A directory named on the command line is read whole: the files in
	// it need no second reading.
	dirs := slices.DeleteFunc(fileDirs, func(d string) bool {
		return slices.ContainsFunc(walked, func(w string) bool {
			rel, err := filepath.Rel(w, d)
			return err == nil && !strings.HasPrefix(rel, "..")
		})
	})
	var out []string
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range entries {
			name := e.Name()
			switch strings.ToLower(filepath.Ext(name)) {
			case ".yaml", ".yml", ".json":
			default:
				continue
			}
			p := filepath.Join(d, name)
			if strings.HasPrefix(name, ".") || !e.Type().IsRegular() || named[filepath.Clean(p)] || excluded(p) {
				continue
			}
			if len(out) == maxContextFiles {
				return out
			}
			out = append(out, p)
		}
	}
	return out
}

func contextNote(n int) string {
	return fmt.Sprintf("read %d sibling files of the named files for references only (no findings are reported on them)", n)
}
