#!/usr/bin/env bash
# Checks that the build is reproducible: builds the deployed modules twice, each in a clean copy
# of the working tree at a different path and at a different time, and compares every jar (main,
# -sources, -javadoc) byte for byte with sha256sum. Exit status 0 exactly when all are identical.
#
#   scripts/reproducible.sh                       # the deployed modules
#   MODULES=mfa-core,mfa-totp scripts/reproducible.sh
#   MVN_ARGS=-o scripts/reproducible.sh            # offline (plugins already in ~/.m2)
#
# Reproducibility rests on project.build.outputTimestamp in the root pom (every archive entry gets
# that time, in a fixed order) and on javadoc's -notimestamp. The copies hold the tracked and
# untracked-but-not-ignored files (uncommitted changes included), never a target/ directory.
# Nothing is installed into ~/.m2. Work directory: $WORK (default: a new temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

MODULES="${MODULES:-mfa-core,mfa-store-tck,mfa-totp,mfa-sms-spi,mfa-webauthn,mfa-store-jdbc,mfa-store-sharded}"
MVN_ARGS="${MVN_ARGS:-}"
WORK="${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/mfa4j-repro.XXXXXX")}"
mkdir -p "$WORK"

copy() {
  rm -rf "$1"
  mkdir -p "$1"
  (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard \
      | while IFS= read -r -d '' f; do if [ -e "$f" ]; then printf '%s\0' "$f"; fi; done \
      | tar --null -cf - -T -) | tar -xf - -C "$1"
}

build() {
  echo "== build $1 in $2"
  # shellcheck disable=SC2086
  (cd "$2" && mvn -B -q $MVN_ARGS -pl "$MODULES" -am package -DskipTests) > "$WORK/build-$1.log" 2>&1 \
      || { echo "build $1 failed: $WORK/build-$1.log"; tail -40 "$WORK/build-$1.log"; exit 2; }
  (cd "$2" && find . -path '*/target/*.jar' -not -path '*/target/*/*' | LC_ALL=C sort \
      | xargs sha256sum) > "$WORK/sha256-$1.txt"
}

copy "$WORK/one"
copy "$WORK/two/deeper"          # another path: nothing may depend on where the tree lives
build one "$WORK/one"
sleep 2                          # another time: nothing may depend on when it was built
build two "$WORK/two/deeper"

count=$(wc -l < "$WORK/sha256-one.txt")
echo "== $count jars; sha256 of the first build:"
cat "$WORK/sha256-one.txt"
if diff -u "$WORK/sha256-one.txt" "$WORK/sha256-two.txt"; then
  if [ "$count" -eq 0 ]; then
    echo "NO JARS BUILT"
    exit 2
  fi
  echo "REPRODUCIBLE: all $count jars are byte-for-byte identical"
else
  echo "NOT REPRODUCIBLE: the jars above differ. Entries that differ:"
  while read -r sum jar; do
    other=$(grep -F "  $jar" "$WORK/sha256-two.txt" | cut -d' ' -f1 || true)
    if [ "$sum" != "$other" ]; then
      echo "-- $jar"
      diff <(cd "$WORK/one" && unzip -lv "$jar" | awk '{print $7, $8}' | sort) \
           <(cd "$WORK/two/deeper" && unzip -lv "$jar" | awk '{print $7, $8}' | sort) | head -20 || true
    fi
  done < "$WORK/sha256-one.txt"
  exit 1
fi
