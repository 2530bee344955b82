package helm

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"helm.sh/helm/v4/pkg/chart/loader/archive"
	"helm.sh/helm/v4/pkg/ignore"

	"github.com/salint/salint/pkg/finding"
	sloader "github.com/salint/salint/pkg/loader"
)

// Limits on what one chart may make salint read.
const (
	maxChartFiles   = 20_000 // files of a chart tree, archives' members included
	maxVisits       = 50_000 // directory entries looked at, symlinked directories again
	maxArchiveDepth = 4      // archives inside archives
)

// chartDir is one chart of a tree: the root or a vendored subchart.
type chartDir struct {
	// path is where the chart stands, as Render returns paths: the root
	// joined with the directory, or an archive's path joined with the
	// member directory that holds its Chart.yaml.
	path string
	// files are Helm's view of the chart: slash paths relative to it,
	// without its charts/ subcharts.
	files []*archive.BufferedFile
	// real gives each file's path as Render returns paths.
	real map[string]string
	subs []*chartDir // vendored subcharts, by their name in charts/
}

// entry is a file read for a chart tree.
type entry struct {
	rel  string // slash path relative to the chart it was found in
	real string // path as Render returns paths
	data []byte
}

// reader reads a chart tree within its limits and keeps what it learns.
type reader struct {
	maxFile  int64
	budget   int64 // bytes the whole tree may still take
	files    int   // files it may still hold
	visits   int   // directory entries it may still look at
	notes    []string
	errs     []finding.InputError
	consumed []string
	extra    []string
}

func newReader(maxFile int64) *reader {
	return &reader{maxFile: maxFile, budget: 4 * maxFile, files: maxChartFiles, visits: maxVisits}
}

func (r *reader) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

func (r *reader) fail(file string, err error) {
	r.errs = append(r.errs, finding.InputError{Location: finding.Location{File: file}, Message: err.Error()})
}

// readRegular reads a regular file without ever blocking on a FIFO or
// device and without reading past the size limit.
func readRegular(name string, limit int64) ([]byte, error) {
	fi, err := os.Lstat(name)
	if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		fi, err = os.Stat(name)
	}
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%s is larger than the %d byte limit", name, limit)
	}
	// The file may have been swapped for a FIFO since Lstat: ReadRegular
	// checks what it opened.
	data, err := sloader.ReadRegular(name, limit)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return data, nil
}

// take counts a file against the tree's limits.
func (r *reader) take(name string, size int64) error {
	if r.files--; r.files < 0 {
		return fmt.Errorf("the chart holds more than %d files", maxChartFiles)
	}
	if size > r.maxFile {
		return fmt.Errorf("%s is larger than the %d byte limit", name, r.maxFile)
	}
	if r.budget -= size; r.budget < 0 {
		return fmt.Errorf("the chart holds more than %d bytes", 4*r.maxFile)
	}
	return nil
}

// loadTree reads the chart at root, a directory or an archive.
func (r *reader) loadTree(root string) (*chartDir, error) {
	fi, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		data, err := readRegular(root, r.maxFile)
		if err != nil {
			return nil, err
		}
		r.consumed = append(r.consumed, root)
		entries, err := r.unpack(root, data)
		if err != nil {
			return nil, err
		}
		return r.assemble(chartPathOf(root, entries), entries, 1, true)
	}
	entries, err := r.walk(root)
	if err != nil {
		return nil, err
	}
	return r.assemble(root, entries, 0, false)
}

// walk reads the files of a chart directory that Helm would load.
func (r *reader) walk(root string) ([]entry, error) {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, err
	}
	rules := ignore.Empty()
	ignoreFile := filepath.Join(root, ignore.HelmIgnore)
	if target, err := filepath.EvalSymlinks(ignoreFile); err == nil && !within(realRoot, target) {
		return nil, fmt.Errorf("%s is a symlink out of the chart", ignoreFile)
	}
	if data, err := readRegular(ignoreFile, r.maxFile); err == nil {
		if rules, err = ignore.Parse(bytes.NewReader(data)); err != nil {
			return nil, fmt.Errorf("reading %s: %w", filepath.Join(root, ignore.HelmIgnore), err)
		}
	}
	rules.AddDefaults()
	w := &dirWalk{r: r, root: root, realRoot: realRoot, rules: rules, open: map[string]bool{realRoot: true}}
	if err := w.dir("", realRoot); err != nil {
		return nil, err
	}
	return w.entries, nil
}

type dirWalk struct {
	r        *reader
	root     string
	realRoot string
	rules    *ignore.Rules
	open     map[string]bool // real directories being walked: a symlink back is a loop
	entries  []entry
}

// dir walks the directory at rel, whose real path is real.
func (w *dirWalk) dir(rel, real string) error {
	full := filepath.Join(w.root, filepath.FromSlash(rel))
	list, err := os.ReadDir(full)
	if err != nil {
		return err
	}
	for _, de := range list {
		// Symlinked directories can make a tree of a few entries look huge.
		if w.r.visits--; w.r.visits < 0 {
			return fmt.Errorf("the chart tree holds more than %d entries", maxVisits)
		}
		name := path.Join(rel, de.Name())
		file := filepath.Join(w.root, filepath.FromSlash(name))
		fi, err := de.Info()
		if err != nil {
			continue // removed while walking
		}
		realDir := filepath.Join(real, de.Name())
		if fi.Mode()&fs.ModeSymlink != 0 {
			// Resolved from the directory's real path, not through the
			// links that led here: each costs one resolution.
			target, err := resolveLink(realDir)
			if err != nil {
				w.r.note("%s: symlink cannot be followed (%v); skipped", file, err)
				continue
			}
			if !within(w.realRoot, target) {
				w.r.note("%s: symlink to %s, outside the chart; skipped", file, target)
				continue
			}
			if fi, err = os.Stat(target); err != nil {
				continue
			}
			realDir = target
		}
		if fi.IsDir() {
			if w.rules.Ignore(name, fi) {
				w.ignored(name)
				continue
			}
			if w.open[realDir] {
				w.r.note("%s: symlink loop; skipped", file)
				continue
			}
			w.open[realDir] = true
			err := w.dir(name, realDir)
			delete(w.open, realDir)
			if err != nil {
				return err
			}
			continue
		}
		if w.rules.Ignore(name, fi) {
			w.ignored(name)
			continue
		}
		if !fi.Mode().IsRegular() {
			w.r.note("%s: not a regular file; skipped", file)
			continue
		}
		if fi.Size() > w.r.maxFile {
			w.r.fail(file, fmt.Errorf("%s is larger than the %d byte limit", file, w.r.maxFile))
			continue
		}
		if err := w.r.take(file, fi.Size()); err != nil {
			return err
		}
		data, err := readRegular(file, w.r.maxFile)
		if err != nil {
			w.r.fail(file, err)
			continue
		}
		w.entries = append(w.entries, entry{rel: name, real: file, data: data})
	}
	return nil
}

// resolveLink returns the real path a symlink at a real location leads to.
func resolveLink(link string) (string, error) {
	target, err := os.Readlink(link)
	if err != nil {
		return "", err
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(link), target)
	}
	return filepath.EvalSymlinks(target)
}

// ignored records what .helmignore keeps from Helm: its manifests are
// linted as plain files, unless they are the chart's values.
func (w *dirWalk) ignored(rel string) {
	file := filepath.Join(w.root, filepath.FromSlash(rel))
	if fi, err := os.Lstat(file); err == nil && fi.IsDir() {
		_ = filepath.WalkDir(file, func(p string, d fs.DirEntry, err error) error {
			if w.r.visits--; w.r.visits < 0 {
				return filepath.SkipAll
			}
			if err == nil && d.IsDir() && p != file && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if err == nil && !d.IsDir() && d.Type().IsRegular() {
				sub, _ := filepath.Rel(w.root, p)
				w.classifyIgnored(filepath.ToSlash(sub), p)
			}
			return nil
		})
		return
	}
	w.classifyIgnored(rel, file)
}

func (w *dirWalk) classifyIgnored(rel, file string) {
	switch {
	case chartOwned(chartRelative(rel)):
		w.r.consumed = append(w.r.consumed, file)
	case isManifest(rel) && !hidden(rel):
		w.r.extra = append(w.r.extra, file)
	}
}

// chartRelative strips the charts/<name>/ prefixes of a subchart's file.
func chartRelative(rel string) string {
	for strings.HasPrefix(rel, "charts/") {
		_, rest, ok := strings.Cut(strings.TrimPrefix(rel, "charts/"), "/")
		if !ok {
			return rel
		}
		rel = rest
	}
	return rel
}

func within(root, target string) bool {
	rel, err := filepath.Rel(root, target)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// unpack reads the members of a gzipped tar archive, within the limits.
func (r *reader) unpack(name string, data []byte) ([]entry, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading archive %s: %w", name, err)
	}
	defer zr.Close()
	// Headers and padding are read too: bound what the stream may inflate to.
	tr := tar.NewReader(io.LimitReader(zr, r.budget+int64(maxChartFiles)*1024))
	var out []entry
	for headers := 0; ; headers++ {
		if headers > 4*maxChartFiles {
			return nil, fmt.Errorf("reading archive %s: more than %d entries", name, 4*maxChartFiles)
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading archive %s: %w", name, err)
		}
		switch h.Typeflag {
		case tar.TypeReg:
		case tar.TypeDir, tar.TypeXGlobalHeader, tar.TypeXHeader:
			continue
		default:
			r.note("%s: member %s is not a regular file; skipped", name, h.Name)
			continue
		}
		member := path.Clean(strings.ReplaceAll(h.Name, "\\", "/"))
		if path.IsAbs(member) || member == ".." || strings.HasPrefix(member, "../") || !strings.Contains(member, "/") {
			return nil, fmt.Errorf("reading archive %s: member %q is outside the chart directory", name, h.Name)
		}
		real := filepath.Join(name, filepath.FromSlash(member))
		if err := r.take(real, h.Size); err != nil {
			return nil, fmt.Errorf("reading archive %s: %w", name, err)
		}
		content, err := io.ReadAll(io.LimitReader(tr, r.maxFile+1))
		if err != nil {
			return nil, fmt.Errorf("reading archive %s: %w", name, err)
		}
		if int64(len(content)) > r.maxFile || int64(len(content)) > h.Size {
			return nil, fmt.Errorf("reading archive %s: member %s is larger than it claims or than the %d byte limit", name, member, r.maxFile)
		}
		_, rel, _ := strings.Cut(member, "/")
		out = append(out, entry{rel: rel, real: real, data: content})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("reading archive %s: no files", name)
	}
	return out, nil
}

// chartPathOf is where an archive's chart stands: the archive joined with
// the member directory holding Chart.yaml.
func chartPathOf(archivePath string, entries []entry) string {
	for _, e := range entries {
		if e.rel == "Chart.yaml" {
			return filepath.Dir(e.real)
		}
	}
	return archivePath
}

// assemble makes a chart of the entries found at dir, splitting off the
// subcharts vendored in its charts/ directory.
func (r *reader) assemble(dir string, entries []entry, depth int, inArchive bool) (*chartDir, error) {
	c := &chartDir{path: dir, real: map[string]string{}}
	subs := map[string][]entry{}
	for _, e := range entries {
		if rest, ok := strings.CutPrefix(e.rel, "charts/"); ok {
			name, inner, _ := strings.Cut(rest, "/")
			subs[name] = append(subs[name], entry{rel: inner, real: e.real, data: e.data})
			continue
		}
		c.files = append(c.files, &archive.BufferedFile{Name: e.rel, Data: bytes.TrimPrefix(e.data, utf8BOM)})
		c.real[e.rel] = e.real
		if inArchive {
			continue // members are not files the walk could lint
		}
		if isManifest(e.rel) && !chartOwned(e.rel) && !hidden(e.rel) {
			r.extra = append(r.extra, e.real)
		} else {
			r.consumed = append(r.consumed, e.real)
		}
	}
	names := make([]string, 0, len(subs))
	for n := range subs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		group := subs[n]
		where := filepath.Join(dir, "charts", n)
		switch {
		case strings.IndexAny(n, "_.") == 0:
			// Helm skips these; their manifests are plain files.
			for _, e := range group {
				if !inArchive && isManifest(e.rel) && !hidden(n+"/"+e.rel) {
					r.extra = append(r.extra, e.real)
				}
			}
		case strings.HasSuffix(n, ".tgz") && len(group) == 1 && group[0].rel == "":
			if !inArchive {
				r.consumed = append(r.consumed, group[0].real)
			}
			if depth >= maxArchiveDepth {
				return nil, fmt.Errorf("%s: archives nested more than %d deep", where, maxArchiveDepth)
			}
			inner, err := r.unpack(group[0].real, group[0].data)
			if err != nil {
				return nil, err
			}
			sub, err := r.assemble(chartPathOf(group[0].real, inner), inner, depth+1, true)
			if err != nil {
				return nil, err
			}
			c.subs = append(c.subs, sub)
		case hasChartYAML(group):
			sub, err := r.assemble(where, group, depth, inArchive)
			if err != nil {
				return nil, err
			}
			c.subs = append(c.subs, sub)
		default:
			r.note("%s: neither a chart directory nor a .tgz chart archive; Helm cannot load it, salint ignores it", where)
			for _, e := range group {
				if !inArchive && isManifest(e.rel) {
					r.extra = append(r.extra, e.real)
				}
			}
		}
	}
	return c, nil
}

var utf8BOM = []byte("\xef\xbb\xbf")

func hasChartYAML(group []entry) bool {
	for _, e := range group {
		if e.rel == "Chart.yaml" {
			return true
		}
	}
	return false
}

// isManifest reports whether a file has a manifest's extension.
func isManifest(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// hidden reports whether a path lies in or is a hidden file or directory,
// which the walk skips.
func hidden(rel string) bool {
	for _, part := range strings.Split(rel, "/") {
		if strings.HasPrefix(part, ".") {
			return true
		}
	}
	return false
}

// chartOwned reports whether a chart-relative path is the chart's own:
// metadata, values, scenarios, templates or CRDs, never a plain manifest.
func chartOwned(rel string) bool {
	switch rel {
	case "Chart.yaml", "Chart.lock", "requirements.yaml", "requirements.lock",
		"values.yaml", "values.schema.json", ".helmignore":
		return true
	}
	for _, dir := range []string{"templates/", "crds/", "ci/"} {
		if strings.HasPrefix(rel, dir) {
			return true
		}
	}
	if !strings.Contains(rel, "/") && isManifest(rel) {
		base := strings.TrimSuffix(rel, path.Ext(rel))
		return strings.HasPrefix(base, "values") || strings.HasSuffix(base, "values")
	}
	return false
}

// IsChart reports whether dir is a chart root: it holds a Chart.yaml.
func IsChart(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, "Chart.yaml"))
	return err == nil && fi.Mode().IsRegular()
}

// IsArchive reports whether file is a chart archive: a *.tgz whose top
// directory holds a Chart.yaml. It reads the archive within the default
// limits and stops at the first Chart.yaml.
func IsArchive(file string) bool {
	if !strings.HasSuffix(file, ".tgz") {
		return false
	}
	data, err := readRegular(file, defaultMaxFileSize)
	if err != nil {
		return false
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return false
	}
	defer zr.Close()
	tr := tar.NewReader(io.LimitReader(zr, 4*defaultMaxFileSize))
	for range maxChartFiles {
		h, err := tr.Next()
		if err != nil {
			return false
		}
		member := path.Clean(strings.ReplaceAll(h.Name, "\\", "/"))
		if h.Typeflag == tar.TypeReg && path.Base(member) == "Chart.yaml" && strings.Count(member, "/") == 1 &&
			!strings.HasPrefix(member, "../") {
			return true
		}
	}
	return false
}
