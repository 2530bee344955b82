package lint

import (
	"cmp"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/salint/salint/internal/par"
	"github.com/salint/salint/pkg/engine"
	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/model"
	"github.com/salint/salint/pkg/render"
)

// input is what gather read, put in order: the objects (with the origin of
// each rendered one), the source files renderers read (to show and
// suppress lines without reading them again), and the plain files.
type input struct {
	objects  []*model.Extracted
	origins  []*origin // parallel to objects; nil for a plain file's object
	sources  map[string][]byte
	files    map[string]*loader.File
	comments map[string]map[int]string // ignore comments by file and line
}

// assemble counts what was read into the report and lists the objects in
// slot order.
func assemble(g *gathered, rep *finding.Report) *input {
	in := &input{sources: map[string][]byte{}, files: map[string]*loader.File{}, comments: map[string]map[int]string{}}
	consumed := map[string]bool{}
	seq := 0
	for _, l := range g.results {
		if f := l.file; f != nil {
			rep.Summary.Files++
			rep.Summary.Documents += f.Documents
			rep.Summary.Objects += len(f.Objects)
			rep.Summary.Skipped += len(f.Skipped)
			rep.Errors = append(rep.Errors, f.Errors...)
			rep.Skipped = append(rep.Skipped, f.Skipped...)
			in.files[f.Path] = f
			rep.Inputs = append(rep.Inputs, f.Path)
			if f.Comments != nil {
				in.comments[f.Path] = f.Comments
			}
			in.objects = append(in.objects, l.xs...)
			in.origins = append(in.origins, make([]*origin, len(l.xs))...)
		}
		if l.chart && len(l.units) > 0 {
			rep.Summary.Charts++
		}
		for _, u := range l.units {
			u.seq = seq
			seq++
			switch u.Kind {
			case render.Helm:
				rep.Summary.Scenarios++
			case render.Kustomize:
				rep.Summary.Kustomizations++
			}
			for _, f := range u.Consumed {
				if k := absClean(f); !consumed[k] {
					consumed[k] = true
					rep.Inputs = append(rep.Inputs, f)
				}
			}
			for name, content := range u.Files {
				if _, ok := in.sources[name]; !ok {
					in.sources[name] = content
				}
			}
			for name, cs := range u.comments {
				if in.comments[name] == nil {
					in.comments[name] = map[int]string{}
				}
				maps.Copy(in.comments[name], cs)
			}
			rep.Notes = append(rep.Notes, u.Notes...)
			rep.Errors = append(rep.Errors, u.Errors...)
			rep.Summary.Documents += len(u.Errors)
			ru := finding.RenderedUnit{Type: string(u.Kind), Root: u.Root, Scenario: u.Scenario, Errors: len(u.Errors)}
			for d, f := range u.docs {
				doc := &u.Docs[d]
				rep.Summary.Documents += f.Documents
				rep.Summary.Objects += len(f.Objects)
				rep.Summary.Skipped += len(f.Skipped)
				ru.Documents += f.Documents
				ru.Objects += len(f.Objects)
				ru.Errors += len(f.Errors)
				for _, e := range f.Errors {
					e.Location = u.place(doc, e.Location)
					e.Message = fmt.Sprintf("in %s as rendered from %s: %s", doc.Name, unitName(&u.Unit), e.Message)
					rep.Errors = append(rep.Errors, e)
				}
				for _, sk := range f.Skipped {
					sk.Location = u.place(doc, sk.Location)
					rep.Skipped = append(rep.Skipped, sk)
				}
				for _, x := range u.xs[d] {
					in.objects = append(in.objects, x)
					in.origins = append(in.origins, &origin{unit: u, doc: doc})
				}
			}
			u.docs, u.xs = nil, nil // their objects are listed; the rest is garbage
			rep.Units = append(rep.Units, ru)
		}
	}
	rep.Summary.Files += len(consumed)
	return in
}

// place maps a position in a rendered stream (of an input error or a
// skipped document) to its source.
func (u *loadedUnit) place(doc *render.Doc, loc finding.Location) finding.Location {
	if doc.File != "" {
		loc.File = doc.File
		return loc
	}
	if doc.Map == nil || loc.Line < 1 {
		return u.anchor()
	}
	pos := loader.Pos{Line: loc.Line, Column: max(loc.Column, 1)}
	m := doc.Map.Locate(render.Node{Pos: pos, Object: pos})
	if m.Location.File == "" {
		return u.anchor()
	}
	return m.Location
}

// anchor is the file that stands for a unit where no better place is
// known: the scenario's values file, the chart's Chart.yaml, the
// kustomization file.
func (u *loadedUnit) anchor() finding.Location {
	file := u.Root
	switch {
	case u.Scenario != "":
		file = u.Scenario
	case u.Kind == render.Helm:
		if fi, err := os.Stat(u.Root); err == nil && fi.IsDir() {
			file = filepath.Join(u.Root, "Chart.yaml")
		}
	case u.Kind == render.Kustomize:
		for _, name := range []string{"kustomization.yaml", "kustomization.yml", "Kustomization"} {
			if _, err := os.Stat(filepath.Join(u.Root, name)); err == nil {
				file = filepath.Join(u.Root, name)
				break
			}
		}
	}
	return finding.Location{File: file, Line: 1, Column: 1}
}

// located is a finding on its way to the report, with the unit it was
// rendered in (nil for a plain file) and whether the user asked for it.
type located struct {
	finding.Finding
	unit *loadedUnit
	keep bool
}

// locateAll turns raw findings into located ones: each is placed in the
// file the user edits, files with findings are read once (rendered units'
// sources are in memory already) for the lines reports show and for
// suppression comments, findings outside the files the user named are
// dropped, and a finding that several units produced at one place is kept
// once.
func locateAll(raws []engine.Raw, m *model.Model, origins []*origin, in *input, minSeverity finding.Severity, jobs int, known func(string) bool) ([]finding.Finding, []string) {
	kept := raws[:0:0]
	for _, raw := range raws {
		if raw.Severity >= minSeverity {
			kept = append(kept, raw)
		}
	}
	ls := make([]located, len(kept))
	wd, _ := os.Getwd() // once: fingerprints name files relative to it
	const chunk = 256
	par.Each((len(kept)+chunk-1)/chunk, jobs, func(c int) {
		for i := c * chunk; i < min(len(kept), (c+1)*chunk); i++ {
			ls[i] = locate(kept[i], m, origins, wd)
		}
	})
	byFile := map[string][]int{}
	var order []string
	for i := range ls {
		if !ls[i].keep {
			continue
		}
		file := ls[i].File
		if _, ok := byFile[file]; !ok {
			order = append(order, file)
		}
		byFile[file] = append(byFile[file], i)
	}
	notes := make([][]string, len(order))
	par.Each(len(order), jobs, func(i int) {
		idx := slices.Clone(byFile[order[i]])
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(ls[a].Line, ls[b].Line) })
		src := sourceLines(order[i], in)
		comments := in.comments[order[i]]
		sup := &suppressor{known: known, seen: map[string]bool{}}
		var index runeIndex
		for _, j := range idx {
			f := &ls[j].Finding
			f.SourceLine, f.SourceColumn = window(src.get(f.Line), f.Column, &index)
			if !sup.annotation(f, m.Objects[kept[j].Ref]) {
				sup.comment(f, comments[f.Line], comments[f.Line-1])
			}
		}
		notes[i] = sup.notes
	})
	var allNotes []string
	for _, n := range notes {
		allNotes = append(allNotes, n...)
	}
	return oncePerPlace(ls), allNotes
}

// sourceLines gives the lines of a file findings are located in, as read
// when it was linted: the renderers' copy, or the content the parse kept.
// Nothing is read again.
func sourceLines(file string, in *input) *lines {
	if data, ok := in.sources[file]; ok {
		return newLines(data)
	}
	if f := in.files[file]; f != nil {
		return newLines(f.Content)
	}
	return newLines(nil)
}

func locate(raw engine.Raw, m *model.Model, origins []*origin, wd string) located {
	x := m.Objects[raw.Ref]
	f := finding.Finding{
		Rule:     raw.Rule,
		Severity: raw.Severity,
		Message:  raw.Message,
		Object: finding.Object{
			APIVersion: x.APIVersion, Kind: x.Kind, Namespace: x.Namespace, Name: x.Name,
		},
		Path: raw.Path.String(),
	}
	l := located{keep: true}
	org := originOf(origins, raw.Ref)
	var placed []finding.Related
	f.Location, placed, f.Source = where(x.Source, org, raw.Path)
	f.Related = append(f.Related, placed...)
	if org != nil {
		l.unit = org.unit
		if only := org.unit.only; only != nil {
			l.keep = only.has(f.File) || slices.ContainsFunc(placed, func(r finding.Related) bool { return only.has(r.File) })
		}
	}
	for _, rel := range raw.Related {
		if rel.Ref < 0 || rel.Ref >= len(m.Objects) {
			continue
		}
		loc, _, _ := where(m.Objects[rel.Ref].Source, originOf(origins, rel.Ref), rel.Path)
		f.Related = append(f.Related, finding.Related{Location: loc, Message: rel.Message})
	}
	// An object whose namespace was assumed says from where.
	if h := x.NamespaceHint; h != nil {
		loc, _, _ := where(h.Binding.Source, nil, h.Path)
		f.Related = append(f.Related, finding.Related{Location: loc, Message: h.Message})
	}
	f.Fingerprint = finding.FingerprintIn(wd, raw.Rule.ID, f.Object, f.Path, f.File)
	l.Finding = f
	return l
}

func originOf(origins []*origin, ref int) *origin {
	if ref < 0 || ref >= len(origins) {
		return nil
	}
	return origins[ref]
}

// where places the node at path of object o: in its file as written, or,
// for a rendered object, where its renderer says the node came from, with
// the places that explain it (the values file key) and how it was made.
func where(o *loader.Object, org *origin, path loader.Path) (finding.Location, []finding.Related, *finding.Source) {
	pos, n := o.Positions.Find(path)
	if org == nil {
		var src *finding.Source
		if o.HelmSource != "" {
			src = &finding.Source{Type: finding.SourceHelmTemplateOutput, Template: o.HelmSource}
		}
		return finding.Location{File: o.File, Line: pos.Line, Column: pos.Column}, nil, src
	}
	u, doc := org.unit, org.doc
	src := &finding.Source{Type: string(u.Kind), Root: u.Root, Scenario: u.Scenario,
		Rendered: finding.Location{File: doc.Name, Line: pos.Line, Column: pos.Column}}
	if doc.File != "" || doc.Map == nil {
		src.Rendered.File = doc.File
		return finding.Location{File: doc.File, Line: pos.Line, Column: pos.Column}, nil, src
	}
	start, _ := o.Positions.Find(nil)
	mapped := doc.Map.Locate(render.Node{Path: path, Found: n == len(path), Pos: pos, Object: start})
	loc := mapped.Location
	if loc.File == "" || loc.Line < 1 {
		loc = u.anchor()
	}
	loc.Column = max(loc.Column, 1)
	return loc, mapped.Related, src
}

// oncePerPlace reports a finding that several units (a chart's scenarios,
// the overlays of one base) produce at the same place once: the findings of
// one unit are kept, the most severe one's (an unsuppressed one first, then
// the first unit), and each kept finding names the other units as related
// locations. Findings of plain files and of one unit stay as they are: a
// template that a range renders three times gives three objects, each
// worth a finding.
func oncePerPlace(ls []located) []finding.Finding {
	type place struct {
		rule, file   string
		line, column int
	}
	groups := map[place][]int{}
	var order []place
	out := make([]finding.Finding, 0, len(ls))
	for i := range ls {
		l := &ls[i]
		if !l.keep {
			continue
		}
		if l.unit == nil {
			out = append(out, l.Finding)
			continue
		}
		k := place{l.Rule.ID, l.File, l.Line, l.Column}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	better := func(a, b *located) bool { // is a the better finding to keep?
		if a.Suppressed != b.Suppressed {
			return !a.Suppressed
		}
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		return a.unit.seq < b.unit.seq
	}
	for _, k := range order {
		idx := groups[k]
		best := &ls[idx[0]]
		for _, i := range idx[1:] {
			if better(&ls[i], best) {
				best = &ls[i]
			}
		}
		var alsoIn []*located // one finding of each other unit, in unit order
		seen := map[*loadedUnit]bool{best.unit: true}
		for _, i := range idx {
			if l := &ls[i]; !seen[l.unit] {
				seen[l.unit] = true
				alsoIn = append(alsoIn, l)
			}
		}
		slices.SortFunc(alsoIn, func(a, b *located) int { return cmp.Compare(a.unit.seq, b.unit.seq) })
		others := make([]finding.Related, len(alsoIn))
		for j, l := range alsoIn {
			others[j] = finding.Related{
				Location: l.unit.anchor(),
				Message:  fmt.Sprintf("also found in %s (%s)", unitName(&l.unit.Unit), l.Object),
			}
		}
		for _, i := range idx {
			if l := &ls[i]; l.unit == best.unit {
				l.Related = append(l.Related, others...)
				out = append(out, l.Finding)
			}
		}
	}
	return out
}
