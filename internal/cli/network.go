package cli

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
)

// errNoNetwork is what any attempt to reach the network gets.
var errNoNetwork = errors.New("salint does not use the network")

// DenyNetwork makes the process's default HTTP client and resolver refuse
// every connection. salint never needs the network; the libraries that
// render charts and kustomizations can fetch (a remote base, a schema
// reference), and the renderers keep them from trying, so this is the
// second line: whatever slips through fails instead of reaching out. It is
// for the command, not for a library user of salint's packages.
func DenyNetwork() {
	refuse := func(context.Context, string, string) (net.Conn, error) { return nil, errNoNetwork }
	http.DefaultTransport = &http.Transport{DialContext: refuse, Proxy: nil}
	http.DefaultClient = &http.Client{Transport: http.DefaultTransport}
	net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: refuse}
}

// SilenceLibraryLogs drops what the rendering libraries log on their own
// (Helm's warnings about coalescing values, for one): salint reports what
// matters as notes, and a pre-commit hook or a CI log is no place for the
// rest.
func SilenceLibraryLogs() {
	slog.SetDefault(slog.New(slog.DiscardHandler))
}
