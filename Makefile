# The two commands a newcomer needs (see README.md):
#   make run   — install what is missing, build, and run Suanli's main job (the server + demo)
#   make test  — install what is missing, build with sanitizers, run every test
# Everything else here is a step of those two, or a benchmark.

JOBS     ?= $(shell nproc)
RELEASE  := build/release
SANITIZE := build/asan

.PHONY: run test deps web slurm-deps build build-test test-native test-web bench clean

# Debian packages for the C++ build (apt, only what is missing).
deps:
	@scripts/install-deps.sh

# The web console: npm ci and web/dist (each only when its inputs changed), chromium + CJK fonts.
web:
	@scripts/install-web.sh

# The Slurm lab's packages for the tests labelled `slurm` (docs/slurm.md).
slurm-deps:
	@scripts/slurm/install.sh

$(RELEASE)/build.ninja:
	cmake -S . -B $(RELEASE) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

$(SANITIZE)/build.ninja:
	cmake -S . -B $(SANITIZE) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSUANLI_SANITIZE=ON

build: deps $(RELEASE)/build.ninja
	cmake --build $(RELEASE) -j $(JOBS)

build-test: deps $(SANITIZE)/build.ninja
	cmake --build $(SANITIZE) -j $(JOBS)

run: build web
	@scripts/run-demo.sh $(RELEASE)/src/cli/suanli

# Both halves run even when the first fails, so one CI log shows every failure.
test: build-test web slurm-deps
	@status=0; \
	$(MAKE) --no-print-directory test-native || status=1; \
	$(MAKE) --no-print-directory test-web || status=1; \
	exit $$status

test-native:
	cd $(SANITIZE) && ctest --output-on-failure -j $(JOBS)

test-web:
	cd web && npm test

bench: build
	@scripts/install-deps.sh --bench
	bench/ledger_bench.sh $(RELEASE)
	@if test -x bench/http/suanli_bench.sh; then \
	  echo "bench/http/suanli_bench.sh $(RELEASE)"; bench/http/suanli_bench.sh $(RELEASE); \
	fi
	cmake --build $(RELEASE) --target ingest_bench routing_bench planner_bench
	bench/metering/metering_bench.sh $(RELEASE)
	$(RELEASE)/bench/routing_bench --centers 100
	bench/routing/planner_bench.sh $(RELEASE)

clean:
	rm -rf build
