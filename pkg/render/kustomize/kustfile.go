package kustomize

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/types"

	"github.com/salint/salint/pkg/loader"
)

// isKustomizationName reports whether a file name is one kustomize reads
// as a kustomization.
func isKustomizationName(name string) bool {
	for _, n := range konfig.RecognizedKustomizationFileNames() {
		if name == n {
			return true
		}
	}
	return false
}

// IsKustomization reports whether dir holds kustomization.yaml,
// kustomization.yml or Kustomization as a regular file.
func IsKustomization(dir string) bool {
	for _, n := range konfig.RecognizedKustomizationFileNames() {
		if info, err := os.Stat(filepath.Join(dir, n)); err == nil && info.Mode().IsRegular() {
			return true
		}
	}
	return false
}

// kustFile is one kustomization file: its text, the kustomization as
// kustomize decodes it, and its YAML nodes for positions.
type kustFile struct {
	dir  string // real directory
	path string // real path of the file
	// content is the file as on disk; served is the sanitized copy
	// kustomize reads instead (JSON, which kustomize reads as YAML).
	content []byte
	served  []byte
	k       types.Kustomization
	doc     *yaml.Node // the top mapping; nil when the text is not one
	// err says why the file could not be read or decoded, at line errLine.
	err     error
	errLine int
	// children are the kustomizations this one builds on, in order:
	// resources and bases, then components.
	children []*kustFile
	// files are the real paths of the local files it lists.
	files []string
}

// findKustomizationFile returns the kustomization file of a real directory,
// or an error when there is none or more than one.
func findKustomizationFile(dir string) (string, error) {
	var found []string
	for _, n := range konfig.RecognizedKustomizationFileNames() {
		p := filepath.Join(dir, n)
		if info, err := os.Lstat(p); err == nil && !info.IsDir() {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("no kustomization file in %s", dir)
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("more than one kustomization file (%s): kustomize refuses to choose", strings.Join(baseNames(found), ", "))
}

func baseNames(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	return out
}

// loadKustFile reads and decodes the kustomization file of real directory
// dir; failures are kept in err.
func loadKustFile(dir string, g *guardedFS) *kustFile {
	kf := &kustFile{dir: dir}
	p, err := findKustomizationFile(dir)
	if err != nil {
		kf.err = err
		return kf
	}
	real, err := g.realPath(p)
	if err != nil {
		kf.path, kf.err = p, err
		return kf
	}
	kf.path = real
	data, err := loader.ReadRegular(real, g.maxSize)
	if err != nil {
		kf.err = err
		return kf
	}
	kf.content = data
	if err := checkAliases(data); err != nil {
		kf.err = err
		return kf
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		kf.err = fmt.Errorf("invalid kustomization: %w", err)
		// The loader knows which line go-yaml's messages mean.
		if f := loader.Parse(real, data, loader.Options{MaxFileSize: g.maxSize}); len(f.Errors) > 0 {
			kf.err = fmt.Errorf("invalid kustomization: %s", f.Errors[0].Message)
			kf.errLine = f.Errors[0].Line
		}
		return kf
	}
	if len(doc.Content) > 0 && doc.Content[0].Kind == yaml.MappingNode {
		kf.doc = doc.Content[0]
	}
	// Decoded exactly as kustomize decodes it: field names match without
	// regard to case, so sanitizing the decoded value misses no spelling.
	if err := kf.k.Unmarshal(data); err != nil {
		kf.err = err
		return kf
	}
	if err := kf.k.CheckEmpty(); err != nil {
		kf.err = err
		return kf
	}
	if errs := kf.k.EnforceFields(); len(errs) > 0 {
		kf.err = errors.New(strings.Join(errs, "; "))
	}
	return kf
}

// at returns the position of the node at path in the kustomization file:
// the key of a mapping entry, or a sequence item. Keys match as kustomize
// matches them (exactly first, then without regard to case). When the path
// is not all there, it returns the deepest node found and false.
func (kf *kustFile) at(path ...any) (line, col int, ok bool) {
	n := kf.doc
	if n == nil {
		return 1, 1, false
	}
	line, col = n.Line, n.Column
	for _, e := range path {
		n = resolveAlias(n)
		switch e := e.(type) {
		case string:
			k, v := mappingEntry(n, e)
			if k == nil {
				return line, col, false
			}
			line, col, n = k.Line, k.Column, v
		case int:
			if n == nil || n.Kind != yaml.SequenceNode || e < 0 || e >= len(n.Content) {
				return line, col, false
			}
			n = n.Content[e]
			line, col = n.Line, n.Column
		}
	}
	return line, col, true
}

// node returns the value node at path, or nil.
func (kf *kustFile) node(path ...any) *yaml.Node {
	n := kf.doc
	for _, e := range path {
		n = resolveAlias(n)
		switch e := e.(type) {
		case string:
			_, n = mappingEntry(n, e)
		case int:
			if n == nil || n.Kind != yaml.SequenceNode || e < 0 || e >= len(n.Content) {
				return nil
			}
			n = n.Content[e]
		}
		if n == nil {
			return nil
		}
	}
	return resolveAlias(n)
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	return n
}

// mappingEntry finds key in mapping n as encoding/json matches field
// names: an exact match wins, else the first match without regard to case.
func mappingEntry(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	var foldK, foldV *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		c := n.Content[i]
		if c.Value == key {
			return c, n.Content[i+1]
		}
		if foldK == nil && strings.EqualFold(c.Value, key) {
			foldK, foldV = c, n.Content[i+1]
		}
	}
	return foldK, foldV
}

// entryKind is what a path written in a kustomization turned out to be.
type entryKind int

const (
	entryFile entryKind = iota
	entryDir
	entryRemote
	entryMissing
	entryOutside
	entryIrregular
)

// resolved is a path written in a kustomization, resolved on disk.
type resolved struct {
	kind   entryKind
	real   string // for entryFile and entryDir
	reason string // for entryIrregular
}

var scpUser = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]*@`)

// looksRemote reports whether kustomize would fetch s (HTTP GET or git
// clone) rather than read it from disk, whatever is on disk.
func looksRemote(s string) bool {
	s = strings.TrimSpace(s)
	l := strings.ToLower(s)
	if rest, ok := strings.CutPrefix(l, "git::"); ok {
		l, s = rest, s[len("git::"):]
	}
	for _, scheme := range []string{"http://", "https://", "ssh://", "file://"} {
		if strings.HasPrefix(l, scheme) {
			return true
		}
	}
	// What kustomize fetches over HTTP, even written "http:x".
	if u, err := url.Parse(s); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		return true
	}
	return strings.HasPrefix(l, "github.com/") || strings.HasPrefix(l, "github.com:") || scpUser.MatchString(s)
}

var hostLike = regexp.MustCompile(`^[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)+(:\d+)?/`)

// looksLikeURL reports whether a path that does not exist on disk was
// probably meant as a repository URL: a query, a "//" separator, a .git
// suffix or a host name as first element.
func looksLikeURL(s string) bool {
	return strings.Contains(s, "?ref=") || strings.Contains(s, "?version=") || strings.Contains(s, "?") ||
		strings.Contains(s, "//") || strings.Contains(s, ".git") || strings.Contains(s, "_git/") ||
		hostLike.MatchString(s)
}

// resolve finds what a path written in the kustomization of real directory
// dir names, without reading it.
func resolve(boundary, dir, p string) resolved {
	if looksRemote(p) {
		return resolved{kind: entryRemote}
	}
	joined := p
	if !filepath.IsAbs(p) {
		joined = filepath.Join(dir, p)
	}
	real, err := filepath.EvalSymlinks(joined)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if looksLikeURL(p) {
				return resolved{kind: entryRemote}
			}
			return resolved{kind: entryMissing}
		}
		return resolved{kind: entryIrregular, reason: unwrapPathError(err).Error()}
	}
	if !within(boundary, real) {
		return resolved{kind: entryOutside}
	}
	info, err := os.Stat(real)
	if err != nil {
		return resolved{kind: entryIrregular, reason: unwrapPathError(err).Error()}
	}
	switch {
	case info.IsDir():
		return resolved{kind: entryDir, real: real}
	case info.Mode().IsRegular():
		return resolved{kind: entryFile, real: real}
	}
	return resolved{kind: entryIrregular, reason: "not a regular file"}
}

// relEntry writes real path target relative to real directory dir in a form
// kustomize can only read as a local path: "./x" or "../x".
func relEntry(dir, target string) string {
	rel, err := filepath.Rel(dir, target)
	if err != nil {
		return target
	}
	if rel == "." {
		return "./"
	}
	if rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return rel
	}
	return "." + string(filepath.Separator) + rel
}

// isInlineYAML reports whether an entry of a list that takes either paths
// or YAML text (patchesStrategicMerge, transformers) is YAML text: a
// mapping, as kustomize decides by trying to parse it first.
func isInlineYAML(s string) bool {
	if !strings.ContainsAny(s, ":\n{") {
		return false
	}
	dec := yaml.NewDecoder(bytes.NewReader([]byte(s)))
	var n yaml.Node
	if err := dec.Decode(&n); err != nil {
		return false
	}
	n2 := resolveAlias(&n)
	return n2 != nil && n2.Kind == yaml.MappingNode
}
