#!/usr/bin/env bash
# Runs every fuzz target briefly (FUZZ_SMOKE_SECONDS each, default 10): the fuzz project builds, instruments and
# starts under afl-fuzz, the seeds pass, and a short run finds no crash. Installs what it needs (afl++ from apt,
# sharpfuzz through `dotnet tool restore`). Exit 0 when every target ran without a crash.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
seconds=${FUZZ_SMOKE_SECONDS:-10}

if ! command -v afl-fuzz >/dev/null; then
    echo "== installing afl++"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq afl++ >/dev/null
fi
(cd "$root" && dotnet tool restore >/dev/null)

start=$(date +%s)
bash "$here/run.sh" --build
failed=""
for target in cper-record cper-section gesb hest bert acpidump input-detect scenario-json hest-spec-json cli-decode action-table erst-store; do
    FUZZ_NO_BUILD=1 bash "$here/run.sh" "$target" "$seconds" || failed="$failed $target"
done
echo "fuzz smoke: $(( $(date +%s) - start ))s"
if [ -n "$failed" ]; then
    echo "fuzz smoke: crashes or setup failures in:$failed (inputs copied to fixtures/hostile/)" >&2
    exit 1
fi
echo "fuzz smoke: every target ran ${seconds}s without a crash"
