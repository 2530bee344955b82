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
