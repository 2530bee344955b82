package integrations

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
)

// root is the repository root, relative to this package.
const root = "../.."

var (
	shaPinned = regexp.MustCompile(`^[^@\s]+@[0-9a-f]{40}$`)
	anyExpr   = regexp.MustCompile(`\$\{\{`)
	inputRef  = regexp.MustCompile(`\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}`)
	// A step that runs one of the action's scripts, e.g.
	// bash "$GITHUB_ACTION_PATH/internal/action/run.sh".
	actionScript = regexp.MustCompile(`^bash "\$GITHUB_ACTION_PATH/(internal/action/[a-z]+\.sh)"( [a-z]+)?\n?$`)
	stepOut      = regexp.MustCompile(`^\$\{\{\s*steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\s*\}\}$`)
)

// gobin is the empty GOBIN that `go install ./...` filled, once.
var (
	installOnce sync.Once
	gobin       string
	installErr  error
)

func installed(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the command")
	}
	installOnce.Do(func() {
		goCmd, err := exec.LookPath("go")
		if err != nil {
			installErr = err
			return
		}
		if gobin, installErr = os.MkdirTemp("", "salint-gobin"); installErr != nil {
			return
		}
		cmd := exec.Command(goCmd, "install", "./...")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOBIN="+gobin)
		if out, err := cmd.CombinedOutput(); err != nil {
			installErr = fmt.Errorf("go install ./...: %v\n%s", err, out)
		}
	})
	if installErr != nil {
		t.Fatal(installErr)
	}
	return gobin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if gobin != "" {
		os.RemoveAll(gobin)
	}
	os.Exit(code)
}

// pre-commit's language: golang runs `go install ./...` in the repository,
// so cmd/salint must be the only command it reaches.
func TestGoInstallBuildsOnlySalint(t *testing.T) {
	dir := installed(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := "salint"
	if runtime.GOOS == "windows" {
		want += ".exe"
	}
	if !slices.Equal(names, []string{want}) {
		t.Errorf("go install ./... installed %q, want only %q", names, want)
	}
}

func readYAML(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestPreCommitHooks(t *testing.T) {
	var hooks []map[string]any
	readYAML(t, ".pre-commit-hooks.yaml", &hooks)
	byID := map[string]map[string]any{}
	for _, h := range hooks {
		id, _ := h["id"].(string)
		if _, dup := byID[id]; dup {
			t.Errorf("hook %q declared twice", id)
		}
		byID[id] = h
	}
	for id, language := range map[string]string{"salint": "golang", "salint-system": "system"} {
		h, ok := byID[id]
		if !ok {
			t.Errorf("no hook %q", id)
			continue
		}
		for key, want := range map[string]any{
			"language": language, "entry": "salint", "require_serial": true,
			"types_or": []any{"yaml", "json"},
			// pre-commit appends the staged files: "--" keeps a file named
			// like a flag (--output=x.yaml) a file.
			"args": []any{"--"},
		} {
			if got := h[key]; !equalYAML(got, want) {
				t.Errorf("hook %s: %s = %v, want %v", id, key, got, want)
			}
		}
		if name, _ := h["name"].(string); name == "" {
			t.Errorf("hook %s has no name", id)
		}
		// Files must be passed: salint lints its arguments, or "." without any.
		if pass, ok := h["pass_filenames"]; ok && pass != true {
			t.Errorf("hook %s: pass_filenames = %v, want the default true", id, pass)
		}
		for _, key := range []string{"files", "exclude", "always_run"} {
			if _, ok := h[key]; ok {
				t.Errorf("hook %s: %s is set; types_or alone should choose the files", id, key)
			}
		}
	}
}

func equalYAML(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

type workflowStep struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	If   string            `yaml:"if"`
	With map[string]string `yaml:"with"`
	Env  map[string]string `yaml:"env"`
	// Shell is required in composite actions.
	Shell string `yaml:"shell"`
}

type action struct {
	Name   string `yaml:"name"`
	Inputs map[string]struct {
		Description string  `yaml:"description"`
		Default     *string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string         `yaml:"using"`
		Steps []workflowStep `yaml:"steps"`
	} `yaml:"runs"`
}

func readAction(t *testing.T) action {
	t.Helper()
	var a action
	readYAML(t, "action.yml", &a)
	if a.Runs.Using != "composite" || len(a.Runs.Steps) == 0 {
		t.Fatalf("action.yml: runs.using = %q with %d steps, want a composite action", a.Runs.Using, len(a.Runs.Steps))
	}
	return a
}

func TestActionLint(t *testing.T) {
	a := readAction(t)
	for _, name := range []string{"path", "format", "output", "fail-on", "config", "args"} {
		if _, ok := a.Inputs[name]; !ok {
			t.Errorf("action.yml: no input %q", name)
		}
	}
	if d := a.Inputs["format"].Default; d == nil || *d != "sarif" {
		t.Errorf("action.yml: input format should default to sarif")
	}
	referenced := map[string]bool{}
	stepIDs := map[string]workflowStep{}
	for i, s := range a.Runs.Steps {
		where := "action.yml step " + strconv.Itoa(i+1) + " " + s.Name + s.Uses
		if s.ID != "" {
			stepIDs[s.ID] = s
		}
		if s.Uses != "" && !shaPinned.MatchString(s.Uses) {
			t.Errorf("%s: uses %q is not pinned to a commit SHA", where, s.Uses)
		}
		if s.Run != "" {
			// Expressions in a script are template injection; env is not.
			if anyExpr.MatchString(s.Run) {
				t.Errorf("%s: run contains a ${{ }} expression; pass it through env", where)
			}
			if s.Shell != "bash" {
				t.Errorf("%s: shell = %q, want bash", where, s.Shell)
			}
			stepScript(t, s) // the script it names must exist
		}
		for _, v := range s.Env {
			for _, m := range inputRef.FindAllStringSubmatch(v, -1) {
				referenced[m[1]] = true
			}
		}
	}
	for name, in := range a.Inputs {
		if in.Description == "" {
			t.Errorf("action.yml: input %q has no description", name)
		}
		if !referenced[name] {
			t.Errorf("action.yml: input %q is never passed to a step through env", name)
		}
	}
	for name := range referenced {
		if _, ok := a.Inputs[name]; !ok {
			t.Errorf("action.yml: inputs.%s is used but not declared", name)
		}
	}
	for _, name := range []string{"sarif", "findings"} {
		out, ok := a.Outputs[name]
		if !ok {
			t.Errorf("action.yml: no output %q", name)
			continue
		}
		m := stepOut.FindStringSubmatch(out.Value)
		if m == nil {
			t.Errorf("action.yml: output %s = %q, want a step output", name, out.Value)
			continue
		}
		s, ok := stepIDs[m[1]]
		if !ok {
			t.Errorf("action.yml: output %s names step %q, which does not exist", name, m[1])
		} else if script := stepScript(t, s); !strings.Contains(script, `echo "`+m[2]+`=`) && !strings.Contains(script, "set_output "+m[2]+" ") {
			t.Errorf("action.yml: step %s never writes output %q", m[1], m[2])
		}
	}
}

// stepScript is what a step runs: the repository's script that its run hands
// to bash (internal/action's tests run those), or the run itself.
func stepScript(t *testing.T, s workflowStep) string {
	t.Helper()
	m := actionScript.FindStringSubmatch(s.Run)
	if m == nil {
		return s.Run
	}
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(m[1])))
	if err != nil {
		t.Errorf("action.yml step %s runs %s: %v", s.ID, m[1], err)
	}
	return string(b)
}

func TestCIWorkflow(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, ".github", "workflows", "ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]yaml.Node
	if err := yaml.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	perm, ok := top["permissions"]
	if !ok || perm.Kind != yaml.MappingNode || len(perm.Content) != 0 {
		t.Errorf("ci.yml: top-level permissions must be {}")
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []workflowStep `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatal(err)
	}
	var runs []string
	setupGo, local := false, false
	for job, j := range wf.Jobs {
		for _, s := range j.Steps {
			switch {
			case s.Uses == "./":
				local = true
			case s.Uses != "" && !shaPinned.MatchString(s.Uses):
				t.Errorf("ci.yml job %s: uses %q is not pinned to a commit SHA", job, s.Uses)
			}
			if strings.HasPrefix(s.Uses, "actions/setup-go@") {
				setupGo = true
				if s.With["go-version-file"] != "go.mod" {
					t.Errorf("ci.yml job %s: setup-go without go-version-file: go.mod", job)
				}
			}
			if anyExpr.MatchString(s.Run) {
				t.Errorf("ci.yml job %s: run contains a ${{ }} expression; pass it through env", job)
			}
			runs = append(runs, strings.Fields(s.Run)...)
		}
	}
	if !setupGo {
		t.Errorf("ci.yml: no actions/setup-go step")
	}
	if !local {
		t.Errorf("ci.yml: the repository's own action (uses: ./) is never run")
	}
	joined := " " + strings.Join(runs, " ") + " "
	for _, cmd := range []string{"make test", "make lint"} {
		if !strings.Contains(joined, " "+cmd+" ") {
			t.Errorf("ci.yml: never runs %q", cmd)
		}
	}
}

// The README shows each file of docs/examples, after a marker comment
// naming it; the two must stay byte-identical.
func TestReadmeExamples(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	examples, err := filepath.Glob(filepath.Join(root, "docs", "examples", "*"))
	if err != nil || len(examples) == 0 {
		t.Fatalf("no docs/examples: %v", err)
	}
	shown := readmeBlocks(t, string(readme))
	for _, p := range examples {
		name := "docs/examples/" + filepath.Base(p)
		want, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := shown[name]
		if !ok {
			t.Errorf("README.md does not show %s (<!-- %s --> before a fenced block)", name, name)
			continue
		}
		if got != string(want) {
			t.Errorf("README.md's copy of %s differs from the file:\n--- README\n%s--- file\n%s", name, got, want)
		}
	}
	for name := range shown {
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Errorf("README.md shows %s, which does not exist", name)
		}
	}
}

// readmeBlocks maps each `<!-- docs/examples/NAME -->` marker to the body
// of the fenced code block on the lines right after it.
func readmeBlocks(t *testing.T, readme string) map[string]string {
	lines := strings.SplitAfter(strings.ReplaceAll(readme, "\r\n", "\n"), "\n")
	blocks := map[string]string{}
	for i, line := range lines {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "<!-- docs/examples/")
		if !ok {
			continue
		}
		name := "docs/examples/" + strings.TrimSpace(strings.TrimSuffix(rest, "-->"))
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "```") {
			t.Errorf("README.md: %s marker is not followed by a fenced code block", name)
			continue
		}
		var body strings.Builder
		closed := false
		for _, l := range lines[i+2:] {
			if strings.TrimRight(l, "\n") == "```" {
				closed = true
				break
			}
			body.WriteString(l)
		}
		if !closed {
			t.Errorf("README.md: the block after %s is not closed", name)
		}
		if _, dup := blocks[name]; dup {
			t.Errorf("README.md: %s is shown twice", name)
		}
		blocks[name] = body.String()
	}
	return blocks
}
