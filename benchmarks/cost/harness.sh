# Shared by the cost scripts in this folder (sourced, not run): work folder, /usr/bin/time measurement, the verdict.
# A row runs one shape at two sizes (the second about twice the first) and fails when wall time, peak RSS or output
# grow faster than 1.3x the input's growth (2.6 per doubling) above a floor of 0.5 s / 50 MB / 1 MB (below it,
# start-up and noise dominate), or when peak RSS at the larger size passes 80 MB (the runtime's own) + 8 x the
# input bytes. Commands are shell strings (pipes allowed); $APEIKIT is the tool.
# The caller sets $here (this folder); $APEIKIT (default: the Release build) and COST_SCALE (default 1) may be given.
root=$(cd "$here/../.." && pwd)
APEIKIT=${APEIKIT:-"dotnet $root/Cli/bin/Release/net10.0/ApeiKit.Cli.dll"}
scale=${COST_SCALE:-1}
work=$(mktemp -d /tmp/apeikit-cost.XXXXXX)
trap 'rm -rf "$work"' EXIT
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
gen() { python3 "$here/gen.py" "$@"; }
failed=0

# measure "command" -> "seconds kb outbytes" (peak RSS of the largest process of the pipeline)
measure() {
  local out="$work/out" err="$work/err" tv="$work/time"
  /usr/bin/time -v -o "$tv" sh -c "$1" > "$out" 2> "$err"
  if grep -q "   at \|Unhandled exception" "$err"; then echo "stack trace from: $1" >&2; failed=1; fi
  local wall kb
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$tv")
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")
  echo "$wall $kb $(stat -c %s "$out")"
}

# row NAME IN1 IN2 "cmd1" "cmd2" [OUTPUT_IS_DATA]: IN1/IN2 the input sizes in bytes
row() {
  local name=$1 in1=$2 in2=$3 c1=$4 c2=$5
  read -r t1 m1 o1 <<<"$(measure "$c1")"
  read -r t2 m2 o2 <<<"$(measure "$c2")"
  local verdict
  verdict=$(awk -v t1="$t1" -v t2="$t2" -v m1="$m1" -v m2="$m2" -v o1="$o1" -v o2="$o2" -v i1="$in1" -v i2="$in2" 'BEGIN {
    lim = 1.3 * i2 / i1; bad = ""
    if (t2 > lim * (t1 > 0.5 ? t1 : 0.5)) bad = bad " time"
    if (m2 > lim * (m1 > 51200 ? m1 : 51200)) bad = bad " memory"
    if (o2 > lim * (o1 > 1048576 ? o1 : 1048576)) bad = bad " output"
    if (m2 > 81920 + 8 * i2 / 1024) bad = bad " memory/input"
    printf "%s", (bad == "" ? "ok" : "FAIL:" bad) }')
  printf '%-14s input %10d -> %10d B | %6.2f -> %6.2f s | %7.1f -> %7.1f MB RSS | out %11d -> %11d B | %s\n' \
    "$name" "$in1" "$in2" "$t1" "$t2" "$(awk -v k="$m1" 'BEGIN{print k/1024}')" "$(awk -v k="$m2" 'BEGIN{print k/1024}')" "$o1" "$o2" "$verdict"
  [[ $verdict == ok ]] || failed=1
}

# flat NAME "cmd" LIMIT_MB: one run whose peak RSS must stay under LIMIT_MB whatever the input (streamed inputs)
flat() {
  local name=$1 c=$2 limit=$3
  read -r t m o <<<"$(measure "$c")"
  local verdict=ok
  (( m > limit * 1024 )) && verdict="FAIL: memory above ${limit} MB"
  printf '%-14s %6.2f s | %7.1f MB RSS (limit %d MB) | out %11d B | %s\n' "$name" "$t" "$(awk -v k="$m" 'BEGIN{print k/1024}')" "$limit" "$o" "$verdict"
  [[ $verdict == ok ]] || failed=1
}

size() { stat -c %s "$@" | awk '{s+=$1} END {print s}'; }
