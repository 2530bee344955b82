package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/salint/salint/pkg/baseline"
	"github.com/salint/salint/pkg/config"
	"github.com/salint/salint/pkg/engine"
	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/lint"
)

// loadConfig finds and reads the configuration file, unless --no-config.
// Rule references are checked once the engine, with the file's policies,
// exists: see checkConfig.
func loadConfig(o *Options, env Env) (*config.Config, error) {
	if o.NoConfig {
		return nil, nil
	}
	path := o.Config
	if path == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("finding the working directory: %w", err)
		}
		if path, err = config.Discover(wd); err != nil {
			return nil, err
		}
		if path == "" {
			if o.Verbose {
				fmt.Fprintln(env.Stderr, "salint: no configuration file (looked for .salint.yaml up to the repository root, or in the working directory outside a repository)")
			}
			return nil, nil
		}
	}
	anyRule := func(idOrName string) (string, bool) { return idOrName, true }
	cfg, err := config.Load(path, anyRule)
	if err != nil {
		return nil, &configError{path, err}
	}
	if o.Verbose {
		fmt.Fprintf(env.Stderr, "salint: using the configuration %s\n", path)
	}
	return cfg, nil
}

// configError is a configuration file that does not parse. Its rule names
// are checked against the built-in and --policy rules before it is
// reported, so that one run lists every problem of the file.
type configError struct {
	path string
	err  error
}

func (e *configError) Error() string { return e.err.Error() }

// allConfigErrors reads a broken configuration file again with the rules
// known, for the complete list of its errors.
func allConfigErrors(ce *configError, eng *engine.Engine) error {
	_, err := config.Load(ce.path, func(idOrName string) (string, bool) {
		if r := eng.Rule(idOrName); r != nil {
			return r.ID, true
		}
		return "", false
	})
	if err == nil {
		return ce.err
	}
	return err
}

// policies are the configuration's policy directories (relative to it)
// and those of --policy.
func policies(o *Options, cfg *config.Config) []engine.Policy {
	var out []engine.Policy
	if cfg != nil {
		for _, dir := range cfg.Policies {
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(cfg.Dir(), dir)
			}
			out = append(out, engine.Policy{Name: dir, FS: os.DirFS(dir)})
		}
	}
	for _, dir := range o.Policies {
		out = append(out, engine.Policy{Name: dir, FS: os.DirFS(dir)})
	}
	return out
}

// checkConfig reads the file again now that every rule is known, so that a
// rule named in it that does not exist is an error at its line.
func checkConfig(cfg *config.Config, eng *engine.Engine) (*config.Config, error) {
	if cfg == nil {
		return nil, nil
	}
	return config.Load(cfg.File, func(idOrName string) (string, bool) {
		if r := eng.Rule(idOrName); r != nil {
			return r.ID, true
		}
		return "", false
	})
}

// applyConfig sets what the configuration and the flags that override it
// decide in the run's settings.
func applyConfig(o *Options, cfg *config.Config, eng *engine.Engine, lc *lint.Config) error {
	lc.Disabled = map[string]bool{}
	lc.Severity = map[string]finding.Severity{}
	lc.Params = map[string]map[string]any{}
	if cfg != nil {
		for id, rc := range cfg.Rules {
			if rc.Enabled != nil && !*rc.Enabled {
				lc.Disabled[id] = true
			}
			if rc.Severity != nil {
				lc.Severity[id] = *rc.Severity
			}
			if rc.Params != nil {
				lc.Params[id] = rc.Params
			}
		}
		// Globs match paths as salint walks them, as --exclude's do.
		lc.Exclude = append(lc.Exclude, cfg.Exclude...)
		lc.KnownServiceAccounts = append(lc.KnownServiceAccounts, cfg.KnownServiceAccounts...)
		lc.KnownRoles = append(lc.KnownRoles, cfg.KnownRoles...)
		if len(cfg.Exemptions) > 0 {
			lc.Exempt = cfg.Exempt
		}
		if !o.FailOnSet {
			if cfg.FailOnNone {
				o.FailOnNone = true
			} else if cfg.FailOn != nil {
				o.FailOn, o.FailOnNone = *cfg.FailOn, false
			}
		}
	}
	for _, name := range o.Disable {
		r := eng.Rule(name)
		if r == nil {
			return usagef("--disable: no rule %q (see 'salint rules')", name)
		}
		lc.Disabled[r.ID] = true
	}
	for _, name := range o.Enable {
		r := eng.Rule(name)
		if r == nil {
			return usagef("--enable: no rule %q (see 'salint rules')", name)
		}
		delete(lc.Disabled, r.ID)
	}
	return nil
}

// configuredRules are the rules a report describes: without the disabled
// ones, and with the configured severities (copies: the engine's rules are
// shared).
func configuredRules(rules []*finding.Rule, lc lint.Config) []*finding.Rule {
	out := make([]*finding.Rule, 0, len(rules))
	for _, r := range rules {
		if lc.Disabled[r.ID] {
			continue
		}
		if sev, ok := lc.Severity[r.ID]; ok {
			c := *r
			c.Severity = sev
			r = &c
		}
		out = append(out, r)
	}
	return out
}

// ownFiles are the run's files that are salint's own, which the walk
// leaves out (lint.Config.OwnFiles): the configuration in use, the
// baseline read when it is nothing but a baseline (baseOwn), the baseline
// to write when the file there is one (or there is none yet), and each
// report file that holds a report salint wrote (or does not exist yet). A
// manifest named by --write-baseline or as a report file by mistake is
// still read, and so refused as the output (createOutput). Files are read
// up to limit bytes, the --max-file-size the walk itself would apply.
func ownFiles(o *Options, cfg *config.Config, baseOwn bool, limit int64) []string {
	var out []string
	if cfg != nil && cfg.File != "" {
		out = append(out, cfg.File)
	}
	if o.Baseline != "" && baseOwn {
		out = append(out, o.Baseline)
	}
	if o.WriteBaseline != "" && absentOr(o.WriteBaseline, limit, func(data []byte) bool { return isBaseline(data, o.WriteBaseline) }) {
		out = append(out, o.WriteBaseline)
	}
	for _, r := range o.Reports {
		if r.File != "" && absentOr(r.File, limit, isSalintReport) {
			out = append(out, r.File)
		}
	}
	return out
}

// isSalintReport says whether data is one JSON value that is salint's JSON
// report (schemaVersion, tool.name "salint") or its SARIF log (version
// 2.1.0, every run's driver "salint"), and nothing else: no trailing
// document, no apiVersion or kind that would make it a manifest too. A
// planted "report" can then hide no object from the run it is left out of.
func isSalintReport(data []byte) bool {
	if !bytes.HasPrefix(data, []byte("{\n  \"schemaVersion\": ")) && !bytes.HasPrefix(data, []byte("{\n  \"version\": \"2.1.0\",")) {
		return false // not as pkg/report writes either
	}
	if namesManifest(data) {
		return false
	}
	var doc struct {
		SchemaVersion *int   `json:"schemaVersion"`
		Version       string `json:"version"`
		Tool          struct {
			Name string `json:"name"`
		} `json:"tool"`
		Runs []struct {
			Tool struct {
				Driver struct {
					Name string `json:"name"`
				} `json:"driver"`
			} `json:"tool"`
		} `json:"runs"`
	}
	if json.Unmarshal(data, &doc) != nil {
		return false
	}
	if doc.SchemaVersion != nil {
		return doc.Tool.Name == "salint"
	}
	if doc.Version != "2.1.0" || len(doc.Runs) == 0 {
		return false
	}
	for _, r := range doc.Runs {
		if r.Tool.Driver.Name != "salint" {
			return false
		}
	}
	return true
}

// isBaseline says whether data is a baseline and nothing else: a baseline
// that also names an apiVersion or kind could be applied as a manifest, so
// it stays an input (and is refused as an output).
func isBaseline(data []byte, name string) bool {
	_, err := baseline.Read(bytes.NewReader(data), name)
	return err == nil && !namesManifest(data)
}

// namesManifest says whether data could be read as a Kubernetes object
// too: it is not one JSON object (several documents, or YAML), or one of
// its keys is apiVersion or kind in any case, whatever its value or how
// often it appears.
func namesManifest(data []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return true
	}
	for k := range top {
		if strings.EqualFold(k, "kind") || strings.EqualFold(k, "apiVersion") {
			return true
		}
	}
	return false
}

// absentOr says whether name does not exist, or is a regular file (not a
// link to one) of at most limit bytes whose content is salint's own by is.
func absentOr(name string, limit int64, is func([]byte) bool) bool {
	fi, err := os.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return true
	}
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > limit {
		return false
	}
	data, err := readLimited(name, limit)
	return err == nil && is(data)
}

// readLimited reads the file name, which may hold at most limit bytes.
func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than --max-file-size (%d bytes)", name, limit)
	}
	return data, nil
}

// readBaseline reads the --baseline file once, for the findings it
// records and to say whether it is salint's own: a regular file (not a
// link) that is nothing but a baseline.
func readBaseline(name string, limit int64) (b *baseline.Baseline, own bool, err error) {
	data, err := readLimited(name, limit)
	if err != nil {
		return nil, false, fmt.Errorf("reading the baseline: %w", err)
	}
	if b, err = baseline.Read(bytes.NewReader(data), name); err != nil {
		return nil, false, err
	}
	fi, err := os.Lstat(name)
	own = err == nil && fi.Mode().IsRegular() && !namesManifest(data)
	return b, own, nil
}
