#!/usr/bin/env bash
# Set up and build vemu (scripts/setup.sh), then run the bundled examples:
# 1. vemu-riscv64 runs a bundled riscv64 Linux program (tests/guest/riscv64/
#    guest.c, cross-built by the build), which prints a greeting and the
#    sum of the first 3000 primes;
# 2. vemu-aarch64 runs a bundled aarch64 glibc program (tests/guest/
#    aarch64/isa-prog.c, cross-built static), which computes each
#    instruction group's checks (integer, CRC32, FP in four rounding modes,
#    SIMD, atomics); the same source built natively prints the same lines;
# 3. vemu-selftest runs a toy-guest program on the native x86-64 backend
#    and on the interpreter and checks that both agree with C.
#
# Arguments go to vemu-selftest (e.g. -d in_asm,out_asm).
# Environment: BUILD_DIR (default: build).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD_DIR=${BUILD_DIR:-build}
export BUILD_DIR

bash scripts/setup.sh

vemu="$BUILD_DIR/linux-user/riscv64/vemu-riscv64"
guest="$BUILD_DIR/tests/guest/riscv64/guest-riscv64"
selftest="$BUILD_DIR/tests/toy/vemu-selftest"
vemu_a64="$BUILD_DIR/linux-user/aarch64/vemu-aarch64"
isa_a64="$BUILD_DIR/tests/guest/aarch64/isa-static-aarch64"
isa_native="$BUILD_DIR/tests/guest/aarch64/isa-native"
for f in "$vemu" "$guest" "$selftest" "$vemu_a64" "$isa_a64" "$isa_native"; do
  if [ ! -e "$f" ]; then
    echo "demo: $f was not built (is -Dtests=false set?)" >&2
    exit 1
  fi
done

echo "== $vemu $guest"
"$vemu" "$guest"
echo "== $vemu $guest primes 3   (sum of the first 3000 primes)"
"$vemu" "$guest" primes 3
echo "== $vemu_a64 $isa_a64   (then the native build: the lines must match)"
"$vemu_a64" "$isa_a64" > "$BUILD_DIR/isa-aarch64.out"
cat "$BUILD_DIR/isa-aarch64.out"
if "$isa_native" | cmp -s - "$BUILD_DIR/isa-aarch64.out"; then
  echo "   same as the native build"
else
  echo "demo: vemu-aarch64's output differs from the native build" >&2
  exit 1
fi
echo "== $selftest"
exec "$selftest" "$@"
