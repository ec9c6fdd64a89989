# descent — the two commands that matter are `make notes` and `make test`.
# See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
NOTEBOOKS := $(sort $(wildcard $(ROOT)/notebooks/*.ipynb))
JUPYTER := $(ROOT)/.venv/bin/jupyter
export JUPYTER_DATA_DIR := $(ROOT)/.venv/share/jupyter
export PATH := $(ROOT)/.tools/bin:$(ROOT)/.venv/bin:$(PATH)

# Per-cell timeout for headless execution.
CELL_TIMEOUT ?= 300s
# JupyterLab port for `make lab`.
PORT ?= 8888

.PHONY: setup notes lab test test-go test-arm64 test-notebooks test-lab test-hub test-class test-site test-docker image-test assignments bench pdf clean distclean

## setup: .venv with the pinned Python side, gonb + goimports in .tools/bin, the gonb kernel in .venv
setup:
	@$(ROOT)/tools/setup.sh

## notes: execute every notebook headlessly and export the HTML lecture notes into build/
# The explorables' WebAssembly modules are built first (cmd/explore, into
# build/explore, rebuilt only when their sources changed): the notebooks'
# first explorables embed them, and a cell only reads them (lib/viz/nb.Explore
# fails, naming this command, when they are missing or stale).
notes: setup
	@cd $(ROOT) && go run ./cmd/explore
	@cd $(ROOT) && go build -o .tools/bin/nbrun ./cmd/nbrun
	@.tools/bin/nbrun -root $(ROOT) -out $(ROOT)/build/notebooks -timeout $(CELL_TIMEOUT) $(NOTEBOOKS)
	@$(ROOT)/.venv/bin/python $(ROOT)/tools/site/build.py --sources $(ROOT)/notebooks $(ROOT)/build/notebooks $(ROOT)/build/html
	@echo "lecture notes: $(ROOT)/build/html/index.html"

## lab: JupyterLab on 127.0.0.1 with token authentication, opened on notebooks/
# Highlight2HTML.default_language: GoNB reports an empty pygments_lexer, which
# JupyterLab's "Export Notebook As… HTML" would read as IPython.
lab: setup
	@cd $(ROOT) && go run ./cmd/explore
	@cd $(ROOT) && $(JUPYTER) lab --ip=127.0.0.1 --port=$(PORT) --no-browser \
	  --ServerApp.root_dir=$(ROOT) --LabApp.default_url=/lab/tree/notebooks/00-getting-started.ipynb \
	  --Highlight2HTML.default_language=go \
	  --MappingKernelManager.default_kernel_name=gonb $(if $(filter 0,$(shell id -u)),--allow-root)

## test: go vet, go test and the notebook tests
# Slow tests (a real JupyterLab, JupyterHub or kernel) run only with
# DESCENT_SLOW=1 (internal/testenv.Slow): a plain `go test ./...` stays quick.
test: setup test-go test-arm64 test-notebooks test-lab test-hub test-class test-site test-docker image-test

# go build first fills the build cache: the hub test starts several gonb
# kernels at once, and on a cold cache each would compile the library.
test-go:
	cd $(ROOT) && go vet ./...
	cd $(ROOT) && go build ./...
	cd $(ROOT) && go test -count=1 ./...

# The library's tests built for linux/arm64 (Apple Silicon under Linux, arm64
# servers) and run under qemu-user-static: Go fuses x*y+z into an FMA there,
# so every exact comparison must hold with fused rounding too.
# tools/arm64.sh registers the emulator with binfmt_misc for the run (root).
test-arm64:
	cd $(ROOT) && tools/arm64.sh env GOARCH=arm64 go test -count=1 ./lib/...

# The runner's own tests that start real gonb kernels (failure fixtures, and
# nbrun stopped every way while a cell spins: nothing may outlive it;
# DESCENT_SLOW=1, skipped by a plain go test), then every notebook.
test-notebooks:
	cd $(ROOT) && DESCENT_SLOW=1 go test -count=1 -timeout 30m ./cmd/nbrun
	@cd $(ROOT) && go run ./cmd/explore
	@cd $(ROOT) && go build -o .tools/bin/nbrun ./cmd/nbrun
	.tools/bin/nbrun -root $(ROOT) -out $(ROOT)/build/notebooks -timeout $(CELL_TIMEOUT) $(NOTEBOOKS)

# JupyterLab with the gonb kernel in headless Chromium: token required, a live
# run-all of notebooks 00 and 07 with interactive charts, and the executed
# notebooks reopened untrusted showing their pictures (tests/lab).
test-lab:
	@cd $(ROOT) && go run ./cmd/explore
	cd $(ROOT) && DESCENT_SLOW=1 go test -count=1 -v -timeout 10m -run TestLab ./tests/lab

# A real JupyterHub on 127.0.0.1, five students running a notebook at once.
test-hub:
	cd $(ROOT) && DESCENT_SLOW=1 go test -count=1 -v -timeout 20m -run TestClassOnOneHub ./hub

# A class with nbgrader, for real: an instructor and three students as Unix
# users, an exchange, release, fetch, submit, collect, autograde through the
# gonb kernel, feedback and the gradebook (hub/class_test.go; root only).
test-class: setup
	cd $(ROOT) && DESCENT_SLOW=1 go test -count=1 -v -timeout 15m -run 'TestClassWithNbgrader$$' ./hub

# The lecture notes built from the executed notebooks, opened from disk in
# headless Chromium with the network blocked (scripts on and off): charts,
# formulas rendered without scripts, Go highlighting, shared assets, links;
# page sizes and load times reported (pages over the 400 KiB goal noted);
# every explorable driven across its controls against native runs, its
# slider-to-redraw latency reported; the search box on every page (none
# without scripts) and the queries of tools/site/search-queries.tsv finding
# their sections; then the notes printed to build/notes.pdf and checked.
test-site:
	$(ROOT)/.venv/bin/python $(ROOT)/tools/site/build.py --sources $(ROOT)/notebooks $(ROOT)/build/notebooks $(ROOT)/build/html
	@cd $(ROOT) && go build -o .tools/bin/sitecheck ./cmd/sitecheck
	.tools/bin/sitecheck -budget 2097152 -goal 409600 -shots $(ROOT)/build/screenshots -queries $(ROOT)/tools/site/search-queries.tsv $(ROOT)/build/html
	cd $(ROOT) && go run ./tools/site/pdf -out $(ROOT)/build/notes.pdf $(ROOT)/build/html

## pdf: the lecture notes as one PDF, build/notes.pdf: the course map, then every lesson (after make notes)
# Each page printed by Debian's headless Chromium with the site's print
# stylesheet, the pages joined with poppler's pdfunite; the pictures, text
# and page count checked (tools/site/pdf).
pdf:
	cd $(ROOT) && go run ./tools/site/pdf -out $(ROOT)/build/notes.pdf $(ROOT)/build/html

# The Docker image's provisioning steps run outside Docker into a temporary
# prefix and HOME (root-only steps skipped), the notebooks executed offline;
# hadolint and the entrypoint's token rules run in `go test ./...` too.
test-docker: setup
	cd $(ROOT) && DESCENT_SLOW=1 go test -count=1 -timeout 20m -v -run 'TestProvisionOutsideDocker|TestJupyterGuard' ./docker

# The real Dockerfile built with podman (a local Debian bookworm base, the
# local Go) and the image run: server as jovyan with a token, health check,
# flags that would switch authentication off refused, a mounted work folder
# kept across restarts, every notebook executed with --network none, the
# image size. Then the instructor's hub/jupyterhub_config.py for real:
# JupyterHub + DockerSpawner on podman's Docker API, three students each
# running a notebook in a container of that image. Needs root, podman, runc
# and mmdebstrap (.ci/run installs them); skipped with a message where they
# are missing, unless CI is set. Layer cache and base in .cache/image-test
# (rm -rf it to free the disk); report in build/image-test.
image-test: setup
	cd $(ROOT) && DESCENT_SLOW=1 go test -count=1 -timeout 80m -v -run 'TestImage$$' ./docker
	cd $(ROOT) && DESCENT_SLOW=1 go test -count=1 -timeout 30m -v -run 'TestClassOnPodman$$' ./hub

## assignments: an nbgrader course in build/course from the notebooks' exercises (hub/CLASS.md)
# tools/assign writes build/course/source/<notebook>/ (solutions between Go
# delimiters, claims as hidden graded tests), then nbgrader writes each
# student version into build/course/release/<notebook>/.
assignments: setup
	@cd $(ROOT) && go run ./tools/assign -root $(ROOT) -out $(ROOT)/build/course
	@cd $(ROOT)/build/course && for a in source/*/; do \
	  $(ROOT)/.venv/bin/nbgrader generate_assignment --force --log-level=WARN "$$(basename $$a)"; done
	@echo "assignments: $(ROOT)/build/course/release (hub/CLASS.md)"

## bench: everything measured side by side in one run -> build/bench/report.md, report.json, charts (about 15 min)
bench: setup
	$(ROOT)/tools/bench/run.sh

## clean: remove build outputs (keeps .venv and .tools; `make distclean` removes those too)
clean:
	rm -rf $(ROOT)/build

distclean: clean
	rm -rf $(ROOT)/.venv $(ROOT)/.tools
