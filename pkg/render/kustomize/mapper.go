package kustomize

import (
	"bufio"
	"bytes"
	"path"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/api/types"

	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/render"
)

// mapper locates nodes of one build's objects in their sources. It is
// read-only once built, so Locate may be called concurrently.
type mapper struct {
	objects   []*builtObject
	generated map[string]*builtObject // by built name
	files     map[string][]byte       // by real path
	names     map[string]string       // real path → caller's name
	order     []*kustFile             // the build's kustomizations, entry first
	entryFile string
}

var _ render.Mapper = (*mapper)(nil)

// Locate maps a node of the built stream to the file the user edits. A node
// absent from the built object is located as its nearest present ancestor
// is, Exact then saying whether that ancestor's own line was found.
func (m *mapper) Locate(n render.Node) render.Mapped {
	o := m.objectAt(n.Object.Line)
	if o == nil {
		return render.Mapped{Location: finding.Location{File: m.entryFile, Line: 1, Column: 1}}
	}
	p := n.Path
	if _, found := o.obj.Positions.Find(p); found < len(p) {
		p = p[:found]
	}
	return m.locate(o, p)
}

// objectAt returns the object whose document holds line of the stream.
func (m *mapper) objectAt(line int) *builtObject {
	i := sort.Search(len(m.objects), func(i int) bool { return m.objects[i].end >= line })
	if i < len(m.objects) && m.objects[i].start <= line && m.objects[i].obj != nil {
		return m.objects[i]
	}
	return nil
}

func (m *mapper) loc(real string, line, col int) finding.Location {
	name, ok := m.names[real]
	if !ok {
		name = real
	}
	return finding.Location{File: name, Line: line, Column: col}
}

func (m *mapper) kustLoc(kf *kustFile, p ...any) (finding.Location, bool) {
	line, col, ok := kf.at(p...)
	return m.loc(kf.path, line, col), ok
}

// locate maps present node p of object o: to the resource file when the
// node is there with the same value, else to the last patch or
// kustomization field of its build that sets it, else to its nearest
// enclosing node in the resource file.
func (m *mapper) locate(o *builtObject, p loader.Path) render.Mapped {
	v, _ := valueAt(o.value, p)
	if o.gen != nil {
		if mp, ok := m.generatorNode(o, p); ok {
			return mp
		}
	}
	var srcSteps []step
	var src render.Mapped
	srcFound := false
	var srcValue any
	if o.src != nil {
		srcSteps = translate(p, o.value, valueTree{srcValueOf(o)})
		if len(srcSteps) == len(p) {
			pos, _ := o.src.Positions.Find(pathOf(srcSteps))
			src = render.Mapped{Location: m.loc(o.srcFile, pos.Line, pos.Column), Exact: true}
			srcFound = true
			if len(p) > 0 {
				srcValue = srcSteps[len(srcSteps)-1].t.(valueTree).v
			} else {
				srcValue = srcValueOf(o)
			}
			if sameValue(v, srcValue) {
				return src
			}
			if s, ok := srcValue.(string); ok && strings.Contains(s, "$(") {
				return src // a var kustomize substituted: written here
			}
		}
	}
	withSource := func(mp render.Mapped) render.Mapped {
		if srcFound {
			mp.Related = append(mp.Related, finding.Related{
				Location: src.Location,
				Message:  "the resource's own value, which the build changed",
			})
		}
		return mp
	}
	for _, s := range o.setters {
		if mp, ok := m.setterNode(o, s, p, v); ok {
			return withSource(mp)
		}
	}
	if vs, ok := v.(string); ok {
		if ss, ok := srcValue.(string); ok && srcFound && vs != ss && strings.Contains(vs, ss) {
			if mp, ok := m.renamed(o, vs); ok {
				return withSource(mp)
			}
		}
	}
	if srcFound {
		src.Exact = false
		return src
	}
	return m.nearest(o, p, srcSteps)
}

func srcValueOf(o *builtObject) any {
	if v, ok := o.src.Value.(*map[string]any); ok && v != nil {
		return *v
	}
	return nil
}

// nearest is the fallback for a node found in no source: its nearest
// enclosing node in the resource file, or in the patch that holds the
// deepest part of its path.
func (m *mapper) nearest(o *builtObject, p loader.Path, srcSteps []step) render.Mapped {
	var best render.Mapped
	depth := -1
	if o.src != nil {
		pos, _ := o.src.Positions.Find(pathOf(srcSteps))
		best, depth = render.Mapped{Location: m.loc(o.srcFile, pos.Line, pos.Column)}, len(srcSteps)
	} else if o.gen != nil {
		l, _ := m.kustLoc(o.gen.kf, o.gen.field, o.gen.index)
		best, depth = render.Mapped{Location: l}, 0
	} else if o.plugin != "" {
		best, depth = render.Mapped{Location: m.loc(o.plugin, 1, 1)}, 0
	}
	for _, s := range o.setters {
		if s.patch == nil {
			continue
		}
		for _, d := range s.docs {
			steps := translate(p, o.value, newNodeTree(d))
			if len(steps) > depth && len(steps) > 0 {
				t := steps[len(steps)-1].t.(nodeTree)
				if l, ok := m.patchLoc(s.patch, t.line, t.col); ok || depth < 0 {
					best, depth = render.Mapped{Location: l}, len(steps)
				}
			}
		}
	}
	if depth < 0 {
		return render.Mapped{Location: finding.Location{File: m.entryFile, Line: 1, Column: 1}}
	}
	best.Exact = false
	return best
}

// patchLoc turns a position in a patch's text into a location.
func (m *mapper) patchLoc(p *patch, line, col int) (finding.Location, bool) {
	l, c, ok := p.at(line, col)
	if p.file != "" {
		return m.loc(p.file, l, c), ok
	}
	return m.loc(p.owner.path, l, c), ok
}

// setterNode locates p when setter s sets it to value v.
func (m *mapper) setterNode(o *builtObject, s setter, p loader.Path, v any) (render.Mapped, bool) {
	if s.patch != nil {
		if len(s.patch.ops) > 0 {
			line, col, exact, ok := s.patch.locateJSON(p, o.value)
			if !ok {
				return render.Mapped{}, false
			}
			l, at := m.patchLoc(s.patch, line, col)
			return render.Mapped{Location: l, Exact: exact && at}, true
		}
		line, col, ok := s.patch.locateSMP(s.docs, p, o.value)
		if !ok {
			return render.Mapped{}, false
		}
		l, at := m.patchLoc(s.patch, line, col)
		return render.Mapped{Location: l, Exact: at}, true
	}
	k := &s.kf.k
	vs, isString := v.(string)
	field := func(path ...any) (render.Mapped, bool) {
		l, ok := m.kustLoc(s.kf, path...)
		return render.Mapped{Location: l, Exact: ok}, true
	}
	n := len(p)
	last := ""
	if n > 0 {
		last, _ = p[n-1].(string)
	}
	switch s.kind {
	case "NamespaceTransformer":
		if isString && vs == k.Namespace && (pathIs(p, "metadata", "namespace") || isSubjectNamespace(o, p)) {
			return field("namespace")
		}
	case "PrefixTransformer", "SuffixTransformer":
		if isString && pathIs(p, "metadata", "name") {
			if k.NamePrefix != "" && strings.Contains(vs, k.NamePrefix) {
				return field("namePrefix")
			}
			if k.NameSuffix != "" && strings.Contains(vs, k.NameSuffix) {
				return field("nameSuffix")
			}
		}
	case "LabelTransformer":
		if last == "labels" {
			return m.labelsMap(s.kf)
		}
		if n >= 2 && isLabelPath(p) {
			return m.labelNode(s.kf, p, last, v)
		}
	case "AnnotationsTransformer":
		if n >= 2 && p[n-2] == "annotations" {
			if x, ok := k.CommonAnnotations[last]; ok && isString && x == vs {
				return field("commonAnnotations", last)
			}
		}
		if last == "annotations" && len(k.CommonAnnotations) > 0 {
			return field("commonAnnotations")
		}
	case "ReplicaCountTransformer":
		if pathIs(p, "spec", "replicas") {
			for i, r := range k.Replicas {
				if o.id.hasName(r.Name) && sameValue(v, r.Count) {
					return field("replicas", i, "count")
				}
			}
		}
	case "ImageTagTransformer":
		if isString && last == "image" {
			for i := len(k.Images) - 1; i >= 0; i-- {
				if path, ok := imageField(k.Images[i], vs); ok {
					return field(append([]any{"images", i}, path...)...)
				}
			}
		}
	case "ReplacementTransformer":
		return m.replacementNode(o, s.kf, p)
	}
	return render.Mapped{}, false
}

func pathIs(p loader.Path, elems ...string) bool {
	if len(p) != len(elems) {
		return false
	}
	for i, e := range elems {
		if p[i] != e {
			return false
		}
	}
	return true
}

// isSubjectNamespace reports whether p is the namespace of a subject of a
// binding, which kustomize fills for ServiceAccounts.
func isSubjectNamespace(o *builtObject, p loader.Path) bool {
	if o.obj.Kind != "RoleBinding" && o.obj.Kind != "ClusterRoleBinding" {
		return false
	}
	if len(p) != 3 || p[0] != "subjects" || p[2] != "namespace" {
		return false
	}
	_, ok := p[1].(int)
	return ok
}

// isLabelPath reports whether p is a label key under labels, matchLabels
// or a Service selector, where label transformers write.
func isLabelPath(p loader.Path) bool {
	n := len(p)
	parent, _ := p[n-2].(string)
	switch parent {
	case "labels", "matchLabels":
		return true
	case "selector":
		return n == 3 && p[0] == "spec"
	}
	return false
}

// labelNode locates label key set to v by commonLabels or labels of kf,
// honouring where each labels entry applies.
func (m *mapper) labelNode(kf *kustFile, p loader.Path, key string, v any) (render.Mapped, bool) {
	vs, ok := v.(string)
	if !ok {
		return render.Mapped{}, false
	}
	k := &kf.k
	metadata := len(p) == 3 && p[0] == "metadata"
	template := !metadata && p[len(p)-2] == "labels"
	for i := len(k.Labels) - 1; i >= 0; i-- {
		l := k.Labels[i]
		if x, ok := l.Pairs[key]; !ok || x != vs {
			continue
		}
		if metadata || template && (l.IncludeTemplates || l.IncludeSelectors) || l.IncludeSelectors {
			loc, ok := m.kustLoc(kf, "labels", i, "pairs", key)
			return render.Mapped{Location: loc, Exact: ok}, true
		}
	}
	if x, ok := k.CommonLabels[key]; ok && x == vs {
		loc, ok := m.kustLoc(kf, "commonLabels", key)
		return render.Mapped{Location: loc, Exact: ok}, true
	}
	return render.Mapped{}, false
}

// labelsMap locates a labels map a label transformer created.
func (m *mapper) labelsMap(kf *kustFile) (render.Mapped, bool) {
	if len(kf.k.CommonLabels) > 0 {
		loc, ok := m.kustLoc(kf, "commonLabels")
		return render.Mapped{Location: loc, Exact: ok}, true
	}
	if len(kf.k.Labels) > 0 {
		loc, ok := m.kustLoc(kf, "labels")
		return render.Mapped{Location: loc, Exact: ok}, true
	}
	return render.Mapped{}, false
}

// imageField says which line of an images entry produced image v: newTag
// or digest when v carries it, newName when v is named so, else the entry.
func imageField(img types.Image, v string) ([]any, bool) {
	name, tag, digest := splitImage(v)
	switch {
	case img.NewName != "" && name == img.NewName:
	case img.NewName == "" && name == img.Name:
	default:
		return nil, false
	}
	switch {
	case img.Digest != "" && digest == img.Digest:
		return []any{"digest"}, true
	case img.NewName != "" && img.NewName != img.Name:
		return []any{"newName"}, true
	case img.NewTag != "" && tag == img.NewTag:
		return []any{"newTag"}, true
	}
	return nil, true
}

// splitImage splits an image reference into name, tag and digest.
func splitImage(s string) (name, tag, digest string) {
	if i := strings.Index(s, "@"); i >= 0 {
		s, digest = s[:i], s[i+1:]
	}
	if i := strings.LastIndex(s, ":"); i > strings.LastIndex(s, "/") {
		s, tag = s[:i], s[i+1:]
	}
	return s, tag, digest
}

// renamed locates a name reference kustomize rewrote: to the generator of
// the object it now names, else to the prefix or suffix that was added.
func (m *mapper) renamed(o *builtObject, v string) (render.Mapped, bool) {
	if g, ok := m.generated[v]; ok && g.gen != nil {
		loc, ok := m.kustLoc(g.gen.kf, g.gen.field, g.gen.index, "name")
		return render.Mapped{Location: loc, Exact: ok}, true
	}
	// The object's own build first (its setters are last applied first),
	// then every kustomization of the build, the entry point first.
	var kfs []*kustFile
	for _, s := range o.setters {
		if s.kind == "PrefixTransformer" || s.kind == "SuffixTransformer" {
			kfs = append(kfs, s.kf)
		}
	}
	kfs = append(kfs, m.order...)
	for _, kf := range kfs {
		if kf.k.NamePrefix != "" && strings.HasPrefix(v, kf.k.NamePrefix) {
			loc, ok := m.kustLoc(kf, "namePrefix")
			return render.Mapped{Location: loc, Exact: ok}, true
		}
		if kf.k.NameSuffix != "" && strings.Contains(v, kf.k.NameSuffix) {
			loc, ok := m.kustLoc(kf, "nameSuffix")
			return render.Mapped{Location: loc, Exact: ok}, true
		}
	}
	return render.Mapped{}, false
}

// replacementNode locates a node a replacement of kf targets, at the
// fieldPaths entry naming it.
func (m *mapper) replacementNode(o *builtObject, kf *kustFile, p loader.Path) (render.Mapped, bool) {
	for i := len(kf.k.Replacements) - 1; i >= 0; i-- {
		r := kf.k.Replacements[i]
		for j, t := range r.Targets {
			if t == nil || t.Select == nil {
				continue
			}
			sel, err := types.NewSelectorRegex(t.Select)
			if err != nil || !sel.MatchGvk(o.id.gvk) || !anyMatch(o.id.names, sel.MatchName) {
				continue
			}
			for f, fp := range t.FieldPaths {
				if fieldPathMatches(fp, p, o.value) {
					loc, ok := m.kustLoc(kf, "replacements", i, "targets", j, "fieldPaths", f)
					return render.Mapped{Location: loc, Exact: ok}, true
				}
			}
		}
	}
	return render.Mapped{}, false
}

// fieldPathMatches compares a kustomize field path ("spec.containers.[name=app].image")
// with built path p.
func fieldPathMatches(fp string, p loader.Path, built any) bool {
	parts := splitFieldPath(fp)
	if len(parts) != len(p) {
		return false
	}
	cur := built
	for i, part := range parts {
		switch e := p[i].(type) {
		case string:
			if part != e && part != "*" {
				return false
			}
		case int:
			if part != "*" && !itemMatches(part, cur, e) {
				return false
			}
		}
		next, ok := valueAt(cur, loader.Path{p[i]})
		if !ok {
			return false
		}
		cur = next
	}
	return true
}

// itemMatches reports whether list item i of list matches "[key=value]",
// "[=value]" or an index.
func itemMatches(part string, list any, i int) bool {
	item, ok := valueAt(list, loader.Path{i})
	if !ok {
		return false
	}
	if !strings.HasPrefix(part, "[") || !strings.HasSuffix(part, "]") {
		return part == strconv.Itoa(i)
	}
	k, want, ok := strings.Cut(part[1:len(part)-1], "=")
	if !ok {
		return false
	}
	if k == "" {
		s, ok := (valueTree{item}).scalar()
		return ok && s == want
	}
	got, ok := valueAt(item, loader.Path{k})
	if !ok {
		return false
	}
	s, ok := (valueTree{got}).scalar()
	return ok && s == want
}

// splitFieldPath splits a field path at dots outside brackets.
func splitFieldPath(fp string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(fp); i++ {
		switch fp[i] {
		case '[':
			depth++
		case ']':
			depth--
		case '.':
			if depth == 0 {
				parts = append(parts, fp[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, fp[start:])
}

// generatorNode locates a node of a generated object in its generator
// entry: the name, namespace, type, options, and each data key at the
// literal, file or env line that gave it.
func (m *mapper) generatorNode(o *builtObject, p loader.Path) (render.Mapped, bool) {
	g := o.gen
	at := func(path ...any) (render.Mapped, bool) {
		l, ok := m.kustLoc(g.kf, append([]any{g.field, g.index}, path...)...)
		return render.Mapped{Location: l, Exact: ok}, true
	}
	switch {
	case len(p) == 0, pathIs(p, "kind"), pathIs(p, "apiVersion"), pathIs(p, "metadata"):
		return at()
	case pathIs(p, "metadata", "name"):
		return at("name")
	case pathIs(p, "metadata", "namespace"):
		if g.args.Namespace != "" {
			return at("namespace")
		}
	case pathIs(p, "type"):
		if k, _ := mappingEntry(g.kf.node(g.field, g.index), "type"); k != nil {
			return at("type")
		}
		return at()
	case pathIs(p, "immutable"):
		if g.args.Options != nil && g.args.Options.Immutable {
			return at("options", "immutable")
		}
	case len(p) == 3 && p[0] == "metadata" && (p[1] == "labels" || p[1] == "annotations"):
		key, _ := p[2].(string)
		field := p[1].(string)
		if g.args.Options != nil && hasKey(g.args.Options, field, key) {
			return at("options", field, key)
		}
		if opts := g.kf.k.GeneratorOptions; opts != nil && hasKey(opts, field, key) {
			l, ok := m.kustLoc(g.kf, "generatorOptions", field, key)
			return render.Mapped{Location: l, Exact: ok}, true
		}
	case len(p) >= 1 && (p[0] == "data" || p[0] == "binaryData" || p[0] == "stringData"):
		if len(p) == 1 {
			return at()
		}
		key, _ := p[1].(string)
		return m.dataKey(g, key)
	}
	return render.Mapped{}, false
}

func hasKey(o *types.GeneratorOptions, field, key string) bool {
	if field == "labels" {
		_, ok := o.Labels[key]
		return ok
	}
	_, ok := o.Annotations[key]
	return ok
}

// dataKey locates the literal, file or env-file line that gave a generated
// data key.
func (m *mapper) dataKey(g *generator, key string) (render.Mapped, bool) {
	base := []any{g.field, g.index}
	exact := func(path ...any) (render.Mapped, bool) {
		l, ok := m.kustLoc(g.kf, append(base, path...)...)
		return render.Mapped{Location: l, Exact: ok}, true
	}
	for j, lit := range g.args.LiteralSources {
		if k, _, ok := strings.Cut(lit, "="); ok && strings.TrimSpace(k) == key {
			return exact("literals", j)
		}
	}
	for j, f := range g.args.FileSources {
		k := path.Base(f)
		if before, _, ok := strings.Cut(f, "="); ok {
			k = before
		}
		if k == key {
			return exact("files", j)
		}
	}
	envs := append([]string(nil), g.args.EnvSources...)
	if g.args.EnvSource != "" {
		envs = append(envs, g.args.EnvSource)
	}
	for j, e := range envs {
		r := resolve("/", g.kf.dir, e)
		content, ok := m.files[r.real]
		if r.kind != entryFile || !ok {
			continue
		}
		if line := envLine(content, key); line > 0 {
			return render.Mapped{Location: m.loc(r.real, line, 1), Exact: true}, true
		}
		if j < len(g.args.EnvSources) {
			return exact("envs", j)
		}
		return exact("env")
	}
	return exact()
}

// envLine returns the line of an env file that defines key, or 0.
func envLine(content []byte, key string) int {
	sc := bufio.NewScanner(bytes.NewReader(content))
	sc.Buffer(nil, len(content)+1)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if k, _, ok := strings.Cut(s, "="); ok && strings.TrimSpace(k) == key {
			return line
		}
	}
	return 0
}
