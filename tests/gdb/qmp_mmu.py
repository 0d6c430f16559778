#!/usr/bin/env python3
"""qmp_mmu.py SOCK HARTS

vm's x-query-mmu on a guest that pages (Debian's Linux, in gdb.linux):
a QMP session on the unix socket SOCK (greeting, qmp_capabilities), then
x-query-mmu must give HARTS harts that each walked page tables and read
PTEs and whose loads and stores mostly hit L1 (the test runs with
-accel tcg,l1-hits=on), and a total that is their sum. Prints the total; exit 0 on success."""
import json
import socket
import sys


def main():
    path, harts = sys.argv[1], int(sys.argv[2])
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(60)
    s.connect(path)
    f = s.makefile("rw")

    def reply(cmd):
        f.write(json.dumps({"execute": cmd}) + "\n")
        f.flush()
        while True:  # events may come first
            msg = json.loads(f.readline())
            if "return" in msg or "error" in msg:
                return msg

    greeting = json.loads(f.readline())
    if "QMP" not in greeting:
        sys.exit("FAIL: no QMP greeting: %r" % greeting)
    if reply("qmp_capabilities") != {"return": {}}:
        sys.exit("FAIL: qmp_capabilities")
    r = reply("x-query-mmu")
    if "return" not in r:
        sys.exit("FAIL: x-query-mmu: %r" % r)
    mmu = r["return"]
    total = mmu["total"]
    print(json.dumps(total, sort_keys=True))
    if len(mmu["harts"]) != harts:
        sys.exit("FAIL: %d harts in x-query-mmu, expected %d" % (len(mmu["harts"]), harts))
    for h in mmu["harts"]:
        if not (h["walks"] > 0 and h["pte-reads"] >= h["walks"] and h["l2-misses"] > 0 and
                h["policy"]):
            sys.exit("FAIL: hart %d did not page: %r" % (h["hart"], h))
    for k in ("walks", "pte-reads", "l2-hits", "l2-misses", "faults", "flushes"):
        if total[k] != sum(h[k] for h in mmu["harts"]):
            sys.exit("FAIL: total %s is not the harts' sum" % k)
    # -accel tcg,l1-hits=on: a kernel's loads and stores mostly hit L1
    for h in mmu["harts"]:
        for kind in ("load", "store"):
            if not h["l1-hits"][kind] > h["l1-misses"][kind] > 0:
                sys.exit("FAIL: hart %d: L1 %s hits %d, misses %d" %
                         (h["hart"], kind, h["l1-hits"][kind], h["l1-misses"][kind]))
    for group in ("l1-hits", "l1-misses"):
        for kind in ("fetch", "load", "store"):
            if total[group][kind] != sum(h[group][kind] for h in mmu["harts"]):
                sys.exit("FAIL: total %s %s is not the harts' sum" % (group, kind))
    print("x-query-mmu: OK")


if __name__ == "__main__":
    main()
