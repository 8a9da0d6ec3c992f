#!/usr/bin/env bash
# Runs the model-based test of the engine (EngineStatefulTest: two engines on one store, random
# chains of sign-ins, answers, enrollments, removals, policy changes, admin actions, clock moves and
# store faults) with many more and longer chains than `mvn -B verify` does.
#
#   scripts/stateful.sh                          # 1000 chains of 200 actions
#   TRIES=5000 STEPS=400 scripts/stateful.sh     # longer
#
# jqwik prints the seed and the shrunk chain of a failure, and re-runs that seed first on the next
# run (database: mfa-security-tests/target/jqwik-database). Log: mfa-security-tests/target/stateful.log
set -euo pipefail
cd "$(dirname "$0")/.."

TRIES="${TRIES:-1000}"
STEPS="${STEPS:-200}"
MODULE=mfa-security-tests
mkdir -p "$MODULE/target"

mvn -B -q -pl "$MODULE" -am install -Dmaven.test.skip=true
echo "== EngineStatefulTest: $TRIES chains of up to $STEPS actions"
set +e
mvn -B -o -pl "$MODULE" test -Dtest=EngineStatefulTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dstateful.tries="$TRIES" -Dstateful.steps="$STEPS" > "$MODULE/target/stateful.log" 2>&1
rc=$?
set -e
grep -E "Tests run:|tries = |seed = |checks = " "$MODULE/target/stateful.log" \
    "$MODULE"/target/surefire-reports/*EngineStatefulTest*-output.txt 2>/dev/null | sort -u || true
if [ "$rc" -ne 0 ]; then
  echo "FAILED: see $MODULE/target/stateful.log and $MODULE/target/surefire-reports/"
fi
exit "$rc"
