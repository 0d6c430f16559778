# Run by python-diff.sh under vm (riscv64 python3) and natively (amd64):
# the output must be the same. Signals with Python handlers (one raising an
# exception out of a blocking read), threads, a socket pair, subprocess.
import os
import signal
import socket
import subprocess
import sys
import threading

got = []
signal.signal(signal.SIGUSR1, lambda sig, frame: got.append(sig))
os.kill(os.getpid(), signal.SIGUSR1)
print("handler ran:", got == [signal.SIGUSR1])


class Timeout(Exception):
    pass


def on_alarm(sig, frame):
    raise Timeout()


signal.signal(signal.SIGALRM, on_alarm)
r, w = os.pipe()
signal.setitimer(signal.ITIMER_REAL, 0.05, 0.05)  # repeats: a tick before the read is no race
try:
    os.read(r, 1)
    print("read returned")
except Timeout:
    print("alarm interrupted a blocking read")
signal.setitimer(signal.ITIMER_REAL, 0)
signal.signal(signal.SIGALRM, signal.SIG_DFL)

try:
    1 / 0
except ZeroDivisionError as e:
    print("caught:", type(e).__name__)

results = [0] * 4


def work(i):
    results[i] = sum(range(i * 20000))


threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("threads:", results)

a, b = socket.socketpair()
a.sendall(b"ping")
print("socketpair:", b.recv(4))
a.close()
b.close()

p = subprocess.run(["/bin/sh", "-c", "echo from sh; exit 3"], capture_output=True)
print("subprocess:", p.returncode, p.stdout)
print("float:", 0.1 + 0.2, 2 ** 0.5, float("1e308") * 10)
sys.exit(5)
