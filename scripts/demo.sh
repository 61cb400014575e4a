#!/usr/bin/env bash
# Set up and build vemu (scripts/setup.sh), then run the bundled example:
# vemu-selftest runs a small program for the toy guest on the native x86-64
# backend and on the interpreter and checks that both agree.
#
# Arguments go to vemu-selftest (e.g. -d in_asm,out_asm).
# Environment: BUILD_DIR (default: build).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD_DIR=${BUILD_DIR:-build}
export BUILD_DIR

bash scripts/setup.sh

exe="$BUILD_DIR/tests/toy/vemu-selftest"
if [ ! -x "$exe" ]; then
  echo "demo: $exe was not built (is -Dtests=false set?)" >&2
  exit 1
fi
exec "$exe" "$@"
