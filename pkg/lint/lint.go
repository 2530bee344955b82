// Package lint is the pipeline: it discovers the input files, loads them in
// parallel, builds the model, runs the engine, and turns what the rules
// return into located, sorted findings in a report.
package lint

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"sync"

	"github.com/salint/salint/pkg/engine"
	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/model"
	"github.com/salint/salint/pkg/render"
)

// Config is what one run reads and how.
type Config struct {
	Paths   []string  // files and directories; "-" is standard input
	Stdin   io.Reader // read for "-"
	Exclude []string  // globs of paths not to read
	// FollowSymlinks follows symlinks that lead outside Paths; without it
	// the walk skips them with a note.
	FollowSymlinks bool
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
	// Charts and Kustomizations render the Helm charts and build the
	// kustomizations the input holds; nil reads their files as plain YAML.
	Charts         render.Charts
	Kustomizations render.Kustomizations
	// NoSourceLines says that the report will not show source lines
	// (Finding.SourceLine stays empty), so a file's text is dropped as soon
	// as it is parsed instead of being held until the findings are located.
	NoSourceLines bool
	// OwnFiles are salint's own files (the configuration, a baseline, a
	// baseline or report it writes), compared by absolute path: found in a
	// directory being walked, or beside a named file, they are left out
	// entirely, neither read nor counted nor noted. A file named as a path
	// is read as any other: the user asked for it.
	OwnFiles []string
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
		perByte := int64(memoryPerInputByte)
		if eng.HasPolicies() {
			// Custom rules see every fact at once (measured: about 4 bytes
			// more per input byte), so the heap's budget grows with them.
			perByte += memoryPerInputBytePolicies
		}
		gc = newGCTuner(perByte) // kept for the report that follows the run
	}
	g := gather(ctx, cfg, jobs, gc)
	rep.Notes = g.notes
	// Files named one by one (a pre-commit hook) are read with their
	// siblings, for references only.
	var context []*model.Extracted
	siblings := contextFiles(g.plainNamed, cfg.Exclude)
	siblings = slices.DeleteFunc(siblings, ownFiles(cfg).has)
	if len(siblings) > 0 {
		ccfg := cfg
		ccfg.Paths, ccfg.Charts, ccfg.Kustomizations = siblings, nil, nil
		for _, l := range gather(ctx, ccfg, jobs, gc).results {
			for _, x := range l.xs {
				x.Context = true
				context = append(context, x)
			}
		}
		rep.Notes = append(rep.Notes, contextNote(len(siblings)))
	}
	for _, err := range g.errs {
		e := finding.InputError{Message: err.Error()}
		var pe *fs.PathError
		var ie finding.InputError
		switch {
		case errors.As(err, &pe):
			e = finding.InputError{Location: finding.Location{File: pe.Path}, Message: pe.Err.Error()}
		case errors.As(err, &ie):
			e = ie
		}
		rep.Errors = append(rep.Errors, e)
		rep.Summary.Documents++
	}
	in := assemble(g, rep)
	rep.Summary.Errors = len(rep.Errors)
	all, origins := in.objects, in.origins
	for _, x := range context {
		all, origins = append(all, x), append(origins, nil)
	}
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
	var disabled []string
	for id, off := range cfg.Disabled {
		if off {
			disabled = append(disabled, id)
		}
	}
	slices.Sort(disabled)
	raws, err := eng.Evaluate(ctx, m, params, jobs, disabled...)
	var failed engine.PolicyErrors
	if errors.As(err, &failed) {
		// A custom rule that failed costs its findings, not the run (exit 2).
		for _, pe := range failed {
			rep.Errors = append(rep.Errors, pe.InputError())
		}
		rep.Summary.Errors = len(rep.Errors)
	} else if err != nil {
		return nil, err
	}
	raws = configure(raws, cfg, m)

	known := func(idOrName string) bool { return eng.Rule(idOrName) != nil }
	var supNotes []string
	rep.Findings, supNotes = locateAll(raws, m, origins, in, cfg.MinSeverity, jobs, known)
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
	rep.Notes = uniqueNotes(append(rep.Notes, supNotes...))
	if rep.Summary.Objects == 0 {
		// A failed `helm template` piped in, or a path that holds no
		// manifest, must not look like a clean result.
		rep.Notes = append(rep.Notes, noObjectsNote(rep.Summary))
	}
	rep.CountFindings()
	finding.Sort(rep.Findings)
	finding.SortErrors(rep.Errors)
	return rep, nil
}

// uniqueNotes drops repeated notes (a chart's note comes once per
// scenario), keeping the first of each.
func uniqueNotes(notes []string) []string {
	seen := map[string]bool{}
	out := notes[:0]
	for _, n := range notes {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
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

// gcTuner makes the collector run less often, which saves much of the
// time a run spends collecting the garbage of parsing, while a soft memory
// limit that grows with the input read keeps the peak bounded. The limit
// also follows the live heap: an input whose live heap outgrows its budget
// (hundreds of thousands of tiny documents) would otherwise make the
// collector run without pause against a limit it can never get under.
type gcTuner struct {
	mu      sync.Mutex
	total   int64
	limit   int64
	perByte int64 // memory budget per input byte
}

func newGCTuner(perByte int64) *gcTuner {
	g := &gcTuner{limit: minMemoryLimit, perByte: perByte}
	debug.SetMemoryLimit(g.limit)
	debug.SetGCPercent(400)
	g.watch()
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
	g.raise(g.perByte * g.total)
}

// raise lifts the limit to want, when that is worth a call.
func (g *gcTuner) raise(want int64) {
	if want > g.limit+8<<20 {
		g.limit = want
		debug.SetMemoryLimit(want)
	}
}

// The limit stays at least liveHeadroom/2 times the live heap: the
// collector always has room to work. 5/2 rather than 2 since a run for a
// format without source lines drops the files' text (noscan bytes that cost
// the collector nothing to hold): measured on the 5,000-app bench tree, 2
// then cost 7% more CPU for 20% less RSS, 5/2 is 4% less CPU at the same RSS.
const liveHeadroom = 5

// watch checks the live heap after every collection: an object without
// references gets a finalizer that records the cycle and arms a new one.
func (g *gcTuner) watch() {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	type sentinel struct{ _ [16]byte }
	var arm func()
	arm = func() {
		runtime.SetFinalizer(&sentinel{}, func(*sentinel) {
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 {
				live := int64(sample[0].Value.Uint64())
				g.mu.Lock()
				g.raise(live * liveHeadroom / 2)
				g.mu.Unlock()
			}
			arm()
		})
	}
	arm()
}

const (
	minMemoryLimit             = 185 << 20
	memoryPerInputByte         = 5
	memoryPerInputBytePolicies = 4
)

// noObjectsNote says that a run checked nothing, and what it read.
func noObjectsNote(s finding.Summary) string {
	return fmt.Sprintf("no Kubernetes object was checked: the input held %d files and %d documents (%d skipped, %d in error)",
		s.Files, s.Documents, s.Skipped, s.Errors)
}
