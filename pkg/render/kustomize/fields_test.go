package kustomize

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/salint/salint/pkg/finding"
)

// TestLocateMoreKustomizationFields covers nameSuffix, labels, replacements,
// a name reference to a generated ConfigMap, a JSON 6902 patch written on
// one line and a vars substitution.
func TestLocateMoreKustomizationFields(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"base/kustomization.yaml": `resources:
  - deploy.yaml
  - svc.yaml
configMapGenerator:
  - name: settings
    literals:
      - A=1
`,
		"base/deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: nginx:1
          args: ["--peer=$(PEER)"]
          env:
            - name: TARGET
              value: placeholder
      volumes:
        - name: cfg
          configMap:
            name: settings
`,
		"base/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: peer\nspec:\n  ports:\n    - port: 80\n",
		"overlay/kustomization.yaml": `resources:
  - ../base
nameSuffix: -v2
labels:
  - pairs:
      tier: backend
    includeTemplates: true
replacements:
  - source:
      kind: ConfigMap
      name: settings
      fieldPath: metadata.name
    targets:
      - select:
          kind: Deployment
        fieldPaths:
          - spec.template.spec.containers.[name=api].env.[name=TARGET].value
patches:
  - target:
      kind: Deployment
    patch: '[{"op": "add", "path": "/spec/template/spec/hostNetwork", "value": true}]'
vars:
  - name: PEER
    objref:
      kind: Service
      name: peer
      apiVersion: v1
`,
	})
	u := Build(context.Background(), filepath.Join(dir, "overlay"), Options{Boundary: dir})
	if len(u.Errors) > 0 || len(u.Notes) > 0 {
		t.Fatalf("errors %v, notes %v", u.Errors, u.Notes)
	}
	overlay := filepath.Join(dir, "overlay", "kustomization.yaml")
	base := filepath.Join(dir, "base", "kustomization.yaml")
	deploy := filepath.Join(dir, "base", "deploy.yaml")
	tests := []struct {
		name, kind, obj, path string
		want                  finding.Location
	}{
		{"nameSuffix", "Deployment", "api-v2", "metadata.name", finding.Location{File: overlay, Line: 3, Column: 1}},
		{"labels on metadata", "Deployment", "api-v2", "metadata.labels.tier", finding.Location{File: overlay, Line: 6, Column: 7}},
		{"labels on the pod template", "Deployment", "api-v2", "spec.template.metadata.labels.tier", finding.Location{File: overlay, Line: 6, Column: 7}},
		{"selector the labels entry leaves alone", "Deployment", "api-v2", "spec.selector.matchLabels.app", finding.Location{File: deploy, Line: 8, Column: 7}},
		{"replacement target", "Deployment", "api-v2", "spec.template.spec.containers[0].env[0].value", finding.Location{File: overlay, Line: 17, Column: 13}},
		{"reference to a generated ConfigMap", "Deployment", "api-v2", "spec.template.spec.volumes[0].configMap.name", finding.Location{File: base, Line: 5, Column: 5}},
		{"JSON 6902 operation on one line", "Deployment", "api-v2", "spec.template.spec.hostNetwork", finding.Location{File: overlay, Line: 21, Column: 71}},
		{"vars substitution", "Deployment", "api-v2", "spec.template.spec.containers[0].args[0]", finding.Location{File: deploy, Line: 17, Column: 18}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := locateNode(t, u, tc.kind, tc.obj, nodePath(tc.path))
			if got.Location != tc.want || !got.Exact {
				t.Errorf("%s: got %v exact=%v, want %v exact", tc.path, got.Location, got.Exact, tc.want)
			}
		})
	}
}
