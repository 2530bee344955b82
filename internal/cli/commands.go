package cli

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/salint/salint/internal/ruledoc"
	"github.com/salint/salint/pkg/config"
	"github.com/salint/salint/pkg/engine"
	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/lint"
)

// rulesCommand lists the rules; when a configuration is in use (a file,
// or --enable and --disable), with how it runs each: enabled or not, and
// at which severity.
func rulesCommand(o *Options, cfg *config.Config, eng *engine.Engine, env Env) (int, error) {
	var settings map[string]ruledoc.Setting
	if cfg != nil || len(o.Enable) > 0 || len(o.Disable) > 0 {
		var lc lint.Config
		if err := applyConfig(o, cfg, eng, &lc); err != nil {
			return ExitError, err
		}
		settings = map[string]ruledoc.Setting{}
		for _, r := range eng.Rules() {
			sev, ok := lc.Severity[r.ID]
			if !ok {
				sev = r.Severity
			}
			settings[r.ID] = ruledoc.Setting{Enabled: !lc.Disabled[r.ID], Severity: sev}
		}
	}
	return ExitOK, writeRules(env.Stdout, o.RuleFormat, eng.Rules(), settings)
}

// writeRules prints the rules in format; settings, when not nil, are the
// configuration's for each rule ID.
func writeRules(w io.Writer, format string, rs []*finding.Rule, settings map[string]ruledoc.Setting) error {
	switch format {
	case "json":
		type ruleJSON struct {
			ID       string `json:"id"`
			Name     string `json:"name"`
			Enabled  *bool  `json:"enabled,omitempty"`
			Severity string `json:"severity"`
			// DefaultSeverity is the rule's own, beside the configured
			// Severity.
			DefaultSeverity string `json:"defaultSeverity,omitempty"`
			Category        string `json:"category"`
			Title           string `json:"title"`
			HelpURI         string `json:"helpUri"`
		}
		out := make([]ruleJSON, 0, len(rs))
		for _, r := range rs {
			j := ruleJSON{ID: r.ID, Name: r.Name, Severity: r.Severity.String(), Category: r.Category, Title: r.Title, HelpURI: r.DocURL()}
			if s, ok := settings[r.ID]; ok {
				j.Enabled = &s.Enabled
				j.Severity, j.DefaultSeverity = s.Severity.String(), r.Severity.String()
			}
			out = append(out, j)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "markdown":
		if settings != nil {
			_, err := io.WriteString(w, ruledoc.ConfiguredTable(rs, settings))
			return err
		}
		_, err := io.WriteString(w, ruledoc.Table(rs))
		return err
	}
	if settings != nil {
		return writeConfiguredRules(w, rs, settings)
	}
	for _, r := range rs {
		if _, err := fmt.Fprintf(w, "%s  %-36s %-8s  %s\n", r.ID, r.Name, r.Severity, r.Title); err != nil {
			return err
		}
	}
	return nil
}

// writeConfiguredRules is the text list with the configuration's columns:
// whether the rule runs, its severity, and its default severity where the
// configuration changes it.
func writeConfiguredRules(w io.Writer, rs []*finding.Rule, settings map[string]ruledoc.Setting) error {
	const row = "%-6s %-36s %-7s  %-8s  %-8s  %s\n"
	if _, err := fmt.Fprintf(w, row, "ID", "NAME", "ENABLED", "SEVERITY", "DEFAULT", "TITLE"); err != nil {
		return err
	}
	for _, r := range rs {
		s := settings[r.ID]
		enabled, def := "yes", ""
		if !s.Enabled {
			enabled = "no"
		}
		if s.Severity != r.Severity {
			def = r.Severity.String()
		}
		if _, err := fmt.Fprintf(w, row, r.ID, r.Name, enabled, s.Severity, def, r.Title); err != nil {
			return err
		}
	}
	return nil
}
