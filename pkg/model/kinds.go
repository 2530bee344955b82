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

// Kinds is the loader's registry of checked kinds: the pod-bearing kinds
// and the ServiceAccount, Secret and RBAC kinds, in every API version
// k8s.io/api still describes, plus the pod templates of well-known CRDs.
func Kinds(apiVersion, kind string) *loader.Target {
	group, _, _ := strings.Cut(apiVersion, "/")
	if !strings.Contains(apiVersion, "/") {
		group = ""
	}
	switch apiVersion + " " + kind {
	case "v1 Pod":
		return &loader.Target{Value: &corev1.Pod{}}
	case "v1 PodTemplate":
		return &loader.Target{Value: &corev1.PodTemplate{}}
	case "v1 ReplicationController":
		return &loader.Target{Value: &corev1.ReplicationController{}}
	case "v1 ServiceAccount":
		return &loader.Target{Value: &corev1.ServiceAccount{}}
	case "v1 Secret":
		return &loader.Target{Value: &corev1.Secret{}}
	case "apps/v1 Deployment":
		return &loader.Target{Value: &appsv1.Deployment{}}
	case "apps/v1 ReplicaSet":
		return &loader.Target{Value: &appsv1.ReplicaSet{}}
	case "apps/v1 StatefulSet":
		return &loader.Target{Value: &appsv1.StatefulSet{}}
	case "apps/v1 DaemonSet":
		return &loader.Target{Value: &appsv1.DaemonSet{}}
	case "apps/v1beta1 Deployment":
		return &loader.Target{Value: &appsv1beta1.Deployment{}}
	case "apps/v1beta1 StatefulSet":
		return &loader.Target{Value: &appsv1beta1.StatefulSet{}}
	case "apps/v1beta2 Deployment":
		return &loader.Target{Value: &appsv1beta2.Deployment{}}
	case "apps/v1beta2 ReplicaSet":
		return &loader.Target{Value: &appsv1beta2.ReplicaSet{}}
	case "apps/v1beta2 StatefulSet":
		return &loader.Target{Value: &appsv1beta2.StatefulSet{}}
	case "apps/v1beta2 DaemonSet":
		return &loader.Target{Value: &appsv1beta2.DaemonSet{}}
	case "extensions/v1beta1 Deployment":
		return &loader.Target{Value: &extv1beta1.Deployment{}}
	case "extensions/v1beta1 ReplicaSet":
		return &loader.Target{Value: &extv1beta1.ReplicaSet{}}
	case "extensions/v1beta1 DaemonSet":
		return &loader.Target{Value: &extv1beta1.DaemonSet{}}
	case "batch/v1 Job":
		return &loader.Target{Value: &batchv1.Job{}}
	case "batch/v1 CronJob":
		return &loader.Target{Value: &batchv1.CronJob{}}
	case "batch/v1beta1 CronJob":
		return &loader.Target{Value: &batchv1beta1.CronJob{}}
	case "rbac.authorization.k8s.io/v1 Role":
		return &loader.Target{Value: &rbacv1.Role{}}
	case "rbac.authorization.k8s.io/v1 ClusterRole":
		return &loader.Target{Value: &rbacv1.ClusterRole{}}
	case "rbac.authorization.k8s.io/v1 RoleBinding":
		return &loader.Target{Value: &rbacv1.RoleBinding{}}
	case "rbac.authorization.k8s.io/v1 ClusterRoleBinding":
		return &loader.Target{Value: &rbacv1.ClusterRoleBinding{}}
	case "rbac.authorization.k8s.io/v1beta1 Role":
		return &loader.Target{Value: &rbacv1beta1.Role{}}
	case "rbac.authorization.k8s.io/v1beta1 ClusterRole":
		return &loader.Target{Value: &rbacv1beta1.ClusterRole{}}
	case "rbac.authorization.k8s.io/v1beta1 RoleBinding":
		return &loader.Target{Value: &rbacv1beta1.RoleBinding{}}
	case "rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding":
		return &loader.Target{Value: &rbacv1beta1.ClusterRoleBinding{}}
	case "rbac.authorization.k8s.io/v1alpha1 Role":
		return &loader.Target{Value: &rbacv1alpha1.Role{}}
	case "rbac.authorization.k8s.io/v1alpha1 ClusterRole":
		return &loader.Target{Value: &rbacv1alpha1.ClusterRole{}}
	case "rbac.authorization.k8s.io/v1alpha1 RoleBinding":
		return &loader.Target{Value: &rbacv1alpha1.RoleBinding{}}
	case "rbac.authorization.k8s.io/v1alpha1 ClusterRoleBinding":
		return &loader.Target{Value: &rbacv1alpha1.ClusterRoleBinding{}}
	}
	switch group + " " + kind {
	case "argoproj.io Rollout", "apps.kruise.io CloneSet":
		return &loader.Target{Value: &TemplateCRD{}, Strict: []string{"spec.template"}}
	case "serving.knative.dev Service":
		// Knative adds its own fields to the pod spec: decode leniently.
		return &loader.Target{Value: &TemplateCRD{}, Strict: noStrict}
	case "argoproj.io Workflow", "argoproj.io WorkflowTemplate", "argoproj.io ClusterWorkflowTemplate":
		return &loader.Target{Value: &ArgoWorkflow{}, Strict: noStrict}
	case "argoproj.io CronWorkflow":
		return &loader.Target{Value: &ArgoCronWorkflow{}, Strict: noStrict}
	}
	return nil
}

// clusterScoped lists the checked kinds that live outside namespaces.
func clusterScoped(kind string) bool {
	switch kind {
	case "ClusterRole", "ClusterRoleBinding", "ClusterWorkflowTemplate":
		return true
	}
	return false
}
