# Boutique's build. `make run` serves the shop; `make test` runs every check
# and test that CI runs (.ci/run installs what a fresh machine lacks first).

GO    ?= go
TOOL  := $(GO) tool -modfile=tools.mod
HTMX  := assets/vendor/htmx.min.js
# Packages whose code runs concurrently get the race detector too (-short:
# the static-binary build test has already run once).
RACE_PKGS := . ./shop/... ./store/... ./orders/...

.PHONY: run build assets generate check-generated vet test test-unit test-e2e bench clean

run: assets
	$(GO) run . serve

build: assets
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/boutique .

# htmx comes from npm at the version the lock file pins; nothing
# third-party is committed.
assets: $(HTMX)

$(HTMX): package.json package-lock.json
	npm ci --no-audit --no-fund
	mkdir -p $(dir $@)
	cp node_modules/htmx.org/dist/htmx.min.js $@

generate:
	$(TOOL) templ generate
	$(TOOL) sqlc generate

check-generated:
	$(TOOL) templ generate -check
	$(TOOL) sqlc diff
	$(TOOL) sqlc vet

vet:
	$(GO) vet ./...

test: assets check-generated vet test-unit test-e2e

test-unit:
	$(GO) test -count=1 $$($(GO) list ./... | grep -v /e2e)
	$(GO) test -count=1 -race -short $(RACE_PKGS)

# Browser tests in headless Chromium; -v so that they print where their
# screenshots are.
test-e2e: assets
	$(GO) test -count=1 -v ./e2e/...

# The benchmark: the real binary under load beside a plain net/http page
# (bench/main.go); prints one table.
bench: assets
	$(GO) run ./bench

clean:
	rm -rf bin node_modules $(HTMX)
