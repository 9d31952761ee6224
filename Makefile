# occupation-coder: `make` lists the tasks. `make serve` builds everything and serves the
# demo; `make test` builds everything and runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PACKS := www/models/osca2024.ocpk www/models/anzsco2022.ocpk
FUZZ_SECONDS ?= 20
# Tools the set-up installs into the project (wasm-bindgen, cargo-fuzz).
export PATH := $(CURDIR)/.toolchain/bin:$(PATH)

.PHONY: help setup native packs wasm build serve test test-rust test-wasm test-e2e test-batch test-package test-apps fuzz bench bench-batch kfold eval eval-quick clean

help: ## List the tasks
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: ## Install the wasm toolchain, wasm-bindgen-cli, Chromium and npm packages (idempotent)
	bash .ci/setup.sh

native: ## Build the native CLI and the trainer (target/release/)
	cargo build --release --workspace

packs: native ## Train both model packs from ../shared/data into www/models/
	target/release/model-pack build --classification osca2024 --out www/models/osca2024.ocpk --report www/models/osca2024.report.json
	target/release/model-pack build --classification anzsco2022 --out www/models/anzsco2022.ocpk --report www/models/anzsco2022.report.json

wasm: setup ## Build the WebAssembly module into www/pkg/
	bash .ci/build-wasm.sh

build: setup native packs wasm ## Build everything

serve: build ## Build everything and serve the demo at http://127.0.0.1:8080/
	node .ci/serve.mjs --root www --port 8080

test: build test-rust test-wasm test-e2e test-batch test-package test-apps fuzz ## Build everything and run every test

test-rust: ## Rust unit and integration tests (needs the packs)
	cargo test --release --workspace

test-wasm: ## The WebAssembly module in Node and in headless Chromium
	npm run --silent test:wasm

test-e2e: ## The <occupation-coder> form widget on www/survey.html in headless Chromium
	npm run --silent test:e2e

test-batch: ## Batch coding: CSV reader, page vs CLI byte for byte, the batch page in Chromium
	npm run --silent test:batch

test-package: ## The npm package: its files, installed into a fresh app, loadCoder in Node and Chromium, the README's JS examples
	npm run --silent test:package
test-apps: ## The README's React 19, Vue 3 and bundler snippets in real apps (npm pack; Vite dev and build, webpack) in Chromium
	npm run --silent test:apps

fuzz: ## Run each fuzz target briefly (FUZZ_SECONDS each)
	bash tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: build ## Native and WebAssembly (Node) benchmarks, as in README
	target/release/occupation-coder bench --pack $(PACKS)
	node tests/bench/wasm-bench.mjs $(PACKS)
	node tests/bench/widget-bench.mjs

bench-batch: build ## 1,000,000 generated rows through the CLI and the batch page (rows/s, memory)
	node tests/batch/bench-batch.mjs 1000000

kfold: native ## K-fold accuracy report on held-out index titles (slow: ~10 min per classification)
	target/release/model-pack kfold --classification osca2024 --report www/models/osca2024.kfold.json
	target/release/model-pack kfold --classification anzsco2022 --report www/models/anzsco2022.kfold.json

eval-quick: native ## Accuracy on respondent answers (dev/test by kind) and held-out real titles, pack vs flat SVM (~4 min)
	target/release/model-pack eval --classification osca2024 -q --respondents tests/eval/respondents.csv --report www/models/osca2024.eval.json
	target/release/model-pack eval --classification anzsco2022 -q --respondents tests/eval/respondents.csv --report www/models/anzsco2022.eval.json

eval: eval-quick kfold ## eval-quick, then k-fold on held-out index titles (~25 min in all)

clean: ## Remove build outputs
	cargo clean
	rm -rf www/pkg www/models
