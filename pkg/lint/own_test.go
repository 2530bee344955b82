package lint_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/lint"
)

// TestOwnFilesAreLeftOut: salint's own files found in a walked directory
// or beside a named file are neither read nor counted; named as a path,
// one is read as any file.
func TestOwnFilesAreLeftOut(t *testing.T) {
	dir := t.TempDir()
	app := write(t, dir, "app.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\nautomountServiceAccountToken: false\n")
	base := write(t, dir, "salint-baseline.json", `{"schemaVersion": 2, "tool": "salint", "findings": []}`)
	conf := write(t, dir, ".salint.yaml", "fail-on: high\n")
	eng := newEngine(t)
	run := func(cfg lint.Config) *finding.Report {
		t.Helper()
		rep, err := lint.Run(context.Background(), eng, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	// Relative and absolute names of the same file match.
	t.Chdir(dir)
	own := []string{"salint-baseline.json", conf}

	rep := run(lint.Config{Paths: []string{"."}})
	if rep.Summary.Files != 3 || rep.Summary.Skipped != 2 {
		t.Fatalf("without OwnFiles: %+v, want 3 files, 2 skipped", rep.Summary)
	}
	rep = run(lint.Config{Paths: []string{dir}, OwnFiles: own})
	if s := rep.Summary; s.Files != 1 || s.Documents != 1 || s.Skipped != 0 || len(rep.Skipped) != 0 || len(rep.Notes) != 0 {
		t.Errorf("walked: %+v, skipped %v, notes %v; want app.yaml alone", s, rep.Skipped, rep.Notes)
	}
	if slices.Contains(rep.Inputs, base) || slices.Contains(rep.Inputs, "salint-baseline.json") {
		t.Errorf("inputs %v hold the baseline", rep.Inputs)
	}
	rep = run(lint.Config{Paths: []string{app}, OwnFiles: own})
	if len(rep.Notes) != 0 || rep.Summary.Files != 1 {
		t.Errorf("named app.yaml: notes %v, summary %+v; want no sibling read", rep.Notes, rep.Summary)
	}
	rep = run(lint.Config{Paths: []string{".", filepath.Join(dir, "salint-baseline.json")}, OwnFiles: own})
	if s := rep.Summary; s.Files != 2 || s.Skipped != 1 || len(rep.Skipped) != 1 || filepath.Base(rep.Skipped[0].File) != "salint-baseline.json" {
		t.Errorf("baseline named: %+v, skipped %v; want it read and skipped", s, rep.Skipped)
	}
}
