// Package rules holds salint's built-in Rego rules: one directory per rule
// (the rule, its tests, and in examples/ a manifest stream it flags, bad.yaml,
// and the fixed version, good.yaml), the helpers they share in lib/, and main/,
// the single entry point that routes to every rule. The engine loads them from
// FS once; see docs/rule-input.md for the facts the rules read.
package rules

import "embed"

// FS holds every .rego file of the rules, the helpers and their tests, and
// the rules' examples, which `salint explain` and docs/rules show.
//
//go:embed */*.rego */examples/*.yaml
var FS embed.FS
