#!/bin/bash
# Compares `apeikit decode -f ndjson --json-style libcper` with openbmc/libcper's own output, record by record, on a
# mutated corpus (mutate.py) and prints, per section family, which members differ (linediff.py).
# usage: walk-diff.sh APEIKIT_EXE [LIBCPER_NDJSON] [WORKDIR]
#   APEIKIT_EXE     an apeikit executable (Native AOT: `dotnet publish Cli -c Release -o DIR`, then DIR/apeikit)
#   LIBCPER_NDJSON  the libcper harness benchmarks/libcper/cper-ndjson.c built as side-by-side.sh --libcper builds it
#                   (default /tmp/libcper-build/cper-ndjson); libcper is never a dependency of the project or of CI.
#   WORKDIR         default /tmp/libcper-walk; libcper's lines are kept there and reused while the corpus is unchanged.
# libcper hangs on some mutated records: each record is given to it alone, with a 5 s bound (rc 124 is reported).
# libcper's lines are rebuilt when the fixtures the corpus comes from (or mutate.py, or the harness) change.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/../.." && pwd)
if [ $# -lt 1 ] || [ ! -x "$1" ]; then echo "usage: $0 APEIKIT_EXE [LIBCPER_NDJSON] [WORKDIR] (APEIKIT_EXE: an apeikit executable; see the comment at the top)" >&2; exit 2; fi
exe=$1; lc=${2:-/tmp/libcper-build/cper-ndjson}; w=${3:-/tmp/libcper-walk}
[ -x "$lc" ] || { echo "$0: no libcper harness at $lc (build it with benchmarks/side-by-side.sh --libcper, or name it)" >&2; exit 2; }
mkdir -p "$w"
stamp=$( (cat "$here/mutate.py" "$lc"; find "$repo/fixtures" \( -name '*.cperhex' -o -path '*/libcper-walk/*.hex' \) -type f | sort | xargs cat) | md5sum | cut -d' ' -f1)
if [ "$(cat "$w/lc.done" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$w/rec" "$w/lc" "$w/fam"; mkdir -p "$w/lc"
  python3 "$here/mutate.py" "$repo" "$w"
  ls "$w"/rec/*.bin | xargs -P"$(nproc)" -I{} sh -c 'b=$(basename {} .bin); timeout 5 "$0" {} > "$1/lc/$b.json" 2>/dev/null; echo $? > "$1/lc/$b.rc"' "$lc" "$w"
  python3 "$here/linediff.py" --families "$w"
  echo "$stamp" > "$w/lc.done"
fi
for bin in "$w"/fam/*.bin; do
  f=$(basename "$bin" .bin)
  out="$w/fam/$f.apeikit.ndjson"
  "$exe" decode -f ndjson --json-style libcper "$bin" > "$out" 2> "$out.err" || true
  echo "== $f"
  python3 "$here/linediff.py" "$w/fam/$f.lc.ndjson" "$out" "$w/fam/$f.ids" "$w/rec"
done
