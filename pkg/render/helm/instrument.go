package helm

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template/parse"
)

// The functions salint adds to the engine. Chart templates cannot define
// functions, so these names cannot clash with a chart's own.
const (
	fnTick = "__salint_tick"  // counts a body's execution and its literal bytes
	fnOut  = "__salint_out"   // counts the bytes an action prints
	fnMark = "__salint_mark"  // prints the marker of an output node
	fnTpl  = "__salint_tpl"   // instruments a tpl string before Helm parses it
	fnLoop = "__salint_range" // counts the iterations a range is about to make
)

// edit inserts text into a template source before the byte at offset at.
type edit struct {
	at   int
	rank int // orders edits at one offset: what closes before what opens
	text string
}

const (
	rankClose = iota
	rankOut
	rankTick
	rankMark
	rankOpen
)

// shiftMap maps offsets of an edited source back to the original.
type shiftMap struct {
	outStart []int // where each edit's inserted text starts in the output
	at       []int // the original offset of each edit
	length   []int // its inserted length
}

// applyEdits returns src with edits inserted and the map back to src.
func applyEdits(src string, edits []edit) (string, shiftMap) {
	slices.SortStableFunc(edits, func(a, b edit) int {
		if a.at != b.at {
			return a.at - b.at
		}
		return a.rank - b.rank
	})
	var b strings.Builder
	extra := 0
	for _, e := range edits {
		extra += len(e.text)
	}
	b.Grow(len(src) + extra)
	var m shiftMap
	last := 0
	for _, e := range edits {
		b.WriteString(src[last:e.at])
		last = e.at
		m.outStart = append(m.outStart, b.Len())
		m.at = append(m.at, e.at)
		m.length = append(m.length, len(e.text))
		b.WriteString(e.text)
	}
	b.WriteString(src[last:])
	return b.String(), m
}

// original returns the source offset of offset o of the edited text; an
// offset inside inserted text maps to where the text was inserted.
func (m shiftMap) original(o int) int {
	i := sort.SearchInts(m.outStart, o+1) - 1 // last edit starting at or before o
	if i < 0 {
		return o
	}
	if o < m.outStart[i]+m.length[i] {
		return m.at[i]
	}
	return m.at[i] + (o - m.outStart[i] - m.length[i])
}

// outNode is a marked node of a template's main tree, in document order:
// a text node, a printing action or a {{template}} call; or the start of a
// range over values and of each of its iterations, which print nothing.
// Its index is the number its marker carries.
type outNode struct {
	kind nodeKind
	pos  int // the text's first byte, or the action's "{{"
	size int // bytes of a text node
	loop int // the range over values a loop node marks
	// values is the .Values path whose value the action prints, nil when
	// the pipeline is not a plain field chain (see valuesPath).
	values []any
	// toYaml says the action prints a values subtree as YAML, so that
	// nodes inside its output lie below values.
	toYaml bool
	// include is the template name of an action that starts with
	// include "name", for mapping its lines into the define's body;
	// includeRoot says it passes the root context, as include "x" . does.
	include     string
	includeRoot bool
}

type nodeKind uint8

const (
	textNode      nodeKind = iota // printed verbatim
	actionNode                    // prints what its pipeline yields
	loopStart                     // a range over values starts
	loopIteration                 // an iteration of it starts
)

// instrumented is one template source made safe to run and, for a
// top-level template, a marked copy that attributes output to nodes.
type instrumented struct {
	text   string   // with ticks, output counters and tpl guards
	shift  shiftMap // from text back to the source
	marked string   // text plus markers; "" when not marked
	id     int      // the number its markers carry
	nodes  []outNode
	trees  map[string]*parse.Tree // the source's defines, by name
	ok     bool                   // the source parsed
}

// parseSource parses a template source the way Helm's engine will, without
// knowing its functions.
func parseSource(name, src string) (main *parse.Tree, defines map[string]*parse.Tree, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("parsing %s: %v", name, r)
		}
	}()
	t := parse.New(name)
	t.Mode = parse.SkipFuncCheck
	set := map[string]*parse.Tree{}
	if _, err := t.Parse(src, "", "", set); err != nil {
		return nil, nil, err
	}
	delete(set, name)
	return t, set, nil
}

// maxNesting bounds how deep control structures may nest in a template:
// the parser recurses once per level, and a stack overflow ends the
// process, beyond any recover.
const maxNesting = 1000

// nesting returns how deep the control structures of src nest, reading
// no further than the limit.
func nesting(src string) int {
	depth, deepest := 0, 0
	for i := 0; i < len(src) && deepest <= maxNesting; {
		j := strings.Index(src[i:], "{{")
		if j < 0 {
			break
		}
		i += j + 2
		if strings.HasPrefix(src[i:], "- ") {
			i += 2
		}
		if strings.HasPrefix(src[i:], "/*") {
			if k := strings.Index(src[i:], "*/"); k >= 0 {
				i += k + 2
			}
			continue
		}
		k := i
		for k < len(src) && isSpace(src[k]) {
			k++
		}
		w := k
		for w < len(src) && isWordByte(src[w]) {
			w++
		}
		switch src[k:w] {
		case "if", "range", "with", "define", "block":
			depth++
			deepest = max(deepest, depth)
		case "end":
			depth--
		}
		if end, ok := actionEnd(src, w); ok {
			i = end + 2
		}
	}
	return deepest
}

// noMarks is the markAs of a template that is not marked.
const noMarks = -1

// instrument rewrites src: a tick at the start of every body, a counter on
// every printing action and range, a guard on every tpl argument, and,
// unless markAs is noMarks, a marker before every output node of the main
// tree. Markers carry markAs, so that markers of another template that
// include copies into this one's output are told apart.
func instrument(name, src string, markAs int) instrumented {
	main, defines, err := parseSource(name, src)
	if err != nil {
		// Helm reports the same parse error when it parses the source.
		return instrumented{text: src}
	}
	in := &instrumenter{src: src}
	in.list(main.Root, true, false)
	for _, d := range sortedTrees(defines) {
		in.list(d.Root, true, false)
	}
	out := instrumented{trees: defines, ok: true, id: markAs}
	out.text, out.shift = applyEdits(src, slices.Clone(in.edits))
	if markAs != noMarks {
		m := &marker{src: src, edits: in.edits, id: markAs}
		m.list(main.Root, rootScope())
		out.nodes = m.nodes
		out.marked, _ = applyEdits(src, m.edits)
	}
	return out
}

func sortedTrees(m map[string]*parse.Tree) []*parse.Tree {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]*parse.Tree, len(names))
	for i, n := range names {
		out[i] = m[n]
	}
	return out
}

// instrumenter collects the edits that bound a template's execution.
type instrumenter struct {
	src   string
	edits []edit
}

// list ticks at the start of body l and instruments its nodes. A top-level
// body (main tree or define) that is empty stays empty: text/template lets
// an empty definition not replace another, and Helm relies on it.
func (in *instrumenter) list(l *parse.ListNode, top, elseChain bool) {
	if l == nil || len(l.Nodes) == 0 || top && parse.IsEmptyTree(l) {
		return
	}
	weight := 0
	for _, n := range l.Nodes {
		if t, ok := n.(*parse.TextNode); ok {
			weight += len(t.Text)
		}
	}
	if !elseChain {
		if at, ok := insertBefore(in.src, l.Nodes[0]); ok {
			in.edits = append(in.edits, at.with(rankTick, fnTick+" "+strconv.Itoa(weight)))
		}
	}
	for _, n := range l.Nodes {
		in.node(n)
	}
}

func (in *instrumenter) node(n parse.Node) {
	switch n := n.(type) {
	case *parse.ActionNode:
		in.pipe(n.Pipe)
		if len(n.Pipe.Decl) > 0 {
			return // assigns, prints nothing
		}
		open, ok := openerOf(in.src, int(n.Pos))
		if !ok {
			return
		}
		if at, ok := pipeEnd(in.src, open.after); ok {
			in.edits = append(in.edits, edit{at: at, rank: rankOut, text: " | " + fnOut})
		}
	case *parse.IfNode:
		in.branch(&n.BranchNode)
	case *parse.RangeNode:
		// An empty body has no tick: the range counts its iterations.
		if o, ok := openerOf(in.src, int(n.Pos)); ok {
			if at, ok := pipeEnd(in.src, o.after); ok {
				in.edits = append(in.edits, edit{at: at, rank: rankOut, text: " | " + fnLoop})
			}
		}
		in.branch(&n.BranchNode)
	case *parse.WithNode:
		in.branch(&n.BranchNode)
	case *parse.TemplateNode:
		in.pipe(n.Pipe)
	}
}

func (in *instrumenter) branch(b *parse.BranchNode) {
	in.pipe(b.Pipe)
	in.list(b.List, false, false)
	in.list(b.ElseList, false, isElseChain(in.src, b.ElseList))
}

// isElseChain reports whether l is the body {{else if}} or {{else with}}
// makes: its only node opens with the else's own delimiters.
func isElseChain(src string, l *parse.ListNode) bool {
	if l == nil || len(l.Nodes) != 1 {
		return false
	}
	var pos int
	switch n := l.Nodes[0].(type) {
	case *parse.IfNode:
		pos = int(n.Pos)
	case *parse.WithNode:
		pos = int(n.Pos)
	default:
		return false
	}
	o, ok := openerOf(src, pos)
	return ok && o.elseChain
}

// pipe guards the template argument of every tpl call in p: tpl parses a
// string at run time, which salint instruments first.
func (in *instrumenter) pipe(p *parse.PipeNode) {
	if p == nil {
		return
	}
	for _, c := range p.Cmds {
		if id, ok := c.Args[0].(*parse.IdentifierNode); ok && id.Ident == "tpl" && len(c.Args) >= 2 {
			start := operandStart(in.src, c.Args[1])
			if end, ok := operandEnd(in.src, start); ok && start >= 0 {
				in.edits = append(in.edits,
					edit{at: start, rank: rankOpen, text: "(" + fnTpl + " "},
					edit{at: end, rank: rankClose, text: ")"})
			}
		}
		for _, a := range c.Args {
			switch a := a.(type) {
			case *parse.PipeNode:
				in.pipe(a)
			case *parse.ChainNode:
				if p, ok := a.Node.(*parse.PipeNode); ok {
					in.pipe(p)
				}
			}
		}
	}
}

// insertion is where an action can be inserted before a node without
// changing what the template prints.
type insertion struct {
	at     int
	action bool // before an action: inserted after its opening delimiter
}

func (i insertion) with(rank int, call string) edit {
	if i.action {
		// "{{- x }}" becomes "{{- call }}{{ x }}": the trim stays first.
		return edit{at: i.at, rank: rank, text: " " + call + " }}{{"}
	}
	return edit{at: i.at, rank: rank, text: "{{" + call + "}}"}
}

// insertBefore finds where to insert an action before node n. Before text,
// it is the text's first byte, which follows any trimmed space; before an
// action, it is just inside the action's "{{" or "{{-".
func insertBefore(src string, n parse.Node) (insertion, bool) {
	switch n := n.(type) {
	case *parse.TextNode:
		return insertion{at: int(n.Pos)}, true
	case *parse.ActionNode, *parse.IfNode, *parse.RangeNode, *parse.WithNode,
		*parse.TemplateNode, *parse.BreakNode, *parse.ContinueNode:
		o, ok := openerOf(src, int(n.Position()))
		if !ok || o.elseChain {
			return insertion{}, false
		}
		return insertion{at: o.after, action: true}, true
	}
	return insertion{}, false
}

// opener is the opening delimiter of an action.
type opener struct {
	at        int  // the "{{"
	after     int  // just after "{{" or "{{-"
	elseChain bool // the action is the if or with of an {{else if}}
}

// actionKeywords may stand between "{{" and the position parse gives a node.
var actionKeywords = map[string]bool{
	"if": true, "range": true, "with": true, "template": true, "block": true, "else": true,
}

// openerOf scans back from a node's position (its first token, or its
// pipeline's) over space and keywords to the "{{" that opens it.
func openerOf(src string, pos int) (opener, bool) {
	var o opener
	i := min(pos, len(src))
	i = skipSpaceBack(src, i)
	for range 2 {
		j := i
		for j > 0 && isWordByte(src[j-1]) {
			j--
		}
		if j == i || !actionKeywords[src[j:i]] {
			break
		}
		if src[j:i] == "else" {
			o.elseChain = true
		}
		i = skipSpaceBack(src, j)
	}
	switch {
	case i >= 3 && src[i-1] == '-' && src[i-3:i-1] == "{{" && i < len(src) && isSpace(src[i]):
		o.at, o.after = i-3, i
	case i >= 2 && src[i-2:i] == "{{":
		o.at, o.after = i-2, i
	default:
		return opener{}, false
	}
	return o, true
}

func skipSpaceBack(src string, i int) int {
	for i > 0 && isSpace(src[i-1]) {
		i--
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// actionEnd returns the offset of the "}}" that closes the action whose
// body starts at from, skipping quoted strings.
func actionEnd(src string, from int) (int, bool) {
	for i := from; i < len(src); i++ {
		switch c := src[i]; c {
		case '"', '\'':
			i = quotedEnd(src, i, c)
		case '`':
			j := strings.IndexByte(src[i+1:], '`')
			if j < 0 {
				return 0, false
			}
			i += j + 1
		case '}':
			if i+1 < len(src) && src[i+1] == '}' {
				return i, true
			}
		}
	}
	return 0, false
}

// quotedEnd returns the offset of the quote closing the literal at i.
func quotedEnd(src string, i int, q byte) int {
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case q, '\n':
			return j
		}
	}
	return len(src)
}

// pipeEnd returns where a pipeline stage can be appended to the action
// whose body starts at from: before its "}}", or before " -}}".
func pipeEnd(src string, from int) (int, bool) {
	e, ok := actionEnd(src, from)
	if !ok {
		return 0, false
	}
	if e >= 2 && src[e-1] == '-' && isSpace(src[e-2]) {
		return e - 2, true
	}
	return e, true
}

// operandStart returns the offset of the first byte of operand n.
func operandStart(src string, n parse.Node) int {
	switch n := n.(type) {
	case *parse.PipeNode:
		// A parenthesized pipeline's position is its first token's.
		i := skipSpaceBack(src, int(n.Pos))
		if i > 0 && src[i-1] == '(' {
			return i - 1
		}
		return -1
	case *parse.ChainNode:
		return operandStart(src, n.Node)
	case *parse.FieldNode, *parse.VariableNode:
		// A chain's position is its last element's: .a.b stands at ".b".
		i := int(n.Position())
		for i > 0 && (isWordByte(src[i-1]) || src[i-1] == '.' || src[i-1] == '$') {
			i--
		}
		return i
	}
	return int(n.Position())
}

// operandEnd returns the offset just past the operand starting at start.
func operandEnd(src string, start int) (int, bool) {
	if start < 0 || start >= len(src) {
		return 0, false
	}
	i := start
	switch c := src[i]; c {
	case '"', '\'':
		return quotedEnd(src, i, c) + 1, true
	case '`':
		j := strings.IndexByte(src[i+1:], '`')
		if j < 0 {
			return 0, false
		}
		return i + j + 2, true
	case '(':
		depth := 0
		for ; i < len(src); i++ {
			switch c := src[i]; c {
			case '"', '\'':
				i = quotedEnd(src, i, c)
			case '`':
				j := strings.IndexByte(src[i+1:], '`')
				if j < 0 {
					return 0, false
				}
				i += j + 1
			case '(':
				depth++
			case ')':
				depth--
			}
			if depth == 0 {
				break
			}
		}
		if i >= len(src) {
			return 0, false
		}
		i++
		// A chain continues the parenthesized operand: (x).field.
		for i < len(src) && src[i] == '.' {
			i++
			for i < len(src) && isWordByte(src[i]) {
				i++
			}
		}
		return i, true
	}
	for i < len(src) && !isSpace(src[i]) && !strings.ContainsRune("|()", rune(src[i])) &&
		!strings.HasPrefix(src[i:], "}}") {
		i++
	}
	return i, i > start
}

// marker collects the markers of a main tree's output nodes.
type marker struct {
	src   string
	edits []edit
	nodes []outNode
	id    int
	loops int // ranges over values seen so far
}

// loopIndex stands in a values path for the index of the current
// iteration of a range over values, which only the render knows: its
// markers count the iterations.
type loopIndex int

// scope is what dot and the variables stand for where a node runs: a
// .Values path (empty for the root context), nil when unknown.
type scope struct {
	dot  []any
	vars map[string][]any
}

func rootScope() scope { return scope{dot: []any{}, vars: map[string][]any{}} }

// body is the scope of a body whose dot is dot: its variables die with it.
func (s scope) body(dot []any) scope { return scope{dot: dot, vars: maps.Clone(s.vars)} }

// declare sets the variables a pipeline declares to what it yields.
func (s scope) declare(decl []*parse.VariableNode, value []any) {
	for i, v := range decl {
		if i == len(decl)-1 {
			s.vars[v.Ident[0]] = value
		} else {
			s.vars[v.Ident[0]] = nil // a range's index or key
		}
	}
}

// list marks the output nodes of l.
func (m *marker) list(l *parse.ListNode, sc scope) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			m.add(n, outNode{kind: textNode, pos: int(n.Pos), size: len(n.Text)})
		case *parse.ActionNode:
			if len(n.Pipe.Decl) > 0 {
				path, _ := valuesPath(n.Pipe, sc)
				sc.declare(n.Pipe.Decl, path)
				continue
			}
			o, ok := openerOf(m.src, int(n.Pos))
			if !ok {
				continue
			}
			values, toYaml := valuesPath(n.Pipe, sc)
			m.add(n, outNode{kind: actionNode, pos: o.at, values: values, toYaml: toYaml,
				include: includeName(n.Pipe), includeRoot: passesRoot(n.Pipe, sc)})
		case *parse.TemplateNode:
			if o, ok := openerOf(m.src, int(n.Pos)); ok {
				m.add(n, outNode{kind: actionNode, pos: o.at})
			}
		case *parse.IfNode:
			m.list(n.List, sc.body(sc.dot))
			m.list(n.ElseList, sc.body(sc.dot))
		case *parse.WithNode:
			inner, _ := valuesPath(n.Pipe, sc)
			body := sc.body(inner)
			body.declare(n.Pipe.Decl, inner)
			m.list(n.List, body)
			m.list(n.ElseList, sc.body(sc.dot))
		case *parse.RangeNode:
			var elem []any
			if path, _ := valuesPath(n.Pipe, sc); path != nil && len(n.List.Nodes) > 0 {
				loop := m.loops
				m.loops++
				m.add(n, outNode{kind: loopStart, loop: loop})
				m.add(n.List.Nodes[0], outNode{kind: loopIteration, loop: loop})
				elem = append(slices.Clone(path), loopIndex(loop))
			}
			body := sc.body(elem)
			body.declare(n.Pipe.Decl, elem)
			m.list(n.List, body)
			m.list(n.ElseList, sc.body(sc.dot))
		}
	}
}

func (m *marker) add(n parse.Node, o outNode) {
	at, ok := insertBefore(m.src, n)
	if !ok {
		return
	}
	m.edits = append(m.edits, at.with(rankMark, fnMark+" "+strconv.Itoa(m.id)+" "+strconv.Itoa(len(m.nodes))))
	m.nodes = append(m.nodes, o)
}

// valueFuncs pass a value through without changing where it came from.
var valueFuncs = map[string]bool{
	"quote": true, "squote": true, "toString": true, "toYaml": true, "toJson": true,
	"toPrettyJson": true, "toRawJson": true, "int": true, "int64": true, "float64": true,
	"default": true, "required": true, "indent": true, "nindent": true, "trim": true,
	"lower": true, "upper": true, "b64enc": true, "tpl": true,
}

// yamlFuncs print a value's subtree as YAML or JSON.
var yamlFuncs = map[string]bool{"toYaml": true, "toJson": true, "toPrettyJson": true, "toRawJson": true}

// valuesPath returns the .Values path a pipeline yields when it is a plain
// field chain (.Values.a.b, $.Values.a.b, a field of dot or of a variable
// that stands for a values path), optionally passed through valueFuncs;
// and whether it is printed as YAML. The chain is the first command's
// operand, or the last argument of a valueFuncs call (default "x" .a).
func valuesPath(p *parse.PipeNode, sc scope) (path []any, toYaml bool) {
	if p == nil || len(p.Cmds) == 0 {
		return nil, false
	}
	first := p.Cmds[0]
	operand := first.Args[0]
	if id, ok := operand.(*parse.IdentifierNode); ok {
		if !valueFuncs[id.Ident] || len(first.Args) < 2 {
			return nil, false
		}
		toYaml = yamlFuncs[id.Ident]
		operand = first.Args[len(first.Args)-1]
		if id.Ident == "tpl" {
			operand = first.Args[1]
		}
	} else if len(first.Args) != 1 {
		return nil, false
	}
	if p, ok := operand.(*parse.PipeNode); ok && len(p.Decl) == 0 {
		var inner bool
		path, inner = valuesPath(p, sc)
		toYaml = toYaml || inner
	} else {
		path = chainPath(operand, sc)
	}
	if path == nil {
		return nil, false
	}
	for _, c := range p.Cmds[1:] {
		id, ok := c.Args[0].(*parse.IdentifierNode)
		if !ok || !valueFuncs[id.Ident] {
			return nil, false
		}
		toYaml = toYaml || yamlFuncs[id.Ident]
	}
	return path, toYaml
}

// chainPath returns the .Values path of a field chain operand, or nil.
func chainPath(n parse.Node, sc scope) []any {
	extend := func(base []any, fields []string) []any {
		out := slices.Clone(base)
		for _, f := range fields {
			out = append(out, f)
		}
		return out
	}
	switch n := n.(type) {
	case *parse.FieldNode:
		switch {
		case sc.dot == nil:
			return nil
		case len(sc.dot) > 0:
			return extend(sc.dot, n.Ident)
		case len(n.Ident) >= 2 && n.Ident[0] == "Values":
			return extend(nil, n.Ident[1:])
		}
	case *parse.VariableNode:
		if n.Ident[0] == "$" {
			if len(n.Ident) >= 3 && n.Ident[1] == "Values" {
				return extend(nil, n.Ident[2:])
			}
			return nil
		}
		if base := sc.vars[n.Ident[0]]; len(base) > 0 {
			return extend(base, n.Ident[1:])
		}
	case *parse.DotNode:
		if len(sc.dot) > 0 {
			return slices.Clone(sc.dot)
		}
	}
	return nil
}

// passesRoot reports whether an include passes the root context: . where
// dot is the root, or $.
func passesRoot(p *parse.PipeNode, sc scope) bool {
	if p == nil || len(p.Cmds) == 0 || len(p.Cmds[0].Args) != 3 {
		return false
	}
	switch a := p.Cmds[0].Args[2].(type) {
	case *parse.DotNode:
		return sc.dot != nil && len(sc.dot) == 0
	case *parse.VariableNode:
		return len(a.Ident) == 1 && a.Ident[0] == "$"
	}
	return false
}

// includeName returns the literal name of an action that starts with
// include "name", or "".
func includeName(p *parse.PipeNode) string {
	if p == nil || len(p.Cmds) == 0 {
		return ""
	}
	args := p.Cmds[0].Args
	if id, ok := args[0].(*parse.IdentifierNode); !ok || id.Ident != "include" || len(args) < 2 {
		return ""
	}
	if s, ok := args[1].(*parse.StringNode); ok {
		return s.Text
	}
	return ""
}
