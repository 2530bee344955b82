package lint

import (
	"fmt"
	"strings"

	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/model"
)

// commentMarker starts an in-source suppression: "# salint:ignore SA010,SA001
// the reason", on the offending line or the line above it. A comment
// survives `helm template`, so it works in chart templates.
const commentMarker = "salint:ignore"

// suppressor decides which findings the manifests themselves suppress, and
// collects warnings for ignores that name no rule.
type suppressor struct {
	known func(idOrName string) bool
	notes []string
	seen  map[string]bool // warnings already given
}

// matches says whether an ignore list names the finding's rule, by ID (any
// case) or name.
func matches(ids []string, r *finding.Rule) bool {
	for _, id := range ids {
		if strings.EqualFold(id, r.ID) || id == r.Name {
			return true
		}
	}
	return false
}

// annotation applies the object's salint.io/ignore annotation.
func (s *suppressor) annotation(f *finding.Finding, x *model.Extracted) bool {
	if len(x.Ignore) == 0 {
		return false
	}
	s.warnUnknown(x.Ignore, fmt.Sprintf("%s (%s)", annotationPlace(x), model.IgnoreAnnotation))
	if !matches(x.Ignore, f.Rule) {
		return false
	}
	f.Suppressed, f.Justification = true, x.IgnoreReason
	return true
}

func annotationPlace(x *model.Extracted) string {
	o := x.Source
	pos := o.Pos(loader.Path{"metadata", "annotations", model.IgnoreAnnotation})
	return fmt.Sprintf("%s:%d:%d", o.File, pos.Line, pos.Column)
}

// comment applies a "# salint:ignore" comment on the finding's line or the
// line above it.
func (s *suppressor) comment(f *finding.Finding, line, above string) bool {
	for i, text := range []string{line, above} {
		ids, reason, ok := parseIgnoreComment(text)
		if !ok {
			continue
		}
		s.warnUnknown(ids, fmt.Sprintf("%s:%d (# %s)", f.File, f.Line-i, commentMarker))
		if matches(ids, f.Rule) {
			f.Suppressed, f.Justification = true, reason
			return true
		}
	}
	return false
}

func (s *suppressor) warnUnknown(ids []string, where string) {
	for _, id := range ids {
		key := where + "\x00" + id
		if s.known(id) || s.seen[key] {
			continue
		}
		s.seen[key] = true
		s.notes = append(s.notes, fmt.Sprintf("%s: ignore names %q, which is no rule salint knows", where, id))
	}
}

// parseIgnoreComment reads "# salint:ignore ID[,ID...] [reason]" from a
// source line: a YAML comment, alone on its line or after a value.
func parseIgnoreComment(text string) (ids []string, reason string, ok bool) {
	i := strings.Index(text, "#")
	for i >= 0 {
		rest := strings.TrimSpace(text[i+1:])
		if after, found := strings.CutPrefix(rest, commentMarker); found && (after == "" || after[0] == ' ' || after[0] == '\t') {
			fields := strings.Fields(after)
			if len(fields) == 0 {
				return nil, "", false
			}
			for _, id := range strings.Split(fields[0], ",") {
				if id = strings.TrimSpace(id); id != "" {
					ids = append(ids, id)
				}
			}
			return ids, strings.Join(fields[1:], " "), len(ids) > 0
		}
		j := strings.Index(text[i+1:], "#")
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return nil, "", false
}
