# METADATA
# title: Role can approve certificate signing requests
# description: >-
#   Fires when a rule grants update or patch on
#   certificatesigningrequests/approval and the same role also grants approve on
#   signers (both in API group certificates.k8s.io), in that rule or another.
#   Together they let the subject approve a certificate signing request, for
#   instance one of its own for a client certificate naming any user or group.
#   The finding points at the approval resource.
# custom:
#   id: SA051
#   name: rbac-approve-csr
#   severity: high
#   category: roles
#   remediation: >-
#     Leave approval to the control plane approver or to administrators. Where a
#     component must approve requests, limit approve on signers with
#     resourceNames to the signer it serves (e.g. a custom signer), never
#     kubernetes.io/kube-apiserver-client.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#csrs-and-certificate-issuing
#     - https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization
package salint.rules.rbac_approve_csr

import data.salint.lib.rbac

findings contains f if {
	some x in rbac.role_dangers_of("SA051")
	f := rbac.finding(x.role, x.rule, x.danger, rbac.message(x.role, x.rule, x.danger, consequence(x.role, x.rule)))
}

consequence(role, r) := "it can approve certificate signing requests, such as a client certificate for any user or group" if {
	r.index in rbac.partner_rules("SA051", role.rules)
} else := sprintf(
	"with approve on signers from %s, it can approve certificate signing requests, such as a client certificate for any user or group",
	[rbac.number(role.rules[rbac.partner_rules("SA051", role.rules)[0]])],
)
