package salint.lib.k8s_test

import data.salint.lib.k8s

test_token_mount_path_matches_with_or_without_trailing_slashes if {
	k8s.is_token_mount_path("/var/run/secrets/kubernetes.io/serviceaccount")
	k8s.is_token_mount_path("/var/run/secrets/kubernetes.io/serviceaccount/")
	k8s.is_token_mount_path("/var/run/secrets/kubernetes.io/serviceaccount//")
}

test_token_mount_path_rejects_other_paths if {
	not k8s.is_token_mount_path("/var/run/secrets/tokens")
	not k8s.is_token_mount_path("/var/run/secrets/kubernetes.io/serviceaccount/token")
	not k8s.is_token_mount_path("/var/run/secrets/kubernetes.io")
	not k8s.is_token_mount_path("/")
	not k8s.is_token_mount_path("")
}

test_qualified_name if {
	k8s.qualified_name("prod", "web") == "prod/web"
}

test_quoted_list if {
	k8s.quoted_list(["a", "b"]) == `"a", "b"`
	k8s.quoted_list([]) == ""
}

test_cluster_scoped_resources_and_their_subresources if {
	every resource in ["nodes", "nodes/proxy", "nodes/status", "clusterroles", "clusterrolebindings", "namespaces", "persistentvolumes", "storageclasses", "validatingwebhookconfigurations", "mutatingadmissionpolicies", "certificatesigningrequests/approval", "customresourcedefinitions", "users", "userextras/scopes"] {
		k8s.is_cluster_scoped(resource)
	}
	every resource in ["pods", "pods/exec", "secrets", "services/status", "serviceaccounts/token", "roles", "rolebindings", "persistentvolumeclaims", "events", "leases", "localsubjectaccessreviews", "*"] {
		not k8s.is_cluster_scoped(resource)
	}
}
