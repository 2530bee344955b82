// Package cli wires the command line to the lint pipeline: flag parsing is
// a pure function from arguments to Options, and Main only runs what they
// ask and picks the exit code.
package cli

import (
	"cmp"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/salint/salint/pkg/engine"
	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/report"
)

// Exit codes (SPEC §4).
const (
	ExitOK       = 0 // no finding at or above --fail-on
	ExitFindings = 1 // findings at or above --fail-on
	ExitError    = 2 // usage error, or an input that could not be read or parsed
)

// Command is what the user asked salint to do.
type Command string

// Commands.
const (
	CmdLint    Command = "lint"
	CmdRules   Command = "rules"
	CmdExplain Command = "explain"
	CmdVersion Command = "version"
	CmdHelp    Command = "help"
)

// Options is a parsed command line.
type Options struct {
	Command Command
	Paths   []string
	// Reports are what a lint run writes, in the order of the --format
	// flags: the text report on standard output unless they say otherwise.
	Reports []ReportOutput
	// Format is --format when given once: the format of `salint rules`.
	Format string
	// Output is --output: the file of the report whose --format names none.
	Output string
	// formatArgs are the --format flags as given, FORMAT or FORMAT=FILE.
	formatArgs  []string
	FailOn      finding.Severity
	FailOnNone  bool
	MinSeverity finding.Severity
	Namespace   string
	Jobs        int
	MaxFileSize int64
	Exclude     []string
	// FollowSymlinks follows symlinks that lead outside the named paths.
	FollowSymlinks bool
	NoColor        bool
	// ShowSuppressed lists the findings the manifests suppress.
	ShowSuppressed bool
	// Policies are directories of custom Rego rules (docs/custom-rules.md).
	Policies []string
	// PolicyTimeout is how long each custom rule may run.
	PolicyTimeout time.Duration
	// Config names the configuration file; NoConfig skips discovery.
	Config   string
	NoConfig bool
	// Enable and Disable turn rules on and off by ID or name, over the
	// configuration file.
	Enable, Disable []string
	// Verbose says which configuration was used.
	Verbose bool
	// FailOnSet and ExcludeSet record flags given explicitly, which win
	// over the configuration file.
	FailOnSet bool
	// Baseline reports only findings not recorded in this file;
	// WriteBaseline records today's findings in that file.
	Baseline, WriteBaseline string
	SARIFRoot               string
	SARIFCategory           string
	// RuleFormat is the format of `salint rules`.
	RuleFormat string
	// Explain is the rule ID or name of `salint explain`, ExplainFormat
	// how it is printed (text or markdown).
	Explain       string
	ExplainFormat string
	// FirstWord is the first path argument unless "--" came before it: a
	// mistyped subcommand if no such file exists (see mistypedCommand).
	FirstWord string
	// Values and Set are values files and key=value settings for every
	// Helm chart rendered, after the chart's own values and the
	// configuration's; ReleaseName and KubeVersion what it is rendered as.
	Values, Set              []string
	ReleaseName, KubeVersion string
	// FailIfNoObjects makes a run that checks no object an error (exit 2).
	FailIfNoObjects bool
	// ReleaseNameSet and KubeVersionSet record the flags given explicitly,
	// which win over a chart's settings in the configuration file.
	ReleaseNameSet, KubeVersionSet bool
}

// ReportOutput is one report of a lint run: its format, and the file it
// is written to, "" for standard output.
type ReportOutput struct {
	Format string
	File   string
}

// usageError is a command line salint cannot act on.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

const usageText = `salint audits Kubernetes manifests for ServiceAccount security.

Usage:
  salint [flags] [PATH ...]    lint files and directories ("-" reads standard input)
  salint rules [--format text|json|markdown]
                               list the rules; with a configuration in use
                               (.salint.yaml, -c, --enable, --disable), as it
                               runs them: enabled or not, and at which severity
  salint explain [--format text|markdown] ID|NAME
                               a rule's documentation (text for the terminal)
  salint version

Directories holding a Helm chart (Chart.yaml) are rendered, once with the
chart's values and once per ci/*-values.yaml; kustomizations are built from
their entry points; findings point at the template, base or patch line.

Examples:
  salint ./deploy
  salint --values prod-values.yaml --set image.tag=1.2 charts/web
  helm template my-chart | salint -
  salint -f sarif -o salint.sarif .
  salint -f sarif=salint.sarif -f github -f json=salint.json .
  salint -f compact ./deploy
  salint --fail-on high --min-severity medium manifests/

Exit status: 0 no finding at or above --fail-on, 1 such findings, 2 usage or input errors.

Flags:
`

// Parse reads the command line (without the program name).
func Parse(args []string) (*Options, error) {
	o := &Options{Command: CmdLint}
	if len(args) > 0 {
		switch args[0] {
		case "rules":
			o.Command, args = CmdRules, args[1:]
		case "explain":
			o.Command, args = CmdExplain, args[1:]
		case "version":
			o.Command, args = CmdVersion, args[1:]
		case "help":
			o.Command = CmdHelp
			return o, nil
		}
	}
	var failOn, minSeverity string
	var help, version bool
	fs := flagSet(o, &failOn, &minSeverity, &help, &version)
	if err := fs.Parse(args); err != nil {
		return nil, usagef("%v", err)
	}
	if help {
		o.Command = CmdHelp
		return o, nil
	}
	if version {
		o.Command = CmdVersion
		return o, nil
	}
	rest := fs.Args()
	if len(o.formatArgs) > 1 && o.Command != CmdLint {
		return nil, usagef("--format may be given once for salint %s", o.Command)
	}
	if len(o.formatArgs) == 1 {
		o.Format = o.formatArgs[0]
	}
	switch o.Command {
	case CmdRules:
		o.RuleFormat = o.Format
		if o.RuleFormat == "" {
			o.RuleFormat = "text"
		}
		if !slices.Contains(ruleFormats, o.RuleFormat) {
			return nil, badValue("--format", "rules format", o.RuleFormat, ruleFormats)
		}
		if len(rest) > 0 {
			return nil, usagef("salint rules takes no arguments")
		}
		return o, nil
	case CmdExplain:
		o.ExplainFormat = cmp.Or(o.Format, "text")
		if !slices.Contains(explainFormats, o.ExplainFormat) {
			return nil, badValue("--format", "explain format", o.ExplainFormat, explainFormats)
		}
		if len(rest) != 1 {
			return nil, usagef("salint explain takes one rule ID or name")
		}
		o.Explain = rest[0]
		return o, nil
	case CmdVersion:
		return o, nil
	}
	reports, err := parseReports(o.formatArgs, o.Output)
	if err != nil {
		return nil, err
	}
	o.Reports = reports
	if err := checkOutputFiles(o); err != nil {
		return nil, err
	}
	o.FailOnSet = fs.Changed("fail-on")
	o.ReleaseNameSet, o.KubeVersionSet = fs.Changed("release-name"), fs.Changed("kube-version")
	for _, kv := range o.Set {
		if !strings.Contains(kv, "=") {
			return nil, usagef("--set %q: want key=value", kv)
		}
	}
	if o.Config != "" && o.NoConfig {
		return nil, usagef("--config and --no-config exclude each other")
	}
	if failOn == "none" {
		o.FailOnNone = true
	} else {
		sev, err := finding.ParseSeverity(failOn)
		if err != nil {
			return nil, badValue("--fail-on", "severity", failOn, failOnValues())
		}
		o.FailOn = sev
	}
	sev, err := finding.ParseSeverity(minSeverity)
	if err != nil {
		return nil, badValue("--min-severity", "severity", minSeverity, finding.SeverityNames())
	}
	o.MinSeverity = sev
	if o.Jobs < 1 {
		return nil, usagef("--jobs must be at least 1")
	}
	if o.MaxFileSize < 1 {
		return nil, usagef("--max-file-size must be at least 1")
	}
	if len(rest) > 0 && fs.ArgsLenAtDash() != 0 {
		o.FirstWord = rest[0] // after "--" it is a file name, whatever it says
	}
	o.Paths = rest
	if len(o.Paths) == 0 {
		o.Paths = []string{"."}
	}
	stdin := 0
	for _, p := range o.Paths {
		if p == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return nil, usagef(`"-" (standard input) may be named once`)
	}
	return o, nil
}

// The values of the enumerated flags besides the lint --format
// (report.Formats) and --min-severity (finding.SeverityNames).
var (
	ruleFormats    = []string{"text", "json", "markdown"}
	explainFormats = []string{"text", "markdown"}
)

// failOnValues are what --fail-on accepts: a severity, or none.
func failOnValues() []string { return append([]string{"none"}, finding.SeverityNames()...) }

// badValue is the error for a flag given a value outside its set, which it
// lists in full.
func badValue(flag, what, value string, allowed []string) error {
	return usagef("%s: unknown %s %q (want one of %s)", flag, what, value, strings.Join(allowed, ", "))
}

// flagSet declares every flag, for Parse and for Usage.
func flagSet(o *Options, failOn, minSeverity *string, help, version *bool) *pflag.FlagSet {
	fs := pflag.NewFlagSet("salint", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	fs.StringArrayVarP(&o.formatArgs, "format", "f", nil, "write a report as `FORMAT[=FILE]`, FORMAT one of "+strings.Join(report.Formats(), ", ")+
		" (default text); FILE - is standard output, and the report without FILE goes to --output or standard output; repeatable, one report each (for rules, once: "+strings.Join(ruleFormats, ", ")+"; for explain: "+strings.Join(explainFormats, ", ")+")")
	fs.StringVarP(&o.Output, "output", "o", "", "write the report to `FILE` instead of standard output (with several --format, the one that names no FILE)")
	fs.StringVar(failOn, "fail-on", "low", "exit 1 when a finding is at or above this severity ("+strings.Join(failOnValues(), ", ")+")")
	fs.StringVar(minSeverity, "min-severity", "info", "report only findings at or above this severity ("+strings.Join(finding.SeverityNames(), ", ")+")")
	fs.BoolVar(&o.FailIfNoObjects, "fail-if-no-objects", false, "exit 2 when the input holds no Kubernetes object to check (e.g. empty standard input)")
	fs.StringVar(&o.Namespace, "namespace", "default", "namespace of objects that name none")
	fs.StringArrayVar(&o.Exclude, "exclude", nil, "skip paths matching `GLOB` (repeatable; ** matches across directories)")
	fs.BoolVar(&o.FollowSymlinks, "follow-symlinks", false, "follow symlinks that lead outside the named paths (each directory is still read once)")
	fs.IntVar(&o.Jobs, "jobs", runtime.GOMAXPROCS(0), "files parsed and rules evaluated in parallel")
	fs.Int64Var(&o.MaxFileSize, "max-file-size", loader.DefaultMaxFileSize, "largest file read, in `bytes`")
	fs.BoolVar(&o.NoColor, "no-color", false, "never colour the text output (also: NO_COLOR)")
	fs.StringArrayVar(&o.Values, "values", nil, "render Helm charts with the values `FILE` too, after their own (repeatable, in order)")
	fs.StringArrayVar(&o.Set, "set", nil, "render Helm charts with `KEY=VALUE` set, after the values files (repeatable, Helm's --set syntax)")
	fs.StringVar(&o.ReleaseName, "release-name", "", "release `NAME` Helm charts are rendered as (default: the chart's name)")
	fs.StringVar(&o.KubeVersion, "kube-version", "", "Kubernetes `VERSION` Helm charts see in .Capabilities (default: Helm's)")
	fs.StringVarP(&o.Config, "config", "c", "", "read the configuration `FILE` instead of the .salint.yaml found from here up to the repository root")
	fs.BoolVar(&o.NoConfig, "no-config", false, "read no configuration file")
	fs.StringArrayVar(&o.Enable, "enable", nil, "run the rule `ID|NAME` even if the configuration disables it (repeatable)")
	fs.StringArrayVar(&o.Disable, "disable", nil, "do not report the rule `ID|NAME` (repeatable)")
	fs.BoolVarP(&o.Verbose, "verbose", "v", false, "say which configuration file is used and list each chart rendered and kustomization built")
	fs.StringArrayVar(&o.Policies, "policy", nil, "also run the custom Rego rules of `DIR` (repeatable; see docs/custom-rules.md)")
	fs.DurationVar(&o.PolicyTimeout, "policy-timeout", engine.DefaultPolicyTimeout, "how long each custom rule may run; one that runs longer fails (exit 2)")
	fs.StringVar(&o.Baseline, "baseline", "", "report only findings not recorded in the baseline `FILE`")
	fs.StringVar(&o.WriteBaseline, "write-baseline", "", "record today's findings in the baseline `FILE` (the exit status then ignores them)")
	fs.BoolVar(&o.ShowSuppressed, "show-suppressed", false, "also list findings suppressed by salint.io/ignore annotations and # salint:ignore comments")
	fs.StringVar(&o.SARIFRoot, "sarif-root", "", "directory SARIF paths are relative to (default: the working directory)")
	fs.StringVar(&o.SARIFCategory, "sarif-category", "", "SARIF automationDetails.id, to tell several uploads apart")
	fs.BoolVarP(help, "help", "h", false, "show this help")
	fs.BoolVar(version, "version", false, "print the version and exit")
	return fs
}

// Usage is the --help text.
func Usage() string {
	var s1, s2 string
	var b1, b2 bool
	return usageText + flagSet(&Options{}, &s1, &s2, &b1, &b2).FlagUsages()
}

// parseReports reads the --format flags, FORMAT or FORMAT=FILE, into the
// reports of a lint run. A FILE "-" is standard output; a format without
// one goes to output (--output) if given, else to standard output.
func parseReports(specs []string, output string) ([]ReportOutput, error) {
	if len(specs) == 0 {
		specs = []string{"text"}
	}
	var reports []ReportOutput
	var unnamed []string // formats that name no file of their own
	for _, spec := range specs {
		format, file, named := strings.Cut(spec, "=")
		if !slices.Contains(report.Formats(), format) {
			return nil, usagef("unknown format %q (want %s)", format, strings.Join(report.Formats(), ", "))
		}
		if named && file == "" {
			return nil, usagef("--format %s names no file (write %s=- for standard output)", spec, format)
		}
		if !named {
			unnamed = append(unnamed, format)
			file = output
		}
		if file == "-" {
			file = ""
		}
		reports = append(reports, ReportOutput{Format: format, File: file})
	}
	if output != "" {
		switch {
		case len(unnamed) == 0:
			return nil, usagef("--output %s is for no report: every --format names its own file", output)
		case len(unnamed) > 1:
			return nil, usagef("--output takes one report, but %s name no file of their own (write FORMAT=FILE)", joinAnd(unnamed))
		}
	}
	var toStdout []string
	for _, r := range reports {
		if r.File == "" {
			toStdout = append(toStdout, r.Format)
		}
	}
	if len(toStdout) > 1 {
		return nil, usagef("only one report can go to standard output, but %s would (write FORMAT=FILE)", joinAnd(toStdout))
	}
	return reports, nil
}

// checkOutputFiles refuses two outputs to one file, and a report written
// over the baseline the run reads.
func checkOutputFiles(o *Options) error {
	type output struct{ what, file string }
	var outs []output
	for _, r := range o.Reports {
		if r.File != "" {
			outs = append(outs, output{"the " + r.Format + " report", r.File})
		}
	}
	if o.WriteBaseline != "" {
		outs = append(outs, output{"--write-baseline", o.WriteBaseline})
	}
	seen := map[string]string{}
	for _, out := range outs {
		key := samePath(out.file)
		if first, ok := seen[key]; ok {
			return usagef("%s and %s would both be written to %s", first, out.what, out.file)
		}
		seen[key] = out.what
	}
	if what, ok := seen[samePath(o.Baseline)]; ok && o.Baseline != "" {
		return usagef("%s would be written over the --baseline %s it reads", what, o.Baseline)
	}
	return nil
}

// mistypedCommand is a usage error when the first argument, taken for a
// path, names nothing that exists but is close to a subcommand: `salint
// rule` means `salint rules`, not a file that is missing. A file or
// directory of that name is linted as any other. exists is injected so
// that Parse stays a pure function and tests choose what exists.
func mistypedCommand(o *Options, exists func(string) bool) error {
	w := o.FirstWord
	if w == "" || strings.ContainsAny(w, `/\.`) || exists(w) {
		return nil
	}
	c, ok := nearestCommand(w)
	if ok && string(c) == strings.ToLower(w) {
		return usagef("%q is a subcommand, named before any flag: salint %s [flags] (there is no file or directory %q to lint either)", w, c, w)
	}
	if ok {
		return usagef("unknown command %q; did you mean %q? (there is no file or directory %q to lint either)", w, c, w)
	}
	return nil
}

// samePath is name made comparable with another path to the same file:
// absolute and clean (links are not followed).
func samePath(name string) string {
	if abs, err := filepath.Abs(name); err == nil {
		return abs
	}
	return filepath.Clean(name)
}

// joinAnd is "a", "a and b", "a, b and c".
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// nearestCommand is the subcommand w most likely misspells: one it starts
// (two letters at least), or one at most two edits away.
func nearestCommand(w string) (Command, bool) {
	w = strings.ToLower(w)
	best, bestDist := Command(""), 3
	for _, c := range []Command{CmdRules, CmdExplain, CmdVersion, CmdHelp} {
		d := editDistance(w, string(c))
		if len(w) >= 2 && strings.HasPrefix(string(c), w) {
			d = min(d, 1)
		}
		if d < bestDist {
			best, bestDist = c, d
		}
	}
	return best, best != ""
}

// editDistance is the Levenshtein distance of a and b, in bytes (command
// names are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
