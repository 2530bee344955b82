package loader

import (
	"bytes"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// IgnoreMarker is the text a comment holds to suppress findings; only
// comments that hold it are kept.
const IgnoreMarker = "salint:ignore"

// maxCommentNodes bounds the nodes searched for comments in one document,
// as the encoder's budgets bound the rest.
const maxCommentNodes = 1 << 20

// comments records the real YAML comments of a parsed document that hold
// IgnoreMarker, by file line: only what the YAML parser calls a comment,
// never a '#' inside a quoted string or a block scalar. A comment above a
// node stands on the lines just above it, one at the end of a line on that
// line; a comment after a node (YAML's foot comment, e.g. above a less
// indented key) is found on the lines between that node and the next.
func (f *File) comments(doc *yaml.Node, c chunk) {
	type placed struct {
		n    *yaml.Node
		line int // in go-yaml's count of c
	}
	var nodes []placed
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || len(nodes) >= maxCommentNodes {
			return
		}
		nodes = append(nodes, placed{n, n.Line})
		if n.Kind != yaml.AliasNode {
			for _, ch := range n.Content {
				walk(ch)
			}
		}
	}
	walk(doc)
	var text []string // c's lines, split once when a foot comment needs them
	for i, p := range nodes {
		n := p.n
		if strings.Contains(n.HeadComment, IgnoreMarker) && n.Kind != yaml.DocumentNode {
			lines := strings.Split(n.HeadComment, "\n")
			for k, l := range lines {
				f.addComment(c, n.Line-len(lines)+k, l)
			}
		}
		if strings.Contains(n.LineComment, IgnoreMarker) {
			f.addComment(c, n.Line, n.LineComment)
		}
		if strings.Contains(n.FootComment, IgnoreMarker) || n.Kind == yaml.DocumentNode && strings.Contains(n.HeadComment, IgnoreMarker) {
			if text == nil {
				text = strings.Split(string(c.text), "\n")
			}
			from, to := n.Line, len(text)
			if i+1 < len(nodes) && n.Kind != yaml.DocumentNode {
				to = nodes[i+1].line
			}
			comment := n.FootComment
			if n.Kind == yaml.DocumentNode {
				comment, from = n.HeadComment, 0
				if len(nodes) > 1 {
					to = nodes[1].line
				}
			}
			for _, l := range strings.Split(comment, "\n") {
				// The last match: text before it may be a block scalar's.
				for at := min(to, len(text)) - 1; at >= from && at >= 0; at-- {
					if strings.TrimSpace(strings.TrimRight(text[at], "\r")) == strings.TrimSpace(l) {
						f.addComment(c, at+1, l)
						break
					}
				}
			}
		}
	}
}

// addComment records comment text at line (go-yaml's count of c).
func (f *File) addComment(c chunk, line int, text string) {
	if !strings.Contains(text, IgnoreMarker) || line < 1 {
		return
	}
	fileLine, _ := c.at(line, 1)
	if f.Comments == nil {
		f.Comments = map[int]string{}
	}
	f.Comments[fileLine] = strings.TrimSpace(text)
}

// IgnoreComments returns the real YAML comments of a stream that hold
// IgnoreMarker, by line, for a source file read for its comments only (a
// kustomize resource or patch). A document that does not parse has none.
func IgnoreComments(content []byte, opts Options) map[int]string {
	if !bytes.Contains(content, []byte(IgnoreMarker)) || int64(len(content)) > opts.maxFileSize() {
		return nil
	}
	f := &File{}
	for _, c := range splitDocuments(bytes.TrimPrefix(content, []byte("\xef\xbb\xbf"))) {
		if !bytes.Contains(c.text, []byte(IgnoreMarker)) {
			continue
		}
		c.lines = yamlLines(c.text)
		dec := yaml.NewDecoder(bytes.NewReader(c.text))
		for {
			var doc yaml.Node
			if err := dec.Decode(&doc); err != nil {
				break
			}
			f.comments(&doc, c)
		}
	}
	return f.Comments
}
