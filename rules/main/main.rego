# Package salint.main is the single query salint evaluates: it collects the
# findings of every rule under data.salint.rules, keyed by rule package, so
# that the engine tags each finding with its rule without copying it here.
package salint.main

findings[name] := fs if {
	some name
	fs := data.salint.rules[name].findings
}
