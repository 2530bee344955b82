package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestPolicyJoinsKinds: a --policy rule that joins a workload, its
// ServiceAccount and a binding, each in a file of its own, reports the
// workload with the two others as related locations, in text, JSON and
// SARIF alike; the workload with an account of its own is left alone.
func TestPolicyJoinsKinds(t *testing.T) {
	chdirRoot(t)
	const (
		pol      = "testdata/policies/acme_bound_default_account"
		in       = "testdata/inputs/policy-join"
		workload = in + "/workloads/report.yaml"
		account  = in + "/accounts/shop.yaml"
		binding  = in + "/rbac/deployer.yaml"
		msg      = `runs as the default ServiceAccount of namespace "shop", to which RoleBinding shop/deployer grants ClusterRole edit`
	)
	type loc struct {
		file         string
		line, column int
		message      string
	}
	want := []loc{{workload, 13, 5, msg}, {account, 5, 3, "the default ServiceAccount is declared here"}, {binding, 13, 5, "RoleBinding shop/deployer grants it ClusterRole edit"}}

	t.Run("text", func(t *testing.T) {
		out, stderr, code := runSalint(t, "", "--policy", pol, "-f", "text", in)
		if code != ExitFindings {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
		lines := []string{fmt.Sprintf("%s:%d:%d: HIGH ACME002 acme-bound-default-account: %s (Deployment shop/report)", want[0].file, want[0].line, want[0].column, msg)}
		for _, r := range want[1:] {
			lines = append(lines, fmt.Sprintf("    via %s:%d:%d: %s", r.file, r.line, r.column, r.message))
		}
		if n := strings.Count(out, ": HIGH ACME002 "); n != 1 {
			t.Errorf("%d ACME002 findings, want 1:\n%s", n, out)
		}
		for _, l := range lines {
			if !strings.Contains(out, l+"\n") {
				t.Errorf("the text report lacks %q:\n%s", l, out)
			}
		}
	})

	t.Run("json", func(t *testing.T) {
		out, stderr, code := runSalint(t, "", "--policy", pol, "-f", "json", in)
		if code != ExitFindings {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
		var rep struct {
			Findings []struct {
				RuleID, Severity, Message, File string
				Line, Column                    int
				Object                          struct{ Kind, Namespace, Name string }
				Related                         []struct {
					File, Message string
					Line, Column  int
				}
			}
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		var got [][]loc
		for _, f := range rep.Findings {
			if f.RuleID != "ACME002" {
				continue
			}
			if f.Severity != "high" || f.Object.Kind != "Deployment" || f.Object.Namespace != "shop" || f.Object.Name != "report" {
				t.Errorf("finding %+v", f)
			}
			ls := []loc{{f.File, f.Line, f.Column, f.Message}}
			for _, r := range f.Related {
				ls = append(ls, loc{r.File, r.Line, r.Column, r.Message})
			}
			got = append(got, ls)
		}
		if len(got) != 1 || fmt.Sprint(got[0]) != fmt.Sprint(want) {
			t.Errorf("ACME002 findings %v, want one at %v", got, want)
		}
	})

	t.Run("sarif", func(t *testing.T) {
		out, stderr, code := runSalint(t, "", "--policy", pol, "-f", "sarif", in)
		if code != ExitFindings {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
		type location struct {
			PhysicalLocation struct {
				ArtifactLocation struct{ URI string }
				Region           struct{ StartLine, StartColumn int }
			}
			Message struct{ Text string }
		}
		var log struct {
			Runs []struct {
				Tool struct {
					Driver struct{ Rules []struct{ ID string } }
				}
				Results []struct {
					RuleID           string
					RuleIndex        int
					Level            string
					Message          struct{ Text string }
					Locations        []location
					RelatedLocations []location
				}
			}
		}
		if err := json.Unmarshal([]byte(out), &log); err != nil {
			t.Fatal(err)
		}
		var got [][]loc
		for _, run := range log.Runs {
			for _, r := range run.Results {
				if r.RuleID != "ACME002" {
					continue
				}
				if r.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[r.RuleIndex].ID != "ACME002" || r.Level != "error" || len(r.Locations) != 1 {
					t.Errorf("result %+v", r)
					continue
				}
				pl := r.Locations[0].PhysicalLocation
				ls := []loc{{pl.ArtifactLocation.URI, pl.Region.StartLine, pl.Region.StartColumn, r.Message.Text}}
				for _, rl := range r.RelatedLocations {
					pl := rl.PhysicalLocation
					ls = append(ls, loc{pl.ArtifactLocation.URI, pl.Region.StartLine, pl.Region.StartColumn, rl.Message.Text})
				}
				got = append(got, ls)
			}
		}
		if len(got) != 1 || fmt.Sprint(got[0]) != fmt.Sprint(want) {
			t.Errorf("ACME002 results %v, want one at %v", got, want)
		}
	})
}
