#!/usr/bin/env bash
# tcpstates kill side by side with ss -K, in one hyperfine run: before every
# run, a fresh namespace gets N established loopback connections (2N
# sockets, `tcpstates-testpeer hold`), and each tool ends all of them.
# Needs root (ip netns), hyperfine and jq. BENCH_KILL_CONNECTIONS (10000)
# and BENCH_KILL_RUNS (5) tune it; TCPSTATES and TESTPEER name the binaries.
#
#   bench/kill.sh            # prints hyperfine's table and the ratio
set -euo pipefail

cd "$(dirname "$0")/.."
CONNECTIONS=${BENCH_KILL_CONNECTIONS:-10000}
RUNS=${BENCH_KILL_RUNS:-5}
TCPSTATES=${TCPSTATES:-$PWD/.build/release/tcpstates}
TESTPEER=${TESTPEER:-$PWD/.build/debug/tcpstates-testpeer}
PORT=7600
NS=tcpst-bk-$$
WORK=$(mktemp -d /tmp/tcpstates-bench-kill.XXXXXX)

[ -x "$TCPSTATES" ] || { echo "bench: no $TCPSTATES (make build)" >&2; exit 1; }
[ -x "$TESTPEER" ] || { echo "bench: no $TESTPEER (swift build)" >&2; exit 1; }

# Stops the holder of the last run (EOF on its stdin: its sleep is killed) and drops the namespace.
cat > "$WORK/stop" <<STOP
#!/usr/bin/env bash
if [ -f "$WORK/sleep.pid" ]; then kill "\$(cat "$WORK/sleep.pid")" 2>/dev/null || true; rm -f "$WORK/sleep.pid"; fi
if [ -f "$WORK/holder.pid" ]; then
    pid=\$(cat "$WORK/holder.pid"); rm -f "$WORK/holder.pid"
    for _ in \$(seq 100); do kill -0 "\$pid" 2>/dev/null || break; sleep 0.1; done
    kill "\$pid" 2>/dev/null || true
fi
ip netns del "$NS" 2>/dev/null || true
STOP

# Run by hyperfine before every timed run: a fresh namespace and holder.
cat > "$WORK/prepare" <<PREPARE
#!/usr/bin/env bash
set -e
"$WORK/stop"
ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
rm -f "$WORK/ready" "$WORK/fifo"; mkfifo "$WORK/fifo"
sleep 100000 > "$WORK/fifo" < /dev/null 2> /dev/null &
echo \$! > "$WORK/sleep.pid"
ip netns exec "$NS" "$TESTPEER" hold --connections $CONNECTIONS --port $PORT < "$WORK/fifo" > "$WORK/ready" 2>&1 &
echo \$! > "$WORK/holder.pid"
until grep -q READY "$WORK/ready"; do sleep 0.1; done
[ "\$(ip netns exec "$NS" ss -tanH state established | wc -l)" = $((2 * CONNECTIONS)) ]
PREPARE
chmod +x "$WORK/stop" "$WORK/prepare"
trap '"$WORK/stop"; rm -rf "$WORK"' EXIT

hyperfine --runs "$RUNS" --prepare "$WORK/prepare" --export-json "$WORK/kill.json" \
    -n "tcpstates kill" "ip netns exec $NS $TCPSTATES kill --port $PORT -s established --yes" \
    -n "ss -K" "ip netns exec $NS ss -K -tan state established '( sport = :$PORT or dport = :$PORT )'"
jq -r --argjson sockets $((2 * CONNECTIONS)) '.results | "tcpstates kill / ss -K at \($sockets) sockets: \(.[0].median / .[1].median * 1000 | round / 1000) (medians \(.[0].median * 1000 | round) ms and \(.[1].median * 1000 | round) ms)"' "$WORK/kill.json"
