# Package salint.lib.facts_test builds the facts of docs/rule-input.md for the
# rule tests. Each builder merges overrides into a complete, valid fact and is
# undefined when the result has a key the schema lacks, misses one, or holds a
# value outside an enumeration, so a typo in a test input fails that test.
package salint.lib.facts_test

spec := ["spec", "template", "spec"]

# input_with is a complete rule input holding the given facts.
input_with(facts) := object.union(
	{
		"workloads": [],
		"serviceAccounts": [],
		"secrets": [],
		"invalidFields": [],
		"roles": [],
		"bindings": [],
		"params": {"SA031": {"maxExpirationSeconds": 86400}},
	},
	facts,
)

# single is the only element of a set of findings; undefined unless there is exactly one.
single(findings) := f if {
	count(findings) == 1
	some f in findings
}

base_workload := {
	"ref": 3,
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"namespace": "prod",
	"name": "web",
	"spec": spec,
	"serviceAccount": {
		"name": "web",
		"path": array.concat(spec, ["serviceAccountName"]),
		"serviceAccountName": "web",
		"serviceAccountNamePath": array.concat(spec, ["serviceAccountName"]),
		"deprecated": null,
		"deprecatedPath": null,
		"inInput": true,
		"known": false,
		"ref": 1,
	},
	"automount": {
		"mounted": false,
		"source": "serviceAccount",
		"path": spec,
		"podValue": null,
		"serviceAccountValue": false,
	},
	"tokenProjections": [],
	"secretRefs": [],
	"tokens": [],
}

base_projection := {
	"path": array.concat(spec, ["volumes", 0, "projected", "sources", 0, "serviceAccountToken"]),
	"volume": "token",
	"expirationSeconds": 3600,
	"expirationPath": array.concat(spec, ["volumes", 0, "projected", "sources", 0, "serviceAccountToken", "expirationSeconds"]),
	"audience": "vault",
	"mounts": [base_mount],
}

base_mount := {
	"container": "app",
	"mountPath": "/var/run/secrets/tokens",
	"path": array.concat(spec, ["containers", 0, "volumeMounts", 0]),
}

base_secret_ref := {
	"name": "web-token",
	"via": "volume",
	"container": null,
	"path": array.concat(spec, ["volumes", 1, "secret", "secretName"]),
	"secret": null,
}

base_secret_summary := {"ref": 7, "type": "kubernetes.io/service-account-token"}

base_service_account := {
	"ref": 1,
	"apiVersion": "v1",
	"kind": "ServiceAccount",
	"namespace": "prod",
	"name": "web",
	"automount": false,
	"automountPath": ["automountServiceAccountToken"],
	"secrets": null,
	"secretsPath": null,
}

base_secret := {
	"ref": 7,
	"apiVersion": "v1",
	"kind": "Secret",
	"namespace": "prod",
	"name": "web-token",
	"type": "kubernetes.io/service-account-token",
	"typePath": ["type"],
	"serviceAccountName": "web",
	"serviceAccountNamePath": ["metadata", "annotations", "kubernetes.io/service-account.name"],
	"annotationsPath": ["metadata", "annotations"],
	"serviceAccount": base_secret_account,
}

base_secret_account := {"inInput": true, "known": false, "bound": false, "boundBy": null, "ref": 1}

# bound_by is a secret account's boundBy: the RoleBinding prod/web-read
# binding ServiceAccount web as its first subject.
bound_by := {"ref": 9, "name": "RoleBinding prod/web-read", "subject": "ServiceAccount web", "path": ["subjects", 0, "name"]}

base_invalid_field := {
	"ref": 3,
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"namespace": "prod",
	"name": "web",
	"path": array.concat(spec, ["automountServiceAcountToken"]),
	"problem": "unknown",
	"field": "automountServiceAcountToken",
	"detail": `json: unknown field "automountServiceAcountToken"`,
	"podSpecs": [spec],
}

workload(overrides) := w if {
	w := object.union(base_workload, overrides)
	conforms(base_workload, w)
	is_object(w.serviceAccount)
	is_object(w.automount)
	w.automount.source in {"pod", "serviceAccount", "default", "unresolved"}
	every p in w.tokenProjections {
		valid_projection(p)
	}
	every r in w.secretRefs {
		valid_secret_ref(r)
	}
}

projection(overrides) := p if {
	p := object.union(base_projection, overrides)
	valid_projection(p)
}

mount(overrides) := m if {
	m := object.union(base_mount, overrides)
	conforms(base_mount, m)
}

secret_ref(overrides) := r if {
	r := object.union(base_secret_ref, overrides)
	valid_secret_ref(r)
}

service_account(overrides) := sa if {
	sa := object.union(base_service_account, overrides)
	conforms(base_service_account, sa)
}

secret(overrides) := s if {
	s := object.union(base_secret, overrides)
	conforms(base_secret, s)
	nullable_conforms(base_secret_account, s.serviceAccount)
}

invalid_field(overrides) := f if {
	f := object.union(base_invalid_field, overrides)
	conforms(base_invalid_field, f)
	f.problem in {"unknown", "type"}
	is_array(f.podSpecs)
}

valid_projection(p) if {
	conforms(base_projection, p)
	every m in p.mounts {
		conforms(base_mount, m)
	}
}

valid_secret_ref(r) if {
	conforms(base_secret_ref, r)
	r.via in {"volume", "projected", "env", "envFrom"}
	nullable_conforms(base_secret_summary, r.secret)
}

# conforms holds when x has exactly the keys of base, and so does every value
# that is an object in base unless it is null (facts nest objects one level
# deep; the builders check which nested objects may be null).
conforms(base, x) if {
	keys(x) == keys(base)
	every k, v in base {
		same_keys_if_object(v, x[k])
	}
}

same_keys_if_object(base, _) if not is_object(base)

same_keys_if_object(_, null)

same_keys_if_object(base, x) if keys(x) == keys(base)

nullable_conforms(_, null)

nullable_conforms(base, x) if keys(x) == keys(base)

keys(o) := {k | some k, _ in o}

test_base_facts_are_valid if {
	workload({})
	projection({})
	mount({})
	secret_ref({})
	service_account({})
	secret({})
	invalid_field({})
}

test_nested_facts_are_valid if {
	workload({
		"tokenProjections": [projection({"mounts": [mount({}), mount({"container": "sidecar"})]})],
		"secretRefs": [secret_ref({"secret": base_secret_summary})],
	})
	secret({"serviceAccount": null})
}

test_misspelled_keys_are_rejected if {
	not workload({"automount": {"mountd": true}})
	not workload({"serviceaccount": {}})
	not workload({"tokenProjections": [{"path": []}]})
	not workload({"secretRefs": [object.union(base_secret_ref, {"secret": {"ref": 7, "typ": "x"}})]})
	not service_account({"automountServiceAccountToken": false})
	not secret({"serviceAccount": {"bond": true}})
	not mount({"mountpath": "/x"})
	not workload({"automount": null})
}

test_enumerations_are_checked if {
	not workload({"automount": {"source": "sa"}})
	not secret_ref({"via": "env[]"})
	not invalid_field({"problem": "typo"})
}
