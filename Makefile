# The two commands a newcomer needs (see README.md):
#   make run   — install what is missing, build, and run Suanli's main job
#   make test  — install what is missing, build with sanitizers, run every test
# Everything else here is a step of those two, or a benchmark.

JOBS     ?= $(shell nproc)
RELEASE  := build/release
SANITIZE := build/asan

.PHONY: run test deps build build-test bench clean

deps:
	@scripts/install-deps.sh

$(RELEASE)/build.ninja:
	cmake -S . -B $(RELEASE) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

$(SANITIZE)/build.ninja:
	cmake -S . -B $(SANITIZE) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSUANLI_SANITIZE=ON

build: deps $(RELEASE)/build.ninja
	cmake --build $(RELEASE) -j $(JOBS)

build-test: deps $(SANITIZE)/build.ninja
	cmake --build $(SANITIZE) -j $(JOBS)

run: build
	@scripts/run-demo.sh $(RELEASE)/src/cli/suanli

test: build-test
	cd $(SANITIZE) && ctest --output-on-failure -j $(JOBS)

bench: build
	@scripts/install-deps.sh --bench
	bench/ledger_bench.sh $(RELEASE)

clean:
	rm -rf build
