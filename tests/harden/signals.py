#!/usr/bin/env python3
"""vm on a terminal (a pty) restores it on every way out (issue 12, defects
1 and 2): TERM, INT, HUP, QUIT, USR1, USR2, ALRM at random moments (some
before the terminal is raw), sent to the process or to one of its threads
(a vCPU, the event loop: the handler runs there), one alone or two
different ones back to back; PIPE at random moments (ignored, as QEMU;
only one that comes before vm ignores it may end vm); a closed output (the
console piped into a reader that goes away: EPIPE, vm keeps running,
Ctrl-A x quits), and a signal that was ignored when vm started stays
ignored. Every wait is bounded generously (60 s): the checks do not
depend on timing, only the moments the signals land do.

usage: signals.py VM CHATTER.elf [ROUNDS] [SEED]"""
import ctypes, os, pty, random, select, signal, subprocess, sys, termios, time

VM, ELF = sys.argv[1], sys.argv[2]
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 2
SEED = int(sys.argv[4]) if len(sys.argv) > 4 else int(time.time())
rng = random.Random(SEED)
CMD = [VM, "run", "-M", "virt", "-bios", "none", "-kernel", ELF, "--timeout", "120"]
failures = []
LIBC = ctypes.CDLL(None, use_errno=True)
SYS_TGKILL = 234  # x86-64


def tgkill(pid, sig):
    """sig to one thread of pid, chosen at random; the thread's name."""
    try:
        tids = sorted(int(t) for t in os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return None
    tid = rng.choice(tids)
    try:
        with open(f"/proc/{pid}/task/{tid}/comm") as f:
            name = f.read().strip()
    except OSError:
        name = "?"
    LIBC.syscall(SYS_TGKILL, pid, tid, int(sig))
    return name


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def is_raw(fd):
    return not (termios.tcgetattr(fd)[3] & termios.ICANON)


class Term:
    """A pty in cooked mode; vm gets the slave as stdin (and stdout unless told)."""

    def __init__(self):
        self.master, self.slave = pty.openpty()
        attrs = termios.tcgetattr(self.slave)
        attrs[3] |= termios.ICANON | termios.ECHO | termios.ISIG
        termios.tcsetattr(self.slave, termios.TCSANOW, attrs)
        self.cooked = termios.tcgetattr(self.slave)

    def spawn(self, stdout=None, ignore=()):
        def pre():
            os.setsid()
            for s in ignore:
                signal.signal(s, signal.SIG_IGN)
        out = self.slave if stdout is None else stdout
        return subprocess.Popen(CMD, stdin=self.slave, stdout=out, stderr=subprocess.DEVNULL,
                                preexec_fn=pre)

    def drain(self):
        while select.select([self.master], [], [], 0)[0]:
            try:
                if not os.read(self.master, 65536):
                    return
            except OSError:
                return

    def wait_raw(self, proc, timeout=60):
        end = time.time() + timeout
        while time.time() < end and proc.poll() is None:
            self.drain()
            if is_raw(self.slave):
                return True
            time.sleep(0.01)
        return False

    def wait_exit(self, proc, timeout=60):
        end = time.time() + timeout
        while time.time() < end:
            self.drain()
            if proc.poll() is not None:
                return proc.returncode
            time.sleep(0.02)
        proc.kill()
        proc.wait()
        return None

    def restored(self):
        return termios.tcgetattr(self.slave) == self.cooked

    def close(self):
        os.close(self.master)
        os.close(self.slave)


def fatal_signal(sig, early, second=None, thread=False):
    """sig (then `second`, at once) to vm, or to one of its threads."""
    t = Term()
    p = t.spawn()
    if not early:
        check(t.wait_raw(p), f"{sig.name}: vm made the terminal raw")
        time.sleep(rng.uniform(0, 0.3))
    else:
        time.sleep(rng.uniform(0, 0.05))  # maybe before the terminal is raw
    what = sig.name + (" (early)" if early else "")
    if thread:
        name = tgkill(p.pid, sig)
        what += f" to thread {name}"
    else:
        p.send_signal(sig)
    if second is not None:
        p.send_signal(second)
        what += f" then {second.name}"
    rc = t.wait_exit(p)
    ok = (-sig, -second) if second is not None else (-sig,)
    check(rc in ok, f"{what}: vm ended by the signal (status {rc})")
    check(t.restored(), f"{what}: terminal restored")
    t.close()


def pipe_signal():
    """PIPE at a random moment: ignored once vm runs (as QEMU); one that
    lands before vm ignores it may end vm. Either way the terminal is
    restored after a TERM."""
    t = Term()
    p = t.spawn()
    time.sleep(rng.uniform(0, 0.3))
    p.send_signal(signal.SIGPIPE)
    if p.poll() is None:
        t.wait_raw(p)
    time.sleep(0.1)
    p.send_signal(signal.SIGTERM)
    rc = t.wait_exit(p)
    check(rc in (-signal.SIGTERM, -signal.SIGPIPE), f"PIPE at a random moment, then TERM "
          f"(status {rc})")
    check(t.restored(), "PIPE at a random moment, then TERM: terminal restored")
    t.close()


def closed_output():
    t = Term()
    r, w = os.pipe()
    p = t.spawn(stdout=w)
    os.close(w)
    check(t.wait_raw(p), "closed output: vm made the terminal raw")
    os.read(r, 100)        # some console output arrived ...
    os.close(r)            # ... and the reader goes away, as `| head -c 100`
    time.sleep(0.5)        # the guest keeps printing into the closed pipe
    check(p.poll() is None, "closed output: vm keeps running (EPIPE, output dropped)")
    check(is_raw(t.slave), "closed output: the terminal is still vm's")
    os.write(t.master, b"\x01x")  # Ctrl-A x
    rc = t.wait_exit(p)
    check(rc == 0, f"closed output: Ctrl-A x ends vm with 0 (status {rc})")
    check(t.restored(), "closed output: terminal restored")
    t.close()


def sigpipe_from_outside():
    t = Term()
    p = t.spawn()
    check(t.wait_raw(p), "SIGPIPE: vm made the terminal raw")
    p.send_signal(signal.SIGPIPE)
    time.sleep(0.3)
    check(p.poll() is None, "SIGPIPE: ignored, as QEMU does (writers see EPIPE)")
    p.send_signal(signal.SIGTERM)
    t.wait_exit(p)
    check(t.restored(), "SIGPIPE then TERM: terminal restored")
    t.close()


def inherited_ignore():
    t = Term()
    p = t.spawn(ignore=(signal.SIGINT, signal.SIGQUIT, signal.SIGHUP))
    check(t.wait_raw(p), "inherited SIG_IGN: vm made the terminal raw")
    for s in (signal.SIGINT, signal.SIGQUIT, signal.SIGHUP):
        p.send_signal(s)
    time.sleep(0.3)
    check(p.poll() is None, "inherited SIG_IGN: INT, QUIT, HUP stay ignored (vm runs)")
    check(is_raw(t.slave), "inherited SIG_IGN: the terminal stays raw meanwhile")
    p.send_signal(signal.SIGTERM)
    rc = t.wait_exit(p)
    check(rc == -signal.SIGTERM, f"inherited SIG_IGN: TERM still ends vm (status {rc})")
    check(t.restored(), "inherited SIG_IGN: terminal restored after TERM")
    t.close()


print(f"signals.py: seed {SEED}, {ROUNDS} rounds", flush=True)
SIGS = [signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1,
        signal.SIGUSR2, signal.SIGALRM]
for _ in range(ROUNDS):
    for s in rng.sample(SIGS, len(SIGS)):
        r = rng.random()
        if r < 0.25:
            fatal_signal(s, early=True)
        elif r < 0.5:
            fatal_signal(s, early=False, thread=True)
        elif r < 0.7:
            fatal_signal(s, early=rng.random() < 0.3,
                         second=rng.choice([x for x in SIGS if x != s]))
        else:
            fatal_signal(s, early=False)
    pipe_signal()
closed_output()
sigpipe_from_outside()
inherited_ignore()
if failures:
    print(f"FAIL: {len(failures)} check(s) failed (seed {SEED})")
    sys.exit(1)
print("SIGNALS-OK")
