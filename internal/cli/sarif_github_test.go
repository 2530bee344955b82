package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSARIFFollowsGitHubRules checks what GitHub code scanning documents
// for uploads: repository-relative URIs under %SRCROOT%, the category as
// automationDetails.id, rules with help markdown, a helpUri, at most 10
// tags and a security-severity, no hand-made primaryLocationLineHash, and
// results in a stable order.
func TestSARIFFollowsGitHubRules(t *testing.T) {
	chdirRoot(t)
	out, _, _ := runSalint(t, "", "-f", "sarif", "--sarif-category", "salint-k8s", "testdata/manifests")
	var doc struct {
		Runs []struct {
			AutomationDetails struct{ ID string } `json:"automationDetails"`
			Tool              struct {
				Driver struct {
					Rules []struct {
						ID      string
						HelpURI string `json:"helpUri"`
						Help    struct{ Markdown string }
						Props   struct {
							Tags     []string
							Severity string `json:"security-severity"`
						} `json:"properties"`
					}
				}
			}
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI       string
							URIBaseID string `json:"uriBaseId"`
						} `json:"artifactLocation"`
						Region struct{ StartLine, StartColumn int }
					} `json:"physicalLocation"`
				}
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(doc.Runs))
	}
	run := doc.Runs[0]
	if run.AutomationDetails.ID != "salint-k8s" {
		t.Errorf("automationDetails.id %q, want the --sarif-category", run.AutomationDetails.ID)
	}
	for _, r := range run.Tool.Driver.Rules {
		if r.Help.Markdown == "" || !strings.HasPrefix(r.HelpURI, "https://") || len(r.Props.Tags) > 10 || len(r.Props.Tags) == 0 || r.Props.Tags[0] != "security" || r.Props.Severity == "" {
			t.Errorf("rule %s: help %d bytes, helpUri %q, tags %v, security-severity %q", r.ID, len(r.Help.Markdown), r.HelpURI, r.Props.Tags, r.Props.Severity)
		}
	}
	type key struct {
		uri       string
		line, col int
	}
	var prev key
	for i, res := range run.Results {
		loc := res.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URIBaseID != "%SRCROOT%" || strings.HasPrefix(loc.ArtifactLocation.URI, "/") || strings.Contains(loc.ArtifactLocation.URI, ":") {
			t.Errorf("%s: location %+v is not repository-relative under %%SRCROOT%%", res.RuleID, loc.ArtifactLocation)
		}
		if _, ok := res.PartialFingerprints["primaryLocationLineHash"]; ok || res.PartialFingerprints["salint/v2"] == "" {
			t.Errorf("%s: partialFingerprints %v, want salint/v2 only", res.RuleID, res.PartialFingerprints)
		}
		k := key{loc.ArtifactLocation.URI, loc.Region.StartLine, loc.Region.StartColumn}
		if i > 0 && (k.uri < prev.uri || k.uri == prev.uri && k.line < prev.line) {
			t.Errorf("results out of order: %v after %v", k, prev)
		}
		prev = k
	}
}
