package kustomize

import (
	"context"
	"log"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/api/resmap"
)

func TestIsolatedTurnsAPanicIntoAnError(t *testing.T) {
	_, _, err := isolated(context.Background(), true, false, func() (resmap.ResMap, error) {
		panic("boom")
	})
	if err == nil || !strings.Contains(err.Error(), "kustomize panicked: boom") {
		t.Errorf("error %v, want the panic", err)
	}
}

func TestIsolatedGivesUpAtTheDeadlineAndFreesTheSlot(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := isolated(ctx, false, false, func() (resmap.ResMap, error) {
		<-release
		return nil, nil
	})
	if err == nil || !strings.Contains(err.Error(), "build stopped") {
		t.Errorf("error %v, want the build stopped", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("gave up after %v", d)
	}
	_, _, err = isolated(context.Background(), false, false, func() (resmap.ResMap, error) { return nil, nil })
	if err != nil {
		t.Errorf("the next build: %v", err)
	}
}

func TestIsolatedCapturesTheLog(t *testing.T) {
	var out string
	printed := captureOutput(t, func() {
		_, out, _ = isolated(context.Background(), true, false, func() (resmap.ResMap, error) {
			logPrintln("well-defined vars that were never replaced: X")
			return nil, nil
		})
	})
	if printed != "" || !strings.Contains(out, "never replaced: X") {
		t.Errorf("printed %q, captured %q", printed, out)
	}
}

// logPrintln logs through the standard logger, as kustomize does.
func logPrintln(s string) { log.Println(s) }
