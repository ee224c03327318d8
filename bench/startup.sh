#!/usr/bin/env bash
# Where a small listing's time goes: instructions counted by callgrind (the
# same count whatever else the machine does), for `tcpstates`, `tcpstates
# --port P` and `ss -tan` on a namespace of a few sockets, split into the
# dynamic loader, argument parsing (swift-argument-parser, with the Swift
# runtime's type and conformance look-ups it makes) and the rest.
# Prints a Markdown section on stdout. Needs root (ip netns) and valgrind.
#   bench/startup.sh TCPSTATES_BINARY
set -euo pipefail

TCPSTATES=${1:?usage: bench/startup.sh TCPSTATES_BINARY}
NS=tcpst-s-$$
WORK=$(mktemp -d /tmp/tcpstates-startup.XXXXXX)
# shellcheck source=bench/few-sockets.sh
. "$(dirname "$0")/few-sockets.sh"
cleanup() {
    few_sockets_down
    rm -rf "$WORK"
}
trap cleanup EXIT

command -v valgrind >/dev/null || { echo "startup: valgrind is missing" >&2; exit 1; }
few_sockets_up

# Inclusive instructions of the functions whose names match $2 in profile $1.
inclusive() {
    callgrind_annotate --inclusive=yes "$1" 2>/dev/null |
        awk -v pattern="$2" '$0 ~ pattern { gsub(",", "", $1); print $1; exit }'
}

profile() {
    local name=$1; shift
    ip netns exec "$NS" valgrind --tool=callgrind --callgrind-out-file="$WORK/$name.out" "$@" \
        >/dev/null 2>"$WORK/$name.err"
    total=$(awk '/refs:/ { gsub(",", "", $NF); print $NF }' "$WORK/$name.err")
    loader=$(inclusive "$WORK/$name.out" '_dl_start ')
    parse=$(inclusive "$WORK/$name.out" 'parseScoped|ParsableCommandPAAE11parseAsRoot')
    echo "$total ${loader:-0} ${parse:-0}"
}

m() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1e6 }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", (b > 0 ? 100 * a / b : 0) }'; }

echo "## Where a small listing's time goes"
echo
echo "Instructions (millions) counted by \`valgrind --tool=callgrind\` for one run on a namespace of 3 sockets (bench/startup.sh): the same count on a busy or a quiet machine. Loader: the dynamic loader before main. Parsing: swift-argument-parser's parse, with the Swift runtime's metadata and conformance look-ups that it makes (the runtime scans every protocol conformance record of the binary, $(nm "$TCPSTATES" 2>/dev/null | grep -c 'Mc$') here, once per new type and protocol pair)."
echo
echo "| command | total | loader | parsing | the rest |"
echo "|---|---:|---:|---:|---:|"
for row in "tcpstates|$TCPSTATES" "tcpstates --port 7001|$TCPSTATES --port 7001" "ss -tan|ss -tan"; do
    IFS='|' read -r label command <<<"$row"
    # shellcheck disable=SC2086
    read -r total loader parse <<<"$(profile "p$RANDOM" $command)"
    rest=$(( total - loader - parse ))
    echo "| \`$label\` | $(m "$total") | $(m "$loader") ($(pct "$loader" "$total")) | $(m "$parse") ($(pct "$parse" "$total")) | $(m "$rest") ($(pct "$rest" "$total")) |"
done
echo
