package loader

import (
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	kjson "sigs.k8s.io/json"
)

// maxTypeErrors bounds how often a document is decoded again to find the
// next wrong-typed field.
const maxTypeErrors = 16

var typeErrorRE = regexp.MustCompile(`^json: cannot unmarshal (\w+)(?: \S+)? into Go (?:struct field \S*?\.(\S+)|value) of type (\S+)$`)

// decodeStrict decodes data into target.Value the way the API server does
// (case-sensitive, strict) and returns every field it rejects. The JSON
// decoder stops reporting at the first wrong type, so each wrong-typed field
// is located, replaced by null through reencode, and the document decoded
// again, until none is left.
func decodeStrict(data []byte, target *Target, reencode func(skip map[pathHash]bool) []byte) []FieldError {
	var errs []FieldError
	var skip map[pathHash]bool
	for range maxTypeErrors {
		strict, err := kjson.UnmarshalStrict(data, target.Value)
		if err == nil {
			for _, se := range strict {
				fe, ok := se.(kjson.FieldError)
				if !ok {
					continue
				}
				p := parseFieldPath(fe.FieldPath())
				if !target.reports(p) {
					continue
				}
				problem := "unknown"
				if strings.HasPrefix(se.Error(), "duplicate field") {
					problem = "duplicate"
				}
				errs = append(errs, FieldError{Path: p, Problem: problem, Detail: se.Error()})
			}
			sortFieldErrors(errs)
			return errs
		}
		fe := FieldError{Path: Path{}, Problem: "type", Detail: err.Error()}
		m := typeErrorRE.FindStringSubmatch(err.Error())
		var path Path
		found := false
		if m != nil {
			fe.Detail = "expected " + describeGoType(m[3]) + ", got " + m[1]
			var generic any
			if kjson.UnmarshalCaseSensitivePreserveInts(data, &generic) == nil {
				path, found = findWrongType(generic, strings.Split(m[2], "."), m[1])
			}
		}
		if found {
			fe.Path = path
		}
		errs = append(errs, fe)
		if !found || len(path) == 0 {
			sortFieldErrors(errs)
			return errs
		}
		if skip == nil {
			skip = map[pathHash]bool{}
		}
		skip[hashOf(path)] = true
		data = reencode(skip)
		v := reflect.ValueOf(target.Value).Elem()
		v.Set(reflect.Zero(v.Type()))
	}
	sortFieldErrors(errs)
	return errs
}

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

func hashOf(p Path) pathHash {
	h := fnvOffset
	for _, e := range p {
		h, _ = h.elem(e)
	}
	return h
}

// parseFieldPath reads the path of a strict decoding error,
// e.g. spec.containers[0].nmae.
func parseFieldPath(s string) Path {
	var p Path
	for s != "" {
		switch s[0] {
		case '.':
			s = s[1:]
		case '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return append(p, s)
			}
			if i, err := strconv.Atoi(s[1:end]); err == nil {
				p = append(p, i)
			}
			s = s[end+1:]
		default:
			end := strings.IndexAny(s, ".[")
			if end < 0 {
				end = len(s)
			}
			p = append(p, s[:end])
			s = s[end:]
		}
	}
	return p
}

// findWrongType finds the first node under the index-free field path whose
// JSON kind is kind ("string", "number", "bool", "array", "object"). Map
// values below the path are searched too, since the decoder names only the
// map.
func findWrongType(v any, fields []string, kind string) (Path, bool) {
	if len(fields) == 1 && fields[0] == "" {
		fields = nil
	}
	var walk func(v any, fields []string, p Path, mapDepth int) (Path, bool)
	walk = func(v any, fields []string, p Path, mapDepth int) (Path, bool) {
		if len(fields) == 0 {
			if jsonKind(v) == kind {
				return p, true
			}
		}
		switch v := v.(type) {
		case []any:
			for i, item := range v {
				if r, ok := walk(item, fields, p.Child(i), mapDepth); ok {
					return r, true
				}
			}
		case map[string]any:
			if len(fields) > 0 {
				if c, ok := v[fields[0]]; ok {
					return walk(c, fields[1:], p.Child(fields[0]), mapDepth)
				}
				return nil, false
			}
			if mapDepth > 0 {
				keys := make([]string, 0, len(v))
				for k := range v {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					if r, ok := walk(v[k], nil, p.Child(k), mapDepth-1); ok {
						return r, true
					}
				}
			}
		}
		return nil, false
	}
	return walk(v, fields, Path{}, 1)
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "bool"
	case int64, float64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "null"
}

func describeGoType(t string) string {
	t = strings.TrimPrefix(t, "*")
	switch {
	case t == "bool":
		return "a boolean"
	case t == "string":
		return "a string"
	case strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint"):
		return "an integer"
	case strings.HasPrefix(t, "float"):
		return "a number"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["):
		return "a mapping"
	}
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		t = t[i+1:]
	}
	return "a " + t
}
