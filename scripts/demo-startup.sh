#!/usr/bin/env bash
# How fast the demo reaches its first page. Starts the demo RUNS times, as the README's command
# does, and reports, for each start and as the median, the time from launch to the first HTTP 200
# of the sign-in page. Build it first (this also writes the extracted jar and its class archive):
#   mvn -q -B -DskipTests package -pl examples -am
#
# usage: scripts/demo-startup.sh [RUNS]        (default 5)
# environment:
#   PORT       default 18090
#   JAVA       default java (the archive only serves the JVM build that wrote it)
#   LIMIT_MS   default 5000: exit 1 if the median is slower
#   JAR        default examples/target/demo/mfa4j-demo.jar (the extracted jar); set it to
#              examples/target/mfa4j-demo.jar, with JAVA_OPTS=, to measure the plain fat jar
#   JAVA_OPTS  JVM options; default the README command's: the class archive written by the build
#              (-XX:SharedArchiveFile=examples/target/demo/mfa4j-demo.jsa), a quick JIT and one GC
#              thread (-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
# Needs bash 5 (EPOCHREALTIME) and curl; nothing else.
set -euo pipefail

runs=${1:-5}
port=${PORT:-18090}
java=${JAVA:-java}
limit=${LIMIT_MS:-5000}
root=$(cd "$(dirname "$0")/.." && pwd)
java_opts=${JAVA_OPTS--XX:SharedArchiveFile=$root/examples/target/demo/mfa4j-demo.jsa -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}
jar=${JAR:-$root/examples/target/demo/mfa4j-demo.jar}

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
