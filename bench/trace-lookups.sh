#!/bin/sh
# What `tcpstates trace` itself spends finding sockets' namespaces: the tracer
# runs on the host, one burst of connections runs in a fresh namespace, with
# EXTRA idle namespaces added. Two runs: one under `strace -f -c` (sock_diag
# requests = sendto), one under GNU time (tracer CPU; its JSON counts the
# arrows whose namespace is unknown and the TIME_WAITs shown). Root.
#
#   bench/trace-lookups.sh ROOT [EXTRA [CONNECTIONS]]   ROOT: a checkout with release builds
set -eu
[ "$(id -u)" = 0 ] || { echo "trace-lookups.sh: needs root (ip netns, tracefs)" >&2; exit 1; }
root=$1; extra=${2:-0}; conns=${3:-20000}
ns=tcpst-cost-$$; out=$(mktemp -d)
cleanup() { ip netns del $ns 2>/dev/null || true; for i in $(seq $extra); do ip netns del tcpst-idle-$$-$i 2>/dev/null || true; done; rm -rf $out; }
trap cleanup EXIT
for i in $(seq $extra); do ip netns add tcpst-idle-$$-$i; done
for mode in strace time; do
  ip netns del $ns 2>/dev/null || true; ip netns add $ns; ip netns exec $ns ip link set lo up
  if [ $mode = strace ]; then
    strace -f -c -e trace=sendto,recvmsg,recvfrom,newfstatat,statx,stat -o $out/strace sh -c "exec $root/.build/release/tcpstates trace --json --port 9400 >/dev/null 2>$out/err" &
  else
    /usr/bin/time -f "%U %S" -o $out/time sh -c "exec $root/.build/release/tcpstates trace --json --port 9400 >$out/json 2>$out/err" &
  fi
  t=$!; sleep 1.5
  ip netns exec $ns $root/.build/release/tcpstates-testpeer burst --port 9400 --connections $conns > $out/rate
  sleep 0.5; pkill -INT -P $t 2>/dev/null || kill -INT $t; wait $t || true
  echo "$mode: $(cat $out/err) rate $(awk '{print $6}' $out/rate)"
done
grep -E "sendto|recvmsg|recvfrom|stat" $out/strace | awk '{print "  ", $4, $NF}'
echo "arrows with netns unknown: $(grep -c '"netns": null' $out/json || true); TIME_WAIT arrows: $(grep -c '"TIME_WAIT"' $out/json || true)"
echo "tracer CPU user sys: $(cat $out/time); namespaces: $(ls /run/netns | wc -l) named"
