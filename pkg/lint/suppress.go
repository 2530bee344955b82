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
	// sets are each annotated object's ignore list as a set, made once:
	// an annotation may list thousands of IDs and an object carry as many
	// findings; parsed holds the comments read so far.
	sets   map[*model.Extracted]map[string]bool
	parsed map[string]parsedComment
}

// ignoreSet is an ignore list as a set of upper-case IDs and names.
func ignoreSet(ids []string) map[string]bool {
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[strings.ToUpper(id)] = true
		set[id] = true
	}
	return set
}

// names reports whether an ignore set names the finding's rule, by ID (any
// case) or name.
func names(set map[string]bool, r *finding.Rule) bool {
	return set[strings.ToUpper(r.ID)] || set[r.Name]
}

// annotation applies the object's salint.io/ignore annotation.
func (s *suppressor) annotation(f *finding.Finding, x *model.Extracted) bool {
	if len(x.Ignore) == 0 {
		return false
	}
	set, ok := s.sets[x]
	if !ok {
		// Once per object: the warnings and the set.
		s.warnUnknown(x.Ignore, fmt.Sprintf("%s (%s)", annotationPlace(x), model.IgnoreAnnotation))
		set = ignoreSet(x.Ignore)
		if s.sets == nil {
			s.sets = map[*model.Extracted]map[string]bool{}
		}
		s.sets[x] = set
	}
	if !names(set, f.Rule) {
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
// line above it (the comments' texts, "" for none).
func (s *suppressor) comment(f *finding.Finding, line, above string) bool {
	for i, text := range []string{line, above} {
		if text == "" {
			continue
		}
		c, ok := s.parsed[text]
		if !ok {
			c.ids, c.reason, c.ok = parseIgnoreComment(text)
			c.set = ignoreSet(c.ids)
			if s.parsed == nil {
				s.parsed = map[string]parsedComment{}
			}
			s.parsed[text] = c
		}
		if !c.ok {
			continue
		}
		s.warnUnknown(c.ids, fmt.Sprintf("%s:%d (# %s)", f.File, f.Line-i, commentMarker))
		if names(c.set, f.Rule) {
			f.Suppressed, f.Justification = true, c.reason
			return true
		}
	}
	return false
}

// parsedComment is an ignore comment read once.
type parsedComment struct {
	ids    []string
	set    map[string]bool
	reason string
	ok     bool
}

// maxUnknownNamed bounds the unknown rule names one warning lists.
const maxUnknownNamed = 5

// warnUnknown warns, once per place, about the names of an ignore list that
// are no rule: a few by name, the rest counted.
func (s *suppressor) warnUnknown(ids []string, where string) {
	if s.seen[where] {
		return
	}
	s.seen[where] = true
	var unknown []string
	for _, id := range ids {
		if !s.known(id) {
			unknown = append(unknown, id)
		}
	}
	for i, id := range unknown {
		if i == maxUnknownNamed {
			s.notes = append(s.notes, fmt.Sprintf("%s: ignore names %d more names that are no rule salint knows", where, len(unknown)-maxUnknownNamed))
			break
		}
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
			if len(ids) == 0 {
				return nil, "", false // "# salint:ignore ," names no rule
			}
			return ids, strings.Join(fields[1:], " "), true
		}
		j := strings.Index(text[i+1:], "#")
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return nil, "", false
}
