package helm

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/salint/salint/pkg/finding"
)

// errLocation matches the template locations Helm's errors name:
// name:line or name:line:column, the column counted in bytes from 0.
var errLocation = regexp.MustCompile(`([^\s()<>":]+):(\d+)(?::(\d+))?`)

type errLoc struct {
	src       *tmplSource
	line, col int // col is -1 when the error names none
}

// renderError turns Helm's error for a failed render into an input error
// located in the source of the innermost template it names.
func renderError(err error, chartName, fallbackFile string, tmpls map[string]*tmplSource, stopped error) finding.InputError {
	msg := err.Error()
	var locs []errLoc
	for _, m := range errLocation.FindAllStringSubmatchIndex(msg, -1) {
		src, ok := tmpls[msg[m[2]:m[3]]]
		if !ok {
			continue
		}
		l := errLoc{src: src, col: -1}
		l.line, _ = strconv.Atoi(msg[m[4]:m[5]])
		if m[6] >= 0 {
			l.col, _ = strconv.Atoi(msg[m[6]:m[7]])
		}
		locs = append(locs, l)
	}
	detail, verb := errorDetail(msg)
	if stopped != nil {
		detail, verb = strings.TrimPrefix(stopped.Error(), errStopped.Error()+": "), "stopped rendering"
	}
	if len(locs) == 0 {
		return finding.InputError{
			Location: finding.Location{File: fallbackFile},
			Message:  fmt.Sprintf("chart %q does not render: %s", chartName, detail),
		}
	}
	outer, inner := locs[0], locs[len(locs)-1]
	return finding.InputError{
		Location: inner.source(),
		Message:  fmt.Sprintf("chart %q: %s %s: %s", chartName, outer.src.name, verb, detail),
	}
}

// source converts a location in the instrumented template to its source.
func (l errLoc) source() finding.Location {
	inst := l.src.inst
	if inst == nil || !inst.ok {
		loc := finding.Location{File: l.src.file, Line: l.line, Column: 1}
		if l.col >= 0 {
			loc = l.src.location(l.src.src.offset(l.line, 1) + l.col)
		}
		return loc
	}
	t := newText(inst.text)
	off := t.offset(l.line, 1)
	if l.col >= 0 {
		off += l.col
	}
	loc := l.src.location(inst.shift.original(off))
	if l.col < 0 {
		loc.Column = 1
	}
	return loc
}

// errorDetail extracts the message from Helm's error text: the message of
// "execution error at (...)" and "parse error at (...)", else the last
// line of its multi-line trace.
func errorDetail(msg string) (detail, verb string) {
	for _, p := range []struct{ prefix, verb string }{
		{"execution error at (", "does not render"},
		{"parse error at (", "does not parse"},
		{"parse error in (", "does not parse"},
		{"execution error in (", "does not render"},
	} {
		if rest, ok := strings.CutPrefix(msg, p.prefix); ok {
			if _, d, ok := strings.Cut(rest, "): "); ok {
				return strings.TrimSpace(d), p.verb
			}
		}
	}
	msg = strings.TrimSpace(msg)
	if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
		return strings.TrimSpace(msg[i+1:]), "does not render"
	}
	// text/template's own chain: the innermost message follows the last
	// "executing ... at <node>: ".
	if i := strings.LastIndex(msg, ">: "); i >= 0 {
		return msg[i+3:], "does not render"
	}
	return msg, "does not render"
}
