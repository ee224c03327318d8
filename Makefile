# tcpstates: `make run` and `make test` work on a fresh Debian machine with
# the Swift toolchain: missing system packages are installed with apt first.

SWIFT   ?= swift
PREFIX  ?= /usr/local
DESTDIR ?=
ARGS    ?=

# libmnl-dev and pkg-config to build; the rest for the integration tests
# (ip, ss, nft, strace, setpriv) and benchmarks.
APT_PACKAGES = libmnl-dev pkg-config iproute2 nftables strace util-linux

.PHONY: deps build debug run test install uninstall clean

deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --product tcpstates

debug: deps
	$(SWIFT) build

run: build
	.build/release/tcpstates $(ARGS)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 .build/release/tcpstates $(DESTDIR)$(PREFIX)/bin/tcpstates

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/tcpstates

clean:
	rm -rf .build
