#!/bin/bash
# Interleaved wall/CPU/RSS runs of two apeikit builds and libcper's harness on the same dumps (issue #15's figures).
# usage: compare-builds.sh BASE_EXE NEW_EXE [DUMP_256MB] [DUMP_64MB] [LIBCPER_NDJSON]
#   BASE_EXE, NEW_EXE  apeikit executables (Native AOT: git archive REV | tar -x -C DIR; dotnet publish DIR/Cli -c Release -o OUT)
#   dumps default to /tmp/ws-256.bin and /tmp/ws-64.bin (`apeikit generate`); libcper's harness to
#   /tmp/libcper-build/cper-ndjson (side-by-side.sh --libcper builds it; skipped when absent).
# Prints one line per run: build, mode, wall_user_sys_peakRSS. Three rounds of -j 1 (ours, the libcper dialect, libcper),
# then -j 2 and the indented libcper JSON of the 64 MB dump once each. Run it on a quiet machine.
set -u
base=$1 new=$2 big=${3:-/tmp/ws-256.bin} small=${4:-/tmp/ws-64.bin} lc=${5:-/tmp/libcper-build/cper-ndjson}
T="/usr/bin/time -f %e_%U_%S_%MKB"
run() { local label=$1; shift; echo "$label $( { $T "$@" > /dev/null; } 2>&1 | tail -1)"; }
for r in 1 2 3; do
  for b in "$base" "$new"; do
    run "$b ndjson-j1" "$b" decode -f ndjson -j 1 "$big"
    run "$b lc-j1" "$b" decode -f ndjson --json-style libcper -j 1 "$big"
  done
  [ -x "$lc" ] && run "libcper" "$lc" "$big"
done
for b in "$base" "$new"; do
  run "$b ndjson-j2" "$b" decode -f ndjson -j 2 "$big"
  run "$b lc-j2" "$b" decode -f ndjson --json-style libcper -j 2 "$big"
  run "$b lc-indented-64" "$b" decode -f json --json-style libcper "$small"
done
