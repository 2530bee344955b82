package helm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml "go.yaml.in/yaml/v3"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/strvals"

	"github.com/salint/salint/pkg/finding"
	sloader "github.com/salint/salint/pkg/loader"
)

// valuesFile is a values file a render reads.
type valuesFile struct {
	path string // as Render returns paths
	data []byte
}

// userValues merges what the user gives on top of the chart's values, as
// helm template does: the scenario's ci file, the values files in order,
// then each --set.
func userValues(scenario *valuesFile, files []valuesFile, set []string) (map[string]any, error) {
	base := map[string]any{}
	all := files
	if scenario != nil {
		all = append([]valuesFile{*scenario}, files...)
	}
	for _, f := range all {
		m, err := loader.LoadValues(bytes.NewReader(f.data))
		if err != nil {
			return nil, fmt.Errorf("reading values file %s: %w", f.path, err)
		}
		base = loader.MergeMaps(base, m)
	}
	for _, s := range set {
		if err := strvals.ParseInto(s, base); err != nil {
			return nil, fmt.Errorf("parsing --set %s: %w", s, err)
		}
	}
	return base, nil
}

// refusingLoader is the schema compiler's only way to fetch a document:
// it fetches none, so that a chart's schema cannot reach the network or
// read a file outside the chart. It records the address and stands an
// empty schema in, so that compiling goes on and finds every reference.
type refusingLoader struct{ refused *[]string }

func (l refusingLoader) Load(url string) (any, error) {
	*l.refused = append(*l.refused, url)
	return true, nil
}

// schemaCheck is a chart's compiled values.schema.json, or why it is not
// checked.
type schemaCheck struct {
	schema  *jsonschema.Schema
	refused []string // documents it refers to, which salint does not fetch
	err     error
}

// compileSchema compiles a schema with a loader that fetches nothing.
func compileSchema(data []byte) (sc schemaCheck) {
	defer func() {
		if r := recover(); r != nil {
			sc.err = fmt.Errorf("reading the schema: %v", r)
		}
	}()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return schemaCheck{err: fmt.Errorf("reading the schema: %w", err)}
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(refusingLoader{&sc.refused})
	const url = "file:///values.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		return schemaCheck{err: err}
	}
	sc.schema, sc.err = c.Compile(url)
	sort.Strings(sc.refused)
	sc.refused = slices.Compact(sc.refused)
	return sc
}

// validateSchemas checks values against the values.schema.json of the
// chart and of each enabled subchart, as Helm does, without fetching
// anything: a schema that refers to another document is not checked, and a
// note says so. Violations are errors located at the schema. Compiled
// schemas are kept in checks, by chart directory.
func validateSchemas(c *chart.Chart, values map[string]any, dirOf func(*chart.Chart) *chartDir, checks map[*chartDir]schemaCheck) (notes []string, errs []finding.InputError) {
	if c.Schema != nil {
		d := dirOf(c)
		sc, ok := checks[d]
		if !ok {
			sc = compileSchema(c.Schema)
			checks[d] = sc
		}
		file := filepath.Join(d.path, "values.schema.json")
		err := sc.err
		if err == nil && len(sc.refused) == 0 {
			err = validateValues(sc.schema, values)
		}
		switch {
		case len(sc.refused) > 0:
			notes = append(notes, fmt.Sprintf("%s: not checked: it refers to %s, which salint does not fetch",
				file, strings.Join(sc.refused, ", ")))
		case err != nil:
			errs = append(errs, finding.InputError{
				Location: finding.Location{File: file},
				Message:  fmt.Sprintf("values do not match the schema of chart %s: %v", c.Name(), err),
			})
		}
	}
	for _, sub := range c.Dependencies() {
		raw, ok := values[sub.Name()]
		if !ok || raw == nil {
			continue
		}
		subValues, ok := raw.(map[string]any)
		if !ok {
			continue // Helm reports this too; coalescing already warned
		}
		n, e := validateSchemas(sub, subValues, dirOf, checks)
		notes, errs = append(notes, n...), append(errs, e...)
	}
	return notes, errs
}

func validateValues(s *jsonschema.Schema, values map[string]any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("checking the values: %v", r)
		}
	}()
	// The validator wants JSON types: a round trip through JSON gives them.
	v, err := jsonValue(values)
	if err != nil {
		return err
	}
	if err := s.Validate(v); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return errors.New(strings.TrimSpace(ve.Error()))
		}
		return err
	}
	return nil
}

// keyLocator finds where a key path is set in values files.
type keyLocator struct {
	docs map[string][]*yaml.Node // parsed documents, by path
}

func newKeyLocator() keyLocator { return keyLocator{docs: map[string][]*yaml.Node{}} }

// locate returns where path is set in f, if it is.
func (k *keyLocator) locate(f valuesFile, path []any) (finding.Location, bool) {
	docs, ok := k.docs[f.path]
	if !ok {
		docs = parseYAMLDocs(f.data)
		k.docs[f.path] = docs
	}
	// Later documents of one file override earlier ones.
	for i := len(docs) - 1; i >= 0; i-- {
		if line, col, ok := findKey(docs[i], path); ok {
			return finding.Location{File: f.path, Line: line, Column: col}, true
		}
	}
	return finding.Location{}, false
}

func parseYAMLDocs(data []byte) []*yaml.Node {
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for range 100 {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			break
		}
		docs = append(docs, &n)
	}
	return docs
}

// findKey returns the position of the key (or sequence item) at path.
func findKey(n *yaml.Node, path []any) (line, col int, ok bool) {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	for _, elem := range path {
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		switch e := elem.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return 0, 0, false
			}
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == e {
					line, col, next = n.Content[i].Line, n.Content[i].Column, n.Content[i+1]
				}
			}
			if next == nil {
				return 0, 0, false
			}
			n = next
		case int:
			if n.Kind != yaml.SequenceNode || e < 0 || e >= len(n.Content) {
				return 0, 0, false
			}
			n = n.Content[e]
			line, col = n.Line, n.Column
		default:
			return 0, 0, false
		}
	}
	return line, col, len(path) > 0
}

// pathString prints a values path as salint prints field paths.
func pathString(p []any) string { return sloader.Path(p).String() }

// setByFlag reports whether --set gives the value at path.
func setByFlag(set map[string]any, path []any) bool {
	var cur any = set
	for _, e := range path {
		switch e := e.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				return false
			}
			if cur, ok = m[e]; !ok {
				return false
			}
		case int:
			l, ok := cur.([]any)
			if !ok || e >= len(l) {
				return false
			}
			cur = l[e]
		}
	}
	return true
}

// jsonValue converts values to the JSON types the schema validator reads.
func jsonValue(values map[string]any) (any, error) {
	data, err := json.Marshal(values)
	if err != nil {
		return nil, fmt.Errorf("converting values to JSON: %w", err)
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(data))
}
