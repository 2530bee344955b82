package loader

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// Input is one file to read: a path as the user named it (or found below a
// named directory), or standard input; or a directory or file a Claim took.
type Input struct {
	Path  string
	Stdin bool
	// Stream marks a pipe or a device named on the command line (`salint
	// <(kustomize build)` names /dev/fd/63): read from Path as standard
	// input is read, once, up to a byte over the size limit.
	Stream bool
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

// WalkOptions are what the walk drops, whom it asks, and how far it goes.
type WalkOptions struct {
	// Exclude globs drop paths, named files included.
	Exclude []string
	// Claim, when not nil, is asked about directories and other files.
	Claim Claim
	// FollowSymlinks follows symlinks that lead outside the named paths;
	// without it they are skipped, and counted in a note.
	FollowSymlinks bool
}

// StdinName is how standard input is named in reports.
const StdinName = "<stdin>"

// Discover expands the user's paths into the files to read, in a stable
// order: named files always (whatever their extension), and below named
// directories every *.yaml, *.yml and *.json file, skipping hidden
// directories, node_modules, excluded paths, symlink loops and symlinks
// that leave the named paths. Problems that do not stop the run (a FIFO, a
// loop) are returned as notes; paths that do not exist are errors
// (*fs.PathError naming the path).
func Discover(paths []string, exclude []string) (inputs []Input, notes []string, errs []error) {
	notes, errs = Walk(paths, WalkOptions{Exclude: exclude}, func(in Input) { inputs = append(inputs, in) })
	return inputs, notes, errs
}

// Walk is Discover handing each input to emit as soon as it is found, so
// that reading can start while directories are still being walked, and
// asking opts.Claim (when not nil) about directories and other files.
// Exclude globs apply to named files too.
//
// Every real directory is walked once and every real file emitted once,
// however many paths (named ones, symlinks) reach it: the first path that
// does names it. Symlinks are followed after the directories they were
// found in have been walked, so that a file reached both through a link
// and directly is named by its own path. A symlink is followed only to a
// place inside the named paths, unless opts.FollowSymlinks. A pipe or a
// device named on the command line is emitted as a stream (Input.Stream);
// one met below a named directory is skipped with a note.
func Walk(paths []string, opts WalkOptions, emit func(Input)) (notes []string, errs []error) {
	ex, err := compileGlobs(opts.Exclude)
	if err != nil {
		return nil, []error{err}
	}
	w := &walker{
		exclude: ex, claim: opts.Claim, follow: opts.FollowSymlinks, emit: emit,
		dirs: map[string]bool{}, files: map[string]bool{},
	}
	// The named paths are resolved first: a symlink in one of them may lead
	// into another.
	type named struct {
		path, real string
		info       fs.FileInfo
		err        error
	}
	roots := make([]named, len(paths))
	for i, p := range paths {
		r := named{path: p}
		if p != "-" {
			r.info, r.err = os.Stat(p)
			if r.err == nil && (r.info.IsDir() || r.info.Mode().IsRegular()) {
				r.real, r.err = realPath(p)
			}
			switch {
			case r.err != nil:
			case r.info.IsDir():
				w.rootDirs = append(w.rootDirs, r.real)
			case r.info.Mode().IsRegular():
				w.rootFiles = append(w.rootFiles, r.real)
			}
		}
		roots[i] = r
	}
	for _, r := range roots {
		switch {
		case r.path == "-":
			emit(Input{Path: StdinName, Stdin: true})
		case r.err != nil:
			w.errs = append(w.errs, &fs.PathError{Op: "read", Path: r.path, Err: unwrapPathError(r.err)})
		case r.info.IsDir():
			w.dir(r.path, r.path, r.real)
		case r.info.Mode().IsRegular():
			w.namedFile(r.path, r.real)
		default:
			w.namedStream(r.path, r.info)
		}
	}
	// Following a link may meet more links.
	for i := 0; i < len(w.links); i++ {
		w.followLink(w.links[i])
	}
	return w.skipNotes(), w.errs
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// realPath is p made absolute with every symlink resolved.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

type walker struct {
	exclude []*regexp.Regexp
	claim   Claim
	follow  bool
	emit    func(Input)
	// The real paths of the named directories and files: a symlink is
	// followed only to a place inside them.
	rootDirs, rootFiles []string
	dirs                map[string]bool // real paths of directories walked or claimed
	files               map[string]bool // real paths of files emitted
	streams             []fs.FileInfo   // pipes and devices emitted
	claimed             []string        // real paths of claimed directories
	links               []link          // met, and followed once the plain tree is walked
	skipped             [numSkipKinds]skips
	errs                []error
}

// A link is a symlink met below a named directory.
type link struct {
	root string // the named directory, for exclude globs
	path string // as the walk names it
	real string // its directory's real path joined with its name
}

func (w *walker) excluded(root, p string) bool {
	if len(w.exclude) == 0 {
		return false
	}
	rel, err := filepath.Rel(root, p)
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

// namedFile emits a regular file named on the command line, unless an
// exclude glob matches it or it was emitted already by another path.
func (w *walker) namedFile(p, real string) {
	if matchesAny(w.exclude, filepath.ToSlash(p), filepath.Base(p)) || w.files[real] {
		return
	}
	w.files[real] = true
	claimed := w.claim != nil && !isManifestName(p) && w.claim(p, false, nil)
	w.emit(Input{Path: p, Claimed: claimed})
}

// namedStream emits a pipe or a device named on the command line, to be
// read as a stream: the user asked for it (`salint <(kustomize build)`).
// The same pipe named twice is read once: a second open of a FIFO whose
// writer is gone would wait forever.
func (w *walker) namedStream(p string, info fs.FileInfo) {
	if matchesAny(w.exclude, filepath.ToSlash(p), filepath.Base(p)) {
		return
	}
	if slices.ContainsFunc(w.streams, func(s fs.FileInfo) bool { return os.SameFile(s, info) }) {
		return
	}
	w.streams = append(w.streams, info)
	w.emit(Input{Path: p, Stream: true})
}

// dir walks directory dir, whose path without symlinks is real, below the
// named directory root. Only a symlink can lead to a directory reached
// before, so only symlinks are resolved: a plain subdirectory's real path
// is its parent's joined with its name, and a plain file needs no stat.
func (w *walker) dir(root, dir, real string) {
	if w.dirs[real] {
		return // named twice, or inside a named directory walked already
	}
	w.dirs[real] = true
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
			w.claimed = append(w.claimed, real)
			w.emit(Input{Path: dir, Claimed: true})
			return
		}
	}
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(dir, name)
		if w.excluded(root, p) {
			continue
		}
		childReal := filepath.Join(real, name)
		switch mode := e.Type(); {
		case mode&fs.ModeSymlink != 0:
			w.links = append(w.links, link{root: root, path: p, real: childReal})
		case mode.IsDir():
			if !skippedDirName(name) {
				w.dir(root, p, childReal)
			}
		default:
			w.file(p, childReal, mode)
		}
	}
}

// file emits a file found below a named directory, once per real path.
func (w *walker) file(p, real string, mode fs.FileMode) {
	if !isManifestName(p) {
		if w.claim != nil && mode.IsRegular() && !w.files[real] && w.claim(p, false, nil) {
			w.files[real] = true
			w.emit(Input{Path: p, Claimed: true})
		}
		return
	}
	if !mode.IsRegular() {
		w.skip(skipNotRegular, p, nil)
		return
	}
	if w.files[real] {
		return
	}
	w.files[real] = true
	w.emit(Input{Path: p})
}

// followLink follows a symlink met below a named directory, unless it
// leads outside the named paths (without FollowSymlinks), into a claimed
// directory (its claimer reads it), or to a directory walked already.
func (w *walker) followLink(l link) {
	target, err := filepath.EvalSymlinks(l.real)
	if err != nil {
		w.skip(skipBroken, l.path, err)
		return
	}
	info, err := os.Stat(target)
	if err != nil {
		w.skip(skipBroken, l.path, err)
		return
	}
	if info.IsDir() && skippedDirName(filepath.Base(l.path)) {
		return
	}
	if !w.follow && !w.inside(target) {
		w.skip(skipOutside, l.path, nil)
		return
	}
	if slices.ContainsFunc(w.claimed, func(c string) bool { return within(c, target) }) {
		return
	}
	if !info.IsDir() {
		w.file(l.path, target, info.Mode().Type())
		return
	}
	if w.dirs[target] {
		if within(target, filepath.Dir(l.real)) {
			w.skip(skipLoop, l.path, nil)
		}
		return // walked already, through another path
	}
	w.dir(l.root, l.path, target)
}

// inside reports whether a real path is inside one of the named paths.
func (w *walker) inside(real string) bool {
	return slices.ContainsFunc(w.rootDirs, func(d string) bool { return within(d, real) }) ||
		slices.Contains(w.rootFiles, real)
}

// within reports whether p is dir or below it; both are clean and absolute.
func within(dir, p string) bool {
	if p == dir {
		return true
	}
	if !strings.HasSuffix(dir, string(filepath.Separator)) {
		dir += string(filepath.Separator)
	}
	return strings.HasPrefix(p, dir)
}

func skippedDirName(name string) bool {
	return strings.HasPrefix(name, ".") || name == "node_modules"
}

// Why the walk passed over a path. A hostile tree may hold thousands of
// each, so beyond maxNamedSkips of a kind one note counts them.
type skipKind int

const (
	skipLoop skipKind = iota
	skipOutside
	skipBroken
	skipNotRegular
	numSkipKinds
)

// maxNamedSkips is how many skipped paths of a kind get a note each, and
// how many a summary names.
const maxNamedSkips = 3

var skipTexts = [numSkipKinds]struct{ one, many string }{
	skipLoop:       {"symlink loop", "symlink loops"},
	skipOutside:    {"symlink leaves the named paths (--follow-symlinks follows it)", "symlinks that leave the named paths (--follow-symlinks follows them)"},
	skipBroken:     {"", "symlinks that cannot be followed"},
	skipNotRegular: {"not a regular file", "files that are not regular files (FIFOs, devices, sockets)"},
}

type skips struct {
	count int
	notes []string // on the first few
	paths []string // the first few
}

func (w *walker) skip(kind skipKind, p string, err error) {
	s := &w.skipped[kind]
	s.count++
	if len(s.paths) == maxNamedSkips {
		return
	}
	why := skipTexts[kind].one
	if err != nil {
		why = unwrapPathError(err).Error()
	}
	s.notes = append(s.notes, fmt.Sprintf("%s: skipped: %s", p, why))
	s.paths = append(s.paths, p)
}

// skipNotes says what the walk passed over: a note per path for a few, a
// count naming the first few for more.
func (w *walker) skipNotes() []string {
	var notes []string
	for kind, s := range w.skipped {
		switch {
		case s.count == 0:
		case s.count <= maxNamedSkips:
			notes = append(notes, s.notes...)
		default:
			notes = append(notes, fmt.Sprintf("skipped %s %s: %s and %s more",
				groupDigits(s.count), skipTexts[kind].many, strings.Join(s.paths, ", "), groupDigits(s.count-len(s.paths))))
		}
	}
	return notes
}

// groupDigits writes n with a comma between groups of three digits.
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
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
// them whole, and parses it. A stream is read up to a byte over the limit.
func Read(in Input, stdin io.Reader, opts Options) *File {
	var data []byte
	var err error
	limit := opts.maxFileSize()
	switch {
	case in.Stdin:
		data, err = io.ReadAll(io.LimitReader(stdin, limit+1))
	case in.Stream:
		data, err = readStream(in.Path, limit)
	default:
		data, err = ReadRegular(in.Path, limit)
	}
	if err != nil {
		f := &File{Path: in.Path}
		f.fileError(err.Error())
		return f
	}
	return Parse(in.Path, data, opts)
}

// readStream reads a pipe or a device the user named, up to a byte over
// limit. Opening a FIFO waits for its writer, as the user who named it
// expects (`salint <(kustomize build)`). Errors do not repeat the path.
func readStream(path string, limit int64) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, unwrapPathError(err)
	}
	return data, nil
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
	if err != nil && (size != 0 || err != io.EOF) {
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
