#!/bin/sh
# Builds the release tcpstates as `make build` does (the Makefile's link
# flags) and the test peer with the same flags, then prints the directory that
# holds both. Every benchmark measures this one binary: a script that built
# with other flags relinked it, and recompiled everything, under the others.
set -eu
cd "$(dirname "$0")/.."
make -s build release-peer >&2
swift build -c release --static-swift-stdlib --show-bin-path
