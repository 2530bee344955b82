package kustomize

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"sync"

	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/openapi"
)

// kustomizeSlot lets one kustomize build run at a time: kustomize keeps
// global state (the OpenAPI schema a kustomization may replace), and a build
// redirects the process's log and standard error while it runs.
var kustomizeSlot = make(chan struct{}, 1)

// maxOutput bounds what is kept of kustomize's log.
const maxOutput = 64 << 10

// boundedBuffer keeps the first maxOutput bytes written to it.
type boundedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := maxOutput - len(b.buf); room > 0 {
		b.buf = append(b.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (b *boundedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// isolated runs one kustomize build: alone, with the standard logger (and,
// when captureStderr, the process's standard error, where kustomize prints
// deprecation warnings) captured rather than printed, a panic turned into an
// error, and the OpenAPI schema reset afterwards when the build may have
// replaced it. It gives up when ctx ends; the build's goroutine then runs on
// to its end, failing at its next file read.
func isolated(ctx context.Context, captureStderr, resetOpenAPI bool, run func() (resmap.ResMap, error)) (resmap.ResMap, string, error) {
	select {
	case kustomizeSlot <- struct{}{}:
	case <-ctx.Done():
		return nil, "", fmt.Errorf("waiting for another kustomize build: %w", ctx.Err())
	}
	defer func() { <-kustomizeSlot }()

	var out boundedBuffer
	prevLog := log.Writer()
	log.SetOutput(&out)
	var restoreStderr func()
	if captureStderr {
		restoreStderr = redirectStderr(&out)
	}
	// finish restores the process's outputs before what they caught is read.
	finish := func() string {
		if restoreStderr != nil {
			restoreStderr()
		}
		log.SetOutput(prevLog)
		if resetOpenAPI {
			openapi.ResetOpenAPI()
		}
		return out.String()
	}

	type result struct {
		m   resmap.ResMap
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("kustomize panicked: %v", r)}
			}
		}()
		m, err := run()
		done <- result{m, err}
	}()
	select {
	case r := <-done:
		return r.m, finish(), r.err
	case <-ctx.Done():
		return nil, finish(), fmt.Errorf("build stopped: %w", ctx.Err())
	}
}

// redirectStderr points os.Stderr at a pipe copied into w until the
// returned function restores it; nil when no pipe could be made. Other
// goroutines writing to os.Stderr meanwhile are captured too.
func redirectStderr(w io.Writer) func() {
	r, pw, err := os.Pipe()
	if err != nil {
		return nil
	}
	prev := os.Stderr
	os.Stderr = pw
	copied := make(chan struct{})
	go func() {
		_, _ = io.Copy(w, r)
		close(copied)
	}()
	return func() {
		os.Stderr = prev
		_ = pw.Close()
		<-copied
		_ = r.Close()
	}
}
