#!/usr/bin/env bash
# Profile a Native AOT apeikit and name its functions (issue #15).
#
# perf does not resolve the symbols of a Native AOT executable (they are in the ApeiKit.Cli.dbg file `dotnet publish`
# puts next to it), so this records samples, has perf report them by address within the executable, and maps every
# address to the function that holds it with `nm` on the .dbg file. Prints the share of all samples per function.
#
# Usage: benchmarks/perf-aot.sh PUBLISH_DIR [apeikit arguments...]
#   e.g. benchmarks/perf-aot.sh /tmp/p3-base-aot decode -f ndjson -j 1 /tmp/ws-256.bin
# Output (stdout of apeikit) goes to /dev/null; perf.data and the table go to $PERF_OUT (default /tmp/perf-aot).
set -euo pipefail
dir=${1:?usage: perf-aot.sh PUBLISH_DIR [apeikit arguments...]}
shift
exe="$dir/apeikit"
dbg="$dir/ApeiKit.Cli.dbg"
[ -x "$exe" ] || { echo "perf-aot.sh: no executable at $exe" >&2; exit 2; }
[ -f "$dbg" ] || { echo "perf-aot.sh: no symbols at $dbg" >&2; exit 2; }
out=${PERF_OUT:-/tmp/perf-aot}
mkdir -p "$out"
perf record -F "${PERF_FREQ:-2000}" -o "$out/perf.data" -- "$exe" "$@" > /dev/null 2> "$out/record.log"
# Samples by address: perf prints unresolved addresses within the executable as [.] 0x... (file addresses).
perf report -i "$out/perf.data" --stdio --no-children --sort dso,sym 2> /dev/null > "$out/report.txt"
nm --defined-only -n "$dbg" > "$out/nm.txt"
python3 - "$out/report.txt" "$out/nm.txt" "$(basename "$exe")" <<'EOF'
import bisect, re, sys
report, nmfile, exe = sys.argv[1:4]
addrs, names = [], []
for line in open(nmfile):
    parts = line.split(maxsplit=2)
    if len(parts) == 3 and parts[1] in 'tTwW':
        addrs.append(int(parts[0], 16)); names.append(parts[2].strip())
share = {}
row = re.compile(r'^\s*([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(.*)$')
for line in open(report):
    m = row.match(line)
    if not m: continue
    pct, dso, _, sym = float(m.group(1)), m.group(2), m.group(3), m.group(4).strip()
    if dso == exe and sym.startswith('0x'):
        a = int(sym.split()[0], 16)
        i = bisect.bisect_right(addrs, a) - 1
        sym = names[i] if i >= 0 else sym
    elif dso != exe:
        sym = f'{sym} [{dso}]'
    share[sym] = share.get(sym, 0.0) + pct
for sym, pct in sorted(share.items(), key=lambda kv: -kv[1])[:int(__import__('os').environ.get('TOP', '40'))]:
    print(f'{pct:6.2f}%  {sym}')
EOF
