// Package model turns decoded objects into the facts rules read: every pod
// template with its effective ServiceAccount and token mount, the
// ServiceAccounts, Secrets and bindings, and the fields strict decoding
// rejected. Cross-object references are resolved here, by name and
// namespace, exactly as Kubernetes resolves them, so that rules never search.
// docs/rule-input.md describes the facts as rules see them.
package model

import "github.com/salint/salint/pkg/loader"

// Ident names an object in facts and findings.
type Ident struct {
	Ref        int    `json:"ref"`
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
}

// Workload is one pod template.
type Workload struct {
	Ident
	Spec             loader.Path       `json:"spec"`
	ServiceAccount   WorkloadAccount   `json:"serviceAccount"`
	Automount        Automount         `json:"automount"`
	TokenProjections []TokenProjection `json:"tokenProjections"`
	SecretRefs       []SecretRef       `json:"secretRefs"`
}

// WorkloadAccount is the ServiceAccount a pod template runs as.
type WorkloadAccount struct {
	Name                   string      `json:"name"`
	Path                   loader.Path `json:"path"`
	ServiceAccountName     *string     `json:"serviceAccountName"`
	ServiceAccountNamePath loader.Path `json:"serviceAccountNamePath"`
	Deprecated             *string     `json:"deprecated"`
	DeprecatedPath         loader.Path `json:"deprecatedPath"`
	InInput                bool        `json:"inInput"`
	Known                  bool        `json:"known"`
	Ref                    *int        `json:"ref"`
}

// Token mount sources, in the order Kubernetes consults them.
const (
	SourcePod            = "pod"
	SourceServiceAccount = "serviceAccount"
	SourceDefault        = "default"
	SourceUnresolved     = "unresolved"
)

// Automount says whether the API token is mounted into the pod, and why.
type Automount struct {
	Mounted             bool        `json:"mounted"`
	Source              string      `json:"source"`
	Path                loader.Path `json:"path"`
	PodValue            *bool       `json:"podValue"`
	ServiceAccountValue *bool       `json:"serviceAccountValue"`
}

// TokenProjection is a serviceAccountToken source of a projected volume.
type TokenProjection struct {
	Path              loader.Path `json:"path"`
	Volume            string      `json:"volume"`
	ExpirationSeconds *int64      `json:"expirationSeconds"`
	ExpirationPath    loader.Path `json:"expirationPath"`
	Audience          *string     `json:"audience"`
	Mounts            []Mount     `json:"mounts"`
}

// Mount is a container's mount of a volume.
type Mount struct {
	Container string      `json:"container"`
	MountPath string      `json:"mountPath"`
	Path      loader.Path `json:"path"`
}

// Ways a pod reads a Secret.
const (
	ViaVolume    = "volume"
	ViaProjected = "projected"
	ViaEnv       = "env"
	ViaEnvFrom   = "envFrom"
)

// SecretRef is a Secret a pod reads.
type SecretRef struct {
	Name      string      `json:"name"`
	Via       string      `json:"via"`
	Container *string     `json:"container"`
	Path      loader.Path `json:"path"`
	Secret    *SecretLink `json:"secret"`
}

// SecretLink is the Secret of that name in the input.
type SecretLink struct {
	Ref  int    `json:"ref"`
	Type string `json:"type"`
}

// ServiceAccount is a ServiceAccount object.
type ServiceAccount struct {
	Ident
	Automount     *bool       `json:"automount"`
	AutomountPath loader.Path `json:"automountPath"`
	Secrets       []string    `json:"secrets"`
	SecretsPath   loader.Path `json:"secretsPath"`
}

// Secret is a Secret object.
type Secret struct {
	Ident
	Type                   string         `json:"type"`
	TypePath               loader.Path    `json:"typePath"`
	ServiceAccountName     *string        `json:"serviceAccountName"`
	ServiceAccountNamePath loader.Path    `json:"serviceAccountNamePath"`
	AnnotationsPath        loader.Path    `json:"annotationsPath"`
	ServiceAccount         *SecretAccount `json:"serviceAccount"`
}

// SecretAccount resolves the ServiceAccount a token Secret belongs to.
type SecretAccount struct {
	InInput bool `json:"inInput"`
	Known   bool `json:"known"`
	Bound   bool `json:"bound"`
	Ref     *int `json:"ref"`
}

// InvalidField is a field strict decoding rejected.
type InvalidField struct {
	Ident
	Path    loader.Path `json:"path"`
	Problem string      `json:"problem"`
	Field   string      `json:"field"`
	Detail  string      `json:"detail"`
}

// Subject is a binding subject that names a ServiceAccount or a group.
type Subject struct {
	Kind      string // ServiceAccount, Group or User
	Name      string
	Namespace string // for ServiceAccounts, defaulted to the binding's namespace
}
