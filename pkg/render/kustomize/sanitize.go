package kustomize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/types"

	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/loader"
)

// want says what an entry of a kustomization must name.
type want int

const (
	wantFile    want = iota // a file in or below the kustomization's directory
	wantDir                 // a directory (a base or a component)
	wantFileDir             // either (resources)
)

// sanitize works out what kustomize may see of kf: every remote entry
// removed (with a note), every entry that is missing, outside the boundary,
// not a regular file or outside the kustomization's directory removed (with
// an error), plugins and Helm charts removed (with a note), directories
// rewritten so that kustomize can only read them as local paths. It visits
// the kustomizations kf builds on and sets kf.served.
func (b *builder) sanitize(kf *kustFile, isEntry bool) {
	k := kf.k // a shallow copy: every list below is rebuilt, never changed in place
	k.Resources = b.entries(kf, "resources", "resource", k.Resources, wantFileDir)
	k.Bases = b.entries(kf, "bases", "base", k.Bases, wantFileDir)
	k.Components = b.entries(kf, "components", "component", k.Components, wantDir)
	k.Crds = b.entries(kf, "crds", "CRD file", k.Crds, wantFile)
	k.Configurations = b.entries(kf, "configurations", "configuration file", k.Configurations, wantFile)

	var psm []types.PatchStrategicMerge
	for i, p := range k.PatchesStrategicMerge {
		if isInlineYAML(string(p)) {
			if b.inlineOK(kf, "patch", string(p), "patchesStrategicMerge", i) {
				psm = append(psm, p)
			}
		} else if b.keep(kf, "patch", string(p), wantFile, "patchesStrategicMerge", i) {
			psm = append(psm, p)
		}
	}
	k.PatchesStrategicMerge = psm
	k.Patches = b.patchEntries(kf, "patches", k.Patches)
	k.PatchesJson6902 = b.patchEntries(kf, "patchesJson6902", k.PatchesJson6902)

	var repl []types.ReplacementField
	for i, r := range k.Replacements {
		if r.Path == "" || b.keep(kf, "replacements file", r.Path, wantFile, "replacements", i, "path") {
			repl = append(repl, r)
		}
	}
	k.Replacements = repl

	if p, ok := k.OpenAPI["path"]; ok && !b.keep(kf, "OpenAPI schema", p, wantFile, "openapi", "path") {
		openAPI := map[string]string{}
		for key, v := range k.OpenAPI {
			if key != "path" {
				openAPI[key] = v
			}
		}
		k.OpenAPI = openAPI
	}
	if len(k.OpenAPI) > 0 {
		b.usesOpenAPI = true
	}

	k.ConfigMapGenerator = b.configMapArgs(kf, k.ConfigMapGenerator)
	k.SecretGenerator = b.secretArgs(kf, k.SecretGenerator)

	k.Transformers = b.plugins(kf, "transformers", "transformer", k.Transformers)
	k.Generators = b.plugins(kf, "generators", "generator", k.Generators)
	k.Validators = b.plugins(kf, "validators", "validator", k.Validators)

	for i, c := range k.HelmCharts {
		b.note(kf, fmt.Sprintf("Helm chart %q is not inflated: that would run the helm binary; the build goes on without it", c.Name), "helmCharts", i)
	}
	for i, c := range k.HelmChartInflationGenerator {
		b.note(kf, fmt.Sprintf("Helm chart %q is not inflated: that would run the helm binary; the build goes on without it", c.ChartName), "helmChartInflationGenerator", i)
	}
	k.HelmCharts, k.HelmChartInflationGenerator, k.HelmGlobals = nil, nil, nil

	if k.Bases != nil || k.CommonLabels != nil || k.ImageTags != nil || k.PatchesJson6902 != nil ||
		k.PatchesStrategicMerge != nil || k.Vars != nil {
		b.deprecated = true // kustomize warns on standard error about these
	}
	if isEntry {
		for _, m := range k.BuildMetadata {
			b.userOrigin = b.userOrigin || m == types.OriginAnnotations
			b.userTransformations = b.userTransformations || m == types.TransformerAnnotations
		}
		meta := append([]string(nil), k.BuildMetadata...)
		if !b.userOrigin {
			meta = append(meta, types.OriginAnnotations)
		}
		if !b.userTransformations {
			meta = append(meta, types.TransformerAnnotations)
		}
		k.BuildMetadata = meta
	}
	served, err := json.Marshal(&k)
	if err != nil {
		b.fail(kf, 0, fmt.Errorf("re-encoding the kustomization: %w", err))
		return
	}
	kf.served = served
	b.fs.serve(kf.path, served)
}

// note records a non-fatal message located at path in kf.
func (b *builder) note(kf *kustFile, msg string, path ...any) {
	line, _, _ := kf.at(path...)
	b.notes = append(b.notes, fmt.Sprintf("%s:%d: %s", b.name(kf.path), line, msg))
}

// entryError records an error located at path in kf.
func (b *builder) entryError(kf *kustFile, msg string, path ...any) {
	line, col, _ := kf.at(path...)
	b.errs = append(b.errs, finding.InputError{
		Location: finding.Location{File: b.name(kf.path), Line: line, Column: col},
		Message:  msg,
	})
}

// check resolves an entry written at path in kf and reports, as a note or
// an error, why it cannot be kept.
func (b *builder) check(kf *kustFile, what, value string, w want, path ...any) (resolved, bool) {
	r := resolve(b.boundary, kf.dir, value)
	switch r.kind {
	case entryRemote:
		b.note(kf, fmt.Sprintf("remote %s %q is not fetched; the build goes on without it", what, value), path...)
		return r, false
	case entryMissing:
		b.entryError(kf, fmt.Sprintf("%s %q does not exist; the build goes on without it", what, value), path...)
		return r, false
	case entryOutside:
		b.entryError(kf, fmt.Sprintf("%s %q is outside %s and is not read; the build goes on without it", what, value, b.boundaryName), path...)
		return r, false
	case entryIrregular:
		b.entryError(kf, fmt.Sprintf("%s %q is not read (%s); the build goes on without it", what, value, r.reason), path...)
		return r, false
	case entryDir:
		if w == wantFile {
			b.entryError(kf, fmt.Sprintf("%s %q is a directory, not a file; the build goes on without it", what, value), path...)
			return r, false
		}
	case entryFile:
		if w == wantDir {
			b.entryError(kf, fmt.Sprintf("%s %q is a file, not a directory; the build goes on without it", what, value), path...)
			return r, false
		}
		if !within(kf.dir, filepath.Dir(r.real)) {
			b.entryError(kf, fmt.Sprintf("%s %q is not in or below the kustomization's directory, as kustomize requires; the build goes on without it", what, value), path...)
			return r, false
		}
		kf.files = append(kf.files, r.real)
	}
	return r, true
}

// inlineOK reports whether YAML written inline in a kustomization may be
// handed to kustomize, which expands its aliases; else it records an error.
func (b *builder) inlineOK(kf *kustFile, what, text string, path ...any) bool {
	if err := checkAliases([]byte(text)); err != nil {
		b.entryError(kf, fmt.Sprintf("inline %s: %v; the build goes on without it", what, err), path...)
		return false
	}
	return true
}

// keep reports whether an entry may stay as it is written.
func (b *builder) keep(kf *kustFile, what, value string, w want, path ...any) bool {
	_, ok := b.check(kf, what, value, w, path...)
	return ok
}

// entries sanitizes a list of paths (resources, bases, components, crds,
// configurations); directories are visited and written so that kustomize
// reads them as local directories.
func (b *builder) entries(kf *kustFile, field, what string, values []string, w want) []string {
	if values == nil {
		return nil
	}
	out := []string{}
	for i, v := range values {
		r, ok := b.check(kf, what, v, w, field, i)
		if !ok {
			continue
		}
		if r.kind == entryDir {
			child := b.visit(r.real)
			if child.err != nil {
				if child.path == "" || child.content == nil {
					b.entryError(kf, fmt.Sprintf("%s %q cannot be built: %s; the build goes on without it", what, v, b.relativize(child.err.Error())), field, i)
				}
				continue
			}
			kf.children = append(kf.children, child)
		}
		if field == "resources" || field == "bases" || field == "components" {
			v = relEntry(kf.dir, r.real)
		}
		out = append(out, v)
	}
	return out
}

// patchEntries sanitizes patches and patchesJson6902: a patch file must be a
// local file in the kustomization's directory; inline patches stay.
func (b *builder) patchEntries(kf *kustFile, field string, patches []types.Patch) []types.Patch {
	if patches == nil {
		return nil
	}
	out := []types.Patch{}
	for i, p := range patches {
		if p.Path != "" && !b.keep(kf, "patch", p.Path, wantFile, field, i, "path") {
			continue
		}
		if p.Patch != "" && !b.inlineOK(kf, "patch", p.Patch, field, i, "patch") {
			continue
		}
		out = append(out, p)
	}
	return out
}

// fileSources sanitizes the "[key=]path" files of a generator.
func (b *builder) fileSources(kf *kustFile, field string, i int, sources []string) []string {
	if sources == nil {
		return nil
	}
	out := []string{}
	for j, s := range sources {
		p := s
		if k, v, ok := strings.Cut(s, "="); ok && k != "" && !strings.Contains(v, "=") {
			p = v
		}
		if b.keep(kf, "generator file", p, wantFile, field, i, "files", j) {
			out = append(out, s)
		}
	}
	return out
}

func (b *builder) envSources(kf *kustFile, field string, i int, envs []string) []string {
	if envs == nil {
		return nil
	}
	out := []string{}
	for j, e := range envs {
		if b.keep(kf, "env file", e, wantFile, field, i, "envs", j) {
			out = append(out, e)
		}
	}
	return out
}

func (b *builder) generatorArgs(kf *kustFile, field string, i int, a types.GeneratorArgs) types.GeneratorArgs {
	a.FileSources = b.fileSources(kf, field, i, a.FileSources)
	a.EnvSources = b.envSources(kf, field, i, a.EnvSources)
	if a.EnvSource != "" && !b.keep(kf, "env file", a.EnvSource, wantFile, field, i, "env") {
		a.EnvSource = ""
	}
	return a
}

func (b *builder) configMapArgs(kf *kustFile, args []types.ConfigMapArgs) []types.ConfigMapArgs {
	if args == nil {
		return nil
	}
	out := make([]types.ConfigMapArgs, len(args))
	for i, a := range args {
		out[i] = a
		out[i].GeneratorArgs = b.generatorArgs(kf, "configMapGenerator", i, a.GeneratorArgs)
	}
	return out
}

func (b *builder) secretArgs(kf *kustFile, args []types.SecretArgs) []types.SecretArgs {
	if args == nil {
		return nil
	}
	out := make([]types.SecretArgs, len(args))
	for i, a := range args {
		out[i] = a
		out[i].GeneratorArgs = b.generatorArgs(kf, "secretGenerator", i, a.GeneratorArgs)
	}
	return out
}

// plugins sanitizes transformers, generators and validators: each entry is
// a builtin plugin configuration, inline or in a local file, that names no
// remote file. Anything else kustomize would run (exec or container
// functions, Helm) or fetch is removed with a note, and so are directories,
// whose patches could write remote paths into the configurations they build.
func (b *builder) plugins(kf *kustFile, field, what string, entries []string) []string {
	if entries == nil {
		return nil
	}
	out := []string{}
	for i, e := range entries {
		if isInlineYAML(e) {
			if !b.inlineOK(kf, what, e, field, i) {
				continue
			}
			if problem := pluginProblem([]byte(e)); problem != "" {
				b.note(kf, fmt.Sprintf("inline %s %s; the build goes on without it", what, problem), field, i)
				continue
			}
			out = append(out, e)
			continue
		}
		r, ok := b.check(kf, what, e, wantFileDir, field, i)
		if !ok {
			continue
		}
		if r.kind == entryDir {
			b.note(kf, fmt.Sprintf("%s %q is a directory of plugin configurations, which salint does not build; the build goes on without it", what, e), field, i)
			continue
		}
		if !within(kf.dir, filepath.Dir(r.real)) {
			b.entryError(kf, fmt.Sprintf("%s %q is not in or below the kustomization's directory, as kustomize requires; the build goes on without it", what, e), field, i)
			continue
		}
		data, err := loader.ReadRegular(r.real, b.fs.maxSize)
		if err == nil {
			err = checkAliases(data)
		}
		if err != nil {
			b.entryError(kf, fmt.Sprintf("%s %q is not read (%v); the build goes on without it", what, e, err), field, i)
			continue
		}
		if problem := pluginProblem(data); problem != "" {
			b.note(kf, fmt.Sprintf("%s %q %s; the build goes on without it", what, e, problem), field, i)
			continue
		}
		out = append(out, relEntry(kf.dir, r.real))
	}
	return out
}

// pluginProblem says why a plugin configuration may not be handed to
// kustomize: it is not a builtin (kustomize would exec or run a container),
// it inflates a Helm chart, or it names a remote file. "" means none.
func pluginProblem(text []byte) string {
	dec := yaml.NewDecoder(bytes.NewReader(text))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			return "" // the end, or a syntax error kustomize reports itself
		}
		root := resolveAlias(&doc)
		if root == nil || root.Kind != yaml.MappingNode {
			continue
		}
		apiVersion, kind := "", ""
		if v := mapValue(root, "apiVersion"); v != nil {
			apiVersion = v.Value
		}
		if v := mapValue(root, "kind"); v != nil {
			kind = v.Value
		}
		if apiVersion != "builtin" {
			return fmt.Sprintf("is plugin %s (%s), which is not run: exec and container plugins are off", kind, apiVersion)
		}
		if kind == "HelmChartInflationGenerator" {
			return "inflates a Helm chart, which would run the helm binary"
		}
		if remote := remotePaths(root, map[*yaml.Node]bool{}); remote != "" {
			return fmt.Sprintf("names remote file %q, which is not fetched", remote)
		}
	}
}

// remotePaths finds a remote value among the fields of a plugin
// configuration that kustomize loads files from; each node is looked at
// once, however often aliases repeat it.
func remotePaths(n *yaml.Node, seen map[*yaml.Node]bool) string {
	n = resolveAlias(n)
	if n == nil || seen[n] {
		return ""
	}
	seen[n] = true
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			v := resolveAlias(n.Content[i+1])
			switch n.Content[i].Value {
			case "path", "paths", "files", "envs", "env":
				for _, s := range scalars(v) {
					p := s
					if _, after, ok := strings.Cut(s, "="); ok {
						p = after
					}
					if looksRemote(s) || looksRemote(p) {
						return s
					}
				}
			}
			if r := remotePaths(v, seen); r != "" {
				return r
			}
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if r := remotePaths(c, seen); r != "" {
				return r
			}
		}
	}
	return ""
}

// scalars returns n's value, or its items' values, as strings.
func scalars(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return []string{n.Value}
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if c = resolveAlias(c); c != nil && c.Kind == yaml.ScalarNode {
				out = append(out, c.Value)
			}
		}
		return out
	}
	return nil
}
