#!/usr/bin/env bash
# Cost check for the input rows of issue #19 ("Bounded cost ... and streams stream"): what decode and stats do with
# hostile input shapes, each at two sizes, judged by harness.sh (time, memory and output grow at most linearly with the
# input; memory a small constant factor of it), plus runs whose memory must stay flat whatever the input's size
# (streamed standard input), and a slow pipe whose first record must come out before the second goes in.
#
#   benchmarks/cost/input.sh                        # uses Cli/bin/Release/net10.0/ApeiKit.Cli.dll (build it first)
#   APEIKIT="dotnet /tmp/old/ApeiKit.Cli.dll" benchmarks/cost/input.sh    # another build, e.g. before a change
#   COST_SCALE=2 benchmarks/cost/input.sh           # every size doubled
# Exit 1 when a row fails.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/harness.sh"

mb=$((1 << 20))
# Streamed standard input that is not CPER: it used to be loaded whole (+0.5 GB/s until "Out of memory").
flat stdin-zero "head -c $((1024 * mb * scale)) /dev/zero | $APEIKIT stats -" 100
flat stdin-yes "yes | head -c $((256 * mb * scale)) | $APEIKIT decode -f ndjson -" 100
flat stdin-urandom "head -c $((256 * mb * scale)) /dev/urandom | $APEIKIT decode -" 100

# A dump with one leading NUL (the load-everything path before), every format; -j far above the cores.
$APEIKIT generate --size $((25 * scale))MB -o "$work/d1.bin" 2>/dev/null; $APEIKIT generate --size $((50 * scale))MB --seed 2 -o "$work/d2.bin" 2>/dev/null
for i in 1 2; do { printf '\0'; cat "$work/d$i.bin"; } > "$work/n$i.bin"; done
for f in json ndjson text; do
  row "nul-$f" "$(size "$work/n1.bin")" "$(size "$work/n2.bin")" "$APEIKIT decode -f $f $work/n1.bin" "$APEIKIT decode -f $f $work/n2.bin"
done
row jobs-max "$(size "$work/n1.bin")" "$(size "$work/n2.bin")" "$APEIKIT decode -j 2147483647 -f ndjson $work/n1.bin" "$APEIKIT decode -j 10000 -f ndjson $work/n2.bin"

# Maximal ARM records (~1 MB each) as layout: each record's rendering is ~60x its size.
gen arm $((5 * scale)) "$work/a1.bin"; gen arm $((10 * scale)) "$work/a2.bin"
for j in 1 2; do
  row "arm-layout-j$j" "$(size "$work/a1.bin")" "$(size "$work/a2.bin")" "$APEIKIT decode -j $j -f layout $work/a1.bin" "$APEIKIT decode -j $j -f layout $work/a2.bin"
done
flat arm-layout-one "$APEIKIT decode -f layout $work/a1.bin" 120

# base64 of a record followed by a sea of spaces (decoded as a stream now).
gen spaces $((50 * mb * scale)) "$root/fixtures/cper/whea/TestErrorMemory1.bin" "$work/s1.b64"
gen spaces $((100 * mb * scale)) "$root/fixtures/cper/whea/TestErrorMemory1.bin" "$work/s2.b64"
row b64-spaces "$(size "$work/s1.b64")" "$(size "$work/s2.b64")" "$APEIKIT decode -f ndjson $work/s1.b64" "$APEIKIT decode -f ndjson $work/s2.b64"

# A slow pipe: the first record must be out before the second goes in (it took 6 s, the sleep, before).
rec="$root/fixtures/cper/whea/TestErrorMemory1.bin"
start=$(date +%s%N)
first=$( { cat "$rec"; sleep 6; cat "$rec"; } | $APEIKIT decode -f ndjson - | { IFS= read -r line; echo $(( ($(date +%s%N) - start) / 1000000 )); cat > /dev/null; })
if (( first < 5000 )); then printf '%-14s first record out after %d ms (the second comes at 6000 ms) | ok\n' slow-pipe "$first"
else printf '%-14s first record out after %d ms | FAIL: not streamed\n' slow-pipe "$first"; failed=1; fi

exit $failed
