package ruledoc_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salint/salint/pkg/engine"
	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/lint"
	"github.com/salint/salint/rules"
)

// TestExamples keeps the examples that docs/rules and `salint explain` show
// truthful: every built-in rule has both, the real pipeline flags bad.yaml
// with that rule, no rule flags good.yaml, and neither is an input error.
func TestExamples(t *testing.T) {
	eng, err := engine.New(context.Background(), rules.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range eng.Rules() {
		t.Run(r.ID, func(t *testing.T) {
			t.Parallel()
			dir := strings.ReplaceAll(r.Package, ".", "/") // one directory per rule, named after its package
			for _, ex := range []struct {
				file    string
				loaded  string
				flagged bool
			}{
				{engine.BadExample, r.Examples.Bad, true},
				{engine.GoodExample, r.Examples.Good, false},
			} {
				name := path.Join("rules", dir, ex.file)
				src, err := fs.ReadFile(rules.FS, path.Join(dir, ex.file))
				if err != nil {
					t.Errorf("%s is missing: every built-in rule shows what it flags and what passes (%v)", name, err)
					continue
				}
				if ex.loaded != string(src) {
					t.Errorf("%s: the engine did not load it into the rule", name)
				}
				if !strings.HasPrefix(string(src), "# ") {
					t.Errorf("%s does not start with a one-line comment saying what is wrong or what was fixed", name)
				}
				rep := lintExample(t, eng, path.Base(ex.file), src)
				for _, e := range rep.Errors {
					t.Errorf("%s: input error: %s", name, e.Message)
				}
				var own, others []string
				for _, f := range rep.Findings {
					line := fmt.Sprintf("line %d: %s %s", f.Line, f.Rule.ID, f.Message)
					if f.Rule.ID == r.ID {
						own = append(own, line)
					} else {
						others = append(others, line)
					}
				}
				// A passing example is what a user copies, so it passes every
				// built-in rule at the default configuration, not only its
				// own: an example that fixed one problem by showing another
				// would teach it.
				switch {
				case ex.flagged && len(own) == 0:
					t.Errorf("%s: %s does not flag it; findings of other rules: %v", name, r.ID, others)
				case !ex.flagged && len(own)+len(others) > 0:
					t.Errorf("%s: the passing example is flagged:\n  %s", name, strings.Join(append(own, others...), "\n  "))
				}
			}
		})
	}
}

// lintExample runs the linter on one example, as a user would on a file.
func lintExample(t *testing.T, eng *engine.Engine, base string, src []byte) *finding.Report {
	t.Helper()
	file := filepath.Join(t.TempDir(), base)
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := lint.Run(context.Background(), eng, lint.Config{Paths: []string{file}, Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}
