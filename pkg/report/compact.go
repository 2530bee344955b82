package report

import (
	"bufio"

	"github.com/salint/salint/pkg/finding"
)

// compactFormat prints one line per finding, the text format's header line
// without the source excerpt or related locations, so that grep, editors'
// error parsers and large runs get one finding per line; then input errors
// and notes, and the text format's summary:
//
//	deploy/web.yaml:14:7: MEDIUM SA010 automount-token: message (Deployment prod/web)
//	deploy/bad.yaml:9:3: error: message
//	note: message
//
//	1 file, 2 documents, …
//	by rule: SA010 automount-token 1
type compactFormat struct{}

func (compactFormat) render(buf *bufio.Writer, r *finding.Report, opts Options) error {
	p := textPrinter{buf: buf, color: opts.Color}
	shown := shownFindings(r, opts)
	for _, f := range shown {
		buf.WriteString(p.header(f) + "\n")
	}
	for _, e := range r.Errors {
		p.inputError(e)
	}
	for _, n := range r.Notes {
		buf.WriteString("note: " + printable(n) + "\n")
	}
	if len(shown)+len(r.Errors)+len(r.Notes) > 0 {
		buf.WriteByte('\n')
	}
	writeTextSummary(buf, r)
	return nil
}
