package ruledoc_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salint/salint/internal/ruledoc"
	"github.com/salint/salint/pkg/engine"
	"github.com/salint/salint/rules"
)

var update = flag.Bool("update", false, "regenerate docs/rules and the README rule table")

const (
	tableStart = "<!-- rules:start -->\n"
	tableEnd   = "<!-- rules:end -->"
)

// TestDocsCurrent fails when the checked-in rule docs or the README's rule
// table differ from what the rules' METADATA generates (make docs).
func TestDocsCurrent(t *testing.T) {
	eng, err := engine.New(context.Background(), rules.FS)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join("..", "..")
	dir := filepath.Join(root, "docs", "rules")
	want := map[string]string{}
	for _, r := range eng.Rules() {
		want[r.ID+".md"] = ruledoc.Page(r)
	}
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if _, ok := want[e.Name()]; !ok {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
		for name, page := range want {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(page), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("%v (run make docs)", err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		seen[e.Name()] = true
		page, ok := want[e.Name()]
		if !ok {
			t.Errorf("docs/rules/%s documents no rule (run make docs)", e.Name())
			continue
		}
		got, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if string(got) != page {
			t.Errorf("docs/rules/%s is stale (run make docs)", e.Name())
		}
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("docs/rules/%s is missing (run make docs)", name)
		}
	}

	readme := filepath.Join(root, "README.md")
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start, end := strings.Index(text, tableStart), strings.Index(text, tableEnd)
	if start < 0 || end < start {
		t.Fatalf("README.md lacks the %q ... %q markers", strings.TrimSpace(tableStart), tableEnd)
	}
	table := ruledoc.Table(eng.Rules())
	current := text[start+len(tableStart) : end]
	if current == table {
		return
	}
	if *update {
		text = text[:start+len(tableStart)] + table + text[end:]
		if err := os.WriteFile(readme, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Error("the rule table in README.md is stale (run make docs)")
}

func TestPageNamesEverything(t *testing.T) {
	eng, err := engine.New(context.Background(), rules.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range eng.Rules() {
		page := ruledoc.Page(r)
		for _, want := range []string{r.ID, r.Name, r.Title, r.Severity.String(), r.Remediation} {
			if !strings.Contains(page, want) {
				t.Errorf("%s page lacks %q", r.ID, want)
			}
		}
	}
}
