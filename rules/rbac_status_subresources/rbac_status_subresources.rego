# METADATA
# title: Role can write status subresources
# description: >-
#   Fires when a rule grants update or patch on services/status, nodes/status or
#   pods/status in the core API group. Other components trust status: a forged
#   load-balancer ingress IP in a Service status lets its owner intercept
#   traffic meant for that IP (CVE-2020-8554), and forged node or pod status
#   misleads schedulers, controllers and endpoints.
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
	f := rbac.finding(x.role, x.rule, x.danger, rbac.message(x.role, x.rule, x.danger, "it can forge status that other components trust, such as a Service's load-balancer IP (CVE-2020-8554)"))
}
