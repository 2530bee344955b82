package model_test

import (
	"testing"

	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/model"
)

// build loads YAML through the real loader and builds the model.
func build(t *testing.T, yaml string, opts model.Options) *model.Model {
	t.Helper()
	f := loader.Parse("test.yaml", []byte(yaml), loader.Options{Kinds: model.Kinds})
	if len(f.Errors) > 0 {
		t.Fatalf("input errors: %v", f.Errors)
	}
	if opts.Namespace == "" {
		opts.Namespace = "default"
	}
	var xs []*model.Extracted
	for _, o := range f.Objects {
		xs = append(xs, model.Extract(o, opts.Namespace))
	}
	return model.Build(xs, opts)
}

const accounts = `
apiVersion: v1
kind: ServiceAccount
metadata: {name: closed, namespace: prod}
automountServiceAccountToken: false
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: open, namespace: prod}
automountServiceAccountToken: true
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: unset, namespace: prod}
---
`

func pod(spec string) string {
	return accounts + "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: prod}\nspec:\n" + spec
}

func TestEffectiveServiceAccountAndAutomount(t *testing.T) {
	tests := []struct {
		name        string
		spec        string
		wantSA      string
		wantPath    string
		wantMounted bool
		wantSource  string
		wantInInput bool
	}{
		{"no account, no opt-out", "  containers: []\n", "default", "spec", true, model.SourceDefault, false},
		{"empty name is default", "  serviceAccountName: \"\"\n", "default", "spec.serviceAccountName", true, model.SourceDefault, false},
		{"pod opts out", "  automountServiceAccountToken: false\n", "default", "spec", false, model.SourcePod, false},
		{"pod field wins over account", "  serviceAccountName: closed\n  automountServiceAccountToken: true\n", "closed", "spec.serviceAccountName", true, model.SourcePod, true},
		{"account opts out", "  serviceAccountName: closed\n", "closed", "spec.serviceAccountName", false, model.SourceServiceAccount, true},
		{"account opts in", "  serviceAccountName: open\n", "open", "spec.serviceAccountName", true, model.SourceServiceAccount, true},
		{"account leaves it unset", "  serviceAccountName: unset\n", "unset", "spec.serviceAccountName", true, model.SourceDefault, true},
		{"account not in input", "  serviceAccountName: elsewhere\n", "elsewhere", "spec.serviceAccountName", true, model.SourceUnresolved, false},
		{"deprecated field fills in", "  serviceAccount: closed\n", "closed", "spec.serviceAccount", false, model.SourceServiceAccount, true},
		{"serviceAccountName wins over deprecated", "  serviceAccountName: open\n  serviceAccount: closed\n", "open", "spec.serviceAccountName", true, model.SourceServiceAccount, true},
		{"empty name falls back to deprecated", "  serviceAccountName: \"\"\n  serviceAccount: closed\n", "closed", "spec.serviceAccount", false, model.SourceServiceAccount, true},
		{"YAML 1.1 no is false", "  automountServiceAccountToken: no\n", "default", "spec", false, model.SourcePod, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := build(t, pod(tt.spec), model.Options{})
			if len(m.Workloads) != 1 {
				t.Fatalf("%d workloads, want 1", len(m.Workloads))
			}
			w := m.Workloads[0]
			if w.ServiceAccount.Name != tt.wantSA || w.ServiceAccount.Path.String() != tt.wantPath {
				t.Errorf("account %q at %s, want %q at %s", w.ServiceAccount.Name, w.ServiceAccount.Path, tt.wantSA, tt.wantPath)
			}
			if w.Automount.Mounted != tt.wantMounted || w.Automount.Source != tt.wantSource {
				t.Errorf("automount mounted=%v source=%s, want %v %s", w.Automount.Mounted, w.Automount.Source, tt.wantMounted, tt.wantSource)
			}
			if w.ServiceAccount.InInput != tt.wantInInput {
				t.Errorf("inInput = %v, want %v", w.ServiceAccount.InInput, tt.wantInInput)
			}
		})
	}
}

// TestAccountsResolveByNamespace: a same-named account in another namespace
// does not count, and objects without namespace are in --namespace.
func TestAccountsResolveByNamespace(t *testing.T) {
	y := `
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: prod}
automountServiceAccountToken: false
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: staging}
spec:
  template:
    spec: {serviceAccountName: web}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec: {serviceAccountName: web}
`
	m := build(t, y, model.Options{Namespace: "team"})
	got := map[string]model.Workload{}
	for _, w := range m.Workloads {
		got[w.Namespace] = w
	}
	if w := got["staging"]; w.ServiceAccount.InInput || w.Automount.Source != model.SourceUnresolved {
		t.Errorf("staging/web resolved to another namespace's account: %+v", w.Automount)
	}
	if w := got["team"]; !w.ServiceAccount.InInput || w.Automount.Source != model.SourceDefault {
		t.Errorf("team/web (no namespace) did not find team/web: %+v", w.Automount)
	}
}

func TestTokenProjectionsMountsAndSecrets(t *testing.T) {
	y := `
apiVersion: v1
kind: Secret
metadata: {name: legacy, namespace: prod}
type: kubernetes.io/service-account-token
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: job, namespace: prod}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
          - name: init
            image: x
            envFrom:
            - secretRef: {name: legacy}
          containers:
          - name: main
            image: x
            env:
            - name: T
              valueFrom:
                secretKeyRef: {name: other, key: k}
            volumeMounts:
            - {name: tok, mountPath: /var/run/tok}
          volumes:
          - name: tok
            projected:
              sources:
              - serviceAccountToken: {path: t, expirationSeconds: 7200}
              - serviceAccountToken: {path: u, audience: vault}
              - secret: {name: legacy}
`
	m := build(t, y, model.Options{Namespace: "default"})
	w := m.Workloads[0]
	if w.Spec.String() != "spec.jobTemplate.spec.template.spec" {
		t.Errorf("spec path %s", w.Spec)
	}
	if len(w.TokenProjections) != 2 {
		t.Fatalf("%d projections, want 2", len(w.TokenProjections))
	}
	p0, p1 := w.TokenProjections[0], w.TokenProjections[1]
	if p0.ExpirationSeconds == nil || *p0.ExpirationSeconds != 7200 || p0.ExpirationPath.String() != "spec.jobTemplate.spec.template.spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds" {
		t.Errorf("projection 0: %+v", p0)
	}
	if p0.Audience != nil || p1.Audience == nil || *p1.Audience != "vault" || p1.ExpirationSeconds != nil {
		t.Errorf("audiences/expirations wrong: %+v %+v", p0, p1)
	}
	if len(p0.Mounts) != 1 || p0.Mounts[0].Container != "main" || p0.Mounts[0].MountPath != "/var/run/tok" {
		t.Errorf("mounts %+v", p0.Mounts)
	}
	vias := map[string]*model.SecretLink{}
	for _, r := range w.SecretRefs {
		vias[r.Via+":"+r.Name] = r.Secret
	}
	if l := vias["envFrom:legacy"]; l == nil || l.Type != model.TokenSecretType {
		t.Errorf("envFrom legacy not resolved: %+v", vias)
	}
	if l := vias["projected:legacy"]; l == nil {
		t.Errorf("projected legacy not resolved: %+v", vias)
	}
	if l, ok := vias["env:other"]; !ok || l != nil {
		t.Errorf("env other should be listed, unresolved: %+v", vias)
	}
}

func TestTokenSecretAccountAndBindings(t *testing.T) {
	y := `
apiVersion: v1
kind: ServiceAccount
metadata: {name: ci, namespace: build}
---
apiVersion: v1
kind: Secret
metadata:
  name: ci-token
  namespace: build
  annotations: {kubernetes.io/service-account.name: ci}
type: kubernetes.io/service-account-token
---
apiVersion: v1
kind: Secret
metadata:
  name: ops-token
  namespace: ops
  annotations: {kubernetes.io/service-account.name: deployer}
type: kubernetes.io/service-account-token
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: build}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects:
- {kind: ServiceAccount, name: ci}
`
	m := build(t, y, model.Options{KnownServiceAccounts: []string{"ops/deployer"}})
	byName := map[string]model.Secret{}
	for _, s := range m.Secrets {
		byName[s.Name] = s
	}
	ci := byName["ci-token"].ServiceAccount
	if ci == nil || !ci.InInput || !ci.Bound {
		t.Errorf("ci-token: %+v, want in input and bound (subject namespace defaults to the binding's)", ci)
	}
	ops := byName["ops-token"].ServiceAccount
	if ops == nil || ops.InInput || !ops.Known || ops.Bound {
		t.Errorf("ops-token: %+v, want known, not in input, not bound", ops)
	}
}

func TestGroupSubjectsBindEveryAccountOfANamespace(t *testing.T) {
	y := `
apiVersion: v1
kind: Secret
metadata:
  name: t
  namespace: ci
  annotations: {kubernetes.io/service-account.name: default}
type: kubernetes.io/service-account-token
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all-ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:serviceaccounts:ci"}
`
	m := build(t, y, model.Options{})
	if sa := m.Secrets[0].ServiceAccount; sa == nil || !sa.Bound {
		t.Errorf("system:serviceaccounts:ci does not bind ci/default: %+v", sa)
	}
}

func TestInvalidFieldsBecomeFacts(t *testing.T) {
	m := build(t, pod("  automountServiceAcountToken: false\n"), model.Options{})
	if len(m.InvalidFields) != 1 {
		t.Fatalf("invalid fields %+v", m.InvalidFields)
	}
	f := m.InvalidFields[0]
	if f.Field != "automountServiceAcountToken" || f.Problem != "unknown" || f.Path.String() != "spec.automountServiceAcountToken" || f.Kind != "Pod" {
		t.Errorf("invalid field fact %+v", f)
	}
	// SA090 tells pod fields from the rest of an object by where its pod
	// specs are.
	if len(f.PodSpecs) != 1 || f.PodSpecs[0].String() != "spec" {
		t.Errorf("pod specs %v, want [spec]", f.PodSpecs)
	}
	cron := build(t, "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: x\n  jobTemplate:\n    spec:\n      template:\n        spec: {containers: [], sericeAccountName: x}\n", model.Options{})
	if len(cron.InvalidFields) != 1 || len(cron.InvalidFields[0].PodSpecs) != 1 || cron.InvalidFields[0].PodSpecs[0].String() != "spec.jobTemplate.spec.template.spec" {
		t.Errorf("CronJob invalid fields %+v", cron.InvalidFields)
	}
	if m.Workloads[0].Automount.Source != model.SourceDefault || !m.Workloads[0].Automount.Mounted {
		t.Error("a misspelt opt-out must leave the token mounted")
	}
}

func TestPodBearingKinds(t *testing.T) {
	kinds := map[string]string{
		"v1 Pod":                                "spec",
		"v1 PodTemplate":                        "template.spec",
		"v1 ReplicationController":              "spec.template.spec",
		"apps/v1 Deployment":                    "spec.template.spec",
		"apps/v1 ReplicaSet":                    "spec.template.spec",
		"apps/v1 StatefulSet":                   "spec.template.spec",
		"apps/v1 DaemonSet":                     "spec.template.spec",
		"extensions/v1beta1 Deployment":         "spec.template.spec",
		"batch/v1 Job":                          "spec.template.spec",
		"batch/v1 CronJob":                      "spec.jobTemplate.spec.template.spec",
		"batch/v1beta1 CronJob":                 "spec.jobTemplate.spec.template.spec",
		"argoproj.io/v1alpha1 Rollout":          "spec.template.spec",
		"apps.kruise.io/v1alpha1 CloneSet":      "spec.template.spec",
		"serving.knative.dev/v1 Service":        "spec.template.spec",
		"argoproj.io/v1alpha1 Workflow":         "spec",
		"argoproj.io/v1alpha1 CronWorkflow":     "spec.workflowSpec",
		"argoproj.io/v1alpha1 WorkflowTemplate": "spec",
	}
	for gvk, specPath := range kinds {
		t.Run(gvk, func(t *testing.T) {
			var apiVersion, kind string
			for i := range gvk {
				if gvk[i] == ' ' {
					apiVersion, kind = gvk[:i], gvk[i+1:]
				}
			}
			// Build the object from its pod spec path.
			body := "serviceAccountName: x\n"
			indent := ""
			var y string
			parts := splitDots(specPath)
			for _, p := range parts {
				y += indent + p + ":\n"
				indent += "  "
			}
			y += indent + body
			doc := "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata: {name: n, namespace: ns}\n" + y
			m := build(t, doc, model.Options{})
			if len(m.Workloads) != 1 {
				t.Fatalf("%d workloads, want 1", len(m.Workloads))
			}
			if got := m.Workloads[0].Spec.String(); got != specPath || m.Workloads[0].ServiceAccount.Name != "x" {
				t.Errorf("spec %s account %s, want %s x", got, m.Workloads[0].ServiceAccount.Name, specPath)
			}
		})
	}
}

func splitDots(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}
