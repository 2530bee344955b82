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
	// Tokens are the API tokens the pod carries, with the permissions
	// their accounts hold (for SA070).
	Tokens []Token `json:"tokens"`
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
	// BoundBy is the first binding subject in the input that reaches the
	// account (nil when Bound is false).
	BoundBy *BindingLink `json:"boundBy"`
	Ref     *int         `json:"ref"`
}

// BindingLink names a binding subject: the binding's fact ref and name,
// the subject as written ("ServiceAccount web", "Group
// system:serviceaccounts:ci") and the path of its name.
type BindingLink struct {
	Ref     int         `json:"ref"`
	Name    string      `json:"name"`
	Subject string      `json:"subject"`
	Path    loader.Path `json:"path"`
}

// InvalidField is a field strict decoding rejected.
type InvalidField struct {
	Ident
	Path    loader.Path `json:"path"`
	Problem string      `json:"problem"`
	Field   string      `json:"field"`
	Detail  string      `json:"detail"`
	// PodSpecs are the paths of the object's pod specs (one for a
	// pod-bearing kind, none otherwise), so that a rule can tell a pod's
	// fields from the rest of the object.
	PodSpecs []loader.Path `json:"podSpecs"`
}

// Role is a Role or ClusterRole.
type Role struct {
	Ident
	Rules []PolicyRule `json:"rules"`
	// Aggregated is true for a ClusterRole with an aggregationRule: the
	// controller manager replaces its rules with those of the ClusterRoles
	// its selectors match.
	Aggregated bool `json:"aggregated"`
}

// PolicyRule is one rule of a role, as written. Path is ["rules", i]; the
// path of an item is Path + [field, j].
type PolicyRule struct {
	Index           int         `json:"index"`
	Path            loader.Path `json:"path"`
	APIGroups       []string    `json:"apiGroups"`
	Resources       []string    `json:"resources"`
	Verbs           []string    `json:"verbs"`
	ResourceNames   []string    `json:"resourceNames"`
	NonResourceURLs []string    `json:"nonResourceURLs"`
}

// Ways a binding's roleRef resolves.
const (
	RoleInInput    = "input"      // the role is in the input (ref set)
	RoleBuiltin    = "builtin"    // a role every cluster has: cluster-admin, admin, edit, view, system:*
	RoleKnown      = "known"      // listed in configuration (known.roles)
	RoleUnresolved = "unresolved" // none of the above
	RoleInvalid    = "invalid"    // the API server would reject the reference
)

// Binding is a RoleBinding or ClusterRoleBinding.
type Binding struct {
	Ident
	RoleRef  RoleRef          `json:"roleRef"`
	Subjects []BindingSubject `json:"subjects"`
}

// RoleRef is a binding's roleRef and what it resolves to.
type RoleRef struct {
	APIGroup   string      `json:"apiGroup"`
	Kind       string      `json:"kind"`
	Name       string      `json:"name"`
	Path       loader.Path `json:"path"`
	KindPath   loader.Path `json:"kindPath"`
	NamePath   loader.Path `json:"namePath"`
	Resolution string      `json:"resolution"`
	Ref        *int        `json:"ref"`
}

// BindingSubject is one subject of a binding.
type BindingSubject struct {
	Index     int         `json:"index"`
	Kind      string      `json:"kind"`
	APIGroup  string      `json:"apiGroup"`
	Name      string      `json:"name"`
	Namespace string      `json:"namespace"` // as written
	Path      loader.Path `json:"path"`
	NamePath  loader.Path `json:"namePath"`
	// For ServiceAccount subjects: the account's namespace (the binding's
	// when the subject names none), and whether the input defines it or
	// configuration lists it. The default ServiceAccount always exists.
	AccountNamespace string `json:"accountNamespace"`
	InInput          bool   `json:"inInput"`
	Known            bool   `json:"known"`
	Ref              *int   `json:"ref"`
}

// Ways a pod carries an API token.
const (
	TokenAutomount = "automount" // the automounted token of the pod's ServiceAccount
	TokenProjected = "projected" // a serviceAccountToken projection for the API server
	TokenSecret    = "secret"    // a legacy token Secret the pod reads
)

// Token is an API token a pod carries, and the most dangerous permission
// its ServiceAccount holds through the bindings in the input.
type Token struct {
	Via string `json:"via"`
	// Path is the pod's ServiceAccount reference (the Secret reference for
	// a legacy token Secret).
	Path             loader.Path `json:"path"`
	AccountNamespace string      `json:"accountNamespace"`
	AccountName      string      `json:"accountName"`
	// Secret names the legacy token Secret (via "secret"), else "".
	Secret string `json:"secret"`
	// Grant is the most dangerous grant of the account (nil when none is
	// dangerous); DangerousGrants counts every dangerous grant, this one
	// included. Chain spells the path from the pod to the granting rule,
	// one link per object: "Deployment prod/web", "ServiceAccount
	// prod/web", "RoleBinding prod/web-pods", "ClusterRole pod-creator",
	// "rule #2" (nil without a grant).
	Grant           *Grant   `json:"grant"`
	DangerousGrants int      `json:"dangerousGrants"`
	Chain           []string `json:"chain"`
}

// Grant is a dangerous rule of a role granted to a ServiceAccount through
// one binding subject: the provenance of a permission, and what the RBAC
// library found dangerous in it.
type Grant struct {
	BindingRef  int         `json:"bindingRef"`
	BindingName string      `json:"bindingName"` // "RoleBinding ns/name" or "ClusterRoleBinding name"
	Subject     string      `json:"subject"`     // "ServiceAccount ns/name", "Group system:serviceaccounts:ns" or "User system:serviceaccount:ns:name"
	SubjectPath loader.Path `json:"subjectPath"`
	RoleRefPath loader.Path `json:"roleRefPath"`
	// RoleName names the bound role as the chain does ("ClusterRole
	// edit (built in)").
	RoleName string `json:"roleName"`
	// The rule: its position in the role that holds it (RuleHolder, the
	// object RuleRef: the bound role, or the ClusterRole an aggregated role
	// took it from; nil for a built-in role, which has no manifest) and the
	// path of the item that makes it dangerous.
	RuleIndex  int         `json:"ruleIndex"`
	RuleHolder string      `json:"ruleHolder"`
	RuleRef    *int        `json:"ruleRef"`
	RulePath   loader.Path `json:"rulePath"`
	Danger     Danger      `json:"danger"`
	// Namespace is where the grant applies: the RoleBinding's namespace, or
	// "" for a ClusterRoleBinding (every namespace).
	Namespace string `json:"namespace"`
}

// Danger is what salint.lib.rbac found dangerous in a rule: the rule ID
// whose check it meets, its severity, the item that matched and the
// permission in words ("create pods").
type Danger struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	What     string `json:"what"`
	// The matching item, which Grant.RulePath already addresses.
	Field string `json:"-"`
	Item  int    `json:"-"`
}
