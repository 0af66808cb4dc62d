# permgrid: two commands for people, the rest for when you want one stage.
#
#   make run    install what is missing, build the UI and the desktop app, start it on the
#               demo workspace (created on first run in the user's data directory; set
#               PERMGRID_WORKSPACE=/path/to/file.permgrid to open another)
#   make test   the whole suite, failing fast: fmt, clippy, cargo test + bindings drift,
#               UI lint/typecheck/unit tests, UI flows in Chromium, desktop smoke test
#
# Cargo's build directory is shared between clones and kept across runs.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

export CARGO_TARGET_DIR ?= /var/tmp/permgrid-target
export PERMGRID_TIMINGS := $(CARGO_TARGET_DIR)/make-test-timings.tsv

APP := $(CARGO_TARGET_DIR)/debug/permgrid-app
TAURI := ui/node_modules/.bin/tauri
STAGE := .ci/stage
# A screen as large as the window, so screenshots show all of it.
XVFB := xvfb-run -a -s "-screen 0 1280x800x24"

.PHONY: help run dev test deps-run deps-test ui-dist app app-test \
	test-rust test-ui-unit test-ui-flows test-desktop

help:
	@echo "make run    build and start the desktop app (demo workspace on first run)"
	@echo "make test   run the whole test suite"
	@echo "make dev    the desktop app on Vite's dev server (hot reload)"

run: deps-run app
	$(APP)

# Development: Vite's dev server with hot reload inside the desktop window.
dev: deps-run
	$(TAURI) dev

test:
	@mkdir -p $(CARGO_TARGET_DIR) && : > $(PERMGRID_TIMINGS)
	@$(STAGE) "install dependencies" .ci/install-deps test
	@$(STAGE) "cargo fmt --check" cargo fmt --all -- --check
	@# The shell crate embeds ui/dist at compile time, so clippy and cargo test need it built.
	@$(STAGE) "build ui/dist" npm --prefix ui run --silent build
	@$(STAGE) "cargo clippy" cargo clippy --workspace --all-targets -- -D warnings
	@# What a production service links to verify bundles: the engine without the policy engines.
	@$(STAGE) "engine for services (no default features)" cargo clippy -p permgrid-engine --no-default-features --lib -- -D warnings
	@$(STAGE) "cargo test" cargo test --workspace
	@$(STAGE) "bindings drift check" .ci/check-bindings
	@$(STAGE) "ui lint" npm --prefix ui run --silent lint
	@$(STAGE) "ui typecheck" npm --prefix ui run --silent typecheck
	@$(STAGE) "ui unit tests (vitest)" npm --prefix ui test --silent
	@$(STAGE) "e2e typecheck" npm --prefix tests run --silent typecheck
	@$(STAGE) "build ui/dist-mock" npm --prefix ui run --silent build:mock
	@$(STAGE) "ui flows (Chromium, mock backend)" npm --prefix tests run --silent test:ui
	@$(STAGE) "build desktop app (test config)" $(MAKE) --no-print-directory app-test
	@$(STAGE) "desktop smoke (tauri-driver, Xvfb)" $(XVFB) npm --prefix tests run --silent test:desktop
	@echo && echo "make test: every stage passed" && awk -F'\t' '{ printf "  %-40s %6s  %s\n", $$1, $$2, $$3 }' $(PERMGRID_TIMINGS)

deps-run:
	.ci/install-deps run

deps-test:
	.ci/install-deps test

ui-dist:
	npm --prefix ui run build

# The app with ui/dist embedded (a plain `cargo build` would point the window at Vite's dev server).
# `tauri build` runs the UI build itself (beforeBuildCommand in src-tauri/tauri.conf.json).
app:
	$(TAURI) build --debug --no-bundle

# The same, with the test configuration: its own identifier, so tests never touch the webview
# storage (language and theme choices) of the app people use.
app-test:
	$(TAURI) build --debug --no-bundle --config src-tauri/tauri.test.conf.json

# Single stages, for quicker loops.
test-rust: ui-dist
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo test --workspace
	.ci/check-bindings

test-ui-unit:
	npm --prefix ui run lint
	npm --prefix ui run typecheck
	npm --prefix ui test

test-ui-flows:
	npm --prefix ui run build:mock
	npm --prefix tests run test:ui

test-desktop: app-test
	$(XVFB) npm --prefix tests run test:desktop
