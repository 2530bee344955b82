package kustomize

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/resid"

	"github.com/salint/salint/pkg/loader"
)

// patch is one patch of a kustomization, parsed for locating the nodes it
// sets.
type patch struct {
	owner *kustFile
	entry []any  // where the entry stands in the kustomization: "patches", 2
	file  string // real path of the patch file; "" when inline
	// text is the patch inline in the kustomization; at maps a position in
	// it to the kustomization file, ok false when that is not exact.
	inline bool
	at     func(line, col int) (int, int, bool)
	target *types.Selector
	sel    *types.SelectorRegex
	// A patch is either strategic-merge documents or JSON 6902 operations.
	docs []*yaml.Node
	ops  []jsonOp
}

// jsonOp is one JSON 6902 operation.
type jsonOp struct {
	op   string
	path []string
	node *yaml.Node // the operation's mapping
}

// parsePatch reads a patch text; json forces JSON 6902 (patchesJson6902).
func parsePatch(text []byte, json bool) (docs []*yaml.Node, ops []jsonOp, err error) {
	dec := yaml.NewDecoder(bytes.NewReader(text))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, nil, err
		}
		root := resolveAlias(&doc)
		if root == nil {
			continue
		}
		switch root.Kind {
		case yaml.SequenceNode:
			for _, item := range root.Content {
				item = resolveAlias(item)
				op := jsonOp{node: item}
				if v := mapValue(item, "op"); v != nil {
					op.op = v.Value
				}
				if v := mapValue(item, "path"); v != nil {
					op.path = splitPointer(v.Value)
				}
				ops = append(ops, op)
			}
		case yaml.MappingNode:
			if !json {
				docs = append(docs, root)
			}
		}
	}
	return docs, ops, nil
}

// mapValue returns the value node of key in mapping n, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return resolveAlias(n.Content[i+1])
		}
	}
	return nil
}

// mapKey returns the key node of key in mapping n, or nil.
func mapKey(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return nil
}

// splitPointer splits a JSON pointer into its unescaped tokens.
func splitPointer(p string) []string {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil
	}
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts
}

// identity is what patch targets and selectors are matched against: the
// names and namespaces an object had along its build.
type identity struct {
	gvk        resid.Gvk
	names      []string
	namespaces []string
	labels     []map[string]string
	annots     []map[string]string
}

func (id identity) hasName(n string) bool {
	for _, x := range id.names {
		if x == n {
			return true
		}
	}
	return false
}

// selects reports whether a target selector picks the object.
func (p *patch) selects(id identity) bool {
	if p.target == nil {
		return false
	}
	if p.sel == nil || !p.sel.MatchGvk(id.gvk) {
		return false
	}
	if !anyMatch(id.names, p.sel.MatchName) || !anyMatch(id.namespaces, p.sel.MatchNamespace) {
		return false
	}
	if !matchesSelector(p.target.LabelSelector, id.labels) || !matchesSelector(p.target.AnnotationSelector, id.annots) {
		return false
	}
	return true
}

func anyMatch(values []string, match func(string) bool) bool {
	for _, v := range values {
		if match(v) {
			return true
		}
	}
	return false
}

func matchesSelector(sel string, sets []map[string]string) bool {
	if sel == "" {
		return true
	}
	s, err := labels.Parse(sel)
	if err != nil {
		return false
	}
	for _, m := range sets {
		if s.Matches(labels.Set(m)) {
			return true
		}
	}
	return false
}

// docsFor returns the strategic-merge documents of p that patch the object:
// all of them under a target, else those naming its kind and a name it had.
func (p *patch) docsFor(id identity) []*yaml.Node {
	if p.target != nil {
		if p.selects(id) {
			return p.docs
		}
		return nil
	}
	var out []*yaml.Node
	for _, d := range p.docs {
		kind := mapValue(d, "kind")
		md := mapValue(d, "metadata")
		name := mapValue(md, "name")
		if kind == nil || name == nil || kind.Value != id.gvk.Kind || !id.hasName(name.Value) {
			continue
		}
		if av := mapValue(d, "apiVersion"); av != nil {
			if g, _ := resid.ParseGroupVersion(av.Value); g != id.gvk.Group {
				continue
			}
		}
		out = append(out, d)
	}
	return out
}

// locateSMP finds built path bp in the strategic-merge documents docs.
func (p *patch) locateSMP(docs []*yaml.Node, bp loader.Path, built any) (line, col int, found bool) {
	for i := len(docs) - 1; i >= 0; i-- {
		steps := translate(bp, built, newNodeTree(docs[i]))
		if len(steps) == len(bp) && len(bp) > 0 {
			t := steps[len(steps)-1].t.(nodeTree)
			if isPatchDirective(t.n) {
				continue
			}
			return t.line, t.col, true
		}
	}
	return 0, 0, false
}

// isPatchDirective reports whether a patch node only directs the merge
// ($patch: delete) rather than setting a value.
func isPatchDirective(n *yaml.Node) bool {
	v := mapValue(n, "$patch")
	return v != nil && v.Value == "delete"
}

// locateJSON finds built path bp among the JSON 6902 operations: the last
// operation that adds or replaces the node or an ancestor holding it. An
// operation's list indexes count items as they were when it ran, so an
// index that differs from the built one still matches when the operation's
// value is what the built object holds there; exact is then false for a
// scalar, whose equality proves less.
func (p *patch) locateJSON(bp loader.Path, built any) (line, col int, exact, found bool) {
	for i := len(p.ops) - 1; i >= 0; i-- {
		op := p.ops[i]
		n := len(op.path)
		if n > len(bp) {
			continue
		}
		same, shifted := pointerMatches(op.path, bp[:n])
		if !same && !shifted {
			continue
		}
		switch op.op {
		case "add", "replace":
			value := mapValue(op.node, "value")
			key := mapKey(op.node, "value")
			if value == nil || key == nil {
				continue
			}
			target, ok := valueAt(built, bp[:n])
			if !ok {
				continue
			}
			_, scalar := newNodeTree(value).scalar()
			if shifted && !treeEqual(newNodeTree(value), target, true) {
				continue
			}
			if n == len(bp) {
				return key.Line, key.Column, same || !scalar, true
			}
			steps := translate(bp[n:], target, newNodeTree(value))
			if len(steps) == len(bp)-n {
				t := steps[len(steps)-1].t.(nodeTree)
				return t.line, t.col, true, true
			}
		case "copy", "move":
			if k := mapKey(op.node, "path"); k != nil && same {
				return k.Line, k.Column, n == len(bp), true
			}
		}
	}
	return 0, 0, false, false
}

// pointerMatches compares JSON pointer tokens with a built path: same when
// every token matches, shifted when only list indexes differ.
func pointerMatches(tokens []string, p loader.Path) (same, shifted bool) {
	same = true
	for i, t := range tokens {
		switch e := p[i].(type) {
		case string:
			if t != e {
				return false, false
			}
		case int:
			if t == strconv.Itoa(e) {
				continue
			}
			if _, err := strconv.Atoi(t); err != nil && t != "-" {
				return false, false
			}
			same = false
		default:
			return false, false
		}
	}
	return same, !same
}
