# tcpstates: `make run` and `make test` work on a fresh Debian machine with
# the Swift toolchain: missing system packages are installed with apt first.

SWIFT   ?= swift
PREFIX  ?= /usr/local
DESTDIR ?=
ARGS    ?=

# libmnl-dev and pkg-config to build; the rest for the integration tests
# (ip, ss, nft, strace, setpriv, tmux for the watch screen; zsh and fish check the completions, mandoc
# and groff the man page, python3 with pip fetches the Prometheus parser).
APT_PACKAGES = libmnl-dev pkg-config iproute2 nftables strace util-linux \
	zsh fish mandoc groff-base python3 python3-pip tmux
# prometheus-client from PyPI, installed here (not into the system's Python)
# for the test that parses --format prometheus with it.
PYTHON_DEPS = .build/python
# What make install copies; the install test points it at a debug build.
BINARY ?= .build/release/tcpstates

# Only `make bench` needs these: hyperfine, GNU time, netstat to compare with, jq for hyperfine's JSON, valgrind for the start-up profile.
BENCH_APT_PACKAGES = hyperfine time net-tools jq valgrind

.PHONY: deps bench-deps python-deps build debug run test docs bench install uninstall clean fuzz fuzz-build sanitize hot-symbols static-cxx release-peer

# Installs the packages of $(1) that are missing (apt lists may be empty on a new machine).
define apt_install_missing
	@missing=""; \
	for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call apt_install_missing,$(APT_PACKAGES))

bench-deps: deps
	$(call apt_install_missing,$(BENCH_APT_PACKAGES))

# The Swift standard library is linked statically: the binary runs without
# the toolchain and starts faster (libmnl stays dynamic: Debian ships no .a).
# The toolchain's lld drops unreferenced sections and packs the relative
# relocations (DT_RELR, glibc 2.36+): less for the loader to do at start and
# about 0.8 MiB less resident (bench/RESULTS.md).
# It also lays out side by side the functions that common commands run
# (link/hot-symbols.order, written by `make hot-symbols`): a small listing then
# maps about 2 MiB less of the binary (bench/RESULTS.md).
RELEASE_LINK = -Xswiftc -use-ld=lld -Xlinker --gc-sections -Xlinker -z -Xlinker pack-relative-relocs \
	-Xlinker --symbol-ordering-file=$(CURDIR)/link/hot-symbols.order -Xlinker --no-warn-symbol-ordering
# The C++ runtime under the Swift runtime is linked statically as well, when
# the libstdc++.a that the toolchain's clang finds is there (libstdc++-12-dev,
# which the Swift toolchain needs): the driver's -lstdc++ finds it first in
# .build/static-cxx. The loader then binds no libstdc++ symbols at start
# (bench/RESULTS.md); without the archive the link stays dynamic.
STATIC_CXX := $(shell clang -print-file-name=libstdc++.a 2>/dev/null)
ifneq ($(wildcard $(STATIC_CXX)),)
RELEASE_LINK += -Xlinker -L$(CURDIR)/.build/static-cxx
endif
build: deps static-cxx
	$(SWIFT) build -c release --product tcpstates --static-swift-stdlib $(RELEASE_LINK)

# The test peer, built with the release binary's flags (bench/release.sh):
# other flags would make the next `make build` compile everything again.
release-peer: deps static-cxx
	$(SWIFT) build -c release --product tcpstates-testpeer --static-swift-stdlib $(RELEASE_LINK)

static-cxx:
	@if [ -f "$(STATIC_CXX)" ]; then mkdir -p .build/static-cxx && ln -sf "$(STATIC_CXX)" .build/static-cxx/libstdc++.a; fi

debug: deps
	$(SWIFT) build

run: build
	.build/release/tcpstates $(ARGS)

test: deps python-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

python-deps:
	@PYTHONPATH=$(PYTHON_DEPS) python3 -c 'import prometheus_client' 2>/dev/null || \
		python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target $(PYTHON_DEPS) prometheus-client

# The man page, the completions and README's --help block are generated from the command definition,
# README's performance table from bench/RESULTS.md (bench/readme-table.sh)
# (the man page's prose is in man/tcpstates.1.in and man/options.in); a test
# fails when the committed files differ from what this writes.
docs: deps
	$(SWIFT) build --product tcpstates
	$(SWIFT) build --product tcpstates-docs
	.build/debug/tcpstates --experimental-dump-help | \
		.build/debug/tcpstates-docs man/tcpstates.1.in man/options.in > man/tcpstates.1.new || \
		{ rm -f man/tcpstates.1.new; exit 1; }
	mv man/tcpstates.1.new man/tcpstates.1
	.build/debug/tcpstates --generate-completion-script bash > completions/tcpstates.bash
	.build/debug/tcpstates --generate-completion-script zsh > completions/_tcpstates
	.build/debug/tcpstates --generate-completion-script fish > completions/tcpstates.fish
	.build/debug/tcpstates --help > .build/help.txt
	awk '/^\$$ tcpstates --help$$/ { print; while ((getline line < ".build/help.txt") > 0) print line; skip = 1; next } \
		skip && /^```$$/ { skip = 0 } !skip { print }' README.md > README.md.new && mv README.md.new README.md
	bench/readme-table.sh > .build/bench-table.md
	awk '/^<!-- bench\/readme-table.sh: begin/ { print; while ((getline line < ".build/bench-table.md") > 0) print line; skip = 1; next } \
		/^<!-- bench\/readme-table.sh: end/ { skip = 0 } !skip { print }' README.md > README.md.new && mv README.md.new README.md

# Side by side with ss and netstat at 10, 10k and 100k sockets; writes
# bench/RESULTS.md. Needs root (network namespaces). BENCH_SIZES, BENCH_RUNS tune it.
bench: bench-deps static-cxx
	bench/run.sh

# Rewrites link/hot-symbols.order from the functions the release binary runs
# (callgrind on a namespace of a few sockets); then `make build` again.
hot-symbols: build bench-deps
	link/hot-symbols.sh $(BINARY)

# The unit and integration tests under AddressSanitizer, then the threaded
# parts under ThreadSanitizer (the /proc read-ahead, the per-namespace
# workers, the watch's destroy listeners and their wake pipe, the listers and
# watches that use them, the tests under pressure).
# The integration tests run the sanitized binaries, so a report there fails
# the test that ran them. Each sanitizer builds into its own scratch path.
# LeakSanitizer stays off here: at exit it reports what the argument parser
# and XCTest still hold (process-lifetime objects, not leaks), and that exit
# status would fail every test. Leaks per input are what `make fuzz` checks.
# Sanitized debug binaries run several times slower: the tests wait this many
# times longer before they call a child hung (they never assert a time).
SANITIZE_PATIENCE ?= 4
TSAN_TESTS ?= ReadAheadFile|ProcNetFile|ConnectionLister|Namespace|RealSockets|WatchEvent|Pressure|WakePipe
sanitize: deps python-deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	ASAN_OPTIONS=detect_leaks=0 TCPSTATES_TEST_PATIENCE=$(SANITIZE_PATIENCE) $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	TCPSTATES_TEST_PATIENCE=$(SANITIZE_PATIENCE) $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan --filter '$(TSAN_TESTS)'

# libFuzzer targets (Fuzz/*.swift), one per decoder of outside input. The
# library is compiled once with coverage and AddressSanitizer into
# .build-fuzz, each target links it; `make fuzz` runs each for FUZZ_SECONDS
# and fails on a crash, a leak or a timeout (the input is kept in
# .build-fuzz/crashes). FUZZ_TARGETS picks some; FUZZ_FLAGS adds libFuzzer flags.
FUZZ_SECONDS ?= 60
FUZZ_DIR      = .build-fuzz
FUZZ_TARGETS ?= $(basename $(notdir $(wildcard Fuzz/*.swift)))
FUZZ_FLAGS   ?=
# Assertions stay on (-assert-config Debug): a renderer that writes past
# the room it reserved must fail here even where ASan cannot see it.
FUZZ_SWIFTC   = swiftc -sanitize=fuzzer,address -O -g -assert-config Debug -parse-as-library -use-ld=lld -I Sources/CMNL
LIBRARY_SOURCES = $(shell find Sources/TCPStates -name '*.swift')
FIXTURES = Tests/TCPStatesTests/Fixtures
# Seeds: real captures where there are some.
FUZZ_SEEDS_InetDiagReply     = $(wildcard $(FIXTURES)/sockdiag-*.bin $(FIXTURES)/ss-K-destroy-*.bin $(FIXTURES)/tcpstates-destroy-*.bin)
FUZZ_SEEDS_ProcNetText       = $(wildcard $(FIXTURES)/proc-net-*.txt)
FUZZ_SEEDS_RingBufferPage    = $(FIXTURES)/trace/trace_pipe_raw-cpu1.bin
FUZZ_SEEDS_EventFormat       = $(FIXTURES)/trace/format
FUZZ_SEEDS_SavedCmdlines     = $(FIXTURES)/trace/saved_cmdlines.txt $(wildcard $(FIXTURES)/trace/proc-stat-*.txt)
FUZZ_SEEDS_CommandLineValues = $(wildcard Fuzz/seeds/CommandLineValues/*)
FUZZ_SEEDS_Renderers         = $(wildcard Fuzz/seeds/Renderers/*)

$(FUZZ_DIR)/libTCPStates.a: $(LIBRARY_SOURCES)
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_SWIFTC) -enable-testing -wmo -module-name TCPStates -emit-module \
		-emit-module-path $(FUZZ_DIR)/TCPStates.swiftmodule -emit-library -static -o $@ $(LIBRARY_SOURCES)

$(FUZZ_DIR)/bin/%: Fuzz/%.swift $(FUZZ_DIR)/libTCPStates.a
	@mkdir -p $(FUZZ_DIR)/bin
	$(FUZZ_SWIFTC) -module-name $*Fuzz -I $(FUZZ_DIR) $< -L $(FUZZ_DIR) -lTCPStates -lmnl -o $@

fuzz-build: deps $(addprefix $(FUZZ_DIR)/bin/,$(FUZZ_TARGETS))

fuzz: fuzz-build
	@for target in $(FUZZ_TARGETS); do \
		corpus=$(FUZZ_DIR)/corpus/$$target; mkdir -p $$corpus $(FUZZ_DIR)/crashes; \
		case $$target in \
		InetDiagReply) seeds="$(FUZZ_SEEDS_InetDiagReply)";; \
		ProcNetText) seeds="$(FUZZ_SEEDS_ProcNetText)";; \
		RingBufferPage) seeds="$(FUZZ_SEEDS_RingBufferPage)";; \
		EventFormat) seeds="$(FUZZ_SEEDS_EventFormat)";; \
		SavedCmdlines) seeds="$(FUZZ_SEEDS_SavedCmdlines)";; \
		CommandLineValues) seeds="$(FUZZ_SEEDS_CommandLineValues)";; \
		Renderers) seeds="$(FUZZ_SEEDS_Renderers)";; \
		*) echo "Fuzz/$$target.swift has no seeds in the Makefile" >&2; exit 1;; \
		esac; \
		cp $$seeds $$corpus/ || exit 1; \
		echo "fuzz: $$target for $(FUZZ_SECONDS) s"; \
		SWIFT_BACKTRACE=enable=no $(FUZZ_DIR)/bin/$$target -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-max_len=65536 -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/crashes/$$target- \
			$(FUZZ_FLAGS) $$corpus > $(FUZZ_DIR)/$$target.log 2>&1 \
			|| { tail -n 60 $(FUZZ_DIR)/$$target.log; echo "fuzz: $$target failed (log: $(FUZZ_DIR)/$$target.log)" >&2; exit 1; }; \
		grep -E '^stat::number_of_executed_units|^Done' $(FUZZ_DIR)/$$target.log; \
	done

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 $(BINARY) $(DESTDIR)$(PREFIX)/bin/tcpstates
	install -m 644 man/tcpstates.1 $(DESTDIR)$(PREFIX)/share/man/man1/tcpstates.1
	install -m 644 completions/tcpstates.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/tcpstates
	install -m 644 completions/_tcpstates $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_tcpstates
	install -m 644 completions/tcpstates.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/tcpstates.fish

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/tcpstates \
		$(DESTDIR)$(PREFIX)/share/man/man1/tcpstates.1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/tcpstates \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_tcpstates \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/tcpstates.fish

clean:
	rm -rf .build .build-asan .build-tsan .build-fuzz
