// Package kustomize builds Kustomize trees in-process with
// sigs.k8s.io/kustomize/api and maps every node of the built objects back to
// the resource file, patch or kustomization line that produced it.
//
// It owns three things. The plan: which kustomizations of the input are
// entry points (those no other kustomization of the input builds on), from
// the kustomization files alone. The build: each entry point built once, as
// "kustomize build" builds it, on a file system that reads nothing outside
// the boundary and only regular files, from sanitized copies of the
// kustomization files in which nothing is left that kustomize would fetch
// (remote resources, bases, patches, generator files) or run (exec and
// container plugins, Helm charts): each such entry is a note or an error.
// And the map. The build adds origin and transformer annotations, removed
// before the objects are printed; the origin names the resource file an
// object came from, in which the object is the document of its kind whose
// name is the built name less the prefixes and suffixes of the kustomizations
// the transformer annotation lists (or its generator entry); that list, last
// applied first, is also where the patches and fields that may have set a
// node are looked for. A node is located in the resource file when present
// there with the same value, else at the last patch or kustomization field
// that sets it, else at its nearest enclosing node of the resource file.
//
// Kustomize keeps global state and prints deprecation warnings straight to
// standard error, so builds run one at a time, with the standard logger and
// (when a kustomization uses a deprecated field) os.Stderr redirected while
// they run.
package kustomize

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/types"

	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/render"
)

// DefaultMaxFileSize is the per-file limit when Options.MaxFileSize is 0.
const DefaultMaxFileSize = 64 << 20

// Options bound a build.
type Options struct {
	// Boundary is the directory, as the caller names paths, outside which
	// nothing is read: the repository root. "" means the working
	// directory.
	Boundary string
	// MaxFileSize limits each file read; 0 means DefaultMaxFileSize.
	MaxFileSize int64
	// Timeout bounds one build; 0 means none beyond the context's.
	Timeout time.Duration
}

func (o Options) maxFileSize() int64 {
	if o.MaxFileSize > 0 {
		return o.MaxFileSize
	}
	return DefaultMaxFileSize
}

// builder holds one build: the static walk of its kustomizations, the file
// system kustomize reads through, and what the user is told.
type builder struct {
	entry        string // as the caller names it
	entryReal    string
	boundary     string // real
	boundaryName string // as the caller names it
	fs           *guardedFS

	kusts  map[string]*kustFile // by real directory
	byFile map[string]*kustFile // by real file path
	order  []*kustFile          // in the order the walk reached them
	names  map[string]string    // real path → caller's name

	notes []string
	errs  []finding.InputError

	userOrigin, userTransformations bool
	deprecated, usesOpenAPI         bool
}

// Build builds the kustomization at entry (a directory, as the caller names
// it) and returns its unit: one document of the built objects with a mapper
// to their sources, the source files, and notes and errors. It never panics.
func Build(ctx context.Context, entry string, opts Options) (u render.Unit) {
	u = render.Unit{Kind: render.Kustomize, Root: entry}
	defer func() {
		if r := recover(); r != nil {
			u.Errors = append(u.Errors, finding.InputError{
				Location: finding.Location{File: entry},
				Message:  fmt.Sprintf("kustomize build %s: internal error: %v", entry, r),
			})
		}
	}()
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	b, err := newBuilder(ctx, entry, opts)
	if err != nil {
		u.Errors = append(u.Errors, finding.InputError{Location: finding.Location{File: entry}, Message: err.Error()})
		return u
	}
	return b.build(ctx)
}

func newBuilder(ctx context.Context, entry string, opts Options) (*builder, error) {
	entryReal, err := realDir(entry)
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s: %w", entry, err)
	}
	boundaryName := opts.Boundary
	if boundaryName == "" {
		boundaryName = "."
	}
	boundary, err := realDir(boundaryName)
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s: boundary: %w", entry, err)
	}
	if !within(boundary, entryReal) {
		return nil, fmt.Errorf("kustomize build %s: the kustomization is outside %s", entry, boundaryName)
	}
	return &builder{
		entry:        entry,
		entryReal:    entryReal,
		boundary:     boundary,
		boundaryName: boundaryName,
		fs:           newGuardedFS(ctx, boundary, opts.maxFileSize()),
		kusts:        map[string]*kustFile{},
		byFile:       map[string]*kustFile{},
		names:        map[string]string{},
	}, nil
}

// realDir resolves a directory named by the caller to its real path.
func realDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", unwrapPathError(err)
	}
	return real, nil
}

// name returns how the caller names a real path: the entry point's name
// joined with the path relative to it, or, when that does not lead to the
// same file (a symlink on the way), the boundary's name joined with the
// path relative to it.
func (b *builder) name(real string) string {
	if n, ok := b.names[real]; ok {
		return n
	}
	n := real
	if rel, err := filepath.Rel(b.entryReal, real); err == nil {
		n = filepath.Join(b.entry, rel)
		if r, err := realPathOf(n); err != nil || r != real {
			if rel, err := filepath.Rel(b.boundary, real); err == nil {
				n = filepath.Join(b.boundaryName, rel)
			}
		}
	}
	b.names[real] = n
	return n
}

func realPathOf(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// fail records an error that stops the build, at line of kf.
func (b *builder) fail(kf *kustFile, line int, err error) {
	file := filepath.Join(b.entry, "kustomization.yaml")
	if kf.path != "" {
		file = b.name(kf.path)
	} else if kf.dir != "" {
		file = b.name(kf.dir)
	}
	b.errs = append(b.errs, finding.InputError{
		Location: finding.Location{File: file, Line: line, Column: min(line, 1)},
		Message:  fmt.Sprintf("kustomize build %s: %s", b.entry, b.relativize(err.Error())),
	})
	if kf.err == nil {
		kf.err = err
	}
}

// visit loads and sanitizes the kustomization of real directory dir once.
func (b *builder) visit(dir string) *kustFile {
	if kf, ok := b.kusts[dir]; ok {
		return kf
	}
	kf := loadKustFile(dir, b.fs)
	b.kusts[dir] = kf
	b.order = append(b.order, kf)
	if kf.path != "" {
		b.byFile[kf.path] = kf
	}
	if kf.err != nil {
		if kf.content != nil || dir == b.entryReal {
			err := kf.err
			kf.err = nil // fail keeps the first error
			b.fail(kf, kf.errLine, err)
		}
		return kf
	}
	b.sanitize(kf, dir == b.entryReal)
	return kf
}

func (b *builder) build(ctx context.Context) render.Unit {
	u := render.Unit{Kind: render.Kustomize, Root: b.entry}
	entry := b.visit(b.entryReal)
	if entry.err == nil && entry.k.Kind == types.ComponentKind {
		b.notes = append(b.notes, fmt.Sprintf("%s: a Component builds only as part of a kustomization, and none of the input uses it: not built", b.name(entry.path)))
		b.readFiles(entry, map[*kustFile]bool{})
	} else if entry.err == nil {
		m, output, err := b.run(ctx)
		b.kustomizeOutput(output)
		if err != nil {
			b.errs = append(b.errs, b.buildError(err))
		} else if doc, err := b.document(m); err != nil {
			b.errs = append(b.errs, b.buildError(err))
		} else {
			u.Docs = []render.Doc{doc}
		}
	}
	u.Files = map[string][]byte{}
	for _, kf := range b.order {
		if kf.content != nil {
			u.Files[b.name(kf.path)] = kf.content
		}
	}
	for real, data := range b.fs.readFiles() {
		u.Files[b.name(real)] = data
	}
	for name := range u.Files {
		u.Consumed = append(u.Consumed, name)
	}
	sort.Strings(u.Consumed)
	u.Notes = b.notes
	finding.SortErrors(b.errs)
	u.Errors = b.errs
	return u
}

// readFiles reads, without building, the files a kustomization and those
// it builds on list, so that they count as consumed.
func (b *builder) readFiles(kf *kustFile, seen map[*kustFile]bool) {
	if seen[kf] {
		return
	}
	seen[kf] = true
	for _, f := range kf.files {
		_, _ = b.fs.ReadFile(f) // a file that cannot be read is simply not consumed
	}
	for _, c := range kf.children {
		b.readFiles(c, seen)
	}
}

// run builds the entry point with kustomize.
func (b *builder) run(ctx context.Context) (resmap.ResMap, string, error) {
	k := kustomizer()
	return isolated(ctx, b.deprecated, b.usesOpenAPI, func() (resmap.ResMap, error) {
		return k.Run(b.fs, b.entryReal)
	})
}

// kustomizer builds as "kustomize build" does by default (legacy order
// unless the kustomization sets sortOptions; each kustomization loads files
// from its own directory only), with every plugin but the builtins off:
// exec, container and Go plugins, and Helm.
func kustomizer() *krusty.Kustomizer {
	o := krusty.MakeDefaultOptions()
	o.Reorder = krusty.ReorderOptionUnspecified
	o.LoadRestrictions = types.LoadRestrictionsRootOnly
	o.PluginConfig = types.DisabledPluginConfig()
	return krusty.MakeKustomizer(o)
}

// kustomizeOutput turns what kustomize logged into notes, leaving out the
// deprecation warnings it prints for fields it still honours.
func (b *builder) kustomizeOutput(output string) {
	seen := map[string]bool{}
	for _, line := range strings.Split(output, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.Contains(line, "is deprecated") || seen[line] {
			continue
		}
		seen[line] = true
		b.notes = append(b.notes, fmt.Sprintf("kustomize build %s: %s", b.entry, b.relativize(line)))
	}
}

// relativize replaces the real paths kustomize prints with the caller's.
func (b *builder) relativize(s string) string {
	for _, kf := range b.order {
		if kf.path != "" {
			s = strings.ReplaceAll(s, kf.path, b.name(kf.path))
		}
	}
	prefix := b.boundaryName
	if prefix == "." {
		prefix = ""
	} else {
		prefix += string(filepath.Separator)
	}
	s = strings.ReplaceAll(s, b.boundary+string(filepath.Separator), prefix)
	return strings.ReplaceAll(s, b.boundary, b.boundaryName)
}

// buildError locates a failed build at the kustomization entry its message
// names, else at the entry point's kustomization file.
func (b *builder) buildError(err error) finding.InputError {
	msg := err.Error()
	loc := finding.Location{File: b.name(b.kusts[b.entryReal].path)}
	best := 0
	for _, kf := range b.order {
		if kf.doc == nil {
			continue
		}
		for _, c := range entryValues(kf) {
			if len(c.value) > best && strings.Contains(msg, c.value) {
				line, col, _ := kf.at(c.path...)
				loc = finding.Location{File: b.name(kf.path), Line: line, Column: col}
				best = len(c.value)
			}
		}
	}
	return finding.InputError{Location: loc, Message: fmt.Sprintf("kustomize build %s: %s", b.entry, b.relativize(msg))}
}

type entryValue struct {
	value string
	path  []any
}

// entryValues lists the paths written in a kustomization, with where.
func entryValues(kf *kustFile) []entryValue {
	var out []entryValue
	add := func(v string, path ...any) {
		if len(v) > 2 {
			out = append(out, entryValue{v, path})
		}
	}
	k := &kf.k
	for _, f := range []struct {
		field string
		list  []string
	}{
		{"resources", k.Resources}, {"bases", k.Bases}, {"components", k.Components}, {"crds", k.Crds},
		{"configurations", k.Configurations}, {"transformers", k.Transformers},
		{"generators", k.Generators}, {"validators", k.Validators},
	} {
		for i, v := range f.list {
			add(v, f.field, i)
		}
	}
	for i, p := range k.Patches {
		add(p.Path, "patches", i)
	}
	for i, p := range k.PatchesJson6902 {
		add(p.Path, "patchesJson6902", i)
	}
	for i, p := range k.PatchesStrategicMerge {
		add(string(p), "patchesStrategicMerge", i)
	}
	return out
}
