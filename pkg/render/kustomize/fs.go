package kustomize

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/salint/salint/pkg/loader"
)

// errReadOnly is what every writing method of guardedFS returns.
var errReadOnly = errors.New("the kustomize file system is read-only")

// guardedFS is the only file system kustomize sees. It reads from disk but
// refuses every path whose real path (symlinks resolved) is outside the
// boundary, every file that is not regular, and every file over the size
// limit; it serves the sanitized copy of each kustomization file in place of
// the original, refuses kustomization files it was not given (so kustomize
// never reads one that was not sanitized), and records every file it reads.
type guardedFS struct {
	boundary string // real, absolute
	maxSize  int64
	budget   int64 // bytes kustomize may still be handed, over all reads
	ctx      context.Context

	mu sync.Mutex
	// served maps a kustomization file's real path to the text kustomize
	// gets; files maps every file read to its content on disk.
	served map[string][]byte
	files  map[string][]byte
}

var _ filesys.FileSystem = (*guardedFS)(nil)

func newGuardedFS(ctx context.Context, boundary string, maxSize int64) *guardedFS {
	return &guardedFS{
		boundary: boundary,
		maxSize:  maxSize,
		budget:   max(4*maxSize, 256<<20),
		ctx:      ctx,
		served:   map[string][]byte{},
		files:    map[string][]byte{},
	}
}

// within reports whether real path p is the boundary or below it.
func within(boundary, p string) bool {
	if p == boundary || boundary == string(filepath.Separator) {
		return true
	}
	return strings.HasPrefix(p, boundary+string(filepath.Separator))
}

// realPath resolves path (absolute, or relative to the working directory)
// to its real path and checks that it stays inside the boundary.
func (g *guardedFS) realPath(path string) (string, error) {
	if g.ctx != nil {
		if err := g.ctx.Err(); err != nil {
			return "", fmt.Errorf("build stopped: %w", err)
		}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", unwrapPathError(err)
	}
	if !within(g.boundary, real) {
		return "", fmt.Errorf("%s is outside %s: not read", path, g.boundary)
	}
	return real, nil
}

func (g *guardedFS) serve(real string, text []byte) {
	g.mu.Lock()
	g.served[real] = text
	g.mu.Unlock()
}

// CleanedAbs splits a path into its real directory and file name, as the
// on-disk file system does, refusing paths outside the boundary.
func (g *guardedFS) CleanedAbs(path string) (filesys.ConfirmedDir, string, error) {
	real, err := g.realPath(path)
	if err != nil {
		return "", "", err
	}
	info, err := os.Stat(real)
	if err != nil {
		return "", "", unwrapPathError(err)
	}
	if info.IsDir() {
		return filesys.ConfirmedDir(real), "", nil
	}
	return filesys.ConfirmedDir(filepath.Dir(real)), filepath.Base(real), nil
}

// ReadFile returns a file's content; a kustomization file is served
// sanitized, or not at all.
func (g *guardedFS) ReadFile(path string) ([]byte, error) {
	real, err := g.realPath(path)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if text, ok := g.served[real]; ok {
		return bytes.Clone(text), nil
	}
	if isKustomizationName(filepath.Base(real)) {
		return nil, fmt.Errorf("%s: %w", path, fs.ErrNotExist)
	}
	data, ok := g.files[real]
	if !ok {
		data, err = loader.ReadRegular(real, g.maxSize)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if err := checkAliases(data); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		g.files[real] = data
	}
	if int64(len(data)) > g.budget {
		return nil, fmt.Errorf("%s: the build has read more than its limit of bytes", path)
	}
	g.budget -= int64(len(data))
	return bytes.Clone(data), nil
}

// readFiles returns the files read so far, by real path.
func (g *guardedFS) readFiles() map[string][]byte {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make(map[string][]byte, len(g.files))
	for k, v := range g.files {
		out[k] = v
	}
	return out
}

// Exists reports whether path exists inside the boundary.
func (g *guardedFS) Exists(path string) bool {
	real, err := g.realPath(path)
	if err != nil {
		return false
	}
	_, err = os.Stat(real)
	return err == nil
}

// IsDir reports whether path is a directory inside the boundary.
func (g *guardedFS) IsDir(path string) bool {
	real, err := g.realPath(path)
	if err != nil {
		return false
	}
	info, err := os.Stat(real)
	return err == nil && info.IsDir()
}

// ReadDir lists a directory inside the boundary.
func (g *guardedFS) ReadDir(path string) ([]string, error) {
	real, err := g.realPath(path)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(real)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names, nil
}

// Glob matches a pattern, keeping only matches inside the boundary.
func (g *guardedFS) Glob(pattern string) ([]string, error) {
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range matches {
		if _, err := g.realPath(m); err == nil {
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out, nil
}

// Walk is refused: no kustomize build path walks directories.
func (g *guardedFS) Walk(path string, _ filepath.WalkFunc) error {
	return fmt.Errorf("walking %s: not supported", path)
}

// Open is refused: kustomize builds read whole files through ReadFile.
func (g *guardedFS) Open(path string) (filesys.File, error) {
	return nil, fmt.Errorf("opening %s: not supported", path)
}

// Create is refused.
func (g *guardedFS) Create(string) (filesys.File, error) { return nil, errReadOnly }

// Mkdir is refused.
func (g *guardedFS) Mkdir(string) error { return errReadOnly }

// MkdirAll is refused.
func (g *guardedFS) MkdirAll(string) error { return errReadOnly }

// RemoveAll is refused.
func (g *guardedFS) RemoveAll(string) error { return errReadOnly }

// WriteFile is refused.
func (g *guardedFS) WriteFile(string, []byte) error { return errReadOnly }

// unwrapPathError drops the operation and path an *fs.PathError repeats, as
// callers name the path themselves.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// checkAliases refuses YAML whose aliases expand far beyond its size:
// kustomize expands every alias of the files it parses.
func checkAliases(data []byte) error {
	if !bytes.Contains(data, []byte("*")) || !bytes.Contains(data, []byte("&")) {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	budget := 2*len(data) + 10000
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			return nil // not YAML, or the end: kustomize reports syntax errors itself
		}
		if !expandWithin(&doc, &budget, 0) {
			return errors.New("YAML aliases expand beyond the size limit (alias bomb?)")
		}
	}
}

// expandWithin spends one unit of budget per node as aliases expand, and
// reports false once the budget or the nesting limit is exhausted.
func expandWithin(n *yaml.Node, budget *int, depth int) bool {
	if n == nil {
		return true
	}
	*budget--
	if *budget < 0 || depth > 1000 {
		return false
	}
	if n.Kind == yaml.AliasNode {
		return expandWithin(n.Alias, budget, depth+1)
	}
	for _, c := range n.Content {
		if !expandWithin(c, budget, depth+1) {
			return false
		}
	}
	return true
}
