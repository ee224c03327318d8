#!/usr/bin/env bash
# `tcpstates --all-netns` against `ip -all netns exec ss -tanH` (issue 12's
# target: at most 0.4x), in one hyperfine run, and the floor both stand on.
#
# NETNS_COUNT (default 200) named namespaces, tcpst-an-<pid>-<i>, each with
# `tcpstates-testpeer hold --connections 24`: 48 established loopback
# sockets and their listener, 49 sockets.
#
# Both commands run in a private mount namespace whose /run/netns holds this
# run's namespaces only: on a shared machine other users add and delete
# namespaces all the time, and `ip -all netns exec` forks for each name and,
# when one vanishes between its listing and the child's setns, the child
# carries on with the rest of the list itself, so the work is repeated (seen
# here: one run took minutes). tcpstates also lists the namespaces that only
# processes hold (other users' among them) and its own.
#
# The floor: every namespace's dump walks the kernel's machine-wide TCP
# hash once (ss walks it twice, once per family). strace -T times
# tcpstates's netlink sendto/recvmsg calls, in which the kernel walks; their
# sum is the walks' kernel time, and divided by the threads that ran them
# (one per CPU) the least a parallel listing can take.
# Needs root, hyperfine, jq, strace. Prints a markdown section on stdout.
set -euo pipefail

cd "$(dirname "$0")/.."
COUNT=${NETNS_COUNT:-200}
RUNS=${NETNS_RUNS:-10}
WARMUP=${NETNS_WARMUP:-2}

say() { printf 'all-netns: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# Runs in the private mount namespace: measures, prints the markdown.
measure() {
    mkdir -p "$WORK/view"
    for i in $(seq "$COUNT"); do
        touch "$WORK/view/$PREFIX$i"
        mount --bind "/run/netns/$PREFIX$i" "$WORK/view/$PREFIX$i"
    done
    mount --rbind "$WORK/view" /run/netns

    local named ours theirs listed
    named=$(ip netns list | wc -l)
    ours=$("$TCPSTATES" --all-netns --no-header | wc -l)
    theirs=$(ip -all netns exec ss -tanH | grep -vc -e '^netns: ' -e '^$' || true)
    listed=$("$TCPSTATES" --all-netns --summary --json | jq '.namespaces | length')

    say "hyperfine: $WARMUP warm-up and $RUNS runs each"
    hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --output=null --style=none --export-json "$WORK/pair.json" \
        "$TCPSTATES --all-netns" "ip -all netns exec ss -tanH" >/dev/null
    local a b ratio met
    read -r a b < <(jq -r '[.results[].median * 1000] | map(. * 10 | round / 10) | "\(.[0]) \(.[1])"' "$WORK/pair.json")
    ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')
    met=$(awk -v r="$ratio" 'BEGIN { print (r <= 0.4 ? "yes" : "**no**") }')

    say "floor: the kernel time of the dumps (strace -T)"
    local floor_runs=5 walk_ms cpus threads floor per_walk
    walk_ms=$(for _ in $(seq $floor_runs); do
        strace -f -T -e trace=sendto,recvmsg -o "$WORK/strace" "$TCPSTATES" --all-netns >/dev/null
        awk -F'<' '/(sendto|recvmsg)\(/ && /<[0-9.]+>$/ { sub(/>$/, "", $NF); s += $NF } END { printf "%.1f\n", s * 1000 }' "$WORK/strace"
    done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    cpus=$(nproc)
    threads=$(( listed < cpus ? listed : cpus ))
    floor=$(awk -v w="$walk_ms" -v t="$threads" 'BEGIN { printf "%.1f", w / t }')
    per_walk=$(awk -v w="$walk_ms" -v n="$listed" 'BEGIN { printf "%.2f", w / n }')

    cat <<MD
## Every namespace: --all-netns

$COUNT namespaces of 49 sockets each (\`tcpstates-testpeer hold --connections 24\`: 48 ESTABLISHED and a listener).
Both commands ran in a mount namespace whose /run/netns held these $named only; tcpstates read $listed
(these, the namespaces only processes hold, its own). Rows: tcpstates $ours, ss $theirs.
Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) on $cpus CPUs.
hyperfine, one run of the pair, $WARMUP warm-up + $RUNS runs, output to /dev/null; medians:

| tcpstates | peer | tcpstates ms | peer ms | ratio | target | met |
|---|---|---:|---:|---:|---:|---|
| \`tcpstates --all-netns\` | \`ip -all netns exec ss -tanH\` | $a | $b | $ratio | 0.4 | $met |

Floor: each namespace's dump walks the machine-wide TCP hash once (ss walks it twice, one dump per family).
The kernel time of tcpstates's dump calls (netlink sendto and recvmsg under \`strace -f -T\`, median of $floor_runs runs)
was $walk_ms ms for $listed namespaces, $per_walk ms a walk; over $threads threads (one per CPU) a floor of $floor ms.
MD
}

if [ "${1:-}" = --measure ]; then
    measure
    exit
fi

PREFIX=tcpst-an-$$-
WORK=$(mktemp -d /tmp/tcpst-an-bench.XXXXXX)
PIDS=()

cleanup() {
    exec 3>&- 2>/dev/null || true
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    for i in $(seq "$COUNT"); do ip netns del "$PREFIX$i" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" = 0 ] || die "needs root (ip netns)"
for tool in hyperfine jq strace ip ss unshare; do command -v "$tool" >/dev/null || die "$tool is missing (make bench installs it)"; done

say "building the release binary and the test peer"
BIN=$(bench/release.sh)
TCPSTATES=$BIN/tcpstates

say "holding 49 sockets in each of $COUNT namespaces"
mkfifo "$WORK/stdin"
for i in $(seq "$COUNT"); do
    ns=$PREFIX$i
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" "$BIN/tcpstates-testpeer" hold --connections 24 --port 7000 \
        <"$WORK/stdin" >"$WORK/out-$i" 2>&1 &
    PIDS+=($!)
done
exec 3>"$WORK/stdin"   # every holder runs until this closes
for i in $(seq "$COUNT"); do
    until grep -q READY "$WORK/out-$i"; do
        kill -0 "${PIDS[$((i - 1))]}" 2>/dev/null || die "holder $i failed: $(cat "$WORK/out-$i")"
        sleep 0.1
    done
done
for i in 1 "$COUNT"; do
    n=$(ip netns exec "$PREFIX$i" ss -tanH | wc -l)
    [ "$n" = 49 ] || die "namespace $PREFIX$i holds $n sockets, not 49"
done

export COUNT RUNS WARMUP PREFIX WORK TCPSTATES
unshare --mount --propagation private "$0" --measure
