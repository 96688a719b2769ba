"""Make N TIME_WAIT sockets toward ADDR:PORT in the current network
namespace and print how many the kernel holds. The client closes first,
so the TIME_WAIT sockets are this side's (active close); they outlive
this process. Now and then a loopback connection ends without a
TIME_WAIT socket, so connections are topped up in rounds until the
kernel's own count (/proc/net/tcp{,6}) reaches N; the attempts are
bounded by LIMIT (the size of the port range the test set).

usage: python3 mktimewait.py ADDR PORT N LIMIT
"""
import socket
import sys
import threading
import time

addr, port, n_want, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
srv = socket.socket(family)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((addr, port))
srv.listen(128)


def serve():
    while True:
        try:
            c, _ = srv.accept()
        except OSError:
            return
        c.recv(1)          # returns b"" once the client has closed
        c.close()


def count():
    want = ":%04X" % port
    n = 0
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(name) as f:
            n += sum(1 for l in f.readlines()[1:]
                     if l.split()[3] == "06" and l.split()[2].endswith(want))
    return n


def settle():
    # the last FINs may still be in flight: until the count holds for 1 s
    last, deadline = -1, time.time() + 10
    while time.time() < deadline:
        n = count()
        if n >= n_want or n == last:
            return n
        last = n
        time.sleep(1)
    return count()


threading.Thread(target=serve, daemon=True).start()
made = 0
for _ in range(5):
    need = n_want - settle()
    if need <= 0 or made + need > limit:
        break
    for _ in range(need):
        socket.create_connection((addr, port), timeout=5).close()
        made += 1
print(settle())
srv.close()
