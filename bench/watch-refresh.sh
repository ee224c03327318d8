#!/usr/bin/env bash
# CPU time of one `tcpstates --watch` refresh against one one-shot listing of
# the same sockets (issue 3's target: a refresh costs at most 1.2x a listing).
#
# For each size N (WATCH_SIZES, default "10000 100000") a private namespace
# holds N/2 established loopback connections (`tcpstates-testpeer hold`),
# that is N sockets plus a listener. Then, with the release binary:
#   one-shot  RUNS runs of `tcpstates --json > /dev/null`, whole processes
#   ndjson    a running `tcpstates --watch --json > /dev/null`, its CPU time
#             over D seconds after a warm-up; refreshes = D / interval
#   screen    the same for the terminal screen in a detached tmux window
# Nothing changes between refreshes, so a refresh is a dump plus the diff
# (and for the screen, the layout and drawing). CPU time is user + system
# from the kernel's accounting (bash's `times` for the one-shot runs,
# /proc/PID/stat for the watch). Needs root; tmux for the screen column.
# Prints a markdown table on stdout.
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${WATCH_SIZES:-10000 100000}
RUNS=${WATCH_RUNS:-20}
DURATION=${WATCH_DURATION:-20}
PORT=9000
NS=tcpst-w-bench-$$
TMUX_SERVER=tcpst-w-bench-$$
HOLDER_PID=
WATCH_PID=
WORK=$(mktemp -d /tmp/tcpst-w-bench.XXXXXX)

say() { printf 'watch-refresh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

cleanup() {
    exec 3>&- 2>/dev/null || true
    [ -n "$WATCH_PID" ] && kill "$WATCH_PID" 2>/dev/null || true
    tmux -L "$TMUX_SERVER" kill-server 2>/dev/null || true
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

say "building the release binary (static Swift stdlib, as make build) and the test peer"
BIN=$(bench/release.sh)
TCPSTATES=$BIN/tcpstates
PEER=$BIN/tcpstates-testpeer

# CPU milliseconds (user, system) the process PID has used so far, from /proc/PID/stat.
cpu_ms() {
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%d %d\n", $12 * 1000 / hz, $13 * 1000 / hz }' "/proc/$1/stat"
}

# "user system" CPU milliseconds per refresh of PID, refreshing every INTERVAL s.
per_refresh() {
    local pid=$1 interval=$2 before after
    sleep 3  # past startup and the first refresh (its present events)
    before=$(cpu_ms "$pid")
    sleep "$DURATION"
    after=$(cpu_ms "$pid")
    awk -v b="$before" -v a="$after" -v n="$(awk -v d="$DURATION" -v i="$interval" 'BEGIN { print d / i }')" \
        'BEGIN { split(b, x, " "); split(a, y, " "); printf "%.2f %.2f", (y[1] - x[1]) / n, (y[2] - x[2]) / n }'
}

# "user system" CPU milliseconds of one whole `tcpstates --json` run, over RUNS runs (bash's times).
one_shot() {
    ip netns exec "$NS" bash -c 'for _ in $(seq "$1"); do "$2" --json >/dev/null; done; times' _ "$RUNS" "$TCPSTATES" |
        awk -v n="$RUNS" 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/)
            printf "%.2f %.2f", (u[1] * 60 + u[2]) * 1000 / n, (s[1] * 60 + s[2]) * 1000 / n }'
}

sum() { awk -v p="$1" 'BEGIN { split(p, x, " "); printf "%.2f", x[1] + x[2] }'; }
ratio() { awk -v a="$(sum "$1")" -v b="$(sum "$2")" 'BEGIN { printf "%.2f", a / b }'; }

say "TCP sockets on the whole machine (every namespace's dump walks them): $(awk '/^TCP:/ { print $9 }' /proc/net/sockstat)"
echo "| sockets | one-shot --json: user + sys ms | NDJSON refresh: user + sys ms | ratio | screen refresh: user + sys ms | ratio |"
echo "|---:|---:|---:|---:|---:|---:|"
for size in $SIZES; do
    connections=$((size / 2))
    ip netns add "$NS"
    ip -n "$NS" link set lo up
    mkfifo "$WORK/in" "$WORK/out"
    ip netns exec "$NS" "$PEER" hold --connections "$connections" --port "$PORT" <"$WORK/in" >"$WORK/out" &
    HOLDER_PID=$!
    exec 3>"$WORK/in"  # the holder runs until this closes
    read -r ready <"$WORK/out" || die "the holder did not start"
    [ "$ready" = READY ] || die "the holder said: $ready"
    sockets=$(ip netns exec "$NS" "$TCPSTATES" --no-header | wc -l)
    oneshot=$(one_shot)
    # A refresh must fit its interval: 3x the one-shot time, at least 0.25 s.
    interval=$(awk -v ms="$(sum "$oneshot")" 'BEGIN { i = ms * 3 / 1000; if (i < 0.25) i = 0.25; printf "%.2f", i }')
    say "$sockets sockets: one-shot $oneshot ms; watching every $interval s for $DURATION s"

    ip netns exec "$NS" "$TCPSTATES" --watch --json --interval "$interval" >/dev/null &
    WATCH_PID=$!
    ndjson=$(per_refresh "$WATCH_PID" "$interval")
    kill "$WATCH_PID"; wait "$WATCH_PID" 2>/dev/null || true
    WATCH_PID=

    screen=n/a screen_ratio=n/a
    if command -v tmux >/dev/null; then
        tmux -L "$TMUX_SERVER" -f /dev/null new-session -d -x 160 -y 50 \
            "exec ip netns exec $NS $TCPSTATES --watch --interval $interval"
        pane=$(tmux -L "$TMUX_SERVER" display-message -p '#{pane_pid}')
        screen=$(per_refresh "$pane" "$interval")
        tmux -L "$TMUX_SERVER" kill-server
        screen_ratio=$(ratio "$screen" "$oneshot")
    fi
    show() { [ "$1" = n/a ] && echo n/a || awk -v p="$1" 'BEGIN { split(p, x, " "); printf "%s + %s", x[1], x[2] }'; }
    echo "| $sockets | $(show "$oneshot") | $(show "$ndjson") | $(ratio "$ndjson" "$oneshot") | $(show "$screen") | $screen_ratio |"

    exec 3>&-
    wait "$HOLDER_PID" 2>/dev/null || true
    HOLDER_PID=
    rm -f "$WORK/in" "$WORK/out"
    ip netns del "$NS"
done
