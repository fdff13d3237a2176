# Elastic web tier: CDK for Terraform (Go).
# `make synth` and `make test` are the two commands a new user runs first.
SHELL := /usr/bin/env bash
.DEFAULT_GOAL := help

export GONOSUMDB := github.com/cdktf,github.com/hashicorp/terraform-cdk-go
# jsii runs on the Node 22 that package.json pins (no end-of-life banner),
# without Node deprecation warnings. internal/jsiienv sets the same when they
# are missing, by re-executing the program once; exporting them here saves that.
export JSII_NODE ?= $(CURDIR)/node_modules/node/bin/node
export NODE_OPTIONS ?= --max-old-space-size=4069 --no-deprecation
# No version check or telemetry call from the cdktf CLI or Terraform (offline,
# the CLI prints an [ERROR] when the check cannot reach checkpoint-api.hashicorp.com).
export CHECKPOINT_DISABLE ?= 1
# The engine of `make validate` and `make e2e`: terraform (default) or tofu
# (make validate ENGINE=tofu). scripts/engine.sh turns it into the executable
# and TERRAFORM_BINARY_NAME, which the cdktf CLI reads.
export ENGINE

.PHONY: help deps synth test snapshots scan validate e2e cdktn lint bench compare diagrams clean

help: ## show this list
	@cat help

deps: node_modules/.installed ## install npm packages and Go modules
	@go mod download

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

synth: deps ## synthesize every environment into cdktf.out/ and print a summary
	go run .

# `go test ./...` skips __tests__ (leading underscore) and would pick up a Go
# package that an npm dependency ships inside node_modules: list packages explicitly.
PKGS = $(shell go list ./... | grep -v /node_modules/) ./__tests__


test: deps ## run every test (pure Go, the jsii snapshot tests in __tests__, the examples' snapshots), with progress
	@scripts/test.sh $(PKGS)

# Run in the package directory, so go test prints what was written
# ("1 snapshot written: qa"); CI does not stop it from writing.
snapshots: synth ## rewrite the snapshot of every environment of environments.yaml (__tests__/testdata/golden), remove obsolete ones, redraw docs/diagrams and the README diagram
	cd __tests__ && go test -count=1 -run '^TestSnapshots$$' -update
	go run ./cmd/review diagrams

scan: synth ## scan every synthesized stack with KICS
	scripts/scan.sh

validate: synth ## terraform (ENGINE=tofu: tofu) validate + plan every stack offline with the real AWS provider
	scripts/validate.sh

e2e: deps ## deploy, check, scale, update, roll back, roll out and destroy every environment against a local AWS emulator (ENGINE=tofu: with OpenTofu)
	scripts/e2e.sh

cdktn: deps ## CDK Terrain's CLI (cdktn-cli) synthesizes the same bytes as cdktf; CDKTN_E2E=1 also deploys dev through it against the emulator
	scripts/cdktn.sh

lint: ## go vet, staticcheck, gofmt, go mod tidy -diff, actionlint, shellcheck
	scripts/lint.sh

bench: deps ## synth and test benchmarks
	scripts/bench.sh

compare: synth ## prod under a 3x step: today's profile (the seed, the library fixture) vs the committed one, minutes overloaded and monthly cost
	go run ./cmd/simulate compare --profile step:from=90,to=900,at=10 --minutes 40 \
		today=__tests__/testdata/golden/fixture/prod.tf.json recommended=cdktf.out/stacks/prod

diagrams: synth ## regenerate docs/diagrams and the README diagram from cdktf.out
	go run ./cmd/review diagrams

clean: ## remove generated output
	rm -rf cdktf.out .cdktf.out.staging .cdktf.out.staging-*
