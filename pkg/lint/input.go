package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/model"
	"github.com/salint/salint/pkg/render"
)

// A task is one piece of input: a plain file, a chart, or a kustomize entry
// point. Its slot orders the results, so that objects (and so references
// and output) come out in the same order whatever the number of workers.
type task struct {
	slot  int
	in    loader.Input
	chart string // a chart directory or archive to render
	entry string // a kustomize entry point to build
	// boundary is the directory the build may not read outside of.
	boundary string
	// only restricts the findings of a rendered unit to the files the user
	// named; nil reports every finding.
	only *namedFiles
}

// loaded is what a task produced.
type loaded struct {
	file  *loader.File // a plain file
	xs    []*model.Extracted
	units []*loadedUnit
	extra []string // a chart's manifest files that Helm does not render
	chart bool     // the task rendered a chart
}

// loadedUnit is a rendered unit with its documents parsed.
type loadedUnit struct {
	render.Unit
	scope string
	seq   int // position among the run's units
	// comments are the ignore comments of the unit's sources, by file and
	// line.
	comments map[string]map[int]string
	docs     []*loader.File
	xs       [][]*model.Extracted // by document
	only     *namedFiles
}

// origin ties a rendered object to its unit and stream, for locating.
type origin struct {
	unit *loadedUnit
	doc  *render.Doc
}

// namedFiles are the files (and directories) a user named inside a chart or
// a kustomize tree: only findings located in them are reported.
type namedFiles struct {
	files map[string]bool // absolute, clean
	dirs  []string        // absolute, clean
}

func (n *namedFiles) add(path string, dir bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = filepath.Clean(path)
	}
	if dir {
		n.dirs = append(n.dirs, abs)
		return
	}
	n.files[abs] = true
}

// has reports whether a finding located in file is to be reported.
func (n *namedFiles) has(file string) bool {
	if n == nil {
		return true
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		abs = filepath.Clean(file)
	}
	if n.files[abs] {
		return true
	}
	return slices.ContainsFunc(n.dirs, func(d string) bool { return render.Within(d, abs) })
}

// plan is how a run's paths are read: which go to the walk and which
// named files are read through a chart or a kustomize tree.
type plan struct {
	walk       []string               // paths for the walk
	charts     map[string]*namedFiles // chart roots reached from named paths
	chartOrder []string
	kustomize  []string // named files inside a kustomization's directory
	only       *namedFiles
}

// planNamed decides what to do with each path the user named. A file (or
// a directory) inside a chart renders the chart; a file below a
// kustomization may be consumed by kustomize builds, decided once they are
// built; everything else is walked as before.
func planNamed(cfg Config, excluded func(string) bool) plan {
	p := plan{charts: map[string]*namedFiles{}, only: &namedFiles{files: map[string]bool{}}}
	builds := map[string]bool{} // real paths of the files named for kustomize builds
	for _, path := range cfg.Paths {
		if path == "-" || cfg.Charts == nil && cfg.Kustomizations == nil {
			p.walk = append(p.walk, path)
			continue
		}
		fi, err := os.Stat(path)
		if err != nil || !fi.IsDir() && !fi.Mode().IsRegular() {
			p.walk = append(p.walk, path) // the walk says what is wrong
			continue
		}
		if !fi.IsDir() && excluded(path) {
			continue
		}
		if cfg.Charts != nil && (!fi.Mode().IsRegular() || !cfg.Charts.IsArchive(path)) {
			if root := chartAbove(cfg.Charts, path, fi.IsDir()); root != "" {
				only := p.charts[root]
				if only == nil {
					only = &namedFiles{files: map[string]bool{}}
					p.charts[root] = only
					p.chartOrder = append(p.chartOrder, root)
				}
				only.add(path, fi.IsDir())
				continue
			}
		}
		if !fi.IsDir() && cfg.Kustomizations != nil && kustomizationAbove(cfg.Kustomizations, path) {
			real := realPathOf(path)
			if builds[real] {
				continue // named twice
			}
			builds[real] = true
			p.kustomize = append(p.kustomize, path)
			p.only.add(path, false)
			continue
		}
		p.walk = append(p.walk, path)
	}
	return p
}

// realPathOf is path made absolute with every symlink resolved, to tell
// whether two names reach one file.
func realPathOf(path string) string {
	if real, err := filepath.EvalSymlinks(absClean(path)); err == nil {
		return real
	}
	return absClean(path)
}

// chartAbove returns the chart that path (a file, or a directory other than
// the chart's root) belongs to: the nearest enclosing chart root, or that
// chart's parent when it is a subchart vendored in a parent's charts/.
func chartAbove(charts render.Charts, path string, isDir bool) string {
	boundary := render.Boundary(path)
	dir := filepath.Dir(path)
	if isDir {
		dir = path
		if isChartDir(charts, dir) {
			return "" // a chart named as such is walked and claimed
		}
	}
	root := ""
	for d := dir; ; d = filepath.Dir(d) {
		abs, err := filepath.Abs(d)
		if err != nil || !render.Within(boundary, abs) {
			break
		}
		if isChartDir(charts, d) {
			root = d
			// A vendored subchart renders with its parent.
			if parent := filepath.Dir(d); filepath.Base(parent) == "charts" && isChartDir(charts, filepath.Dir(parent)) {
				continue
			}
			break
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return root
}

func isChartDir(charts render.Charts, dir string) bool {
	names, err := dirNames(dir)
	return err == nil && charts.IsChart(dir, names)
}

func dirNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names, nil
}

// kustomizationAbove reports whether a directory holding file, up to the
// boundary, holds a kustomization: only then can a build consume the file.
func kustomizationAbove(k render.Kustomizations, file string) bool {
	boundary := render.Boundary(file)
	for d := filepath.Dir(file); ; d = filepath.Dir(d) {
		abs, err := filepath.Abs(d)
		if err != nil || !render.Within(boundary, abs) {
			return false
		}
		if names, err := dirNames(d); err == nil && k.IsKustomization(d, names) {
			return true
		}
		if filepath.Dir(d) == d {
			return false
		}
	}
}

// maxScannedDirs bounds the search for kustomizations when a named file may
// be consumed by one: a repository of more directories is searched in part.
const maxScannedDirs = 100_000

// kustomizationsAround lists the kustomization directories of the
// repository (the boundary) holding a named file, named relative to the
// working directory when the file is named relatively.
func kustomizationsAround(k render.Kustomizations, file string) (roots []string, note string) {
	boundary := render.Boundary(file)
	base := boundary
	if !filepath.IsAbs(file) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, boundary); err == nil {
				base = rel
			}
		}
	}
	seen := 0
	var walk func(dir string)
	walk = func(dir string) {
		if seen++; seen > maxScannedDirs {
			return
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return
		}
		names := make([]string, len(entries))
		for i, e := range entries {
			names[i] = e.Name()
		}
		if k.IsKustomization(dir, names) {
			roots = append(roots, dir)
		}
		for _, e := range entries {
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") && e.Name() != "node_modules" {
				walk(filepath.Join(dir, e.Name()))
			}
		}
	}
	walk(base)
	if seen > maxScannedDirs {
		note = fmt.Sprintf("%s: searched only %d directories for the kustomizations that may use the named files", base, maxScannedDirs)
	}
	return roots, note
}

// gathered is everything read, in slot order.
type gathered struct {
	results []*loaded
	notes   []string
	errs    []error
	// plainNamed are the files named one by one that were read as plain
	// manifests (their siblings are read for references).
	plainNamed []string
}

// gather walks the input and reads, renders and builds it in parallel.
// Plain files are read as the walk finds them; charts are rendered as
// they are found; kustomize entry points are built once the walk has seen
// every kustomization; files below a kustomization are read on their own
// only when no build consumed them.
func gather(ctx context.Context, cfg Config, jobs int, gc *gcTuner) *gathered {
	g := &gathered{}
	excluded, err := loader.Excluder(cfg.Exclude)
	if err != nil {
		g.errs = append(g.errs, err)
		return g
	}
	pl := planNamed(cfg, excluded)
	g.plainNamed = pl.walk
	var (
		mu      sync.Mutex
		results = map[int]*loaded{}
	)
	store := func(slot int, l *loaded) {
		mu.Lock()
		results[slot] = l
		mu.Unlock()
	}
	opts := loader.Options{MaxFileSize: cfg.MaxFileSize, Kinds: model.Kinds}
	run := func(feed func(chan<- task)) {
		tasks := make(chan task, 64)
		var wg sync.WaitGroup
		for range jobs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for t := range tasks {
					store(t.slot, perform(ctx, t, cfg, opts, gc))
				}
			}()
		}
		feed(tasks)
		close(tasks)
		wg.Wait()
	}

	slot := 0
	var deferred []task // files below a kustomization, read once builds are done
	// Kustomizations found, with the boundary each may not read outside
	// of: that of the path the user named that holds it.
	var kroots []string
	kbound := map[string]string{}
	walkBoundary := make([]string, len(pl.walk))
	for i, w := range pl.walk {
		walkBoundary[i] = render.Boundary(w)
	}
	boundaryOf := func(path string) string {
		abs := absClean(path)
		for i, w := range pl.walk {
			if render.Within(absClean(w), abs) {
				return walkBoundary[i]
			}
		}
		return render.Boundary(path)
	}
	run(func(tasks chan<- task) {
		under := map[string]bool{}   // kustomization directories met by the walk
		claimed := map[string]bool{} // charts met by the walk
		claim := func(path string, isDir bool, names []string) bool {
			if isDir {
				if cfg.Charts != nil && cfg.Charts.IsChart(path, names) {
					return true
				}
				if cfg.Kustomizations != nil && cfg.Kustomizations.IsKustomization(path, names) {
					under[filepath.Clean(path)] = true
					kroots = append(kroots, path)
					kbound[path] = boundaryOf(path)
				}
				return false
			}
			return cfg.Charts != nil && cfg.Charts.IsArchive(path)
		}
		if cfg.Charts == nil && cfg.Kustomizations == nil {
			claim = nil
		}
		// A file named for kustomize builds that a walked directory holds
		// too is read once, by its name.
		named := map[string]bool{}
		for _, f := range pl.kustomize {
			named[realPathOf(f)] = true
		}
		wopts := loader.WalkOptions{Exclude: cfg.Exclude, Claim: claim, FollowSymlinks: cfg.FollowSymlinks}
		own := ownFiles(cfg)
		notes, errs := loader.Walk(pl.walk, wopts, func(in loader.Input) {
			if !in.Stdin && own.found(in.Path) {
				return
			}
			t := task{slot: slot, in: in}
			slot++
			switch {
			case in.Claimed:
				t.in, t.chart = loader.Input{}, in.Path
				claimed[absClean(in.Path)] = true
			case !in.Stdin && belowAny(under, in.Path):
				if len(named) > 0 && named[realPathOf(in.Path)] {
					return
				}
				deferred = append(deferred, t)
				return
			}
			tasks <- t
		})
		g.notes, g.errs = append(g.notes, notes...), append(g.errs, errs...)
		// Charts of named files, unless the walk rendered them whole.
		for _, root := range pl.chartOrder {
			if !claimed[absClean(root)] {
				tasks <- task{slot: slot, chart: root, only: pl.charts[root]}
				slot++
			}
		}
		if cfg.Kustomizations == nil {
			return
		}
		// Named files below a kustomization: the kustomizations of their
		// repository that reach them.
		var wanted map[string]bool // absolute kustomization directories
		if len(pl.kustomize) > 0 {
			wanted = map[string]bool{}
			seen := map[string]bool{}
			for _, f := range pl.kustomize {
				roots, note := kustomizationsAround(cfg.Kustomizations, f)
				if note != "" {
					g.notes = append(g.notes, note)
				}
				for _, r := range roots {
					if !seen[r] {
						seen[r] = true
						kroots = append(kroots, r)
						if _, ok := kbound[r]; !ok {
							kbound[r] = render.Boundary(f)
						}
					}
				}
				for d := filepath.Dir(f); ; d = filepath.Dir(d) {
					if abs, err := filepath.Abs(d); err == nil {
						wanted[abs] = true
					}
					if filepath.Dir(d) == d || d == "." {
						break
					}
				}
			}
		}
		if len(kroots) == 0 {
			return
		}
		// Each repository is planned apart: none may read outside its own.
		byBoundary := map[string][]string{}
		var boundaries []string
		for _, r := range dedupe(kroots) {
			b := kbound[r]
			if _, ok := byBoundary[b]; !ok {
				boundaries = append(boundaries, b)
			}
			byBoundary[b] = append(byBoundary[b], r)
		}
		for _, b := range boundaries {
			kp, perrs := cfg.Kustomizations.Plan(byBoundary[b], b)
			for _, e := range perrs {
				g.errs = append(g.errs, e)
			}
			for _, entry := range kp.Entries() {
				t := task{slot: slot, entry: entry, boundary: b}
				if wanted != nil && !fromWalk(entry, under) {
					if !slices.ContainsFunc(kp.Reaches(entry), func(d string) bool {
						abs, err := filepath.Abs(d)
						return err == nil && wanted[abs]
					}) {
						continue
					}
					t.only = pl.only
				}
				slot++
				tasks <- t
			}
		}
	})

	// What no build consumed is read on its own, as are the files of a
	// chart directory that Helm does not render.
	consumed := map[string]bool{}
	for _, l := range results {
		for _, u := range l.units {
			for _, f := range u.Consumed {
				consumed[absClean(f)] = true
			}
		}
	}
	var second []task
	for _, t := range deferred {
		if !consumed[absClean(t.in.Path)] {
			second = append(second, t)
		}
	}
	for _, f := range pl.kustomize {
		if !consumed[absClean(f)] {
			second = append(second, task{slot: slot, in: loader.Input{Path: f}})
			g.plainNamed = append(g.plainNamed, f)
			slot++
		}
	}
	slots := make([]int, 0, len(results))
	for s := range results {
		slots = append(slots, s)
	}
	slices.Sort(slots)
	for _, s := range slots {
		for _, x := range results[s].extra {
			// A chart's stray manifest may be a kustomize resource.
			if !excluded(x) && !consumed[absClean(x)] {
				second = append(second, task{slot: slot, in: loader.Input{Path: x}})
				slot++
			}
		}
	}
	if len(second) > 0 {
		run(func(tasks chan<- task) {
			for _, t := range second {
				tasks <- t
			}
		})
	}
	slots = slots[:0]
	for s := range results {
		slots = append(slots, s)
	}
	slices.Sort(slots)
	for _, s := range slots {
		g.results = append(g.results, results[s])
	}
	return g
}

// ownSet is Config.OwnFiles, and the files named as paths, by absolute
// path.
// bases holds their base names, which rule out most files without a
// system call.
type ownSet struct{ own, named, bases map[string]bool }

func ownFiles(cfg Config) ownSet {
	s := ownSet{own: map[string]bool{}, named: map[string]bool{}, bases: map[string]bool{}}
	for _, f := range cfg.OwnFiles {
		s.own[absClean(f)] = true
		s.bases[filepath.Base(f)] = true
	}
	if len(s.own) > 0 {
		for _, p := range cfg.Paths {
			if p != "-" {
				s.named[absClean(p)] = true
			}
		}
	}
	return s
}

// has says whether path is one of salint's own files.
func (s ownSet) has(path string) bool {
	return s.bases[filepath.Base(path)] && s.own[absClean(path)]
}

// found says whether the walk should leave path out: one of salint's own
// files that the user did not name.
func (s ownSet) found(path string) bool {
	return s.has(path) && !s.named[absClean(path)]
}

func absClean(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}

func dedupe(paths []string) []string {
	seen := map[string]bool{}
	out := paths[:0:0]
	for _, p := range paths {
		if k := absClean(p); !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}

// belowAny reports whether path is inside one of dirs (clean paths as the
// walk names them).
func belowAny(dirs map[string]bool, path string) bool {
	if len(dirs) == 0 {
		return false
	}
	for d := filepath.Dir(path); ; d = filepath.Dir(d) {
		if dirs[d] {
			return true
		}
		if parent := filepath.Dir(d); parent == d {
			return false
		}
	}
}

// fromWalk reports whether a kustomization directory was met by the walk
// (as opposed to found around a named file).
func fromWalk(dir string, walked map[string]bool) bool {
	return walked[filepath.Clean(dir)]
}

// perform carries out one task. A bug that panics on some input costs that
// input, reported as an input error, not the run.
func perform(ctx context.Context, t task, cfg Config, opts loader.Options, gc *gcTuner) (l *loaded) {
	name := t.in.Path
	switch {
	case t.chart != "":
		name = t.chart
	case t.entry != "":
		name = t.entry
	}
	defer func() {
		if r := recover(); r != nil {
			l = &loaded{file: &loader.File{Path: name, Documents: 1, Errors: []finding.InputError{{
				Location: finding.Location{File: name},
				Message:  fmt.Sprintf("internal error while reading this input (please report it): %v", r),
			}}}}
		}
	}()
	switch {
	case t.chart != "":
		cr := cfg.Charts.Render(ctx, t.chart)
		l = &loaded{extra: cr.Extra, chart: true}
		for _, u := range cr.Units {
			l.units = append(l.units, parseUnit(u, t.only, cfg, opts, gc))
		}
		return l
	case t.entry != "":
		u := cfg.Kustomizations.Build(ctx, t.entry, t.boundary)
		return &loaded{units: []*loadedUnit{parseUnit(u, t.only, cfg, opts, gc)}}
	}
	f, xs := readFile(t.in, cfg, opts)
	gc.add(int64(len(f.Content)))
	if len(f.Objects) == 0 || cfg.NoSourceLines {
		f.Content = nil // no finding will show a line of it
	}
	return &loaded{file: f, xs: xs}
}

// parseUnit reads a unit's rendered streams like files and extracts their
// objects.
func parseUnit(u render.Unit, only *namedFiles, cfg Config, opts loader.Options, gc *gcTuner) *loadedUnit {
	lu := &loadedUnit{Unit: u, only: only, comments: map[string]map[int]string{}}
	lu.scope = string(u.Kind) + ":" + u.Root
	if u.Scenario != "" {
		lu.scope += "#" + u.Scenario
	}
	for i := range u.Docs {
		d := &u.Docs[i]
		f := loader.Parse(d.Name, d.Text, opts)
		gc.add(int64(len(d.Text)))
		f.Content = nil
		lu.mapComments(d, f.Comments)
		xs := make([]*model.Extracted, len(f.Objects))
		for k, o := range f.Objects {
			if d.File != "" {
				o.File = d.File
			}
			xs[k] = model.Extract(o, cfg.Namespace)
			xs[k].Scope, xs[k].Dir = lu.scope, u.Root
		}
		lu.docs = append(lu.docs, f)
		lu.xs = append(lu.xs, xs)
	}
	if u.Kind == render.Kustomize {
		// Kustomize drops comments: they are read in the sources.
		for name, content := range u.Files {
			if c := loader.IgnoreComments(content, opts); len(c) > 0 {
				lu.comments[name] = c
			}
		}
	}
	return lu
}

// mapComments records the ignore comments of a rendered stream (real YAML
// comments, which Helm keeps) at the source lines they came from.
func (u *loadedUnit) mapComments(d *render.Doc, comments map[int]string) {
	for line, text := range comments {
		file, at := d.File, line
		if file == "" {
			if d.Map == nil {
				continue
			}
			pos := loader.Pos{Line: line, Column: 1}
			m := d.Map.Locate(render.Node{Pos: pos, Object: pos})
			file, at = m.Location.File, m.Location.Line
		}
		if file == "" || at < 1 {
			continue
		}
		if u.comments[file] == nil {
			u.comments[file] = map[int]string{}
		}
		u.comments[file][at] = text
	}
}

// unitName describes a unit in messages: "chart deploy/web", "chart
// deploy/web with ci/x-values.yaml", "kustomization deploy/overlays/prod".
func unitName(u *render.Unit) string {
	switch u.Kind {
	case render.Helm:
		if u.Scenario != "" {
			return "chart " + u.Root + " with values " + strings.TrimPrefix(u.Scenario, strings.TrimSuffix(u.Root, string(filepath.Separator))+string(filepath.Separator))
		}
		return "chart " + u.Root
	case render.Kustomize:
		return "kustomization " + u.Root
	}
	return u.Root
}
