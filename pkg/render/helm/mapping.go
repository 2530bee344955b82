package helm

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"
	"unicode/utf8"

	"github.com/salint/salint/pkg/finding"
	sloader "github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/render"
)

// text is a source or rendered text with its line starts.
type text struct {
	s     string
	lines []int // offset of each line's first byte
}

func newText(s string) *text {
	t := &text{s: s, lines: []int{0}}
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			t.lines = append(t.lines, i+1)
		}
	}
	return t
}

// position returns the 1-based line and rune column of byte offset off.
func (t *text) position(off int) (line, col int) {
	off = max(0, min(off, len(t.s)))
	i := sort.SearchInts(t.lines, off+1) - 1
	return i + 1, utf8.RuneCountInString(t.s[t.lines[i]:off]) + 1
}

// offset returns the byte offset of a 1-based line and rune column,
// clamped to the line.
func (t *text) offset(line, col int) int {
	if line < 1 {
		return 0
	}
	if line > len(t.lines) {
		return len(t.s)
	}
	start, end := t.lines[line-1], t.lineEnd(line)
	off := start
	for n := 1; n < col && off < end; n++ {
		_, size := utf8.DecodeRuneInString(t.s[off:end])
		off += size
	}
	return off
}

// lineEnd returns the offset of the newline ending 1-based line.
func (t *text) lineEnd(line int) int {
	if line < len(t.lines) {
		return t.lines[line] - 1
	}
	return len(t.s)
}

func (t *text) line(n int) string {
	if n < 1 || n > len(t.lines) {
		return ""
	}
	return t.s[t.lines[n-1]:t.lineEnd(n)]
}

// tmplSource is a template of the rendered chart and where it comes from.
type tmplSource struct {
	name string // Helm's name: web/charts/redis/templates/x.yaml
	file string // path as Render returns paths
	src  *text
	inst *instrumented
	// chain are the charts from the root down to the template's own; names
	// are the keys of chain[1:] in their parents' values.
	chain []*chartDir
	names []string
}

func (s *tmplSource) location(off int) finding.Location {
	line, col := s.src.position(off)
	return finding.Location{File: s.file, Line: line, Column: col}
}

// unitSources are the sources the mappers of one unit share: the defines
// as Helm resolves them and the values files in order of precedence.
type unitSources struct {
	mu       sync.Mutex
	defines  map[string]*tmplSource // the template defining each name, as Helm resolves it
	patterns map[string][]patLine
	keys     keyLocator
	set      map[string]any
	user     []valuesFile // highest precedence first
	values   map[*chartDir]valuesFile
}

// segment is a stretch of rendered output attributed to one output node.
type segment struct {
	start, end int
	node       int
}

// Mapping modes of a document, from the most to the least precise.
const (
	mapExact    = iota // the marked render, markers stripped, equals the render
	mapLines           // it differs, but line by line: lines that match map as exact
	mapFallback        // no usable marked render: literal lines of the template
)

// docMapper locates the nodes of one rendered template in its source.
type docMapper struct {
	u    *unitSources
	src  *tmplSource
	out  *text // the rendered template
	mode int
	// marked is the marked render without its markers, and segs its
	// segments; in mapExact mode marked equals out.
	marked *text
	segs   []segment

	mu       sync.Mutex
	fallback []int         // rendered line -> source line, 0 when none
	includes map[int][]int // segment -> pattern index of each of its lines
	objects  []*sloader.Object
	parsed   bool
}

// newDocMapper builds the mapper of a template rendered as out, given the
// render of its marked copy ("" when there is none).
func newDocMapper(u *unitSources, src *tmplSource, out, marked string) *docMapper {
	m := &docMapper{u: u, src: src, out: newText(out), mode: mapFallback}
	if marked == "" || src.inst == nil || len(src.inst.nodes) == 0 || strings.IndexByte(out, 0) >= 0 {
		return m
	}
	stripped, segs, ok := splitMarked(marked, src.inst.id, len(src.inst.nodes))
	if !ok {
		return m
	}
	m.segs = segs
	switch {
	case stripped == out:
		m.mode, m.marked = mapExact, m.out
	case strings.Count(stripped, "\n") == strings.Count(out, "\n"):
		m.mode, m.marked = mapLines, newText(stripped)
	}
	return m
}

// splitMarked strips the markers from a marked render and returns the
// segment each of template id's markers opens; another template's markers,
// copied in by include, open none.
func splitMarked(marked string, id, nodes int) (string, []segment, bool) {
	var b strings.Builder
	b.Grow(len(marked))
	var segs []segment
	for {
		i := strings.IndexByte(marked, 0)
		if i < 0 {
			b.WriteString(marked)
			break
		}
		b.WriteString(marked[:i])
		j := strings.IndexByte(marked[i:], 1)
		if j < 0 {
			return "", nil, false
		}
		tag, num, _ := strings.Cut(marked[i+1:i+j], ":")
		owner, err1 := strconv.Atoi(tag)
		node, err2 := strconv.Atoi(num)
		if err1 != nil || err2 != nil {
			return "", nil, false
		}
		marked = marked[i+j+1:]
		if owner != id {
			continue
		}
		if node < 0 || node >= nodes {
			return "", nil, false
		}
		if n := len(segs); n > 0 {
			segs[n-1].end = b.Len()
		}
		segs = append(segs, segment{start: b.Len(), node: node})
	}
	if n := len(segs); n > 0 {
		segs[n-1].end = b.Len()
	}
	return b.String(), segs, true
}

// Locate implements render.Mapper.
func (m *docMapper) Locate(n render.Node) (res render.Mapped) {
	defer func() {
		// A location must never be lost to a bug: the template's first line.
		if r := recover(); r != nil {
			res = render.Mapped{Location: finding.Location{File: m.src.file, Line: 1, Column: 1}}
		}
	}()
	off := m.out.offset(n.Pos.Line, n.Pos.Column)
	switch m.mode {
	case mapExact:
		if res, ok := m.inSegment(n, off, true); ok {
			return res
		}
	case mapLines:
		line := n.Pos.Line
		if line < 1 || line > len(m.out.lines) {
			break
		}
		inLine := off - m.out.lines[line-1]
		// Where the two renders agree up to the node, its place is sure.
		a, b := m.out.line(line), m.marked.line(line)
		same := a == b || inLine < commonPrefix(a, b)
		moff := min(m.marked.lines[line-1]+inLine, m.marked.lineEnd(line))
		if res, ok := m.inSegment(n, moff, same); ok {
			return res
		}
	}
	return m.fallbackLocate(n)
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// segmentAt returns the index of the segment holding offset off.
func (m *docMapper) segmentAt(off int) int {
	i := sort.Search(len(m.segs), func(i int) bool { return m.segs[i].end > off }) // first ending after off
	if i < len(m.segs) && m.segs[i].start <= off {
		return i
	}
	// An offset at the very end of the output belongs to the last segment.
	if i == len(m.segs) && i > 0 && off == m.segs[i-1].end {
		return i - 1
	}
	return -1
}

// inSegment locates a node at offset off of the marked render; exact says
// the node's rendered line is the same in both renders.
func (m *docMapper) inSegment(n render.Node, off int, exact bool) (render.Mapped, bool) {
	si := m.segmentAt(off)
	if si < 0 {
		return render.Mapped{}, false
	}
	seg := m.segs[si]
	node := m.src.inst.nodes[seg.node]
	var res render.Mapped
	if node.kind == textNode {
		within := off - seg.start
		res.Location = m.src.location(node.pos + min(within, node.size))
		// Past the text is output no marker claimed: near, not exact.
		res.Exact = exact && within < node.size
	} else {
		res.Location = m.src.location(node.pos)
		res.Exact = exact && !strings.Contains(m.marked.s[seg.start:off], "\n")
		if node.include != "" {
			if p, loc, ok := m.inInclude(si, node.include, off); ok {
				res.Location, res.Exact = loc, exact
				if exact && node.includeRoot && p.values != nil {
					res.Related = m.u.valueSource(m.src, p.values)
				}
				return res, true
			}
		}
	}
	if exact && n.Found {
		res.Related = m.related(n, si, off)
	}
	return res, true
}

// fallbackLocate maps a rendered line to the template line with the same
// text, or to the line of the object's first key, or to the first line.
func (m *docMapper) fallbackLocate(n render.Node) render.Mapped {
	m.mu.Lock()
	if m.fallback == nil {
		m.fallback = matchLines(m.out, m.src.src)
	}
	table := m.fallback
	m.mu.Unlock()
	line := 0
	for _, l := range []int{n.Pos.Line, n.Object.Line} {
		if l >= 1 && l <= len(table) && table[l-1] > 0 {
			line = table[l-1]
			break
		}
	}
	if line == 0 {
		for l := min(n.Object.Line, len(table)); l >= 1; l-- {
			if table[l-1] > 0 {
				line = table[l-1]
				break
			}
		}
	}
	if line == 0 {
		line = 1
	}
	text := m.src.src.line(line)
	col := utf8.RuneCountInString(text[:len(text)-len(strings.TrimLeft(text, " \t"))]) + 1
	return render.Mapped{Location: finding.Location{File: m.src.file, Line: line, Column: col}}
}

// matchLines pairs each rendered line with the next source line whose
// trimmed text is the same, in order; 0 where there is none.
func matchLines(out, src *text) []int {
	table := make([]int, len(out.lines))
	next := 1
	for i := range out.lines {
		want := strings.TrimSpace(out.line(i + 1))
		if want == "" || want == "---" {
			continue
		}
		for j := next; j <= len(src.lines) && j < next+500; j++ {
			if strings.TrimSpace(src.line(j)) == want {
				table[i], next = j, j+1
				break
			}
		}
	}
	return table
}

// patLine is a line of a define's body that prints literal text: the
// rendered lines of an include are matched against these.
type patLine struct {
	src   *tmplSource
	parts []patPart // literals and holes, trimmed at both ends
	off   int       // source offset of the first literal
	// values is the .Values path the line's first action prints, taking
	// dot for the root context.
	values []any
}

type patPart struct {
	lit  string
	hole bool
}

// inInclude locates the node at off inside the output of an include
// action: its line of the segment is matched, in order, to the define's
// literal lines.
func (m *docMapper) inInclude(si int, name string, off int) (patLine, finding.Location, bool) {
	seg := m.segs[si]
	body := m.marked.s[seg.start:seg.end]
	m.mu.Lock()
	if m.includes == nil {
		m.includes = map[int][]int{}
	}
	matched, ok := m.includes[si]
	m.mu.Unlock()
	pats := m.u.patternLines(name)
	if !ok {
		matched = matchPatterns(strings.Split(body, "\n"), pats)
		m.mu.Lock()
		m.includes[si] = matched
		m.mu.Unlock()
	}
	k := strings.Count(body[:off-seg.start], "\n")
	if k >= len(matched) || matched[k] < 0 {
		return patLine{}, finding.Location{}, false
	}
	p := pats[matched[k]]
	lineStart := strings.LastIndexByte(body[:off-seg.start], '\n') + 1
	rline := body[lineStart:]
	if e := strings.IndexByte(rline, '\n'); e >= 0 {
		rline = rline[:e]
	}
	lead := len(rline) - len(strings.TrimLeft(rline, " \t"))
	within := off - seg.start - lineStart - lead
	loc := p.src.location(p.off)
	if len(p.parts) > 0 && !p.parts[0].hole && within >= 0 && within < len(p.parts[0].lit) {
		loc.Column += utf8.RuneCountInString(p.parts[0].lit[:within])
	}
	return p, loc, true
}

// matchPatterns matches each line to the next pattern line it fits, in
// order; -1 where none fits.
func matchPatterns(lines []string, pats []patLine) []int {
	out := make([]int, len(lines))
	next := 0
	for i, l := range lines {
		out[i] = -1
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		for j := next; j < len(pats) && j < next+200; j++ {
			if globMatch(l, pats[j].parts) {
				out[i], next = j, j+1
				break
			}
		}
	}
	return out
}

// globMatch reports whether s is the literals of parts in order, each hole
// standing for any text.
func globMatch(s string, parts []patPart) bool {
	for i, p := range parts {
		if p.hole {
			continue
		}
		switch {
		case i == 0:
			if !strings.HasPrefix(s, p.lit) {
				return false
			}
			s = s[len(p.lit):]
		case i == len(parts)-1:
			return strings.HasSuffix(s, p.lit)
		default:
			j := strings.Index(s, p.lit)
			if j < 0 {
				return false
			}
			s = s[j+len(p.lit):]
		}
	}
	return len(parts) > 0 && (parts[len(parts)-1].hole || s == "")
}

// patternLines returns the literal lines of a define, with the defines it
// includes on a line of their own spliced in.
func (u *unitSources) patternLines(name string) []patLine {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.patternLinesLocked(name, 0)
}

func (u *unitSources) patternLinesLocked(name string, depth int) []patLine {
	if p, ok := u.patterns[name]; ok {
		return p
	}
	u.patterns[name] = nil // a define including itself splices nothing
	src := u.defines[name]
	if src == nil || depth > 8 {
		return nil
	}
	tree := src.inst.trees[name]
	var out []patLine
	for _, line := range defineLines(src.src.s, tree.Root) {
		if line.include != "" {
			out = append(out, u.patternLinesLocked(line.include, depth+1)...)
			continue
		}
		if line.literal {
			out = append(out, patLine{src: src, parts: line.parts, off: line.off, values: line.values})
		}
		if len(out) > 10_000 {
			break
		}
	}
	u.patterns[name] = out
	return out
}

// defLine is a source line of a define body, as a pattern.
type defLine struct {
	parts   []patPart
	off     int
	literal bool   // it holds literal text
	include string // it is only an include of this define
	actions int
	values  []any // the .Values path of its first action, dot the root
}

// defineLines splits a define body into lines of literals and holes, all
// branches included.
func defineLines(src string, root *parse.ListNode) []defLine {
	var lines []defLine
	cur := defLine{off: -1}
	flush := func() {
		if n := len(cur.parts); n > 0 {
			if !cur.parts[0].hole {
				trimmed := strings.TrimLeft(cur.parts[0].lit, " \t")
				cur.off += len(cur.parts[0].lit) - len(trimmed)
				cur.parts[0].lit = trimmed
			}
			if last := &cur.parts[len(cur.parts)-1]; !last.hole {
				last.lit = strings.TrimRight(last.lit, " \t\r")
			}
			for _, p := range cur.parts {
				if !p.hole && strings.TrimSpace(p.lit) != "" {
					cur.literal = true
				}
			}
			if cur.literal || cur.include != "" && cur.actions == 1 {
				if cur.literal {
					cur.include = ""
				}
				lines = append(lines, cur)
			}
		}
		cur = defLine{off: -1}
	}
	hole := func() {
		if n := len(cur.parts); n == 0 || !cur.parts[n-1].hole {
			cur.parts = append(cur.parts, patPart{hole: true})
		}
	}
	var walk func(l *parse.ListNode)
	walk = func(l *parse.ListNode) {
		if l == nil {
			return
		}
		for _, n := range l.Nodes {
			switch n := n.(type) {
			case *parse.TextNode:
				s, pos := string(n.Text), int(n.Pos)
				for {
					i := strings.IndexByte(s, '\n')
					piece := s
					if i >= 0 {
						piece = s[:i]
					}
					if piece != "" {
						if len(cur.parts) == 0 {
							cur.off = pos
						}
						cur.parts = append(cur.parts, patPart{lit: piece})
					}
					if i < 0 {
						break
					}
					flush()
					s, pos = s[i+1:], pos+i+1
				}
			case *parse.ActionNode:
				if len(n.Pipe.Decl) > 0 {
					continue
				}
				cur.actions++
				if name := includeName(n.Pipe); name != "" {
					cur.include = name
				}
				if cur.actions == 1 {
					cur.values, _ = valuesPath(n.Pipe, rootScope())
				}
				hole()
			case *parse.TemplateNode:
				cur.actions++
				cur.include = n.Name
				hole()
			case *parse.IfNode:
				walk(n.List)
				walk(n.ElseList)
			case *parse.RangeNode:
				walk(n.List)
				walk(n.ElseList)
			case *parse.WithNode:
				walk(n.List)
				walk(n.ElseList)
			}
		}
	}
	walk(root)
	flush()
	return lines
}

// related returns where the value of a node came from: the values file
// key an action on the node's line prints.
func (m *docMapper) related(n render.Node, si, off int) []finding.Related {
	node := m.src.inst.nodes[m.segs[si].node]
	var sub []any
	if node.kind == textNode {
		if len(n.Path) > 0 {
			if _, item := n.Path[len(n.Path)-1].(int); item {
				return nil // a mapping item stands at its first key, whose value that is
			}
		}
		// The value follows the key on its line.
		end := m.marked.lineEnd(m.lineOf(off))
		for j := si + 1; j < len(m.segs) && m.segs[j].start <= end; j++ {
			if cand := m.src.inst.nodes[m.segs[j].node]; cand.kind == actionNode && cand.values != nil {
				node, si = cand, j
				break
			}
		}
	} else if node.toYaml && node.values != nil {
		sub = m.belowAction(n, m.segs[si])
	}
	if node.values == nil {
		return nil
	}
	path, ok := m.iterations(node.values, si)
	if !ok {
		return nil
	}
	return m.u.valueSource(m.src, append(path, sub...))
}

// iterations replaces the loop indexes of a values path with the
// iteration of each range that was running when segment si was printed:
// the iteration markers since the range's start marker, counted back.
func (m *docMapper) iterations(path []any, si int) ([]any, bool) {
	out := slices.Clone(path)
	for i, e := range out {
		loop, ok := e.(loopIndex)
		if !ok {
			continue
		}
		count := 0
		for j := si; j >= 0; j-- {
			n := m.src.inst.nodes[m.segs[j].node]
			if n.kind == loopIteration && n.loop == int(loop) {
				count++
			} else if n.kind == loopStart && n.loop == int(loop) {
				break
			}
		}
		if count == 0 {
			return nil, false
		}
		out[i] = count - 1
	}
	return out, true
}

func (m *docMapper) lineOf(off int) int {
	line, _ := m.marked.position(off)
	return line
}

// belowAction returns the part of the node's path that lies inside the
// output of an action printing a values subtree as YAML: the path below
// the nearest ancestor that stands before the action.
func (m *docMapper) belowAction(n render.Node, seg segment) []any {
	m.mu.Lock()
	if !m.parsed {
		m.parsed = true
		f := sloader.Parse(m.src.name, []byte(m.out.s), sloader.Options{Kinds: anyKind})
		m.objects = f.Objects
	}
	objects := m.objects
	m.mu.Unlock()
	for _, o := range objects {
		if o.Pos(nil) != n.Object {
			continue
		}
		for k := len(n.Path) - 1; k >= 0; k-- {
			pos, found := o.Positions.Find(n.Path[:k])
			if found == k && m.marked.offset(pos.Line, pos.Column) < seg.start {
				return append([]any(nil), n.Path[k:]...)
			}
		}
	}
	return nil
}

// anyKind decodes every object generically, for its positions.
func anyKind(string, string) *sloader.Target {
	return &sloader.Target{New: func() any { return new(map[string]any) }}
}

// valueSource finds the values file that sets path for a template: --set
// first (no file to point at), then the user's values files, the scenario,
// and the values.yaml of each chart from the root down to the template's.
func (u *unitSources) valueSource(src *tmplSource, path []any) []finding.Related {
	global := len(path) > 0 && path[0] == "global"
	prefixed := func(names []string) []any {
		if global {
			return path
		}
		out := make([]any, 0, len(names)+len(path))
		for _, n := range names {
			out = append(out, n)
		}
		return append(out, path...)
	}
	full := prefixed(src.names)
	if setByFlag(u.set, full) {
		return nil
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	// The message names the key as the file spells it: a parent's values
	// set a subchart's value under the subchart's name.
	message := func(key []any) string { return "value " + pathString(key) + " set here" }
	for _, f := range u.user {
		if loc, ok := u.keys.locate(f, full); ok {
			return []finding.Related{{Location: loc, Message: message(full)}}
		}
	}
	for i, c := range src.chain {
		f, ok := u.values[c]
		if !ok {
			continue
		}
		key := prefixed(src.names[i:])
		if loc, ok := u.keys.locate(f, key); ok {
			return []finding.Related{{Location: loc, Message: message(key)}}
		}
	}
	return nil
}

// blank reports whether a rendered template holds no manifest: only
// space, comments and document separators, which helm template drops.
func blank(s string) bool {
	for line := range strings.SplitSeq(s, "\n") {
		t := strings.TrimSpace(line)
		if t != "" && t != "---" && t != "..." && !strings.HasPrefix(t, "#") {
			return false
		}
	}
	return true
}
