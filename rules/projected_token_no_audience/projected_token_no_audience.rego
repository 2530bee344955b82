# METADATA
# title: Projected token for another consumer has no audience
# description: >-
#   Fires when a serviceAccountToken source of a projected volume has no
#   audience (or an empty one) and a container mounts the volume anywhere but
#   /var/run/secrets/kubernetes.io/serviceaccount. Kubernetes then issues the
#   token for the API server's own audience, so the external service that
#   receives it can replay it against the API server with the pod's permissions.
# custom:
#   id: SA033
#   name: projected-token-no-audience
#   severity: low
#   category: projected-tokens
#   remediation: >-
#     Set audience on the serviceAccountToken source to the identifier the
#     consuming service expects (for example "vault"), so the token is useless
#     anywhere else.
#   references:
#     - https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
package salint.rules.projected_token_no_audience

import data.salint.lib.k8s

findings contains {"ref": w.ref, "path": p.path, "msg": msg, "related": related} if {
	some w in input.workloads
	some p in w.tokenProjections
	p.audience in {null, ""}
	mounts := [m | some m in p.mounts; not k8s.is_token_mount_path(m.mountPath)]
	count(mounts) > 0
	msg := sprintf(
		"serviceAccountToken projection of volume %q has no audience, so the token mounted at %s is valid for the API server",
		[p.volume, k8s.quoted_list({m.mountPath | some m in mounts})],
	)
	related := [{"ref": w.ref, "path": m.path, "msg": sprintf("container %q mounts the token at %q", [m.container, m.mountPath])} |
		some m in mounts
	]
}
