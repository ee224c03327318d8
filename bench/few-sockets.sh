# Sourced by bench/startup.sh and link/hot-symbols.sh: a private network
# namespace $NS holding a listener on 127.0.0.1:7001 and one connection to it,
# a few sockets as on a quiet host. The caller sets NS and WORK (a temporary
# folder) and calls few_sockets_down on exit. Needs root (ip netns).

few_sockets_up() {
    ip netns add "$NS"
    ip -n "$NS" link set lo up
    ip netns exec "$NS" python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 7001)); s.listen()
c = socket.create_connection(("127.0.0.1", 7001)); a, _ = s.accept()
print("READY", flush=True); sys.stdin.read()' <&- >"$WORK/ready" 2>&1 &
    FEW_SOCKETS_HOLDER=$!
    until grep -q READY "$WORK/ready" 2>/dev/null; do sleep 0.1; done
}

few_sockets_down() {
    [ -z "${FEW_SOCKETS_HOLDER:-}" ] || kill "$FEW_SOCKETS_HOLDER" 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
}
