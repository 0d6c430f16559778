#!/usr/bin/env python3
"""qmp_test.py VM ECHO_ELF CASE

Drives vm's QMP (-qmp) with a client written against QEMU's QMP
specification (docs/interop/qmp-spec.rst): a greeting object with
QMP.version and QMP.capabilities; capabilities negotiation before any
other command; {"execute", "arguments", "id"} requests answered by
{"return"} or {"error": {"class", "desc"}} with the same id; asynchronous
{"event", "data", "timestamp"} messages in between. The stream is parsed
as a sequence of JSON texts (so -qmp-pretty's multi-line output works).
Python's standard library only. The guest (guest/echo.S) echoes its
serial input, resets on 'r' and powers off on 'q'."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

VM, ELF, CASE = sys.argv[1], sys.argv[2], sys.argv[3]
TMP = tempfile.mkdtemp(prefix="vm-qmp-")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


class QMP:
    """A QMP client: one connection, replies matched by id, events kept."""

    def __init__(self, sock):
        self.sock = sock
        self.sock.settimeout(60)
        self.buf = ""
        self.events = []
        self.next_id = 1
        self.decoder = json.JSONDecoder()
        self.greeting = self.recv()
        check("QMP" in self.greeting, "the first message is not a greeting: %r" % self.greeting)
        v = self.greeting["QMP"]["version"]
        check(all(isinstance(v["qemu"][k], int) for k in ("major", "minor", "micro")),
              "greeting version: %r" % v)
        check(isinstance(self.greeting["QMP"]["capabilities"], list), "greeting capabilities")

    def recv(self):
        while True:
            text = self.buf.lstrip()
            if text:
                try:
                    obj, end = self.decoder.raw_decode(text)
                    self.buf = text[end:]
                    return obj
                except ValueError:
                    pass  # incomplete: read more
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("QMP connection closed")
            self.buf += data.decode()

    def send_raw(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode())

    def reply(self, want_id=None):
        """The next reply (events on the way are kept)."""
        while True:
            msg = self.recv()
            if "event" in msg:
                check(set(msg) == {"event", "data", "timestamp"}, "event shape: %r" % msg)
                check({"seconds", "microseconds"} <= set(msg["timestamp"]), "timestamp")
                self.events.append(msg)
                continue
            check("return" in msg or "error" in msg, "not a reply: %r" % msg)
            if want_id is not None:
                check(msg.get("id") == want_id, "reply id %r, expected %r" % (msg.get("id"), want_id))
            return msg

    def cmd(self, name, args=None, ok=True):
        req_id = self.next_id
        self.next_id += 1
        req = {"execute": name, "id": req_id}
        if args is not None:
            req["arguments"] = args
        self.send_raw(json.dumps(req) + "\n")
        r = self.reply(req_id)
        if ok:
            check("return" in r, "%s failed: %r" % (name, r))
            return r["return"]
        check("error" in r, "%s should fail: %r" % (name, r))
        check(set(r["error"]) >= {"class", "desc"}, "error shape: %r" % r)
        return r["error"]

    def event(self, name, seconds=60):
        """Wait for an event (kept or new)."""
        end = time.time() + seconds
        while time.time() < end:
            for i, e in enumerate(self.events):
                if e["event"] == name:
                    return self.events.pop(i)
            self.sock.settimeout(max(0.1, end - time.time()))
            msg = self.recv()
            self.sock.settimeout(60)
            check("event" in msg, "unexpected reply: %r" % msg)
            self.events.append(msg)
        fail("no %s event" % name)


def start(args, smp=1):
    cmd = [VM, "run", "-bios", "none", "-kernel", ELF, "-smp", str(smp), "--timeout", "60",
           "-serial", "stdio"] + args
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


def connect_unix(path):
    end = time.time() + 10
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            if time.time() > end:
                raise
            time.sleep(0.05)


def finish(p, status):
    try:
        rc = p.wait(20)
    except subprocess.TimeoutExpired:
        p.kill()
        fail("vm still running")
    out = p.stdout.read().decode(errors="replace")
    check(rc == status, "vm exit status %d, expected %d\n%s" % (rc, status, out))
    return out


def case_session():
    path = os.path.join(TMP, "qmp.sock")
    p = start(["-qmp", "unix:%s,server=on,wait=off" % path], smp=2)
    q = QMP(connect_unix(path))
    # before negotiation only qmp_capabilities works
    e = q.cmd("query-status", ok=False)
    check(e["class"] == "CommandNotFound", "before negotiation: %r" % e)
    check(q.cmd("qmp_capabilities") == {}, "qmp_capabilities")
    e = q.cmd("qmp_capabilities", ok=False)
    check(e["class"] == "CommandNotFound", "negotiated twice: %r" % e)

    v = q.cmd("query-version")
    check(isinstance(v["package"], str) and "vm" in v["package"], "query-version: %r" % v)
    st = q.cmd("query-status")
    check(st["status"] == "running" and st["running"] is True, "query-status: %r" % st)
    cpus = q.cmd("query-cpus-fast")
    check([c["cpu-index"] for c in cpus] == [0, 1], "query-cpus-fast: %r" % cpus)
    check(all(c["target"] == "riscv64" and c["thread-id"] > 0 for c in cpus), "cpus: %r" % cpus)
    check(cpus[0]["thread-id"] != cpus[1]["thread-id"], "one thread per hart")
    check(any(c["name"] == "x-query-mmu" for c in q.cmd("query-commands")), "query-commands")

    check(q.cmd("stop") == {}, "stop")
    q.event("STOP")
    st = q.cmd("query-status")
    check(st["status"] == "paused" and st["running"] is False, "paused: %r" % st)
    regs = q.cmd("human-monitor-command", {"command-line": "info registers"})
    check(" pc " in regs and "\r\n" in regs, "info registers via QMP: %r" % regs[:200])
    check(q.cmd("cont") == {}, "cont")
    q.event("RESUME")
    check(q.cmd("query-status")["running"] is True, "running again")

    mmu = q.cmd("x-query-mmu")
    check(len(mmu["harts"]) == 2 and "walks" in mmu["total"] and "policy" in mmu["harts"][0],
          "x-query-mmu: %r" % mmu)
    check(mmu["total"]["l1-misses"]["load"] ==
          sum(h["l1-misses"]["load"] for h in mmu["harts"]), "MMU total is the harts' sum")

    check(q.cmd("system_powerdown") == {}, "system_powerdown")
    q.event("POWERDOWN")
    check(q.cmd("system_reset") == {}, "system_reset")
    r = q.event("RESET")
    check(r["data"] == {"guest": False, "reason": "host-qmp-system-reset"}, "RESET: %r" % r)

    # ---- bad input: error objects, and the session goes on
    for raw, cls, desc in [
            ('{"execute": oops}\n', "GenericError", "JSON parse error"),
            ('[1, 2]\n', "GenericError", "must be a JSON object"),
            ('"just a string"\n', "GenericError", "must be a JSON object"),
            ('{"arguments": {}}\n', "GenericError", "lacks member 'execute'"),
            ('{"execute": 42}\n', "GenericError", "'execute' must be a string"),
            ('{"execute": "stop", "arguments": [1]}\n', "GenericError",
             "'arguments' must be an object"),
            ('{"execute": "stop", "bogus": 1}\n', "GenericError", "'bogus' is unexpected"),
            ('{"execute": "no-such-command"}\n', "CommandNotFound", "has not been found"),
            ('{"execute": "stop", "arguments": {"x": 1}}\n', "GenericError",
             "Parameter 'x' is unexpected"),
            ('{"execute": "human-monitor-command"}\n', "GenericError",
             "Parameter 'command-line' is missing"),
            ('{"execute": "human-monitor-command", "arguments": {"command-line": 5}}\n',
             "GenericError", "Invalid parameter type for 'command-line', expected: string"),
            ('\xff\xfe{"x\n', "GenericError", "JSON parse error"),
            ('[' * 200 + ']' * 200 + "\n", "GenericError", "JSON parse error"),
            ('{"execute": "stop", "arguments": {"a": "' + "x" * (2 << 20) + '"}}\n',
             "GenericError", "JSON parse error")]:
        q.send_raw(raw.encode("latin-1") if "\xff" in raw else raw)
        r = q.reply()
        check("error" in r and r["error"]["class"] == cls and desc in r["error"]["desc"],
              "%r -> %r" % (raw[:60], r))
        check(q.cmd("query-status")["status"] == "running", "alive after %r" % raw[:40])
    # ids of any JSON type come back as given
    for req_id in ["abc", 12.5, {"nested": [1, 2]}, None]:
        q.send_raw(json.dumps({"execute": "query-name", "id": req_id}) + "\n")
        r = q.reply()
        check(r.get("id") == req_id, "id %r came back as %r" % (req_id, r.get("id")))
    # a request split into single bytes
    for ch in json.dumps({"execute": "query-status", "id": "split"}) + "\n":
        q.send_raw(ch)
    check(q.reply("split")["return"]["running"] is True, "split request")

    check(q.cmd("quit") == {}, "quit")
    s = q.event("SHUTDOWN")
    check(s["data"] == {"guest": False, "reason": "host-qmp-quit"}, "SHUTDOWN: %r" % s)
    finish(p, 0)


def case_guest_events():
    """The guest's own reset and power-off, as QMP events."""
    path = os.path.join(TMP, "qmp.sock")
    p = start(["-qmp", "unix:%s,server=on,wait=off" % path])
    q = QMP(connect_unix(path))
    q.cmd("qmp_capabilities")
    p.stdin.write(b"r")
    p.stdin.flush()
    r = q.event("RESET")
    check(r["data"] == {"guest": True, "reason": "guest-reset"}, "guest RESET: %r" % r)
    time.sleep(0.3)
    p.stdin.write(b"q")
    p.stdin.flush()
    s = q.event("SHUTDOWN")
    check(s["data"] == {"guest": True, "reason": "guest-shutdown"}, "guest SHUTDOWN: %r" % s)
    out = finish(p, 0)
    check(out.count("ECHO-READY") == 2, "the guest booted twice:\n" + out)


def case_tcp_pretty():
    """-qmp-pretty on TCP, waiting for the client (wait=on): nothing is lost;
    a second client after the first leaves gets a new greeting."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    p = start(["-qmp-pretty", "tcp:127.0.0.1:%d,server=on" % port])
    end = time.time() + 10
    while True:
        try:
            c = socket.create_connection(("127.0.0.1", port))
            break
        except OSError:
            check(time.time() < end, "no QMP listener")
            time.sleep(0.05)
    q = QMP(c)
    q.cmd("qmp_capabilities")
    check(q.cmd("query-status")["status"] in ("running", "prelaunch"), "status")
    c.close()
    time.sleep(0.2)
    q2 = QMP(socket.create_connection(("127.0.0.1", port)))
    e = q2.cmd("query-status", ok=False)  # a new session negotiates again
    check(e["class"] == "CommandNotFound", "new session: %r" % e)
    q2.cmd("qmp_capabilities")
    q2.cmd("quit")
    finish(p, 0)


def case_no_shutdown():
    """-no-shutdown: the guest's power-off stops the machine (SHUTDOWN, STOP,
    status "shutdown"); cont is refused; system_reset boots it again; quit."""
    path = os.path.join(TMP, "qmp.sock")
    p = start(["-qmp", "unix:%s,server=on,wait=off" % path, "-no-shutdown"])
    q = QMP(connect_unix(path))
    q.cmd("qmp_capabilities")
    p.stdin.write(b"q")
    p.stdin.flush()
    s = q.event("SHUTDOWN")
    check(s["data"] == {"guest": True, "reason": "guest-shutdown"}, "SHUTDOWN: %r" % s)
    q.event("STOP")
    st = q.cmd("query-status")
    check(st["status"] == "shutdown" and st["running"] is False, "halted: %r" % st)
    e = q.cmd("cont", ok=False)
    check("Resetting the Virtual Machine is required" in e["desc"], "cont: %r" % e)
    check(p.poll() is None, "vm ended although -no-shutdown")
    q.cmd("system_reset")
    q.event("RESET")
    p.stdin.write(b"q")  # the guest booted again: it powers off again
    p.stdin.flush()
    q.event("SHUTDOWN")
    q.event("STOP")
    q.cmd("quit")
    out = finish(p, 0)
    check(out.count("ECHO-READY") == 2, "the guest did not boot again:\n" + out)


CASES = {n[5:]: f for n, f in list(globals().items()) if n.startswith("case_")}
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
