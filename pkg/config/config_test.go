package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml "go.yaml.in/yaml/v3"

	"github.com/salint/salint/pkg/finding"
)

// knownRule stands in for the rule catalogue: IDs and one name resolve.
func knownRule(s string) (string, bool) {
	switch s {
	case "SA001", "SA010", "SA031", "SA041":
		return s, true
	case "default-service-account":
		return "SA001", true
	}
	return "", false
}

const sample = `fail-on: medium
exclude: ["charts/*/tests/**"]
policies: ["policy/"]
rules:
  default-service-account: {enabled: false}
  SA031: {severity: high, params: {maxExpirationSeconds: 7200, audiences: [vault]}}
known:
  serviceAccounts: ["monitoring/prometheus-k8s"]   # namespace/name
  roles: ["ClusterRole/vendor-admin", "Role/apps/reader"]
exemptions:
  - rule: SA041
    kind: ClusterRole
    name: argocd-application-controller
    reason: Argo CD manages every resource by design
charts:
  deploy/web:
    values: [deploy/values-prod.yaml]
    set: ["serviceAccount.automount=false"]
    releaseName: web
    kubeVersion: "1.31.0"
`

func ptr[T any](v T) *T { return &v }

func TestParseSample(t *testing.T) {
	c, err := Parse("dir/.salint.yaml", []byte(sample), knownRule)
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		File:     "dir/.salint.yaml",
		FailOn:   ptr(finding.Medium),
		Exclude:  []string{"charts/*/tests/**"},
		Policies: []string{"policy/"},
		Rules: map[string]RuleConfig{
			"SA001": {Enabled: ptr(false)},
			"SA031": {Severity: ptr(finding.High), Params: map[string]any{"maxExpirationSeconds": 7200, "audiences": []any{"vault"}}},
		},
		KnownServiceAccounts: []string{"monitoring/prometheus-k8s"},
		KnownRoles:           []string{"ClusterRole/vendor-admin", "Role/apps/reader"},
		Exemptions: []Exemption{{
			Rule: "SA041", Kind: "ClusterRole", Name: "argocd-application-controller",
			Reason: "Argo CD manages every resource by design", Line: 11,
		}},
		Charts: map[string]ChartConfig{"deploy/web": {
			Values: []string{"deploy/values-prod.yaml"}, Set: []string{"serviceAccount.automount=false"},
			ReleaseName: "web", KubeVersion: "1.31.0", Line: 16,
		}},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %#v\nwant %#v", c, want)
	}
	if c.Dir() != "dir" {
		t.Errorf("Dir() = %q", c.Dir())
	}
	// A chart's settings are found by its path as the walk names it, and
	// its values files are relative to the configuration's directory.
	cc, ok := c.Chart(filepath.Join("dir", "deploy", "web"))
	if !ok || !reflect.DeepEqual(cc.Values, []string{filepath.Join("dir", "deploy", "values-prod.yaml")}) || cc.ReleaseName != "web" {
		t.Errorf("Chart(dir/deploy/web) = %+v, %v", cc, ok)
	}
	if _, ok := c.Chart(filepath.Join("deploy", "web")); ok {
		t.Error("Chart(deploy/web) found settings for dir/deploy/web")
	}
}

func TestParseKeys(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		check func(*Config) bool
	}{
		{"empty file", "", func(c *Config) bool { return reflect.DeepEqual(c, &Config{File: "f"}) }},
		{"comments only", "# nothing\n", func(c *Config) bool { return c.FailOn == nil && c.Rules == nil }},
		{"null document", "---\n", func(c *Config) bool { return c.FailOn == nil }},
		{"fail-on none", "fail-on: none\n", func(c *Config) bool { return c.FailOnNone && c.FailOn == nil }},
		{"fail-on critical", "fail-on: critical\n", func(c *Config) bool { return !c.FailOnNone && *c.FailOn == finding.Critical }},
		{"exclude", "exclude: [a/**, 'b']\n", func(c *Config) bool { return reflect.DeepEqual(c.Exclude, []string{"a/**", "b"}) }},
		{"empty exclude", "exclude: []\n", func(c *Config) bool { return c.Exclude != nil && len(c.Exclude) == 0 }},
		{"policies", "policies:\n  - policy/\n  - ci/rules\n", func(c *Config) bool { return reflect.DeepEqual(c.Policies, []string{"policy/", "ci/rules"}) }},
		{"enabled true", "rules: {SA010: {enabled: true}}\n", func(c *Config) bool { return *c.Rules["SA010"].Enabled }},
		{"rule by name", "rules: {default-service-account: {severity: low}}\n", func(c *Config) bool {
			return *c.Rules["SA001"].Severity == finding.Low && c.Rules["SA001"].Enabled == nil
		}},
		{"empty rule", "rules: {SA010: {}}\n", func(c *Config) bool { return reflect.DeepEqual(c.Rules["SA010"], RuleConfig{}) }},
		{"params", "rules:\n  SA031:\n    params:\n      max: 7200\n      ratio: 0.5\n      on: yes\n      nested: {a: [1, x]}\n", func(c *Config) bool {
			return reflect.DeepEqual(c.Rules["SA031"].Params, map[string]any{
				"max": 7200, "ratio": 0.5, "on": "yes", "nested": map[string]any{"a": []any{1, "x"}},
			})
		}},
		{"known", "known:\n  serviceAccounts: [a/b]\n  roles: [ClusterRole/x, Role/ns/y]\n", func(c *Config) bool {
			return reflect.DeepEqual(c.KnownServiceAccounts, []string{"a/b"}) && reflect.DeepEqual(c.KnownRoles, []string{"ClusterRole/x", "Role/ns/y"})
		}},
		{"exemption by rule name", "exemptions:\n- rule: default-service-account\n  namespace: ns\n  reason: ok\n", func(c *Config) bool {
			return reflect.DeepEqual(c.Exemptions, []Exemption{{Rule: "SA001", Namespace: "ns", Reason: "ok", Line: 2}})
		}},
		{"anchors", "exclude: &x [a]\npolicies: *x\n", func(c *Config) bool { return reflect.DeepEqual(c.Policies, []string{"a"}) }},
		{"byte order mark", "\xef\xbb\xbffail-on: low\n", func(c *Config) bool { return *c.FailOn == finding.Low }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("f", []byte(tt.in), knownRule)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("unexpected config %#v", c)
			}
		})
	}
}

func TestParseNilKnownRule(t *testing.T) {
	c, err := Parse("f", []byte("rules: {ANY-1: {enabled: false}}\nexemptions: [{rule: whatever, reason: r}]\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Rules["ANY-1"]; !ok || c.Exemptions[0].Rule != "whatever" {
		t.Errorf("keys not kept as written: %#v", c)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // each a substring of one error line, in order
	}{
		{"unknown top-level key", "fail-on: low\nfailOn: low\n",
			[]string{`c.yaml:2:1: configuration: unknown key "failOn" (allowed: fail-on, exclude, policies, rules, known, exemptions, charts)`}},
		{"unknown rule key", "rules:\n  SA001:\n    enable: false\n",
			[]string{`c.yaml:3:5: rules.SA001: unknown key "enable" (allowed: enabled, severity, params)`}},
		{"unknown known key", "known:\n  accounts: []\n",
			[]string{`c.yaml:2:3: known: unknown key "accounts" (allowed: serviceAccounts, roles)`}},
		{"unknown exemption key", "exemptions:\n- rule: SA001\n  reason: r\n  names: x\n",
			[]string{`c.yaml:4:3: exemptions[0]: unknown key "names" (allowed: rule, kind, namespace, name, reason)`}},
		{"unknown rule", "rules:\n  SA999: {enabled: false}\n",
			[]string{`c.yaml:2:3: rules: unknown rule "SA999"`}},
		{"unknown exemption rule", "exemptions:\n- rule: SA999\n  reason: r\n",
			[]string{`c.yaml:2:9: exemptions[0].rule: unknown rule "SA999"`}},
		{"missing reason", "exemptions:\n- rule: SA001\n  name: x\n",
			[]string{`c.yaml:2:3: exemptions[0]: missing reason`}},
		{"empty reason", "exemptions:\n- rule: SA001\n  reason: '  '\n",
			[]string{`c.yaml:3:11: exemptions[0].reason: empty reason`}},
		{"missing rule", "exemptions:\n- reason: r\n",
			[]string{`c.yaml:2:3: exemptions[0]: missing rule`}},
		{"bad service account", "known:\n  serviceAccounts:\n  - prometheus\n  - a/b/c\n",
			[]string{`c.yaml:3:5: known.serviceAccounts: "prometheus" is not namespace/name`, `c.yaml:4:5: known.serviceAccounts: "a/b/c" is not namespace/name`}},
		{"bad roles", "known:\n  roles: [Role/x, ClusterRole/ns/x, clusterrole/x, ClusterRole/]\n",
			[]string{`c.yaml:2:11: known.roles: "Role/x" is not ClusterRole/name or Role/namespace/name`,
				`c.yaml:2:19: known.roles: "ClusterRole/ns/x"`, `c.yaml:2:37: known.roles: "clusterrole/x"`, `c.yaml:2:52: known.roles: "ClusterRole/"`}},
		{"fail-on integer", "fail-on: 3\n", []string{`c.yaml:1:10: fail-on: want a string, got an integer`}},
		{"unknown fail-on", "fail-on: severe\n", []string{`c.yaml:1:10: fail-on: unknown severity "severe"`}},
		{"unknown rule severity", "rules: {SA001: {severity: none}}\n", []string{`c.yaml:1:27: rules.SA001.severity: unknown severity "none"`}},
		{"enabled string", "rules:\n  SA001: {enabled: \"no\"}\n", []string{`c.yaml:2:20: rules.SA001.enabled: want true or false, got a string`}},
		{"enabled yaml 1.1 no", "rules:\n  SA001: {enabled: no}\n", []string{`c.yaml:2:20: rules.SA001.enabled: want true or false, got a string`}},
		{"enabled number", "rules:\n  SA001: {enabled: 0}\n", []string{`c.yaml:2:20: rules.SA001.enabled: want true or false, got an integer`}},
		{"exclude string", "exclude: charts/**\n", []string{`c.yaml:1:10: exclude: want a list of strings, got a string`}},
		{"policies number item", "policies: [a, 1]\n", []string{`c.yaml:1:15: policies[1]: want a string, got an integer`}},
		{"rules list", "rules: [SA001]\n", []string{`c.yaml:1:8: rules: want a mapping, got a list`}},
		{"rule null", "rules:\n  SA001:\n", []string{`c.yaml:2:9: rules.SA001: want a mapping, got null`}},
		{"params scalar", "rules: {SA031: {params: 7200}}\n", []string{`c.yaml:1:25: rules.SA031.params: want a mapping, got an integer`}},
		{"exemption name number", "exemptions:\n- {rule: SA001, name: 42, reason: r}\n", []string{`c.yaml:2:23: exemptions[0].name: want a string, got an integer`}},
		{"exemptions mapping", "exemptions: {rule: SA001}\n", []string{`c.yaml:1:13: exemptions: want a list, got a mapping`}},
		{"top-level list", "- a\n", []string{`c.yaml:1:1: configuration: want a mapping, got a list`}},
		{"duplicate top-level key", "fail-on: low\nexclude: []\nfail-on: high\n",
			[]string{`c.yaml:3:1: configuration: duplicate key "fail-on" (first at line 1)`}},
		{"duplicate rule key", "rules:\n  SA001: {}\n  SA001: {}\n", []string{`c.yaml:3:3: rules: duplicate key "SA001" (first at line 2)`}},
		{"rule by id and name", "rules:\n  SA001: {}\n  default-service-account: {}\n",
			[]string{`c.yaml:3:3: rules: "default-service-account" configures rule SA001 again (first at line 2)`}},
		{"duplicate param", "rules:\n  SA031:\n    params: {a: 1, a: 2}\n", []string{`c.yaml:3:20: rules.SA031.params: duplicate key "a"`}},
		{"merge key", "base: &b {fail-on: low}\n", []string{`c.yaml:1:1: configuration: unknown key "base"`}},
		{"merge key used", "rules:\n  SA001: &r {enabled: false}\n  SA010: {<<: *r}\n", []string{`c.yaml:3:11: rules.SA010: merge keys (<<) are not supported`}},
		{"two documents", "fail-on: low\n---\nfail-on: high\n", []string{`c.yaml:2:1: a configuration file holds one YAML document`}},
		{"syntax error", "fail-on: low\nexclude: [a\nrules: {}\n", []string{`c.yaml:2:1: YAML syntax error: did not find expected ',' or ']'`}},
		{"all errors collected", "fail-on: 3\nrules:\n  SA999: {}\n  SA001: {enabled: \"no\"}\nexemptions:\n- rule: SA001\nbogus: 1\n",
			[]string{`c.yaml:1:10:`, `c.yaml:3:3: rules: unknown rule "SA999"`, `c.yaml:4:20:`, `c.yaml:6:3: exemptions[0]: missing reason`, `c.yaml:7:1: configuration: unknown key "bogus"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("c.yaml", []byte(tt.in), knownRule)
			if err == nil {
				t.Fatalf("no error; config %#v", c)
			}
			if c != nil {
				t.Errorf("config returned with errors: %#v", c)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%v", len(lines), len(tt.want), err)
			}
			for i, w := range tt.want {
				if !strings.Contains(lines[i], w) {
					t.Errorf("error %d = %q, want it to contain %q", i, lines[i], w)
				}
			}
		})
	}
}

func TestParseAliasBomb(t *testing.T) {
	in := "rules:\n  SA031:\n    params:\n      a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g"} {
		in += "      " + n + ": &" + n + " [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]\n"
		prev = n
	}
	_, err := Parse("c.yaml", []byte(in), knownRule)
	if err == nil || !strings.Contains(err.Error(), "expand to more than") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".salint.yaml")
	if err := os.WriteFile(p, []byte(sample), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p, knownRule)
	if err != nil {
		t.Fatal(err)
	}
	if c.File != p || c.Dir() != dir {
		t.Errorf("File %q Dir %q", c.File, c.Dir())
	}

	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte("# "+strings.Repeat("x", MaxFileSize)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big, knownRule); err == nil || !strings.Contains(err.Error(), "byte limit") {
		t.Errorf("big file: err = %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml"), knownRule); err == nil {
		t.Error("missing file: no error")
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("fail-on: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad, knownRule); err == nil || !strings.HasPrefix(err.Error(), bad+":1:10: ") {
		t.Errorf("bad file: err = %v", err)
	}
}

func TestDiscover(t *testing.T) {
	// root/               .salint.yaml (above the repository: never found;
	//                     planted in a shared directory: not above start)
	//   repo/             .git, .salint.yml
	//     a/              .salint.yaml
	//       b/c/          (nothing)
	//     d/              (nothing)
	//   other/x/          (no .git up to root/, which has .salint.yaml)
	//   lone/             .salint.yaml, no .git up to the filesystem root
	//     sub/            (nothing)
	//   both/             .salint.yaml and .salint.yml
	root := t.TempDir()
	if r, err := repositoryRoot(root); r != "" || err != nil {
		t.Skipf("the temporary directory is inside a repository (%s) or unreadable: %v", r, err)
	}
	mk := func(parts ...string) string {
		p := filepath.Join(append([]string{root}, parts...)...)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	touch := func(parts ...string) string {
		p := filepath.Join(append([]string{root}, parts...)...)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mk("repo", "a", "b", "c")
	mk("repo", "d")
	mk("repo", ".git")
	mk("other", "x")
	mk("both")
	mk("lone", "sub")
	mk("sub", "worktree", "y")
	touch("sub", "worktree", ".git") // a worktree or submodule marks .git with a file
	top := touch(".salint.yaml")
	repoCfg := touch("repo", ".salint.yml")
	aCfg := touch("repo", "a", ".salint.yaml")
	loneCfg := touch("lone", ".salint.yaml")
	touch("both", ".salint.yaml")
	touch("both", ".salint.yml")

	tests := []struct {
		start string
		want  string
	}{
		{filepath.Join(root, "repo", "a", "b", "c"), aCfg}, // nearest wins
		{filepath.Join(root, "repo", "a"), aCfg},           // start itself
		{filepath.Join(root, "repo", "d"), repoCfg},        // .salint.yml at the repository root
		{filepath.Join(root, "repo"), repoCfg},             // repository root itself
		{filepath.Join(root, "other", "x"), ""},            // no repository: the working directory only (was root/.salint.yaml)
		{filepath.Join(root, "lone"), loneCfg},             // no repository: the working directory's own file
		{filepath.Join(root, "lone", "sub"), ""},           // not its parent's
		{root, top},                                        // a file in the working directory itself
		{filepath.Join(root, "sub", "worktree", "y"), ""},  // .git file stops the search
		{filepath.Join(root, "sub", "worktree"), ""},       // does not look above the repository root
	}
	for _, tt := range tests {
		got, err := Discover(tt.start)
		if err != nil {
			t.Errorf("Discover(%s): %v", tt.start, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Discover(%s) = %q, want %q", tt.start, got, tt.want)
		}
	}
	if _, err := Discover(filepath.Join(root, "both")); err == nil || !strings.Contains(err.Error(), "keep one") {
		t.Errorf("both names: err = %v", err)
	}

	// A relative start is resolved against the working directory.
	t.Chdir(filepath.Join(root, "repo", "a", "b"))
	if got, err := Discover("c"); err != nil || got != aCfg {
		t.Errorf("Discover(relative) = %q, %v", got, err)
	}
}

func TestExempt(t *testing.T) {
	c := &Config{Exemptions: []Exemption{
		{Rule: "SA041", Kind: "ClusterRole", Name: "argocd", Reason: "argo"},
		{Rule: "SA001", Namespace: "kube-system", Reason: "system"},
		{Rule: "SA010", Reason: "everywhere"},
	}}
	tests := []struct {
		rule, kind, ns, name string
		want                 string
		ok                   bool
	}{
		{"SA041", "ClusterRole", "", "argocd", "argo", true},
		{"SA041", "Role", "", "argocd", "", false},       // kind differs
		{"SA041", "ClusterRole", "", "other", "", false}, // name differs
		{"SA010", "ClusterRole", "", "argocd", "everywhere", true},
		{"SA001", "Deployment", "kube-system", "coredns", "system", true},
		{"SA001", "Deployment", "default", "coredns", "", false}, // namespace differs
		{"SA001", "ClusterRole", "", "x", "", false},             // set namespace does not match cluster scope
		{"SA002", "ClusterRole", "", "argocd", "", false},        // rule differs
	}
	for _, tt := range tests {
		got, ok := c.Exempt(tt.rule, tt.kind, tt.ns, tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Exempt(%s, %s, %s, %s) = %q, %v; want %q, %v", tt.rule, tt.kind, tt.ns, tt.name, got, ok, tt.want, tt.ok)
		}
	}
	var none *Config
	if _, ok := none.Exempt("SA001", "Pod", "a", "b"); ok {
		t.Error("nil config exempts")
	}
}

func TestSchema(t *testing.T) {
	schema, err := jsonschema.NewCompiler().Compile("../../docs/salint-config.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	validate := func(text string) error {
		t.Helper()
		var v any
		if err := yaml.Unmarshal([]byte(text), &v); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		return schema.Validate(doc)
	}
	if err := validate(sample); err != nil {
		t.Errorf("sample does not validate: %v", err)
	}
	if err := validate("fail-on: none\n"); err != nil {
		t.Errorf("fail-on none does not validate: %v", err)
	}
	// The schema rejects what Parse rejects.
	for _, bad := range []string{
		"failOn: low\n",
		"fail-on: severe\n",
		"rules: {SA001: {enable: false}}\n",
		"rules: {SA001: {enabled: \"no\"}}\n",
		"rules: {SA001: {severity: none}}\n",
		"known: {serviceAccounts: [prometheus]}\n",
		"known: {roles: [Role/x]}\n",
		"known: {accounts: []}\n",
		"exemptions: [{rule: SA001}]\n",
		"exemptions: [{rule: SA001, reason: ' '}]\n",
		"exemptions: [{rule: SA001, reason: r, names: x}]\n",
		"charts: {web: {values: [/etc/passwd]}}\n",
		"policies: [/etc]\n",
		"policies: [../other-repo/policy]\n",
		"charts: {web: {values: [../../secrets.yaml]}}\n",
		"charts: {../web: {}}\n",
		"charts: {web: {set: [novalue]}}\n",
		"charts: {web: {release: x}}\n",
	} {
		if validate(bad) == nil {
			t.Errorf("schema accepts %q", bad)
		}
		if _, err := Parse("c.yaml", []byte(bad), knownRule); err == nil {
			t.Errorf("Parse accepts %q", bad)
		}
	}
}

// FuzzParse: whatever a pull request puts in .salint.yaml, Parse returns a
// configuration or errors that name the file and a line, never panics.
func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("rules: {SA001: {params: {a: &x [*x]}}}\n"))
	f.Add([]byte("charts: {web: {values: [../x]}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("c.yaml", data, knownRule)
		if err == nil && c == nil {
			t.Fatal("no configuration and no error")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "c.yaml:") {
			t.Fatalf("error %q does not name the file", err)
		}
	})
}

// TestParamsThatHoldThemselves: an alias that holds itself is an error at
// its line, found at once, not a walk that eats the memory.
func TestParamsThatHoldThemselves(t *testing.T) {
	done := make(chan error, 1)
	go func() {
		_, err := Parse("c.yaml", []byte("rules:\n  SA001: {params: {a: &x [*x]}}\n"), knownRule)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "c.yaml:2:") || !strings.Contains(err.Error(), "deeper than") {
			t.Errorf("error %v, want one at line 2 saying the parameters nest too deep", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Parse does not return")
	}
}
