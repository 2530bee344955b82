package kustomize

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/salint/salint/pkg/loader"
)

// tree is a document a built node is looked up in: a resource document
// (values as the loader decodes them) or a patch (YAML nodes).
type tree interface {
	field(key string) (tree, bool)
	keys() []string // nil unless a mapping
	items() []tree  // nil unless a sequence
	scalar() (string, bool)
}

// valueTree is a decoded value: map[string]any, []any or a scalar.
type valueTree struct{ v any }

func (t valueTree) field(key string) (tree, bool) {
	m, ok := t.v.(map[string]any)
	if !ok {
		return nil, false
	}
	c, ok := m[key]
	return valueTree{c}, ok
}

func (t valueTree) keys() []string {
	m, ok := t.v.(map[string]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func (t valueTree) items() []tree {
	s, ok := t.v.([]any)
	if !ok {
		return nil
	}
	out := make([]tree, len(s))
	for i, c := range s {
		out[i] = valueTree{c}
	}
	return out
}

func (t valueTree) scalar() (string, bool) {
	switch t.v.(type) {
	case map[string]any, []any, nil:
		return "", false
	}
	return fmt.Sprint(t.v), true
}

// nodeTree is a YAML node, with the position it was reached at: the key of
// a mapping entry, or the item of a sequence.
type nodeTree struct {
	n         *yaml.Node
	line, col int
}

func newNodeTree(n *yaml.Node) nodeTree {
	n = resolveAlias(n)
	if n == nil {
		return nodeTree{}
	}
	return nodeTree{n: n, line: n.Line, col: n.Column}
}

func (t nodeTree) field(key string) (tree, bool) {
	if t.n == nil || t.n.Kind != yaml.MappingNode {
		return nil, false
	}
	for i := 0; i+1 < len(t.n.Content); i += 2 {
		k := t.n.Content[i]
		if k.Kind == yaml.ScalarNode && k.Value == key {
			v := resolveAlias(t.n.Content[i+1])
			return nodeTree{n: v, line: k.Line, col: k.Column}, true
		}
	}
	return nil, false
}

func (t nodeTree) keys() []string {
	if t.n == nil || t.n.Kind != yaml.MappingNode {
		return nil
	}
	out := make([]string, 0, len(t.n.Content)/2)
	for i := 0; i+1 < len(t.n.Content); i += 2 {
		out = append(out, t.n.Content[i].Value)
	}
	return out
}

func (t nodeTree) items() []tree {
	if t.n == nil || t.n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]tree, len(t.n.Content))
	for i, c := range t.n.Content {
		r := resolveAlias(c)
		out[i] = nodeTree{n: r, line: c.Line, col: c.Column}
	}
	return out
}

func (t nodeTree) scalar() (string, bool) {
	if t.n == nil || t.n.Kind != yaml.ScalarNode {
		return "", false
	}
	return t.n.Value, true
}

// mergeKeys are the keys strategic merge matches list items by, named by
// the list's field (Kubernetes' patchMergeKey); ports depend on the item.
var mergeKeys = map[string]string{
	"containers":                "name",
	"initContainers":            "name",
	"ephemeralContainers":       "name",
	"volumes":                   "name",
	"env":                       "name",
	"imagePullSecrets":          "name",
	"secrets":                   "name",
	"resourceClaims":            "name",
	"schedulingGates":           "name",
	"webhooks":                  "name",
	"volumeMounts":              "mountPath",
	"volumeDevices":             "devicePath",
	"hostAliases":               "ip",
	"topologySpreadConstraints": "topologyKey",
	"conditions":                "type",
	"ownerReferences":           "uid",
	"readinessGates":            "conditionType",
	"resizePolicy":              "resourceName",
}

// atomicLists are lists strategic merge replaces whole; their items are
// matched by position.
var atomicLists = map[string]bool{
	"subjects": true, "rules": true, "args": true, "command": true, "tolerations": true,
	"sources": true, "items": true, "envFrom": true, "matchExpressions": true, "values": true,
	"apiGroups": true, "resources": true, "verbs": true, "resourceNames": true, "nonResourceURLs": true,
}

// mergeKey returns the key that identifies item among the items of the list
// at field, or "" when items are matched by position.
func mergeKey(field string, item any) string {
	m, ok := item.(map[string]any)
	if !ok {
		return ""
	}
	if field == "ports" {
		for _, k := range []string{"containerPort", "port", "name"} {
			if _, ok := m[k]; ok {
				return k
			}
		}
		return ""
	}
	if k, ok := mergeKeys[field]; ok {
		if _, ok := m[k]; ok {
			return k
		}
		return ""
	}
	if atomicLists[field] {
		return ""
	}
	if _, ok := m["name"]; ok {
		return "name" // what kustomize merges lists of unknown schema by
	}
	return ""
}

// step is one element of a translated path, with the tree reached.
type step struct {
	elem any
	t    tree
}

// translate looks up built path p (indexes into the built object's lists)
// in src, matching list items by their merge key rather than by index. It
// returns the steps matched, which may be fewer than p.
func translate(p loader.Path, built any, src tree) []step {
	steps := make([]step, 0, len(p))
	cur := src
	lastKey := ""
	for _, e := range p {
		switch e := e.(type) {
		case string:
			m, ok := built.(map[string]any)
			if !ok {
				return steps
			}
			next, ok := cur.field(e)
			if !ok {
				return steps
			}
			built, cur, lastKey = m[e], next, e
			steps = append(steps, step{e, cur})
		case int:
			list, ok := built.([]any)
			if !ok || e < 0 || e >= len(list) {
				return steps
			}
			items := cur.items()
			if items == nil {
				return steps
			}
			item := list[e]
			j := matchItem(lastKey, item, e, items)
			if j < 0 {
				return steps
			}
			built, cur = item, items[j]
			steps = append(steps, step{j, cur})
		default:
			return steps
		}
	}
	return steps
}

// matchItem finds built item (at index i of the list at field) among items:
// by merge key, else the equal item at the same index, else an equal item
// elsewhere (items shift when others are inserted), else the same index.
func matchItem(field string, item any, i int, items []tree) int {
	if k := mergeKey(field, item); k != "" {
		want := fmt.Sprint(item.(map[string]any)[k])
		var cands []int
		for j, c := range items {
			if v, ok := c.field(k); ok {
				if s, ok := v.scalar(); ok && s == want {
					cands = append(cands, j)
				}
			}
		}
		switch len(cands) {
		case 0:
			return -1
		case 1:
			return cands[0]
		}
		// Several items share the key (a port for two protocols).
		for _, j := range cands {
			if treeEqual(items[j], item, false) {
				return j
			}
		}
		for _, j := range cands {
			if j == i {
				return j
			}
		}
		return cands[0]
	}
	if i < len(items) && treeEqual(items[i], item, false) {
		return i
	}
	for j, c := range items {
		if treeEqual(c, item, false) {
			return j
		}
	}
	if i < len(items) {
		return i
	}
	return -1
}

// treeEqual compares t with built value v as sameValue does for scalars;
// with subset, t's mappings may lack keys v has.
func treeEqual(t tree, v any, subset bool) bool {
	switch v := v.(type) {
	case map[string]any:
		keys := t.keys()
		if keys == nil || !subset && len(keys) != len(v) {
			return false
		}
		for _, k := range keys {
			c, ok := v[k]
			if !ok {
				return false
			}
			ct, _ := t.field(k)
			if !treeEqual(ct, c, subset) {
				return false
			}
		}
		return true
	case []any:
		items := t.items()
		if items == nil || len(items) != len(v) {
			return false
		}
		for i, c := range items {
			if !treeEqual(c, v[i], subset) {
				return false
			}
		}
		return true
	}
	s, ok := t.scalar()
	if !ok {
		return v == nil && t.keys() == nil && t.items() == nil
	}
	if vt, ok := t.(valueTree); ok {
		return sameValue(v, vt.v)
	}
	if vs, ok := v.(string); ok {
		return s == vs
	}
	return s == fmt.Sprint(v) || yaml11Spells(s, v)
}

// pathOf turns translated steps into a loader path.
func pathOf(steps []step) loader.Path {
	p := make(loader.Path, len(steps))
	for i, s := range steps {
		p[i] = s.elem
	}
	return p
}

// valueAt returns the value at path p of v.
func valueAt(v any, p loader.Path) (any, bool) {
	for _, e := range p {
		switch e := e.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[e]; !ok {
				return nil, false
			}
		case int:
			s, ok := v.([]any)
			if !ok || e < 0 || e >= len(s) {
				return nil, false
			}
			v = s[e]
		default:
			return nil, false
		}
	}
	return v, true
}

// sameValue reports whether a built value is the source's: composite nodes
// are the same node wherever both are present; scalars compare as kubectl
// reads them, and a scalar kustomize merely requoted (yes to "yes", 0777 to
// "0777") counts as the same.
func sameValue(built, src any) bool {
	switch built.(type) {
	case map[string]any, []any:
		return true
	}
	switch src.(type) {
	case map[string]any, []any:
		return true
	}
	bs, bStr := built.(string)
	ss, sStr := src.(string)
	switch {
	case bStr && sStr:
		return bs == ss
	case bStr:
		return yaml11Spells(bs, src)
	case sStr:
		return yaml11Spells(ss, built)
	}
	return fmt.Sprint(built) == fmt.Sprint(src)
}

// yaml11Spells reports whether s is a YAML 1.1 spelling of scalar v.
func yaml11Spells(s string, v any) bool {
	switch v := v.(type) {
	case bool:
		switch s {
		case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE":
			return v
		case "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE":
			return !v
		}
		return false
	case nil:
		return s == "~" || strings.EqualFold(s, "null")
	case int64:
		n, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 0, 64)
		if err == nil {
			return n == v
		}
		if len(s) > 1 && s[0] == '0' {
			n, err = strconv.ParseInt(s[1:], 8, 64)
			return err == nil && n == v
		}
		return false
	case float64:
		f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
		return err == nil && (f == v || math.IsNaN(f) && math.IsNaN(v))
	}
	return false
}
