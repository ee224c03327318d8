import socket, subprocess, sys, time
out, tcpstates = sys.argv[1], sys.argv[2]
def dump(name):
    subprocess.run([tcpstates, "--all", "-p", "7400", "--capture-netlink", f"{out}/{name}"], check=True, stdout=subprocess.DEVNULL)
nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 4)
nl.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
nl.bind((0, 0x5))
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 7400)); srv.listen(16)
def churn_once():
    # No dump sees the pair while it is full: the client's TIME_WAIT gets a cookie of its own.
    c = socket.socket(); c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind(("127.0.0.1", 40102)); c.connect(("127.0.0.1", 7400))
    s, _ = srv.accept()
    c.close(); s.recv(1); s.close()
    time.sleep(0.3)
churn_once()
dump("sockdiag-reuse-first.bin")        # the first client's TIME_WAIT socket
time.sleep(1.2)                          # loopback reuses a TIME_WAIT tuple once it is a second old
churn_once()
dump("sockdiag-reuse-second.bin")       # the second client's TIME_WAIT socket on the same tuple
nl.setblocking(False)
data = b""
while True:
    try: data += nl.recv(1 << 20)
    except BlockingIOError: break
open(f"{out}/sockdiag-reuse-destroy.bin", "wb").write(data)
