#!/usr/bin/env bash
# Coverage-guided fuzzing of one ApeiKit entry point with SharpFuzz + AFL++.
#
#   fuzz/run.sh TARGET SECONDS     build Release, instrument, fuzz TARGET for SECONDS, report, keep crashes
#   fuzz/run.sh --build            only build and instrument (into $FUZZ_OUT/bin)
#
# Environment: FUZZ_OUT (default fuzz/out), FUZZ_NO_BUILD=1 (reuse an instrumented build), FUZZ_TIMEOUT_MS
# (AFL -t per input, default 5000), FUZZ_FAIL_ON_HANGS=1 (hangs fail the run too; off by default because a
# loaded machine can push a slow input past -t), FUZZ_NICE (default 10).
# Exit: 0 no crash, 1 crashes (copied to fixtures/hostile/TARGET-crash-*.bin), 2 usage or setup error.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
out=${FUZZ_OUT:-$here/out}
bin=$out/bin
targets="cper-record cper-section gesb hest bert acpidump input-detect scenario-json hest-spec-json cli-decode action-table erst-store"
# The assemblies whose code is measured (not the fuzz program, SharpFuzz or the framework).
instrument="ApeiKit.dll ApeiKit.Cper.dll ApeiKit.Ghes.dll ApeiKit.Hest.dll ApeiKit.Platform.dll ApeiKit.Cli.dll"

usage() { echo "usage: fuzz/run.sh TARGET SECONDS | --build   (targets: $targets)" >&2; exit 2; }

build() {
    echo "== building and instrumenting into $bin"
    rm -rf "$bin"
    (cd "$root" && dotnet tool restore >/dev/null)
    dotnet publish "$here/ApeiKit.Fuzz/ApeiKit.Fuzz.csproj" -c Release -o "$bin" -nologo -v quiet >"$out/build.log" 2>&1 \
        || { cat "$out/build.log" >&2; echo "build failed" >&2; exit 2; }
    for dll in $instrument; do
        (cd "$root" && dotnet tool run sharpfuzz "$bin/$dll" >/dev/null) || { echo "sharpfuzz failed on $dll" >&2; exit 2; }
    done
    touch "$bin/.instrumented"
}

mkdir -p "$out"
[ $# -ge 1 ] || usage
if [ "$1" = "--build" ]; then build; exit 0; fi
[ $# -eq 2 ] || usage
target=$1
seconds=$2
case " $targets " in *" $target "*) ;; *) usage ;; esac
[[ "$seconds" =~ ^[0-9]+$ ]] || usage
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found (apt-get install afl++)" >&2; exit 2; }

if [ "${FUZZ_NO_BUILD:-0}" != 1 ] || [ ! -f "$bin/.instrumented" ]; then build; fi

corpus=$root/fuzz/corpus/$target
findings=$out/$target
rm -rf "$findings"
echo "== fuzzing $target for ${seconds}s (seeds: fuzz/corpus/$target, findings: $findings)"
set +e
AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 \
AFL_FORKSRV_INIT_TMOUT=120000 \
    timeout --kill-after=30 $((seconds + 180)) \
    nice -n "${FUZZ_NICE:-10}" afl-fuzz -i "$corpus" -o "$findings" -t "${FUZZ_TIMEOUT_MS:-5000}" -m none -V "$seconds" \
    -- dotnet "$bin/ApeiKit.Fuzz.dll" "$target" --warmup "$corpus" >"$findings.log" 2>&1
afl=$?
set -e

stats=$findings/default/fuzzer_stats
if [ ! -f "$stats" ]; then
    echo "afl-fuzz did not start (exit $afl); last lines of $findings.log:" >&2
    tail -n 25 "$findings.log" >&2
    exit 2
fi
stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
crashes=$(find "$findings/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
hangs=$(find "$findings/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
printf '%s: seconds=%s execs=%s execs_per_sec=%s paths=%s edges=%s coverage=%s crashes=%s hangs=%s\n' \
    "$target" "$(stat run_time)" "$(stat execs_done)" "$(stat execs_per_sec)" "$(stat corpus_count)" \
    "$(stat edges_found)" "$(stat bitmap_cvg)" "$crashes" "$hangs"

# keep DIR KIND: copies AFL's inputs in DIR (crashes, hangs) to fixtures/hostile/TARGET-KIND-NNN.bin; prints how many.
keep() {
    local kind=$2 n=0 f name
    for f in "$findings/default/$1/id:"*; do
        [ -f "$f" ] || continue
        name="fixtures/hostile/$target-$kind-$(printf '%03d' $n).bin"
        cp "$f" "$root/$name"
        echo "  $kind: $name" >&2
        n=$((n + 1))
    done
    echo $n
}
status=0
[ "$(keep crashes crash)" -gt 0 ] && status=1
[ "$(keep hangs hang)" -gt 0 ] && [ "${FUZZ_FAIL_ON_HANGS:-0}" = 1 ] && status=1
if [ "$status" -ne 0 ]; then
    echo "replay one with: dotnet $bin/ApeiKit.Fuzz.dll $target --replay fixtures/hostile/$target-crash-000.bin" >&2
fi
exit $status
