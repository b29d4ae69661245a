#!/bin/sh
# Proves the packages from the outside (issue #17 item 7): packs the five libraries into a local feed under a fresh
# version, builds tests/Consumer against those packages (no project references), runs the package READMEs' examples,
# then publishes the consumer as Native AOT and fails if any warning is attributable to ApeiKit.
# Usage: tests/Consumer/run.sh [--no-aot]     (from anywhere; needs the .NET 10 SDK and the ILCompiler package)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/apeikit-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT
# A version no earlier run used, so the NuGet cache never serves stale packages of the same number.
version="0.1.0-consumer.$(date -u +%Y%m%d%H%M%S)"
feed="$work/feed"

echo "== pack $version into $feed"
for p in Apei Cper Hest Ghes Platform; do
  dotnet pack "$root/$p" -c Release -o "$feed" -p:Version="$version" -p:TreatWarningsAsErrors=true --nologo -v quiet
done
ls "$feed"

echo "== extract the README examples"
python3 "$here/extract-examples.py" "$root" "$here/Generated/ReadmeExamples.g.cs"

props="-p:ApeiKitVersion=$version -p:ApeiKitFeed=$feed"
echo "== build and run against the packages"
# shellcheck disable=SC2086
dotnet run --project "$here" -c Release $props --nologo

[ "${1:-}" = "--no-aot" ] && exit 0

echo "== Native AOT publish"
log="$work/publish.log"
# shellcheck disable=SC2086
if ! dotnet publish "$here" -c Release -p:PublishAot=true -p:TreatWarningsAsErrors=false $props -o "$work/aot" --nologo >"$log" 2>&1; then
  cat "$log"; echo "publish failed"; exit 1
fi
# Warnings attributable to ApeiKit: any warning line naming an ApeiKit assembly, namespace or source path. ILC words its
# own as "Trim analysis warning IL2026" / "AOT analysis warning IL3050", the compilers as "warning CS8600".
warnings=$(grep -E 'warning [A-Z]+[0-9]{4}' "$log" | sort -u || true)
ours=$(printf '%s\n' "$warnings" | grep -E 'ApeiKit' || true)
echo "warnings in the publish: $(printf '%s' "$warnings" | grep -c . || true); attributable to ApeiKit: $(printf '%s' "$ours" | grep -c . || true)"
if [ -n "$ours" ]; then printf '%s\n' "$ours"; exit 1; fi
echo "== run the native executable"
"$work/aot/Consumer"
