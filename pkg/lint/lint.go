// Package lint is the pipeline: it discovers the input files, loads them in
// parallel, builds the model, runs the engine, and turns what the rules
// return into located, sorted findings in a report.
package lint

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"

	"github.com/salint/salint/internal/par"
	"github.com/salint/salint/pkg/engine"
	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/model"
)

// Config is what one run reads and how.
type Config struct {
	Paths   []string  // files and directories; "-" is standard input
	Stdin   io.Reader // read for "-"
	Exclude []string  // globs of paths not to read
	// Namespace is the namespace of objects that name none.
	Namespace            string
	KnownServiceAccounts []string
	// KnownRoles are roles defined outside the input, as
	// "ClusterRole/name" or "Role/namespace/name".
	KnownRoles  []string
	MaxFileSize int64
	Jobs        int // parallel workers; 0 means one per CPU
	// Params override rule parameters by rule ID.
	Params map[string]map[string]any
	// MinSeverity drops findings below it.
	MinSeverity finding.Severity
	// Disabled rules (by ID) are not reported; Severity replaces the
	// severity of every finding of a rule (by ID).
	Disabled map[string]bool
	Severity map[string]finding.Severity
	// Exempt reports whether configuration exempts a finding of the rule on
	// that object, and why; the finding is then suppressed.
	Exempt func(ruleID, kind, namespace, name string) (reason string, ok bool)
	// TuneGC lets the process trade memory for speed within a budget that
	// grows with the input (see gcTuner), for the run and what follows it;
	// for a command, not a library.
	TuneGC bool
}

// Run lints everything cfg names with the engine's rules.
func Run(ctx context.Context, eng *engine.Engine, cfg Config) (*finding.Report, error) {
	jobs := cfg.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	if cfg.Namespace == "" {
		cfg.Namespace = "default"
	}
	rep := &finding.Report{Rules: eng.Rules()}

	var gc *gcTuner
	if cfg.TuneGC {
		gc = newGCTuner() // kept for the report that follows the run
	}
	files, extracted, notes, errs := load(cfg, jobs, gc)
	rep.Notes = notes
	// Files named one by one (a pre-commit hook) are read with their
	// siblings, for references only.
	var context []*model.Extracted
	if siblings := contextFiles(cfg.Paths, cfg.Exclude); len(siblings) > 0 {
		ccfg := cfg
		ccfg.Paths = siblings
		_, cx, _, _ := load(ccfg, jobs, gc)
		for _, xs := range cx {
			for _, x := range xs {
				x.Context = true
				context = append(context, x)
			}
		}
		rep.Notes = append(rep.Notes, contextNote(len(siblings)))
	}
	for _, err := range errs {
		e := finding.InputError{Message: err.Error()}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			e = finding.InputError{Location: finding.Location{File: pe.Path}, Message: pe.Err.Error()}
		}
		rep.Errors = append(rep.Errors, e)
		rep.Summary.Documents++
	}
	var all []*model.Extracted
	for i, f := range files {
		rep.Summary.Files++
		rep.Summary.Documents += f.Documents
		rep.Summary.Objects += len(f.Objects)
		rep.Summary.Skipped += len(f.Skipped)
		rep.Errors = append(rep.Errors, f.Errors...)
		rep.Skipped = append(rep.Skipped, f.Skipped...)
		all = append(all, extracted[i]...)
	}
	rep.Summary.Errors = len(rep.Errors)
	all = append(all, context...)
	m := model.Build(all, model.Options{Namespace: cfg.Namespace, KnownServiceAccounts: cfg.KnownServiceAccounts, KnownRoles: cfg.KnownRoles})
	// What a workload's token may do depends on which granted rules the
	// RBAC library calls dangerous: classify them before the rules run.
	cls, err := eng.Classify(ctx, m.GrantRoles(), jobs)
	if err != nil {
		return nil, err
	}
	m.ResolveTokens(cls)
	rep.Notes = append(rep.Notes, m.Notes...)

	params := map[string]map[string]any{}
	for _, r := range eng.Rules() {
		p := maps.Clone(eng.Params(r.ID))
		if p == nil {
			p = map[string]any{}
		}
		maps.Copy(p, cfg.Params[r.ID])
		params[r.ID] = p
	}
	raws, err := eng.Evaluate(ctx, m, params, jobs)
	if err != nil {
		return nil, err
	}
	raws = configure(raws, cfg, m)

	known := func(idOrName string) bool { return eng.Rule(idOrName) != nil }
	var supNotes []string
	rep.Findings, supNotes = locateAll(raws, m, files, cfg.MinSeverity, jobs, known)
	if cfg.Exempt != nil {
		for i := range rep.Findings {
			f := &rep.Findings[i]
			if f.Suppressed {
				continue
			}
			if reason, ok := cfg.Exempt(f.Rule.ID, f.Object.Kind, f.Object.Namespace, f.Object.Name); ok {
				f.Suppressed, f.Justification = true, reason
			}
		}
	}
	rep.Notes = append(rep.Notes, supNotes...)
	rep.CountFindings()
	finding.Sort(rep.Findings)
	finding.SortErrors(rep.Errors)
	return rep, nil
}

// configure drops the findings of disabled rules and of objects read for
// references only, and applies severity overrides, before findings are
// located.
func configure(raws []engine.Raw, cfg Config, m *model.Model) []engine.Raw {
	kept := raws[:0]
	for _, r := range raws {
		if cfg.Disabled[r.Rule.ID] || m.Objects[r.Ref].Context {
			continue // a disabled rule, or a file read for references only
		}
		if sev, ok := cfg.Severity[r.Rule.ID]; ok {
			r.Severity = sev
		}
		kept = append(kept, r)
	}
	return kept
}

// load walks the paths and reads and parses the files found in parallel,
// while the walk goes on; results keep the walk's order.
func load(cfg Config, jobs int, gc *gcTuner) ([]*loader.File, [][]*model.Extracted, []string, []error) {
	type job struct {
		i  int
		in loader.Input
	}
	var (
		mu        sync.Mutex
		files     []*loader.File
		extracted [][]*model.Extracted
		notes     []string
		errs      []error
	)
	next := make(chan job, 64)
	go func() {
		n := 0
		notes, errs = loader.Walk(cfg.Paths, cfg.Exclude, nil, func(in loader.Input) {
			next <- job{n, in}
			n++
		})
		close(next)
	}()
	opts := loader.Options{MaxFileSize: cfg.MaxFileSize, Kinds: model.Kinds}
	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				f, xs := readFile(j.in, cfg, opts)
				gc.add(int64(len(f.Content)))
				if !j.in.Stdin {
					f.Content = nil // read again for the few lines a report shows
				}
				mu.Lock()
				for len(files) <= j.i {
					files, extracted = append(files, nil), append(extracted, nil)
				}
				files[j.i], extracted[j.i] = f, xs
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return files, extracted, notes, errs
}

// readFile reads one input and extracts its facts. A bug that panics on
// some input costs that file, reported as an input error, not the run.
func readFile(in loader.Input, cfg Config, opts loader.Options) (f *loader.File, xs []*model.Extracted) {
	defer func() {
		if r := recover(); r != nil {
			f = &loader.File{Path: in.Path, Documents: 1, Errors: []finding.InputError{{
				Location: finding.Location{File: in.Path},
				Message:  fmt.Sprintf("internal error while reading this file (please report it): %v", r),
			}}}
			xs = nil
		}
	}()
	f = loader.Read(in, cfg.Stdin, opts)
	xs = make([]*model.Extracted, len(f.Objects))
	for k, o := range f.Objects {
		xs[k] = model.Extract(o, cfg.Namespace)
	}
	return f, xs
}

// locateAll turns raw findings into located ones, a file at a time across
// workers, so that each file with findings is read once.
func locateAll(raws []engine.Raw, m *model.Model, files []*loader.File, minSeverity finding.Severity, jobs int, known func(string) bool) ([]finding.Finding, []string) {
	byFile := map[string][]int{}
	var order []string
	for i, raw := range raws {
		if raw.Severity < minSeverity {
			continue
		}
		file := m.Objects[raw.Ref].Source.File
		if _, ok := byFile[file]; !ok {
			order = append(order, file)
		}
		byFile[file] = append(byFile[file], i)
	}
	fileByPath := make(map[string]*loader.File, len(files))
	for _, f := range files {
		fileByPath[f.Path] = f
	}
	out := make([][]finding.Finding, len(order))
	notes := make([][]string, len(order))
	par.Each(len(order), jobs, func(i int) {
		fs := make([]finding.Finding, 0, len(byFile[order[i]]))
		objs := make([]*model.Extracted, 0, len(byFile[order[i]]))
		for _, r := range byFile[order[i]] {
			fs = append(fs, locate(raws[r], m))
			objs = append(objs, m.Objects[raws[r].Ref])
		}
		idx := make([]int, len(fs))
		for j := range idx {
			idx[j] = j
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(fs[a].Line, fs[b].Line) })
		src := readLines(fileByPath[order[i]])
		sup := &suppressor{known: known, seen: map[string]bool{}}
		sorted := make([]finding.Finding, len(fs))
		for k, j := range idx {
			f := &fs[j]
			above := src.get(f.Line - 1)
			f.SourceLine = src.get(f.Line)
			if !sup.annotation(f, objs[j]) {
				sup.comment(f, f.SourceLine, above)
			}
			sorted[k] = *f
		}
		out[i], notes[i] = sorted, sup.notes
	})
	var all []finding.Finding
	var allNotes []string
	for i := range out {
		all = append(all, out[i]...)
		allNotes = append(allNotes, notes[i]...)
	}
	return all, allNotes
}

func locate(raw engine.Raw, m *model.Model) finding.Finding {
	x := m.Objects[raw.Ref]
	o := x.Source
	pos := o.Pos(raw.Path)
	f := finding.Finding{
		Rule:     raw.Rule,
		Severity: raw.Severity,
		Message:  raw.Message,
		Location: finding.Location{File: o.File, Line: pos.Line, Column: pos.Column},
		Object: finding.Object{
			APIVersion: x.APIVersion, Kind: x.Kind, Namespace: x.Namespace, Name: x.Name,
		},
		Path:       raw.Path.String(),
		HelmSource: o.HelmSource,
	}
	for _, rel := range raw.Related {
		if rel.Ref < 0 || rel.Ref >= len(m.Objects) {
			continue
		}
		ro := m.Objects[rel.Ref].Source
		rp := ro.Pos(rel.Path)
		f.Related = append(f.Related, finding.Related{
			Location: finding.Location{File: ro.File, Line: rp.Line, Column: rp.Column},
			Message:  rel.Message,
		})
	}
	f.Fingerprint = fingerprint(raw.Rule.ID, f.Object, f.Path)
	return f
}

// fingerprint identifies a finding by rule, object and field, so that it
// survives lines moving and files being reformatted.
func fingerprint(rule string, o finding.Object, path string) string {
	h := sha256.New()
	for _, s := range []string{rule, o.Kind, o.Namespace, o.Name, path} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// gcTuner makes the collector run less often, which saves much of the
// time a run spends collecting the garbage of parsing, while a soft memory
// limit that grows with the input read keeps the peak bounded.
type gcTuner struct {
	mu    sync.Mutex
	total int64
	limit int64
}

func newGCTuner() *gcTuner {
	g := &gcTuner{limit: minMemoryLimit}
	debug.SetMemoryLimit(g.limit)
	debug.SetGCPercent(400)
	return g
}

// add accounts for the bytes of one more input file.
func (g *gcTuner) add(size int64) {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.total += size
	if want := memoryPerInputByte * g.total; want > g.limit+8<<20 {
		g.limit = want
		debug.SetMemoryLimit(want)
	}
}

const (
	minMemoryLimit     = 185 << 20
	memoryPerInputByte = 5
)
