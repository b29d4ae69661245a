#!/usr/bin/env bash
# Cost suite for `apeikit simulate`: hostile scenario shapes, each run at two sizes (the second double the first).
# A shape passes when doubling its input at most doubles wall time and peak RSS, plus a small constant
# (TIME_SLACK seconds, RSS_SLACK KB), and when every run ends within TIMEOUT seconds with the exit code expected.
# Shapes that must be refused are run once and must exit 1 quickly, with no stack trace.
# Time is CPU time (user + system) by default: on a machine shared with other jobs wall time swings by 2-3x from one
# run to the next; TIME_METRIC=wall judges wall time instead. Both are printed.
# Usage: benchmarks/cost/simulate.sh            (builds Release first; set NO_BUILD=1 to skip)
set -u
cd "$(dirname "$0")/../.."
DLL=${DLL:-Cli/bin/Release/net10.0/ApeiKit.Cli.dll}
TIMEOUT=${TIMEOUT:-120}
TIME_SLACK=${TIME_SLACK:-1.0}
RSS_SLACK=${RSS_SLACK:-40000}
if [ -z "${NO_BUILD:-}" ]; then dotnet build Cli -c Release -v quiet -nologo > /dev/null || exit 2; fi
if [ ! -x /usr/bin/time ]; then echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

base_guest() { # $1 = sources JSON, $2 = acknowledges
  printf '"guest": { "ram": [ { "gpa": "0x40000000", "size": "1GiB", "hva": "0x7f0000000000", "hpa": "0x200000000" } ], "vcpus": [ { "id": 0, "task": "app" } ], "sources": [ %s ], "acknowledges": %s }' "$1" "$2"
}

# shape NAME SIZE -> writes $work/NAME-SIZE.json
make() {
  local name=$1 n=$2 f="$work/$1-$2.json"
  case $name in
    repeat)   # one timeline entry repeated n times, 100 us apart (the guest acknowledges in 50 us), on a GPIO source
      echo "{ $(base_guest '{ "sourceId": 1, "notification": "gpio" }' true), \"timeline\": [ { \"at\": \"1ms\", \"error\": \"memory-scrub\", \"guestAddress\": \"0x40000000\", \"repeat\": $n, \"every\": \"100us\" } ] }" > "$f" ;;
    idle)     # one error after an idle gap of n seconds, a source polled every 1 ms
      echo "{ $(base_guest '{ "sourceId": 1, "notification": "polled", "pollIntervalMs": 1 }' true), \"timeline\": [ { \"at\": \"${n}s\", \"error\": \"memory-scrub\", \"guestAddress\": \"0x40000000\", \"route\": \"polled\" } ] }" > "$f" ;;
    hung)     # a hung guest, 1 us retry timer, a run n seconds long
      echo "{ $(base_guest '{ "sourceId": 1, "notification": "gpio" }' false), \"vmm\": { \"retryInterval\": 1 }, \"end\": \"${n}s\", \"timeline\": [ { \"at\": \"1ms\", \"error\": \"memory-scrub\", \"guestAddress\": \"0x40000000\", \"repeat\": 2 } ] }" > "$f" ;;
    sources)  # n sources of 1 MiB blocks, empty timeline
      local s="" i; for ((i = 0; i < n; i++)); do s+="${s:+, }{ \"sourceId\": $i, \"notification\": \"gpio\", \"blockLength\": \"1MiB\" }"; done
      echo "{ $(base_guest "$s" true), \"timeline\": [] }" > "$f" ;;
    fanout)   # n GPIO sources, 2000 errors 100 us apart: each interrupt must not read (or trace) every source
      local s="" i; for ((i = 0; i < n; i++)); do s+="${s:+, }{ \"sourceId\": $i, \"notification\": \"gpio\", \"blockLength\": 172 }"; done
      echo "{ $(base_guest "$s" true), \"timeline\": [ { \"at\": \"1ms\", \"error\": \"memory-scrub\", \"guestAddress\": \"0x40000000\", \"repeat\": 2000, \"every\": \"100us\" } ] }" > "$f" ;;
  esac
  echo "$f"
}

# measure FILE -> "seconds kb exitcode wallseconds" (seconds: per TIME_METRIC)
measure() {
  local out="$work/out" err="$work/err" tv="$work/tv"
  /usr/bin/time -v -o "$tv" timeout "$TIMEOUT" dotnet "$DLL" simulate "$1" ${EXTRA:-} > "$out" 2> "$err"
  local rc=$?
  # /usr/bin/time reports the command's status as its own
  local secs kb wall
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$tv")
  secs=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$tv")
  [ "${TIME_METRIC:-cpu}" = wall ] && secs=$wall
  kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tv")
  if grep -q "   at " "$err"; then rc=99; fi   # a .NET stack trace reached the user
  echo "$secs $kb $rc $wall"
}

check_pair() { # NAME SMALL LARGE EXPECTED_EXIT [SIMULATE OPTIONS]
  local name=$1 a b ra rb
  EXTRA=${5:-}
  a=$(make "$name" "$2"); b=$(make "$name" "$3")
  ra=($(measure "$a")); rb=($(measure "$b"))
  local verdict=ok
  [ "${ra[2]}" = "$4" ] && [ "${rb[2]}" = "$4" ] || verdict="FAIL (exit ${ra[2]}/${rb[2]}, expected $4; 124 = timeout, 99 = stack trace)"
  if [ "$verdict" = ok ]; then
    awk -v t1="${ra[0]}" -v t2="${rb[0]}" -v m1="${ra[1]}" -v m2="${rb[1]}" -v ts="$TIME_SLACK" -v ms="$RSS_SLACK" \
      'BEGIN { exit !(t2 <= 2 * t1 + ts && m2 <= 2 * m1 + ms) }' || verdict="FAIL (more than doubles)"
  fi
  [ -n "$EXTRA" ] && name="$name $EXTRA"
  printf '%-8s n=%-8s %7.2f s (wall %6.2f) %8d KB | n=%-8s %7.2f s (wall %6.2f) %8d KB  %s\n' "$name" "$2" "${ra[0]}" "${ra[3]}" "${ra[1]}" "$3" "${rb[0]}" "${rb[3]}" "${rb[1]}" "$verdict"
  [ "$verdict" = ok ] || failed=1
}

check_refused() { # NAME JSON (must exit 1 within the timeout with a message naming a JSON path, no stack trace)
  EXTRA=""
  local f="$work/$1.json"; echo "$2" > "$f"
  local r; r=($(measure "$f"))
  local verdict=ok; [ "${r[2]}" = 1 ] || verdict="FAIL (exit ${r[2]}, expected 1; 124 = timeout, 99 = stack trace)"
  grep -q '\$\.' "$work/err" || verdict="FAIL (the message names no JSON path)"
  printf '%-24s %7.2f s %8d KB  exit %s  %s  %s\n' "$1" "${r[0]}" "${r[1]}" "${r[2]}" "$verdict" "$(head -c 160 "$work/err" | head -1)"
  [ "$verdict" = ok ] || failed=1
}

echo "apeikit simulate cost suite ($(date -u +%Y-%m-%dT%H:%MZ), nproc $(nproc), load $(cut -d' ' -f1 /proc/loadavg), time = ${TIME_METRIC:-cpu})"
check_pair repeat 50000 100000 0
check_pair repeat 25000 50000 0 "-f json"
check_pair idle 1000000 2000000 0
check_pair hung 1000 2000 1
check_pair sources 16 32 0
check_pair fanout 2048 4096 0
G=$(base_guest '{ "sourceId": 1, "notification": "gpio" }' false)
check_refused zero-retry "{ $G, \"vmm\": { \"retryInterval\": 0 }, \"timeline\": [ { \"at\": 1, \"error\": \"memory-scrub\", \"guestAddress\": \"0x40000000\", \"repeat\": 2 } ] }"
check_refused region-too-large "$(cat "$(make sources 257)")"
check_refused time-overflow "{ $G, \"timeline\": [ { \"at\": 18446744073709551000, \"error\": \"memory-scrub\", \"guestAddress\": \"0x40000000\", \"repeat\": 3, \"every\": 1000 } ] }"
exit $failed
