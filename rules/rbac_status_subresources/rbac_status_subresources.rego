# METADATA
# title: Role can write status subresources
# description: >-
#   Fires when a rule grants update or patch on services/status, nodes/status or
#   pods/status in the core API group. Other components trust status: a forged
#   load-balancer ingress IP in a Service's status lets its owner intercept
#   traffic meant for that IP (CVE-2020-8554, which concerns services/status
#   only), forged node status misleads the scheduler and node controllers, and
#   forged pod status misleads controllers and Service endpoints. The message
#   names the consequences of the subresources the rule grants.
# custom:
#   id: SA052
#   name: rbac-status-subresources
#   severity: medium
#   category: roles
#   remediation: >-
#     Remove the status subresources. Only the controllers that own an object
#     (the kubelet, a cloud or load-balancer controller) should write its
#     status.
#   references:
#     - https://github.com/kubernetes/kubernetes/issues/97076
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
package salint.rules.rbac_status_subresources

import data.salint.lib.rbac

findings contains f if {
	some x in rbac.role_dangers_of("SA052")
	f := rbac.finding(x.role, x.rule, x.danger, rbac.message(x.role, x.rule, x.danger, consequence(x.role, x.danger)))
}

# forgeries says what forging each status subresource does; CVE-2020-8554 is
# the Service's alone.
forgeries := {
	"nodes/status": "forge the node conditions and addresses that the scheduler and node controllers act on",
	"pods/status": "forge the pod readiness and IPs that controllers and Service endpoints act on",
	"services/status": "set a Service's load-balancer IP to intercept traffic meant for that IP (CVE-2020-8554)",
}

# consequence names what the granted subresources allow; a Role grants none of
# the cluster-scoped nodes/status, unless it names nothing else (the message
# then says what a ClusterRole would allow).
consequence(role, d) := sprintf("it can %s", [and_list([forgeries[r] | some r in granted])]) if {
	granted := [r | some r in sort(rbac.resources_in(d.what)); not excluded(role, d, r)]
	count(granted) > 0
} else := sprintf("it can %s", [and_list([forgeries[r] | some r in sort(rbac.resources_in(d.what))])])

excluded(role, d, r) if {
	role.kind == "Role"
	r in rbac.cluster_scoped_in(d.what)
}

and_list(items) := items[0] if {
	count(items) == 1
} else := sprintf("%s and %s", [concat(", ", array.slice(items, 0, count(items) - 1)), items[count(items) - 1]])
