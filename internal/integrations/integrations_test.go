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

// The salint-docker hook runs the release image of the version being
// released: the tag the release workflow checks, the newest CHANGELOG
// section, and the version the README's examples pin.
func TestPreCommitDockerHook(t *testing.T) {
	var hooks []map[string]any
	readYAML(t, ".pre-commit-hooks.yaml", &hooks)
	var h map[string]any
	for _, x := range hooks {
		if x["id"] == "salint-docker" {
			h = x
		}
	}
	if h == nil {
		t.Fatal("no hook salint-docker")
	}
	version := changelogVersion(t)
	for key, want := range map[string]any{
		"language": "docker_image", "entry": "ghcr.io/salint/salint:v" + version,
		"require_serial": true, "types_or": []any{"yaml", "json"}, "args": []any{"--"},
	} {
		if got := h[key]; !equalYAML(got, want) {
			t.Errorf("hook salint-docker: %s = %v, want %v", key, got, want)
		}
	}
	readme := readFile(t, "README.md")
	for _, pin := range []string{"salint/salint@v" + version, "rev: v" + version, "ghcr.io/salint/salint:v" + version, "cmd/salint@v" + version} {
		if !strings.Contains(readme, pin) {
			t.Errorf("README.md does not pin %s", pin)
		}
	}
	if strings.Contains(readme, "salint@latest") {
		t.Error("README.md installs @latest: pin the release")
	}
}

// goMinor is the Go minor version go.mod's go line names ("1.26").
func goMinor(t *testing.T) string {
	t.Helper()
	for _, line := range strings.Split(readFile(t, "go.mod"), "\n") {
		if v, ok := strings.CutPrefix(line, "go "); ok {
			parts := strings.Split(strings.TrimSpace(v), ".")
			if len(parts) >= 2 {
				return parts[0] + "." + parts[1]
			}
		}
	}
	t.Fatal("go.mod has no go line")
	return ""
}

// changelogVersion is the version of CHANGELOG.md's newest section.
func changelogVersion(t *testing.T) string {
	t.Helper()
	for _, line := range strings.Split(readFile(t, "CHANGELOG.md"), "\n") {
		if rest, ok := strings.CutPrefix(line, "## ["); ok {
			v, _, _ := strings.Cut(rest, "]")
			return v
		}
	}
	t.Fatal("CHANGELOG.md has no version section")
	return ""
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The action downloads archives by the names GoReleaser gives them.
func TestReleaseArchiveNames(t *testing.T) {
	var cfg struct {
		Builds []struct {
			Goos   []string `yaml:"goos"`
			Goarch []string `yaml:"goarch"`
		} `yaml:"builds"`
		Archives []struct {
			NameTemplate    string   `yaml:"name_template"`
			Formats         []string `yaml:"formats"`
			FormatOverrides []struct {
				Goos    string   `yaml:"goos"`
				Formats []string `yaml:"formats"`
			} `yaml:"format_overrides"`
		} `yaml:"archives"`
		Checksum struct {
			NameTemplate string `yaml:"name_template"`
		} `yaml:"checksum"`
	}
	readYAML(t, ".goreleaser.yaml", &cfg)
	if len(cfg.Builds) != 1 || len(cfg.Archives) != 1 {
		t.Fatalf("want one build and one archive, got %d and %d", len(cfg.Builds), len(cfg.Archives))
	}
	a := cfg.Archives[0]
	if a.NameTemplate != "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}" || !equalYAML(a.Formats, []string{"tar.gz"}) ||
		len(a.FormatOverrides) != 1 || a.FormatOverrides[0].Goos != "windows" || !equalYAML(a.FormatOverrides[0].Formats, []string{"zip"}) {
		t.Errorf("archive names changed (%+v): internal/action/install.sh downloads salint_X.Y.Z_<os>_<arch>.tar.gz (.zip on windows)", a)
	}
	if cfg.Checksum.NameTemplate != "checksums.txt" {
		t.Errorf("checksum file %q: the action reads checksums.txt", cfg.Checksum.NameTemplate)
	}
	if !equalYAML(cfg.Builds[0].Goos, []string{"linux", "darwin", "windows"}) || !equalYAML(cfg.Builds[0].Goarch, []string{"amd64", "arm64"}) {
		t.Errorf("platforms %v/%v: the action and the README list linux, darwin, windows on amd64, arm64", cfg.Builds[0].Goos, cfg.Builds[0].Goarch)
	}
	script := readFile(t, "internal/action/install.sh")
	for _, want := range []string{"checksums.txt", "salint_", ".tar.gz", ".zip"} {
		if !strings.Contains(script, want) {
			t.Errorf("internal/action/install.sh does not mention %q", want)
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

// Every workflow grants nothing by default, pins what it uses by commit,
// and keeps expressions out of scripts; ci.yml runs the checks a release
// depends on, and release.yml signs with its OIDC identity.
func TestWorkflows(t *testing.T) {
	names, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no workflows: %v", err)
	}
	runsOf := map[string]string{}
	for _, name := range names {
		base := filepath.Base(name)
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var top map[string]yaml.Node
		if err := yaml.Unmarshal(b, &top); err != nil {
			t.Fatal(err)
		}
		perm, ok := top["permissions"]
		if !ok || perm.Kind != yaml.MappingNode || len(perm.Content) != 0 {
			t.Errorf("%s: top-level permissions must be {}", base)
		}
		var wf struct {
			Jobs map[string]struct {
				Permissions map[string]string `yaml:"permissions"`
				Steps       []workflowStep    `yaml:"steps"`
			} `yaml:"jobs"`
		}
		if err := yaml.Unmarshal(b, &wf); err != nil {
			t.Fatal(err)
		}
		var runs []string
		for job, j := range wf.Jobs {
			for _, s := range j.Steps {
				if s.Uses != "" && s.Uses != "./" && !shaPinned.MatchString(s.Uses) {
					t.Errorf("%s job %s: uses %q is not pinned to a commit SHA", base, job, s.Uses)
				}
				// setup-go takes go.mod's Go, or the newest patch of its
				// minor version (what releases are built and scanned with).
				if strings.HasPrefix(s.Uses, "actions/setup-go@") && s.With["go-version-file"] != "go.mod" &&
					(s.With["go-version"] != goMinor(t)+".x" || s.With["check-latest"] != "true") {
					t.Errorf("%s job %s: setup-go takes neither go-version-file: go.mod nor go-version: %s.x with check-latest", base, job, goMinor(t))
				}
				if strings.HasPrefix(s.Uses, "actions/checkout@") && s.With["persist-credentials"] != "false" {
					t.Errorf("%s job %s: checkout keeps the token in .git (persist-credentials: false)", base, job)
				}
				if anyExpr.MatchString(s.Run) {
					t.Errorf("%s job %s: run contains a ${{ }} expression; pass it through env", base, job)
				}
				runs = append(runs, strings.Fields(s.Run)...)
			}
			if base == "release.yml" && j.Permissions["id-token"] != "write" {
				t.Errorf("release.yml job %s: keyless signing needs id-token: write", job)
			}
		}
		runsOf[base] = " " + strings.Join(runs, " ") + " "
		// GitHub has no ../shared: make test there says so, and only there.
		var env struct {
			Env map[string]string `yaml:"env"`
		}
		if err := yaml.Unmarshal(b, &env); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(runsOf[base], " make test ") && env.Env["SALINT_SHARED"] != "absent" {
			t.Errorf("%s runs make test without env SALINT_SHARED: absent", base)
		}
	}
	for wf, cmds := range map[string][]string{
		"ci.yml":      {"make test", "make lint", "make release-check", "make vulncheck", "make race"},
		"release.yml": {"make test", "make vulncheck", "goreleaser release --clean", "cosign verify-blob", "cosign verify"},
	} {
		for _, cmd := range cmds {
			if !strings.Contains(runsOf[wf], " "+cmd+" ") {
				t.Errorf("%s: never runs %q", wf, cmd)
			}
		}
	}
	if strings.Contains(readFile(t, ".ci/run"), "SALINT_SHARED") {
		t.Error(".ci/run sets SALINT_SHARED: there the shared tests must run")
	}
	ci, err := os.ReadFile(filepath.Join(root, ".github", "workflows", "ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ci), "uses: ./\n") {
		t.Errorf("ci.yml: the repository's own action (uses: ./) is never run")
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
