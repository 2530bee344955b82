# Package salint.main is the single query salint evaluates: it collects the
# findings of every rule under data.salint.rules and tags each with its rule.
package salint.main

findings contains object.union(finding, {"rule": name}) if {
	some name
	some finding in data.salint.rules[name].findings
}
