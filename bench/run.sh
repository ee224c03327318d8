#!/usr/bin/env bash
# tcpstates side by side with ss and netstat on the same loopback sockets.
#
# For each size N (BENCH_SIZES, default "10 10000 100000") a private network
# namespace holds N established sockets (N/2 connections, held by
# `tcpstates-testpeer hold` in several processes), plus listeners and
# TIME_WAIT sockets; each pair runs in one hyperfine run (warm-up, output to
# /dev/null) and peak RSS comes from /usr/bin/time. Writes bench/RESULTS.md.
# Needs root (ip netns), hyperfine, GNU time, ss, netstat and jq.
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${BENCH_SIZES:-10 10000 100000}
RUNS=${BENCH_RUNS:-30}
WARMUP=${BENCH_WARMUP:-3}
RSS_RUNS=${BENCH_RSS_RUNS:-3}
RESULTS=${BENCH_RESULTS:-bench/RESULTS.md}
PORT=7000               # the established connections' server port
FILTER_PORT=7001        # first extra listener: it and the TIME_WAIT sockets
NS=tcpst-b-$$
WORK=$(mktemp -d /tmp/tcpstates-bench.XXXXXX)
HOLDER_PID=
RUNNING_PID=            # a hyperfine run, waited for so that a signal interrupts it

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# Every exit path: stop the holder (EOF on its stdin, then a signal), drop the namespace.
cleanup() {
    [ -z "$RUNNING_PID" ] || kill "$RUNNING_PID" 2>/dev/null || true
    exec 3>&-
    if [ -n "$HOLDER_PID" ]; then
        kill "$HOLDER_PID" 2>/dev/null || true
        wait "$HOLDER_PID" 2>/dev/null || true
    fi
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" = 0 ] || die "needs root (ip netns)"
for tool in hyperfine ss netstat jq ip; do
    command -v "$tool" >/dev/null || die "$tool is missing (make bench installs it)"
done
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing (make bench installs it)"

say "building release binaries (static Swift stdlib, as make build)"
BIN=$(bench/release.sh)
TCPSTATES=$BIN/tcpstates
PEER=$BIN/tcpstates-testpeer

inns() { ip netns exec "$NS" "$@"; }

# Starts the holder for N sockets and waits for READY.
hold() {
    local sockets=$1 listeners=$2 timewait=$3
    ip netns add "$NS"
    ip -n "$NS" link set lo up
    mkfifo "$WORK/holder-stdin"
    inns "$PEER" hold --connections $((sockets / 2)) --port $PORT \
        --listeners "$listeners" --time-wait "$timewait" \
        <"$WORK/holder-stdin" >"$WORK/holder-out" 2>&1 &
    HOLDER_PID=$!
    exec 3>"$WORK/holder-stdin"   # the holder runs until this closes
    until grep -q READY "$WORK/holder-out"; do
        kill -0 "$HOLDER_PID" 2>/dev/null || die "holder failed: $(cat "$WORK/holder-out")"
        sleep 0.2
    done
}

unhold() {
    exec 3>&-
    wait "$HOLDER_PID" 2>/dev/null || true
    HOLDER_PID=
    rm -f "$WORK/holder-stdin"
    ip netns del "$NS"
}

# `ss -tanH` rows by state, one line: "ESTAB 100000, LISTEN 11, TIME-WAIT 100".
census() {
    inns ss -tanH | awk '{n[$1]++} END {for (s in n) printf "%s %d\n", s, n[s]}' | sort | paste -sd, - | sed 's/,/, /g'
}

# One hyperfine run of two commands ([runs] [warm-ups] if not the defaults); prints "median_a median_b" in ms.
pair() {
    local json=$WORK/pair.json
    inns hyperfine -N --warmup "${4:-$WARMUP}" --runs "${3:-$RUNS}" --output=null --style=none \
        --export-json "$json" "$1" "$2" >/dev/null &
    RUNNING_PID=$!
    wait "$RUNNING_PID"
    RUNNING_PID=
    jq -r '[.results[].median * 1000] | map(. * 100 | round / 100) | "\(.[0]) \(.[1])"' "$json"
}

# Highest peak RSS (KiB) of a command over RSS_RUNS runs.
rss() {
    local best=0 kib
    for _ in $(seq "$RSS_RUNS"); do
        inns /usr/bin/time -f %M -o "$WORK/rss" sh -c 'exec "$@" >/dev/null' sh "$@"
        kib=$(tail -1 "$WORK/rss")
        [ "$kib" -gt "$best" ] && best=$kib
    done
    echo "$best"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t ? "yes" : "**no**") }'; }

T=tcpstates
SS_PORT="ss -tan '( sport = :$FILTER_PORT or dport = :$FILTER_PORT )'"
# name | tcpstates command | peer command | target ratio at the largest size [| runs | warm-ups]
PAIRS=(
    "full listing|$T|ss -tan|0.7"
    "port filter|$T --port $FILTER_PORT|$SS_PORT|1.0"
    "JSON vs ss text|$T --json|ss -tan|1.0"
    "listening only|$T --listening|ss -tln|1.5"
    "/proc source vs netstat|$T --source proc|netstat -tan|0.6"
)
# grep reads all of it: with -q, tcpstates would die of SIGPIPE and pipefail fail the test.
if "$TCPSTATES" --help 2>/dev/null | grep -- '--processes' >/dev/null; then
    # ss -tanp takes seconds a run at 100k sockets: fewer runs of this pair.
    PAIRS+=("processes|$T --processes|ss -tanp|0.5|${BENCH_SLOW_RUNS:-5}|1")
fi

{
    echo "# tcpstates benchmarks"
    echo
    echo "Written by \`make bench\` (bench/run.sh); rerun it after every change that can move these."
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), kernel $(uname -r), load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
    cxx="static"
    if ldd "$TCPSTATES" | grep -q 'libstdc++'; then cxx="dynamic"; fi
    echo "- tcpstates $("$TCPSTATES" --version) release, static Swift stdlib, $cxx libstdc++; $(ss -V | head -1); $(netstat -V 2>&1 | head -1)"
    echo "- hyperfine $(hyperfine --version | cut -d' ' -f2): each pair in one run, $WARMUP warm-up + $RUNS runs, output to /dev/null; medians in ms; ratio = tcpstates / peer"
    echo "- peak RSS: highest of $RSS_RUNS runs of \`/usr/bin/time -f %M\`, MiB"
    echo
} >"$WORK/results.md"

declare -A RSS_T RSS_J RSS_S
LARGEST=${SIZES##* }
FIRST=${SIZES%% *}
for N in $SIZES; do
    listeners=$(( N >= 1000 ? 10 : 1 ))
    timewait=$(( N >= 1000 ? 100 : 2 ))
    say "holding $N established sockets, $listeners extra listeners, $timewait TIME_WAIT"
    hold "$N" "$listeners" "$timewait"
    before=$(census)
    {
        echo "## $N sockets"
        echo
        echo "Sockets (ss, before): $before."
        echo
        echo "| pair | tcpstates | peer | tcpstates ms | peer ms | ratio | target at $LARGEST | met |"
        echo "|---|---|---|---:|---:|---:|---:|---|"
    } >>"$WORK/results.md"
    for entry in "${PAIRS[@]}"; do
        IFS='|' read -r name ours theirs target runs warmups <<<"$entry"
        say "$N: $name"
        medians=$(pair "$BIN/$ours" "$theirs" "$runs" "$warmups")
        read -r a b <<<"$medians"
        r=$(ratio "$a" "$b")
        met="$target | $(verdict "$r" "$target")"
        [ "$N" = "$LARGEST" ] || met="| "   # the targets are for the largest size
        # Start-up: a small listing and a port filter at most 1.2x ss at the smallest size.
        if [ "$N" = "$FIRST" ] && [ "$N" != "$LARGEST" ] && { [ "$name" = "full listing" ] || [ "$name" = "port filter" ]; }; then
            met="1.2 at $N | $(verdict "$r" 1.2)"
        fi
        echo "| $name | \`$ours\` | \`$theirs\` | $a | $b | $r | $met |" >>"$WORK/results.md"
        printf 'bench: %s: %s ms vs %s ms, ratio %s (target %s)\n' "$name" "$a" "$b" "$r" "$target" >&2
    done
    say "$N: peak RSS"
    RSS_T[$N]=$(rss "$TCPSTATES")
    RSS_J[$N]=$(rss "$TCPSTATES" --json)
    RSS_S[$N]=$(rss ss -tan)
    # The kernel's share of a /proc reader: formatting both files, nothing parsed.
    medians=$(pair "cat /proc/net/tcp /proc/net/tcp6" "cat /proc/net/tcp6")
    read -r floor floor6 <<<"$medians"
    {
        echo
        echo "The kernel's share of a /proc reader: \`cat /proc/net/tcp /proc/net/tcp6\` (one file after the other, nothing parsed) takes $floor ms, tcp6 alone $floor6 ms; tcpstates reads the two files at once, on two threads."
        echo
        echo "Sockets (ss, after): $(census)."
        echo
    } >>"$WORK/results.md"
    unhold
done

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
{
    echo "## Peak RSS"
    echo
    echo "Targets at $LARGEST sockets: tcpstates / ss at most 1.3; tcpstates no more than 2 MiB above its own at $FIRST sockets."
    echo
    printf '| command |'; for N in $SIZES; do printf ' %s sockets |' "$N"; done
    printf ' ratio to ss at %s | growth from %s | met |\n' "$LARGEST" "$FIRST"
    printf '|---|'; for _ in $SIZES; do printf -- '---:|'; done; echo '---:|---:|---|'
    for row in "tcpstates|RSS_T" "tcpstates --json|RSS_J" "ss -tan|RSS_S"; do
        IFS='|' read -r label var <<<"$row"
        declare -n values=$var
        printf '| `%s` |' "$label"
        for N in $SIZES; do printf ' %s |' "$(mib "${values[$N]}")"; done
        if [ "$var" = RSS_S ]; then
            echo ' | | |'
        else
            r=$(ratio "${values[$LARGEST]}" "${RSS_S[$LARGEST]}")
            growth=$(( values[$LARGEST] - values[$FIRST] ))
            ok=$(awk -v r="$r" -v g="$growth" 'BEGIN { print (r <= 1.3 && g <= 2048 ? "yes" : "**no**") }')
            echo " $r | $(mib "$growth") MiB | $ok |"
        fi
        unset -n values
    done
} >>"$WORK/results.md"

# One watch refresh against one one-shot listing (issue 3's target: at most
# 1.2x), at the sizes above 10 sockets; BENCH_WATCH=0 leaves it out.
WATCH_AT=$(for N in $SIZES; do if [ "$N" -ge 1000 ]; then printf "%s " "$N"; fi; done)
if [ "${BENCH_WATCH:-1}" = 1 ] && [ -n "$WATCH_AT" ]; then
    say "watch refresh at $WATCH_AT sockets"
    {
        echo
        echo "## Watch refresh vs one-shot listing"
        echo
        echo "CPU time (user + system) of one \`--watch\` refresh against one \`--json\` listing of the same sockets; target at most 1.2 (bench/watch-refresh.sh)."
        echo
        WATCH_SIZES="$WATCH_AT" bench/watch-refresh.sh
    } >>"$WORK/results.md"
fi

# Every network namespace at once (issue 12's target: at most 0.4x of
# `ip -all netns exec ss -tanH`); BENCH_NETNS=0 leaves it out.
if [ "${BENCH_NETNS:-1}" = 1 ]; then
    say "every namespace: --all-netns against ip -all netns exec ss"
    { echo; bench/all-netns.sh; } >>"$WORK/results.md"
fi

# Where a small listing's time goes, in instructions; BENCH_STARTUP=0 leaves it out.
if [ "${BENCH_STARTUP:-1}" = 1 ] && command -v valgrind >/dev/null; then
    say "start-up profile (callgrind)"
    { echo; bench/startup.sh "$TCPSTATES"; } >>"$WORK/results.md"
fi

# The watch under churn (issue 11): closes printed against the kernel's destroy
# messages (target 1.000), CPU per second of churn, RSS over a soak of
# WATCH_SOAK_SECONDS (600 by default; BENCH_WATCH_CHURN=0 leaves it out).
if [ "${BENCH_WATCH_CHURN:-1}" = 1 ]; then
    say "watch under churn (soak ${WATCH_SOAK_SECONDS:-600} s)"
    {
        echo
        echo "## Watch under churn"
        echo
        echo "Socket ends printed by \`--watch --json\` against the kernel's destroy messages, counted by an independent listener; target 1.000 (bench/watch-churn.sh)."
        echo
        bench/watch-churn.sh
    } >>"$WORK/results.md"
fi

cp "$WORK/results.md" "$RESULTS"
say "wrote $RESULTS"
cat "$RESULTS"
