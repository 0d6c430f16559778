#!/usr/bin/env bash
# Counts the host instructions of the MMU's L1 hit path: the inline probe
# compiled alone in bench_l1_probe_load8 (bench/mmu/l1_probe.c), from its
# entry to the hit's `ret`. Usage: bench/mmu/count-l1-hit.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
cmake --build "$build" --target mmu-l1-probe >/dev/null
obj=$(find "$build" -name 'l1_probe.c.o' | head -n 1)
body=$(objdump -d --no-show-raw-insn "$obj" | sed -n '/<bench_l1_probe_load8>:/,/^$/p')
echo "$body"
# Instructions on the hit path: everything up to and including the first ret.
n=$(echo "$body" | awk '/^ +[0-9a-f]+:/ {n++; if ($2 == "ret") {print n; exit}}')
echo "L1 hit path: $n host instructions including ret (target: at most 12)"
