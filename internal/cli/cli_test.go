package cli

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/salint/salint/rules"
)

func TestExitCodes(t *testing.T) {
	chdirRoot(t)
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"findings", []string{"testdata/manifests"}, ExitFindings},
		{"clean input", []string{"testdata/inputs/clean.yaml"}, ExitOK},
		{"fail-on none", []string{"--fail-on", "none", "testdata/manifests"}, ExitOK},
		{"fail-on critical with criticals", []string{"--fail-on", "critical", "testdata/manifests/long-lived-tokens"}, ExitFindings},
		{"fail-on critical without", []string{"--fail-on", "critical", "testdata/manifests/identity"}, ExitOK},
		{"min-severity hides low findings", []string{"--min-severity", "medium", "--fail-on", "low", "testdata/manifests/helm"}, ExitFindings},
		{"input error wins over findings", []string{"testdata/manifests/identity", "testdata/inputs/broken-middle.yaml"}, ExitError},
		{"missing path", []string{"testdata/does-not-exist"}, ExitError},
		{"unknown flag", []string{"--frobnicate"}, ExitError},
		{"unknown format", []string{"-f", "xml", "testdata/manifests"}, ExitError},
		{"bad severity", []string{"--fail-on", "urgent"}, ExitError},
		{"unknown rule", []string{"explain", "SA999"}, ExitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runSalint(t, "", tt.args...)
			if code != tt.want {
				t.Errorf("salint %s: exit %d, want %d (stderr: %s)", strings.Join(tt.args, " "), code, tt.want, stderr)
			}
		})
	}
}

func TestMinSeverityDropsFindings(t *testing.T) {
	chdirRoot(t)
	out, _, _ := runSalint(t, "", "--min-severity", "high", "testdata/manifests")
	for _, sev := range []string{" MEDIUM ", " LOW ", " INFO "} {
		if strings.Contains(out, sev) {
			t.Errorf("--min-severity high still prints%sfindings", sev)
		}
	}
	if !strings.Contains(out, " HIGH ") {
		t.Error("--min-severity high dropped high findings")
	}
}

// TestBrokenMiddleDocument: the neighbours of a broken document are linted
// and the error names the file and the broken document's line.
func TestBrokenMiddleDocument(t *testing.T) {
	chdirRoot(t)
	out, _, code := runSalint(t, "", "-f", "json", "testdata/inputs/broken-middle.yaml")
	if code != ExitError {
		t.Errorf("exit %d, want %d", code, ExitError)
	}
	var rep struct {
		Summary  map[string]any `json:"summary"`
		Findings []struct {
			Object struct{ Name string } `json:"object"`
		} `json:"findings"`
		Errors []struct {
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range rep.Findings {
		names[f.Object.Name] = true
	}
	if !names["first"] || !names["third"] || names["second"] {
		t.Errorf("linted objects %v, want first and third only", names)
	}
	if len(rep.Errors) != 1 || rep.Errors[0].File != "testdata/inputs/broken-middle.yaml" || rep.Errors[0].Line < 7 || rep.Errors[0].Line > 12 {
		t.Errorf("errors = %+v, want one in the second document (lines 7-12)", rep.Errors)
	}
	if rep.Summary["documents"].(float64) != 3 || rep.Summary["objects"].(float64) != 2 || rep.Summary["errors"].(float64) != 1 {
		t.Errorf("summary = %v, want 3 documents, 2 objects, 1 error", rep.Summary)
	}
}

func TestStdin(t *testing.T) {
	chdirRoot(t)
	data, err := os.ReadFile("testdata/manifests/helm/rendered.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runSalint(t, string(data), "-")
	if code != ExitFindings {
		t.Fatalf("exit %d (%s)", code, stderr)
	}
	if !strings.Contains(out, "<stdin>:25:5: MEDIUM SA010") || !strings.Contains(out, "[helm: shop/templates/deployment.yaml]") {
		t.Errorf("stdin findings lack location or helm source:\n%s", out)
	}
}

func TestOutputFile(t *testing.T) {
	chdirRoot(t)
	path := filepath.Join(t.TempDir(), "report.json")
	out, _, code := runSalint(t, "", "-f", "json", "-o", path, "testdata/manifests/identity")
	if code != ExitFindings || out != "" {
		t.Fatalf("exit %d, stdout %q: want 1 and nothing on stdout", code, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(data) {
		t.Error("-o did not write valid JSON")
	}
}

func TestColour(t *testing.T) {
	chdirRoot(t)
	run := func(noColorEnv string, args ...string) string {
		var out bytes.Buffer
		Main(append(args, "testdata/manifests/identity"), Env{
			Stdin: strings.NewReader(""), Stdout: &out, Stderr: &bytes.Buffer{},
			Getenv: func(k string) string {
				if k == "NO_COLOR" {
					return noColorEnv
				}
				return ""
			},
			StdoutIsTerminal: true,
		})
		return out.String()
	}
	if !strings.Contains(run(""), "\x1b[") {
		t.Error("no colour on a terminal")
	}
	if strings.Contains(run("1"), "\x1b[") {
		t.Error("colour despite NO_COLOR")
	}
	if strings.Contains(run("", "--no-color"), "\x1b[") {
		t.Error("colour despite --no-color")
	}
	if out, _, _ := runSalint(t, "", "testdata/manifests/identity"); strings.Contains(out, "\x1b[") {
		t.Error("colour when stdout is not a terminal")
	}
}

// TestDeterministic: byte-identical output across runs and job counts.
func TestDeterministic(t *testing.T) {
	chdirRoot(t)
	for _, format := range []string{"text", "json", "sarif"} {
		first, _, _ := runSalint(t, "", "-f", format, "--jobs", "1", "testdata/manifests")
		for _, jobs := range []string{"1", "8"} {
			again, _, _ := runSalint(t, "", "-f", format, "--jobs", jobs, "testdata/manifests")
			if again != first {
				t.Errorf("%s output with --jobs %s differs from --jobs 1", format, jobs)
			}
		}
	}
}

func TestSARIFValidates(t *testing.T) {
	chdirRoot(t)
	c := jsonschema.NewCompiler()
	schema, err := c.Compile("pkg/report/testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	out, _, _ := runSalint(t, "", "-f", "sarif", "testdata/manifests", "testdata/inputs")
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Fatalf("SARIF does not validate: %v", err)
	}
	var sarif struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				RelatedLocations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
					Message struct {
						Text string `json:"text"`
					} `json:"message"`
				} `json:"relatedLocations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil {
		t.Fatal(err)
	}
	if len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) == 0 {
		t.Fatal("want one run with results")
	}
	ones := 0
	for _, r := range sarif.Runs[0].Results {
		if l := r.Locations[0].PhysicalLocation.Region.StartLine; l < 1 {
			t.Errorf("%s result without a real startLine", r.RuleID)
		} else if l == 1 {
			ones++
		}
	}
	if ones == len(sarif.Runs[0].Results) {
		t.Error("every result sits on line 1")
	}
	// A pod-to-permission finding carries its chain: the binding subject,
	// the roleRef and the granting rule.
	chains := 0
	for _, r := range sarif.Runs[0].Results {
		if r.RuleID != "SA070" || len(r.RelatedLocations) != 3 {
			continue
		}
		chains++
		for _, rl := range r.RelatedLocations {
			if rl.PhysicalLocation.Region.StartLine < 1 || rl.PhysicalLocation.ArtifactLocation.URI == "" || rl.Message.Text == "" {
				t.Errorf("SA070 related location %+v lacks a file, line or message", rl)
			}
		}
	}
	if chains == 0 {
		t.Error("no SA070 result carries the three related locations of its chain")
	}
}

func TestSubcommands(t *testing.T) {
	out, _, code := runSalint(t, "", "rules")
	if code != ExitOK || !strings.Contains(out, "SA001  default-service-account") {
		t.Errorf("salint rules: exit %d\n%s", code, out)
	}
	out, _, code = runSalint(t, "", "rules", "--format", "json")
	var rules []map[string]string
	if code != ExitOK || json.Unmarshal([]byte(out), &rules) != nil || len(rules) < 15 {
		t.Errorf("salint rules --format json: exit %d, %d rules", code, len(rules))
	}
	for _, arg := range []string{"SA031", "projected-token-long-expiration", "sa031"} {
		out, _, code = runSalint(t, "", "explain", arg)
		if code != ExitOK || !strings.HasPrefix(out, "SA031 projected-token-long-expiration\n=====") {
			t.Errorf("salint explain %s: exit %d\n%s", arg, code, out)
		}
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, _, code = runSalint(t, "", args...)
		if code != ExitOK || !strings.HasPrefix(out, "salint ") || !strings.Contains(out, "opa v") && !strings.Contains(out, "opa 1") {
			t.Errorf("salint %v: exit %d\n%s", args, code, out)
		}
	}
	out, _, code = runSalint(t, "", "--help")
	if code != ExitOK || !strings.Contains(out, "Examples:") || !strings.Contains(out, "--fail-on") {
		t.Errorf("salint --help: exit %d\n%s", code, out)
	}
}

// TestExplainShowsExamples: `salint explain --format markdown` prints the
// rule's flagged and passing examples as YAML blocks, and no
// generated-file marker.
func TestExplainShowsExamples(t *testing.T) {
	out, _, code := runSalint(t, "", "explain", "--format", "markdown", "SA010")
	if code != ExitOK {
		t.Fatalf("salint explain SA010: exit %d", code)
	}
	for _, ex := range []struct{ heading, file string }{
		{"### Flagged", "automount_token/examples/bad.yaml"},
		{"### Passes", "automount_token/examples/good.yaml"},
	} {
		src, err := fs.ReadFile(rules.FS, ex.file)
		if err != nil {
			t.Fatal(err)
		}
		block := ex.heading + "\n\n```yaml\n" + string(src) + "```\n"
		if !strings.Contains(out, block) {
			t.Errorf("salint explain SA010 lacks %s as\n%s\ngot:\n%s", ex.file, block, out)
		}
	}
	if strings.Contains(out, "<!--") {
		t.Errorf("salint explain SA010 prints the generated-file marker:\n%s", out)
	}
}

// TestTextLineFormat: every finding line keeps SPEC §3's shape,
// path:line:col: SEVERITY ID name: message (Kind ns/name), Helm template
// and all.
func TestTextLineFormat(t *testing.T) {
	chdirRoot(t)
	out, _, _ := runSalint(t, "", "testdata/manifests")
	line := regexp.MustCompile(`^testdata/manifests/\S+:\d+:\d+: (CRITICAL|HIGH|MEDIUM|LOW|INFO) SA\d{3} [a-z0-9-]+: .+ \([A-Za-z]+ [^ ()]+\)$`)
	findings := 0
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "testdata/") {
			continue
		}
		findings++
		if !line.MatchString(l) {
			t.Errorf("finding line out of format: %s", l)
		}
	}
	if findings < 50 {
		t.Errorf("only %d finding lines", findings)
	}
}

// TestShowSuppressed: suppressed findings are counted but listed only with
// --show-suppressed, with their reason (text), suppressed/justification
// (JSON) and SARIF suppressions; they never decide the exit code.
func TestShowSuppressed(t *testing.T) {
	chdirRoot(t)
	dir := "testdata/manifests/suppression"
	out, _, code := runSalint(t, "", dir)
	if strings.Contains(out, "[suppressed") || !strings.Contains(out, "1 finding (") || !strings.Contains(out, "2 suppressed") || code != ExitFindings {
		t.Errorf("default: exit %d\n%s", code, out)
	}
	out, _, _ = runSalint(t, "", "--show-suppressed", dir)
	if !strings.Contains(out, "[suppressed: the reporter reads ConfigMaps through the API]") {
		t.Errorf("--show-suppressed does not show the reason:\n%s", out)
	}
	out, _, _ = runSalint(t, "", "--show-suppressed", "-f", "json", dir)
	var rep struct {
		Summary  struct{ Findings, Suppressed int }
		Findings []struct {
			RuleID        string `json:"ruleId"`
			Suppressed    bool
			Justification string
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	suppressed := 0
	for _, f := range rep.Findings {
		if f.Suppressed {
			suppressed++
		}
	}
	if rep.Summary.Findings != 1 || rep.Summary.Suppressed != 2 || len(rep.Findings) != 3 || suppressed != 2 {
		t.Errorf("JSON with --show-suppressed: %+v", rep)
	}
	out, _, _ = runSalint(t, "", "--show-suppressed", "-f", "sarif", dir)
	if strings.Count(out, `"suppressions"`) != 2 {
		t.Errorf("SARIF with --show-suppressed carries %d suppressions, want 2", strings.Count(out, `"suppressions"`))
	}
	if out, _, _ = runSalint(t, "", "-f", "sarif", dir); strings.Contains(out, `"suppressions"`) {
		t.Error("SARIF lists suppressed findings without --show-suppressed")
	}
}

// TestBaselineFlags: --write-baseline records today's findings (and exits
// 0), --baseline then hides them and says how many, a new finding still
// fails the run, and a broken baseline is an error naming the file.
func TestBaselineFlags(t *testing.T) {
	dir := t.TempDir()
	manifest := filepath.Join(dir, "app.yaml")
	sa := "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: shop}\n"
	if err := os.WriteFile(manifest, []byte(sa), 0o644); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(t.TempDir(), "baseline.json")
	_, stderr, code := runSalint(t, "", "--write-baseline", base, manifest)
	if code != ExitOK || !strings.Contains(stderr, "recorded 1 findings in the baseline") {
		t.Fatalf("--write-baseline: exit %d, stderr %q", code, stderr)
	}
	out, _, code := runSalint(t, "", "--baseline", base, manifest)
	if code != ExitOK || !strings.Contains(out, "1 findings recorded in the baseline") || !strings.Contains(out, "0 findings (") {
		t.Errorf("--baseline: exit %d\n%s", code, out)
	}
	// Three lines on top move every finding; a new object adds one.
	moved := "# one\n# two\n# three\n" + sa + "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\n"
	if err := os.WriteFile(manifest, []byte(moved), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code = runSalint(t, "", "--baseline", base, manifest)
	if code != ExitFindings || !strings.Contains(out, "1 finding (") || !strings.Contains(out, "(ServiceAccount shop/api)") || strings.Contains(out, "shop/web)") {
		t.Errorf("--baseline after edits: exit %d\n%s", code, out)
	}
	if err := os.WriteFile(base, []byte("{\"schemaVersion\": 1,\n  \"tool\": \"salint\",\n  \"findings\": [,]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = runSalint(t, "", "--baseline", base, manifest)
	if code != ExitError || !strings.Contains(stderr, base+":3:") {
		t.Errorf("broken baseline: exit %d, stderr %q", code, stderr)
	}
}

// TestCustomPolicy: a --policy directory's rule reports in every format
// like a built-in one, and a policy reaching for the network is refused.
func TestCustomPolicy(t *testing.T) {
	chdirRoot(t)
	pol := "testdata/policies/acme_token_audience"
	bad := pol + "/examples/bad.yaml"
	out, _, code := runSalint(t, "", "--policy", pol, bad)
	if code != ExitFindings || !strings.Contains(out, "ACME001 acme-token-audience:") {
		t.Errorf("text: exit %d\n%s", code, out)
	}
	out, _, _ = runSalint(t, "", "--policy", pol, "-f", "json", bad)
	if !strings.Contains(out, `"ruleId": "ACME001"`) {
		t.Errorf("JSON lacks the custom finding:\n%s", out)
	}
	out, _, _ = runSalint(t, "", "--policy", pol, "-f", "sarif", bad)
	if !strings.Contains(out, `"ruleId": "ACME001"`) || !strings.Contains(out, `"id": "ACME001"`) {
		t.Errorf("SARIF lacks the custom rule or result")
	}
	dir := t.TempDir()
	leak := "# METADATA\n# title: Leaks\n# description: Calls out.\n# custom:\n#   id: LEAK001\n#   name: leak\n#   severity: low\n#   category: identity\n#   remediation: None.\n#   references: [https://example.com]\npackage salint.rules.leak\n\nfindings contains {\"ref\": w.ref, \"path\": [], \"msg\": http.send({\"method\": \"GET\", \"url\": \"https://example.com\"}).body} if {\n\tsome w in input.workloads\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "leak.rego"), []byte(leak), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runSalint(t, "", "--policy", dir, bad)
	if code != ExitError || !strings.Contains(stderr, "leak.rego:13: http.send is not allowed") {
		t.Errorf("network policy: exit %d, stderr %q", code, stderr)
	}
}

// TestConfigFile: .salint.yaml is found from the working directory up to
// the repository root; its rules, severities, fail-on, known accounts and
// exemptions apply; flags win over it; -v names it; errors give its line.
func TestConfigFile(t *testing.T) {
	repo := t.TempDir()
	if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(repo, "deploy")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	app := `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  serviceAccountName: platform-sa
  automountServiceAccountToken: false
  containers: [{name: web, image: web}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: api, namespace: shop}
`
	if err := os.WriteFile(filepath.Join(sub, "app.yaml"), []byte(app), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := `fail-on: medium
rules:
  SA012: {severity: high}
known:
  serviceAccounts: ["shop/platform-sa"]
exemptions:
  - rule: service-account-automount
    name: api
    reason: the api account is reviewed by the platform team
`
	if err := os.WriteFile(filepath.Join(repo, ".salint.yaml"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)

	// SA003 is silenced by known.serviceAccounts, SA012 (now high) by the
	// exemption: nothing at or above medium is left.
	out, stderr, code := runSalint(t, "", "-v", "-f", "json", "--show-suppressed", ".")
	if code != ExitOK || !strings.Contains(stderr, "using the configuration "+filepath.Join(repo, ".salint.yaml")) {
		t.Fatalf("exit %d, stderr %q\n%s", code, stderr, out)
	}
	if strings.Contains(out, `"ruleId": "SA003"`) || !strings.Contains(out, `"justification": "the api account is reviewed by the platform team"`) || !strings.Contains(out, `"severity": "high"`) {
		t.Errorf("configuration not applied:\n%s", out)
	}
	// The configured severity reaches the rule's SARIF level, and a rule
	// --disable'd is not described at all.
	out, _, _ = runSalint(t, "", "-f", "sarif", "--disable", "SA003", ".")
	var sarif struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID     string
						Config struct{ Level string } `json:"defaultConfiguration"`
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil {
		t.Fatal(err)
	}
	levels := map[string]string{}
	for _, r := range sarif.Runs[0].Tool.Driver.Rules {
		levels[r.ID] = r.Config.Level
	}
	if _, listed := levels["SA003"]; listed || levels["SA012"] != "error" || levels["SA001"] != "warning" {
		t.Errorf("SARIF rule levels %v: want SA012 error (high by configuration), SA003 absent", levels)
	}
	// --no-config: SA003 and SA012 (low) come back; fail-on is the default low.
	out, _, code = runSalint(t, "", "--no-config", ".")
	if code != ExitFindings || !strings.Contains(out, "SA003") || !strings.Contains(out, "LOW SA012") {
		t.Errorf("--no-config: exit %d\n%s", code, out)
	}
	// Flags win: --fail-on low, and --disable of the exempted rule.
	_, _, code = runSalint(t, "", "--fail-on", "low", "--enable", "SA012", ".")
	if code != ExitOK {
		t.Errorf("--fail-on low with everything suppressed: exit %d", code)
	}
	out, _, _ = runSalint(t, "", "--disable", "SA012", "--show-suppressed", ".")
	if strings.Contains(out, "SA012") {
		t.Errorf("--disable SA012 still reports it:\n%s", out)
	}
	// Errors name the file and line, and stop the run.
	bad := "rules:\n  SA012: {severity: high}\n  SA999: {enabled: false}\nexemptions:\n  - rule: SA041\nfail-onn: low\n"
	if err := os.WriteFile(filepath.Join(repo, ".salint.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = runSalint(t, "", ".")
	for _, want := range []string{".salint.yaml:3:", "SA999", ".salint.yaml:5:", "reason", ".salint.yaml:6:", "fail-onn"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("config errors lack %q:\n%s", want, stderr)
		}
	}
	if code != ExitError {
		t.Errorf("bad configuration: exit %d, want %d", code, ExitError)
	}
	// -c names a file; the repository's is not read then.
	other := filepath.Join(t.TempDir(), "other.yaml")
	if err := os.WriteFile(other, []byte("fail-on: none\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code = runSalint(t, "", "-c", other, "."); code != ExitOK {
		t.Errorf("-c other.yaml (fail-on none): exit %d, stderr %q", code, stderr)
	}
}

// TestConfigPolicies: the file's policies are relative to it and add their
// rules to every subcommand.
func TestConfigPolicies(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "policy"), os.DirFS("testdata/policies")); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "salint.yaml")
	if err := os.WriteFile(conf, []byte("policies: [policy]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runSalint(t, "", "rules", "-c", conf)
	if code != ExitOK || !strings.Contains(out, "ACME001") {
		t.Errorf("rules with the file's policies: exit %d, stderr %q\n%s", code, stderr, out)
	}
}

// TestNoObjectsIsNotSilence: a run that checks nothing (a failed `helm
// template` piped in) says so, and --fail-if-no-objects makes it fail.
func TestNoObjectsIsNotSilence(t *testing.T) {
	chdirRoot(t)
	for _, tc := range []struct {
		stdin string
		args  []string
		code  int
	}{
		{"", []string{"-"}, ExitOK},
		{"", []string{"--fail-if-no-objects", "-"}, ExitError},
		{"replicas: 2\n", []string{"--fail-if-no-objects", "-"}, ExitError},
		{"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\nautomountServiceAccountToken: false\n", []string{"--fail-if-no-objects", "-"}, ExitOK},
	} {
		out, _, code := runSalint(t, tc.stdin, tc.args...)
		if code != tc.code {
			t.Errorf("%q with %v: exit %d, want %d", tc.stdin, tc.args, code, tc.code)
		}
		if noted := strings.Contains(out, "note: no Kubernetes object was checked"); noted != (tc.code == ExitError || tc.stdin == "") {
			t.Errorf("%q with %v: note shown %v:\n%s", tc.stdin, tc.args, noted, out)
		}
	}
}

// TestFileNamedLikeAFlag: after "--" (which the pre-commit hook passes), a
// staged file named like a flag is read as a file: it neither sets the
// output nor is overwritten.
func TestFileNamedLikeAFlag(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	name := "--output=pod.yaml"
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n"
	if err := os.WriteFile(name, []byte(pod), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := runSalint(t, "", "--", name)
	if code != ExitFindings || !strings.Contains(out, name+":") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
	if _, err := os.Stat("pod.yaml"); err == nil {
		t.Error("the file name was taken for --output")
	}
}

// TestOutputNeverHarmsAnInput: a report or baseline is never written over a
// file the run read, and a symlink at the output path is replaced, its
// target left alone.
func TestOutputNeverHarmsAnInput(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n"
	for _, name := range []string{"pod.yaml", "target.yaml"} {
		if err := os.WriteFile(name, []byte(pod), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"-o", "pod.yaml", "pod.yaml"}, {"--write-baseline", "pod.yaml", "."}} {
		_, stderr, code := runSalint(t, "", args...)
		if b, _ := os.ReadFile("pod.yaml"); code != ExitError || string(b) != pod || !strings.Contains(stderr, "one of the files salint read") {
			t.Errorf("%v: exit %d, stderr %q; the input must be left as it was", args, code, stderr)
		}
	}
	if err := os.Symlink("target.yaml", "report.json"); err != nil {
		t.Fatal(err)
	}
	if _, _, code := runSalint(t, "", "-f", "json", "-o", "report.json", "pod.yaml"); code != ExitFindings {
		t.Fatalf("exit %d", code)
	}
	if b, _ := os.ReadFile("target.yaml"); string(b) != pod {
		t.Error("the symlink's target was overwritten")
	}
	if fi, err := os.Lstat("report.json"); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("report.json is %v, %v; want the report in place of the link", fi.Mode(), err)
	}
}
