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
	rbacv1 "k8s.io/api/rbac/v1"
	rbacv1alpha1 "k8s.io/api/rbac/v1alpha1"
	rbacv1beta1 "k8s.io/api/rbac/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/salint/salint/pkg/loader"
)

// TemplateCRD is a custom resource that embeds a pod template at
// spec.template (Argo Rollout, OpenKruise CloneSet, Knative Service). Only
// the template is decoded strictly; the rest of the resource is not
// salint's to judge.
type TemplateCRD struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        metav1.ObjectMeta `json:"metadata"`
	Spec            struct {
		Template corev1.PodTemplateSpec `json:"template"`
	} `json:"spec"`
}

// ArgoWorkflow is an Argo Workflow, WorkflowTemplate or
// ClusterWorkflowTemplate: its spec carries the pod-level fields
// (serviceAccountName, automountServiceAccountToken, volumes) of every
// pod the workflow runs.
type ArgoWorkflow struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        metav1.ObjectMeta `json:"metadata"`
	Spec            corev1.PodSpec    `json:"spec"`
}

// ArgoCronWorkflow is an Argo CronWorkflow, whose workflow spec sits at
// spec.workflowSpec.
type ArgoCronWorkflow struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        metav1.ObjectMeta `json:"metadata"`
	Spec            struct {
		WorkflowSpec corev1.PodSpec `json:"workflowSpec"`
	} `json:"spec"`
}

var noStrict = []string{}

// target returns how to decode one Kubernetes type, reporting every
// unknown field.
func target[T any]() *loader.Target {
	return &loader.Target{New: func() any { return new(T) }}
}

type apiKind struct{ apiVersion, kind string }

// kinds are the checked kinds of Kubernetes itself, by apiVersion and kind.
var kinds = map[apiKind]*loader.Target{
	{"v1", "Pod"}:                                                target[corev1.Pod](),
	{"v1", "PodTemplate"}:                                        target[corev1.PodTemplate](),
	{"v1", "ReplicationController"}:                              target[corev1.ReplicationController](),
	{"v1", "ServiceAccount"}:                                     target[corev1.ServiceAccount](),
	{"v1", "Secret"}:                                             target[corev1.Secret](),
	{"apps/v1", "Deployment"}:                                    target[appsv1.Deployment](),
	{"apps/v1", "ReplicaSet"}:                                    target[appsv1.ReplicaSet](),
	{"apps/v1", "StatefulSet"}:                                   target[appsv1.StatefulSet](),
	{"apps/v1", "DaemonSet"}:                                     target[appsv1.DaemonSet](),
	{"apps/v1beta1", "Deployment"}:                               target[appsv1beta1.Deployment](),
	{"apps/v1beta1", "StatefulSet"}:                              target[appsv1beta1.StatefulSet](),
	{"apps/v1beta2", "Deployment"}:                               target[appsv1beta2.Deployment](),
	{"apps/v1beta2", "ReplicaSet"}:                               target[appsv1beta2.ReplicaSet](),
	{"apps/v1beta2", "StatefulSet"}:                              target[appsv1beta2.StatefulSet](),
	{"apps/v1beta2", "DaemonSet"}:                                target[appsv1beta2.DaemonSet](),
	{"extensions/v1beta1", "Deployment"}:                         target[extv1beta1.Deployment](),
	{"extensions/v1beta1", "ReplicaSet"}:                         target[extv1beta1.ReplicaSet](),
	{"extensions/v1beta1", "DaemonSet"}:                          target[extv1beta1.DaemonSet](),
	{"batch/v1", "Job"}:                                          target[batchv1.Job](),
	{"batch/v1", "CronJob"}:                                      target[batchv1.CronJob](),
	{"batch/v1beta1", "CronJob"}:                                 target[batchv1beta1.CronJob](),
	{"rbac.authorization.k8s.io/v1", "Role"}:                     target[rbacv1.Role](),
	{"rbac.authorization.k8s.io/v1", "ClusterRole"}:              target[rbacv1.ClusterRole](),
	{"rbac.authorization.k8s.io/v1", "RoleBinding"}:              target[rbacv1.RoleBinding](),
	{"rbac.authorization.k8s.io/v1", "ClusterRoleBinding"}:       target[rbacv1.ClusterRoleBinding](),
	{"rbac.authorization.k8s.io/v1beta1", "Role"}:                target[rbacv1beta1.Role](),
	{"rbac.authorization.k8s.io/v1beta1", "ClusterRole"}:         target[rbacv1beta1.ClusterRole](),
	{"rbac.authorization.k8s.io/v1beta1", "RoleBinding"}:         target[rbacv1beta1.RoleBinding](),
	{"rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"}:  target[rbacv1beta1.ClusterRoleBinding](),
	{"rbac.authorization.k8s.io/v1alpha1", "Role"}:               target[rbacv1alpha1.Role](),
	{"rbac.authorization.k8s.io/v1alpha1", "ClusterRole"}:        target[rbacv1alpha1.ClusterRole](),
	{"rbac.authorization.k8s.io/v1alpha1", "RoleBinding"}:        target[rbacv1alpha1.RoleBinding](),
	{"rbac.authorization.k8s.io/v1alpha1", "ClusterRoleBinding"}: target[rbacv1alpha1.ClusterRoleBinding](),
}

// crdKinds are the custom resources whose pod templates salint reads, by
// API group and kind, in any version.
var crdKinds = map[apiKind]*loader.Target{
	{"argoproj.io", "Rollout"}:     {New: func() any { return new(TemplateCRD) }, Strict: []string{"spec.template"}},
	{"apps.kruise.io", "CloneSet"}: {New: func() any { return new(TemplateCRD) }, Strict: []string{"spec.template"}},
	// Knative adds its own fields to the pod spec: decode leniently.
	{"serving.knative.dev", "Service"}:         {New: func() any { return new(TemplateCRD) }, Strict: noStrict},
	{"argoproj.io", "Workflow"}:                {New: func() any { return new(ArgoWorkflow) }, Strict: noStrict},
	{"argoproj.io", "WorkflowTemplate"}:        {New: func() any { return new(ArgoWorkflow) }, Strict: noStrict},
	{"argoproj.io", "ClusterWorkflowTemplate"}: {New: func() any { return new(ArgoWorkflow) }, Strict: noStrict},
	{"argoproj.io", "CronWorkflow"}:            {New: func() any { return new(ArgoCronWorkflow) }, Strict: noStrict},
}

// Kinds is the loader's registry of checked kinds: the pod-bearing kinds
// and the ServiceAccount, Secret and RBAC kinds, in every API version
// k8s.io/api still describes, plus the pod templates of well-known CRDs.
// It returns nil for kinds salint does not check.
func Kinds(apiVersion, kind string) *loader.Target {
	if t := kinds[apiKind{apiVersion, kind}]; t != nil {
		return t
	}
	group, _, ok := strings.Cut(apiVersion, "/")
	if !ok {
		return nil
	}
	return crdKinds[apiKind{group, kind}]
}

// clusterScoped lists the checked kinds that live outside namespaces.
func clusterScoped(kind string) bool {
	switch kind {
	case "ClusterRole", "ClusterRoleBinding", "ClusterWorkflowTemplate":
		return true
	}
	return false
}
