// Package lint is the pipeline: it discovers the input files, loads them in
// parallel, builds the model, runs the engine, and turns what the rules
// return into located, sorted findings in a report.
package lint

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

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
	MaxFileSize          int64
	Jobs                 int // parallel workers; 0 means one per CPU
	// Params override rule parameters by rule ID.
	Params map[string]map[string]any
	// MinSeverity drops findings below it.
	MinSeverity finding.Severity
	// TuneGC lets the run trade memory for speed within a budget that
	// grows with the input (see tuneGC); for a command, not a library.
	TuneGC bool
	// Trace, when set, receives the duration of each stage.
	Trace io.Writer
}

func (c Config) trace(stage string, since time.Time) time.Time {
	now := time.Now()
	if c.Trace != nil {
		fmt.Fprintf(c.Trace, "salint: %-8s %v\n", stage, now.Sub(since).Round(time.Millisecond))
	}
	return now
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

	t := time.Now()
	inputs, notes, errs := loader.Discover(cfg.Paths, cfg.Exclude)
	t = cfg.trace("discover", t)
	rep.Notes = notes
	for _, err := range errs {
		rep.Errors = append(rep.Errors, finding.InputError{Message: err.Error()})
		rep.Summary.Documents++
	}

	if cfg.TuneGC {
		defer tuneGC(inputs)()
	}
	files, extracted := load(inputs, cfg, jobs)
	t = cfg.trace("load", t)
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
	m := model.Build(all, model.Options{Namespace: cfg.Namespace, KnownServiceAccounts: cfg.KnownServiceAccounts})
	t = cfg.trace("model", t)

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
	t = cfg.trace("rules", t)

	src := newSources(files)
	rep.Summary.BySeverity = map[finding.Severity]int{}
	for _, raw := range raws {
		if raw.Severity < cfg.MinSeverity {
			continue
		}
		rep.Findings = append(rep.Findings, locate(raw, m, src))
		rep.Summary.BySeverity[raw.Severity]++
	}
	rep.Summary.Findings = len(rep.Findings)
	finding.Sort(rep.Findings)
	finding.SortErrors(rep.Errors)
	cfg.trace("locate", t)
	return rep, nil
}

// load reads and parses every input in parallel, keeping input order.
func load(inputs []loader.Input, cfg Config, jobs int) ([]*loader.File, [][]*model.Extracted) {
	files := make([]*loader.File, len(inputs))
	extracted := make([][]*model.Extracted, len(inputs))
	opts := loader.Options{MaxFileSize: cfg.MaxFileSize, Kinds: model.Kinds}
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(jobs, max(1, len(inputs))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f := loader.Read(inputs[i], cfg.Stdin, opts)
				xs := make([]*model.Extracted, len(f.Objects))
				for j, o := range f.Objects {
					xs[j] = model.Extract(o, cfg.Namespace)
				}
				if !inputs[i].Stdin {
					f.Content = nil // read again for the few lines a report shows
				}
				files[i], extracted[i] = f, xs
			}
		}()
	}
	for i := range inputs {
		next <- i
	}
	close(next)
	wg.Wait()
	return files, extracted
}

func locate(raw engine.Raw, m *model.Model, src *sources) finding.Finding {
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
	f.SourceLine = src.line(o.File, pos.Line)
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

// tuneGC makes the collector run less often, which saves much of the time a
// run spends collecting the garbage of parsing, while a soft memory limit
// proportional to the input keeps the peak bounded. It returns a function
// that restores the previous settings.
func tuneGC(inputs []loader.Input) func() {
	var total int64
	for _, in := range inputs {
		total += in.Size
	}
	limit := max(minMemoryLimit, memoryPerInputByte*total)
	oldLimit := debug.SetMemoryLimit(limit)
	oldPercent := debug.SetGCPercent(400)
	return func() {
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	}
}

const (
	minMemoryLimit     = 160 << 20
	memoryPerInputByte = 5
)
