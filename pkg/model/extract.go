package model

import (
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	appsv1beta1 "k8s.io/api/apps/v1beta1"
	appsv1beta2 "k8s.io/api/apps/v1beta2"
	batchv1 "k8s.io/api/batch/v1"
	batchv1beta1 "k8s.io/api/batch/v1beta1"
	corev1 "k8s.io/api/core/v1"
	extv1beta1 "k8s.io/api/extensions/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/salint/salint/pkg/loader"
)

// TokenSecretType is the type of a legacy, never-expiring token Secret.
const TokenSecretType = string(corev1.SecretTypeServiceAccountToken)

// ServiceAccountAnnotation names the ServiceAccount of a token Secret.
const ServiceAccountAnnotation = corev1.ServiceAccountNameKey

// podSpec is a pod template found in an object, with the path of its spec.
type podSpec struct {
	spec *corev1.PodSpec
	path loader.Path
}

var (
	pathSpec             = loader.Path{"spec"}
	pathTemplateSpec     = loader.Path{"template", "spec"}
	pathSpecTemplateSpec = loader.Path{"spec", "template", "spec"}
	pathCronJobSpec      = loader.Path{"spec", "jobTemplate", "spec", "template", "spec"}
	pathWorkflowSpec     = loader.Path{"spec", "workflowSpec"}
)

// podSpecs finds every pod template of a decoded object, so that no rule
// has to know controller kinds.
func podSpecs(v any) []podSpec {
	one := func(s *corev1.PodSpec, p loader.Path) []podSpec { return []podSpec{{s, p}} }
	switch o := v.(type) {
	case *corev1.Pod:
		return one(&o.Spec, pathSpec)
	case *corev1.PodTemplate:
		return one(&o.Template.Spec, pathTemplateSpec)
	case *corev1.ReplicationController:
		if o.Spec.Template == nil {
			return nil
		}
		return one(&o.Spec.Template.Spec, pathSpecTemplateSpec)
	case *appsv1.Deployment:
		return one(&o.Spec.Template.Spec, pathSpecTemplateSpec)
	case *appsv1.ReplicaSet:
		return one(&o.Spec.Template.Spec, pathSpecTemplateSpec)
	case *appsv1.StatefulSet:
		return one(&o.Spec.Template.Spec, pathSpecTemplateSpec)
	case *appsv1.DaemonSet:
		return one(&o.Spec.Template.Spec, pathSpecTemplateSpec)
	case *appsv1beta1.Deployment:
		return one(&o.Spec.Template.Spec, pathSpecTemplateSpec)
	case *appsv1beta1.StatefulSet:
		return one(&o.Spec.Template.Spec, pathSpecTemplateSpec)
	case *appsv1beta2.Deployment:
		return one(&o.Spec.Template.Spec, pathSpecTemplateSpec)
	case *appsv1beta2.ReplicaSet:
		return one(&o.Spec.Template.Spec, pathSpecTemplateSpec)
	case *appsv1beta2.StatefulSet:
		return one(&o.Spec.Template.Spec, pathSpecTemplateSpec)
	case *appsv1beta2.DaemonSet:
		return one(&o.Spec.Template.Spec, pathSpecTemplateSpec)
	case *extv1beta1.Deployment:
		return one(&o.Spec.Template.Spec, pathSpecTemplateSpec)
	case *extv1beta1.ReplicaSet:
		return one(&o.Spec.Template.Spec, pathSpecTemplateSpec)
	case *extv1beta1.DaemonSet:
		return one(&o.Spec.Template.Spec, pathSpecTemplateSpec)
	case *batchv1.Job:
		return one(&o.Spec.Template.Spec, pathSpecTemplateSpec)
	case *batchv1.CronJob:
		return one(&o.Spec.JobTemplate.Spec.Template.Spec, pathCronJobSpec)
	case *batchv1beta1.CronJob:
		return one(&o.Spec.JobTemplate.Spec.Template.Spec, pathCronJobSpec)
	case *TemplateCRD:
		return one(&o.Spec.Template.Spec, pathSpecTemplateSpec)
	case *ArgoWorkflow:
		return one(&o.Spec, pathSpec)
	case *ArgoCronWorkflow:
		return one(&o.Spec.WorkflowSpec, pathWorkflowSpec)
	}
	return nil
}

// Annotations that suppress findings on an object.
const (
	IgnoreAnnotation       = "salint.io/ignore"
	IgnoreReasonAnnotation = "salint.io/ignore-reason"
)

// Extracted holds the facts of one object before references are resolved.
type Extracted struct {
	Ident
	Source *loader.Object
	// Ignore is the object's salint.io/ignore annotation, split at commas
	// (nil without it), and IgnoreReason its salint.io/ignore-reason.
	Ignore       []string
	IgnoreReason string
	// Context marks an object read for references only: it resolves
	// others, and no finding is reported on it.
	Context bool
	// Scope is where the object's references resolve first: its unit of
	// deployment (a chart render, a kustomize build) when it has one; ""
	// means its file. Dir is the directory that counts as the object's
	// for nearest-first resolution: a unit's root; "" means its file's.
	Scope, Dir string
	// NamespaceHint says why the object, which names no namespace, is
	// taken to be in the one it is in; nil when it names one or has the
	// default.
	NamespaceHint  *NamespaceHint
	workloads      []Workload
	serviceAccount *ServiceAccount
	secret         *Secret
	role           *Role
	roleLabels     map[string]string
	aggregation    []metav1.LabelSelector
	binding        *Binding
	invalid        []InvalidField
}

// Extract reads one decoded object. It is safe for concurrent use; the
// decoded value is not kept, only the facts.
func Extract(o *loader.Object, defaultNamespace string) *Extracted {
	ns := o.Namespace
	if clusterScoped(o.Kind) {
		ns = ""
	} else if ns == "" {
		ns = defaultNamespace
	}
	x := &Extracted{
		Ident:  Ident{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: ns, Name: o.Name},
		Source: o,
	}
	if ann := annotations(o.Value); ann != nil {
		if v, ok := ann[IgnoreAnnotation]; ok {
			for _, id := range strings.Split(v, ",") {
				if id = strings.TrimSpace(id); id != "" {
					x.Ignore = append(x.Ignore, id)
				}
			}
			x.IgnoreReason = strings.TrimSpace(ann[IgnoreReasonAnnotation])
		}
	}
	has := o.Positions.Has
	for _, ps := range podSpecs(o.Value) {
		x.workloads = append(x.workloads, workload(x.Ident, ps, has))
	}
	switch v := o.Value.(type) {
	case *corev1.ServiceAccount:
		sa := &ServiceAccount{Ident: x.Ident, Automount: v.AutomountServiceAccountToken}
		if v.AutomountServiceAccountToken != nil {
			sa.AutomountPath = loader.Path{"automountServiceAccountToken"}
		}
		if p := (loader.Path{"secrets"}); has(p) {
			sa.Secrets = make([]string, 0, len(v.Secrets))
			for _, s := range v.Secrets {
				sa.Secrets = append(sa.Secrets, s.Name)
			}
			sa.SecretsPath = p
		}
		x.serviceAccount = sa
	case *corev1.Secret:
		s := &Secret{Ident: x.Ident, Type: string(v.Type)}
		if p := (loader.Path{"type"}); has(p) {
			s.TypePath = p
		}
		if p := (loader.Path{"metadata", "annotations"}); has(p) {
			s.AnnotationsPath = p
		}
		if name, ok := v.Annotations[ServiceAccountAnnotation]; ok {
			s.ServiceAccountName = &name
			s.ServiceAccountNamePath = loader.Path{"metadata", "annotations", ServiceAccountAnnotation}
		}
		x.secret = s
	default:
		extractRBAC(x, o.Value, has)
	}
	podSpecPaths := make([]loader.Path, 0, len(x.workloads))
	for _, w := range x.workloads {
		podSpecPaths = append(podSpecPaths, w.Spec)
	}
	for _, fe := range o.FieldErrors {
		field := ""
		for _, e := range fe.Path {
			if s, ok := e.(string); ok {
				field = s
			}
		}
		x.invalid = append(x.invalid, InvalidField{Ident: x.Ident, Path: fe.Path, Problem: fe.Problem, Field: field, Detail: fe.Detail, PodSpecs: podSpecPaths})
	}
	o.Value = nil // the facts are all that is needed from here on
	return x
}

func strPtr(s string) *string { return &s }

// annotations returns the metadata.annotations of a decoded object.
func annotations(v any) map[string]string {
	switch o := v.(type) {
	case interface{ GetAnnotations() map[string]string }:
		return o.GetAnnotations()
	case *TemplateCRD:
		return o.Metadata.Annotations
	case *ArgoWorkflow:
		return o.Metadata.Annotations
	case *ArgoCronWorkflow:
		return o.Metadata.Annotations
	}
	return nil
}

func workload(id Ident, ps podSpec, has func(loader.Path) bool) Workload {
	s, base := ps.spec, ps.path
	w := Workload{Ident: id, Spec: base, TokenProjections: []TokenProjection{}, SecretRefs: []SecretRef{}, Tokens: []Token{}}

	sa := &w.ServiceAccount
	if p := base.Child("serviceAccountName"); has(p) {
		sa.ServiceAccountName, sa.ServiceAccountNamePath = strPtr(s.ServiceAccountName), p
	}
	if p := base.Child("serviceAccount"); has(p) {
		sa.Deprecated, sa.DeprecatedPath = strPtr(s.DeprecatedServiceAccount), p
	}
	// serviceAccountName wins; the deprecated alias fills in when it is empty.
	switch {
	case s.ServiceAccountName != "":
		sa.Name, sa.Path = s.ServiceAccountName, sa.ServiceAccountNamePath
	case s.DeprecatedServiceAccount != "":
		sa.Name, sa.Path = s.DeprecatedServiceAccount, sa.DeprecatedPath
	case sa.ServiceAccountNamePath != nil:
		sa.Name, sa.Path = "default", sa.ServiceAccountNamePath
	case sa.DeprecatedPath != nil:
		sa.Name, sa.Path = "default", sa.DeprecatedPath
	default:
		sa.Name, sa.Path = "default", base
	}

	w.Automount = Automount{Path: base, PodValue: s.AutomountServiceAccountToken}
	if s.AutomountServiceAccountToken != nil {
		w.Automount.Path = base.Child("automountServiceAccountToken")
	}

	// Which containers mount which volume.
	mounts := map[string][]Mount{}
	addMounts := func(list string, i int, name string, vms []corev1.VolumeMount) {
		for j, vm := range vms {
			mounts[vm.Name] = append(mounts[vm.Name], Mount{
				Container: name, MountPath: vm.MountPath,
				Path: base.Child(list, i, "volumeMounts", j),
			})
		}
	}
	addRefs := func(list string, i int, name string, env []corev1.EnvVar, envFrom []corev1.EnvFromSource) {
		for k, e := range env {
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				w.SecretRefs = append(w.SecretRefs, SecretRef{
					Name: e.ValueFrom.SecretKeyRef.Name, Via: ViaEnv, Container: strPtr(name),
					Path: base.Child(list, i, "env", k, "valueFrom", "secretKeyRef", "name"),
				})
			}
		}
		for k, e := range envFrom {
			if e.SecretRef != nil {
				w.SecretRefs = append(w.SecretRefs, SecretRef{
					Name: e.SecretRef.Name, Via: ViaEnvFrom, Container: strPtr(name),
					Path: base.Child(list, i, "envFrom", k, "secretRef", "name"),
				})
			}
		}
	}
	for i, c := range s.InitContainers {
		addMounts("initContainers", i, c.Name, c.VolumeMounts)
		addRefs("initContainers", i, c.Name, c.Env, c.EnvFrom)
	}
	for i, c := range s.Containers {
		addMounts("containers", i, c.Name, c.VolumeMounts)
		addRefs("containers", i, c.Name, c.Env, c.EnvFrom)
	}
	for i, c := range s.EphemeralContainers {
		addMounts("ephemeralContainers", i, c.Name, c.VolumeMounts)
		addRefs("ephemeralContainers", i, c.Name, c.Env, c.EnvFrom)
	}

	for i, v := range s.Volumes {
		vp := base.Child("volumes", i)
		if v.Secret != nil {
			w.SecretRefs = append(w.SecretRefs, SecretRef{
				Name: v.Secret.SecretName, Via: ViaVolume, Path: vp.Child("secret", "secretName"),
			})
		}
		if v.Projected == nil {
			continue
		}
		for j, src := range v.Projected.Sources {
			sp := vp.Child("projected", "sources", j)
			if src.Secret != nil {
				w.SecretRefs = append(w.SecretRefs, SecretRef{
					Name: src.Secret.Name, Via: ViaProjected, Path: sp.Child("secret", "name"),
				})
			}
			if t := src.ServiceAccountToken; t != nil {
				tp := TokenProjection{
					Path: sp.Child("serviceAccountToken"), Volume: v.Name,
					ExpirationSeconds: t.ExpirationSeconds, Mounts: mounts[v.Name],
				}
				if tp.Mounts == nil {
					tp.Mounts = []Mount{}
				}
				if t.ExpirationSeconds != nil {
					tp.ExpirationPath = tp.Path.Child("expirationSeconds")
				}
				if p := tp.Path.Child("audience"); has(p) {
					tp.Audience = strPtr(t.Audience)
				}
				w.TokenProjections = append(w.TokenProjections, tp)
			}
		}
	}
	return w
}
