package loader

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"github.com/salint/salint/internal/jsontext"
)

// encoder turns one parsed YAML node into JSON with the values
// sigs.k8s.io/yaml (and so kubectl) would give it: YAML 1.1 scalars (yes/no
// are booleans, 0777 is octal), merge keys, aliases expanded, non-string keys
// turned into strings. It records the position of every node on the way, so
// a document is parsed once and walked once. Duplicate keys, alias cycles and
// expansion beyond the limits are errors, as they are for kubectl or would
// let hostile input exhaust memory.
type encoder struct {
	buf        []byte
	pos        *Positions
	lineOffset int
	maxDepth   int
	nodeBudget int
	byteBudget int
	active     map[*yaml.Node]bool // anchors being expanded, to catch cycles
	entryBufs  [][]mapEntry        // by depth, reused (see entries)
	noPos      bool
	// nonSpecific holds where nodes tagged "!" start (see nonSpecificTags).
	nonSpecific map[Pos]bool
}

// EncodeError is a document that has no JSON meaning, with where it fails.
type EncodeError struct {
	Pos
	Msg string
}

func (e *EncodeError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

type encodeAbort struct{ err *EncodeError }

func (e *encoder) fail(n *yaml.Node, format string, args ...any) {
	panic(encodeAbort{&EncodeError{Pos{n.Line + e.lineOffset, n.Column}, fmt.Sprintf(format, args...)}})
}

// catchAbort turns a failure raised by fail into *err; any other panic goes
// on. It must be deferred directly.
func catchAbort(err *error) {
	if r := recover(); r != nil {
		a, ok := r.(encodeAbort)
		if !ok {
			panic(r)
		}
		*err = a.err
	}
}

// encodeNode encodes n and, unless e.noPos, indexes the positions of its
// subtree. Errors are returned, never panicked to the caller.
func (e *encoder) encodeNode(n *yaml.Node) (out []byte, err error) {
	defer catchAbort(&err)
	if !e.noPos {
		e.pos.add(fnvOffset, n.Line+e.lineOffset, n.Column)
	}
	defer e.release()
	e.value(n, fnvOffset, 0)
	return e.buf, nil
}

func (e *encoder) spend(n *yaml.Node, bytes int) {
	e.nodeBudget--
	e.byteBudget -= bytes
	if e.nodeBudget < 0 || e.byteBudget < 0 {
		e.fail(n, "document expands beyond the size limit (alias bomb?)")
	}
}

func (e *encoder) value(n *yaml.Node, h pathHash, depth int) {
	if depth > e.maxDepth {
		e.fail(n, "nesting deeper than %d levels", e.maxDepth)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			e.buf = append(e.buf, "null"...)
			return
		}
		e.value(n.Content[0], h, depth)
	case yaml.AliasNode:
		e.enterAlias(n)
		e.value(n.Alias, h, depth)
		delete(e.active, n.Alias)
	case yaml.ScalarNode:
		e.scalar(n)
	case yaml.SequenceNode:
		e.spend(n, 2)
		e.buf = append(e.buf, '[')
		for i, c := range n.Content {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			ch := h.index(i)
			if !e.noPos {
				e.pos.add(ch, c.Line+e.lineOffset, c.Column)
			}
			e.value(c, ch, depth+1)
		}
		e.buf = append(e.buf, ']')
	case yaml.MappingNode:
		e.mapping(n, h, depth)
	default:
		e.fail(n, "unsupported YAML node")
	}
}

// entryBufPool keeps the per-depth entry buffers of finished documents for
// the next, so that walking a document allocates no entry slices.
var entryBufPool = sync.Pool{New: func() any { return new([][]mapEntry) }}

// release returns the encoder's reusable buffers.
func (e *encoder) release() {
	if e.entryBufs != nil {
		bufs := e.entryBufs
		e.entryBufs = nil
		for i := range bufs {
			clear(bufs[i]) // drop the nodes, or the pool keeps old documents alive
			bufs[i] = bufs[i][:0]
		}
		entryBufPool.Put(&bufs)
	}
}

// enterAlias checks that alias n can be expanded and marks its anchor as
// being expanded, so that an anchor containing itself is caught; the caller
// deletes the mark when done.
func (e *encoder) enterAlias(n *yaml.Node) {
	if n.Alias == nil {
		e.fail(n, "unknown anchor %q", n.Value)
	}
	if e.active[n.Alias] {
		e.fail(n, "anchor %q contains itself", n.Value)
	}
	if e.active == nil {
		e.active = map[*yaml.Node]bool{}
	}
	e.active[n.Alias] = true
}

type mapEntry struct {
	key      string
	keyNode  *yaml.Node
	value    *yaml.Node
	explicit bool // written in this mapping, not merged in
}

func (e *encoder) mapping(n *yaml.Node, h pathHash, depth int) {
	e.spend(n, 2)
	e.buf = append(e.buf, '{')
	entries := e.entries(n, depth)
	// Keys in sorted order, as encoding/json writes a map: values that keep
	// their JSON text (managedFields, RawExtension) then match kubectl's.
	slices.SortFunc(entries, func(a, b mapEntry) int { return strings.Compare(a.key, b.key) })
	for i, me := range entries {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = jsontext.AppendString(e.buf, me.key)
		e.buf = append(e.buf, ':')
		ch := h.key(me.key)
		if !e.noPos {
			e.pos.add(ch, me.keyNode.Line+e.lineOffset, me.keyNode.Column)
		}
		e.value(me.value, ch, depth+1)
	}
	e.buf = append(e.buf, '}')
}

// entries lists the keys of mapping n with their values, in order, after
// merge keys (<<) are applied as go-yaml v2 applies them: each merged map
// sets its keys where the merge key stands, so later keys win; earlier maps
// of a merge sequence win over later ones. A key written twice in the same
// mapping is an error.
//
// The slice is reused for the next mapping at the same depth: a mapping's
// entries are used up before its siblings are read. A depth below zero
// gets a slice of its own.
func (e *encoder) entries(n *yaml.Node, depth int) []mapEntry {
	var entries []mapEntry
	if depth >= 0 {
		if e.entryBufs == nil {
			e.entryBufs = *entryBufPool.Get().(*[][]mapEntry)
		}
		for len(e.entryBufs) <= depth {
			e.entryBufs = append(e.entryBufs, nil)
		}
		entries = e.entryBufs[depth][:0]
		defer func() { e.entryBufs[depth] = entries }()
	}
	var byKey map[string]int // once the mapping is large, so that it is not quadratic
	index := func(k string) int {
		if byKey != nil {
			if i, ok := byKey[k]; ok {
				return i
			}
			return -1
		}
		for i := range entries {
			if entries[i].key == k {
				return i
			}
		}
		return -1
	}
	set := func(me mapEntry) {
		if i := index(me.key); i >= 0 {
			if me.explicit && entries[i].explicit {
				e.fail(me.keyNode, "mapping key %q already defined at line %d", me.key, entries[i].keyNode.Line+e.lineOffset)
			}
			// A key written here stays written when a merge overrides it.
			me.explicit = me.explicit || entries[i].explicit
			entries[i] = me
			return
		}
		entries = append(entries, me)
		if byKey != nil {
			byKey[me.key] = len(entries) - 1
		} else if len(entries) > 16 {
			byKey = make(map[string]int, 2*len(entries))
			for i, x := range entries {
				byKey[x.key] = i
			}
		}
	}
	var merge func(v *yaml.Node, seen int)
	merge = func(v *yaml.Node, seen int) {
		if seen > e.maxDepth {
			e.fail(v, "merge nesting deeper than %d levels", e.maxDepth)
		}
		for v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		switch v.Kind {
		case yaml.MappingNode:
			// Merging costs as much as the entries merged: without this,
			// maps that merge the same map twice grow exponentially.
			e.spend(v, len(v.Content))
			e.collect(v, func(me mapEntry) { me.explicit = false; set(me) }, func(mv *yaml.Node) { merge(mv, seen+1) })
		case yaml.SequenceNode:
			for i := len(v.Content) - 1; i >= 0; i-- {
				c := v.Content[i]
				for c.Kind == yaml.AliasNode && c.Alias != nil {
					c = c.Alias
				}
				if c.Kind != yaml.MappingNode {
					e.fail(v.Content[i], "map merge requires map or sequence of maps as the value")
				}
				merge(c, seen+1)
			}
		default:
			e.fail(v, "map merge requires map or sequence of maps as the value")
		}
	}
	e.collect(n, set, func(v *yaml.Node) { merge(v, 0) })
	return entries
}

// collect calls set for every key of mapping n in order and merge for the
// value of every merge key (<<).
func (e *encoder) collect(n *yaml.Node, set func(mapEntry), merge func(*yaml.Node)) {
	if len(n.Content)%2 != 0 {
		e.fail(n, "malformed mapping")
	}
	for i := 0; i < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if e.isMergeKey(k) {
			merge(v)
			continue
		}
		set(mapEntry{key: e.keyString(k), keyNode: k, value: v, explicit: true})
	}
}

// isMergeKey reports whether k is a merge key for go-yaml v2: a plain <<, or
// a << tagged !!merge or "!" however it is quoted.
func (e *encoder) isMergeKey(k *yaml.Node) bool {
	if k.Kind != yaml.ScalarNode || k.Value != "<<" {
		return false
	}
	if k.Style&yaml.TaggedStyle != 0 {
		return k.Tag == "!!merge"
	}
	if e.nonSpecific[Pos{k.Line, k.Column}] {
		return true
	}
	return k.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0
}

// keyString converts a mapping key as sigs.k8s.io/yaml does: strings stay,
// numbers and booleans become their string form, anything else is an error.
func (e *encoder) keyString(k *yaml.Node) string {
	for k.Kind == yaml.AliasNode && k.Alias != nil {
		k = k.Alias
	}
	if k.Kind != yaml.ScalarNode {
		e.fail(k, "mapping key is not a scalar")
	}
	v := e.resolve(k)
	if s, ok := text(k, v); ok {
		return s
	}
	switch v := v.(type) {
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		// Formatted as a float32 first: 1e70 is +Inf then, and so ".inf".
		switch s := strconv.FormatFloat(v, 'g', -1, 32); s {
		case "+Inf":
			return ".inf"
		case "-Inf":
			return "-.inf"
		case "NaN":
			return ".nan"
		default:
			return s
		}
	case bool:
		return strconv.FormatBool(v)
	case nil:
		e.fail(k, "mapping key is null")
	}
	e.fail(k, "unsupported mapping key %q", k.Value)
	return ""
}

func (e *encoder) scalar(n *yaml.Node) {
	e.spend(n, len(n.Value)+2)
	switch v := e.resolve(n).(type) {
	case nil:
		e.buf = append(e.buf, "null"...)
	case bool:
		e.buf = strconv.AppendBool(e.buf, v)
	case int64:
		e.buf = strconv.AppendInt(e.buf, v, 10)
	case uint64:
		e.buf = strconv.AppendUint(e.buf, v, 10)
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			e.fail(n, "value %s cannot be represented in JSON", n.Value)
		}
		b, _ := json.Marshal(v) // the number format encoding/json gives kubectl
		e.buf = append(e.buf, b...)
	case verbatim:
		e.buf = jsontext.AppendString(e.buf, n.Value)
	case string:
		e.buf = jsontext.AppendString(e.buf, v)
	}
}

// Tags that YAML 1.1 resolves; any other explicit tag leaves the text a string.
const (
	tagStr       = "!!str"
	tagBool      = "!!bool"
	tagInt       = "!!int"
	tagFloat     = "!!float"
	tagNull      = "!!null"
	tagBinary    = "!!binary"
	tagTimestamp = "!!timestamp"
)

// resolve gives a scalar its YAML 1.1 value: nil, bool, int64, uint64,
// float64, verbatim{} when the value is the scalar's own text, or a string
// when it is another text (!!binary).
func (e *encoder) resolve(n *yaml.Node) any {
	quoted := n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0
	tag := ""
	if n.Style&yaml.TaggedStyle != 0 {
		tag = n.Tag
	}
	if tag == "" && (quoted || e.nonSpecific[Pos{n.Line, n.Column}]) {
		return verbatim{}
	}
	switch tag {
	case "":
		return resolvePlain(n.Value)
	case tagStr:
		return verbatim{}
	case tagBinary:
		b, err := base64.StdEncoding.DecodeString(n.Value)
		if err != nil {
			e.fail(n, "!!binary value contains invalid base64 data")
		}
		return string(b)
	case tagBool, tagInt, tagFloat, tagNull, tagTimestamp:
		v := resolvePlain(n.Value)
		ok := false
		switch v.(type) {
		case bool:
			ok = tag == tagBool
		case int64, uint64:
			ok = tag == tagInt
			if tag == tagFloat {
				switch x := v.(type) {
				case int64:
					v, ok = float64(x), true
				case uint64:
					ok = false
				}
			}
		case float64:
			ok = tag == tagFloat
		case nil:
			ok = tag == tagNull
		case verbatim:
			ok = tag == tagTimestamp && isTimestamp(n.Value)
		}
		if !ok {
			e.fail(n, "cannot decode %q as a %s", n.Value, tag)
		}
		return v
	}
	return verbatim{}
}

var yaml11Float = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// verbatim stands for "a string: the scalar's own text". Returning the text
// itself as an interface value would allocate for every string scalar.
type verbatim struct{}

// text returns a resolved value's string and whether it is one.
func text(n *yaml.Node, v any) (string, bool) {
	switch v := v.(type) {
	case verbatim:
		return n.Value, true
	case string:
		return v, true
	}
	return "", false
}

// resolvePlain applies the YAML 1.1 rules of go-yaml v2 to an untagged plain
// scalar.
func resolvePlain(s string) any {
	if s == "" {
		return nil
	}
	switch c := s[0]; {
	case c == '+' || c == '-' || c >= '0' && c <= '9':
	case c == '.' || c == '~' || strings.IndexByte("yYnNtTfFoO<", c) >= 0:
	default:
		return verbatim{}
	}
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
		return true
	case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
		return false
	case "~", "null", "Null", "NULL":
		return nil
	case ".nan", ".NaN", ".NAN":
		return math.NaN()
	case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
		return math.Inf(1)
	case "-.inf", "-.Inf", "-.INF":
		return math.Inf(-1)
	}
	switch c := s[0]; {
	case c == '.':
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
	case c == '+' || c == '-' || c >= '0' && c <= '9':
		if !numberLike(s) {
			return verbatim{} // "50m", "64Mi", "0 2 * * *": no number, skip the parsers
		}
		plain := strings.ReplaceAll(s, "_", "")
		if strings.IndexByte(plain, '.') < 0 { // no integer has a '.'
			if i, err := strconv.ParseInt(plain, 0, 64); err == nil {
				return i
			}
			if u, err := strconv.ParseUint(plain, 0, 64); err == nil {
				return u
			}
		}
		if yaml11Float.MatchString(plain) {
			if f, err := strconv.ParseFloat(plain, 64); err == nil {
				return f
			}
		}
		if rest, ok := strings.CutPrefix(plain, "0b"); ok {
			if i, err := strconv.ParseInt(rest, 2, 64); err == nil {
				return i
			}
			if u, err := strconv.ParseUint(rest, 2, 64); err == nil {
				return u
			}
		} else if rest, ok := strings.CutPrefix(plain, "-0b"); ok {
			if i, err := strconv.ParseInt("-"+rest, 2, 64); err == nil {
				return i
			}
		}
	}
	return verbatim{}
}

// timestampLayouts are the forms go-yaml v2 accepts as a !!timestamp.
var timestampLayouts = []string{
	"2006-1-2T15:4:5.999999999Z07:00",
	"2006-1-2t15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999",
	"2006-1-2",
}

// numberLike reports whether s has only characters a YAML 1.1 number can
// have, so that most strings never reach strconv (whose errors allocate).
func numberLike(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		case c == '+', c == '-', c == '.', c == '_', c == 'x', c == 'X', c == 'o', c == 'O':
		default:
			return false
		}
	}
	return true
}

// isTimestamp reports whether go-yaml v2 reads s as a timestamp: a year of
// four digits, a dash, and one of timestampLayouts.
func isTimestamp(s string) bool {
	if len(s) < 5 || s[4] != '-' || strings.Trim(s[:4], "0123456789") != "" {
		return false
	}
	for _, layout := range timestampLayouts {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// nonSpecificTags finds where the nodes tagged with the non-specific tag "!"
// start (as in `x: ! 12`): go-yaml v2 then keeps a plain scalar a string and
// takes a quoted << as a merge key, but go-yaml v3 drops the tag without a
// trace. A node starts at its "!", or at an anchor just before it on the
// same line. Lines and columns are counted as go-yaml v3 counts them: in
// characters, with CR, LF, CRLF, NEL, LS and PS each ending a line.
func nonSpecificTags(text []byte) map[Pos]bool {
	if bytes.IndexByte(text, '!') < 0 {
		return nil
	}
	tags := map[Pos]bool{}
	text = bytes.TrimPrefix(text, []byte("\ufeff")) // go-yaml does not count it
	here := Pos{Line: 1, Column: 1}
	var anchor Pos    // an anchor followed so far only by blanks
	inAnchor := false // reading an anchor's name
	sep := true       // the previous character ends a token
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		if r == '\r' && i+1 < len(text) && text[i+1] == '\n' {
			size = 2
		}
		switch {
		case r == '\n' || r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029':
			here = Pos{Line: here.Line + 1, Column: 1}
			anchor, inAnchor, sep = Pos{}, false, true
			i += size
			continue
		case r == ' ' || r == '\t' || r == '\ufeff' && here.Column == 1:
			// go-yaml's scanner skips a BOM that starts a line, as a
			// character of its own.
			inAnchor, sep = false, true
		case r == '&' && sep:
			anchor, inAnchor, sep = here, true, false
		case inAnchor && (r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '_' || r == '-'):
		case r == '!' && sep && endsNonSpecificTag(text[i+1:]):
			tags[here] = true
			if anchor.Line != 0 {
				tags[anchor] = true
			}
			anchor, inAnchor, sep = Pos{}, false, false
		case r == '[' || r == '{' || r == ',':
			anchor, inAnchor, sep = Pos{}, false, true
		default:
			anchor, inAnchor, sep = Pos{}, false, false
		}
		here.Column++
		i += size
	}
	return tags
}

// endsNonSpecificTag reports whether rest, the text after a "!", makes it the
// tag "!" (written alone or as !<!>) rather than the start of a longer tag.
func endsNonSpecificTag(rest []byte) bool {
	rest = bytes.TrimPrefix(rest, []byte("<!>"))
	if len(rest) == 0 {
		return true
	}
	switch r, _ := utf8.DecodeRune(rest); r {
	case ' ', '\t', '\r', '\n', '\u0085', '\u2028', '\u2029':
		return true
	}
	return false
}
