#!/usr/bin/env bash
# Cost check for the library rows of issue #19 ("Bounded cost: no input makes time or memory explode").
# Runs each row at two sizes (the second about twice the first), measures wall time, peak RSS (/usr/bin/time -v) and
# output bytes, and fails when one grows faster than 1.3x the input's growth (2.6 per doubling) above a floor of
# 0.5 s / 50 MB / 1 MB (below it, start-up and noise dominate); and when peak RSS at the larger size passes
# 80 MB (the runtime's own) + 8 x the input bytes: memory must be a small constant factor of the input.
#
#   benchmarks/cost/library.sh                         # uses Cli/bin/Release/net10.0/ApeiKit.Cli.dll (build it first)
#   APEIKIT="dotnet /tmp/old/ApeiKit.Cli.dll" benchmarks/cost/library.sh    # another build, e.g. before a change
#   COST_SCALE=2 benchmarks/cost/library.sh            # every size doubled
#
# Rows: gesb (decode -i gesb -f json of one block of N empty entries), hest-build (hest build of an N-source spec),
# shared (decode --hest --region of N GHES sources sharing one 1.7 MB block: input ~constant, so output must be too),
# dump-line (decode of acpidump text with one N-byte line), dump-tables (hest check of N tables, no HEST: exit 2),
# hest-json (decode -f json of an N-source HEST). Exit 1 when a row fails, 0 otherwise.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/harness.sh"

n1=$((25000 * scale)); n2=$((50000 * scale))
gen gesb $n1 "$work/g1.bin"; gen gesb $n2 "$work/g2.bin"
row gesb "$(size "$work/g1.bin")" "$(size "$work/g2.bin")" "$APEIKIT decode -i gesb -f json $work/g1.bin" "$APEIKIT decode -i gesb -f json $work/g2.bin"

n1=$((20000 * scale)); n2=$((40000 * scale))
gen spec $n1 "$work/s1.json"; gen spec $n2 "$work/s2.json"
row hest-build "$(size "$work/s1.json")" "$(size "$work/s2.json")" "$APEIKIT hest build $work/s1.json -o $work/h1.bin" "$APEIKIT hest build $work/s2.json -o $work/h2.bin"

gen shared $((50 * scale)) 1700000 "$work/sh1"; gen shared $((100 * scale)) 1700000 "$work/sh2"
row shared "$(size "$work"/sh1/*)" "$(size "$work"/sh2/*)" \
  "$APEIKIT decode --hest $work/sh1/HEST.bin --region $work/sh1/region.bin" "$APEIKIT decode --hest $work/sh2/HEST.bin --region $work/sh2/region.bin"

gen longline $((25000000 * scale)) "$work/l1.txt"; gen longline $((50000000 * scale)) "$work/l2.txt"
row dump-line "$(size "$work/l1.txt")" "$(size "$work/l2.txt")" "$APEIKIT decode $work/l1.txt" "$APEIKIT decode $work/l2.txt"

gen dump $((50000 * scale)) "$work/d1.txt"; gen dump $((100000 * scale)) "$work/d2.txt"
row dump-tables "$(size "$work/d1.txt")" "$(size "$work/d2.txt")" "$APEIKIT hest check $work/d1.txt" "$APEIKIT hest check $work/d2.txt"

gen hest $((30000 * scale)) "$work/j1.bin"; gen hest $((60000 * scale)) "$work/j2.bin"
row hest-json "$(size "$work/j1.bin")" "$(size "$work/j2.bin")" "$APEIKIT decode -f json $work/j1.bin" "$APEIKIT decode -f json $work/j2.bin"

exit $failed
