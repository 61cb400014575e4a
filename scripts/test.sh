#!/usr/bin/env bash
# Set up and build vemu (scripts/setup.sh), then run the whole test suite.
#
# Prints meson's per-test lines and its summary, then one line
# "N passed, N failed, N skipped" counted from meson's test log. Exits
# non-zero if the build fails or any test does not pass.
#
# Arguments are passed to `meson test` (e.g. a suite: --suite ops).
# Environment:
#   BUILD_DIR                  build directory (default: build)
#   VEMU_TEST_JOBS             tests run at once (default: 2)
#   VEMU_TEST_TIMEOUT_FACTOR   multiplier of each test's timeout (default: 3)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD_DIR=${BUILD_DIR:-build}
export BUILD_DIR

if ! bash scripts/setup.sh; then
  echo "setup or build failed: no test ran" >&2
  exit 1
fi

# The binfmt chroot test (tests/binfmt/test-chroot.sh) needs a static
# vemu-aarch64, since the chroot has no host libraries: build one beside
# the main build (only that target) when the main build is not static.
is_static() {
  python3 -c 'import json, sys
opts = json.load(open(sys.argv[1]))
sys.exit(0 if any(o["name"] == "static" and o["value"] for o in opts) else 1)' \
    "$BUILD_DIR/meson-info/intro-buildoptions.json" 2>/dev/null
}
if [ -z "${VEMU_STATIC_AARCH64:-}" ] && ! is_static; then
  static_dir="$BUILD_DIR-static"
  if { [ -d "$static_dir" ] || meson setup "$static_dir" -Dstatic=true \
      -Dtests=false >/dev/null; } &&
    ninja -C "$static_dir" linux-user/aarch64/vemu-aarch64 >/dev/null 2>&1; then
    export VEMU_STATIC_AARCH64="$PWD/$static_dir/linux-user/aarch64/vemu-aarch64"
  else
    echo "note: no static vemu-aarch64 could be built; binfmt-chroot will skip" >&2
  fi
fi

TESTLOG="$BUILD_DIR/meson-logs/testlog.json"
rm -f "$TESTLOG"

rc=0
meson test -C "$BUILD_DIR" --no-rebuild --print-errorlogs \
  --num-processes "${VEMU_TEST_JOBS:-2}" \
  --timeout-multiplier "${VEMU_TEST_TIMEOUT_FACTOR:-3}" "$@" || rc=$?

# One JSON object per line, each with a "result": OK, FAIL, SKIP, TIMEOUT,
# EXPECTEDFAIL, UNEXPECTEDPASS, ERROR, ... OK passes, SKIP is counted apart,
# EXPECTEDFAIL (a test marked should_fail, i.e. a known failure) is shown
# apart and does not fail the run, anything else is a failure.
if [ ! -f "$TESTLOG" ]; then
  echo "0 passed, 0 failed, 0 skipped (meson test ran no test)"
  [ "$rc" -ne 0 ] || rc=1
  exit "$rc"
fi

if command -v python3 >/dev/null 2>&1; then
  counts=$(python3 - "$TESTLOG" <<'PY'
import json, sys
ok = failed = skipped = xfail = 0
with open(sys.argv[1]) as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        try:
            result = json.loads(line).get("result")
        except ValueError:
            failed += 1
            continue
        if result == "OK":
            ok += 1
        elif result == "SKIP":
            skipped += 1
        elif result == "EXPECTEDFAIL":
            xfail += 1
        else:
            failed += 1
print(ok, failed, skipped, xfail)
PY
)
else
  results=$(grep -o '"result": *"[A-Z]*"' "$TESTLOG" |
            sed 's/.*"\([A-Z]*\)"$/\1/')
  ok=$(grep -cx OK <<<"$results" || true)
  skipped=$(grep -cx SKIP <<<"$results" || true)
  xfail=$(grep -cx EXPECTEDFAIL <<<"$results" || true)
  total=$(grep -c . <<<"$results" || true)
  counts="$ok $((total - ok - skipped - xfail)) $skipped $xfail"
fi
read -r ok failed skipped xfail <<<"$counts"

line="$ok passed, $failed failed, $skipped skipped"
if [ "$xfail" -gt 0 ]; then
  line="$line, $xfail known failures"
fi
echo "$line"

if [ "$failed" -gt 0 ] && [ "$rc" -eq 0 ]; then
  rc=1
fi
exit "$rc"
