#!/usr/bin/env bash
# Side by side with openbmc/libcper (issue #15): wall time, CPU, MB/s of input and peak RSS of
#   ours ndjson, ours libcper dialect (--json-style libcper), libcper (cper_buf_to_ir + json-c, benchmarks/libcper/cper-ndjson.c)
# with --jobs 1 and 2, for the JIT build and the Native AOT executable, over one generated dump.
#
#   bash benchmarks/side-by-side.sh [--libcper SRC] [--input DUMP] [--size 256MB] [--runs 2] [--no-build]
#
# --libcper SRC: a libcper source tree (e.g. `git archive` of github.com/openbmc/libcper into /tmp): its parser is
#   compiled here with cc (the same source list as its meson.build; json-c from `apt-get install libjson-c-dev`) and
#   linked with the harness. Without it, libcper's row is the recorded one in benchmarks/README.md (same machine).
# --input DUMP: an existing dump; else `apeikit generate --size SIZE --seed 1` writes /tmp/sbs-SIZE.bin (kept, never
#   committed). Output goes to /dev/null; the runs are interleaved (every mode once, then again) so load on a shared
#   machine spreads over all modes; each line is one run. The outputs of the libcper dialect and libcper are compared
#   once (line counts and identical lines).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
lc_src="" input="" size=256MB runs=2 build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --libcper) lc_src=$2; shift 2 ;;
    --input) input=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
out=/tmp/apeikit-sbs
mkdir -p "$out"
cd "$root"
if [ "$build" = 1 ]; then
  dotnet build Cli -c Release -o "$out/jit" >"$out/jit.log" 2>&1 || { tail -20 "$out/jit.log"; exit 2; }
  dotnet publish Cli -c Release -o "$out/aot" >"$out/aot.log" 2>&1 || { tail -20 "$out/aot.log"; exit 2; }
fi
jit="dotnet $out/jit/ApeiKit.Cli.dll"
aot="$out/aot/apeikit"
[ -x "$aot" ] || { echo "no AOT build in $out/aot (run without --no-build)" >&2; exit 2; }

lc=""
if [ -n "$lc_src" ]; then
  [ -f "$lc_src/cper-parse.c" ] || { echo "$lc_src: not a libcper source tree (no cper-parse.c)" >&2; exit 2; }
  pkg-config --exists json-c || { echo "needs json-c (apt-get install libjson-c-dev pkg-config)" >&2; exit 2; }
  rm -rf "$out/lc" && mkdir -p "$out/lc"
  for f in "$lc_src"/sections/cper-section*.c "$lc_src"/{Cper,base64,common-utils,cper-parse,cper-utils,ir-parse,log}.c; do
    cc -O2 -std=c18 -D_POSIX_C_SOURCE=200809L -DLIBCPER_EXAMPLES='""' -DLIBCPER_JSON_SPEC='""' -Wno-address-of-packed-member \
      -I"$lc_src/include" -I"$lc_src/subprojects" $(pkg-config --cflags json-c) -c "$f" -o "$out/lc/$(basename "$f" .c).o" \
      || { echo "libcper: $f does not compile" >&2; exit 2; }
  done
  ar rcs "$out/lc/libcper-parse.a" "$out"/lc/*.o
  cc -O2 -o "$out/lc/cper-ndjson" benchmarks/libcper/cper-ndjson.c -I"$lc_src/include" $(pkg-config --cflags json-c) \
    "$out/lc/libcper-parse.a" $(pkg-config --libs json-c) || exit 2
  lc="$out/lc/cper-ndjson"
  echo "libcper: $(git -C "$lc_src" log -1 --format='%h %cs' 2>/dev/null || echo "$lc_src")"
fi

if [ -z "$input" ]; then
  input=/tmp/sbs-$size.bin
  [ -f "$input" ] || $aot generate --size "$size" --seed 1 -o "$input" || exit 2
fi
bytes=$(stat -c %s "$input")
cat "$input" > /dev/null # page cache warm for every mode alike
echo "input: $input, $bytes bytes; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# run LABEL CMD...: one measured run, output to /dev/null
run() {
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M %x" -o "$out/time" "$@" > /dev/null 2> "$out/err"
  read -r wall user sys kb code < "$out/time"
  awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v k="$kb" -v b="$bytes" -v c="$code" 'BEGIN {
    printf "%-26s %7.2f s wall %7.2f s CPU %7.1f MB/s %7.1f MB/s/CPU-s %6.0f MB RSS%s\n", l, w, u + s, b / 1e6 / w, b / 1e6 / (u + s), k / 1024, (c == 0 ? "" : "  exit " c) }'
}

modes=()
for build_kind in aot jit; do
  tool=$aot; [ $build_kind = jit ] && tool=$jit
  for j in 1 2; do
    modes+=("$build_kind ndjson -j$j|$tool decode -f ndjson -j $j $input")
    modes+=("$build_kind libcper-dialect -j$j|$tool decode -f ndjson --json-style libcper -j $j $input")
  done
done
[ -n "$lc" ] && modes+=("libcper (C, json-c)|$lc $input")

for ((r = 1; r <= runs; r++)); do
  for m in "${modes[@]}"; do
    # shellcheck disable=SC2086
    run "${m%%|*}" ${m#*|}
  done
done
if [ -z "$lc" ]; then
  echo "libcper (recorded, benchmarks/README.md): 12.07 s wall, 12.05 s CPU, 21 MB/s on /tmp/ws-256.bin (256,000,000 bytes, 626,694 records)"
fi

if [ -n "$lc" ]; then
  $aot decode -f ndjson --json-style libcper "$input" > "$out/ours-lc.ndjson" 2>/dev/null
  "$lc" "$input" > "$out/lc.ndjson" 2>/dev/null
  same=$(paste -d '\n' "$out/ours-lc.ndjson" "$out/lc.ndjson" | awk 'NR % 2 == 1 { a = $0; next } { n++; if (a == $0) s++ } END { print s + 0 "/" n + 0 }')
  echo "same output: $same lines identical; $(stat -c %s "$out/ours-lc.ndjson") bytes (ours) vs $(stat -c %s "$out/lc.ndjson") (libcper)"
  rm -f "$out/ours-lc.ndjson" "$out/lc.ndjson"
fi
