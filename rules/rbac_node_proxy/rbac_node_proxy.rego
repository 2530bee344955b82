# METADATA
# title: Role can proxy to the kubelet
# description: >-
#   Fires when a rule grants get or create on nodes/proxy in the core API group.
#   nodes/proxy reaches the kubelet API of a node through the API server; that
#   API can list pods and run commands in any container of the node, and
#   requests through it bypass admission control and leave only a proxy request
#   in the audit log.
# custom:
#   id: SA046
#   name: rbac-node-proxy
#   severity: high
#   category: roles
#   remediation: >-
#     Remove nodes/proxy. Monitoring agents that need kubelet metrics can read
#     nodes/metrics and nodes/stats instead, which do not allow running
#     commands.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes
#     - https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/
package salint.rules.rbac_node_proxy

import data.salint.lib.rbac

findings contains f if {
	some x in rbac.role_dangers_of("SA046")
	f := rbac.finding(x.role, x.rule, x.danger, rbac.message(x.role, x.rule, x.danger, "it can call the kubelet API of the nodes, which runs commands in any container there"))
}
