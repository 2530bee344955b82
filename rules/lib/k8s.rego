# Package salint.lib.k8s names the Kubernetes constants and conventions that
# several rules share.
package salint.lib.k8s

# Every namespace has a ServiceAccount of this name; pods that name none run as it.
default_service_account := "default"

# The Secret type of legacy, non-expiring ServiceAccount tokens.
token_secret_type := "kubernetes.io/service-account-token"

# The annotation that binds a token Secret to its ServiceAccount.
service_account_annotation := "kubernetes.io/service-account.name"

# Where the kubelet mounts the automounted API token.
token_mount_path := "/var/run/secrets/kubernetes.io/serviceaccount"

# is_token_mount_path holds for the automount path, with or without trailing slashes.
is_token_mount_path(path) if trim_right(path, "/") == token_mount_path

# cluster_scoped_resources are the resources that live outside namespaces, by
# name in any API group, as k8s.io/api defines them (core, RBAC, admission,
# apiextensions, apiregistration, certificates, storage, scheduling, node,
# flowcontrol, networking, resource, authentication, authorization, policy,
# storagemigration and apiserver-internal groups), plus what the authorizer
# checks without a namespace: impersonated users, groups, uids and user
# extras, and certificate signers. A RoleBinding grants none of them.
cluster_scoped_resources := {
	"nodes", "namespaces", "persistentvolumes", "componentstatuses",
	"clusterroles", "clusterrolebindings",
	"mutatingwebhookconfigurations", "validatingwebhookconfigurations",
	"mutatingadmissionpolicies", "mutatingadmissionpolicybindings",
	"validatingadmissionpolicies", "validatingadmissionpolicybindings",
	"customresourcedefinitions", "apiservices",
	"certificatesigningrequests", "clustertrustbundles", "signers",
	"storageclasses", "csidrivers", "csinodes", "volumeattachments", "volumeattributesclasses",
	"priorityclasses", "runtimeclasses", "flowschemas", "prioritylevelconfigurations",
	"ingressclasses", "ipaddresses", "servicecidrs",
	"deviceclasses", "resourceslices", "devicetaintrules",
	"tokenreviews", "selfsubjectreviews",
	"subjectaccessreviews", "selfsubjectaccessreviews", "selfsubjectrulesreviews",
	"podsecuritypolicies", "storageversionmigrations", "storageversions",
	"users", "groups", "uids", "userextras",
}

# is_cluster_scoped holds for a cluster-scoped resource and its subresources
# ("nodes/proxy").
is_cluster_scoped(resource) if split(resource, "/")[0] in cluster_scoped_resources

# parent_named_subresources are the subresources whose create request names
# the parent object in its URL (/api/v1/namespaces/ns/serviceaccounts/web/token),
# so that resourceNames limit create on them, as they cannot on a resource.
parent_named_subresources := {"serviceaccounts/token", "pods/exec", "pods/attach", "pods/portforward", "pods/eviction"}

# resource_kinds names the kind of the parent of the subresources salint
# judges, for messages: for ServiceAccount "web".
resource_kinds := {
	"serviceaccounts": "ServiceAccount",
	"pods": "Pod",
	"nodes": "Node",
	"services": "Service",
	"certificatesigningrequests": "CertificateSigningRequest",
}

# qualified_name describes an object as "namespace/name".
qualified_name(namespace, name) := sprintf("%s/%s", [namespace, name])

# quoted_list renders strings as "a", "b", "c".
quoted_list(items) := concat(", ", [sprintf("%q", [item]) | some item in items])

# automount_location is where a ServiceAccount's automount finding points: the
# field when set, else the document's first key.
automount_location(sa) := sa.automountPath if sa.automountPath != null

else := []

# automount_setting is a ServiceAccount's automountServiceAccountToken: "unset", "true" or "false".
automount_setting(sa) := "unset" if sa.automount == null

else := sprintf("%v", [sa.automount])
