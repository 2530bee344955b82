// Package synth writes deterministic synthetic trees of Kubernetes manifests,
// of any size, for salint's benchmarks and end-to-end tests.
//
// A tree is made of apps. Each app belongs to a team (a top-level directory)
// and brings the objects a real service ships with: a ServiceAccount, a
// Deployment, often a StatefulSet and a CronJob, a Role and RoleBinding, a
// Secret (often a legacy service-account-token Secret), usually a ConfigMap
// and a Service, and now and then a Job, a DaemonSet, a ClusterRole and
// ClusterRoleBinding. An app is written in one of three layouts:
//
//   - bundle: one multi-document file <team>/<app>.yaml;
//   - split: a directory <team>/<app>/ with one file per kind;
//   - rendered: <team>/<app>.rendered.yaml, as `helm template` prints it,
//     every document preceded by a "# Source:" comment.
//
// The manifests carry probes for salint's rules: pods running as the default
// ServiceAccount (implicitly, explicitly, or through an empty name), the
// deprecated serviceAccount field, undefined ServiceAccounts, token automount
// switched on or off at pod and at ServiceAccount level, projected tokens with
// and without expirationSeconds and audience (including out-of-range
// expirations), legacy token Secrets and pods mounting them, ServiceAccounts
// listing secrets, wildcard and otherwise dangerous RBAC, bindings to default
// accounts and broad groups, misspelt field names, and objects that set no
// namespace.
//
// App i draws from its own random stream, derived from (seed, i), so the
// output is byte-identical for the same (apps, seed), and a tree of n apps
// is the first n apps of any larger tree with the same seed.
package synth

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Stats describes a written tree.
type Stats struct {
	Apps      int
	Files     int
	Documents int
	Bytes     int64
	// Kinds counts the documents of each kind.
	Kinds map[string]int
}

// Write creates dir (which must be absent or empty) and fills it with the
// manifests of the given number of apps.
func Write(dir string, apps int, seed uint64) (Stats, error) {
	st := Stats{Apps: apps, Kinds: map[string]int{}}
	if apps < 0 {
		return st, fmt.Errorf("synth: negative app count %d", apps)
	}
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return st, fmt.Errorf("synth: %s is not empty", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return st, fmt.Errorf("synth: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return st, fmt.Errorf("synth: %w", err)
	}
	made := map[string]bool{}
	for i := range apps {
		a := newApp(seed, i)
		for _, f := range a.files() {
			p := filepath.Join(dir, filepath.FromSlash(f.path))
			if d := filepath.Dir(p); !made[d] {
				if err := os.MkdirAll(d, 0o755); err != nil {
					return st, fmt.Errorf("synth: %w", err)
				}
				made[d] = true
			}
			if err := os.WriteFile(p, f.data, 0o644); err != nil {
				return st, fmt.Errorf("synth: %w", err)
			}
			st.Files++
			st.Bytes += int64(len(f.data))
			for _, k := range f.kinds {
				st.Documents++
				st.Kinds[k]++
			}
		}
	}
	return st, nil
}

var (
	teams = []string{"checkout", "catalog", "accounts", "observability", "analytics", "messaging", "edge", "ml", "storage", "support"}
	roles = []string{"frontend", "backend", "consumer", "publisher", "resolver", "renderer", "tracker", "archiver", "relay", "planner", "mailer", "pricing", "inventory", "session", "metrics", "crawler", "router", "vault-agent"}
	envs  = []string{"prod", "stage", "qa"}

	images = []string{
		"registry.example.com/%s/%s:1.%d.%d",
		"docker.io/library/nginx:1.%d.%d-alpine",
		"quay.io/example/%s-%s:v0.%d.%d",
		"gcr.io/distroless/static:nonroot",
		"ghcr.io/example/%s/%s:sha-%x",
	}
	audiences = []string{"vault", "sts.amazonaws.com", "api", "https://kubernetes.default.svc.cluster.local", "nats"}
	// expirations are in seconds; 60 and 599 are below the API minimum of
	// 600, 4294967296 above its maximum of 2^32-1.
	expirations = []int64{3600, 3600, 3600, 600, 1800, 7200, 43200, 86400, 604800, 60, 599, 4294967296}
	schedules   = []string{"*/5 * * * *", "0 * * * *", "15 3 * * *", "0 0 * * 0", "30 */6 * * *"}
)

// file is one output file: its slash-separated path under the tree, its
// bytes, and the kind of each document in it.
type file struct {
	path  string
	data  []byte
	kinds []string
}

// doc is one YAML document, without separators.
type doc struct {
	kind string
	stem string // file stem in the split layout, and template name when rendered
	text string
}

// app is one application and the random stream it is drawn from.
type app struct {
	r     *rand.Rand
	id    int
	team  string
	name  string
	ns    string // "" leaves metadata.namespace unset
	sa    string // the app's own ServiceAccount
	chart string // the helm chart it was rendered from, if any

	saAutomount string // "", "true" or "false" on the ServiceAccount
	tokenSecret string // name of the app's legacy token Secret, if it has one
}

// mix is the SplitMix64 finaliser: it spreads consecutive app indexes over
// the whole stream space.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func newApp(seed uint64, i int) *app {
	r := rand.New(rand.NewPCG(seed, mix(uint64(i))))
	a := &app{r: r, id: i}
	a.team = pick(r, teams)
	a.name = fmt.Sprintf("%s-%s-%d", a.team, pick(r, roles), i)
	switch x := r.Float64(); {
	case x < 0.55:
		a.ns = a.team
	case x < 0.85:
		a.ns = a.team + "-" + pick(r, envs)
	}
	a.sa = a.name
	if r.Float64() < 0.2 {
		a.sa = a.name + "-sa"
	}
	return a
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func (a *app) chance(p float64) bool { return a.r.Float64() < p }

// namespace is the app's effective namespace.
func (a *app) namespace() string {
	if a.ns == "" {
		return "default"
	}
	return a.ns
}

// files lays the app's documents out in one of the three layouts.
func (a *app) files() []file {
	layout := a.r.Float64()
	if layout >= 0.9 {
		a.chart = pick(a.r, []string{"service", "worker", "platform-app"})
	}
	docs := a.docs()
	switch {
	case layout < 0.7: // bundle
		var b strings.Builder
		if a.chance(0.3) {
			b.WriteString("---\n")
		}
		kinds := make([]string, len(docs))
		for i, d := range docs {
			if i > 0 {
				b.WriteString("---\n")
			}
			b.WriteString(d.text)
			kinds[i] = d.kind
		}
		return []file{{path: a.team + "/" + a.name + ".yaml", data: []byte(b.String()), kinds: kinds}}
	case layout < 0.9: // split
		var fs []file
		for _, d := range docs {
			fs = append(fs, file{path: a.team + "/" + a.name + "/" + d.stem + ".yaml", data: []byte(d.text), kinds: []string{d.kind}})
		}
		return fs
	default: // rendered
		var b strings.Builder
		kinds := make([]string, len(docs))
		for i, d := range docs {
			fmt.Fprintf(&b, "---\n# Source: %s/templates/%s.yaml\n", a.chart, d.stem)
			b.WriteString(d.text)
			kinds[i] = d.kind
		}
		return []file{{path: a.team + "/" + a.name + ".rendered.yaml", data: []byte(b.String()), kinds: kinds}}
	}
}

// docs draws every object of the app, in a fixed order.
func (a *app) docs() []doc {
	ds := []doc{a.serviceAccount()}
	if a.chance(0.55) {
		ds = append(ds, a.tokenSecretDoc())
	} else {
		ds = append(ds, a.opaqueSecret())
	}
	if a.chance(0.7) {
		ds = append(ds, a.configMap())
	}
	ds = append(ds, a.deployment())
	if a.chance(0.75) {
		ds = append(ds, a.service())
	}
	if a.chance(0.6) {
		ds = append(ds, a.statefulSet())
	}
	if a.chance(0.5) {
		ds = append(ds, a.cronJob())
	}
	if a.chance(0.05) {
		ds = append(ds, a.job())
	}
	if a.chance(0.04) {
		ds = append(ds, a.daemonSet())
	}
	ds = append(ds, a.role(), a.roleBinding())
	if a.chance(0.12) {
		ds = append(ds, a.clusterRole(), a.clusterRoleBinding())
	}
	return ds
}

// w builds one document line by line.
type w struct{ strings.Builder }

// l writes one line indented by ind spaces.
func (b *w) l(ind int, format string, args ...any) {
	for range ind {
		b.WriteByte(' ')
	}
	if len(args) == 0 && !strings.Contains(format, "%") {
		b.WriteString(format)
	} else {
		fmt.Fprintf(b, format, args...)
	}
	b.WriteByte('\n')
}

// header writes apiVersion, kind and metadata.
func (a *app) header(b *w, apiVersion, kind, name, component string, namespaced bool) {
	b.l(0, "apiVersion: %s", apiVersion)
	b.l(0, "kind: %s", kind)
	b.l(0, "metadata:")
	b.l(2, "name: %s", name)
	if namespaced && a.ns != "" {
		b.l(2, "namespace: %s", a.ns)
	}
	b.l(2, "labels:")
	b.l(4, "app.kubernetes.io/name: %s", a.name)
	if component != "" {
		b.l(4, "app.kubernetes.io/component: %s", component)
	}
	b.l(4, "app.kubernetes.io/part-of: %s", a.team)
	if a.chart != "" {
		b.l(4, "app.kubernetes.io/managed-by: Helm")
		b.l(4, "helm.sh/chart: %s-0.%d.%d", a.chart, 1+a.r.IntN(9), a.r.IntN(20))
	} else if a.chance(0.5) {
		b.l(4, "app.kubernetes.io/managed-by: kustomize")
	}
	if a.chance(0.25) {
		b.l(2, "annotations:")
		b.l(4, "example.com/owner: %s-oncall", a.team)
		if a.chance(0.5) {
			b.l(4, "example.com/docs: \"https://docs.example.com/%s/%s\"", a.team, a.name)
		}
	}
}

func (a *app) serviceAccount() doc {
	var b w
	a.header(&b, "v1", "ServiceAccount", a.sa, "identity", true)
	switch x := a.r.Float64(); {
	case x < 0.3:
		a.saAutomount = "false"
	case x < 0.4:
		a.saAutomount = "true"
	}
	if a.saAutomount != "" {
		b.l(0, "automountServiceAccountToken: %s", a.saAutomount)
	} else if a.chance(0.02) {
		b.l(0, "automountServiceAccountTokens: false") // misspelt: ignored by the API server
	}
	if a.chance(0.12) {
		b.l(0, "imagePullSecrets:")
		b.l(0, "- name: %s-pull", a.team)
	}
	if a.chance(0.08) {
		b.l(0, "secrets:")
		b.l(0, "- name: %s-token", a.sa)
	}
	return doc{"ServiceAccount", "serviceaccount", b.String()}
}

func (a *app) tokenSecretDoc() doc {
	var b w
	a.tokenSecret = a.sa + "-token"
	owner := a.sa
	if a.chance(0.06) {
		owner = a.team + "-deployer" // an account the tree never defines
	}
	b.l(0, "apiVersion: v1")
	b.l(0, "kind: Secret")
	b.l(0, "metadata:")
	b.l(2, "name: %s", a.tokenSecret)
	if a.ns != "" {
		b.l(2, "namespace: %s", a.ns)
	}
	b.l(2, "annotations:")
	b.l(4, "kubernetes.io/service-account.name: %s", owner)
	b.l(0, "type: kubernetes.io/service-account-token")
	return doc{"Secret", "token-secret", b.String()}
}

func (a *app) opaqueSecret() doc {
	var b w
	a.header(&b, "v1", "Secret", a.name+"-credentials", "credentials", true)
	b.l(0, "type: Opaque")
	b.l(0, "data:")
	for _, k := range []string{"username", "password", "api-key"}[:1+a.r.IntN(3)] {
		b.l(2, "%s: %s", k, base64.StdEncoding.EncodeToString(a.secretBytes(8+a.r.IntN(24))))
	}
	return doc{"Secret", "secret", b.String()}
}

func (a *app) secretBytes(n int) []byte {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	s := make([]byte, n)
	for i := range s {
		s[i] = alphabet[a.r.IntN(len(alphabet))]
	}
	return s
}

func (a *app) configMap() doc {
	var b w
	a.header(&b, "v1", "ConfigMap", a.name+"-config", "config", true)
	b.l(0, "data:")
	b.l(2, "LOG_LEVEL: %s", pick(a.r, []string{"info", "debug", "warn"}))
	b.l(2, "LISTEN_ADDR: \":%d\"", 8000+a.r.IntN(100))
	if a.chance(0.6) {
		b.l(2, "config.yaml: |")
		b.l(4, "server:")
		b.l(6, "port: %d", 8000+a.r.IntN(100))
		b.l(6, "readTimeout: %ds", 5*(1+a.r.IntN(6)))
		b.l(4, "upstreams:")
		for j := range 1 + a.r.IntN(4) {
			b.l(4, "- name: %s", pick(a.r, roles))
			b.l(6, "url: http://%s-%s.%s.svc:%d", pick(a.r, teams), pick(a.r, roles), pick(a.r, teams), 80+j)
			b.l(6, "retries: %d", a.r.IntN(5))
		}
		b.l(4, "features:")
		b.l(6, "tracing: %v", a.chance(0.5))
		b.l(6, "cache: %v", a.chance(0.5))
	}
	return doc{"ConfigMap", "configmap", b.String()}
}

func (a *app) service() doc {
	var b w
	a.header(&b, "v1", "Service", a.name, "", true)
	b.l(0, "spec:")
	b.l(2, "type: %s", pick(a.r, []string{"ClusterIP", "ClusterIP", "ClusterIP", "NodePort"}))
	b.l(2, "selector:")
	b.l(4, "app.kubernetes.io/name: %s", a.name)
	b.l(2, "ports:")
	b.l(2, "- name: http")
	b.l(4, "port: 80")
	b.l(4, "targetPort: http")
	b.l(4, "protocol: TCP")
	if a.chance(0.3) {
		b.l(2, "- name: metrics")
		b.l(4, "port: 9090")
		b.l(4, "targetPort: 9090")
	}
	return doc{"Service", "service", b.String()}
}

func (a *app) image() string {
	f := pick(a.r, images)
	switch strings.Count(f, "%") {
	case 0:
		return f
	case 2:
		return fmt.Sprintf(f, a.r.IntN(30), a.r.IntN(10))
	}
	if strings.HasSuffix(f, "%x") {
		return fmt.Sprintf(f, a.team, pick(a.r, roles), a.r.Uint32())
	}
	return fmt.Sprintf(f, a.team, pick(a.r, roles), a.r.IntN(30), a.r.IntN(10))
}

// podSpec writes a pod spec whose keys sit at indentation ind.
func (a *app) podSpec(b *w, ind int, component string, batch bool) {
	// Which ServiceAccount the pod runs as.
	switch x := a.r.Float64(); {
	case x < 0.56:
		b.l(ind, "serviceAccountName: %s", a.sa)
	case x < 0.74: // unset: the pod runs as "default"
	case x < 0.82:
		b.l(ind, "serviceAccountName: default")
	case x < 0.84:
		b.l(ind, "serviceAccountName: \"\"")
	case x < 0.89:
		b.l(ind, "serviceAccount: %s", a.sa) // deprecated alias
	case x < 0.92:
		b.l(ind, "serviceAccountName: %s", a.sa)
		b.l(ind, "serviceAccount: %s", a.sa)
	default:
		b.l(ind, "serviceAccountName: %s-runner", a.team) // defined nowhere
	}
	switch x := a.r.Float64(); {
	case x < 0.25:
		b.l(ind, "automountServiceAccountToken: false")
	case x < 0.35:
		b.l(ind, "automountServiceAccountToken: true")
	case x < 0.37:
		b.l(ind, "automountServiceAcountToken: false") // misspelt: the token is still mounted
	}
	if batch {
		b.l(ind, "restartPolicy: %s", pick(a.r, []string{"OnFailure", "Never"}))
	}
	if a.chance(0.5) {
		b.l(ind, "securityContext:")
		b.l(ind+2, "runAsNonRoot: true")
		b.l(ind+2, "fsGroup: %d", 1000+a.r.IntN(3000))
		if a.chance(0.6) {
			b.l(ind+2, "seccompProfile:")
			b.l(ind+4, "type: RuntimeDefault")
		}
	}
	if a.chance(0.2) {
		b.l(ind, "nodeSelector:")
		b.l(ind+2, "kubernetes.io/os: linux")
	}
	if a.chance(0.15) {
		b.l(ind, "tolerations:")
		b.l(ind, "- key: dedicated")
		b.l(ind+2, "operator: Equal")
		b.l(ind+2, "value: %s", a.team)
		b.l(ind+2, "effect: NoSchedule")
	}

	// Volumes, decided first so that the containers can mount them.
	type volume struct{ name, path string }
	var vols []volume
	var vb w
	if a.chance(0.28) {
		vols = append(vols, volume{"bound-token", "/var/run/secrets/tokens"})
		vb.l(0, "- name: bound-token")
		vb.l(2, "projected:")
		if a.chance(0.3) {
			vb.l(4, "defaultMode: 0440")
		}
		vb.l(4, "sources:")
		vb.l(4, "- serviceAccountToken:")
		vb.l(8, "path: token")
		if a.chance(0.55) {
			vb.l(8, "audience: %s", pick(a.r, audiences))
		}
		if a.chance(0.6) {
			vb.l(8, "expirationSeconds: %d", pick(a.r, expirations))
		}
		if a.chance(0.35) {
			vb.l(4, "- configMap:")
			vb.l(8, "name: kube-root-ca.crt")
			vb.l(8, "items:")
			vb.l(8, "- key: ca.crt")
			vb.l(10, "path: ca.crt")
		}
		if a.chance(0.2) {
			vb.l(4, "- downwardAPI:")
			vb.l(8, "items:")
			vb.l(8, "- path: namespace")
			vb.l(10, "fieldRef:")
			vb.l(12, "fieldPath: metadata.namespace")
		}
	}
	if a.tokenSecret != "" && a.chance(0.12) {
		vols = append(vols, volume{"legacy-token", "/var/run/secrets/legacy"})
		vb.l(0, "- name: legacy-token")
		vb.l(2, "secret:")
		vb.l(4, "secretName: %s", a.tokenSecret)
	}
	if a.chance(0.35) {
		vols = append(vols, volume{"config", "/etc/" + a.team})
		vb.l(0, "- name: config")
		vb.l(2, "configMap:")
		vb.l(4, "name: %s-config", a.name)
	}
	if a.chance(0.2) {
		vols = append(vols, volume{"scratch", "/tmp"})
		vb.l(0, "- name: scratch")
		vb.l(2, "emptyDir:")
		vb.l(4, "sizeLimit: %dMi", 64<<a.r.IntN(4))
	}

	if a.chance(0.1) {
		b.l(ind, "initContainers:")
		b.l(ind, "- name: migrate")
		b.l(ind+2, "image: %s", a.image())
		b.l(ind+2, "command: [\"/bin/migrate\", \"--wait\"]")
	}
	b.l(ind, "containers:")
	n := 1
	if a.chance(0.25) {
		n = 2
	}
	for c := range n {
		name, port := component, "http"
		if c == 1 {
			name, port = pick(a.r, []string{"envoy", "log-shipper", "metrics-agent"}), "metrics"
		}
		b.l(ind, "- name: %s", name)
		b.l(ind+2, "image: %s", a.image())
		if a.chance(0.3) {
			b.l(ind+2, "imagePullPolicy: %s", pick(a.r, []string{"IfNotPresent", "Always"}))
		}
		if batch && a.chance(0.7) {
			b.l(ind+2, "args:")
			b.l(ind+2, "- --once")
			b.l(ind+2, "- --batch-size=%d", 100*(1+a.r.IntN(10)))
		}
		if !batch && a.chance(0.8) {
			b.l(ind+2, "ports:")
			b.l(ind+2, "- name: %s", port)
			b.l(ind+4, "containerPort: %d", 8000+a.r.IntN(1000))
			b.l(ind+4, "protocol: TCP")
		}
		if a.chance(0.65) {
			b.l(ind+2, "env:")
			b.l(ind+2, "- name: APP")
			b.l(ind+4, "value: %s", a.name)
			b.l(ind+2, "- name: NAMESPACE")
			b.l(ind+4, "valueFrom:")
			b.l(ind+6, "fieldRef:")
			b.l(ind+8, "fieldPath: metadata.namespace")
			if a.chance(0.4) {
				b.l(ind+2, "- name: DB_PASSWORD")
				b.l(ind+4, "valueFrom:")
				b.l(ind+6, "secretKeyRef:")
				b.l(ind+8, "name: %s-credentials", a.name)
				b.l(ind+8, "key: password")
			}
		}
		if a.chance(0.3) {
			b.l(ind+2, "envFrom:")
			b.l(ind+2, "- configMapRef:")
			b.l(ind+6, "name: %s-config", a.name)
		}
		if a.chance(0.75) {
			b.l(ind+2, "resources:")
			b.l(ind+4, "requests:")
			b.l(ind+6, "cpu: %dm", 25*(1+a.r.IntN(16)))
			b.l(ind+6, "memory: %dMi", 32*(1+a.r.IntN(16)))
			if a.chance(0.6) {
				b.l(ind+4, "limits:")
				b.l(ind+6, "memory: %dMi", 256*(1+a.r.IntN(8)))
			}
		}
		if !batch && a.chance(0.55) {
			for _, probe := range []string{"livenessProbe", "readinessProbe"}[:1+a.r.IntN(2)] {
				b.l(ind+2, "%s:", probe)
				b.l(ind+4, "httpGet:")
				b.l(ind+6, "path: /%s", pick(a.r, []string{"healthz", "readyz", "livez"}))
				b.l(ind+6, "port: %s", port)
				b.l(ind+4, "initialDelaySeconds: %d", 5*a.r.IntN(6))
				b.l(ind+4, "periodSeconds: %d", 5*(1+a.r.IntN(4)))
			}
		}
		if a.chance(0.55) {
			b.l(ind+2, "securityContext:")
			b.l(ind+4, "allowPrivilegeEscalation: false")
			b.l(ind+4, "readOnlyRootFilesystem: %v", a.chance(0.7))
			if a.chance(0.7) {
				b.l(ind+4, "capabilities:")
				b.l(ind+6, "drop:")
				b.l(ind+6, "- ALL")
			}
		}
		if c == 0 && len(vols) > 0 {
			b.l(ind+2, "volumeMounts:")
			for _, v := range vols {
				b.l(ind+2, "- name: %s", v.name)
				b.l(ind+4, "mountPath: %s", v.path)
				if a.chance(0.8) {
					b.l(ind+4, "readOnly: true")
				}
			}
		}
	}
	if len(vols) > 0 {
		b.l(ind, "volumes:")
		for _, line := range strings.SplitAfter(vb.String(), "\n") {
			if line != "" {
				b.l(ind, "%s", strings.TrimSuffix(line, "\n"))
			}
		}
	}
}

// template writes a pod template (metadata and spec) at indentation ind.
func (a *app) template(b *w, ind int, component string, batch bool) {
	b.l(ind, "template:")
	b.l(ind+2, "metadata:")
	b.l(ind+4, "labels:")
	b.l(ind+6, "app.kubernetes.io/name: %s", a.name)
	b.l(ind+6, "app.kubernetes.io/component: %s", component)
	if a.chance(0.35) {
		b.l(ind+4, "annotations:")
		b.l(ind+6, "prometheus.io/scrape: \"true\"")
		b.l(ind+6, "prometheus.io/port: \"9090\"")
	}
	b.l(ind+2, "spec:")
	a.podSpec(b, ind+4, component, batch)
}

func (a *app) selector(b *w, component string) {
	b.l(2, "selector:")
	b.l(4, "matchLabels:")
	b.l(6, "app.kubernetes.io/name: %s", a.name)
	b.l(6, "app.kubernetes.io/component: %s", component)
}

func (a *app) deployment() doc {
	var b w
	a.header(&b, "apps/v1", "Deployment", a.name, "server", true)
	b.l(0, "spec:")
	b.l(2, "replicas: %d", 1+a.r.IntN(6))
	if a.chance(0.4) {
		b.l(2, "revisionHistoryLimit: %d", 3+a.r.IntN(8))
	}
	if a.chance(0.4) {
		b.l(2, "strategy:")
		b.l(4, "type: RollingUpdate")
		b.l(4, "rollingUpdate:")
		b.l(6, "maxSurge: 25%%")
		b.l(6, "maxUnavailable: 0")
	}
	a.selector(&b, "server")
	a.template(&b, 2, "server", false)
	return doc{"Deployment", "deployment", b.String()}
}

func (a *app) statefulSet() doc {
	var b w
	a.header(&b, "apps/v1", "StatefulSet", a.name+"-store", "store", true)
	b.l(0, "spec:")
	b.l(2, "serviceName: %s-store", a.name)
	b.l(2, "replicas: %d", 1+2*a.r.IntN(3))
	a.selector(&b, "store")
	a.template(&b, 2, "store", false)
	b.l(2, "volumeClaimTemplates:")
	b.l(2, "- metadata:")
	b.l(6, "name: data")
	b.l(4, "spec:")
	b.l(6, "accessModes: [\"ReadWriteOnce\"]")
	b.l(6, "resources:")
	b.l(8, "requests:")
	b.l(10, "storage: %dGi", 1<<a.r.IntN(8))
	return doc{"StatefulSet", "statefulset", b.String()}
}

func (a *app) cronJob() doc {
	var b w
	a.header(&b, "batch/v1", "CronJob", a.name+"-cleanup", "cleanup", true)
	b.l(0, "spec:")
	b.l(2, "schedule: %q", pick(a.r, schedules))
	b.l(2, "concurrencyPolicy: %s", pick(a.r, []string{"Forbid", "Replace", "Allow"}))
	if a.chance(0.5) {
		b.l(2, "successfulJobsHistoryLimit: %d", 1+a.r.IntN(3))
	}
	b.l(2, "jobTemplate:")
	b.l(4, "spec:")
	b.l(6, "backoffLimit: %d", a.r.IntN(6))
	a.template(&b, 6, "cleanup", true)
	return doc{"CronJob", "cronjob", b.String()}
}

func (a *app) job() doc {
	var b w
	a.header(&b, "batch/v1", "Job", a.name+"-migrate", "migrate", true)
	b.l(0, "spec:")
	b.l(2, "backoffLimit: %d", a.r.IntN(6))
	b.l(2, "ttlSecondsAfterFinished: %d", 3600*(1+a.r.IntN(24)))
	a.template(&b, 2, "migrate", true)
	return doc{"Job", "job", b.String()}
}

func (a *app) daemonSet() doc {
	var b w
	a.header(&b, "apps/v1", "DaemonSet", a.name+"-agent", "agent", true)
	b.l(0, "spec:")
	a.selector(&b, "agent")
	a.template(&b, 2, "agent", false)
	return doc{"DaemonSet", "daemonset", b.String()}
}

// rules writes an RBAC rules list: mostly narrow grants, sometimes
// wildcards and grants that amount to privilege escalation.
func (a *app) rules(b *w, cluster bool) {
	b.l(0, "rules:")
	b.l(0, "- apiGroups: [\"\"]")
	if a.chance(0.3) {
		b.l(2, "resources: [\"configmaps\", \"endpoints\"]")
	} else {
		b.l(2, "resources: [\"configmaps\"]")
	}
	b.l(2, "verbs: [\"get\", \"list\", \"watch\"]")
	if a.chance(0.3) {
		b.l(0, "- apiGroups:")
		b.l(2, "- \"\"")
		b.l(2, "resources:")
		b.l(2, "- secrets")
		b.l(2, "resourceNames:")
		b.l(2, "- %s-credentials", a.name)
		b.l(2, "verbs:")
		b.l(2, "- get")
	}
	switch x := a.r.Float64(); {
	case x < 0.1:
		b.l(0, "- apiGroups: [\"apps\"]")
		b.l(2, "resources: [\"deployments\", \"statefulsets\"]")
		b.l(2, "verbs: [\"*\"]")
	case x < 0.16:
		b.l(0, "- apiGroups: [\"*\"]")
		b.l(2, "resources: [\"*\"]")
		b.l(2, "verbs: [\"*\"]")
	case x < 0.21:
		b.l(0, "- apiGroups: [\"\"]")
		b.l(2, "resources: [\"pods/*\"]")
		b.l(2, "verbs: [\"get\", \"create\"]")
	case x < 0.26:
		b.l(0, "- apiGroups: [\"\"]")
		b.l(2, "resources: [\"pods/exec\", \"pods/log\"]")
		b.l(2, "verbs: [\"create\", \"get\"]")
	case x < 0.3:
		b.l(0, "- apiGroups: [\"\"]")
		b.l(2, "resources: [\"serviceaccounts/token\"]")
		b.l(2, "verbs: [\"create\"]")
	case x < 0.33 && cluster:
		b.l(0, "- apiGroups: [\"rbac.authorization.k8s.io\"]")
		b.l(2, "resources: [\"clusterroles\", \"rolebindings\"]")
		b.l(2, "verbs: [\"bind\", \"escalate\"]")
	case x < 0.38:
		b.l(0, "- apiGroups: [\"batch\"]")
		b.l(2, "resources: [\"*\"]")
		b.l(2, "verbs: [\"get\", \"list\"]")
	}
}

func (a *app) role() doc {
	var b w
	a.header(&b, "rbac.authorization.k8s.io/v1", "Role", a.name, "rbac", true)
	a.rules(&b, false)
	return doc{"Role", "role", b.String()}
}

// subjects writes a binding's subjects: usually the app's account, now and
// then the namespace's default account or a broad group.
func (a *app) subjects(b *w) {
	b.l(0, "subjects:")
	switch x := a.r.Float64(); {
	case x < 0.88:
		b.l(0, "- kind: ServiceAccount")
		b.l(2, "name: %s", a.sa)
		if a.ns != "" || a.chance(0.5) {
			b.l(2, "namespace: %s", a.namespace())
		}
	case x < 0.95:
		b.l(0, "- kind: ServiceAccount")
		b.l(2, "name: default")
		b.l(2, "namespace: %s", a.namespace())
	case x < 0.98:
		b.l(0, "- kind: Group")
		b.l(2, "apiGroup: rbac.authorization.k8s.io")
		b.l(2, "name: system:serviceaccounts")
	default:
		b.l(0, "- kind: Group")
		b.l(2, "apiGroup: rbac.authorization.k8s.io")
		b.l(2, "name: system:authenticated")
	}
}

func (a *app) roleBinding() doc {
	var b w
	a.header(&b, "rbac.authorization.k8s.io/v1", "RoleBinding", a.name, "rbac", true)
	b.l(0, "roleRef:")
	b.l(2, "apiGroup: rbac.authorization.k8s.io")
	b.l(2, "kind: Role")
	b.l(2, "name: %s", a.name)
	a.subjects(&b)
	return doc{"RoleBinding", "rolebinding", b.String()}
}

func (a *app) clusterRole() doc {
	var b w
	a.header(&b, "rbac.authorization.k8s.io/v1", "ClusterRole", a.name+"-cluster", "rbac", false)
	a.rules(&b, true)
	return doc{"ClusterRole", "clusterrole", b.String()}
}

func (a *app) clusterRoleBinding() doc {
	var b w
	a.header(&b, "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", a.name+"-cluster", "rbac", false)
	b.l(0, "roleRef:")
	b.l(2, "apiGroup: rbac.authorization.k8s.io")
	b.l(2, "kind: ClusterRole")
	if a.chance(0.15) {
		b.l(2, "name: cluster-admin")
	} else {
		b.l(2, "name: %s-cluster", a.name)
	}
	a.subjects(&b)
	return doc{"ClusterRoleBinding", "clusterrolebinding", b.String()}
}
