package loader

import (
	"bytes"

	yaml "go.yaml.in/yaml/v3"
)

// fastDocument reads text, one document of a chunk, when it is the plain
// block YAML that most manifests are: block mappings and sequences, scalars
// on one line (plain, single-quoted, or double-quoted without escapes), and
// one-line flow collections of such scalars. It builds the node tree go-yaml
// builds for the same text (every field but comments, which only matter
// when the text holds an ignore marker and go-yaml reads it), from one slab
// of nodes and without go-yaml's tokens and events. Anything else (anchors,
// aliases, tags, block scalars, multi-line scalars, tabs, non-ASCII text,
// escapes, a second document, what go-yaml would reject) makes it decline,
// and go-yaml reads the text instead: it is a fast path, never a second
// dialect. FuzzFastDocument holds it to go-yaml's output. A nil node with
// ok true means the text holds no document (blank lines and comments).
func fastDocument(text []byte) (*yaml.Node, bool) {
	if likelyDeclined(text) {
		return nil, false
	}
	p := fastParser{src: text}
	if !p.split() {
		return nil, false
	}
	if len(p.lines) == 0 {
		return nil, true // blank, comments, a "---": no document
	}
	doc := p.node(yaml.DocumentNode, "", 0, p.lines[0].off)
	first := p.lines[0]
	root, next, ok := p.block(0, first.off, -1, false)
	if !ok || next != len(p.lines) || root.Kind != yaml.MappingNode {
		return nil, false
	}
	if p.explicit > 0 {
		doc.Line, doc.Column = p.explicit, 1
	}
	doc.Content = []*yaml.Node{root}
	return doc, true
}

// declineMarks are what a document the fast reader declines mostly holds:
// block scalars, anchors, aliases and tags after a key or an entry. Seen
// before reading, they save building a tree that would be thrown away
// (text that holds one inside a string is left to go-yaml too).
var declineMarks = [][]byte{[]byte(": |"), []byte(": >"), []byte("- |"), []byte("- >"), []byte(": &"), []byte(": *"), []byte(": !"), []byte("- &"), []byte("- *"), []byte("- !")}

func likelyDeclined(text []byte) bool {
	for _, m := range declineMarks {
		if bytes.Contains(text, m) {
			return true
		}
	}
	return false
}

// fastLine is one line that holds content: not blank, not only a comment.
type fastLine struct {
	start, off, end int // where the line, its content and the line end are
	num             int // 1-based, in the chunk
}

func (l fastLine) indent() int { return l.off - l.start }

type fastParser struct {
	src      []byte
	lines    []fastLine
	slab     []yaml.Node
	explicit int // the line of the "---" that starts the document, or 0
	depth    int
}

// fastMaxDepth leaves deeper documents to go-yaml and the loader's limits.
const fastMaxDepth = 64

// fastSlab is how many nodes are allocated at once: a few kilobytes, an
// allocation of the collector's fast path (a large one costs more than the
// nodes it saves, measured), and little waste on a document declined late.
const fastSlab = 16

// split finds the content lines, and declines text that is not plain
// ASCII or that starts a directive or a second document.
func (p *fastParser) split() bool {
	for _, c := range p.src {
		if c >= 0x80 || c < ' ' && c != '\n' || c == 0x7f {
			return false // tabs, CR, control characters, non-ASCII
		}
	}
	p.lines = make([]fastLine, 0, bytes.Count(p.src, []byte("\n"))+1)
	num := 0
	for start := 0; start < len(p.src); {
		end := bytes.IndexByte(p.src[start:], '\n')
		next := len(p.src)
		if end < 0 {
			end = len(p.src)
		} else {
			end += start
			next = end + 1
		}
		num++
		off := start
		for off < end && p.src[off] == ' ' {
			off++
		}
		line := p.src[off:end]
		switch {
		case len(line) == 0 || line[0] == '#':
		case off == start && (line[0] == '%' || bytes.HasPrefix(line, []byte("..."))):
			return false
		case off == start && bytes.HasPrefix(line, []byte("---")):
			rest := bytes.TrimLeft(line[3:], " ")
			if len(p.lines) > 0 || len(line) > 3 && line[3] != ' ' || len(rest) > 0 && rest[0] != '#' || p.explicit > 0 {
				return false
			}
			p.explicit = num
		default:
			p.lines = append(p.lines, fastLine{start: start, off: off, end: end, num: num})
		}
		start = next
	}
	return true
}

// node makes a node from the slab at the 0-based byte offset pos of line
// li (columns count bytes: the text is ASCII).
func (p *fastParser) node(kind yaml.Kind, tag string, li, pos int) *yaml.Node {
	if len(p.slab) == cap(p.slab) {
		p.slab = make([]yaml.Node, 0, fastSlab)
	}
	p.slab = append(p.slab, yaml.Node{Kind: kind, Tag: tag, Line: p.lines[li].num, Column: pos - p.lines[li].start + 1})
	return &p.slab[len(p.slab)-1]
}

// block reads the node that starts at pos on line li, inside a block
// whose entries are at column parent (-1 for the document). It returns the
// node and the index of the first line after it. An inline node follows a
// key on its line, where go-yaml allows no block collection to start.
func (p *fastParser) block(li, pos, parent int, inline bool) (*yaml.Node, int, bool) {
	if p.depth++; p.depth > fastMaxDepth {
		return nil, 0, false
	}
	defer func() { p.depth-- }()
	end := p.lines[li].end
	switch c := p.src[pos]; {
	case p.isEntry(li, pos):
		if inline {
			return nil, 0, false
		}
		return p.sequence(li, pos)
	case c == '[' || c == '{':
		n, after, ok := p.flow(li, pos)
		if !ok || !p.restIsEmpty(li, after) {
			return nil, 0, false
		}
		return p.after(n, li, parent)
	case c == '"' || c == '\'':
		n, after, ok := p.quoted(li, pos)
		if !ok {
			return nil, 0, false
		}
		if j := skipSpaces(p.src, after, end); j < end && p.src[j] == ':' && (j+1 == end || p.src[j+1] == ' ') {
			if inline {
				return nil, 0, false
			}
			p.slab = p.slab[:len(p.slab)-1] // the key is read again
			return p.mapping(li, pos)
		}
		if !p.restIsEmpty(li, after) {
			return nil, 0, false
		}
		return p.after(n, li, parent)
	}
	if !plainStart(p.src, pos, end, false) {
		return nil, 0, false
	}
	t := end
	for i := pos; i < end; i++ {
		if c := p.src[i]; c == '#' && p.src[i-1] == ' ' {
			t = i
			break
		} else if c == ':' && (i+1 == end || p.src[i+1] == ' ') {
			if inline {
				return nil, 0, false
			}
			return p.mapping(li, pos)
		}
	}
	for t > pos && p.src[t-1] == ' ' {
		t--
	}
	return p.after(p.plain(li, pos, t), li, parent)
}

// after returns n, a node that ended on line li, and the next line: a
// deeper line would continue n, which is not read here.
func (p *fastParser) after(n *yaml.Node, li, parent int) (*yaml.Node, int, bool) {
	if li+1 < len(p.lines) && p.lines[li+1].indent() > parent {
		return nil, 0, false
	}
	return n, li + 1, true
}

// isEntry reports whether a block sequence entry ("-" and a space or the
// line end) starts at pos.
func (p *fastParser) isEntry(li, pos int) bool {
	return p.src[pos] == '-' && (pos+1 == p.lines[li].end || p.src[pos+1] == ' ')
}

// sequence reads a block sequence whose first "-" is at pos on line li;
// its entries are the lines with a "-" at the same column.
func (p *fastParser) sequence(li, pos int) (*yaml.Node, int, bool) {
	col := pos - p.lines[li].start
	seq := p.node(yaml.SequenceNode, "!!seq", li, pos)
	for {
		item := pos + 1
		for item < p.lines[li].end && p.src[item] == ' ' {
			item++
		}
		var v *yaml.Node
		next := li + 1
		ok := true
		switch {
		case item == p.lines[li].end || p.src[item] == '#' && item > pos+1:
			// The entry's node is on the lines below, or there is none.
			if next < len(p.lines) && p.lines[next].indent() > col {
				v, next, ok = p.block(next, p.lines[next].off, col, false)
			} else {
				v = p.node(yaml.ScalarNode, "!!null", li, pos+1)
			}
		case p.isEntry(li, item):
			return nil, 0, false // "- - x": left to go-yaml
		default:
			v, next, ok = p.block(li, item, col, false)
		}
		if !ok {
			return nil, 0, false
		}
		seq.Content = append(seq.Content, v)
		if next == len(p.lines) || p.lines[next].indent() < col {
			return seq, next, true
		}
		if p.lines[next].indent() > col || !p.isEntry(next, p.lines[next].off) {
			// A deeper line, or a key at the column of this sequence: the
			// sequence ends, and its parent (a mapping whose value it is)
			// reads on.
			if p.lines[next].indent() == col {
				return seq, next, true
			}
			return nil, 0, false
		}
		li, pos = next, p.lines[next].off
	}
}

// mapping reads a block mapping whose first key starts at pos on line li;
// its keys are the lines at the same column.
func (p *fastParser) mapping(li, pos int) (*yaml.Node, int, bool) {
	col := pos - p.lines[li].start
	m := p.node(yaml.MappingNode, "!!map", li, pos)
	for {
		k, colon, ok := p.key(li, pos)
		if !ok || colon < 0 {
			return nil, 0, false
		}
		vpos := colon + 1
		for vpos < p.lines[li].end && p.src[vpos] == ' ' {
			vpos++
		}
		var v *yaml.Node
		next := li + 1
		switch {
		case vpos == p.lines[li].end || p.src[vpos] == '#' && vpos > colon+1:
			// The value is on the lines below: deeper, or a sequence at
			// this column; else it is null.
			switch {
			case next < len(p.lines) && p.lines[next].indent() > col:
				v, next, ok = p.block(next, p.lines[next].off, col, false)
			case next < len(p.lines) && p.lines[next].indent() == col && p.isEntry(next, p.lines[next].off):
				v, next, ok = p.sequence(next, p.lines[next].off)
			default:
				v = p.node(yaml.ScalarNode, "!!null", li, colon+1)
			}
		case p.isEntry(li, vpos):
			return nil, 0, false // go-yaml rejects "k: - x"
		default:
			v, next, ok = p.block(li, vpos, col, true)
		}
		if !ok {
			return nil, 0, false
		}
		m.Content = append(m.Content, k, v)
		if next == len(p.lines) || p.lines[next].indent() < col {
			return m, next, true
		}
		if p.lines[next].indent() > col {
			return nil, 0, false
		}
		li, pos = next, p.lines[next].off
	}
}

// key reads a scalar at pos and the ": " or line-ending ":" after it. colon
// is the offset of the ":", or -1 when the scalar is not a key.
func (p *fastParser) key(li, pos int) (*yaml.Node, int, bool) {
	end := p.lines[li].end
	var k *yaml.Node
	var after int
	switch p.src[pos] {
	case '"', '\'':
		var ok bool
		if k, after, ok = p.quoted(li, pos); !ok {
			return nil, 0, false
		}
		for after < end && p.src[after] == ' ' {
			after++
		}
		if after < end && p.src[after] == ':' && (after+1 == end || p.src[after+1] == ' ') {
			return k, after, after-pos <= 1024
		}
		return k, -1, true
	}
	if !plainStart(p.src, pos, end, false) {
		return nil, 0, false
	}
	for i := pos; i < end; i++ {
		switch c := p.src[i]; {
		case c == ':' && (i+1 == end || p.src[i+1] == ' '):
			t := i
			for t > pos && p.src[t-1] == ' ' {
				t--
			}
			if t-pos > 1024 {
				return nil, 0, false
			}
			return p.plain(li, pos, t), i, true
		case c == '#' && p.src[i-1] == ' ':
			return nil, -1, true
		}
	}
	return nil, -1, true
}

// plainStart reports whether a plain scalar may start at pos: not with an
// indicator, save "-", "?" and ":" followed by a character that is not a
// space; in a flow collection only "-", followed by no flow indicator.
func plainStart(src []byte, pos, end int, inFlow bool) bool {
	switch src[pos] {
	case '?', ':':
		if inFlow {
			return false // go-yaml's scanner takes them for indicators there
		}
		return pos+1 < end && src[pos+1] != ' '
	case '-':
		if pos+1 == end || src[pos+1] == ' ' {
			return false
		}
		return !inFlow || bytes.IndexByte([]byte(",[]{}"), src[pos+1]) < 0
	case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	}
	return true
}

// plain makes the plain scalar src[pos:end] with go-yaml's resolved tag.
func (p *fastParser) plain(li, pos, end int) *yaml.Node {
	n := p.node(yaml.ScalarNode, "", li, pos)
	n.Value = string(p.src[pos:end])
	if n.Value == "<<" {
		n.Tag = "!!merge"
	} else {
		n.Tag = n.ShortTag()
	}
	return n
}

// restIsEmpty reports whether only spaces and a comment follow pos.
func (p *fastParser) restIsEmpty(li, pos int) bool {
	end := p.lines[li].end
	i := pos
	for i < end && p.src[i] == ' ' {
		i++
	}
	return i == end || p.src[i] == '#' && i > pos
}

// quoted reads a quoted scalar that ends on its line, without escapes,
// and returns the offset after its closing quote.
func (p *fastParser) quoted(li, pos int) (*yaml.Node, int, bool) {
	end := p.lines[li].end
	q := p.src[pos]
	doubled := false
	i := pos + 1
	for ; i < end; i++ {
		c := p.src[i]
		if c == '\\' && q == '"' {
			return nil, 0, false
		}
		if c != q {
			continue
		}
		if q == '\'' && i+1 < end && p.src[i+1] == '\'' {
			doubled = true
			i++
			continue
		}
		break
	}
	if i >= end {
		return nil, 0, false
	}
	n := p.node(yaml.ScalarNode, "!!str", li, pos)
	if doubled {
		n.Value = string(bytes.ReplaceAll(p.src[pos+1:i], []byte("''"), []byte("'")))
	} else {
		n.Value = string(p.src[pos+1 : i])
	}
	n.Style = yaml.SingleQuotedStyle
	if q == '"' {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n, i + 1, true
}

// flow reads a one-line flow sequence or mapping of scalars at pos and
// returns the offset after it.
func (p *fastParser) flow(li, pos int) (*yaml.Node, int, bool) {
	end := p.lines[li].end
	isMap := p.src[pos] == '{'
	closer := byte(']')
	n := p.node(yaml.SequenceNode, "!!seq", li, pos)
	if isMap {
		closer = '}'
		n.Kind, n.Tag = yaml.MappingNode, "!!map"
	}
	n.Style = yaml.FlowStyle
	i := skipSpaces(p.src, pos+1, end)
	if i < end && p.src[i] == closer {
		return n, i + 1, true
	}
	for {
		item, after, ok := p.flowScalar(li, i, end)
		if !ok {
			return nil, 0, false
		}
		i = skipSpaces(p.src, after, end)
		if isMap {
			if i+1 >= end || p.src[i] != ':' || p.src[i+1] != ' ' {
				return nil, 0, false
			}
			v, vAfter, ok := p.flowScalar(li, skipSpaces(p.src, i+1, end), end)
			if !ok {
				return nil, 0, false
			}
			n.Content = append(n.Content, item, v)
			i = skipSpaces(p.src, vAfter, end)
		} else {
			n.Content = append(n.Content, item)
		}
		switch {
		case i < end && p.src[i] == closer:
			return n, i + 1, true
		case i < end && p.src[i] == ',':
			i = skipSpaces(p.src, i+1, end)
			if i >= end || p.src[i] == closer || p.src[i] == ',' {
				return nil, 0, false // a trailing or empty entry
			}
		default:
			return nil, 0, false
		}
	}
}

// flowScalar reads a scalar inside a flow collection. Plain ones are held
// to a narrow alphabet (letters, digits, "-", ".", "_", "/" and inner
// spaces, not starting with "-" unless a letter or digit follows): the
// scanner's rules for plain scalars in flow context have corners (the
// fuzzer found "?" and ":" in them) that manifests do not need.
func (p *fastParser) flowScalar(li, pos, end int) (*yaml.Node, int, bool) {
	if pos >= end {
		return nil, 0, false
	}
	if c := p.src[pos]; c == '"' || c == '\'' {
		return p.quoted(li, pos)
	}
	if c := p.src[pos]; !flowPlain(c) || c == '-' && (pos+1 == end || !isAlnum(p.src[pos+1])) {
		return nil, 0, false
	}
	i := pos
	for i < end && (flowPlain(p.src[i]) || p.src[i] == ' ') {
		i++
	}
	if i == end || p.src[i] != ',' && p.src[i] != ']' && p.src[i] != '}' && p.src[i] != ':' {
		return nil, 0, false // another character, or no end on this line
	}
	t := i
	for t > pos && p.src[t-1] == ' ' {
		t--
	}
	return p.plain(li, pos, t), i, true
}

func flowPlain(c byte) bool {
	return isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '/'
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func skipSpaces(src []byte, i, end int) int {
	for i < end && src[i] == ' ' {
		i++
	}
	return i
}
