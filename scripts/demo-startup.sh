#!/usr/bin/env bash
# How fast the demo reaches its first page. Starts examples/target/mfa4j-demo.jar RUNS times, as
# the README's command does, and reports, for each start and as the median, the time from launch
# to the first HTTP 200 of the sign-in page. Build the jar first:
#   mvn -q -B -DskipTests package -pl examples -am
#
# usage: scripts/demo-startup.sh [RUNS]        (default 5)
# environment: PORT (default 18090), JAVA (default java), LIMIT_MS (default 5000: exit 1 if the
#              median is slower), JAVA_OPTS (JVM options; default the README command's
#              "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC": a quick JIT and one GC thread start a
#              small app sooner on two cores; set JAVA_OPTS= to measure without them)
# Needs bash 5 (EPOCHREALTIME) and curl; nothing else.
set -euo pipefail

runs=${1:-5}
port=${PORT:-18090}
java=${JAVA:-java}
limit=${LIMIT_MS:-5000}
java_opts=${JAVA_OPTS--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}
root=$(cd "$(dirname "$0")/.." && pwd)
jar="$root/examples/target/mfa4j-demo.jar"

if [[ ! -f $jar ]]; then
  echo "demo-startup: $jar is missing; build it: mvn -q -B -DskipTests package -pl examples -am" >&2
  exit 2
fi
if [[ -z ${EPOCHREALTIME:-} ]]; then
  echo "demo-startup: needs bash 5 (EPOCHREALTIME)" >&2
  exit 2
fi
if curl -s -o /dev/null "http://localhost:$port/"; then
  echo "demo-startup: something already answers on port $port; set PORT" >&2
  exit 2
fi

now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }

pid=
cleanup() { if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

times=()
for ((i = 1; i <= runs; i++)); do
  log=$(mktemp)
  start=$(now_us)
  # shellcheck disable=SC2086
  MFA4J_DEMO_PORT=$port "$java" $java_opts -jar "$jar" --spring.profiles.active=dev >"$log" 2>&1 &
  pid=$!
  until [[ $(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$port/signin" || true) == 200 ]]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "demo-startup: the demo exited before answering; its output:" >&2
      cat "$log" >&2
      exit 1
    fi
    if (( $(now_us) - start > 120000000 )); then
      echo "demo-startup: no answer within 120 s" >&2
      exit 1
    fi
    sleep 0.02
  done
  end=$(now_us)
  ms=$(( (end - start) / 1000 ))
  times+=("$ms")
  echo "run $i: ${ms} ms to the first 200 of /signin"
  cleanup
  pid=
  rm -f "$log"
done

mapfile -t sorted < <(printf '%s\n' "${times[@]}" | sort -n)
n=${#sorted[@]}
if (( n % 2 == 1 )); then
  median=${sorted[n / 2]}
else
  median=$(( (sorted[n / 2 - 1] + sorted[n / 2]) / 2 ))
fi
echo "java options: ${java_opts:-none}"
echo "median: ${median} ms over ${n} starts (min ${sorted[0]}, max ${sorted[n - 1]}; limit ${limit} ms)"
(( median <= limit ))
