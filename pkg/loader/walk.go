package loader

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
)

// Input is one file to read: a path as the user named it (or found below a
// named directory), or standard input; or a directory or file a Claim took.
type Input struct {
	Path  string
	Stdin bool
	// Claimed marks a path the walk's Claim took: a directory it did not
	// walk, or a file it would not have read by its name.
	Claimed bool
}

// Claim is asked about every directory the walk is about to read, with the
// names of its entries, and about every regular file whose name is not a
// manifest's; isDir tells which. A claimed path is emitted as one Input with
// Claimed set, and a claimed directory is not walked: it belongs to whoever
// claimed it (a renderer, for a Helm chart).
type Claim func(path string, isDir bool, names []string) bool

// StdinName is how standard input is named in reports.
const StdinName = "<stdin>"

// Discover expands the user's paths into the files to read, in a stable
// order: named files always (whatever their extension), and below named
// directories every *.yaml, *.yml and *.json file, skipping hidden
// directories, node_modules, excluded paths and symlink loops. Problems that
// do not stop the run (a FIFO, a loop) are returned as notes; paths that do
// not exist are errors (*fs.PathError naming the path).
func Discover(paths []string, exclude []string) (inputs []Input, notes []string, errs []error) {
	notes, errs = Walk(paths, exclude, nil, func(in Input) { inputs = append(inputs, in) })
	return inputs, notes, errs
}

// Walk is Discover handing each input to emit as soon as it is found, so
// that reading can start while directories are still being walked, and
// asking claim (when not nil) about directories and other files. Exclude
// globs apply to named files too.
func Walk(paths []string, exclude []string, claim Claim, emit func(Input)) (notes []string, errs []error) {
	ex, err := compileGlobs(exclude)
	if err != nil {
		return nil, []error{err}
	}
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			emit(Input{Path: p})
		}
	}
	for _, root := range paths {
		if root == "-" {
			emit(Input{Path: StdinName, Stdin: true})
			continue
		}
		info, err := os.Stat(root)
		if err != nil {
			errs = append(errs, &fs.PathError{Op: "read", Path: root, Err: unwrapPathError(err)})
			continue
		}
		if !info.IsDir() {
			if !info.Mode().IsRegular() {
				notes = append(notes, fmt.Sprintf("%s: skipped: not a regular file", root))
				continue
			}
			if matchesAny(ex, filepath.ToSlash(root), filepath.Base(root)) {
				continue
			}
			if claim != nil && !isManifestName(root) && claim(root, false, nil) {
				if !seen[root] {
					seen[root] = true
					emit(Input{Path: root, Claimed: true})
				}
				continue
			}
			add(root)
			continue
		}
		w := walker{root: root, exclude: ex, add: add, visited: map[string]bool{}, claim: claim, emit: func(p string) {
			if !seen[p] {
				seen[p] = true
				emit(Input{Path: p, Claimed: true})
			}
		}}
		w.dir(root)
		notes = append(notes, w.notes...)
		errs = append(errs, w.errs...)
	}
	return notes, errs
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

type walker struct {
	root    string
	exclude []*regexp.Regexp
	add     func(string)
	visited map[string]bool // real paths of directories entered, to stop symlink loops
	claim   Claim
	emit    func(string) // a claimed path
	notes   []string
	errs    []error
}

func (w *walker) excluded(p string) bool {
	rel, err := filepath.Rel(w.root, p)
	if err != nil {
		rel = p
	}
	return matchesAny(w.exclude, filepath.ToSlash(rel), filepath.ToSlash(p), filepath.Base(p))
}

func matchesAny(exclude []*regexp.Regexp, candidates ...string) bool {
	for _, c := range candidates {
		for _, re := range exclude {
			if re.MatchString(c) {
				return true
			}
		}
	}
	return false
}

func (w *walker) dir(dir string) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		w.errs = append(w.errs, &fs.PathError{Op: "read", Path: dir, Err: unwrapPathError(err)})
		return
	}
	w.walk(dir, real)
}

// walk reads directory dir, whose path without symlinks is real. Only a
// symlink can make a loop, so only symlinks are resolved: a plain
// subdirectory's real path is its parent's joined with its name, and a plain
// file needs no stat at all.
func (w *walker) walk(dir, real string) {
	if w.visited[real] {
		w.notes = append(w.notes, fmt.Sprintf("%s: skipped: symlink loop", dir))
		return
	}
	w.visited[real] = true
	defer delete(w.visited, real)
	entries, err := os.ReadDir(dir)
	if err != nil {
		w.errs = append(w.errs, &fs.PathError{Op: "read", Path: dir, Err: unwrapPathError(err)})
		return
	}
	if w.claim != nil {
		names := make([]string, len(entries))
		for i, e := range entries {
			names[i] = e.Name()
		}
		if w.claim(dir, true, names) {
			w.emit(dir)
			return
		}
	}
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(dir, name)
		if w.excluded(p) {
			continue
		}
		mode := e.Type()
		childReal := filepath.Join(real, name)
		if mode&fs.ModeSymlink != 0 {
			info, err := os.Stat(p) // follows the link
			if err != nil {
				w.notes = append(w.notes, fmt.Sprintf("%s: skipped: %v", p, unwrapPathError(err)))
				continue
			}
			mode = info.Mode().Type()
			if info.IsDir() {
				if childReal, err = filepath.EvalSymlinks(p); err != nil {
					w.notes = append(w.notes, fmt.Sprintf("%s: skipped: %v", p, unwrapPathError(err)))
					continue
				}
			}
		}
		if mode.IsDir() {
			if strings.HasPrefix(name, ".") || name == "node_modules" {
				continue
			}
			w.walk(p, childReal)
			continue
		}
		if !isManifestName(name) {
			if w.claim != nil && mode.IsRegular() && w.claim(p, false, nil) {
				w.emit(p)
			}
			continue
		}
		if !mode.IsRegular() {
			w.notes = append(w.notes, fmt.Sprintf("%s: skipped: not a regular file", p))
			continue
		}
		w.add(p)
	}
}

func isManifestName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// compileGlobs turns exclude globs into regular expressions: * matches within
// a path element, ** across elements, ? one character.
func compileGlobs(globs []string) ([]*regexp.Regexp, error) {
	var out []*regexp.Regexp
	for _, g := range globs {
		var b strings.Builder
		b.WriteString("^")
		for i := 0; i < len(g); i++ {
			switch c := g[i]; c {
			case '*':
				if i+1 < len(g) && g[i+1] == '*' {
					i++
					if i+1 < len(g) && g[i+1] == '/' {
						i++
						b.WriteString("(?:.*/)?")
					} else {
						b.WriteString(".*")
					}
				} else {
					b.WriteString("[^/]*")
				}
			case '?':
				b.WriteString("[^/]")
			default:
				b.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
		b.WriteString("(?:/.*)?$")
		re, err := regexp.Compile(b.String())
		if err != nil {
			return nil, fmt.Errorf("exclude pattern %q: %w", g, err)
		}
		out = append(out, re)
	}
	return out, nil
}

// Read loads one input, refusing files over the size limit before reading
// them whole, and parses it.
func Read(in Input, stdin io.Reader, opts Options) *File {
	var data []byte
	var err error
	limit := opts.maxFileSize()
	if in.Stdin {
		data, err = io.ReadAll(io.LimitReader(stdin, limit+1))
	} else {
		data, err = ReadRegular(in.Path, limit)
	}
	if err != nil {
		f := &File{Path: in.Path}
		f.fileError(err.Error())
		return f
	}
	return Parse(in.Path, data, opts)
}

// ReadRegular reads a regular file of at most limit bytes, following a
// symlink. Anything else (a FIFO, a device, a socket) is refused without
// blocking on it. Errors do not repeat the path.
func ReadRegular(path string, limit int64) ([]byte, error) {
	// Opening a FIFO waits for a writer, unless it is opened non-blocking;
	// fstat then tells what was opened, in the same step.
	fh, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return nil, unwrapPathError(err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	size := info.Size()
	if size > limit {
		return nil, fmt.Errorf("file is larger than the %d byte limit", limit)
	}
	// One read usually returns the whole file; a byte more than stat said
	// means it grew since.
	data := make([]byte, size+1)
	n, err := io.ReadAtLeast(fh, data, int(size))
	if err != nil && !(size == 0 && err == io.EOF) {
		return nil, unwrapPathError(err)
	}
	if int64(n) > size {
		rest, err := io.ReadAll(io.LimitReader(fh, limit-int64(n)+1))
		if err != nil {
			return nil, unwrapPathError(err)
		}
		data = append(data[:n], rest...)
		if int64(len(data)) > limit {
			return nil, fmt.Errorf("file is larger than the %d byte limit", limit)
		}
		return data, nil
	}
	return data[:n:n], nil
}

// IsStdin reports whether a file name stands for standard input.
func IsStdin(name string) bool { return name == StdinName }

// Excluder returns a test of whether a path, as named, matches one of the
// exclude globs (against the whole path or its base name), as the walk
// applies them to named files.
func Excluder(exclude []string) (func(path string) bool, error) {
	ex, err := compileGlobs(exclude)
	if err != nil {
		return nil, err
	}
	return func(p string) bool { return matchesAny(ex, filepath.ToSlash(p), filepath.Base(p)) }, nil
}
