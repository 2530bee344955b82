package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/salint/salint/pkg/finding"
)

// Policy is a directory of user rules (`--policy DIR`), written to the
// contract of the built-in ones (docs/custom-rules.md).
type Policy struct {
	Name string // the directory as the user gave it, for messages
	FS   fs.FS
}

// forbiddenBuiltins are the OPA built-ins that reach outside the process,
// with the reason a user is told. Every module, built-in or not, is compiled
// without them: a policy from a shared repository must not be able to phone
// home or read the machine salint runs on (CI secrets live in env vars).
var forbiddenBuiltins = map[string]string{
	// Network, and its options read CA files and environment variables
	// (tls_ca_cert_file, tls_ca_cert_env_variable, tls_client_key_file).
	"http.send": "it makes network requests",
	// DNS resolution is a network request.
	"net.lookup_ip_addr": "it makes DNS queries",
	// Returns the process's environment variables and OPA configuration.
	"opa.runtime": "it reads the environment of the process",
	// A schema's "$ref" is resolved when the schema is compiled: file:// refs
	// read local files whatever allow_net says, http(s) refs fetch.
	"json.match_schema":  "a schema's $ref can read local files and fetch URLs",
	"json.verify_schema": "a schema's $ref can read local files and fetch URLs",
	// One call of these runs to its end, however long and large (the
	// deadline and memory budget act between calls, budget.go caps the
	// others): a template can loop a billion times ({{range 1000000000}}),
	// and a graph of n diamonds has 2^n paths.
	"strings.render_template": "one call can run and grow without bound (a template loops over any number)",
	"graph.reachable_paths":   "one call can return exponentially many paths",
}

// allowedNondeterministic are the built-ins OPA marks non-deterministic that
// stay: they read the clock or a random source, nothing outside the process.
// Any other non-deterministic built-in, such as one a later OPA adds, is
// removed until someone vets it here: the sandbox fails closed.
var allowedNondeterministic = map[string]bool{
	"time.now_ns":            true, // the clock
	"rand.intn":              true, // a random number
	"uuid.rfc4122":           true, // a random UUID
	"io.jwt.decode_verify":   true, // checks exp/nbf against the clock; keys come from the policy
	"io.jwt.encode_sign":     true, // random signature nonces
	"io.jwt.encode_sign_raw": true,
}

// sandbox returns the capabilities every module is compiled with, and the
// built-ins taken away, with the reason for each. Built-in rules need none
// of those, so one compiler serves both.
func sandbox() (*ast.Capabilities, map[string]string) {
	caps := ast.CapabilitiesForThisVersion()
	removed := map[string]string{}
	kept := caps.Builtins[:0:0]
	for _, b := range caps.Builtins {
		why, forbidden := forbiddenBuiltins[b.Name]
		if !forbidden && b.Nondeterministic && !allowedNondeterministic[b.Name] {
			why, forbidden = "it is non-deterministic and salint has not vetted it", true
		}
		if forbidden {
			removed[b.Name] = why
			continue
		}
		kept = append(kept, b)
	}
	caps.Builtins = kept
	// An empty, non-nil list: no host is reachable, should a built-in that
	// honours allow_net ever be kept.
	caps.AllowNet = []string{}
	return caps, removed
}

// customID is the shape of a user rule's ID: upper-case letters, digits
// and hyphens, so that it survives ignore annotations ("A,B"), ignore
// comments and YAML keys. IDs starting with "SA" belong to the built-in
// catalogue, today's and tomorrow's; customName is the built-in names' shape.
var (
	customID   = regexp.MustCompile(`^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$`)
	customName = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// addPolicies reads the rule modules of every policy into e, next to the
// built-in rules already there (ids maps their IDs to their files, byFile
// holds every module to compile). It returns the files of the modules it
// added, for compile errors.
func (e *Engine) addPolicies(policies []Policy, ids map[string]string, byFile map[string]*ast.Module) (map[string]bool, error) {
	policyFiles := map[string]bool{}
	if len(policies) == 0 {
		return policyFiles, nil
	}
	// Who holds each package and each handle (a rule is found by ID or
	// name, case-insensitively), described for messages.
	packages, handles := map[string]string{}, map[string]string{}
	for _, r := range e.rules {
		owner := "the built-in rule in " + ids[r.ID]
		packages[r.Package] = owner
		handles[strings.ToLower(r.ID)] = owner
		handles[strings.ToLower(r.Name)] = owner
	}
	// Errors name the file by the policy's directory, so that it is a path
	// the user can open; "policy DIR" is said only where no file is named.
	for _, p := range policies {
		mods, err := readPolicy(p)
		if err != nil {
			return nil, err
		}
		for _, pm := range mods {
			if err := e.addPolicyRule(pm, p, packages, handles, byFile); err != nil {
				return nil, err
			}
			policyFiles[pm.file] = true
		}
	}
	return policyFiles, nil
}

// policyModule is a parsed module of a policy; its locations name file, the
// path the user knows, while rel is its path in the policy's FS.
type policyModule struct {
	mod       *ast.Module
	file, rel string
}

// readPolicy parses the non-test .rego files of a policy as Rego v1, with
// their METADATA, naming each by the policy's directory. The directory
// comes from the repository under review: a module is read only as a
// regular file of bounded size (policyfile.go), and a symbolic link that
// salint would have to follow (a module, or a directory that may hold
// modules) is an error rather than a rule silently left out.
func readPolicy(p Policy) ([]policyModule, error) {
	var rels []string
	var linked error // a link salint would have to follow; it names the file
	err := fs.WalkDir(p.FS, ".", func(rel string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		file := filepath.Join(p.Name, filepath.FromSlash(rel))
		if d.Type()&fs.ModeSymlink != 0 {
			if isModule(rel) {
				linked = fmt.Errorf("%s %w", file, errSymlink)
				return fs.SkipAll
			}
			// Stat follows the link but reads nothing.
			if fi, err := fs.Stat(p.FS, rel); err == nil && fi.IsDir() {
				linked = fmt.Errorf("%s is a symbolic link to a directory: salint does not follow links in policy directories", file)
				return fs.SkipAll
			}
			return nil // a file salint does not read
		}
		if !d.IsDir() && isModule(rel) {
			rels = append(rels, rel)
		}
		return nil
	})
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) && pe.Path == "." {
		err = pe.Err // "policy DIR: no such file or directory", not "stat ."
	}
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", p.Name, err)
	}
	if linked != nil {
		return nil, linked
	}
	if len(rels) == 0 {
		return nil, fmt.Errorf("policy %s holds no rule module (a .rego file not named *_test.rego)", p.Name)
	}
	mods := make([]policyModule, 0, len(rels))
	total := 0
	for _, rel := range rels {
		file := filepath.Join(p.Name, filepath.FromSlash(rel))
		src, err := readRegular(p.FS, p.Name, rel, maxModuleSize)
		if err != nil {
			return nil, fmt.Errorf("reading the policy: %w", err)
		}
		if total += len(src); total > maxPolicySize {
			return nil, fmt.Errorf("policy %s: its rule modules are larger than salint reads (%s in all)", p.Name, byteSize(maxPolicySize))
		}
		m, err := ast.ParseModuleWithOpts(file, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, fmt.Errorf("parsing %s: %w", file, err)
		}
		mods = append(mods, policyModule{mod: m, file: file, rel: rel})
	}
	return mods, nil
}

// isModule says whether salint reads the file at rel as a rule module.
func isModule(rel string) bool {
	return path.Ext(rel) == ".rego" && !strings.HasSuffix(rel, "_test.rego")
}

// addPolicyRule checks one policy module against the contract and adds its
// rule to e.
func (e *Engine) addPolicyRule(pm policyModule, p Policy, packages, handles map[string]string, byFile map[string]*ast.Module) error {
	m, file := pm.mod, pm.file
	pkg := m.Package.Path.String()
	name, ok := strings.CutPrefix(pkg, rulePackagePrefix)
	if !ok || len(m.Package.Path) != 4 {
		return fmt.Errorf("%s: package %s is not a rule package: declare package salint.rules.<name>", file, strings.TrimPrefix(pkg, "data."))
	}
	if other, dup := packages[name]; dup {
		return fmt.Errorf("%s: package salint.rules.%s is already defined by %s", file, name, other)
	}
	if !definesFindings(m) {
		return fmt.Errorf("%s: package salint.rules.%s defines no findings", file, name)
	}
	r, params, err := ruleFromModule(m)
	if err != nil {
		return err
	}
	for _, h := range []struct{ what, v string }{{"ID", r.ID}, {"name", r.Name}} {
		if other, dup := handles[strings.ToLower(h.v)]; dup {
			return fmt.Errorf("%s: rule %s %s is already used by %s", file, h.what, h.v, other)
		}
	}
	if !customID.MatchString(r.ID) || strings.HasPrefix(r.ID, "SA") {
		return fmt.Errorf("%s: rule ID %q: a custom rule's ID is upper-case letters, digits and hyphens, and does not start with SA, which is salint's", file, r.ID)
	}
	if !customName.MatchString(r.Name) {
		return fmt.Errorf("%s: rule name %q is not kebab-case", file, r.Name)
	}
	if err := printableMetadata(r); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if _, dup := byFile[file]; dup {
		return fmt.Errorf("%s is loaded twice", file)
	}
	if r.Examples, err = readExamples(p.FS, p.Name, pm.rel); err != nil {
		return err
	}
	packages[name] = file
	e.files[r.ID] = file
	handles[strings.ToLower(r.ID)] = file
	handles[strings.ToLower(r.Name)] = file
	byFile[file] = m
	e.rules = append(e.rules, r)
	e.byPackage[r.Package] = r
	e.params[r.ID] = params
	return nil
}

// printableMetadata refuses a custom rule whose metadata holds a control
// character: it is printed to terminals, CI logs and pages (`salint rules`,
// `salint explain`, SARIF), where an escape sequence or a bidirectional
// override would be read as more than text. Line breaks and tabs are text.
func printableMetadata(r *finding.Rule) error {
	fields := []struct{ name, value string }{
		{"title", r.Title}, {"description", r.Description},
		{"custom.category", r.Category}, {"custom.remediation", r.Remediation},
	}
	for _, ref := range r.References {
		fields = append(fields, struct{ name, value string }{"custom.references", ref})
	}
	for _, f := range fields {
		for _, c := range f.value {
			if c != '\n' && c != '\t' && unprintable(c) {
				return fmt.Errorf("METADATA %s holds the control character %U, which salint does not print", f.name, c)
			}
		}
	}
	return nil
}

// unprintable is what the report formats replace (pkg/report isControl):
// C0 and C1 controls, the bidirectional formatting characters, and the
// line and paragraph separators.
func unprintable(c rune) bool {
	switch {
	case c < 0x20 || (c >= 0x7f && c < 0xa0):
		return true
	case c == 0x061c, c == 0x200e, c == 0x200f, c == 0x2028, c == 0x2029:
		return true
	case c >= 0x202a && c <= 0x202e, c >= 0x2066 && c <= 0x2069:
		return true
	}
	return false
}

// definesFindings says whether m has a rule named findings, without which a
// rule package reports nothing (a misspelt `finding contains` says nothing).
func definesFindings(m *ast.Module) bool {
	for _, r := range m.Rules {
		if ref := r.Head.Ref(); len(ref) > 0 && ref[0].Equal(ast.VarTerm("findings")) {
			return true
		}
	}
	return false
}

// compileError turns the compiler's errors into the user's terms: a call of
// a built-in the sandbox removed says so rather than "undefined function".
// Errors in policies stand alone (their file names the policy), errors in
// built-in rules say they are salint's.
func compileError(errs ast.Errors, policyFiles map[string]bool) error {
	_, removed := sandbox()
	var out []error
	inPolicy := false
	for _, err := range errs {
		if err.Location == nil || !policyFiles[err.Location.File] {
			out = append(out, fmt.Errorf("compiling rules: %w", err))
			continue
		}
		inPolicy = true
		if fn, call := strings.CutPrefix(err.Message, "undefined function "); call {
			if why, gone := removed[fn]; gone {
				out = append(out, fmt.Errorf("%s:%d: %s is not allowed in salint policies: %s", err.Location.File, err.Location.Row, fn, why))
				continue
			}
		}
		out = append(out, err)
	}
	if !inPolicy {
		return fmt.Errorf("compiling rules: %w", errs)
	}
	return errors.Join(out...)
}
