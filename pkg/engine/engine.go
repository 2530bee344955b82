// Package engine runs the Rego rules: it compiles every rule module once,
// reads each rule's METADATA, prepares a single query that routes to all
// built-in rules, and evaluates it over the model's facts, in parallel
// chunks; each rule of a --policy directory gets a query of its own,
// evaluated once over every fact, within a deadline and a memory budget
// (policyrun.go, budget.go). Rules return what Go cannot know (which
// object, which path, what message); the engine joins their metadata and
// leaves locations to the caller.
package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/salint/salint/internal/par"
	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/model"
)

// Query is the one entry point every rule is reached through.
const Query = "data.salint.main.findings"

// rulePackagePrefix is where rule packages live.
const rulePackagePrefix = "data.salint.rules."

// Engine holds the compiled rules; it is safe for concurrent use.
type Engine struct {
	rules     []*finding.Rule // sorted by ID
	byPackage map[string]*finding.Rule
	params    map[string]map[string]any // rule ID -> parameter defaults
	query     rego.PreparedEvalQuery
	classify  rego.PreparedEvalQuery
	// custom are the rules of --policy directories, a query each, so that
	// each has its own deadline and memory budget (policyrun.go).
	custom []customRule
	files  map[string]string // rule ID -> module file, for messages
	limits limits
}

// Rules returns every rule's metadata, sorted by ID.
func (e *Engine) Rules() []*finding.Rule { return e.rules }

// Rule finds a rule by ID or name.
func (e *Engine) Rule(idOrName string) *finding.Rule {
	for _, r := range e.rules {
		if strings.EqualFold(r.ID, idOrName) || r.Name == idOrName {
			return r
		}
	}
	return nil
}

// Params returns the default parameters of the rule with the given ID.
func (e *Engine) Params(id string) map[string]any { return e.params[id] }

// HasPolicies reports whether custom rules (--policy) are loaded: they are
// evaluated once over every fact, which then are all held at once.
func (e *Engine) HasPolicies() bool { return len(e.custom) > 0 }

// ReadModules parses every non-test .rego file of fsys with annotations,
// in parallel: parsing is a good part of start-up time.
func ReadModules(fsys fs.FS) ([]*ast.Module, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && path.Ext(p) == ".rego" && !strings.HasSuffix(p, "_test.rego") {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	mods := make([]*ast.Module, len(names))
	errs := make([]error, len(names))
	par.Each(len(names), runtime.GOMAXPROCS(0), func(i int) {
		src, err := fs.ReadFile(fsys, names[i])
		if err != nil {
			errs[i] = err
			return
		}
		mods[i], err = ast.ParseModuleWithOpts(names[i], string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			errs[i] = fmt.Errorf("parsing %s: %w", names[i], err)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return mods, nil
}

// New compiles the rule modules of fsys and prepares the query.
func New(ctx context.Context, fsys fs.FS) (*Engine, error) {
	return NewWithPolicies(ctx, fsys, nil)
}

// NewWithPolicies compiles the built-in rule modules of builtin and the
// user's policies (see policy.go), sandboxed, and prepares the queries.
// Options set the budget of each custom rule's evaluation (policyrun.go).
func NewWithPolicies(ctx context.Context, builtin fs.FS, policies []Policy, opts ...Option) (*Engine, error) {
	mods, err := ReadModules(builtin)
	if err != nil {
		return nil, err
	}
	set := settings{limits: defaultLimits()}
	for _, o := range opts {
		o(&set)
	}
	e := &Engine{byPackage: map[string]*finding.Rule{}, params: map[string]map[string]any{}, files: map[string]string{}, limits: set.limits}
	ids := map[string]string{}
	byFile := make(map[string]*ast.Module, len(mods))
	for _, m := range mods {
		byFile[m.Package.Location.File] = m
		pkg := m.Package.Path.String()
		if !strings.HasPrefix(pkg, rulePackagePrefix) {
			continue
		}
		r, params, err := ruleFromModule(m)
		if err != nil {
			return nil, err
		}
		if r.Examples, err = readExamples(builtin, "", m.Package.Location.File); err != nil {
			return nil, err
		}
		r.DocRef = set.docRef
		if other, dup := ids[r.ID]; dup {
			return nil, fmt.Errorf("%s: rule ID %s is already used by %s", m.Package.Location.File, r.ID, other)
		}
		ids[r.ID] = m.Package.Location.File
		e.files[r.ID] = m.Package.Location.File
		e.rules = append(e.rules, r)
		e.byPackage[r.Package] = r
		e.params[r.ID] = params
	}
	builtinPackages := make([]string, 0, len(e.rules))
	for _, r := range e.rules {
		builtinPackages = append(builtinPackages, r.Package)
	}
	// User policies join the built-in rules (policy.go).
	policyFiles, err := e.addPolicies(policies, ids, byFile)
	if err != nil {
		return nil, err
	}
	customRules := slices.Clone(e.rules[len(builtinPackages):])
	sort.Slice(e.rules, func(i, j int) bool { return e.rules[i].ID < e.rules[j].ID })
	// Compile once for both queries, every module within the sandbox.
	caps, _ := sandbox()
	compiler := ast.NewCompiler().WithDefaultRegoVersion(ast.RegoV1).WithCapabilities(caps)
	if compiler.Compile(byFile); compiler.Failed() {
		return nil, compileError(compiler.Errors, policyFiles)
	}
	prepare := func(query string) (rego.PreparedEvalQuery, error) {
		q, err := rego.New(
			rego.Query(query), rego.SetRegoVersion(ast.RegoV1), rego.Compiler(compiler), rego.Capabilities(caps),
			// Keep results as Rego values: decode reads them directly.
			rego.GenerateJSON(func(t *ast.Term, _ *rego.EvalContext) (any, error) { return t, nil }),
		).PrepareForEval(ctx)
		if err != nil {
			return q, fmt.Errorf("compiling rules: %w", err)
		}
		return q, nil
	}
	// The built-in rules' query names their packages: in a chunk a custom
	// rule would see a fragment of the input, so it is kept out.
	builtinQuery := packagesQuery(builtinPackages)
	for _, r := range customRules {
		q, err := prepare(packagesQuery([]string{r.Package}))
		if err != nil {
			return nil, err
		}
		e.custom = append(e.custom, customRule{rule: r, file: e.files[r.ID], query: q})
	}
	if e.query, err = prepare(builtinQuery); err != nil {
		return nil, err
	}
	if e.classify, err = prepare(ClassifyQuery); err != nil {
		return nil, err
	}
	return e, nil
}

// packagesQuery is Query restricted to the given rule packages: an object
// of each package's findings, keyed by package. A package the input's skip
// object names (a disabled rule) is not evaluated at all.
func packagesQuery(packages []string) string {
	names := make([]*ast.Term, len(packages))
	for i, p := range packages {
		names[i] = ast.StringTerm(p)
	}
	return fmt.Sprintf("{name: fs | some name in %v; not input.skip[name]; fs := data.salint.rules[name].findings}", ast.SetTerm(names...))
}

// ruleFromModule reads a rule's package METADATA.
func ruleFromModule(m *ast.Module) (*finding.Rule, map[string]any, error) {
	file := m.Package.Location.File
	pkg := strings.TrimPrefix(m.Package.Path.String(), rulePackagePrefix)
	var a *ast.Annotations
	for _, an := range m.Annotations {
		if an.Scope == "package" {
			a = an
		}
	}
	if a == nil {
		return nil, nil, fmt.Errorf("%s: rule package %s has no METADATA block", file, pkg)
	}
	str := func(k string) string { s, _ := a.Custom[k].(string); return s }
	r := &finding.Rule{
		ID: str("id"), Name: str("name"), Title: a.Title, Description: strings.TrimSpace(a.Description),
		Category: str("category"), Remediation: strings.TrimSpace(str("remediation")), Package: pkg,
	}
	if refs, ok := a.Custom["references"].([]any); ok {
		for _, ref := range refs {
			if s, ok := ref.(string); ok {
				r.References = append(r.References, s)
			}
		}
	}
	sev, err := finding.ParseSeverity(str("severity"))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	r.Severity = sev
	var missing []string
	for k, v := range map[string]string{"title": r.Title, "description": r.Description, "custom.id": r.ID, "custom.name": r.Name, "custom.category": r.Category, "custom.remediation": r.Remediation} {
		if v == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, nil, fmt.Errorf("%s: METADATA lacks %s", file, strings.Join(missing, ", "))
	}
	params := map[string]any{}
	if p, ok := a.Custom["params"].(map[string]any); ok {
		params = p
	}
	return r, params, nil
}

// Raw is a finding as a rule returned it, before locations are resolved.
type Raw struct {
	Rule     *finding.Rule
	Ref      int
	Path     loader.Path
	Message  string
	Severity finding.Severity
	Related  []RawRelated
}

// RawRelated is a related location as a rule returned it.
type RawRelated struct {
	Ref     int
	Path    loader.Path
	Message string
}

var emptyList = ast.ArrayTerm()

// chunkSize is how many facts one evaluation sees: large enough to amortise
// the cost of a query, small enough to spread over workers and to keep the
// facts in their Rego form, live while a chunk is evaluated, few (512 ran
// about 7% faster than 1024 on the 5000-app tree, all of it collection).
const chunkSize = 512

// Evaluate runs every rule over the model. params are the parameters of
// each rule by ID, already merged with the defaults. Findings come back in
// no particular order.
//
// Evaluate consumes the model's facts: each chunk's facts are zeroed once
// converted to their Rego form, so that a large run never holds both (and
// the collector need not scan them). m.Objects, which findings are located
// with, is left as it is.
//
// Built-in rules see the facts in chunks of one kind: cross-resource facts
// are precomputed by the model. Custom rules (--policy) may join any kinds,
// so they are evaluated once over every fact (docs/custom-rules.md), which
// holds every fact in its Rego form until they are done.
//
// A custom rule that fails (an error, its deadline or memory budget, a
// finding that breaks the contract) costs its own findings only: Evaluate
// then returns every other rule's findings with PolicyErrors. Any other
// error returns no findings.
func (e *Engine) Evaluate(ctx context.Context, m *model.Model, params map[string]map[string]any, jobs int, disabled ...string) ([]Raw, error) {
	if jobs < 1 {
		jobs = 1
	}
	paramsTerm := toTerm(reflect.ValueOf(params))
	// Disabled rules are not evaluated: their packages are skipped.
	var skip [][2]*ast.Term
	off := map[string]bool{}
	for _, id := range disabled {
		if r := e.Rule(id); r != nil {
			off[r.ID] = true
			skip = append(skip, [2]*ast.Term{ast.StringTerm(r.Package), ast.BooleanTerm(true)})
		}
	}
	skipTerm := ast.NewTerm(ast.NewObject(skip...))
	// A chunk holds facts of one kind, so that what the rules of a kind
	// compute once per query (the RBAC library's indexes, say) is computed
	// once per chunk of that kind, not in every chunk.
	type chunk struct {
		kind       int
		start, end int
	}
	kinds := []struct {
		key   string
		len   int
		term  func(i, j int) *ast.Term
		clear func(i, j int)
	}{
		{"workloads", len(m.Workloads), func(i, j int) *ast.Term { return toTerm(reflect.ValueOf(m.Workloads[i:j])) }, func(i, j int) { clear(m.Workloads[i:j]) }},
		{"serviceAccounts", len(m.ServiceAccounts), func(i, j int) *ast.Term { return toTerm(reflect.ValueOf(m.ServiceAccounts[i:j])) }, func(i, j int) { clear(m.ServiceAccounts[i:j]) }},
		{"secrets", len(m.Secrets), func(i, j int) *ast.Term { return toTerm(reflect.ValueOf(m.Secrets[i:j])) }, func(i, j int) { clear(m.Secrets[i:j]) }},
		{"invalidFields", len(m.InvalidFields), func(i, j int) *ast.Term { return toTerm(reflect.ValueOf(m.InvalidFields[i:j])) }, func(i, j int) { clear(m.InvalidFields[i:j]) }},
		{"roles", len(m.Roles), func(i, j int) *ast.Term { return toTerm(reflect.ValueOf(m.Roles[i:j])) }, func(i, j int) { clear(m.Roles[i:j]) }},
		{"bindings", len(m.Bindings), func(i, j int) *ast.Term { return toTerm(reflect.ValueOf(m.Bindings[i:j])) }, func(i, j int) { clear(m.Bindings[i:j]) }},
	}
	var chunks []chunk
	for k, kind := range kinds {
		parts := (kind.len + chunkSize - 1) / chunkSize
		for i := range parts {
			chunks = append(chunks, chunk{k, kind.len * i / parts, kind.len * (i + 1) / parts})
		}
	}
	if len(chunks) == 0 {
		chunks = append(chunks, chunk{0, 0, 0}) // rules may find something in no facts
	}
	// input is a rule input holding facts[k] as the collection of kind k.
	input := func(facts func(k int) *ast.Term) ast.Value {
		items := make([][2]*ast.Term, 0, len(kinds)+1)
		for k, kind := range kinds {
			items = append(items, [2]*ast.Term{ast.StringTerm(kind.key), facts(k)})
		}
		return ast.NewObject(append(items, [2]*ast.Term{ast.StringTerm("params"), paramsTerm}, [2]*ast.Term{ast.StringTerm("skip"), skipTerm})...)
	}
	// chunkInput is chunk c's input, its facts being t.
	chunkInput := func(c chunk, t *ast.Term) ast.Value {
		return input(func(k int) *ast.Term {
			if k == c.kind {
				return t
			}
			return emptyList
		})
	}
	objects := len(m.Objects)
	if len(e.custom) == 0 {
		results := make([][]Raw, len(chunks))
		errs := make([]error, len(chunks))
		par.Each(len(chunks), jobs, func(i int) {
			c := chunks[i]
			in := chunkInput(c, kinds[c.kind].term(c.start, c.end))
			// The facts live on in their Rego form: let the Go copies go.
			kinds[c.kind].clear(c.start, c.end)
			results[i], errs[i] = e.eval(ctx, e.query, in, objects)
		})
		return joinResults(results, errs)
	}

	// Each chunk is converted once: its input and the whole input share the terms.
	terms := make([]*ast.Term, len(chunks))
	par.Each(len(chunks), jobs, func(i int) {
		c := chunks[i]
		terms[i] = kinds[c.kind].term(c.start, c.end)
		kinds[c.kind].clear(c.start, c.end)
	})
	whole := input(func(k int) *ast.Term {
		facts := make([]*ast.Term, 0, kinds[k].len)
		for i, c := range chunks {
			if c.kind == k {
				terms[i].Value.(*ast.Array).Foreach(func(t *ast.Term) { facts = append(facts, t) })
			}
		}
		return ast.ArrayTerm(facts...)
	})
	// Task 0, the custom rules' long evaluation, starts first; the chunks fill the other workers.
	results := make([][]Raw, len(chunks)+1)
	errs := make([]error, len(chunks)+1)
	var failed PolicyErrors
	par.Each(len(chunks)+1, jobs, func(i int) {
		if i == 0 {
			results[0], failed, errs[0] = e.evalPolicies(ctx, whole, objects, off)
			whole = nil // only task 0 uses it; the facts can go as their chunks are done
			return
		}
		in := chunkInput(chunks[i-1], terms[i-1])
		terms[i-1] = nil
		results[i], errs[i] = e.eval(ctx, e.query, in, objects)
	})
	raws, err := joinResults(results, errs)
	if err != nil {
		return nil, err
	}
	if len(failed) > 0 {
		return raws, failed
	}
	return raws, nil
}

// joinResults is every evaluation's findings in order, or the first error.
func joinResults(results [][]Raw, errs []error) ([]Raw, error) {
	n := 0
	for _, r := range results {
		n += len(r)
	}
	out := make([]Raw, 0, n)
	for i := range results {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out = append(out, results[i]...)
	}
	return out, nil
}

// eval evaluates q over input and checks what each rule returned against
// the finding contract; objects is how many objects refs may name.
func (e *Engine) eval(ctx context.Context, q rego.PreparedEvalQuery, input ast.Value, objects int) ([]Raw, error) {
	rs, err := q.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return nil, fmt.Errorf("evaluating rules: %w", err)
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil, nil
	}
	byRule, _ := rs[0].Expressions[0].Value.(*ast.Term)
	obj, ok := byRule.Value.(ast.Object)
	if !ok {
		return nil, fmt.Errorf("the rules returned %v, not an object", byRule)
	}
	var out []Raw
	keys := pathKeys{}
	err = obj.Iter(func(k, found *ast.Term) error {
		pkg, _ := k.Value.(ast.String)
		items, ok := found.Value.(ast.Set)
		if !ok || items.Len() == 0 {
			return nil
		}
		r := e.byPackage[string(pkg)]
		if r == nil {
			return fmt.Errorf("rule package %q returned findings but has no metadata", pkg)
		}
		return items.Iter(func(it *ast.Term) error {
			raw, err := decode(r, it.Value, keys, objects)
			out = append(out, raw)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Keys of a finding.
var (
	keyRef      = ast.StringTerm("ref")
	keyPath     = ast.StringTerm("path")
	keyMsg      = ast.StringTerm("msg")
	keySeverity = ast.StringTerm("severity")
	keyRelated  = ast.StringTerm("related")
)

// decode checks one rule result against the finding contract. It reads the
// Rego value itself: converting tens of thousands of findings to Go maps
// first would cost more than the check. A ref must name one of the objects
// (0 to objects-1): findings are located through it.
func decode(r *finding.Rule, v ast.Value, keys pathKeys, objects int) (Raw, error) {
	obj, ok := v.(ast.Object)
	if !ok {
		return Raw{}, fmt.Errorf("rule %s returned %v, not an object", r.ID, v)
	}
	raw := Raw{Rule: r, Severity: r.Severity}
	if raw.Ref, ok = termInt(obj.Get(keyRef)); !ok {
		return Raw{}, fmt.Errorf("rule %s returned a finding without a numeric ref: %v", r.ID, obj)
	}
	if raw.Ref < 0 || raw.Ref >= objects {
		return Raw{}, fmt.Errorf("rule %s returned a finding whose ref %d names no object: %s", r.ID, raw.Ref, refRange(objects))
	}
	if raw.Message = termString(obj.Get(keyMsg)); raw.Message == "" {
		return Raw{}, fmt.Errorf("rule %s returned a finding without msg: %v", r.ID, obj)
	}
	raw.Path = keys.path(obj.Get(keyPath))
	if t := obj.Get(keySeverity); t != nil {
		sev, err := finding.ParseSeverity(termString(t))
		if err != nil {
			return Raw{}, fmt.Errorf("rule %s: %w", r.ID, err)
		}
		raw.Severity = sev
	}
	if t := obj.Get(keyRelated); t != nil {
		rel, _ := t.Value.(*ast.Array)
		for i := 0; rel != nil && i < rel.Len(); i++ {
			ro, _ := rel.Elem(i).Value.(ast.Object)
			if ro == nil {
				return Raw{}, fmt.Errorf("rule %s returned a related location that is not an object: %v", r.ID, rel.Elem(i))
			}
			ref, ok := termInt(ro.Get(keyRef))
			if !ok {
				return Raw{}, fmt.Errorf("rule %s returned a related location without ref: %v", r.ID, ro)
			}
			if ref < 0 || ref >= objects {
				return Raw{}, fmt.Errorf("rule %s returned a related location whose ref %d names no object: %s", r.ID, ref, refRange(objects))
			}
			raw.Related = append(raw.Related, RawRelated{Ref: ref, Path: keys.path(ro.Get(keyPath)), Message: termString(ro.Get(keyMsg))})
		}
	}
	return raw, nil
}

// refRange says which refs are valid, for errors.
func refRange(objects int) string {
	if objects == 0 {
		return "the input holds no object"
	}
	return fmt.Sprintf("use the ref of a fact of the input (0 to %d)", objects-1)
}

func termInt(t *ast.Term) (int, bool) {
	if t == nil {
		return 0, false
	}
	n, ok := t.Value.(ast.Number)
	if !ok {
		return 0, false
	}
	i, ok := n.Int()
	return i, ok
}

func termString(t *ast.Term) string {
	if t == nil {
		return ""
	}
	s, _ := t.Value.(ast.String)
	return string(s)
}

// pathKeys boxes each mapping key of the paths findings return once: tens of
// thousands of findings name the same few field names, and every path is
// kept until the findings are located.
type pathKeys map[string]any

func (k pathKeys) key(s string) any {
	if b, ok := k[s]; ok {
		return b
	}
	var b any = s
	k[s] = b
	return b
}

func (k pathKeys) path(t *ast.Term) loader.Path {
	if t == nil {
		return loader.Path{}
	}
	arr, _ := t.Value.(*ast.Array)
	if arr == nil {
		return loader.Path{}
	}
	p := make(loader.Path, 0, arr.Len())
	for i := range arr.Len() {
		switch e := arr.Elem(i).Value.(type) {
		case ast.String:
			p = append(p, k.key(string(e)))
		case ast.Number:
			if n, ok := e.Int(); ok {
				p = append(p, n)
			}
		}
	}
	return p
}
