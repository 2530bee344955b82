package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestParseReports: -f FORMAT[=FILE] is repeatable; FILE "-" is standard
// output, a format without FILE goes to -o or standard output; one report
// at most goes to standard output, and no two outputs share a file.
func TestParseReports(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    []ReportOutput
		wantErr string
	}{
		{"default text", nil, []ReportOutput{{"text", ""}}, ""},
		{"one format", []string{"-f", "json"}, []ReportOutput{{"json", ""}}, ""},
		{"one format to -o", []string{"-f", "sarif", "-o", "x.sarif"}, []ReportOutput{{"sarif", "x.sarif"}}, ""},
		{"text to -o", []string{"-o", "x.txt"}, []ReportOutput{{"text", "x.txt"}}, ""},
		{"-o - is standard output", []string{"-o", "-", "-f", "json"}, []ReportOutput{{"json", ""}}, ""},
		{"=- is standard output", []string{"-f", "compact=-"}, []ReportOutput{{"compact", ""}}, ""},
		{"several", []string{"-f", "sarif=salint.sarif", "-f", "github", "-f", "json=count.json"},
			[]ReportOutput{{"sarif", "salint.sarif"}, {"github", ""}, {"json", "count.json"}}, ""},
		{"the unnamed one to -o", []string{"-f", "github", "-f", "sarif=-", "-o", "annotations.txt"},
			[]ReportOutput{{"github", "annotations.txt"}, {"sarif", ""}}, ""},
		{"--format= form", []string{"--format=json=a.json", "--format", "text"}, []ReportOutput{{"json", "a.json"}, {"text", ""}}, ""},
		{"a FILE holding =", []string{"-f", "json=a=b.json"}, []ReportOutput{{"json", "a=b.json"}}, ""},
		{"the same format to two files", []string{"-f", "json=a.json", "-f", "json=b.json"}, []ReportOutput{{"json", "a.json"}, {"json", "b.json"}}, ""},

		{"unknown format", []string{"-f", "sarf"}, nil, `unknown format "sarf" (want text, compact, json, sarif, github)`},
		{"unknown format with a file", []string{"-f", "xml=a.xml"}, nil, `unknown format "xml" (want text, compact, json, sarif, github)`},
		{"format names are exact", []string{"-f", "JSON"}, nil, `unknown format "JSON"`},
		{"empty FILE", []string{"-f", "json="}, nil, "--format json= names no file (write json=- for standard output)"},
		{"two to standard output", []string{"-f", "text", "-f", "json"}, nil, "only one report can go to standard output, but text and json would"},
		{"two to standard output, one by -", []string{"-f", "sarif=a.sarif", "-f", "github", "-f", "json=-"}, nil, "but github and json would"},
		{"two without FILE with -o", []string{"-f", "sarif", "-f", "github", "-f", "json=a.json", "-o", "x"}, nil,
			"--output takes one report, but sarif and github name no file of their own"},
		{"-o for no report", []string{"-f", "sarif=a.sarif", "-o", "x"}, nil, "--output x is for no report"},
		{"two reports to one file", []string{"-f", "sarif=a", "-f", "json=./a"}, nil, "the sarif report and the json report would both be written to ./a"},
		{"a report and -o to one file", []string{"-f", "sarif=a", "-f", "json", "-o", "a"}, nil, "would both be written to a"},
		{"a report over the baseline written", []string{"-f", "json=b.json", "--write-baseline", "b.json"}, nil,
			"the json report and --write-baseline would both be written to b.json"},
		{"a report over the baseline read", []string{"-o", "b.json", "--baseline", "b.json"}, nil, "the text report would be written over the --baseline b.json"},
		{"fail-on lists none", []string{"--fail-on", "urgent"}, nil, `--fail-on: unknown severity "urgent" (want one of none, info, low, medium, high, critical)`},
		{"min-severity lists every severity", []string{"--min-severity", "urgent"}, nil, "(want one of info, low, medium, high, critical)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Parse(append(tt.args, "deploy"))
			if tt.wantErr != "" {
				if _, ok := err.(*usageError); !ok || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want a usage error holding %q", tt.args, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.args, err)
			}
			if !reflect.DeepEqual(o.Reports, tt.want) {
				t.Errorf("Parse(%q).Reports = %+v, want %+v", tt.args, o.Reports, tt.want)
			}
		})
	}
}

// TestRulesFormatStaysSingle: salint rules takes --format once.
func TestRulesFormatStaysSingle(t *testing.T) {
	o, err := Parse([]string{"rules", "-f", "markdown"})
	if err != nil || o.RuleFormat != "markdown" {
		t.Fatalf("rules -f markdown: %+v, %v", o, err)
	}
	if _, err := Parse([]string{"rules", "-f", "json", "-f", "text"}); err == nil || !strings.Contains(err.Error(), "--format may be given once for salint rules") {
		t.Errorf("rules with two formats: error %v", err)
	}
}

// runSalintEnv is runSalint with environment variables and a terminal.
func runSalintEnv(t *testing.T, env map[string]string, terminal bool, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(args, Env{
		Stdin:  strings.NewReader(""),
		Stdout: &out, Stderr: &errOut,
		Getenv:           func(k string) string { return env[k] },
		StdoutIsTerminal: terminal,
	})
	return out.String(), errOut.String(), code
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSeveralReportsOneRun: one run writes SARIF, GitHub annotations and
// JSON, each exactly as a run for that format alone would, appends the
// step summary once, and exits as that run would.
func TestSeveralReportsOneRun(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	const input = "testdata/manifests"
	single := map[string]string{}
	for _, format := range []string{"sarif", "github", "json", "text"} {
		out, _, code := runSalint(t, "", "-f", format, input)
		if code != ExitFindings {
			t.Fatalf("-f %s: exit %d", format, code)
		}
		single[format] = out
	}

	summary := filepath.Join(dir, "summary.md")
	sarifFile, jsonFile := filepath.Join(dir, "salint.sarif"), filepath.Join(dir, "count.json")
	env := map[string]string{"GITHUB_STEP_SUMMARY": summary}
	out, stderr, code := runSalintEnv(t, env, false, "-f", "sarif="+sarifFile, "-f", "github", "-f", "json="+jsonFile, input)
	if code != ExitFindings || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if out != single["github"] {
		t.Errorf("the annotations differ from -f github's:\n%s", diff(single["github"], out))
	}
	gotSARIF := readFile(t, sarifFile)
	if gotSARIF != single["sarif"] {
		t.Errorf("the SARIF file differs from -f sarif's:\n%s", diff(single["sarif"], gotSARIF))
	}
	if got := readFile(t, jsonFile); got != single["json"] {
		t.Errorf("the JSON file differs from -f json's:\n%s", diff(single["json"], got))
	}
	schema, err := jsonschema.NewCompiler().Compile("pkg/report/testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(gotSARIF))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Errorf("the SARIF file does not validate: %v", err)
	}
	if n := strings.Count(readFile(t, summary), "\n## salint: "); n != 0 || !strings.HasPrefix(readFile(t, summary), "## salint: ") {
		t.Errorf("the step summary holds %d more headings after the first, want it written once:\n%s", n, readFile(t, summary))
	}

	// Source lines are kept when any report shows them, whichever is on
	// standard output.
	textFile := filepath.Join(dir, "report.txt")
	out, _, _ = runSalint(t, "", "-f", "json="+jsonFile, "-f", "text", input)
	if out != single["text"] {
		t.Errorf("text beside json lost its source lines or changed:\n%s", diff(single["text"], out))
	}
	out, _, _ = runSalint(t, "", "-f", "text="+textFile, "-f", "json", input)
	if got := readFile(t, textFile); got != single["text"] || out != single["json"] {
		t.Errorf("text to a file beside json on standard output differs:\n%s\n%s", diff(single["text"], got), diff(single["json"], out))
	}
}

// TestGitHubTwiceSummarisesOnce: github may be written to two files; the
// step summary is appended once, by the first.
func TestGitHubTwiceSummarisesOnce(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	summary := filepath.Join(dir, "summary.md")
	a, b := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	_, stderr, code := runSalintEnv(t, map[string]string{"GITHUB_STEP_SUMMARY": summary}, false,
		"-f", "github="+a, "-f", "github="+b, "testdata/manifests/identity")
	if code != ExitFindings {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if readFile(t, a) != readFile(t, b) || !strings.HasPrefix(readFile(t, a), "::") {
		t.Error("the two github reports differ or are empty")
	}
	if n := strings.Count(readFile(t, summary), "## salint: "); n != 1 {
		t.Errorf("the step summary was written %d times, want once", n)
	}
}

// TestReportFailureSparesTheOthers: a report that cannot be written is an
// error naming its file (exit 2), and the other reports are still written.
func TestReportFailureSparesTheOthers(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	missing := filepath.Join(dir, "no-such-dir", "count.json")
	input := "testdata/manifests/identity/workloads.yaml"
	sarifFile := filepath.Join(dir, "salint.sarif")
	out, stderr, code := runSalint(t, "", "-f", "json="+missing, "-f", "sarif="+sarifFile, "-f", "compact=-", "-f", "text="+input, input)
	if code != ExitError {
		t.Errorf("exit %d, want %d", code, ExitError)
	}
	for _, want := range []string{"salint: writing the json report " + missing + ": ", "salint: writing the text report " + input + ": "} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(stderr, "one of the files salint read") {
		t.Errorf("stderr does not say the input was spared:\n%s", stderr)
	}
	if _, err := os.Stat(sarifFile); err != nil {
		t.Errorf("the SARIF report was not written: %v", err)
	}
	if !strings.Contains(out, ": MEDIUM SA010 automount-token: ") {
		t.Errorf("the compact report was not written to standard output:\n%s", out)
	}
	if b := readFile(t, input); !strings.Contains(b, "kind:") {
		t.Error("the input was overwritten")
	}
}

// TestColourOnlyOnTheTerminal: of several reports, only the one on a
// terminal standard output is coloured.
func TestColourOnlyOnTheTerminal(t *testing.T) {
	chdirRoot(t)
	textFile := filepath.Join(t.TempDir(), "report.txt")
	out, _, _ := runSalintEnv(t, nil, true, "-f", "text="+textFile, "-f", "compact", "testdata/manifests/identity")
	if !strings.Contains(out, "\x1b[") {
		t.Error("no colour on the terminal")
	}
	if strings.Contains(readFile(t, textFile), "\x1b[") {
		t.Error("colour in the report file")
	}
}

// TestGoldenSeveralReports: one run writes SARIF and GitHub annotations
// together (with the step summary), each as the golden files hold them.
func TestGoldenSeveralReports(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	sarifFile, summary := filepath.Join(dir, "salint.sarif"), filepath.Join(dir, "summary.md")
	out, stderr, code := runSalintEnv(t, map[string]string{"GITHUB_STEP_SUMMARY": summary}, false,
		"-f", "sarif="+sarifFile, "-f", "github", "testdata/manifests/rbac")
	if code == ExitError {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	compareGolden(t, "testdata/golden/several-reports/rbac.sarif", portable(t, readFile(t, sarifFile)))
	compareGolden(t, "testdata/golden/several-reports/rbac.github", out)
	compareGolden(t, "testdata/golden/several-reports/rbac.github-summary", readFile(t, summary))
	// Each report is the one a run for its format alone writes.
	if !*update {
		compareGolden(t, "testdata/golden/rbac.sarif", portable(t, readFile(t, sarifFile)))
		compareGolden(t, "testdata/golden/rbac.github", out)
	}
}
