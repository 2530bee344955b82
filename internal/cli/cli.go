package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/open-policy-agent/opa/v1/version"

	"github.com/salint/salint/internal/ruledoc"
	"github.com/salint/salint/pkg/baseline"
	"github.com/salint/salint/pkg/config"
	"github.com/salint/salint/pkg/engine"
	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/lint"
	"github.com/salint/salint/pkg/report"
	"github.com/salint/salint/rules"
)

// Build metadata, overridable with -ldflags "-X".
var (
	Version = ""
	Commit  = ""
)

// Env is the process's surroundings, so that tests can stand in for them.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// StdoutIsTerminal says whether Stdout is a terminal (for colour).
	StdoutIsTerminal bool
}

// Main runs salint and returns the exit code.
func Main(args []string, env Env) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(env.Stderr, "salint: internal error (please report it): %v\n%s", r, debug.Stack())
			code = ExitError
		}
	}()
	o, err := Parse(args)
	if err == nil {
		err = mistypedCommand(o, pathExists)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "salint: %v\nRun 'salint --help' for usage.\n", err)
		return ExitError
	}
	code, err = run(o, env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "salint: %v\n", err)
		return ExitError
	}
	return code
}

// colour says whether standard output gets colour: only on a terminal,
// and neither NO_COLOR nor --no-color (SPEC §3).
func colour(o *Options, env Env) bool {
	return env.StdoutIsTerminal && env.Getenv("NO_COLOR") == "" && !o.NoColor
}

// pathExists says whether a path names anything, a dangling symlink
// included.
func pathExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func run(o *Options, env Env) (int, error) {
	switch o.Command {
	case CmdHelp:
		fmt.Fprint(env.Stdout, Usage())
		return ExitOK, nil
	case CmdVersion:
		fmt.Fprint(env.Stdout, versionText())
		return ExitOK, nil
	}
	ctx := context.Background()
	cfg, err := loadConfig(o, env)
	var broken *configError
	if err != nil && !errors.As(err, &broken) {
		return ExitError, err
	}
	pols := policies(o, cfg)
	eng, err := engine.NewWithPolicies(ctx, rules.FS, pols,
		engine.WithPolicyTimeout(o.PolicyTimeout), engine.WithDocRef(docRef(tool().Version)))
	if err != nil {
		if len(pols) > 0 {
			return ExitError, fmt.Errorf("loading the rules: %w", err)
		}
		return ExitError, fmt.Errorf("loading the built-in rules: %w", err)
	}
	if broken != nil {
		return ExitError, allConfigErrors(broken, eng)
	}
	if cfg, err = checkConfig(cfg, eng); err != nil {
		return ExitError, err
	}
	switch o.Command {
	case CmdRules:
		return rulesCommand(o, cfg, eng, env)
	case CmdExplain:
		r := eng.Rule(o.Explain)
		if r == nil {
			return ExitError, usagef("no rule %q (see 'salint rules')", o.Explain)
		}
		if o.ExplainFormat == "markdown" {
			fmt.Fprint(env.Stdout, ruledoc.Explain(r))
		} else {
			fmt.Fprint(env.Stdout, ruledoc.ExplainText(r, colour(o, env)))
		}
		return ExitOK, nil
	}
	return lintCommand(ctx, o, cfg, eng, env)
}

func lintCommand(ctx context.Context, o *Options, cfg *config.Config, eng *engine.Engine, env Env) (int, error) {
	lc := lint.Config{
		Paths:          o.Paths,
		Stdin:          env.Stdin,
		Exclude:        o.Exclude,
		Namespace:      o.Namespace,
		MaxFileSize:    o.MaxFileSize,
		Jobs:           o.Jobs,
		MinSeverity:    o.MinSeverity,
		TuneGC:         os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "",
		FollowSymlinks: o.FollowSymlinks,
		NoSourceLines:  !showsSourceLines(o.Reports),
		Charts:         charts{o: o, cfg: cfg},
		Kustomizations: kustomizations{o: o},
	}
	if err := applyConfig(o, cfg, eng, &lc); err != nil {
		return ExitError, err
	}
	var base *baseline.Baseline
	baseOwn := false
	if o.Baseline != "" {
		var err error
		if base, baseOwn, err = readBaseline(o.Baseline, o.MaxFileSize); err != nil {
			return ExitError, err
		}
	}
	lc.OwnFiles = ownFiles(o, cfg, baseOwn, o.MaxFileSize)
	rep, err := lint.Run(ctx, eng, lc)
	if err != nil {
		return ExitError, err
	}
	if o.Verbose {
		for _, u := range rep.Units {
			fmt.Fprintf(env.Stderr, "salint: %s\n", unitLine(u))
		}
	}
	rep.Rules = configuredRules(rep.Rules, lc)
	rep.Tool = tool()
	for _, r := range rep.Rules {
		r.Doc = ruledoc.Page(r)
	}
	if o.WriteBaseline != "" {
		if err := writeBaseline(o.WriteBaseline, rep, env); err != nil {
			return ExitError, err
		}
	}
	if base != nil {
		applyBaseline(base, o.Baseline, rep)
	}
	wd, err := os.Getwd()
	if err != nil {
		return ExitError, fmt.Errorf("finding the working directory: %w", err)
	}
	root := o.SARIFRoot
	if root == "" {
		root = wd
	}
	if root, err = filepath.Abs(root); err != nil {
		return ExitError, fmt.Errorf("--sarif-root: %w", err)
	}
	ropts := report.Options{SARIFRoot: root, SARIFCategory: o.SARIFCategory, WorkDir: wd, ShowSuppressed: o.ShowSuppressed}
	ropts.StepSummary = env.Getenv("GITHUB_STEP_SUMMARY")

	if err := writeReports(o, rep, ropts, env); err != nil {
		return ExitError, err
	}
	if o.WriteBaseline != "" && len(rep.Errors) == 0 {
		return ExitOK, nil // the findings are now the accepted baseline
	}
	return exitCode(rep, o), nil
}

// showsSourceLines says whether any of the reports prints source lines,
// which the run must then keep.
func showsSourceLines(reports []ReportOutput) bool {
	for _, r := range reports {
		if report.ShowsSourceLines(r.Format) {
			return true
		}
	}
	return false
}

// writeReports writes every report of the run from the same findings, in
// the order given. A report that fails leaves its file as it was and the
// others are still written; each failure is an error naming the report.
// The step summary is appended once, by the first github report whose
// file could be created.
func writeReports(o *Options, rep *finding.Report, ropts report.Options, env Env) error {
	var failed []error
	type target struct {
		ReportOutput
		file *outputFile // nil for standard output
	}
	var targets []target
	for _, out := range o.Reports {
		if out.File == "" {
			targets = append(targets, target{ReportOutput: out})
			continue
		}
		f, err := createOutput(out.File, rep.Inputs)
		if err != nil {
			failed = append(failed, fmt.Errorf("writing the %s report %s: %w", out.Format, out.File, err))
			continue
		}
		targets = append(targets, target{out, f})
	}
	summary := ropts.StepSummary
	for _, t := range targets {
		opts := ropts
		opts.StepSummary = ""
		if t.Format == "github" {
			opts.StepSummary, summary = summary, ""
		}
		if t.file == nil {
			opts.Color = env.StdoutIsTerminal && env.Getenv("NO_COLOR") == "" && !o.NoColor
			if err := report.Write(env.Stdout, t.Format, rep, opts); err != nil {
				failed = append(failed, fmt.Errorf("writing the %s report to standard output: %w", t.Format, err))
			}
			continue
		}
		err := report.Write(t.file, t.Format, rep, opts)
		if err != nil {
			t.file.abort()
		} else {
			err = t.file.commit()
		}
		if err != nil {
			failed = append(failed, fmt.Errorf("writing the %s report %s: %w", t.Format, t.File, err))
		}
	}
	if len(failed) == 0 {
		return nil
	}
	// Main prints the last failure; the others are printed here.
	for _, err := range failed[:len(failed)-1] {
		fmt.Fprintf(env.Stderr, "salint: %v\n", err)
	}
	return failed[len(failed)-1]
}

// writeBaseline records the findings the manifests do not suppress (a
// suppressed finding stays suppressed by its own marker).
func writeBaseline(name string, rep *finding.Report, env Env) error {
	var keep []finding.Finding
	for _, f := range rep.Findings {
		if !f.Suppressed {
			keep = append(keep, f)
		}
	}
	f, err := createOutput(name, rep.Inputs)
	if err != nil {
		return fmt.Errorf("writing the baseline: %w", err)
	}
	if err := baseline.Write(f, keep); err != nil {
		f.abort()
		return fmt.Errorf("writing the baseline %s: %w", name, err)
	}
	if err := f.commit(); err != nil {
		return fmt.Errorf("writing the baseline %s: %w", name, err)
	}
	fmt.Fprintf(env.Stderr, "salint: recorded %d findings in the baseline %s\n", len(keep), name)
	return nil
}

// applyBaseline drops the findings the baseline b, read from name,
// records and says how many.
func applyBaseline(b *baseline.Baseline, name string, rep *finding.Report) {
	kept, n := b.Filter(rep.Findings)
	rep.Findings = kept
	rep.CountFindings()
	rep.Notes = append(rep.Notes, fmt.Sprintf("%d findings recorded in the baseline %s are not reported", n, name))
	if b.Version == 1 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("the baseline %s was written by an older salint (version 1), whose findings ignored the file: "+
			"each recorded finding is now matched in the file it was recorded in, and %d findings it would have hidden in other files are reported; "+
			"write the baseline again with --write-baseline to accept them", name, b.Unfiled(kept)))
	}
}

// exitCode applies SPEC §4: errors win over findings.
func exitCode(rep *finding.Report, o *Options) int {
	if len(rep.Errors) > 0 || o.FailIfNoObjects && rep.Summary.Objects == 0 {
		return ExitError
	}
	if o.FailOnNone {
		return ExitOK
	}
	for _, f := range rep.Findings {
		if !f.Suppressed && f.Severity >= o.FailOn {
			return ExitFindings
		}
	}
	return ExitOK
}

func tool() finding.Tool {
	v, c := buildVersion()
	return finding.Tool{Name: "salint", Version: v, Commit: c, OPAVersion: version.Version}
}

// buildVersion reads the module version and VCS revision from the build,
// unless -ldflags set them.
func buildVersion() (string, string) {
	v, c := Version, Commit
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && c == "" {
				c = s.Value
			}
		}
	}
	if v == "" {
		v = "devel"
	}
	return v, c
}

// releaseVersion is a release's version, vX.Y.Z with an optional
// pre-release, and build metadata (Go adds +dirty) that leaves the tag as it
// was; pseudoVersion is Go's version of an untagged commit, which no tag
// names.
var (
	releaseVersion = regexp.MustCompile(`^(v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?:\+[0-9A-Za-z.-]+)?$`)
	pseudoVersion  = regexp.MustCompile(`\d{14}-[0-9a-f]{12}(?:\+[0-9A-Za-z.-]+)?$`)
)

// docRef is the git ref the built-in rules' documentation links point at:
// the release tag a release build was made from, whose docs describe the
// rules it runs; "" (main) for any other build.
func docRef(version string) string {
	m := releaseVersion.FindStringSubmatch(version)
	if m == nil || pseudoVersion.MatchString(version) {
		return ""
	}
	return m[1]
}

func versionText() string {
	t := tool()
	var b strings.Builder
	commit := t.Commit
	if commit == "" {
		commit = "unknown" // built without VCS information
	}
	fmt.Fprintf(&b, "salint %s\ncommit %s\nopa %s\n", t.Version, commit, t.OPAVersion)
	return b.String()
}

// unitLine describes one rendered unit for -v: "rendered chart deploy/web
// (values ci/a-values.yaml): 12 documents, 10 objects, 0 errors".
func unitLine(u finding.RenderedUnit) string {
	what := "built kustomization " + u.Root
	if u.Type == finding.SourceHelm {
		what = "rendered chart " + u.Root
		if u.Scenario != "" {
			what += " (values " + u.Scenario + ")"
		}
	}
	return fmt.Sprintf("%s: %d documents, %d objects, %d errors", what, u.Documents, u.Objects, u.Errors)
}
