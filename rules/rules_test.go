package rules

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
	"github.com/open-policy-agent/opa/v1/tester"
)

// Directories of FS that hold shared code rather than one rule each.
var sharedDirs = []string{"lib", "main"}

// regoFiles reads every .rego file of FS, keyed by its path.
func regoFiles(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := fs.WalkDir(FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".rego" {
			return err
		}
		src, err := fs.ReadFile(FS, name)
		if err != nil {
			return err
		}
		files[name] = src
		return nil
	})
	if err != nil {
		t.Fatalf("reading embedded rules: %v", err)
	}
	if len(files) == 0 {
		t.Fatal("no .rego file is embedded")
	}
	return files
}

// parseModules parses every embedded file as Rego v1, with its METADATA.
func parseModules(t *testing.T) map[string]*ast.Module {
	t.Helper()
	modules := map[string]*ast.Module{}
	for name, src := range regoFiles(t) {
		m, err := ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{
			RegoVersion:       ast.RegoV1,
			ProcessAnnotation: true,
		})
		if err != nil {
			t.Fatalf("parsing %s: %v", name, err)
		}
		modules[name] = m
	}
	return modules
}

func TestRegoTests(t *testing.T) {
	modules := parseModules(t)
	ch, err := tester.NewRunner().
		SetDefaultRegoVersion(ast.RegoV1).
		SetModules(modules).
		RaiseBuiltinErrors(true).
		RunTests(context.Background(), nil)
	if err != nil {
		t.Fatalf("compiling rules: %v", err)
	}
	var ran int
	var failed []string
	for r := range ch {
		ran++
		switch {
		case r.Error != nil:
			failed = append(failed, fmt.Sprintf("%s.%s (%s): error: %v", r.Package, r.Name, r.Location, r.Error))
		case r.Fail:
			failed = append(failed, fmt.Sprintf("%s.%s (%s): FAIL", r.Package, r.Name, r.Location))
		case r.Skip:
			failed = append(failed, fmt.Sprintf("%s.%s (%s): skipped", r.Package, r.Name, r.Location))
		}
	}
	if ran == 0 {
		t.Fatal("no Rego test ran")
	}
	slices.Sort(failed)
	for _, f := range failed {
		t.Error(f)
	}
	t.Logf("%d Rego tests ran, %d failed", ran, len(failed))
}

func TestRuleLayout(t *testing.T) {
	modules := parseModules(t)
	dirs := map[string][]string{}
	for name := range modules {
		dir, file := path.Split(name)
		dir = strings.TrimSuffix(dir, "/")
		if dir == "" || strings.Contains(dir, "/") {
			t.Errorf("%s: Rego files live exactly one directory below rules/", name)
			continue
		}
		dirs[dir] = append(dirs[dir], file)
	}
	for _, shared := range sharedDirs {
		if _, ok := dirs[shared]; !ok {
			t.Errorf("directory %s/ is missing", shared)
		}
	}
	ruleCount := 0
	for dir, files := range dirs {
		if slices.Contains(sharedDirs, dir) {
			continue
		}
		ruleCount++
		slices.Sort(files)
		want := []string{dir + ".rego", dir + "_test.rego"}
		if !slices.Equal(files, want) {
			t.Errorf("%s/ holds %v, want exactly %v", dir, files, want)
			continue
		}
		if got, want := modules[path.Join(dir, dir+".rego")].Package.Path.String(), "data.salint.rules."+dir; got != want {
			t.Errorf("%s/%s.rego: package is %s, want %s", dir, dir, got, want)
		}
		if got, want := modules[path.Join(dir, dir+"_test.rego")].Package.Path.String(), "data.salint.rules."+dir+"_test"; got != want {
			t.Errorf("%s/%s_test.rego: package is %s, want %s", dir, dir, got, want)
		}
	}
	if ruleCount == 0 {
		t.Error("no rule directory found")
	}
}

var (
	idPattern   = regexp.MustCompile(`^SA[0-9]{3}$`)
	namePattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	severities  = []string{"critical", "high", "medium", "low", "info"}
	categories  = []string{"identity", "token-mounting", "long-lived-tokens", "projected-tokens", "roles", "bindings", "cross-resource", "validity"}
)

func TestRuleMetadata(t *testing.T) {
	ids := map[string]string{}
	for name, m := range parseModules(t) {
		dir := path.Dir(name)
		if slices.Contains(sharedDirs, dir) || strings.HasSuffix(name, "_test.rego") {
			continue
		}
		var pkg *ast.Annotations
		for _, a := range m.Annotations {
			if a.Scope == "package" {
				pkg = a
			}
		}
		if pkg == nil {
			t.Errorf("%s: no package METADATA block", name)
			continue
		}
		errorf := func(format string, args ...any) {
			t.Helper()
			t.Errorf("%s: "+format, append([]any{name}, args...)...)
		}
		if pkg.Title == "" {
			errorf("title is empty")
		}
		if pkg.Description == "" {
			errorf("description is empty")
		}
		str := func(key string) string {
			s, _ := pkg.Custom[key].(string)
			if strings.TrimSpace(s) == "" {
				errorf("custom.%s is missing or not a string", key)
			}
			return s
		}
		id := str("id")
		if !idPattern.MatchString(id) {
			errorf("custom.id %q is not SA followed by 3 digits", id)
		}
		if other, dup := ids[id]; dup {
			errorf("custom.id %s is also used by %s", id, other)
		}
		ids[id] = name
		ruleName := str("name")
		if !namePattern.MatchString(ruleName) || strings.ReplaceAll(ruleName, "-", "_") != dir {
			errorf("custom.name %q is not the kebab-case of directory %s", ruleName, dir)
		}
		if s := str("severity"); !slices.Contains(severities, s) {
			errorf("custom.severity %q is not one of %v", s, severities)
		}
		if c := str("category"); !slices.Contains(categories, c) {
			errorf("custom.category %q is not one of %v", c, categories)
		}
		str("remediation")
		refs, _ := pkg.Custom["references"].([]any)
		if len(refs) == 0 {
			errorf("custom.references is empty")
		}
		if params, ok := pkg.Custom["params"]; ok {
			if _, isMap := params.(map[string]any); !isMap {
				errorf("custom.params is %T, want a mapping of parameter names to defaults", params)
			}
		}
		for _, r := range refs {
			if s, ok := r.(string); !ok || !strings.HasPrefix(s, "https://") {
				errorf("custom.references holds %v, want https URLs", r)
			}
		}
	}
}

func TestRegoIsFormatted(t *testing.T) {
	for name, src := range regoFiles(t) {
		formatted, err := format.SourceWithOpts(name, src, format.Opts{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Errorf("formatting %s: %v", name, err)
			continue
		}
		if string(formatted) != string(src) {
			t.Errorf("%s is not opa fmt clean; run opa fmt -w rules/", name)
		}
	}
}

// TestLibrarySeveritiesMatchMetadata keeps the RBAC library's table of
// catalogue severities, which SA070 and the severity of lowered findings
// read, equal to each rule's METADATA.
func TestLibrarySeveritiesMatchMetadata(t *testing.T) {
	modules := parseModules(t)
	meta := map[string]string{}
	for name, m := range modules {
		for _, a := range m.Annotations {
			if a.Scope == "package" && !strings.HasSuffix(name, "_test.rego") {
				id, _ := a.Custom["id"].(string)
				sev, _ := a.Custom["severity"].(string)
				meta[id] = sev
			}
		}
	}
	var lib *ast.Module
	for _, m := range modules {
		if m.Package.Path.String() == "data.salint.lib.rbac" {
			lib = m
		}
	}
	if lib == nil {
		t.Fatal("rules/lib/rbac.rego is missing")
	}
	var table ast.Object
	for _, r := range lib.Rules {
		if r.Head.Name.String() == "default_severity" {
			table, _ = r.Head.Value.Value.(ast.Object)
		}
	}
	if table == nil || table.Len() == 0 {
		t.Fatal("salint.lib.rbac.default_severity is not a literal object")
	}
	for _, k := range table.Keys() {
		id, sev := string(k.Value.(ast.String)), string(table.Get(k).Value.(ast.String))
		if meta[id] != sev {
			t.Errorf("lib/rbac.rego says %s is %s, its METADATA says %q", id, sev, meta[id])
		}
	}
	for id := 41; id <= 53; id++ {
		if k := fmt.Sprintf("SA%03d", id); table.Get(ast.StringTerm(k)) == nil {
			t.Errorf("lib/rbac.rego default_severity lacks %s", k)
		}
	}
}
