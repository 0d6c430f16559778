#!/usr/bin/env python3
"""The GDB remote protocol spoken by hand to `vm run -M spike -S -gdb unix:SOCK`:
what gdb-multiarch's sessions do not reach or cannot check exactly.

  protocol.py VM ELF [QEMU]

- acks, a bad checksum (nack), escaped binary data (X), no-ack mode;
- the target description: every document parses, the registers are QEMU
  7.2's numbers (with QEMU given: compared with the description QEMU itself
  sends for -M spike, register by register);
- g/G, p/P (fflags and frm are fields of fcsr), m/M/X and memory errors;
- threads (qfThreadInfo, qC, H, T), vCont steps, Z0/Z2/Z3/Z4 with their
  stop replies, Ctrl-C (T02), monitor commands (qRcmd), unknown packets;
- a dropped connection (the machine stays stopped, as QEMU's), D (detach:
  the guest runs on) with debuggers attaching again, and k (vm ends with
  status 0).
Exit status 0 = pass, 1 = fail, 77 = skipped."""

import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)
    return cond


class Client:
    def __init__(self, path, timeout=60):
        # the socket file exists from bind(), a moment before listen()
        for attempt in range(600):
            self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.s.settimeout(timeout)
            try:
                self.s.connect(path)
                break
            except ConnectionRefusedError:
                self.s.close()
                if attempt == 599:
                    raise
                time.sleep(0.1)
        self.buf = b""
        self.ack = True

    def send_raw(self, data):
        self.s.sendall(data)

    def frame(self, payload):
        body = payload if isinstance(payload, bytes) else payload.encode()
        return b"$" + body + b"#%02x" % (sum(body) & 0xFF)

    def read_byte(self):
        while not self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def read_packet(self):
        """The next packet's payload (run-length and escapes undone)."""
        while self.read_byte() != b"$":
            pass
        raw = b""
        while True:
            b = self.read_byte()
            if b == b"#":
                break
            raw += b
        csum = self.read_byte() + self.read_byte()
        check(int(csum, 16) == sum(raw) & 0xFF, "reply checksum")
        if self.ack:
            self.send_raw(b"+")
        out, i = b"", 0
        while i < len(raw):
            c = raw[i:i + 1]
            if c == b"}":
                out += bytes([raw[i + 1] ^ 0x20])
                i += 2
            elif c == b"*":
                out += out[-1:] * (raw[i + 1] - 29)
                i += 2
            else:
                out += c
                i += 1
        return out

    def cmd(self, payload):
        self.send_raw(self.frame(payload))
        if self.ack:
            a = self.read_byte()
            check(a == b"+", "ack for %r (got %r)" % (payload[:20], a))
        return self.read_packet().decode("latin-1")

    def close(self):
        self.s.close()


def rcmd(c, line):
    """A monitor command: its console output (O packets) and the final reply."""
    r = c.cmd("qRcmd,%s" % line.encode().hex())
    out = ""
    while r.startswith("O") and r != "OK":
        out += bytes.fromhex(r[1:]).decode()
        r = c.read_packet().decode()
    return out, r


def symbols(elf):
    out = subprocess.run(["riscv64-unknown-elf-nm", elf], capture_output=True, text=True,
                         check=True).stdout
    return {l.split()[2]: int(l.split()[0], 16) for l in out.splitlines() if len(l.split()) == 3}


def le64(hexstr):
    return struct.unpack("<Q", bytes.fromhex(hexstr))[0]


def hex64(v):
    return struct.pack("<Q", v).hex()


def xfer(c, annex):
    data, off = "", 0
    while True:
        r = c.cmd("qXfer:features:read:%s:%x,%x" % (annex, off, 0x7FF))
        check(r[:1] in ("m", "l"), "qXfer %s reply %r" % (annex, r[:10]))
        data += r[1:]
        off += len(r) - 1
        if r[:1] != "m":
            return data


def description(c):
    """{register name: regnum} from target.xml and the documents it includes."""
    target = xfer(c, "target.xml")
    # (xi:include comes without its namespace declaration, in QEMU's too:
    # gdb does not mind, an XML parser does)
    root = ET.fromstring(target.replace("xi:include", "include"))
    arch = root.find("architecture")
    regs = {}
    n = -1  # without regnum, a register takes the number after the previous one
    for inc in re.findall(r'href="([^"]+)"', target):
        feat = ET.fromstring(xfer(c, inc))
        for r in feat.iter("reg"):
            n = int(r.get("regnum")) if r.get("regnum") else n + 1
            regs[r.get("name")] = n
    return (arch.text if arch is not None else None), regs


def start(argv, sock, **kw):
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, **kw)
    for _ in range(600):  # 60 s: a loaded machine
        if os.path.exists(sock):
            return p
        time.sleep(0.1)
    p.kill()
    raise SystemExit("FAIL: %s did not listen on %s" % (argv[0], sock))


def qemu_description(qemu, elf, work):
    sock = os.path.join(work, "qemu.sock")
    p = start([qemu, "-M", "spike", "-bios", "none", "-nographic", "-kernel", elf, "-S",
               "-gdb", "unix:%s,server=on,wait=off" % sock], sock)
    try:
        c = Client(sock)
        c.cmd("qSupported")
        desc = description(c)
        c.close()
        return desc
    finally:
        p.kill()
        p.wait()


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    vm, elf = sys.argv[1], sys.argv[2]
    qemu = sys.argv[3] if len(sys.argv) > 3 else None
    if not os.path.exists(elf):
        print("SKIPPED: no test program", elf)
        return 77
    sym = symbols(elf)
    work = tempfile.mkdtemp()
    sock = os.path.join(work, "gdb.sock")
    p = start([vm, "run", "-M", "spike", "-S", "-gdb", "unix:" + sock, elf], sock)
    c = Client(sock)

    # ---- capabilities and description
    sup = c.cmd("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386")
    check("PacketSize=" in sup and "qXfer:features:read+" in sup, "qSupported: %s" % sup)
    arch, regs = description(c)
    check(arch == "riscv:rv64", "architecture %r" % arch)
    want = {"zero": 0, "ra": 1, "fp": 8, "pc": 32, "ft0": 33, "ft11": 64, "priv": 65,
            "fflags": 67, "frm": 68, "fcsr": 69, "sstatus": 322, "satp": 450, "mstatus": 834,
            "misa": 835, "mtvec": 839, "mepc": 899, "mcause": 900, "mip": 902, "mcycle": 2882,
            "minstret": 2884, "mhartid": 3926}
    for name, num in want.items():
        check(regs.get(name) == num, "register %s is %s, QEMU's %d" % (name, regs.get(name), num))
    check(c.cmd("qXfer:features:read:nonsense.xml:0,100").startswith("E"), "unknown annex")
    if qemu and os.path.exists(qemu):
        qarch, qregs = qemu_description(qemu, elf, work)
        check(qarch == arch, "QEMU's architecture %r" % qarch)
        common = [n for n in regs if n in qregs]
        check(len(common) >= 60, "only %d registers in common with QEMU" % len(common))
        for n in common:
            check(regs[n] == qregs[n], "%s: regnum %d, QEMU %d" % (n, regs[n], qregs[n]))
        print("target description: %d registers, %d compared with QEMU's"
              % (len(regs), len(common)))

    # ---- status, threads
    check(re.fullmatch(r"T05thread:0*1;", c.cmd("?")) is not None, "? after attach")
    check(c.cmd("qfThreadInfo") == "m1" and c.cmd("qsThreadInfo") == "l", "thread list")
    check(c.cmd("qC") == "QC1", "qC")
    check(c.cmd("T1") == "OK" and c.cmd("T2").startswith("E"), "T")
    check(c.cmd("Hg1") == "OK" and c.cmd("Hc-1") == "OK" and c.cmd("Hg5").startswith("E"), "H")
    check(c.cmd("qAttached") == "1", "qAttached")
    check(c.cmd("vMustReplyEmpty") == "", "unknown packet")
    out, r = rcmd(c, "info status")
    check(r == "OK" and "VM status: paused" in out, "monitor info status: %r %r" % (out, r))
    out, r = rcmd(c, "no-such-command")
    check(r == "OK" and "unknown command" in out, "unknown monitor command: %r %r" % (out, r))
    check(c.cmd("vCont?").startswith("vCont;c;C;s;S"), "vCont?")

    # ---- registers
    g = c.cmd("g")
    check(len(g) == 33 * 16, "g has %d hex digits" % len(g))
    check(le64(g[32 * 16:]) == sym["_start"], "pc in g")
    check(le64(c.cmd("p20")) == sym["_start"], "p pc")
    check(le64(c.cmd("p41")) == 3, "p priv (M)")
    check(c.cmd("P5=%s" % hex64(0x1234)) == "OK" and le64(c.cmd("p5")) == 0x1234, "P t0")
    check(c.cmd("P45=%s" % hex64(0xE5)) == "OK", "P fcsr")
    check(le64(c.cmd("p43")) == 5 and le64(c.cmd("p44")) == 7, "fflags/frm from fcsr")
    check(c.cmd("P44=%s" % hex64(1)) == "OK" and le64(c.cmd("p45")) == 0x25, "frm into fcsr")
    check(c.cmd("p2000").startswith("E"), "p of a register that does not exist")
    check(c.cmd("P5=12").startswith("E"), "P with a short value")
    g2 = g[:5 * 16] + hex64(0x55) + g[6 * 16:]
    check(c.cmd("G" + g2) == "OK" and le64(c.cmd("p5")) == 0x55, "G")

    # ---- memory
    with open(elf, "rb") as f:
        pass
    code = c.cmd("m%x,8" % sym["_start"])
    check(len(code) == 16, "m of code")
    check(c.cmd("m0,4").startswith("E"), "m outside RAM")
    counter = sym["counter"]
    check(c.cmd("M%x,8:%s" % (counter, hex64(0x1122334455667788))) == "OK", "M")
    check(c.cmd("m%x,8" % counter) == hex64(0x1122334455667788), "m after M")
    data = b"}#$*\x00\x03ok"
    esc = b"".join(b"}" + bytes([x ^ 0x20]) if x in b"}#$*" else bytes([x]) for x in data)
    check(c.cmd(b"X%x,%x:" % (counter, len(data)) + esc) == "OK", "X with escapes")
    check(c.cmd("m%x,%x" % (counter, len(data))) == data.hex(), "m after X")
    c.cmd("M%x,8:%s" % (counter, hex64(0)))

    # ---- a bad checksum is nacked, and the packet can be sent again
    c.send_raw(b"$qC#00")
    check(c.read_byte() == b"-", "nack for a bad checksum")
    check(c.cmd("qC") == "QC1", "qC after a nack")

    # ---- breakpoint, step
    add = sym["add"]
    check(c.cmd("Z0,%x,4" % add) == "OK", "Z0")
    r = c.cmd("vCont;c")
    check(re.fullmatch(r"T05thread:0*1;", r) is not None, "stop at the breakpoint: %r" % r)
    check(le64(c.cmd("p20")) == add, "pc at add")
    check(c.cmd("z0,%x,4" % add) == "OK", "z0")
    check(c.cmd("z0,%x,4" % add).startswith("E"), "z0 of a removed breakpoint")
    r = c.cmd("vCont;s:1")
    pc = le64(c.cmd("p20"))
    check(re.fullmatch(r"T05thread:0*1;", r) is not None and pc in (add + 2, add + 4),
          "step: %r, pc %x" % (r, pc))

    # ---- watchpoints: the stop reply names the kind, before the access
    for ztype, word in ((2, "watch"), (3, "rwatch"), (4, "awatch")):
        check(c.cmd("Z%d,%x,8" % (ztype, counter)) == "OK", "Z%d" % ztype)
        r = c.cmd("c")
        m = re.fullmatch(r"T05thread:0*1;(\w+):([0-9a-f]+);", r)
        check(m is not None and m.group(1) == word and int(m.group(2), 16) == counter,
              "Z%d stop reply %r" % (ztype, r))
        check(c.cmd("z%d,%x,8" % (ztype, counter)) == "OK", "z%d" % ztype)

    # ---- Ctrl-C: park the hart in an endless loop, run, interrupt
    check(c.cmd("P20=%s" % hex64(sym["secondary_loop"])) == "OK", "pc to a loop")
    c.send_raw(c.frame("c"))
    check(c.read_byte() == b"+", "ack for c")
    time.sleep(0.3)
    c.send_raw(b"\x03")
    r = c.read_packet().decode()
    check(re.fullmatch(r"T02thread:0*1;", r) is not None, "Ctrl-C stop reply %r" % r)
    loop = le64(c.cmd("p20"))
    check(sym["secondary_loop"] <= loop < sym["main"], "stopped in the loop at %x" % loop)

    # ---- no-ack mode; a dropped connection leaves the machine stopped (as
    # QEMU); a detach lets it run; a second debugger; kill
    check(c.cmd("QStartNoAckMode") == "OK", "QStartNoAckMode")
    c.ack = False
    check(c.cmd("qC") == "QC1", "a packet without acks")
    ticks = sym["secondary_ticks"]
    t0 = le64(c.cmd("m%x,8" % ticks))
    c.close()
    time.sleep(0.3)
    c = Client(sock)
    check(c.cmd("qC") == "QC1", "attach again")
    check(le64(c.cmd("p20")) == loop and le64(c.cmd("m%x,8" % ticks)) == t0,
          "stopped after the connection dropped")
    check(c.cmd("D") == "OK", "D")
    c.close()
    time.sleep(1)  # the loop runs on meanwhile
    check(p.poll() is None, "vm runs on after a detach")
    c = Client(sock)
    check(re.fullmatch(r"T05thread:0*1;", c.cmd("?")) is not None, "third attach")
    pc2 = le64(c.cmd("p20"))
    check(sym["secondary_loop"] <= pc2 < sym["main"], "still in the loop after the detach")
    check(le64(c.cmd("m%x,8" % ticks)) > t0, "the loop ran after the detach")
    c.send_raw(c.frame("k"))
    try:
        status = p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        status = None
    check(status == 0, "vm exit status after k: %r" % status)
    out = p.stdout.read().decode(errors="replace")
    if failures:
        print(out)
        print("%d failures" % len(failures))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
