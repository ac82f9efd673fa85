# ereje: a thin front for CMake and CTest. Every target first runs the
# bootstrap, which installs missing Debian packages (quiet when all are
# there). The binary is build/ereje.
BUILD := build
ASAN  := build-asan
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
MAKEFLAGS += --no-print-directory

.PHONY: all bootstrap build asan test run bench train eval clean

all: build

bootstrap:
	@sh scripts/bootstrap.sh

build: bootstrap
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

# The same code built with AddressSanitizer and UBSan; `make test` runs
# the unit and case tests under it too.
asan: bootstrap
	@cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DEJ_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN) -j$(JOBS)

test: build asan
	ctest --test-dir $(BUILD) --output-on-failure
	ctest --test-dir $(ASAN) --output-on-failure

run: build
	@sh scripts/run.sh

bench: build
	@sh scripts/bootstrap.sh bench
	@sh bench/run.sh $(BUILD)

# The content model: trained on the shared corpus's train split and the
# training part of data/posts (ereje-train --help); eval scores it on the
# corpus's test split and the held-out posts, which training never sees.
CORPUS ?= ../shared/corpus/topics.tsv

train: build
	$(BUILD)/ereje-train train --phrases models/phrases.tsv \
	    --corpus $(CORPUS) --posts data/posts --dup-posts 3 \
	    --threshold 0.4 --out models/content.model

eval: build
	$(BUILD)/ereje-train eval --model models/content.model \
	    --corpus $(CORPUS) --posts data/posts

clean: bootstrap
	rm -rf $(BUILD) $(ASAN)
