#!/usr/bin/env bash
# Writes link/hot-symbols.order: the functions of the release binary that its
# common commands run, for `make build` to give lld (--symbol-ordering-file),
# which lays them out side by side. A small listing then touches a few hundred
# KiB of code instead of pieces of all 10 MiB of it: the kernel maps a binary's
# pages 64 KiB around each fault, so scattered code costs resident memory and
# faults (bench/RESULTS.md). The functions are found by running each command
# under callgrind on a namespace of a few sockets. Names the binary no longer
# has are skipped by the linker, so a stale list costs only locality: rerun
# this (`make hot-symbols`) after large changes. Needs root and valgrind.
#   link/hot-symbols.sh TCPSTATES_BINARY
set -euo pipefail

TCPSTATES=${1:?usage: link/hot-symbols.sh TCPSTATES_BINARY}
ORDER=$(dirname "$0")/hot-symbols.order
NS=tcpst-h-$$
WORK=$(mktemp -d /tmp/tcpstates-hot.XXXXXX)
# shellcheck source=bench/few-sockets.sh
. "$(dirname "$0")/../bench/few-sockets.sh"
cleanup() {
    few_sockets_down
    rm -rf "$WORK"
}
trap cleanup EXIT

command -v valgrind >/dev/null || { echo "hot-symbols: valgrind is missing" >&2; exit 1; }
few_sockets_up

# The commands people run most first: their functions come first in the file.
commands=(
    "" "--port 7001" "--json" "-l" "-s established" "-S" "-P" "-o" "-i" "-u"
    "--sort state" "--by-port" "--format prometheus" "--source proc" "explain close-wait"
)
index=0
for command in "${commands[@]}"; do
    # shellcheck disable=SC2086
    ip netns exec "$NS" valgrind --tool=callgrind --demangle=no \
        --callgrind-out-file="$WORK/$index.out" "$TCPSTATES" $command >/dev/null 2>&1
    index=$((index + 1))
done

# Function names in the order callgrind first names them, each once, kept
# when the binary defines them (not the C library's).
nm --defined-only "$TCPSTATES" | awk '$2 ~ /^[tTwW]$/ { print $3 }' | sort -u >"$WORK/defined"
for ((i = 0; i < index; i++)); do
    sed -nE "s/^c?fn=\([0-9]+\) (.*)$/\1/p" "$WORK/$i.out" | sed -E "s/'[0-9]+$//"
done | awk 'NR == FNR { defined[$0] = 1; next } defined[$0] && !seen[$0]++' "$WORK/defined" - >"$ORDER"
echo "hot-symbols: $(wc -l <"$ORDER") functions in $ORDER" >&2
