# salint: build, test and maintenance targets. Only Go is needed.
GO ?= go

.PHONY: build test bench docs golden lint fmt fuzz

build:
	$(GO) build -o bin/salint ./cmd/salint

# The whole test suite: Go tests, every Rego test, golden files, docs currency.
test:
	$(GO) vet ./...
	$(GO) test ./...

# Speed and memory against the targets, on a 5000-app synthetic tree.
bench:
	$(GO) test ./internal/bench -run TestReport -report -v -timeout 30m

# Regenerate docs/rules/*.md and the README rule table from rule METADATA,
# and the golden files of the end-to-end tests.
docs:
	$(GO) test ./internal/ruledoc -run TestDocsCurrent -update

golden:
	$(GO) test ./internal/cli -run TestGolden -update
	$(GO) test ./pkg/report -update

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet ./...
	$(GO) test ./rules -run 'TestRegoIsFormatted|TestRuleMetadata|TestRuleLayout'

# Format Go and Rego sources.
fmt:
	gofmt -w $$(git ls-files '*.go')
	$(GO) run internal/regofmt/main.go rules

fuzz:
	$(GO) test ./pkg/loader -run '^$$' -fuzz FuzzLoad -fuzztime 60s
	$(GO) test ./pkg/loader -run '^$$' -fuzz FuzzYAMLToJSON -fuzztime 60s
