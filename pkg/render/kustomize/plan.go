package kustomize

import (
	"context"
	"path/filepath"
	"sort"

	"github.com/salint/salint/pkg/finding"
)

// Plan is the static view of a set of kustomizations: which of them are
// entry points, and which kustomizations each builds on. It comes from
// reading the kustomization files only; nothing is built.
type Plan struct {
	// Entries are the kustomizations of the set that no other
	// kustomization of the set builds on (as a resource, base or
	// component, directly or not), sorted. When kustomizations use each
	// other in a cycle, the first of the cycle by name is an entry point.
	Entries []string

	nodes map[string]*planNode // by real directory
	real  map[string]string    // a directory as the caller names it → its real path
}

type planNode struct {
	name string
	uses []string // real directories
}

// NewPlan reads the kustomization files of dirs (as the caller names them)
// and of every kustomization they build on inside opts.Boundary, and works
// out the entry points. A directory that holds no kustomization file is an
// error; kustomization files that do not parse are left to Build to report.
func NewPlan(dirs []string, opts Options) (*Plan, []finding.InputError) {
	p := &Plan{nodes: map[string]*planNode{}, real: map[string]string{}}
	var errs []finding.InputError
	boundaryName := opts.Boundary
	if boundaryName == "" {
		boundaryName = "."
	}
	boundary, err := realDir(boundaryName)
	if err != nil {
		return p, []finding.InputError{{Location: finding.Location{File: boundaryName}, Message: "kustomize boundary: " + err.Error()}}
	}
	g := newGuardedFS(context.TODO(), boundary, opts.maxFileSize())
	var inputs []string // real directories, in the order given
	for _, d := range dirs {
		real, err := realDir(d)
		if err == nil && !within(boundary, real) {
			err = errOutsideBoundary
		}
		if err == nil && !IsKustomization(real) {
			err = errNoKustomization
		}
		if err != nil {
			errs = append(errs, finding.InputError{Location: finding.Location{File: d}, Message: "kustomization: " + err.Error()})
			continue
		}
		if _, dup := p.nodes[real]; dup {
			continue
		}
		p.nodes[real] = &planNode{name: d}
		p.real[d] = real
		inputs = append(inputs, real)
	}
	for _, real := range inputs {
		p.walk(real, g)
	}
	covered := map[string]bool{}
	var entries []string
	for _, r := range inputs {
		used := false
		for _, other := range inputs {
			if other != r && p.reachReal(other)[r] {
				used = true
				break
			}
		}
		if !used {
			entries = append(entries, r)
			for x := range p.reachReal(r) {
				covered[x] = true
			}
		}
	}
	// Kustomizations that use each other in a cycle: the first by name.
	rest := []string{}
	for _, r := range inputs {
		if !covered[r] {
			rest = append(rest, r)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return p.nodes[rest[i]].name < p.nodes[rest[j]].name })
	for _, r := range rest {
		if covered[r] {
			continue
		}
		entries = append(entries, r)
		for x := range p.reachReal(r) {
			covered[x] = true
		}
	}
	for _, r := range entries {
		p.Entries = append(p.Entries, p.nodes[r].name)
	}
	sort.Strings(p.Entries)
	return p, errs
}

type planError string

func (e planError) Error() string { return string(e) }

const (
	errOutsideBoundary = planError("outside the boundary")
	errNoKustomization = planError("no kustomization.yaml, kustomization.yml or Kustomization")
)

// walk parses the kustomization of real directory dir and of every
// directory it builds on, once each.
func (p *Plan) walk(dir string, g *guardedFS) {
	n := p.nodes[dir]
	if n.uses != nil {
		return
	}
	n.uses = []string{}
	kf := loadKustFile(dir, g)
	if kf.err != nil {
		return
	}
	k := &kf.k
	var values []string
	for _, list := range [][]string{k.Resources, k.Bases, k.Components, k.Transformers, k.Generators, k.Validators} {
		values = append(values, list...)
	}
	for _, v := range values {
		r := resolve(g.boundary, dir, v)
		if r.kind != entryDir || !IsKustomization(r.real) {
			continue
		}
		n.uses = append(n.uses, r.real)
		if _, ok := p.nodes[r.real]; !ok {
			name := r.real
			if rel, err := filepath.Rel(dir, r.real); err == nil {
				name = filepath.Join(n.name, rel)
			}
			p.nodes[r.real] = &planNode{name: name}
		}
		p.walk(r.real, g)
	}
}

// reachReal returns the real directories dir builds on, itself included.
func (p *Plan) reachReal(dir string) map[string]bool {
	seen := map[string]bool{}
	stack := []string{dir}
	for len(stack) > 0 {
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[d] {
			continue
		}
		seen[d] = true
		if n, ok := p.nodes[d]; ok {
			stack = append(stack, n.uses...)
		}
	}
	return seen
}

// Reaches returns the kustomization directories entry builds on, itself
// included, directly or not, as far as the static parse can tell, sorted;
// nil for a directory the plan was not given.
func (p *Plan) Reaches(entry string) []string {
	real, ok := p.real[entry]
	if !ok {
		return nil
	}
	var out []string
	for d := range p.reachReal(real) {
		out = append(out, p.nodes[d].name)
	}
	sort.Strings(out)
	return out
}
