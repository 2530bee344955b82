// Package config owns the .salint.yaml file: finding it, reading it strictly
// (every unknown key, wrong type or unknown rule is an error naming its line)
// and answering whether a finding is exempted by it. It knows nothing of
// flags: the command line decides what overrides what.
package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/salint/salint/pkg/finding"
)

// FileNames are the names Discover looks for, in order of preference.
var FileNames = []string{".salint.yaml", ".salint.yml"}

// MaxFileSize is the largest configuration file Load reads.
const MaxFileSize = 1 << 20

// Config is one configuration file as written: Exclude and Policies are kept
// as written, and resolving them is the caller's job (relative policy
// directories are relative to Dir).
type Config struct {
	// File is the name the configuration was read from.
	File string
	// FailOn is the lowest severity that fails the run; nil when unset.
	FailOn *finding.Severity
	// FailOnNone is set by "fail-on: none": findings never fail the run.
	FailOnNone bool
	// Exclude lists glob patterns of input paths to skip, as --exclude does.
	Exclude []string
	// Policies lists directories of custom Rego rules; relative ones are
	// relative to Dir.
	Policies []string
	// Rules is keyed by canonical rule ID.
	Rules map[string]RuleConfig
	// KnownServiceAccounts are "namespace/name" accounts defined outside the input.
	KnownServiceAccounts []string
	// KnownRoles are "ClusterRole/name" or "Role/namespace/name" roles
	// defined outside the input.
	KnownRoles []string
	Exemptions []Exemption
	// Charts holds the settings of Helm charts, keyed by the chart's path
	// as written (relative to Dir); Chart resolves a chart's settings.
	Charts map[string]ChartConfig
}

// ChartConfig is how one Helm chart is rendered beyond its own values.
type ChartConfig struct {
	// Values are values files applied after the chart's values.yaml, in
	// order; relative to Dir, and inside it.
	Values []string
	// Set are key=value settings (Helm's --set syntax) applied after them.
	Set []string
	// ReleaseName and KubeVersion override the command line's; "" keeps it.
	ReleaseName string
	KubeVersion string
	Line        int // of the chart's key in the file
}

// Chart returns the settings of the chart at root (a path as the walk
// names it), with its values files resolved against Dir, or false when
// the file has none for it.
func (c *Config) Chart(root string) (ChartConfig, bool) {
	if c == nil || len(c.Charts) == 0 {
		return ChartConfig{}, false
	}
	want, err := filepath.Abs(root)
	if err != nil {
		return ChartConfig{}, false
	}
	keys := make([]string, 0, len(c.Charts))
	for k := range c.Charts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		abs, err := filepath.Abs(filepath.Join(c.Dir(), k))
		if err != nil || abs != want {
			continue
		}
		cc := c.Charts[k]
		cc.Values = slices.Clone(cc.Values)
		for i, v := range cc.Values {
			cc.Values[i] = filepath.Join(c.Dir(), v)
		}
		return cc, true
	}
	return ChartConfig{}, false
}

// RuleConfig changes one rule; nil fields are left at the rule's defaults.
type RuleConfig struct {
	Enabled  *bool
	Severity *finding.Severity
	// Params are decoded from YAML: strings, bools, ints, float64s, nil,
	// []any and map[string]any.
	Params map[string]any
}

// Exemption silences one rule on the objects it names; empty Kind,
// Namespace or Name match any.
type Exemption struct {
	Rule      string // canonical rule ID
	Kind      string
	Namespace string
	Name      string
	Reason    string
	Line      int // of the exemption in the file
}

// Error is one problem in a configuration file.
type Error struct {
	File         string
	Line, Column int
	Message      string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
}

// Dir is the directory relative paths in the file are resolved against: the
// directory holding the file.
func (c *Config) Dir() string {
	if c.File == "" {
		return "."
	}
	return filepath.Dir(c.File)
}

// Exempt reports whether an exemption covers the finding of ruleID on the
// object, and the first matching exemption's reason.
func (c *Config) Exempt(ruleID, kind, namespace, name string) (reason string, ok bool) {
	if c == nil {
		return "", false
	}
	for _, e := range c.Exemptions {
		if e.Rule == ruleID &&
			(e.Kind == "" || e.Kind == kind) &&
			(e.Namespace == "" || e.Namespace == namespace) &&
			(e.Name == "" || e.Name == name) {
			return e.Reason, true
		}
	}
	return "", false
}

// Discover looks for a configuration file in start and, when start is
// inside a git repository, in each parent directory up to the repository's
// root (the nearest directory holding a .git file or directory). Outside a
// repository only start is searched: a parent of it (a shared temporary
// directory) may hold a file someone else put there. In each directory
// .salint.yaml is looked for, then .salint.yml; both at once is an error.
// It returns the absolute path of the nearest file, or "" when there is
// none.
func Discover(start string) (string, error) {
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", fmt.Errorf("finding configuration: %w", err)
	}
	top, err := repositoryRoot(dir)
	if err != nil {
		return "", err
	}
	if top == "" {
		top = dir
	}
	for {
		var found []string
		for _, n := range FileNames {
			p := filepath.Join(dir, n)
			fi, err := os.Stat(p)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				continue
			case err != nil:
				return "", fmt.Errorf("finding configuration: %w", err)
			case !fi.Mode().IsRegular():
				return "", fmt.Errorf("finding configuration: %s is not a regular file", p)
			}
			found = append(found, p)
		}
		switch len(found) {
		case 1:
			return found[0], nil
		case 2:
			return "", fmt.Errorf("finding configuration: both %s and %s exist; keep one", found[0], found[1])
		}
		parent := filepath.Dir(dir)
		if dir == top || parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// repositoryRoot returns the nearest directory from dir up that holds a
// .git file (a worktree or a submodule) or directory, or "" outside a
// repository.
func repositoryRoot(dir string) (string, error) {
	for {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("finding configuration: %w", err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// Load reads and parses the configuration file at path; see Parse.
func Load(path string, knownRule func(idOrName string) (id string, ok bool)) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("loading configuration: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("loading configuration: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("loading configuration: %s is larger than the %d byte limit", path, MaxFileSize)
	}
	return Parse(path, data, knownRule)
}

// Parse reads a configuration file whose content is in memory; name is used
// in errors and as Config.File. Rule keys and exemption rules may be IDs or
// names: knownRule resolves them to the canonical ID (nil accepts any key
// unchanged). Every problem is reported, joined, each as an *Error.
func Parse(name string, data []byte, knownRule func(idOrName string) (id string, ok bool)) (*Config, error) {
	p := &parser{file: name, knownRule: knownRule}
	c := &Config{File: name}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	err := dec.Decode(&doc)
	switch {
	case err == io.EOF:
		return c, nil
	case err != nil:
		return nil, p.syntaxError(data, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		p.errorf(&extra, "a configuration file holds one YAML document")
	} else if err != io.EOF {
		return nil, p.syntaxError(data, err)
	}
	if len(doc.Content) > 0 {
		p.top(c, doc.Content[0])
	}
	if len(p.errs) > 0 {
		slices.SortStableFunc(p.errs, func(a, b *Error) int {
			return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
		})
		errs := make([]error, len(p.errs))
		for i, e := range p.errs {
			errs[i] = e
		}
		return nil, errors.Join(errs...)
	}
	return c, nil
}

var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func (p *parser) syntaxError(data []byte, err error) error {
	line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlErrLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		// The parser's (not the scanner's) errors name the line before.
		if strings.HasPrefix(msg, "did not find expected") || strings.HasPrefix(msg, "found ") {
			line++
		}
		line = max(1, min(line, bytes.Count(bytes.TrimRight(data, "\r\n"), []byte("\n"))+1))
	}
	return &Error{File: p.file, Line: line, Column: 1, Message: "YAML syntax error: " + msg}
}

type parser struct {
	file      string
	knownRule func(string) (string, bool)
	errs      []*Error
	// values counts the nodes value has expanded, so that nested aliases
	// cannot make a small file expand without bound; depth is how deep it
	// is, tooDeep whether that was reported.
	values  int
	depth   int
	tooDeep bool
}

// maxParamDepth bounds how deep rule parameters nest.
const maxParamDepth = 64

const maxValues = 100_000

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: n.Line, Column: n.Column, Message: fmt.Sprintf(format, args...)})
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!str":
		return "a string"
	case "!!int":
		return "an integer"
	case "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	case "!!null":
		return "null"
	}
	return n.ShortTag()
}

// fields walks a mapping, reporting keys outside allowed and duplicate keys,
// and calls set for each allowed key with its value.
func (p *parser) fields(where string, n *yaml.Node, allowed []string, set func(key string, k, v *yaml.Node)) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s: want a mapping, got %s", where, describe(n))
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			p.errorf(k, "%s: merge keys (<<) are not supported", where)
			continue
		}
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
			p.errorf(k, "%s: want a string key, got %s", where, describe(k))
			continue
		}
		if line, dup := seen[k.Value]; dup {
			p.errorf(k, "%s: duplicate key %q (first at line %d)", where, k.Value, line)
			continue
		}
		seen[k.Value] = k.Line
		if allowed != nil && !slices.Contains(allowed, k.Value) {
			p.errorf(k, "%s: unknown key %q (allowed: %s)", where, k.Value, strings.Join(allowed, ", "))
			continue
		}
		set(k.Value, k, v)
	}
}

func (p *parser) str(where string, n *yaml.Node) (string, bool) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		p.errorf(n, "%s: want a string, got %s (quote it)", where, describe(n))
		return "", false
	}
	return n.Value, true
}

func (p *parser) strs(where string, n *yaml.Node, check func(item *yaml.Node, s string) bool) []string {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s: want a list of strings, got %s", where, describe(n))
		return nil
	}
	out := []string{}
	for i, item := range n.Content {
		s, ok := p.str(fmt.Sprintf("%s[%d]", where, i), item)
		if ok && (check == nil || check(deref(item), s)) {
			out = append(out, s)
		}
	}
	return out
}

func (p *parser) severity(where string, n *yaml.Node, allowNone bool) (*finding.Severity, bool) {
	s, ok := p.str(where, n)
	if !ok {
		return nil, false
	}
	if allowNone && s == "none" {
		return nil, true
	}
	sev, err := finding.ParseSeverity(s)
	if err != nil {
		if allowNone {
			p.errorf(deref(n), "%s: unknown severity %q (want one of info, low, medium, high, critical, none)", where, s)
		} else {
			p.errorf(deref(n), "%s: %v", where, err)
		}
		return nil, false
	}
	return &sev, true
}

func (p *parser) ruleID(where string, n *yaml.Node, s string) (string, bool) {
	if p.knownRule == nil {
		return s, true
	}
	id, ok := p.knownRule(s)
	if !ok {
		p.errorf(n, "%s: unknown rule %q", where, s)
	}
	return id, ok
}

var (
	accountPattern = regexp.MustCompile(`^[^/\s]+/[^/\s]+$`)
	rolePattern    = regexp.MustCompile(`^(ClusterRole/[^/\s]+|Role/[^/\s]+/[^/\s]+)$`)
)

func (p *parser) top(c *Config, n *yaml.Node) {
	if n = deref(n); n.ShortTag() == "!!null" {
		return
	}
	allowed := []string{"fail-on", "exclude", "policies", "rules", "known", "exemptions", "charts"}
	p.fields("configuration", n, allowed, func(key string, k, v *yaml.Node) {
		switch key {
		case "fail-on":
			if sev, ok := p.severity(key, v, true); ok {
				c.FailOn, c.FailOnNone = sev, sev == nil
			}
		case "exclude":
			c.Exclude = p.strs(key, v, nil)
		case "policies":
			// The file comes with the repository: its policies must too.
			c.Policies = p.strs(key, v, func(item *yaml.Node, s string) bool {
				if s == "" || filepath.IsAbs(s) || !filepath.IsLocal(filepath.FromSlash(filepath.Clean(s))) {
					p.errorf(item, "policies: %q is not a relative path inside the configuration's directory (name other policies with --policy)", s)
					return false
				}
				return true
			})
		case "rules":
			p.rules(c, v)
		case "known":
			p.known(c, v)
		case "exemptions":
			p.exemptions(c, v)
		case "charts":
			p.charts(c, v)
		}
	})
}

// charts reads the per-chart settings. Paths stay inside the directory of
// the configuration file: the file comes with the repository, and a pull
// request must not make salint read files elsewhere on the machine.
func (p *parser) charts(c *Config, n *yaml.Node) {
	c.Charts = map[string]ChartConfig{}
	inside := func(where string, item *yaml.Node, s string) bool {
		if s == "" || filepath.IsAbs(s) || !filepath.IsLocal(filepath.FromSlash(s)) {
			p.errorf(item, "%s: %q is not a relative path inside the configuration's directory", where, s)
			return false
		}
		return true
	}
	p.fields("charts", n, nil, func(chart string, k, v *yaml.Node) {
		where := "charts." + chart
		if !inside("charts", k, chart) {
			return
		}
		cc := ChartConfig{Line: k.Line}
		p.fields(where, v, []string{"values", "set", "releaseName", "kubeVersion"}, func(key string, _, fv *yaml.Node) {
			switch key {
			case "values":
				cc.Values = p.strs(where+".values", fv, func(item *yaml.Node, s string) bool {
					return inside(where+".values", item, s)
				})
			case "set":
				cc.Set = p.strs(where+".set", fv, func(item *yaml.Node, s string) bool {
					if !strings.Contains(s, "=") {
						p.errorf(item, "%s.set: %q is not key=value", where, s)
						return false
					}
					return true
				})
			case "releaseName":
				cc.ReleaseName, _ = p.str(where+".releaseName", fv)
			case "kubeVersion":
				cc.KubeVersion, _ = p.str(where+".kubeVersion", fv)
			}
		})
		c.Charts[chart] = cc
	})
}

func (p *parser) rules(c *Config, n *yaml.Node) {
	c.Rules = map[string]RuleConfig{}
	keyLine := map[string]int{}
	p.fields("rules", n, nil, func(key string, k, v *yaml.Node) {
		id, ok := p.ruleID("rules", k, key)
		if !ok {
			return
		}
		if line, dup := keyLine[id]; dup {
			p.errorf(k, "rules: %q configures rule %s again (first at line %d)", key, id, line)
			return
		}
		keyLine[id] = k.Line
		where := "rules." + key
		var rc RuleConfig
		p.fields(where, v, []string{"enabled", "severity", "params"}, func(field string, fk, fv *yaml.Node) {
			switch field {
			case "enabled":
				if fv.Kind != yaml.ScalarNode || fv.ShortTag() != "!!bool" {
					p.errorf(fv, "%s.enabled: want true or false, got %s", where, describe(fv))
					return
				}
				b := strings.EqualFold(fv.Value, "true")
				rc.Enabled = &b
			case "severity":
				rc.Severity, _ = p.severity(where+".severity", fv, false)
			case "params":
				if fv.Kind != yaml.MappingNode {
					p.errorf(fv, "%s.params: want a mapping, got %s", where, describe(fv))
					return
				}
				if m, ok := p.value(where+".params", fv).(map[string]any); ok {
					rc.Params = m
				}
			}
		})
		c.Rules[id] = rc
	})
}

// value converts a YAML node to plain data with string-keyed maps, so that
// parameters marshal to JSON as they do for Rego.
func (p *parser) value(where string, n *yaml.Node) any {
	n = deref(n)
	if p.values++; p.values == maxValues {
		p.errorf(n, "%s: parameters expand to more than %d values", where, maxValues)
	}
	if p.values >= maxValues {
		return nil
	}
	// An alias may hold itself (a: &x [*x]): without a bound on depth the
	// walk, and the path it names, would grow until memory runs out.
	if p.depth++; p.depth > maxParamDepth {
		p.depth--
		if !p.tooDeep {
			p.tooDeep = true
			p.errorf(n, "%s: parameters nest deeper than %d levels", where, maxParamDepth)
		}
		return nil
	}
	defer func() { p.depth-- }()
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		p.fields(where, n, nil, func(key string, _, v *yaml.Node) {
			m[key] = p.value(where+"."+key, v)
		})
		return m
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, item := range n.Content {
			s[i] = p.value(fmt.Sprintf("%s[%d]", where, i), item)
		}
		return s
	}
	var v any
	if err := n.Decode(&v); err != nil {
		p.errorf(n, "%s: %v", where, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return v
}

func (p *parser) known(c *Config, n *yaml.Node) {
	p.fields("known", n, []string{"serviceAccounts", "roles"}, func(key string, k, v *yaml.Node) {
		where := "known." + key
		switch key {
		case "serviceAccounts":
			c.KnownServiceAccounts = p.strs(where, v, func(item *yaml.Node, s string) bool {
				if !accountPattern.MatchString(s) {
					p.errorf(item, "%s: %q is not namespace/name", where, s)
					return false
				}
				return true
			})
		case "roles":
			c.KnownRoles = p.strs(where, v, func(item *yaml.Node, s string) bool {
				if !rolePattern.MatchString(s) {
					p.errorf(item, "%s: %q is not ClusterRole/name or Role/namespace/name", where, s)
					return false
				}
				return true
			})
		}
	})
}

func (p *parser) exemptions(c *Config, n *yaml.Node) {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "exemptions: want a list, got %s", describe(n))
		return
	}
	for i, item := range n.Content {
		item = deref(item)
		where := fmt.Sprintf("exemptions[%d]", i)
		e := Exemption{Line: item.Line}
		valid, hasRule, hasReason := true, false, false
		p.fields(where, item, []string{"rule", "kind", "namespace", "name", "reason"}, func(key string, k, v *yaml.Node) {
			hasRule = hasRule || key == "rule"
			hasReason = hasReason || key == "reason"
			s, ok := p.str(where+"."+key, v)
			if !ok {
				valid = false
				return
			}
			switch key {
			case "rule":
				e.Rule, ok = p.ruleID(where+".rule", deref(v), s)
				valid = valid && ok
			case "kind":
				e.Kind = s
			case "namespace":
				e.Namespace = s
			case "name":
				e.Name = s
			case "reason":
				if e.Reason = strings.TrimSpace(s); e.Reason == "" {
					p.errorf(deref(v), "%s.reason: empty reason: say why the finding is accepted", where)
					valid = false
				}
			}
		})
		if item.Kind != yaml.MappingNode {
			continue
		}
		if !hasRule {
			p.errorf(item, "%s: missing rule", where)
			valid = false
		}
		if !hasReason {
			p.errorf(item, "%s: missing reason: say why the finding is accepted", where)
			valid = false
		}
		if valid {
			c.Exemptions = append(c.Exemptions, e)
		}
	}
}
