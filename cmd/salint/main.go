// Command salint audits Kubernetes manifests for ServiceAccount security.
package main

import (
	"os"

	"github.com/salint/salint/internal/cli"
)

func main() {
	cli.DenyNetwork()
	cli.SilenceLibraryLogs()
	info, err := os.Stdout.Stat()
	tty := err == nil && info.Mode()&os.ModeCharDevice != 0
	os.Exit(cli.Main(os.Args[1:], cli.Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv: os.Getenv, StdoutIsTerminal: tty,
	}))
}
