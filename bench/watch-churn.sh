#!/bin/bash
# `tcpstates --watch --json` under loopback churn (issue 11): socket ends
# printed against the kernel's destroy messages, the watch's CPU per second
# of churn, and its RSS over a soak. Root; each run in a fresh network namespace.
#
#   bench/watch-churn.sh     2,000/s and full speed for WATCH_CHURN_SECONDS (10),
#                            then a soak at full speed for WATCH_SOAK_SECONDS (600)
#
# The truth is an independent listener on the destroy groups (python3) in the
# same namespace. A socket end is printed once: the server's as a close, the
# client's as its arrival in TIME_WAIT (a change, or an open in TIME_WAIT) or
# as a close without it. Prints Markdown.
set -eu
cd "$(dirname "$0")/.."
seconds=${WATCH_CHURN_SECONDS:-10}
soak=${WATCH_SOAK_SECONDS:-600}
port=9450
[ "$(id -u)" = 0 ] || { echo "watch-churn.sh: needs root (ip netns)" >&2; exit 1; }
bin=$(bench/release.sh)
ours=$bin/tcpstates
peer=${WATCH_CHURN_PEER:-$bin/tcpstates-testpeer}
ns=tcpst-wc-bench-$$
out=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$out"
}
trap cleanup EXIT INT TERM

fresh_namespace() {
    ip netns del "$ns" 2>/dev/null || true
    ip netns add "$ns"
    ip netns exec "$ns" ip link set lo up
}

# Counts the destroy messages of the port's sockets until SIGTERM, then
# writes "SERVER n CLIENT n OVERFLOWS n" to $out/truth.
truth() {
    ip netns exec "$ns" python3 -c '
import socket, struct, signal, sys
port = int(sys.argv[1]); counts = {"server": 0, "client": 0, "overflows": 0}
def done(*_):
    print("SERVER %(server)d CLIENT %(client)d OVERFLOWS %(overflows)d" % counts, flush=True); sys.exit(0)
signal.signal(signal.SIGTERM, done)
nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 4)
nl.setsockopt(socket.SOL_SOCKET, 33, 256 << 20)  # SO_RCVBUFFORCE
nl.bind((0, 5))
print("READY", flush=True)
while True:
    try: data = nl.recv(1 << 20)
    except OSError: counts["overflows"] += 1; continue
    o = 0
    while o + 24 <= len(data):
        length, kind = struct.unpack_from("=IH", data, o)
        if kind == 20:
            sport, dport = struct.unpack_from(">HH", data, o + 20)
            if sport == port and dport: counts["server"] += 1
            elif dport == port: counts["client"] += 1
        o += (length + 3) & ~3
' "$port" > "$out/truth" &
    truth_pid=$!
    pids+=("$truth_pid")
    while ! grep -q READY "$out/truth" 2>/dev/null; do sleep 0.05; done
}

# User + system seconds of process $1 so far; its resident set in KiB.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

# One setting: $1 the rate (empty: full speed), $2 seconds. Prints a table row.
run() {
    local rate=$1 secs=$2 label=${1:-full speed}
    fresh_namespace
    truth
    ip netns exec "$ns" "$ours" --watch --json --port "$port" > "$out/events" 2> "$out/watch.err" &
    local watch=$!
    pids+=("$watch")
    sleep 1
    local cpu0 cpu1
    cpu0=$(cpu "$watch")
    ip netns exec "$ns" "$peer" churn --port "$port" --seconds "$secs" ${rate:+--rate "$rate"} > "$out/churn"
    sleep 2
    cpu1=$(cpu "$watch")
    kill "$watch"; wait "$watch" 2>/dev/null || true
    kill "$truth_pid"; wait "$truth_pid" 2>/dev/null || true
    python3 - "$out" "$port" "$label" "$cpu0" "$cpu1" <<'PY'
import json, sys
out, port, label, cpu0, cpu1 = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
words = open(out + "/truth").read().split()
truth = dict(zip(words[1::2], map(int, words[2::2])))  # after READY: SERVER n CLIENT n OVERFLOWS n
churn = open(out + "/churn").read().split()  # CONNECTIONS n SECONDS s RATE r
server = client = lost = 0
for line in open(out + "/events"):
    e = json.loads(line)
    if e["event"] == "lost":
        lost += 1
        continue
    local, remote = e["local"]["port"], e["remote"]["port"]
    if local == port and remote != 0 and e["event"] == "close":
        server += 1
    elif remote == port:
        if (e["state"] == "TIME_WAIT" and e["event"] in ("change", "open")) or \
           (e["event"] == "close" and e.get("previous_state") != "TIME_WAIT"):
            client += 1
kernel = truth["SERVER"] + truth["CLIENT"]
printed = server + client
secs = float(churn[3])
print("| %s | %s | %d | %d | %.3f | %.3f | %d | %d |" % (
    label, churn[5], kernel, printed, printed / kernel if kernel else 0, (cpu1 - cpu0) / secs, lost, truth["OVERFLOWS"]))
PY
}

echo "| churn | connections/s | kernel destroys | ends printed | printed / destroys | watch CPU s per s of churn | lost events | truth overflows |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
run 2000 "$seconds"
run "" "$seconds"

# The soak: RSS after the first minute (a tenth of a shorter soak) and at the end.
fresh_namespace
ip netns exec "$ns" "$ours" --watch --json --port "$port" > /dev/null 2> "$out/watch.err" &
watch=$!
pids+=("$watch")
sleep 1
ip netns exec "$ns" "$peer" churn --port "$port" --seconds "$soak" > "$out/churn" &
churner=$!
pids+=("$churner")
first=$(( soak < 600 ? soak / 10 : 60 ))
sleep "$first"
rss_first=$(rss_kib "$watch")
cpu_first=$(cpu "$watch")
wait "$churner"
rss_end=$(rss_kib "$watch")
cpu_end=$(cpu "$watch")
kill "$watch"; wait "$watch" 2>/dev/null || true
echo
echo "Soak of ${soak} s at full speed ($(awk '{ print $6 }' "$out/churn") connections/s): RSS $(awk -v k="$rss_first" 'BEGIN { printf "%.1f", k / 1024 }') MiB after ${first} s, $(awk -v k="$rss_end" 'BEGIN { printf "%.1f", k / 1024 }') MiB at the end (growth $(awk -v a="$rss_first" -v b="$rss_end" 'BEGIN { printf "%.1f", (b - a) / 1024 }') MiB; target at most 2); watch CPU $(awk -v a="$cpu_first" -v b="$cpu_end" -v s="$soak" -v f="$first" 'BEGIN { printf "%.3f", (b - a) / (s - f) }') s per s."
