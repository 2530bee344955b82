// Package loader reads manifest files into objects: it splits YAML streams
// into documents, parses each document once, records the position of every
// node, converts values exactly as kubectl would, unpacks Lists, and decodes
// the kinds it is asked for strictly into Go types, keeping every field that
// strict decoding rejects. It knows nothing of rules or of Kubernetes types:
// which kinds to decode, and into what, is the caller's choice.
package loader

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"github.com/salint/salint/pkg/finding"
)

// Defaults for Options.
const (
	DefaultMaxFileSize = 64 << 20
	DefaultMaxDepth    = 100
)

// Target is what a checked kind is decoded into.
type Target struct {
	// New returns a pointer to a fresh Go value, e.g. &appsv1.Deployment{}.
	New func() any
	// Strict lists the field path prefixes whose unknown fields are reported
	// (e.g. "spec.template" for a CRD that embeds a pod template); nil
	// reports every unknown field.
	Strict []string
}

// Kinds says which kinds are checked: it returns nil for kinds that are only
// counted as skipped.
type Kinds func(apiVersion, kind string) *Target

// Options tune loading; the zero value is usable.
type Options struct {
	MaxFileSize int64 // bytes; 0 means DefaultMaxFileSize
	MaxDepth    int   // nesting levels; 0 means DefaultMaxDepth
	Kinds       Kinds
}

func (o Options) maxFileSize() int64 {
	if o.MaxFileSize > 0 {
		return o.MaxFileSize
	}
	return DefaultMaxFileSize
}

// File is one input file and everything read from it.
type File struct {
	Path      string // as the user named it
	Content   []byte // the text, which the report shows lines of
	Documents int    // non-empty documents, each List item counting as one
	Objects   []*Object
	Skipped   []finding.Skipped
	Errors    []finding.InputError
	// Comments are the file's real YAML comments that hold IgnoreMarker,
	// by line: what suppresses findings, read in the one parse.
	Comments map[int]string
}

// Object is one checked Kubernetes object.
type Object struct {
	File       string
	HelmSource string
	APIVersion string
	Kind       string
	Namespace  string // as written; "" when absent
	Name       string
	// Value is the decoded value, made by Target.New.
	Value any
	// FieldErrors are the fields strict decoding rejected.
	FieldErrors []FieldError
	Positions   *Positions
}

// Pos returns where the node at path stands, or its nearest present
// ancestor when it is absent.
func (o *Object) Pos(path Path) Pos {
	p, _ := o.Positions.Find(path)
	return p
}

// FieldError is a field that Kubernetes would reject or silently drop.
type FieldError struct {
	Path    Path
	Problem string // "unknown" or "type"
	Detail  string
}

var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlParserProblems are the errors of go-yaml's parser (as opposed to its
// scanner), which name the 0-based line: one less than the line they mean.
var yamlParserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected key":              true,
	"did not find expected '-' indicator":    true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found undefined tag handle":             true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// fastPath lets fastDocument read what it can; the benchmarks turn it off
// to measure what it saves.
var fastPath = true

// Parse reads the documents of one file whose content is already in memory.
func Parse(name string, content []byte, opts Options) *File {
	f := &File{Path: name, Content: content}
	if int64(len(content)) > opts.maxFileSize() {
		f.fileError(fmt.Sprintf("file is larger than the %d byte limit", opts.maxFileSize()))
		f.Content = nil
		return f
	}
	data := bytes.TrimPrefix(content, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(data, 0) >= 0 {
		f.fileError("binary file (contains NUL bytes)")
		return f
	}
	for _, c := range splitDocuments(data) {
		f.parseChunk(c, opts)
	}
	return f
}

func (f *File) fileError(msg string) {
	f.Documents++
	f.Errors = append(f.Errors, finding.InputError{Location: finding.Location{File: f.Path}, Message: msg})
}

func (f *File) docError(line, col int, msg string) {
	f.Documents++
	f.Errors = append(f.Errors, finding.InputError{Location: finding.Location{File: f.Path, Line: line, Column: col}, Message: msg})
}

func (f *File) parseChunk(c chunk, opts Options) {
	if !utf8.Valid(c.text) {
		line := c.startLine + firstInvalidUTF8Line(c.text)
		f.docError(line, 1, "document is not valid UTF-8")
		return
	}
	c.nonSpecific = nonSpecificTags(c.text)
	c.lines = yamlLines(c.text)
	withComments := bytes.Contains(c.text, []byte(IgnoreMarker))
	if !withComments && fastPath {
		// Most documents are plain block YAML, which fastDocument reads
		// into the tree go-yaml would build, at a fraction of the cost.
		if doc, ok := fastDocument(c.text); ok {
			if doc != nil {
				f.document(doc, c, opts)
			}
			return
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(c.text))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			return
		}
		if err != nil {
			line, msg := c.startLine, strings.TrimPrefix(err.Error(), "yaml: ")
			if m := yamlErrLine.FindStringSubmatch(err.Error()); m != nil {
				n, _ := strconv.Atoi(m[1])
				if yamlParserProblems[m[2]] {
					n++
				}
				line, _ = c.at(n, 1)
				msg = m[2]
				// go-yaml puts the end of the input on a line of its own.
				last := c.startLine + bytes.Count(bytes.TrimRight(c.text, "\r\n"), []byte("\n"))
				line = min(line, last)
			}
			f.docError(line, 1, "YAML syntax error: "+msg)
			return
		}
		if withComments {
			f.comments(&doc, c)
		}
		f.document(&doc, c, opts)
	}
}

func firstInvalidUTF8Line(b []byte) int {
	line := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		b = b[size:]
	}
	return line
}

func (f *File) newEncoder(c chunk, opts Options, withPositions bool) *encoder {
	depth := opts.MaxDepth
	if depth <= 0 {
		depth = DefaultMaxDepth
	}
	e := &encoder{
		lineOffset: c.startLine - 1,
		maxDepth:   depth,
		nodeBudget: 2*len(c.text) + 10000,
		byteBudget: 8*len(c.text) + 1<<20,
		noPos:      !withPositions,

		nonSpecific: c.nonSpecific,
	}
	if withPositions {
		e.pos = &Positions{}
	}
	return e
}

func (f *File) document(doc *yaml.Node, c chunk, opts Options) {
	root := doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return
		}
		root = root.Content[0]
	}
	for root.Kind == yaml.AliasNode && root.Alias != nil {
		root = root.Alias
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return // empty or comment-only document
	}
	source := helmSource(c.text)
	line, col := c.at(root.Line, root.Column)
	skip := func(kind, reason string) {
		f.Documents++
		f.Skipped = append(f.Skipped, finding.Skipped{
			Location: finding.Location{File: f.Path, Line: line, Column: col}, Kind: kind, Reason: reason,
		})
	}
	if root.Kind != yaml.MappingNode {
		skip("", "not a Kubernetes object: the document is not a mapping")
		return
	}
	apiVersion, kind := scalarField(root, "apiVersion"), scalarField(root, "kind")
	if apiVersion == "" || kind == "" {
		skip(kind, "not a Kubernetes object: no apiVersion or kind")
		return
	}
	items := field(root, "items")
	for items != nil && items.Kind == yaml.AliasNode && items.Alias != nil {
		items = items.Alias
	}
	isList := strings.HasSuffix(kind, "List") && items != nil && items.Kind == yaml.SequenceNode
	target := f.target(apiVersion, kind, opts)
	if isList || target == nil {
		// Objects that are not decoded are still walked once, so that
		// duplicate keys and alias bombs are errors whatever the kind.
		check := f.newEncoder(c, opts, false)
		if _, err := check.encodeNode(root); err != nil {
			ee := err.(*EncodeError)
			line, col := c.atFile(ee.Line, ee.Column)
			f.docError(line, col, ee.Msg)
			return
		}
	}
	if !isList {
		f.object(root, c, source, opts, skip, apiVersion, kind, target)
		return
	}
	// The items of a typed list (ServiceAccountList, as the API returns
	// it) need not repeat their apiVersion and kind.
	itemKind := ""
	if kind != "List" {
		itemKind = strings.TrimSuffix(kind, "List")
	}
	for _, item := range items.Content {
		for item.Kind == yaml.AliasNode && item.Alias != nil {
			item = item.Alias
		}
		line, col = c.at(item.Line, item.Column)
		if item.Kind != yaml.MappingNode {
			skip("", "not a Kubernetes object: the List item is not a mapping")
			continue
		}
		av, k := scalarField(item, "apiVersion"), scalarField(item, "kind")
		if k == "" && itemKind != "" {
			k = itemKind
			if av == "" {
				av = apiVersion
			}
		}
		if av == "" || k == "" {
			skip(k, "not a Kubernetes object: no apiVersion or kind")
			continue
		}
		f.object(item, c, source, opts, skip, av, k, f.target(av, k, opts))
	}
}

func (f *File) target(apiVersion, kind string, opts Options) *Target {
	if opts.Kinds == nil {
		return nil
	}
	return opts.Kinds(apiVersion, kind)
}

// object decodes mapping n, an object of the given identity, into what
// target makes; without a target it is only counted as skipped.
func (f *File) object(n *yaml.Node, c chunk, source string, opts Options, skip func(kind, reason string), apiVersion, kind string, target *Target) {
	if target == nil {
		skip(kind, fmt.Sprintf("kind %s (%s) is not checked", kind, apiVersion))
		return
	}
	e := f.newEncoder(c, opts, true)
	value := target.New()
	fieldErrs, err := decodeObject(e, n, target, value)
	if err != nil {
		ee := err.(*EncodeError)
		line, col := c.atFile(ee.Line, ee.Column)
		f.docError(line, col, ee.Msg)
		return
	}
	if c.lines != nil {
		e.pos.remap(c.atFile)
	}
	e.pos.freeze()
	o := &Object{
		File:       f.Path,
		HelmSource: source,
		APIVersion: apiVersion,
		Kind:       kind,
		Positions:  e.pos,
		Value:      value,
	}
	if md := field(n, "metadata"); md != nil {
		for md.Kind == yaml.AliasNode && md.Alias != nil {
			md = md.Alias
		}
		o.Name, o.Namespace = scalarField(md, "name"), scalarField(md, "namespace")
		if o.Name == "" {
			o.Name = scalarField(md, "generateName") // named by the API server on creation
		}
	}
	o.FieldErrors = fieldErrs
	f.Documents++
	f.Objects = append(f.Objects, o)
}

// field returns the value node of key in mapping n, or nil. Merge keys (<<)
// count, as for kubectl: merged maps can give an object its kind.
func field(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var v *yaml.Node
	merges := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind == yaml.ScalarNode && k.Value == key && v == nil {
			v = n.Content[i+1]
		}
		merges = merges || k.Kind == yaml.ScalarNode && k.Value == "<<"
	}
	if merges {
		// A mapping that does not convert keeps v: encoding reports why.
		e := encoder{maxDepth: DefaultMaxDepth, nodeBudget: 1 << 16, byteBudget: 1 << 24}
		func() {
			var err error // a failed merge leaves v as it is
			defer catchAbort(&err)
			var merged *yaml.Node
			for _, me := range e.entries(n, -1) {
				if me.key == key {
					merged = me.value
				}
			}
			v = merged
		}()
	}
	return v
}

// scalarField returns the string value of key in mapping n, or "".
func scalarField(n *yaml.Node, key string) string {
	v := field(n, key)
	for v != nil && v.Kind == yaml.AliasNode {
		v = v.Alias
	}
	if v == nil || v.Kind != yaml.ScalarNode {
		return ""
	}
	var e encoder
	s, err := func() (s any, err error) {
		defer catchAbort(&err)
		return e.resolve(v), nil
	}()
	if err != nil {
		return ""
	}
	str, _ := text(v, s)
	return str
}
