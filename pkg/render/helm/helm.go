package helm

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/template/parse"
	"time"

	chartapi "helm.sh/helm/v4/pkg/chart"
	"helm.sh/helm/v4/pkg/chart/common"
	commonutil "helm.sh/helm/v4/pkg/chart/common/util"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/engine"
	"helm.sh/helm/v4/pkg/strvals"

	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/render"
)

// Defaults of Options.
const (
	defaultMaxFileSize = 64 << 20
	defaultTimeout     = 30 * time.Second
)

// Options say how to render a chart.
type Options struct {
	ReleaseName string        // .Release.Name; "" is the chart's name
	Namespace   string        // .Release.Namespace; "" is "default"
	KubeVersion string        // .Capabilities.KubeVersion, "1.31.0" or "v1.31.0"; "" is Helm's default
	ValuesFiles []string      // applied in order after values.yaml and the scenario's ci file
	Set         []string      // --set key=value (Helm's strvals syntax), after ValuesFiles
	MaxFileSize int64         // per file read, bytes; 0 is 64 MiB
	Timeout     time.Duration // per render pass; 0 is 30 s
	NoScenarios bool          // render the default values only, not ci/*-values.yaml
}

// Result is what rendering one chart gives the walk.
type Result struct {
	// Units are the renders: the chart's own values first, then one per
	// ci/*-values.yaml in name order.
	Units []render.Unit
	// Extra are the manifest files (*.yaml, *.yml, *.json) of the chart's
	// tree that Helm does not render and that are not the chart's metadata
	// or values, e.g. examples/x.yaml: the walk lints them as plain files.
	Extra []string
}

// Render renders the chart at root, a chart directory or archive, once per
// scenario. Paths in the result are root joined with the file's path in
// the chart (for archives, with the member's path). It never panics and
// never touches the network; what cannot be rendered is an error of its
// unit.
func Render(ctx context.Context, root string, opts Options) (res Result) {
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = defaultMaxFileSize
	}
	if opts.Timeout <= 0 {
		opts.Timeout = defaultTimeout
	}
	if opts.Namespace == "" {
		opts.Namespace = "default"
	}
	defer func() {
		if p := recover(); p != nil {
			res.Units = []render.Unit{failedUnit(root, fmt.Errorf("rendering the chart failed: %v", p))}
		}
	}()
	r := newReader(opts.MaxFileSize)
	tree, err := r.loadTree(root)
	res.Extra = sortedUnique(r.extra)
	if err != nil {
		u := failedUnit(root, fmt.Errorf("loading chart %s: %w", root, err))
		u.Notes, u.Consumed = r.notes, sortedUnique(r.consumed)
		res.Units = []render.Unit{u}
		return res
	}
	scenarios := []*valuesFile{nil}
	if !opts.NoScenarios {
		for _, s := range r.scenarios(root, tree) {
			scenarios = append(scenarios, &s)
		}
	}
	rd := &renderer{root: root, opts: opts, tree: tree, now: time.Now(),
		sources: map[string]*sourceEntry{}, schemas: map[*chartDir]schemaCheck{}}
	rd.prepare(r)
	for i, s := range scenarios {
		u := rd.unit(ctx, s)
		if i == 0 {
			// What went wrong reading the chart is said once, not per scenario.
			u.Errors = slices.Concat(rd.errs, u.Errors)
		}
		res.Units = append(res.Units, u)
	}
	return res
}

func failedUnit(root string, err error) render.Unit {
	return render.Unit{
		Kind:   render.Helm,
		Root:   root,
		Errors: []finding.InputError{{Location: finding.Location{File: root}, Message: err.Error()}},
	}
}

func sortedUnique(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return slices.Compact(s)
}

// scenarios reads the chart's ci/*-values.yaml, in name order. A
// .helmignore commonly drops ci/ from the chart, so they are read apart.
func (r *reader) scenarios(root string, tree *chartDir) []valuesFile {
	var out []valuesFile
	isScenario := func(rel string) bool {
		return strings.HasPrefix(rel, "ci/") && !strings.Contains(rel[3:], "/") && strings.HasSuffix(rel, "-values.yaml")
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		for _, f := range tree.files {
			if isScenario(f.Name) {
				out = append(out, valuesFile{path: tree.real[f.Name], data: f.Data})
			}
		}
		return out
	}
	realRoot, _ := filepath.EvalSymlinks(root)
	list, _ := os.ReadDir(filepath.Join(root, "ci"))
	for _, de := range list {
		if !isScenario("ci/" + de.Name()) {
			continue
		}
		file := filepath.Join(root, "ci", de.Name())
		if target, err := filepath.EvalSymlinks(file); err != nil || !within(realRoot, target) {
			r.note("%s: symlink outside the chart; not rendered as a scenario", file)
			continue
		}
		data, err := readRegular(file, r.maxFile)
		if err != nil {
			r.fail(file, err)
			continue
		}
		out = append(out, valuesFile{path: file, data: data})
		r.consumed = append(r.consumed, file)
	}
	return out
}

// renderer renders the scenarios of one chart tree.
type renderer struct {
	root string
	opts Options
	tree *chartDir
	now  time.Time

	notes    []string
	errs     []finding.InputError
	consumed []string
	user     []valuesFile // opts.ValuesFiles, read
	set      map[string]any
	caps     *common.Capabilities
	sources  map[string]*sourceEntry // by template file path
	schemas  map[*chartDir]schemaCheck
}

// sourceEntry is a template file, instrumented once for every scenario.
type sourceEntry struct {
	err    error  // why Helm must not see the template
	data   []byte // as read
	src    *text
	inst   *instrumented
	text   []byte // inst.text
	marked []byte // inst.marked, nil when not marked
}

// prepare reads what every scenario shares: the user's values, the
// capabilities, and the notes on dependencies.
func (rd *renderer) prepare(r *reader) {
	for _, f := range rd.opts.ValuesFiles {
		data, err := readRegular(f, rd.opts.MaxFileSize)
		if err != nil {
			rd.errs = append(rd.errs, finding.InputError{
				Location: finding.Location{File: f},
				Message:  fmt.Sprintf("reading values file: %v", err),
			})
			continue
		}
		rd.user = append(rd.user, valuesFile{path: f, data: data})
		r.consumed = append(r.consumed, f)
	}
	rd.set = map[string]any{}
	for _, s := range rd.opts.Set {
		_ = strvals.ParseInto(s, rd.set) // an invalid --set is each unit's error
	}
	rd.caps = common.DefaultCapabilities.Copy()
	if rd.opts.KubeVersion != "" {
		kv, err := common.ParseKubeVersion(rd.opts.KubeVersion)
		if err != nil {
			rd.errs = append(rd.errs, finding.InputError{
				Location: finding.Location{File: rd.root},
				Message:  fmt.Sprintf("invalid Kubernetes version %q: %v", rd.opts.KubeVersion, err),
			})
		} else {
			rd.caps.KubeVersion = *kv
		}
	}
	dirs := map[*common.File]*chartDir{}
	if c, err := rd.tree.load(dirs); err == nil {
		r.notes = append(r.notes, missingDependencies(c, dirs)...)
	}
	rd.notes, rd.errs = r.notes, append(r.errs, rd.errs...)
	rd.consumed = sortedUnique(r.consumed)
}

// load loads the chart tree with Helm, each subchart added from its own
// directory so that salint knows where every chart came from: dirs maps a
// chart's first file, which copies made for aliases share, to its
// directory.
func (d *chartDir) load(dirs map[*common.File]*chartDir) (*chart.Chart, error) {
	c, err := loader.LoadFiles(d.files)
	if err != nil {
		return nil, &loadError{file: filepath.Join(d.path, "Chart.yaml"), err: fmt.Errorf("loading chart %s: %w", d.path, err)}
	}
	dirs[c.Raw[0]] = d
	for _, s := range d.subs {
		sc, err := s.load(dirs)
		if err != nil {
			return nil, err
		}
		c.AddDependency(sc)
	}
	return c, nil
}

func (d *chartDir) file(name string) ([]byte, bool) {
	for _, f := range d.files {
		if f.Name == name {
			return f.Data, true
		}
	}
	return nil, false
}

// loadError is a chart Helm cannot load, located at its Chart.yaml.
type loadError struct {
	file string
	err  error
}

func (e *loadError) Error() string { return e.err.Error() }
func (e *loadError) Unwrap() error { return e.err }

// missingDependencies notes each dependency of Chart.yaml (or
// requirements.yaml) that charts/ does not vendor.
func missingDependencies(c *chart.Chart, dirs map[*common.File]*chartDir) []string {
	var notes []string
	where := dirs[c.Raw[0]].path
	for _, req := range c.Metadata.Dependencies {
		if req == nil {
			continue
		}
		var other *chart.Chart
		found := false
		for _, d := range c.Dependencies() {
			if d.Name() != req.Name {
				continue
			}
			if chartutil.IsCompatibleRange(req.Version, d.Metadata.Version) {
				found = true
			}
			other = d
		}
		dep := fmt.Sprintf("dependency %q %s", req.Name, req.Version)
		if req.Repository != "" {
			dep += " (" + req.Repository + ")"
		}
		switch {
		case found:
		case other != nil:
			notes = append(notes, fmt.Sprintf("%s: %s does not match version %s vendored in charts/; the chart is rendered with the vendored version",
				where, dep, other.Metadata.Version))
		default:
			notes = append(notes, fmt.Sprintf("%s: %s is not vendored in charts/; the chart is rendered without it (helm dependency build vendors it)",
				where, dep))
		}
	}
	for _, d := range c.Dependencies() {
		notes = append(notes, missingDependencies(d, dirs)...)
	}
	return notes
}

// unit renders one scenario.
func (rd *renderer) unit(ctx context.Context, scenario *valuesFile) (u render.Unit) {
	u = render.Unit{
		Kind:     render.Helm,
		Root:     rd.root,
		Files:    map[string][]byte{},
		Consumed: slices.Clone(rd.consumed),
		Notes:    slices.Clone(rd.notes),
	}
	if scenario != nil {
		u.Scenario = scenario.path
		u.Files[scenario.path] = scenario.data
	}
	for _, f := range rd.user {
		u.Files[f.path] = f.data
	}
	fail := func(file string, err error) render.Unit {
		u.Errors = append(u.Errors, finding.InputError{Location: finding.Location{File: file}, Message: err.Error()})
		return u
	}
	defer func() {
		if p := recover(); p != nil {
			u.Docs = nil
			fail(rd.root, fmt.Errorf("rendering the chart failed: %v", p))
		}
	}()
	if len(rd.user) < len(rd.opts.ValuesFiles) {
		return u // a values file could not be read: the render would mislead
	}
	vals, err := userValues(scenario, rd.user, rd.opts.Set)
	if err != nil {
		file := rd.root
		if scenario != nil && strings.Contains(err.Error(), scenario.path) {
			file = scenario.path
		}
		return fail(file, err)
	}
	dirs := map[*common.File]*chartDir{}
	c, err := rd.tree.load(dirs)
	if err != nil {
		file := rd.root
		var le *loadError
		if errors.As(err, &le) {
			file = le.file
		}
		return fail(file, err)
	}
	if err := chartutil.ProcessDependencies(c, vals); err != nil {
		return fail(rd.root, fmt.Errorf("processing the dependencies of chart %s: %w", c.Name(), err))
	}
	release := rd.opts.ReleaseName
	if release == "" {
		release = c.Name()
	}
	top, err := commonutil.ToRenderValuesWithSchemaValidation(c, vals,
		common.ReleaseOptions{Name: release, Namespace: rd.opts.Namespace, IsInstall: true, Revision: 1}, rd.caps, true)
	if err != nil {
		return fail(rd.root, fmt.Errorf("computing the values of chart %s: %w", c.Name(), err))
	}
	if values, err := top.Table("Values"); err == nil {
		notes, errs := validateSchemas(c, values, func(ch *chart.Chart) *chartDir { return dirs[ch.Raw[0]] }, rd.schemas)
		u.Notes, u.Errors = append(u.Notes, notes...), append(u.Errors, errs...)
	}
	tmpls := rd.templates(c, dirs)
	for _, name := range slices.Sorted(maps.Keys(tmpls)) {
		t := tmpls[name]
		u.Files[t.file] = rd.sources[t.file].data
		if err := rd.sources[t.file].err; err != nil {
			return fail(t.file, err)
		}
	}
	um := rd.unitSources(scenario, tmpls, dirs)
	for _, v := range um.values {
		u.Files[v.path] = v.data
	}

	out, b, err := rd.pass(ctx, c, top, tmpls, false, false)
	lint := false
	if err != nil && b != nil && b.stopped == nil && len(b.missing)+len(b.failed) > 0 {
		lint = true
		out, b, err = rd.pass(ctx, c, top, tmpls, true, false)
		if b != nil {
			u.Notes = append(u.Notes, lintNotes(rd.root, b)...)
		}
	}
	if err != nil {
		var stopped error
		if b != nil {
			stopped = b.stopped
		}
		u.Errors = append(u.Errors, renderError(err, c.Name(), rd.root, tmpls, stopped))
		return u
	}
	if len(b.placeholders) > 0 {
		u.Notes = append(u.Notes, fmt.Sprintf("%s: %s returned a placeholder: salint does not generate keys, certificates or password hashes while rendering",
			rd.root, strings.Join(sortedKeys(b.placeholders), ", ")))
	}
	marked, _, err := rd.pass(ctx, c, top, tmpls, lint, true)
	if err != nil {
		marked = nil // the mappers fall back to matching lines
	}
	names := slices.Sorted(maps.Keys(out))
	for _, name := range names {
		base := path.Base(name)
		if base == "NOTES.txt" || strings.HasPrefix(base, "_") || blank(out[name]) || tmpls[name] == nil {
			continue
		}
		u.Docs = append(u.Docs, render.Doc{
			Name: name,
			Text: []byte(out[name]),
			Map:  newDocMapper(um, tmpls[name], out[name], marked[name]),
		})
	}
	u.Docs = append(u.Docs, crdDocs(c, dirs, u.Files)...)
	sort.SliceStable(u.Docs, func(i, j int) bool { return u.Docs[i].Name < u.Docs[j].Name })
	return u
}

// lintNotes say why a unit was rendered in lint mode, naming every
// required value it misses and every fail it calls.
func lintNotes(root string, b *budget) []string {
	var notes []string
	if len(b.missing) > 0 {
		notes = append(notes, fmt.Sprintf("%s: rendered in lint mode because a required value is missing: %s (pass it with --values or --set); findings may reflect the missing value",
			root, quotedUnique(b.missing)))
	}
	if len(b.failed) > 0 {
		notes = append(notes, fmt.Sprintf("%s: rendered in lint mode because the chart fails with %s; findings may reflect values the chart rejects",
			root, quotedUnique(b.failed)))
	}
	return notes
}

func quotedUnique(msgs []string) string {
	var quoted []string
	seen := map[string]bool{}
	for _, m := range msgs {
		if !seen[m] {
			seen[m] = true
			quoted = append(quoted, fmt.Sprintf("%q", m))
		}
	}
	return strings.Join(quoted, ", ")
}

// crdDocs are the files of the crds/ directories of the chart and its
// enabled subcharts, which Helm installs as written.
func crdDocs(c *chart.Chart, dirs map[*common.File]*chartDir, files map[string][]byte) []render.Doc {
	var docs []render.Doc
	d := dirs[c.Raw[0]]
	for _, f := range c.Files {
		if strings.HasPrefix(f.Name, "crds/") && isManifest(f.Name) {
			real := d.real[f.Name]
			files[real] = f.Data
			docs = append(docs, render.Doc{Name: path.Join(c.ChartFullPath(), f.Name), Text: f.Data, File: real})
		}
	}
	for _, sub := range c.Dependencies() {
		docs = append(docs, crdDocs(sub, dirs, files)...)
	}
	return docs
}

// templates returns every template of the processed chart tree by Helm's
// name, instrumenting each source file once.
func (rd *renderer) templates(c *chart.Chart, dirs map[*common.File]*chartDir) map[string]*tmplSource {
	out := map[string]*tmplSource{}
	var walk func(ch *chart.Chart, chain []*chartDir, names []string)
	walk = func(ch *chart.Chart, chain []*chartDir, names []string) {
		d := dirs[ch.Raw[0]]
		chain = append(slices.Clone(chain), d)
		if !ch.IsRoot() {
			names = append(slices.Clone(names), ch.Name())
		}
		for _, t := range ch.Templates {
			if t == nil {
				continue
			}
			file := d.real[t.Name]
			e := rd.source(file, t)
			name := path.Join(ch.ChartFullPath(), t.Name)
			out[name] = &tmplSource{name: name, file: file, src: e.src, inst: e.inst, chain: chain, names: names}
		}
		for _, sub := range ch.Dependencies() {
			walk(sub, chain, names)
		}
	}
	walk(c, nil, nil)
	return out
}

func (rd *renderer) source(file string, t *common.File) *sourceEntry {
	if e, ok := rd.sources[file]; ok {
		return e
	}
	if nesting(string(t.Data)) > maxNesting {
		e := &sourceEntry{data: t.Data, src: newText(string(t.Data)), inst: &instrumented{text: string(t.Data)},
			err: fmt.Errorf("control structures nest more than %d deep; salint does not render the chart", maxNesting)}
		rd.sources[file] = e
		return e
	}
	base := path.Base(t.Name)
	markAs := noMarks
	if !strings.HasPrefix(base, "_") && base != "NOTES.txt" {
		markAs = len(rd.sources)
	}
	inst := instrument(file, string(t.Data), markAs)
	e := &sourceEntry{data: t.Data, src: newText(string(t.Data)), inst: &inst, text: []byte(inst.text)}
	if inst.marked != "" {
		e.marked = []byte(inst.marked)
	}
	rd.sources[file] = e
	return e
}

// unitSources gathers what the mappers of a unit share: the defines as Helm
// resolves them, and the values files in order of precedence.
func (rd *renderer) unitSources(scenario *valuesFile, tmpls map[string]*tmplSource, dirs map[*common.File]*chartDir) *unitSources {
	u := &unitSources{
		defines:  map[string]*tmplSource{},
		patterns: map[string][]patLine{},
		keys:     newKeyLocator(),
		set:      rd.set,
		values:   map[*chartDir]valuesFile{},
	}
	for i := len(rd.user) - 1; i >= 0; i-- {
		u.user = append(u.user, rd.user[i])
	}
	if scenario != nil {
		u.user = append(u.user, *scenario)
	}
	for _, d := range dirs {
		if data, ok := d.file("values.yaml"); ok {
			u.values[d] = valuesFile{path: d.real["values.yaml"], data: data}
		}
	}
	// Helm parses templates deepest first, then by name, backwards; a
	// later non-empty definition replaces an earlier one.
	names := slices.Collect(maps.Keys(tmpls))
	sort.Slice(names, func(i, j int) bool {
		a, b := names[i], names[j]
		if ca, cb := strings.Count(a, "/"), strings.Count(b, "/"); ca != cb {
			return ca > cb
		}
		return a > b
	})
	for _, n := range names {
		src := tmpls[n]
		if src.inst == nil {
			continue
		}
		for name, tree := range src.inst.trees {
			if _, ok := u.defines[name]; !ok || !parse.IsEmptyTree(tree.Root) {
				u.defines[name] = src
			}
		}
	}
	return u
}

type passResult struct {
	out map[string]string
	err error
}

// pass runs Helm's engine once over the instrumented templates (and, with
// mark, the marked ones) in a goroutine bounded by the timeout.
func (rd *renderer) pass(ctx context.Context, c *chart.Chart, top common.Values, tmpls map[string]*tmplSource, lint, mark bool) (map[string]string, *budget, error) {
	rd.setSources(c, tmpls, mark)
	vals := copyValues(top).(common.Values)
	b := newBudget(ctx, time.Now().Add(rd.opts.Timeout), rd.now, lint)
	eng := engine.Engine{LintMode: lint, CustomTemplateFuncs: b.funcs(mark)}
	done := make(chan passResult, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- passResult{err: fmt.Errorf("rendering failed: %v", p)}
			}
		}()
		out, err := eng.RenderWithContext(ctx, chartapi.Charter(c), vals)
		done <- passResult{out, err}
	}()
	// The ticks stop a pass at its deadline; the timer catches a function
	// that does not return.
	timer := time.NewTimer(rd.opts.Timeout + time.Second)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.out, b, r.err
	case <-timer.C:
		b.abort.Store(true)
		return nil, nil, fmt.Errorf("rendering did not finish within %s", rd.opts.Timeout)
	case <-ctx.Done():
		b.abort.Store(true)
		return nil, nil, ctx.Err()
	}
}

// setSources gives Helm the instrumented (or marked) text of every
// template of the tree; copies made for aliases share the files.
func (rd *renderer) setSources(c *chart.Chart, tmpls map[string]*tmplSource, mark bool) {
	for _, t := range c.Templates {
		if t == nil {
			continue
		}
		src := tmpls[path.Join(c.ChartFullPath(), t.Name)]
		if src == nil {
			continue
		}
		e := rd.sources[src.file]
		t.Data = e.text
		if mark && e.marked != nil {
			t.Data = e.marked
		}
	}
	for _, sub := range c.Dependencies() {
		rd.setSources(sub, tmpls, mark)
	}
}

// copyValues copies the maps and lists of render values, so that a
// template that changes them (set, unset) changes them for its pass only.
func copyValues(v any) any {
	switch v := v.(type) {
	case common.Values:
		out := make(common.Values, len(v))
		for k, e := range v {
			out[k] = copyValues(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = copyValues(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = copyValues(e)
		}
		return out
	}
	return v
}
