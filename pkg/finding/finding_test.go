package finding

import (
	"maps"
	"testing"
)

// TestCountFindings: suppressed findings are counted apart; the others in
// total, by severity and by rule.
func TestCountFindings(t *testing.T) {
	a, b := &Rule{ID: "SA010"}, &Rule{ID: "SA001"}
	r := &Report{Findings: []Finding{
		{Rule: a, Severity: Medium},
		{Rule: a, Severity: High},
		{Rule: b, Severity: Medium},
		{Rule: b, Severity: Medium, Suppressed: true},
	}}
	r.CountFindings()
	s := r.Summary
	if s.Findings != 3 || s.Suppressed != 1 {
		t.Errorf("findings %d, suppressed %d; want 3 and 1", s.Findings, s.Suppressed)
	}
	if want := map[Severity]int{Medium: 2, High: 1}; !maps.Equal(s.BySeverity, want) {
		t.Errorf("BySeverity = %v, want %v", s.BySeverity, want)
	}
	if want := map[string]int{"SA010": 2, "SA001": 1}; !maps.Equal(s.ByRule, want) {
		t.Errorf("ByRule = %v, want %v", s.ByRule, want)
	}
}
