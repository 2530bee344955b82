package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// outputFile is a file salint writes (a report, a baseline): written to a
// temporary file beside it and renamed over it once complete, so that a
// symlink planted at the path is replaced rather than followed, and a run
// that fails leaves the old file as it was. Devices and pipes (/dev/stdout,
// a FIFO) are written in place.
type outputFile struct {
	name string
	tmp  *os.File
	dev  *os.File
}

// createOutput opens name for writing, refusing a file the run read as an
// input: `salint -o pod.yaml pod.yaml` must not replace the manifest.
func createOutput(name string, inputs []string) (*outputFile, error) {
	if err := notAnInput(name, inputs); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(name); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		f, err := os.OpenFile(name, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		return &outputFile{name: name, dev: f}, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".salint-*")
	if err != nil {
		return nil, err
	}
	return &outputFile{name: name, tmp: tmp}, nil
}

func (o *outputFile) Write(p []byte) (int, error) {
	if o.dev != nil {
		return o.dev.Write(p)
	}
	return o.tmp.Write(p)
}

// commit puts the written file in place.
func (o *outputFile) commit() error {
	if o.dev != nil {
		return o.dev.Close()
	}
	if err := o.tmp.Chmod(0o644); err != nil {
		o.abort()
		return err
	}
	if err := o.tmp.Close(); err != nil {
		_ = os.Remove(o.tmp.Name()) // best effort: the error that matters is returned
		return err
	}
	if err := os.Rename(o.tmp.Name(), o.name); err != nil {
		_ = os.Remove(o.tmp.Name()) // best effort: the error that matters is returned
		return err
	}
	return nil
}

// abort drops what was written; the file at the path is left as it was.
func (o *outputFile) abort() {
	if o.dev != nil {
		o.dev.Close()
		return
	}
	o.tmp.Close()
	os.Remove(o.tmp.Name())
}

var _ io.Writer = (*outputFile)(nil)

// notAnInput refuses an output path that is one of the files the run read.
func notAnInput(name string, inputs []string) error {
	out, err := os.Stat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // a new file replaces nothing
	}
	if err != nil || !out.Mode().IsRegular() {
		return nil // not a file an input could be; creating it says what is wrong
	}
	base := filepath.Base(name)
	for _, in := range inputs {
		if filepath.Base(in) != base {
			continue // cheap: only a same-named input can be the same file
		}
		if fi, err := os.Stat(in); err == nil && os.SameFile(fi, out) {
			return fmt.Errorf("%s is one of the files salint read: writing to it would replace an input (choose another file)", name)
		}
	}
	return nil
}
