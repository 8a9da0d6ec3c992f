#!/usr/bin/env bash
# Runs a real Jazzer fuzzing campaign over every @FuzzTest in mfa-security-tests, one target at a
# time (Jazzer fuzzes one target per JVM), with a time budget per target.
#
#   scripts/fuzz.sh                 # every target, 60 s each
#   FUZZ_SECONDS=30 scripts/fuzz.sh # 30 s each
#   scripts/fuzz.sh TotpInputFuzzTest#otpAuthUri_parse   # one target
#
# `mvn -B verify` replays only the committed seeds (regression mode). Here JAZZER_FUZZ=1 makes
# Jazzer mutate inputs. A finding fails the target and is written as a crash-* file into the
# target's seed directory (src/test/resources/dev/mfa4j/security/<Class>Inputs/<method>/), so it
# becomes a regression test once committed. The per-target log and summary go to
# mfa-security-tests/target/fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET="${FUZZ_SECONDS:-60}"
MODULE=mfa-security-tests
TEST_DIR="$MODULE/src/test/java/dev/mfa4j/security"
OUT="$MODULE/target/fuzz"

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for f in "$TEST_DIR"/*FuzzTest.java; do
    cls=$(basename "$f" .java)
    while read -r m; do
      targets+=("$cls#$m")
    done < <(grep -A1 '@FuzzTest' "$f" | grep -oE 'void [A-Za-z0-9_]+' | sed 's/void //')
  done
fi

# Build once; the campaign runs offline against what was built.
mvn -B -q -pl "$MODULE" -am test-compile -DskipTests
mkdir -p "$OUT"
summary="$OUT/summary.tsv"
printf 'target\tseconds\texecutions\tresult\n' > "$summary"

status=0
for t in "${targets[@]}"; do
  log="$OUT/${t//#/_}.log"
  echo "== fuzzing $t for ${SECONDS_PER_TARGET}s (log: $log)"
  set +e
  JAZZER_FUZZ=1 mvn -B -o -pl "$MODULE" -am test \
      -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.max_duration="${SECONDS_PER_TARGET}s" \
      -DargLine="-XX:+IgnoreUnrecognizedVMOptions -XX:+EnableDynamicAgentLoading -XX:-OmitStackTraceInFastThrow" \
      > "$log" 2>&1
  rc=$?
  set -e
  # libFuzzer's last status line: "#12345 DONE ..." or the last "#N" line before a crash
  execs=$(grep -hoE '^#[0-9]+' "$log" "$MODULE"/target/surefire-reports/*-output.txt 2>/dev/null \
          | tr -d '#' | sort -n | tail -1 || true)
  if [ "$rc" -eq 0 ]; then
    result=ok
  else
    result="FINDING (exit $rc)"
    status=1
  fi
  printf '%s\t%s\t%s\t%s\n' "$t" "$SECONDS_PER_TARGET" "${execs:-?}" "$result" | tee -a "$summary"
done
echo "summary: $summary"
exit "$status"
