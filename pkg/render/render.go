// Package render is the seam between the walk and the renderers of
// directories that are not plain manifests: Helm charts (render/helm) and
// Kustomize trees (render/kustomize). A renderer turns one unit of
// deployment (a chart with one set of values, one kustomize entry point)
// into YAML streams the loader reads like any file, and maps every node of
// them back to the file and line the user edits. The loader knows nothing
// of rendering; the renderers know nothing of rules.
package render

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/loader"
)

// Kind names a renderer, as the JSON report's source.type does.
type Kind string

// The renderers.
const (
	Helm      Kind = "helm"
	Kustomize Kind = "kustomize"
)

// Unit is what one render produced: the documents of one chart with one set
// of values (a scenario), or of one kustomize entry point. Objects of a unit
// resolve their references among themselves first.
type Unit struct {
	Kind Kind
	// Root is the chart or kustomization directory (or chart archive),
	// as the walk names it: the user's path joined with the relative path.
	Root string
	// Scenario names the values a chart was rendered with beyond its own
	// values.yaml: "" for none, else the ci values file's path (as Root is
	// named). Always "" for Kustomize.
	Scenario string
	// Docs are the rendered streams, in a stable order.
	Docs []Doc
	// Files holds the content of every source file a location of this
	// unit may point at (templates, values files, resources, patches,
	// kustomization files), keyed by path as Root is named, so that
	// findings show and suppress their lines without reading files again.
	// Content inside an archive is keyed by the archive's path joined with
	// the member's path.
	Files map[string][]byte
	// Consumed lists the files this render read, as Root is named: the
	// walk lints none of them on its own.
	Consumed []string
	// Notes are non-fatal messages ("dependency x is not vendored").
	Notes []string
	// Errors are what could not be rendered, located in the source file
	// where that is known (a template's line); the rest of the unit is
	// still linted when it rendered.
	Errors []finding.InputError
}

// Doc is one rendered YAML stream.
type Doc struct {
	// Name identifies the stream in reports (source.rendered.file): the
	// template name Helm gives it ("web/templates/deployment.yaml"), or
	// "kustomize build <root>".
	Name string
	// Text is the rendered YAML, possibly several documents.
	Text []byte
	// File is set when Text is a source file read as written (a chart's
	// crds/ file): positions in Text are then already source positions
	// and Map is nil.
	File string
	// Map locates nodes of Text in their source; nil when File is set.
	Map Mapper
}

// Node is a node of a rendered document a finding points at.
type Node struct {
	// Path is the node's field path in its object; Found says whether the
	// node itself is present in the rendered object, Pos is where it (or,
	// when absent, its nearest present ancestor) stands in Doc.Text.
	Path  loader.Path
	Found bool
	Pos   loader.Pos
	// Object is where the object's first key stands in Doc.Text; it tells
	// which of the stream's documents the node is in.
	Object loader.Pos
}

// Mapper maps rendered nodes to source locations. Lines and columns are
// 1-based; columns count characters (runes), as the loader's do.
type Mapper interface {
	Locate(n Node) Mapped
}

// Mapped is where a rendered node came from.
type Mapped struct {
	// Location is in a file of Unit.Files (a template, a resource, a
	// patch, a kustomization), never in a rendered stream. Exact reports
	// whether it is the node's own line; false means the nearest
	// enclosing line that could be found (e.g. the line of the template
	// action whose output holds the node).
	Location finding.Location
	Exact    bool
	// Related are further places that explain the node, such as the key
	// of the values file that set a value.
	Related []finding.Related
}

// Charts renders Helm charts for the walk.
type Charts interface {
	// IsChart reports whether a directory whose entries have these names
	// is a chart root; IsArchive whether a file is a chart archive.
	IsChart(dir string, names []string) bool
	IsArchive(path string) bool
	// Render renders the chart at root (a directory or an archive) once
	// per scenario.
	Render(ctx context.Context, root string) ChartRender
}

// ChartRender is what rendering one chart produced.
type ChartRender struct {
	// Units holds one unit per scenario: the chart's own values first.
	Units []Unit
	// Extra are manifest files inside the chart directory that Helm does
	// not render and that are no chart metadata or values: the walk lints
	// them as plain files.
	Extra []string
}

// Kustomizations builds Kustomize trees for the walk.
type Kustomizations interface {
	// IsKustomization reports whether a directory whose entries have these
	// names holds a kustomization.
	IsKustomization(dir string, names []string) bool
	// Plan reads the kustomizations of dirs and says which are entry
	// points: those no other kustomization of dirs uses. Nothing outside
	// boundary (see Boundary) is read, in planning or building.
	Plan(dirs []string, boundary string) (Plan, []finding.InputError)
	// Build builds one entry point.
	Build(ctx context.Context, entry, boundary string) Unit
}

// Plan is the kustomization directories of an input and how they use each
// other.
type Plan interface {
	// Entries are the entry points, sorted.
	Entries() []string
	// Reaches lists the kustomization directories entry uses, itself
	// included, as far as reading the kustomization files tells.
	Reaches(entry string) []string
}

// Boundary is the directory nothing outside of is read when rendering what
// path (a path the user named) holds: the root of the git repository
// holding it (the nearest ancestor with a .git entry), else the working
// directory when path is inside it, else path itself (its directory, for a
// file). It is absolute.
func Boundary(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	dir := abs
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		dir = filepath.Dir(abs)
	}
	for d := dir; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if wd, err := os.Getwd(); err == nil && Within(wd, dir) {
		return wd
	}
	return dir
}

// Within reports whether path is dir or below it; both absolute or both
// relative to the same directory, and clean.
func Within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
