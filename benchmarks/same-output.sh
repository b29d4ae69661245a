#!/usr/bin/env bash
# Two builds of apeikit print the same bytes (issue #15: the per-record path changed, the output must not): runs
# `decode` over every file in fixtures/ in eight forms (both JSON dialects, text, json, layout, --jobs 2) with each
# build and compares stdout, stderr and the exit code.
#   BEFORE="dotnet /tmp/before/ApeiKit.Cli.dll" AFTER=Cli/bin/Release/net10.0/linux-x64/publish/apeikit bash benchmarks/same-output.sh
# exit 0: identical; 1: a difference (shown)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
: "${BEFORE:?set BEFORE to the first build's command}" "${AFTER:?set AFTER to the second build's command}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
forms=("-f ndjson" "-f ndjson --json-style libcper" "-f text" "-f json" "-f layout" "-f ndjson -j 2" "-f json --json-style libcper -j 2" "-f text -j 2")
runs=0 diffs=0
while IFS= read -r -d '' f; do
  case "$f" in *.md|*.json) continue ;; esac
  for form in "${forms[@]}"; do
    # shellcheck disable=SC2086
    $BEFORE decode $form "$f" >"$work/b.out" 2>"$work/b.err"; bc=$?
    # shellcheck disable=SC2086
    $AFTER decode $form "$f" >"$work/a.out" 2>"$work/a.err"; ac=$?
    runs=$((runs + 1))
    if [ "$bc" != "$ac" ] || ! cmp -s "$work/b.out" "$work/a.out" || ! cmp -s "$work/b.err" "$work/a.err"; then
      diffs=$((diffs + 1))
      echo "DIFFERS: decode $form $f (exit $bc vs $ac)"
      diff <(head -c 1500 "$work/b.out"; cat "$work/b.err") <(head -c 1500 "$work/a.out"; cat "$work/a.err") | head -6
    fi
  done
done < <(find fixtures -type f -print0 | sort -z)
echo "same-output: $runs runs, $diffs differences"
[ "$diffs" = 0 ]
