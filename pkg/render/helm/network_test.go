package helm

import (
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
)

// TestNothingTouchesTheNetwork renders a chart that points at a local
// listener every way a chart can: a dependency repository, a schema $ref,
// DNS and cluster lookups. Nothing may connect.
func TestNothingTouchesTheNetwork(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var connections atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			connections.Add(1)
			c.Close()
		}
	}()
	url := "http://" + l.Addr().String()
	dir := writeChart(t, map[string]string{
		"Chart.yaml": fmt.Sprintf("apiVersion: v2\nname: net\nversion: 0.1.0\ndependencies:\n  - name: remote\n    version: 1.0.0\n    repository: %s/charts\n", url),
		"values.schema.json": fmt.Sprintf(`{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
			"properties": {"image": {"$ref": "%s/x.json"}, "local": {"$ref": "file:///etc/passwd"}}}`, url),
		"values.yaml": "image: {}\nhost: " + l.Addr().(*net.TCPAddr).IP.String() + "\n",
		"templates/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: net
data:
  host: {{ getHostByName .Values.host | quote }}
  named: {{ getHostByName "localhost" | quote }}
  secret: {{ lookup "v1" "Secret" "default" "token" | toJson | quote }}
  all: {{ lookup "v1" "Secret" "" "" | len | quote }}
`,
	})
	u := renderOne(t, dir, Options{})
	if n := connections.Load(); n != 0 {
		t.Fatalf("%d connections to %s", n, url)
	}
	if len(u.Errors) != 0 {
		t.Fatalf("errors:\n%s", errorsText(u))
	}
	text := string(findDoc(t, u, "net/templates/cm.yaml").Text)
	for _, want := range []string{`host: ""`, `named: ""`, `secret: "{}"`, `all: "0"`} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
	notes := strings.Join(u.Notes, "\n")
	for _, want := range []string{
		`dependency "remote" 1.0.0 (` + url + `/charts) is not vendored`,
		"values.schema.json: not checked: it refers to file:///etc/passwd, " + url + "/x.json, which salint does not fetch",
	} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes\n%s\nlack %q", notes, want)
		}
	}
}

func TestSchema(t *testing.T) {
	schema := `{"type": "object", "required": ["image"],
		"properties": {"image": {"type": "object", "properties": {"tag": {"type": "string"}}}},
		"definitions": {"x": {"type": "string"}}}`
	tests := []struct {
		name   string
		values string
		schema string
		err    string
		note   string
	}{
		{name: "valid", values: "image:\n  tag: \"1\"\n", schema: schema},
		{name: "invalid", values: "image:\n  tag: 1\n", schema: schema, err: "values do not match the schema of chart test"},
		{name: "file reference", values: "image: {}\n", schema: `{"$ref": "file:///etc/passwd"}`, note: "not checked: it refers to file:///etc/passwd"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeChart(t, map[string]string{
				"values.yaml": tc.values, "values.schema.json": tc.schema,
				"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
			})
			u := renderOne(t, dir, Options{})
			errs, notes := errorsText(u), strings.Join(u.Notes, "\n")
			if tc.err == "" && errs != "" || tc.err != "" && (len(u.Errors) != 1 || !strings.Contains(errs, tc.err) || !strings.HasSuffix(u.Errors[0].File, "values.schema.json")) {
				t.Errorf("errors:\n%s\nwant %q", errs, tc.err)
			}
			if tc.note == "" && notes != "" || !strings.Contains(notes, tc.note) {
				t.Errorf("notes:\n%s\nwant %q", notes, tc.note)
			}
			if len(u.Docs) != 1 {
				t.Errorf("%d documents: the chart still renders", len(u.Docs))
			}
		})
	}
}
