#!/usr/bin/env python3
"""console.py VM ECHO_ELF CASE

The console, monitor and character-device flags of `vm run`, driven as a
user or a script would: through vm's stdin/stdout, a pseudo-terminal, unix
and TCP sockets, files. The guest (guest/echo.S) prints ECHO-READY, echoes
what it reads, powers off on 'q' and resets on 'r'. Each case checks what
arrives where, and vm's exit status. Python's standard library only."""
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time

VM, ELF, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
TMP = tempfile.mkdtemp(prefix="vm-console-")
BASE = [VM, "run", "-bios", "none", "-kernel", ELF, "--timeout", "60"]


def fail(msg, out=""):
    print("FAIL: " + msg)
    if out:
        print("---- output ----\n" + out.replace("\r", ""))
    sys.exit(1)


class Vm:
    """vm with stdin and stdout piped; its output collected as it comes."""

    def __init__(self, args, stdin=subprocess.PIPE):
        self.p = subprocess.Popen(BASE + args, stdin=stdin, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.out = b""
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            b = self.p.stdout.read1(4096)
            if not b:
                return
            with self.lock:
                self.out += b

    def text(self):
        with self.lock:
            return self.out.decode(errors="replace")

    def send(self, s):
        self.p.stdin.write(s.encode() if isinstance(s, str) else s)
        self.p.stdin.flush()

    def expect(self, regex, seconds=60, start=0):
        end = time.time() + seconds
        while time.time() < end:
            m = re.search(regex, self.text()[start:])
            if m:
                return m
            if self.p.poll() is not None:
                self.reader.join(60)  # all of vm's output (a sleep could be outlasted)
                m = re.search(regex, self.text()[start:])
                if m:
                    return m
                fail("vm exited (status %d) before '%s'" % (self.p.returncode, regex), self.text())
            time.sleep(0.02)
        self.kill()
        fail("no '%s' within %d s" % (regex, seconds), self.text())

    def mark(self):
        return len(self.text())

    def wait(self, status, seconds=60):
        try:
            rc = self.p.wait(seconds)
        except subprocess.TimeoutExpired:
            self.kill()
            fail("vm still running after %d s" % seconds, self.text())
        self.reader.join(60)  # all of vm's output has been read (EOF)
        if rc != status:
            fail("exit status %d, expected %d" % (rc, status), self.text())

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def read_until(read, regex, seconds=60):
    """Read from a socket-like read(n) until regex matches the text so far."""
    data, end = b"", time.time() + seconds
    while time.time() < end:
        m = re.search(regex, data.decode(errors="replace"))
        if m:
            return data.decode(errors="replace")
        chunk = read()
        if chunk is None:
            time.sleep(0.02)
        elif chunk == b"":
            break
        else:
            data += chunk
    fail("no '%s' (got %r)" % (regex, data))


def sock_reader(s):
    s.setblocking(False)

    def read():
        r, _, _ = select.select([s], [], [], 0.05)
        return s.recv(4096) if r else None
    return read


def connect_unix(path, seconds=60):
    end = time.time() + seconds
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            if time.time() > end:
                raise
            time.sleep(0.05)


def connect_tcp(port, seconds=60):
    end = time.time() + seconds
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port))
        except OSError:
            if time.time() > end:
                raise
            time.sleep(0.05)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---- the cases ---------------------------------------------------------------------

def case_mux():
    """vm's default (QEMU's -nographic): serial and monitor on stdio behind
    Ctrl-A; Ctrl-A c switches, the monitor's commands answer, Ctrl-A x quits."""
    vm = Vm([])
    vm.expect("ECHO-READY")
    vm.send("abc")
    vm.expect("abc")
    vm.send("\x01c")
    vm.expect(r"monitor - type 'help'.*\n\(qemu\) ")
    for cmd, want in [("info status", "VM status: running"),
                      ("info cpus", r"\* CPU #0: thread_id=\d+"),
                      ("info registers", r" pc +00000000800000[0-9a-f]{2}\r?\n"),
                      ("info mtree", r"0000000080000000-0000000087ffffff \(prio 0, ram\): ram"),
                      ("xp /2xw 0x80000000", r"0000000080000000: 0x[0-9a-f]{8} 0x[0-9a-f]{8}"),
                      ("x/2xg $pc", r"00000000800000[0-9a-f]{2}: 0x[0-9a-f]{16} 0x[0-9a-f]{16}"),
                      ("info mmu", r"walks: \d+, PTE reads \d+"),
                      ("stop", r"\(qemu\) "), ("info status", "VM status: paused"),
                      ("cont", r"\(qemu\) "), ("info status", "VM status: running"),
                      ("nonsense", "unknown command: 'nonsense'"),
                      ("xp /4i 0", "no disassembler"),
                      ("help", "info \\[subcommand\\]")]:
        m = vm.mark()
        vm.send(cmd + "\r")
        vm.expect(want, start=m)
    vm.send("\x01c")  # back to the guest: its echo shows keys reach it again
    m = vm.mark()
    vm.send("xyz")
    vm.expect("xyz", start=m)
    vm.send("\x01h")
    vm.expect("C-a c    switch between console and monitor")
    vm.send("\x01x")
    vm.wait(0)
    if "terminated by Ctrl-A x" not in vm.text():
        fail("no 'terminated by Ctrl-A x'", vm.text())


def case_monitor_reset_quit():
    """system_reset boots again; quit ends vm with status 0."""
    vm = Vm([])
    vm.expect("ECHO-READY")
    vm.send("\x01c")
    vm.expect(r"\(qemu\) ")
    m = vm.mark()
    vm.send("system_reset\r")
    vm.expect("ECHO-READY", start=m)
    vm.send("system_powerdown\r")  # virt has no power button (as QEMU's): nothing happens
    vm.send("quit\r")
    vm.wait(0)


def case_serial_mon_stdio():
    """-serial mon:stdio given explicitly: the serial port and the monitor
    share stdio behind Ctrl-A, as in vm's default; Ctrl-A c and back."""
    vm = Vm(["-serial", "mon:stdio"])
    vm.expect("ECHO-READY")
    vm.send("abc")
    vm.expect("abc")
    vm.send("\x01c")
    vm.expect(r"\(qemu\) ")
    m = vm.mark()
    vm.send("info status\r")
    vm.expect("VM status: running", start=m)
    vm.send("\x01c")
    m = vm.mark()
    vm.send("xyz")
    vm.expect("xyz", start=m)
    vm.send("\x01x")
    vm.wait(0)


def case_serial_stdio():
    """-serial stdio: no monitor, no escapes: Ctrl-A reaches the guest."""
    vm = Vm(["-serial", "stdio"])
    vm.expect("ECHO-READY")
    vm.send("\x01x")
    vm.expect("\x01x")
    vm.send("q")
    vm.wait(0)


def case_pty():
    """-serial pty: QEMU's message names the pty; the guest talks through it."""
    vm = Vm(["-serial", "pty"])
    m = vm.expect(r"char device redirected to (/dev/pts/\d+) \(label serial0\)")
    fd = os.open(m.group(1), os.O_RDWR | os.O_NOCTTY)
    import tty
    tty.setraw(fd)

    def read():
        r, _, _ = select.select([fd], [], [], 0.05)
        return os.read(fd, 4096) if r else None
    os.write(fd, b"hello")  # ECHO-READY may have gone before we opened it
    read_until(read, "hello")
    os.write(fd, b"q")
    vm.wait(0)
    os.close(fd)


def case_unix_serial():
    """-serial unix:PATH,server=on,wait=off: the guest behind a unix socket."""
    path = os.path.join(TMP, "serial.sock")
    vm = Vm(["-serial", "unix:%s,server=on,wait=off" % path])
    s = connect_unix(path)
    read = sock_reader(s)
    s.sendall(b"ping")
    read_until(read, "ping")
    s.sendall(b"q")
    vm.wait(0)
    if os.path.exists(path):
        fail("the socket file is left behind")


def case_tcp_serial_wait():
    """-serial tcp::PORT,server=on (wait=on): vm waits for the client first."""
    port = free_port()
    vm = Vm(["-serial", "tcp::%d,server=on" % port])
    vm.expect("waiting for connection on tcp::%d,server=on" % port)
    s = connect_tcp(port)
    read = sock_reader(s)
    read_until(read, "ECHO-READY")  # nothing was lost: the guest started after the client
    s.sendall(b"tcp!")
    read_until(read, "tcp!")
    s.sendall(b"q")
    vm.wait(0)


def monitor_dialogue(spec, connect):
    """The HMP monitor on a socket chardev SPEC: prompt, info status, stop,
    paused, quit; CONNECT() opens the client side."""
    vm = Vm(["-monitor", spec])
    vm.expect("ECHO-READY")
    s = connect()
    read = sock_reader(s)
    read_until(read, r"\(qemu\) ")
    s.sendall(b"info status\r\n")
    read_until(read, "VM status: running")
    s.sendall(b"stop\r\n")
    s.sendall(b"info status\r\n")
    read_until(read, "VM status: paused")
    s.sendall(b"quit\r\n")
    vm.wait(0)


def case_monitor_socket():
    """-monitor unix:PATH,server=on,wait=off next to the default serial."""
    path = os.path.join(TMP, "mon.sock")
    monitor_dialogue("unix:%s,server=on,wait=off" % path, lambda: connect_unix(path))


def case_monitor_tcp():
    """-monitor tcp:127.0.0.1:PORT,server=on,wait=off: the monitor on a TCP
    socket (what QEMU users script with nc or telnet)."""
    port = free_port()
    monitor_dialogue("tcp:127.0.0.1:%d,server=on,wait=off" % port, lambda: connect_tcp(port))


def case_chardev_mux():
    """-chardev socket,...,mux=on shared by -serial chardev:ID and -mon chardev=ID."""
    path = os.path.join(TMP, "mux.sock")
    vm = Vm(["-chardev", "socket,id=c0,path=%s,server=on,wait=off,mux=on" % path,
             "-serial", "chardev:c0", "-mon", "chardev=c0,mode=readline"])
    s = connect_unix(path)
    read = sock_reader(s)
    s.sendall(b"echo")
    read_until(read, "echo")
    s.sendall(b"\x01c")
    read_until(read, r"\(qemu\) ")
    s.sendall(b"info status\r")
    read_until(read, "VM status: running")
    s.sendall(b"quit\r")
    vm.wait(0)


def case_file_serial():
    """-serial file:PATH: the guest's output in the file; no console."""
    path = os.path.join(TMP, "serial.log")
    vm = Vm(["-serial", "file:" + path, "-monitor", "none", "--timeout", "2"])
    vm.wait(124)
    with open(path) as f:
        if "ECHO-READY" not in f.read():
            fail("ECHO-READY not in " + path)
    if "ECHO-READY" in vm.text():
        fail("output on stdout too", vm.text())


def case_display_none():
    """-display none alone: QEMU's default serial and monitor go to a console
    nobody sees; -serial null likewise drops the output."""
    for args in (["-display", "none"], ["-serial", "null"]):
        vm = Vm(args + ["--timeout", "1"])
        vm.wait(124)
        if "ECHO-READY" in vm.text():
            fail("output with %s" % " ".join(args), vm.text())


def case_monitor_stdio():
    """-monitor stdio with the serial port elsewhere: the monitor owns stdio."""
    vm = Vm(["-monitor", "stdio", "-serial", "null"])
    vm.expect(r"\(qemu\) ")
    vm.send("info status\n")
    vm.expect("VM status: running")
    vm.send("quit\n")
    vm.wait(0)


def case_no_reboot():
    """-no-reboot: the guest's reset ends vm with status 0 (it does not boot again)."""
    vm = Vm(["-no-reboot", "-serial", "stdio"])
    vm.expect("ECHO-READY")
    vm.send("r")
    vm.wait(0)
    if vm.text().count("ECHO-READY") != 1:
        fail("booted again", vm.text())


def case_name():
    """-name guest=NAME,process=PROC: info name, and the process's name."""
    vm = Vm(["-name", "guest=test-guest,process=vmtestproc", "-monitor", "stdio",
             "-serial", "null"])
    vm.expect(r"\(qemu\) ")
    with open("/proc/%d/comm" % vm.p.pid) as f:
        comm = f.read().strip()
    if comm != "vmtestproc":
        fail("process name %r" % comm)
    vm.send("info name\n")
    vm.expect("test-guest")
    vm.send("quit\n")
    vm.wait(0)


def case_pidfile():
    """-pidfile: vm's pid while it runs, locked against a second vm, gone after."""
    path = os.path.join(TMP, "vm.pid")
    vm = Vm(["-pidfile", path, "-serial", "stdio"])
    vm.expect("ECHO-READY")
    with open(path) as f:
        if int(f.read()) != vm.p.pid:
            fail("pid file does not hold vm's pid")
    other = Vm(["-pidfile", path, "-serial", "stdio"])
    other.wait(1)
    if "in use by another process" not in other.text():
        fail("a second vm took the pid file", other.text())
    vm.send("q")
    vm.wait(0)
    if os.path.exists(path):
        fail("pid file left behind")


def case_daemonize():
    """-daemonize: the parent returns once the machine runs; the child keeps
    going (quit through its monitor socket); stdio is refused."""
    bad = Vm(["-daemonize"])
    bad.wait(1)
    if "cannot use stdio with -daemonize" not in bad.text():
        fail("stdio accepted with -daemonize", bad.text())
    sock = os.path.join(TMP, "mon.sock")
    pid_path = os.path.join(TMP, "vm.pid")
    out = os.path.join(TMP, "serial.log")
    vm = Vm(["-daemonize", "-pidfile", pid_path, "-serial", "file:" + out,
             "-monitor", "unix:%s,server=on,wait=off" % sock])
    vm.wait(0)  # the parent
    with open(pid_path) as f:
        child = int(f.read())
    os.kill(child, 0)  # still running
    s = connect_unix(sock)
    read = sock_reader(s)
    read_until(read, r"\(qemu\) ")
    s.sendall(b"quit\r\n")
    end = time.time() + 20
    while os.path.exists(pid_path) and time.time() < end:
        time.sleep(0.05)
    if os.path.exists(pid_path):
        fail("the daemon did not quit")
    with open(out) as f:
        if "ECHO-READY" not in f.read():
            fail("the daemon's guest printed nothing")


CASES = {name[5:]: fn for name, fn in list(globals().items()) if name.startswith("case_")}
if CASE not in CASES:
    print("unknown case %s (%s)" % (CASE, ", ".join(CASES)))
    sys.exit(2)
try:
    CASES[CASE]()
finally:
    for f in os.listdir(TMP):
        os.unlink(os.path.join(TMP, f))
    os.rmdir(TMP)
print("PASS")
