package loader

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"
)

// decoder decodes a node tree straight into a Go value with the semantics
// of kubectl's path (YAML 1.1 values, then case-sensitive strict JSON
// decoding), in the same walk that indexes positions: no JSON text is made
// except for the few types that decode themselves (json.Unmarshaler, e.g.
// resource.Quantity). Unlike a JSON decoder it does not stop at the first
// wrong type: every rejected field is collected with its path.
type decoder struct {
	e      *encoder
	strict func(Path) bool
	path   Path
	errs   []FieldError
	// rejected is set when the node being decoded has the wrong type: the
	// field is then left out, as the API server would not take it.
	rejected bool
}

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	unmarshalerCache    sync.Map // reflect.Type -> bool
	addrCache           sync.Map // reflect.Type -> bool
)

// addrUnmarshals reports whether *t implements json.Unmarshaler.
func addrUnmarshals(t reflect.Type) bool {
	if v, ok := addrCache.Load(t); ok {
		return v.(bool)
	}
	ok := reflect.PointerTo(t).Implements(jsonUnmarshalerType)
	addrCache.Store(t, ok)
	return ok
}

// unmarshals reports whether t implements json.Unmarshaler; asked for every
// node, so the answer is cached per type.
func unmarshals(t reflect.Type) bool {
	if v, ok := unmarshalerCache.Load(t); ok {
		return v.(bool)
	}
	ok := t.Implements(jsonUnmarshalerType)
	unmarshalerCache.Store(t, ok)
	return ok
}

func (d *decoder) fieldError(problem, detail string) {
	d.errs = append(d.errs, FieldError{Path: append(Path(nil), d.path...), Problem: problem, Detail: detail})
}

// decode decodes n into v (addressable), at path hash h.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, h pathHash, depth int) {
	e := d.e
	if depth > e.maxDepth {
		e.fail(n, "nesting deeper than %d levels", e.maxDepth)
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return
		}
		n = n.Content[0]
	}
	if n.Kind == yaml.AliasNode {
		e.enterAlias(n)
		d.decode(n.Alias, v, h, depth)
		delete(e.active, n.Alias)
		return
	}

	field := v
	defer func() {
		if d.rejected {
			d.rejected = false
			field.SetZero()
		}
	}()
	var scalar any
	isNull := false
	if n.Kind == yaml.ScalarNode {
		scalar = e.resolve(n)
		isNull = scalar == nil
	}
	// Pointers: null clears them, anything else fills a new value.
	for v.Kind() == reflect.Pointer {
		if isNull {
			v.SetZero()
			e.spend(n, 4)
			return
		}
		if unmarshals(v.Type()) && v.Type().Elem().Kind() != reflect.Pointer {
			break
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	if t := v.Type(); v.Kind() != reflect.Pointer && addrUnmarshals(t) {
		d.unmarshaler(n, v.Addr(), h, depth)
		return
	} else if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.unmarshaler(n, v, h, depth)
		return
	}

	switch n.Kind {
	case yaml.ScalarNode:
		e.spend(n, len(n.Value)+2)
		d.scalar(n, scalar, v)
	case yaml.SequenceNode:
		e.spend(n, 2)
		d.sequence(n, v, h, depth)
	case yaml.MappingNode:
		e.spend(n, 2)
		d.mapping(n, v, h, depth)
	default:
		e.fail(n, "unsupported YAML node")
	}
}

// unmarshaler hands a value that decodes itself its JSON text, as the JSON
// decoder would.
func (d *decoder) unmarshaler(n *yaml.Node, ptr reflect.Value, h pathHash, depth int) {
	e := d.e
	saved := e.buf
	e.buf = nil
	e.value(n, h, depth)
	data := e.buf
	e.buf = saved
	if err := ptr.Interface().(json.Unmarshaler).UnmarshalJSON(data); err != nil {
		d.rejected = true
		d.fieldError("type", err.Error())
	}
}

func (d *decoder) typeError(got string, v reflect.Value) {
	d.rejected = true
	d.fieldError("type", "expected "+describeType(v.Type())+", got "+got)
}

func jsonKindOf(scalar any) string {
	switch scalar.(type) {
	case bool:
		return "bool"
	case int64, uint64, float64:
		return "number"
	case string, verbatim:
		return "string"
	}
	return "null"
}

func (d *decoder) scalar(n *yaml.Node, s any, v reflect.Value) {
	if s == nil {
		switch v.Kind() {
		case reflect.Interface, reflect.Map, reflect.Slice:
			v.SetZero()
		}
		return // null leaves other values as they are, as in encoding/json
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.NumMethod() != 0 {
			d.typeError(jsonKindOf(s), v)
			return
		}
		if f, ok := s.(float64); ok {
			s = preserveInt(f)
		}
		if u, ok := s.(uint64); ok {
			s = float64(u) // not an int64: the JSON decoder gives a float
		}
		if f, ok := s.(float64); ok && checkJSONFloat(f) != nil {
			d.e.fail(n, "value %s cannot be represented in JSON", n.Value)
		}
		if str, ok := text(n, s); ok {
			s = str
		}
		v.Set(reflect.ValueOf(s))
		return
	case reflect.String:
		str, ok := text(n, s)
		if !ok {
			d.typeError(jsonKindOf(s), v)
			return
		}
		v.SetString(str)
		return
	case reflect.Bool:
		b, ok := s.(bool)
		if !ok {
			d.typeError(jsonKindOf(s), v)
			return
		}
		v.SetBool(b)
		return
	case reflect.Slice:
		if str, ok := text(n, s); ok && v.Type().Elem().Kind() == reflect.Uint8 {
			b, err := base64.StdEncoding.DecodeString(str)
			if err != nil {
				d.fieldError("type", "expected base64 data: "+err.Error())
				return
			}
			v.SetBytes(b)
			return
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		d.number(n, s, v)
		return
	}
	d.typeError(jsonKindOf(s), v)
}

// number stores a YAML number as the JSON decoder would store its JSON text.
func (d *decoder) number(n *yaml.Node, s any, v reflect.Value) {
	var text string
	switch x := s.(type) {
	case int64:
		text = strconv.FormatInt(x, 10)
	case uint64:
		text = strconv.FormatUint(x, 10)
	case float64:
		if checkJSONFloat(x) != nil {
			d.e.fail(n, "value %s cannot be represented in JSON", n.Value)
		}
		b, _ := json.Marshal(x)
		text = string(b)
	default:
		d.typeError(jsonKindOf(s), v)
		return
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(text, 10, 64)
		if err != nil || v.OverflowInt(i) {
			d.typeError("number "+text, v)
			return
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u, err := strconv.ParseUint(text, 10, 64)
		if err != nil || v.OverflowUint(u) {
			d.typeError("number "+text, v)
			return
		}
		v.SetUint(u)
	default:
		f, err := strconv.ParseFloat(text, v.Type().Bits())
		if err != nil || v.OverflowFloat(f) {
			d.typeError("number "+text, v)
			return
		}
		v.SetFloat(f)
	}
}

func checkJSONFloat(f float64) error {
	if f != f || f > 1.7976931348623157e308 || f < -1.7976931348623157e308 {
		return fmt.Errorf("unsupported value")
	}
	return nil
}

// preserveInt mirrors sigs.k8s.io/json's PreserveInts: a number whose JSON
// text has no '.' and fits an int64 decodes as int64.
func preserveInt(f float64) any {
	b, _ := json.Marshal(f)
	if !strings.ContainsAny(string(b), ".eE") {
		if i, err := strconv.ParseInt(string(b), 10, 64); err == nil {
			return i
		}
	}
	return f
}

func (d *decoder) sequence(n *yaml.Node, v reflect.Value, h pathHash, depth int) {
	e := d.e
	switch v.Kind() {
	case reflect.Interface:
		if v.NumMethod() != 0 {
			d.typeError("array", v)
			d.skip(n, h, depth)
			return
		}
		items := make([]any, len(n.Content))
		for i, c := range n.Content {
			ch := h.index(i)
			e.pos.add(ch, c.Line+e.lineOffset, c.Column)
			d.path = append(d.path, i)
			d.decode(c, reflect.ValueOf(&items[i]).Elem(), ch, depth+1)
			d.path = d.path[:len(d.path)-1]
		}
		v.Set(reflect.ValueOf(items))
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			ch := h.index(i)
			e.pos.add(ch, c.Line+e.lineOffset, c.Column)
			d.path = append(d.path, i)
			d.decode(c, s.Index(i), ch, depth+1)
			d.path = d.path[:len(d.path)-1]
		}
		v.Set(s)
	default:
		d.typeError("array", v)
		d.skip(n, h, depth)
	}
}

func (d *decoder) mapping(n *yaml.Node, v reflect.Value, h pathHash, depth int) {
	e := d.e
	entries := e.entries(n, depth)
	switch v.Kind() {
	case reflect.Struct:
		fields := jsonFields(v.Type())
		for _, me := range entries {
			ch := h.key(me.key)
			e.pos.add(ch, me.keyNode.Line+e.lineOffset, me.keyNode.Column)
			d.path = append(d.path, me.key)
			if f, ok := fields[me.key]; ok {
				d.decode(me.value, fieldAlloc(v, f), ch, depth+1)
			} else {
				if d.strict == nil || d.strict(d.path) {
					d.fieldError("unknown", fmt.Sprintf("unknown field %q", d.path.String()))
				}
				d.skip(me.value, ch, depth+1)
			}
			d.path = d.path[:len(d.path)-1]
		}
	case reflect.Map:
		kt := v.Type().Key()
		if kt.Kind() != reflect.String && !reflect.PointerTo(kt).Implements(textUnmarshalerType) {
			d.typeError("object", v)
			d.skip(n, h, depth)
			return
		}
		if v.IsNil() {
			v.Set(reflect.MakeMapWithSize(v.Type(), len(entries)))
		}
		for _, me := range entries {
			ch := h.key(me.key)
			e.pos.add(ch, me.keyNode.Line+e.lineOffset, me.keyNode.Column)
			d.path = append(d.path, me.key)
			elem := reflect.New(v.Type().Elem()).Elem()
			d.decode(me.value, elem, ch, depth+1)
			key := reflect.New(kt).Elem()
			if kt.Kind() == reflect.String {
				key.SetString(me.key)
			} else if err := key.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(me.key)); err != nil {
				d.fieldError("type", err.Error())
			}
			v.SetMapIndex(key, elem)
			d.path = d.path[:len(d.path)-1]
		}
	case reflect.Interface:
		if v.NumMethod() != 0 {
			d.typeError("object", v)
			d.skip(n, h, depth)
			return
		}
		m := make(map[string]any, len(entries))
		for _, me := range entries {
			ch := h.key(me.key)
			e.pos.add(ch, me.keyNode.Line+e.lineOffset, me.keyNode.Column)
			d.path = append(d.path, me.key)
			var x any
			d.decode(me.value, reflect.ValueOf(&x).Elem(), ch, depth+1)
			m[me.key] = x
			d.path = d.path[:len(d.path)-1]
		}
		v.Set(reflect.ValueOf(m))
	default:
		d.typeError("object", v)
		for _, me := range entries {
			ch := h.key(me.key)
			e.pos.add(ch, me.keyNode.Line+e.lineOffset, me.keyNode.Column)
			d.skip(me.value, ch, depth+1)
		}
	}
}

// skip indexes and validates a subtree that has nowhere to go.
func (d *decoder) skip(n *yaml.Node, h pathHash, depth int) {
	saved := d.e.buf
	d.e.buf = d.e.buf[:0:0]
	d.e.value(n, h, depth)
	d.e.buf = saved
}

// fieldAlloc returns the field at index, allocating embedded pointers.
func fieldAlloc(v reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

var jsonFieldCache sync.Map // reflect.Type -> map[string][]int

// jsonFields maps the JSON names of a struct's fields to their indexes, as
// encoding/json sees them: tags first, embedded structs flattened, the
// shallowest of two equal names winning and ties dropped.
func jsonFields(t reflect.Type) map[string][]int {
	if f, ok := jsonFieldCache.Load(t); ok {
		return f.(map[string][]int)
	}
	type cand struct {
		index  []int
		depth  int
		tagged bool
	}
	cands := map[string][]cand{}
	var walk func(t reflect.Type, index []int, depth int, seen map[reflect.Type]bool)
	walk = func(t reflect.Type, index []int, depth int, seen map[reflect.Type]bool) {
		if seen[t] {
			return
		}
		seen[t] = true
		defer delete(seen, t)
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			idx := append(append([]int{}, index...), i)
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft, idx, depth+1, seen)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			tagged := name != ""
			if !tagged {
				name = f.Name
			}
			cands[name] = append(cands[name], cand{idx, depth, tagged})
		}
	}
	walk(t, nil, 0, map[reflect.Type]bool{})
	out := map[string][]int{}
	for name, cs := range cands {
		best, ties := cs[0], 0
		for _, c := range cs[1:] {
			switch {
			case c.depth < best.depth || c.depth == best.depth && c.tagged && !best.tagged:
				best, ties = c, 0
			case c.depth == best.depth && c.tagged == best.tagged:
				ties++
			}
		}
		if ties == 0 {
			out[name] = best.index
		}
	}
	jsonFieldCache.Store(t, out)
	return out
}

// describeType names a Go type for a user: "a boolean", "an integer".
func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map:
		return "a mapping"
	case reflect.Struct:
		return "a mapping (" + t.Name() + ")"
	}
	return "a " + t.String()
}

// decodeObject decodes object node n into value (a pointer), indexing
// positions in e, and returns the fields strict decoding rejects, sorted by
// path.
func decodeObject(e *encoder, n *yaml.Node, target *Target, value any) (errs []FieldError, err error) {
	defer catchAbort(&err)
	defer e.release()
	d := &decoder{e: e}
	if target.Strict != nil {
		d.strict = target.reports
	}
	first := n // the object stands at its first key, not at a "{" before it
	if n.Kind == yaml.MappingNode && len(n.Content) > 0 {
		first = n.Content[0]
	}
	e.pos.add(fnvOffset, first.Line+e.lineOffset, first.Column)
	d.decode(n, reflect.ValueOf(value).Elem(), fnvOffset, 0)
	sortFieldErrors(d.errs)
	return d.errs, nil
}

// reports says whether an unknown field at p is reported.
func (t *Target) reports(p Path) bool {
	if t.Strict == nil {
		return true
	}
	s := p.String()
	for _, prefix := range t.Strict {
		if s == prefix || strings.HasPrefix(s, prefix+".") || strings.HasPrefix(s, prefix+"[") {
			return true
		}
	}
	return false
}

func sortFieldErrors(errs []FieldError) {
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Path.String() < errs[j].Path.String() })
}
