# salint: build, test and maintenance targets. Only Go is needed.
GO ?= go

.PHONY: build test bench docs golden lint fmt fuzz hostile race release-check vulncheck

build:
	$(GO) build -o bin/salint ./cmd/salint

# The whole test suite: Go tests, every Rego test, golden files, docs currency.
test:
	$(GO) vet ./...
	$(GO) test ./...

# Speed and memory against the targets, on a 5000-app synthetic tree.
bench:
	$(GO) test ./internal/bench -run TestReport -report -runs 5 -v -timeout 60m

# Regenerate docs/rules/*.md and the README rule table from rule METADATA,
# and the golden files of the end-to-end tests.
docs:
	$(GO) test ./internal/ruledoc -run TestDocsCurrent -update

golden:
	$(GO) test ./internal/cli -run TestGolden -update
	$(GO) test ./pkg/report -update

# Static checks. The linters are Go tools pinned by their own modfiles in
# tools/, so they never touch salint's go.mod and need nothing but Go.
TOOL = $(GO) tool -modfile=tools/$(1).mod $(1)

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet ./...
	$(GO) test ./rules -run 'TestRegoIsFormatted|TestRuleMetadata|TestRuleLayout'
	$(call TOOL,golangci-lint) run ./...
	$(call TOOL,opa) check --strict rules
	$(GO) mod tidy -diff

# Known vulnerabilities in the code salint calls, from vuln.go.dev (the
# network), or from a local copy of the database: VULNDB=file:///path.
VULNDB ?=
vulncheck:
	$(call TOOL,govulncheck) $(if $(VULNDB),-db $(VULNDB)) ./...

# GoReleaser's config check and a snapshot of every archive, SBOM and
# checksums.txt in dist/ (no signing, no image: the release workflow and
# the CI release-check job do those).
release-check:
	$(call TOOL,goreleaser) check
	$(call TOOL,goreleaser) release --snapshot --clean --skip=docker,sign
	cd dist && sha256sum --check --strict checksums.txt

# Format Go and Rego sources.
fmt:
	gofmt -w $$(git ls-files '*.go')
	$(GO) run internal/regofmt/main.go rules

# Each fuzz target for FUZZTIME (the scheduled workflow runs 10 minutes).
FUZZTIME ?= 60s
FUZZ_TARGETS = pkg/loader:FuzzLoad pkg/loader:FuzzYAMLToJSON pkg/loader:FuzzIgnoreComments \
	pkg/config:FuzzParse pkg/baseline:FuzzRead pkg/lint:FuzzParseIgnoreComment internal/jsontext:FuzzAppendString

fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name"; \
		$(GO) test ./$$pkg -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) || exit 1; \
	done

# What a hostile repository can do (docs/security.md); also part of make test.
hostile:
	$(GO) test ./internal/hostile -count=1 -v

# The tests under the race detector.
race:
	$(GO) test -race ./...
