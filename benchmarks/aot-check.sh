#!/usr/bin/env bash
# The Native AOT apeikit prints what the JIT build prints (issue #15): builds both from this tree, runs `decode` over
# every file in fixtures/ (CPER captures and libcper hex, BERT, acpidump logs, hostile inputs) in several output forms,
# and compares standard output, standard error and the exit code byte for byte.
#   bash benchmarks/aot-check.sh            # exit 0: identical; 1: a difference (shown); 2: a build failed
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
dotnet build Cli -c Release -o "$work/jit" >"$work/jit.log" 2>&1 || { cat "$work/jit.log"; exit 2; }
dotnet publish Cli -c Release -o "$work/aot" >"$work/aot.log" 2>&1 || { cat "$work/aot.log"; exit 2; }
# Parquet.Net (decode -f parquet) reports that its own assembly holds trim/AOT warnings (IL2104, IL3053: reflection over
# its internal types). Those two summary lines are expected; the Parquet files the native build writes are compared
# with the JIT build's below. Any other warning fails the check.
warnings=$(grep "warning" "$work/aot.log" | grep -v "Assembly 'Parquet' produced \(trim\|AOT analysis\) warnings" | sort -u)
if [ -n "$warnings" ]; then echo "$warnings"; echo "aot-check: the AOT publish has warnings"; exit 1; fi
jit=(dotnet "$work/jit/ApeiKit.Cli.dll")
aot=("$work/aot/apeikit")
forms=("-f ndjson" "-f ndjson --json-style libcper" "-f text" "-f json" "-f layout")
runs=0 diffs=0
while IFS= read -r -d '' f; do
  case "$f" in *.md|*.json) continue ;; esac
  for form in "${forms[@]}"; do
    # shellcheck disable=SC2086
    "${jit[@]}" decode $form "$f" >"$work/j.out" 2>"$work/j.err"; jc=$?
    # shellcheck disable=SC2086
    "${aot[@]}" decode $form "$f" >"$work/a.out" 2>"$work/a.err"; ac=$?
    runs=$((runs + 1))
    if [ "$jc" != "$ac" ] || ! cmp -s "$work/j.out" "$work/a.out" || ! cmp -s "$work/j.err" "$work/a.err"; then
      diffs=$((diffs + 1))
      echo "DIFFERS: decode $form ${f#"$root"/} (exit $jc vs $ac)"
      diff <(head -c 2000 "$work/j.out"; cat "$work/j.err") <(head -c 2000 "$work/a.out"; cat "$work/a.err") | head -10
    fi
  done
done < <(find "$root/fixtures" -type f -print0 | sort -z)
# Parquet export: the same file from both builds (a generated dump of every section mix).
"${aot[@]}" generate --size 300KB --seed 7 -o "$work/dump.bin" >/dev/null 2>&1
for build in jit aot; do
  if [ "$build" = jit ]; then cmd=("${jit[@]}"); else cmd=("${aot[@]}"); fi
  "${cmd[@]}" decode -f parquet -o "$work/$build.parquet" "$work/dump.bin" >/dev/null 2>"$work/$build.perr"
done
runs=$((runs + 1))
if ! cmp -s "$work/jit.parquet" "$work/aot.parquet"; then
  diffs=$((diffs + 1))
  echo "DIFFERS: decode -f parquet (generated dump)"; cat "$work/jit.perr" "$work/aot.perr"
fi
echo "aot-check: $runs runs, $diffs differences (JIT: dotnet ApeiKit.Cli.dll, AOT: $(stat -c %s "$work/aot/apeikit") bytes)"
[ "$diffs" = 0 ]
