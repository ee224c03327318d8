#!/bin/sh
# How fast one process can open and close loopback connections untraced,
# under `tcpstates trace` (run inside the workload's namespace, and run on
# the host, which must find each socket's namespace) and under libbpf-tools'
# tcpstates, and what each tracer lost. Root; each run in a fresh network namespace (TIME_WAIT from the
# previous run would slow connect()).
#
#   bench/trace-rate.sh [CONNECTIONS [RUNS]]     default 20000 connections, 3 runs
#
# Uses release builds (built here when missing). Prints one line per run and
# the median rate of each setting.
set -eu
cd "$(dirname "$0")/.."
connections=${1:-20000}
runs=${2:-3}
port=9400
[ "$(id -u)" = 0 ] || { echo "trace-rate.sh: needs root (ip netns, tracefs)" >&2; exit 1; }
bin=$(bench/release.sh)
ours=$bin/tcpstates
peer=$bin/tcpstates-testpeer
libbpf=/usr/sbin/tcpstates
ns=tcpst-t-bench-$$
out=$(mktemp -d)
tracer=
cleanup() {
    [ -n "$tracer" ] && kill -INT "$tracer" 2>/dev/null && wait "$tracer" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$out"
}
trap cleanup EXIT INT TERM

fresh_namespace() {
    ip netns del "$ns" 2>/dev/null || true
    ip netns add "$ns"
    ip netns exec "$ns" ip link set lo up
}

# One burst; its rate (connections a second) goes to $out/rate.
burst() {
    ip netns exec "$ns" "$peer" burst --port $port --connections "$connections" | awk '{print $6}' > "$out/rate"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

start_ours() {
    ip netns exec "$ns" sh -c "exec $ours trace --json --port $port > /dev/null 2> $out/ours.err" &
    tracer=$!
    sleep 1
}
start_ours_host() {
    sh -c "exec $ours trace --json --port $port > /dev/null 2> $out/ours-host.err" &
    tracer=$!
    sleep 1
}
start_libbpf() {
    unshare -m sh -c "mount -t tracefs nodev /sys/kernel/tracing && exec $libbpf > /dev/null 2> $out/libbpf.err" &
    tracer=$!
    sleep 2  # loading and attaching the BPF program
}
stop_tracer() {
    sleep 0.3
    kill -INT "$tracer"
    wait "$tracer" || true
    tracer=
}

settings="untraced ours ours-host libbpf"
if [ ! -x "$libbpf" ]; then
    echo "libbpf-tools: $libbpf missing (apt-get install libbpf-tools); skipped"
    settings="untraced ours ours-host"
fi
# Round-robin, so that the load of the rest of the machine falls on every setting alike.
for setting in $settings; do : > "$out/$setting.rates"; done
for run in $(seq "$runs"); do
    for setting in $settings; do
        fresh_namespace
        note=
        case $setting in
        untraced) burst ;;
        ours) start_ours; burst; stop_tracer; note=$(sed 's/^tcpstates: //' "$out/ours.err") ;;
        ours-host) start_ours_host; burst; stop_tracer; note=$(sed 's/^tcpstates: //' "$out/ours-host.err") ;;
        libbpf) start_libbpf; burst; stop_tracer
                note="$(grep -c lost "$out/libbpf.err" || true) lost-event reports on stderr" ;;
        esac
        rate=$(cat "$out/rate")
        echo "$rate" >> "$out/$setting.rates"
        echo "run $run $setting: $rate connections/s${note:+ ($note)}"
    done
done
for setting in $settings; do
    echo "$setting median: $(median < "$out/$setting.rates") connections/s ($connections connections x 10 transitions, $runs runs)"
done
