import socket, subprocess, sys, time, os
out, tcpstates = sys.argv[1], sys.argv[2]
def dump(name):
    subprocess.run([tcpstates, "--all", "-p", "7400", "--capture-netlink", f"{out}/{name}"], check=True, stdout=subprocess.DEVNULL)
nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 4)
nl.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
nl.bind((0, 0x5))
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 7400)); srv.listen(16)
def pair(port):
    c = socket.socket(); c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind(("127.0.0.1", port)); c.connect(("127.0.0.1", 7400))
    s, _ = srv.accept(); return c, s
seen_c, seen_s = pair(40100)
dump("sockdiag-cookie-before.bin")      # both full sockets of the first pair: their cookies are made here
unseen_c, unseen_s = pair(40101)         # no dump sees the second pair while it is full
for c, s in [(seen_c, seen_s), (unseen_c, unseen_s)]:
    c.close(); s.recv(1); s.close()
time.sleep(0.3)
nl.setblocking(False)
data = b""
while True:
    try: data += nl.recv(1 << 20)
    except BlockingIOError: break
open(f"{out}/sockdiag-cookie-destroy.bin", "wb").write(data)
dump("sockdiag-cookie-after.bin")       # the two clients' TIME_WAIT sockets
time.sleep(1.2)                          # loopback reuses a TIME_WAIT tuple once it is a second old
again_c, again_s = pair(40100)
dump("sockdiag-cookie-reuse.bin")        # a new socket on the first client's tuple
