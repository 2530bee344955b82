package engine_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/salint/salint/pkg/engine"
	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/model"
	"github.com/salint/salint/rules"
)

// examplePolicy holds the custom rules docs/custom-rules.md shows.
const examplePolicy = "../../testdata/policies"

// mapFS builds a file system of Rego sources.
func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	return fsys
}

// newEngineWithPolicy builds an engine of a built-in rule SA901 (a/a.rego)
// and one policy directory "policy" holding files.
func newEngineWithPolicy(t *testing.T, files map[string]string) (*engine.Engine, error) {
	t.Helper()
	builtin := mapFS(map[string]string{
		"main/main.rego": mainRego,
		"a/a.rego":       rule("a", "SA901", "rule-a", "high", everyWorkload),
	})
	return engine.NewWithPolicies(context.Background(), builtin, []engine.Policy{{Name: "policy", FS: mapFS(files)}})
}

// customRule is a user rule in package salint.rules.<pkg>.
func customRule(pkg, id, name, body string) string {
	return fmt.Sprintf(`# METADATA
# title: Custom rule %[2]s
# description: A user's rule for tests.
# custom:
#   id: %[2]s
#   name: %[3]s
#   severity: low
#   category: house-rules
#   remediation: Do as the house says.
package salint.rules.%[1]s

%[4]s
`, pkg, id, name, body)
}

const customFindings = `findings contains {"ref": w.ref, "path": w.spec, "msg": "custom"} if {
	some w in input.workloads
}`

func TestPolicyRuleLoadsAndFinds(t *testing.T) {
	examples, err := filepath.Abs(examplePolicy)
	if err != nil {
		t.Fatal(err)
	}
	builtin := mapFS(map[string]string{
		"main/main.rego": mainRego,
		"a/a.rego":       rule("a", "SA901", "rule-a", "high", everyWorkload),
	})
	eng, err := engine.NewWithPolicies(context.Background(), builtin, []engine.Policy{{Name: examples, FS: os.DirFS(examples)}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range eng.Rules() {
		ids = append(ids, r.ID)
	}
	if want := []string{"ACME001", "ACME002", "SA901"}; !slices.Equal(ids, want) {
		t.Fatalf("Rules() = %v, want %v, sorted by ID", ids, want)
	}
	r := eng.Rule("acme-token-audience")
	if r == nil || r.ID != "ACME001" || r.Severity != finding.Medium || r.Category != "projected-tokens" ||
		r.Package != "acme_token_audience" || !strings.HasPrefix(r.Title, "Projected token for an audience") ||
		!strings.HasPrefix(r.Remediation, "Request the token") || len(r.References) != 1 {
		t.Fatalf("rule = %+v", r)
	}
	if !strings.HasPrefix(r.Examples.Bad, "# ") || !strings.HasPrefix(r.Examples.Good, "# ") {
		t.Errorf("the policy's examples were not read: %+v", r.Examples)
	}
	if got := fmt.Sprint(eng.Params("ACME001")["allowedAudiences"]); got != "[vault sts.amazonaws.com]" {
		t.Errorf("default allowedAudiences = %s", got)
	}

	m := &model.Model{}
	for i, audience := range []string{"grafana", "vault"} {
		m.Objects = append(m.Objects, &model.Extracted{})
		w := model.Workload{Spec: []any{"spec"}, TokenProjections: []model.TokenProjection{{
			Path: []any{"spec", "volumes", 0, "projected", "sources", 0, "serviceAccountToken"}, Volume: "token", Audience: &audience,
		}}}
		w.Ref, w.Name = i, "w"+audience
		m.Workloads = append(m.Workloads, w)
	}
	raws, err := eng.Evaluate(context.Background(), m, map[string]map[string]any{"ACME001": eng.Params("ACME001")}, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, raw := range raws {
		if raw.Rule.ID == "ACME001" {
			got = append(got, fmt.Sprintf("%d %s %s %s", raw.Ref, raw.Severity, raw.Path, raw.Message))
		}
	}
	want := `0 medium spec.volumes[0].projected.sources[0].serviceAccountToken.audience serviceAccountToken projection of volume "token" is for audience "grafana", which is not one of "vault", "sts.amazonaws.com"`
	if len(got) != 1 || got[0] != want {
		t.Errorf("ACME001 findings = %q, want [%q]", got, want)
	}
}

// TestPolicyBesideBuiltinRules: the real rules still compile in the sandbox
// and a policy joins them.
func TestPolicyBesideBuiltinRules(t *testing.T) {
	eng, err := engine.NewWithPolicies(context.Background(), rules.FS, []engine.Policy{{Name: examplePolicy, FS: os.DirFS(examplePolicy)}})
	if err != nil {
		t.Fatal(err)
	}
	if eng.Rule("SA001") == nil || eng.Rule("ACME001") == nil {
		t.Error("built-in or custom rule missing")
	}
	if _, err := eng.Evaluate(context.Background(), &model.Model{}, nil, 1); err != nil {
		t.Error(err)
	}
}

// TestExamplePolicyPassesItsTests runs the example's _test.rego as `opa test
// testdata/policies` would, and keeps it `opa fmt` clean.
func TestExamplePolicyPassesItsTests(t *testing.T) {
	modules := map[string]*ast.Module{}
	err := fs.WalkDir(os.DirFS(examplePolicy), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(name) != ".rego" {
			return err
		}
		src, err := os.ReadFile(filepath.Join(examplePolicy, name))
		if err != nil {
			return err
		}
		if f, err := format.SourceWithOpts(name, src, format.Opts{RegoVersion: ast.RegoV1}); err != nil || string(f) != string(src) {
			t.Errorf("%s is not opa fmt clean (%v)", name, err)
		}
		modules[name], err = ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := tester.NewRunner().SetDefaultRegoVersion(ast.RegoV1).SetModules(modules).RaiseBuiltinErrors(true).RunTests(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for r := range ch {
		ran++
		if r.Error != nil || r.Fail {
			t.Errorf("%s.%s: fail %v %v", r.Package, r.Name, r.Fail, r.Error)
		}
	}
	if ran == 0 {
		t.Error("the example policy has no tests")
	}
}

// TestDocsShowTheExample keeps docs/custom-rules.md's examples the ones that
// are tested.
func TestDocsShowTheExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/custom-rules.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{
		"acme_token_audience/acme_token_audience.rego",
		"acme_token_audience/acme_token_audience_test.rego",
		"acme_bound_default_account/acme_bound_default_account.rego",
	} {
		src, err := os.ReadFile(filepath.Join(examplePolicy, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(doc), "```rego\n"+string(src)+"```") {
			t.Errorf("docs/custom-rules.md does not show %s as it is", name)
		}
	}
}

// TestPolicySandbox: a policy that reaches outside the process does not load,
// and the error says where and why.
func TestPolicySandbox(t *testing.T) {
	calls := map[string]string{
		"http.send":          `http.send({"method": "GET", "url": "https://example.com"})`,
		"net.lookup_ip_addr": `net.lookup_ip_addr("example.com")`,
		"opa.runtime":        `opa.runtime()`,
		"json.match_schema":  `json.match_schema({}, {"$ref": "file:///etc/passwd"})`,
		"json.verify_schema": `json.verify_schema({"$ref": "https://example.com/s.json"})`,
		// One call of these can run and grow without bound.
		"strings.render_template": `strings.render_template("{{range 1000000000000}}x{{end}}", {})`,
		"graph.reachable_paths":   `graph.reachable_paths({"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": []}, ["a"])`,
	}
	// Every other non-deterministic built-in must be vetted, or it is gone.
	stay := []string{"time.now_ns", "rand.intn", "uuid.rfc4122", "io.jwt.decode_verify", "io.jwt.encode_sign", "io.jwt.encode_sign_raw"}
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if _, listed := calls[b.Name]; b.Nondeterministic && !listed && !slices.Contains(stay, b.Name) {
			calls[b.Name] = b.Name + "(1)"
		}
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			body := fmt.Sprintf("findings contains {\"ref\": 0, \"path\": [], \"msg\": sprintf(\"%%v\", [x])} if {\n\tx := %s\n}", call)
			_, err := newEngineWithPolicy(t, map[string]string{"leak/leak.rego": customRule("leak", "ACME001", "leak", body)})
			// The call is on line 13 of the module.
			want := fmt.Sprintf("%s:13: %s is not allowed in salint policies", filepath.Join("policy", "leak", "leak.rego"), name)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v, want one containing %q", err, want)
			}
		})
	}
	t.Run("pure built-ins stay", func(t *testing.T) {
		body := `findings contains {"ref": 0, "path": [], "msg": sprintf("%v %v", [time.now_ns(), net.cidr_contains("10.0.0.0/8", "10.1.2.3")])} if {
	some w in input.workloads
	print("print is dropped, not refused")
}`
		if _, err := newEngineWithPolicy(t, map[string]string{"ok/ok.rego": customRule("ok", "ACME001", "ok", body)}); err != nil {
			t.Error(err)
		}
	})
}

func TestBadPoliciesFailToLoad(t *testing.T) {
	leak := filepath.Join("policy", "x", "x.rego")
	tests := []struct {
		name  string
		files map[string]string
		want  []string // each in the error
	}{{
		name:  "escape sequence in the title",
		files: map[string]string{"x/x.rego": strings.Replace(customRule("x", "ACME001", "x", customFindings), "# title: Custom rule ACME001", `# title: "Custom \e[2J rule"`, 1)},
		want:  []string{leak, "METADATA title holds the control character U+001B, which salint does not print"},
	}, {
		name:  "bidi override in the remediation",
		files: map[string]string{"x/x.rego": strings.Replace(customRule("x", "ACME001", "x", customFindings), "#   remediation: Do as the house says.", `#   remediation: "Do as \u202Eexe.txt"`, 1)},
		want:  []string{leak, "METADATA custom.remediation holds the control character U+202E"},
	}, {
		name:  "ID of a built-in rule",
		files: map[string]string{"x/x.rego": customRule("x", "SA901", "x", customFindings)},
		want:  []string{leak, "rule ID SA901 is already used by the built-in rule in a/a.rego"},
	}, {
		name:  "name of a built-in rule",
		files: map[string]string{"x/x.rego": customRule("x", "ACME001", "rule-a", customFindings)},
		want:  []string{leak, "rule name rule-a is already used by the built-in rule in a/a.rego"},
	}, {
		name:  "package of a built-in rule",
		files: map[string]string{"x/x.rego": strings.Replace(customRule("x", "ACME001", "x", customFindings), "package salint.rules.x", "package salint.rules.a", 1)},
		want:  []string{leak, "package salint.rules.a is already defined by the built-in rule in a/a.rego"},
	}, {
		name: "ID of another custom rule",
		files: map[string]string{
			"x/x.rego": customRule("x", "ACME001", "x", customFindings),
			"y/y.rego": customRule("y", "ACME001", "y", customFindings),
		},
		want: []string{"rule ID ACME001 is already used by", leak, filepath.Join("policy", "y", "y.rego")},
	}, {
		name:  "reserved ID",
		files: map[string]string{"x/x.rego": customRule("x", "SA950", "x", customFindings)},
		want:  []string{leak, `rule ID "SA950"`, "does not start with SA"},
	}, {
		name:  "lower-case ID",
		files: map[string]string{"x/x.rego": customRule("x", "acme001", "x", customFindings)},
		want:  []string{leak, `rule ID "acme001"`},
	}, {
		name:  "package outside salint.rules",
		files: map[string]string{"x/x.rego": strings.Replace(customRule("x", "ACME001", "x", customFindings), "package salint.rules.x", "package acme.x", 1)},
		want:  []string{leak, "package acme.x is not a rule package"},
	}, {
		name:  "library package",
		files: map[string]string{"x/x.rego": "package salint.lib.rbac\n\nclassified contains 1\n"},
		want:  []string{leak, "package salint.lib.rbac is not a rule package"},
	}, {
		name:  "nested package",
		files: map[string]string{"x/x.rego": strings.Replace(customRule("x", "ACME001", "x", customFindings), "package salint.rules.x", "package salint.rules.a.x", 1)},
		want:  []string{leak, "package salint.rules.a.x is not a rule package"},
	}, {
		name:  "no METADATA",
		files: map[string]string{"x/x.rego": "package salint.rules.x\n\n" + customFindings + "\n"},
		want:  []string{leak, "has no METADATA block"},
	}, {
		name:  "incomplete METADATA",
		files: map[string]string{"x/x.rego": strings.Replace(customRule("x", "ACME001", "x", customFindings), "#   remediation: Do as the house says.\n", "", 1)},
		want:  []string{leak, "METADATA lacks custom.remediation"},
	}, {
		name:  "no findings",
		files: map[string]string{"x/x.rego": customRule("x", "ACME001", "x", "finding contains 1 if { true }")},
		want:  []string{leak, "defines no findings"},
	}, {
		name:  "syntax error",
		files: map[string]string{"x/x.rego": customRule("x", "ACME001", "x", "findings contains x if {")},
		want:  []string{"parsing " + leak + ":"},
	}, {
		name:  "Rego v0",
		files: map[string]string{"x/x.rego": customRule("x", "ACME001", "x", "findings[x] { x := 1 }")},
		want:  []string{"parsing " + leak + ":"},
	}, {
		name:  "compile error",
		files: map[string]string{"x/x.rego": customRule("x", "ACME001", "x", "findings contains y if {\n\tacme.helper(1)\n}")},
		want:  []string{leak + ":13", "undefined function acme.helper"},
	}, {
		name:  "only tests",
		files: map[string]string{"x/x_test.rego": "package salint.rules.x_test\n\ntest_x if true\n"},
		want:  []string{"policy policy holds no rule module"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newEngineWithPolicy(t, tc.files)
			if err == nil {
				t.Fatal("the policy was accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestPolicyCollidesWithRealBuiltin names the built-in rule's file.
func TestPolicyCollidesWithRealBuiltin(t *testing.T) {
	policy := mapFS(map[string]string{"mine/mine.rego": customRule("mine", "SA001", "mine", customFindings)})
	_, err := engine.NewWithPolicies(context.Background(), rules.FS, []engine.Policy{{Name: "policy", FS: policy}})
	want := filepath.Join("policy", "mine", "mine.rego") + ": rule ID SA001 is already used by the built-in rule in default_service_account/default_service_account.rego"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one containing %q", err, want)
	}
}

func TestTwoPoliciesWithOneRule(t *testing.T) {
	p := mapFS(map[string]string{"x/x.rego": customRule("x", "ACME001", "x", customFindings)})
	builtin := mapFS(map[string]string{"main/main.rego": mainRego})
	_, err := engine.NewWithPolicies(context.Background(), builtin, []engine.Policy{{Name: "one", FS: p}, {Name: "two", FS: p}})
	want := filepath.Join("two", "x", "x.rego") + ": package salint.rules.x is already defined by " + filepath.Join("one", "x", "x.rego")
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one containing %q", err, want)
	}
}

func TestMissingPolicyDirectory(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	_, err := engine.NewWithPolicies(context.Background(), mapFS(map[string]string{"main/main.rego": mainRego}), []engine.Policy{{Name: missing, FS: os.DirFS(missing)}})
	if err == nil || !strings.Contains(err.Error(), "policy "+missing) {
		t.Errorf("error %v, want one naming %s", err, missing)
	}
}
