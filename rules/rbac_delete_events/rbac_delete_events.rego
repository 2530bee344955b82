# METADATA
# title: Role can delete events
# description: >-
#   Fires when a rule grants delete or deletecollection on events in the core or
#   events.k8s.io API group. Events record what happened to objects (failed
#   mounts, image pulls, evictions); deleting them hides the traces of an attack
#   from the people investigating it.
# custom:
#   id: SA053
#   name: rbac-delete-events
#   severity: low
#   category: roles
#   remediation: >-
#     Remove delete and deletecollection on events. The API server expires
#     events on its own; workloads only need to create them.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
#     - https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/event-v1/
package salint.rules.rbac_delete_events

import data.salint.lib.rbac

findings contains f if {
	some x in rbac.role_dangers_of("SA053")
	f := rbac.finding(x.role, x.rule, x.danger, rbac.message(x.role, x.rule, x.danger, "it can erase the record of what happened to objects in scope"))
}
