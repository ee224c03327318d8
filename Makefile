# tcpstates: `make run` and `make test` work on a fresh Debian machine with
# the Swift toolchain: missing system packages are installed with apt first.

SWIFT   ?= swift
PREFIX  ?= /usr/local
DESTDIR ?=
ARGS    ?=

# libmnl-dev and pkg-config to build; the rest for the integration tests
# (ip, ss, nft, strace, setpriv) and benchmarks.
APT_PACKAGES = libmnl-dev pkg-config iproute2 nftables strace util-linux
# Only `make bench` needs these: hyperfine, GNU time, netstat to compare with, jq for hyperfine's JSON.
BENCH_APT_PACKAGES = hyperfine time net-tools jq

.PHONY: deps bench-deps build debug run test bench install uninstall clean

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
build: deps
	$(SWIFT) build -c release --product tcpstates --static-swift-stdlib

debug: deps
	$(SWIFT) build

run: build
	.build/release/tcpstates $(ARGS)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

# Side by side with ss and netstat at 10, 10k and 100k sockets; writes
# bench/RESULTS.md. Needs root (network namespaces). BENCH_SIZES, BENCH_RUNS tune it.
bench: bench-deps
	bench/run.sh

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 .build/release/tcpstates $(DESTDIR)$(PREFIX)/bin/tcpstates
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
	rm -rf .build
