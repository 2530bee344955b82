package engine

import (
	"fmt"
	"github.com/salint/salint/pkg/loader"
	"reflect"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// toTerm converts facts to a Rego value directly, field by field following
// the json tags, without the JSON round trip of rego.EvalInput: building the
// input is on the hot path of every run.
func toTerm(v reflect.Value) *ast.Term {
	c := converter{strs: map[string]*ast.Term{}}
	return c.term(v)
}

// converter shares one term among the equal strings of a value (kinds,
// namespaces, names, field names recur in nearly every fact); terms are
// immutable, so sharing them is safe and spares the collector.
type converter struct{ strs map[string]*ast.Term }

func (c *converter) str(s string) *ast.Term {
	if t, ok := c.strs[s]; ok {
		return t
	}
	t := ast.StringTerm(s)
	c.strs[s] = t
	return t
}

func (c *converter) term(v reflect.Value) *ast.Term {
	if v.Type() == pathType { // the commonest value: a field path
		p := v.Interface().(loader.Path)
		if p == nil {
			return ast.NullTerm()
		}
		terms := make([]*ast.Term, len(p))
		for i, e := range p {
			switch e := e.(type) {
			case string:
				terms[i] = ast.InternedTerm(e)
			case int:
				terms[i] = ast.InternedTerm(e)
			}
		}
		return ast.ArrayTerm(terms...)
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ast.NullTerm()
		}
		return c.term(v.Elem())
	case reflect.String:
		return c.str(v.String())
	case reflect.Bool:
		return ast.InternedTerm(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return ast.IntNumberTerm(int(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return ast.UIntNumberTerm(v.Uint())
	case reflect.Slice:
		if v.IsNil() && v.Type().Elem().Kind() == reflect.Interface {
			return ast.NullTerm() // an absent path
		}
		terms := make([]*ast.Term, v.Len())
		for i := range terms {
			terms[i] = c.term(v.Index(i))
		}
		return ast.ArrayTerm(terms...)
	case reflect.Map:
		keys := v.MapKeys()
		items := make([][2]*ast.Term, 0, len(keys))
		for _, k := range keys {
			items = append(items, [2]*ast.Term{c.str(fmt.Sprint(k.Interface())), c.term(v.MapIndex(k))})
		}
		return ast.ObjectTerm(items...)
	case reflect.Struct:
		fields := structFields(v.Type())
		items := make([][2]*ast.Term, 0, len(fields))
		for _, f := range fields {
			items = append(items, [2]*ast.Term{f.key, c.term(v.FieldByIndex(f.index))})
		}
		return ast.ObjectTerm(items...)
	}
	panic(fmt.Sprintf("engine: cannot convert %s to a Rego value", v.Type()))
}

var pathType = reflect.TypeFor[loader.Path]()

type structField struct {
	key   *ast.Term
	index []int
}

var fieldCache sync.Map // reflect.Type -> []structField

// structFields lists a struct's fields by their json names, flattening
// embedded structs as encoding/json does.
func structFields(t reflect.Type) []structField {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]structField)
	}
	var out []structField
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			idx := append(append([]int{}, index...), i)
			tag := f.Tag.Get("json")
			name, _, _ := strings.Cut(tag, ",")
			if tag == "-" || !f.IsExported() {
				continue
			}
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				walk(f.Type, idx)
				continue
			}
			if name == "" {
				name = f.Name
			}
			out = append(out, structField{ast.StringTerm(name), idx})
		}
	}
	walk(t, nil)
	fieldCache.Store(t, out)
	return out
}
