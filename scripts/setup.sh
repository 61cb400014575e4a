#!/usr/bin/env bash
# Prepare a Debian machine to build vemu, then configure and build it.
#
# Safe to run any number of times: packages are installed only when one is
# missing (and `apt-get update` runs only then), the build directory is
# configured only when it has never been or when a meson.build file appeared
# or changed since, and ninja rebuilds only what changed.
#
# Environment:
#   BUILD_DIR   build directory (default: build, relative to the repo root)
#   MESON_ARGS  extra options for meson, e.g. "-Dstatic=true"; applied to
#               an existing build directory with `meson configure`
#
# Output is kept short; the full output of a failing step is printed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD_DIR=${BUILD_DIR:-build}
MESON_ARGS=${MESON_ARGS:-}

PACKAGES=(meson ninja-build pkg-config libglib2.0-dev libcapstone-dev
          libelf-dev check gcc gcc-riscv64-linux-gnu
          linux-libc-dev-riscv64-cross libc6-dev-riscv64-cross
          gcc-aarch64-linux-gnu linux-libc-dev-arm64-cross
          libc6-dev-arm64-cross golang-go debootstrap)

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# Run a command with its output in a log file; print the log if it fails.
LOG=$(mktemp "${TMPDIR:-/tmp}/vemu-setup.XXXXXX")
trap 'rm -f "$LOG"' EXIT
quiet() {
  if ! "$@" >"$LOG" 2>&1; then
    cat "$LOG" >&2
    die "failed: $*"
  fi
}

# --- packages ---------------------------------------------------------------

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    if [ "$status" != "install ok installed" ]; then
      missing+=("$p")
    fi
  done
else
  say "dpkg-query not found: not a Debian system, assuming these are" \
      "installed: ${PACKAGES[*]}"
fi

if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 ||
      die "not root and no sudo; install these packages: ${missing[*]}"
    SUDO=(sudo)
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  quiet "${SUDO[@]}" apt-get update -q
  quiet "${SUDO[@]}" apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
fi

# --- configure --------------------------------------------------------------

# shellcheck disable=SC2206 # MESON_ARGS is a word list on purpose
meson_args=($MESON_ARGS)

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  if [ -f "$BUILD_DIR/meson-private/coredata.dat" ]; then
    say "reconfiguring $BUILD_DIR (previous configuration incomplete)"
    quiet meson setup --reconfigure "$BUILD_DIR" "${meson_args[@]}"
  else
    say "configuring $BUILD_DIR"
    quiet meson setup "$BUILD_DIR" "${meson_args[@]}"
  fi
else
  # ninja re-runs meson by itself when a meson.build it already knows
  # changes, but not when a new one appears (tests/meson.build only includes
  # the suites whose directory exists). A build file newer than build.ninja
  # covers both cases.
  newer=$(find . -path ./.git -prune -o -path "./${BUILD_DIR#./}" -prune -o \
          \( -name meson.build -o -name meson_options.txt \) \
          -newer "$BUILD_DIR/build.ninja" -print | head -n 1)
  if [ -n "$newer" ]; then
    say "reconfiguring $BUILD_DIR ($newer changed)"
    quiet meson setup --reconfigure "$BUILD_DIR" "${meson_args[@]}"
  elif [ "${#meson_args[@]}" -gt 0 ]; then
    quiet meson configure "$BUILD_DIR" "${meson_args[@]}"
  fi
fi

# --- build ------------------------------------------------------------------

BUILD_LOG="$BUILD_DIR/vemu-build.log"
if ! ninja -C "$BUILD_DIR" >"$BUILD_LOG" 2>&1; then
  cat "$BUILD_LOG" >&2
  die "build failed (log: $BUILD_LOG)"
fi
warnings=$(grep -c 'warning:' "$BUILD_LOG" || true)
if [ "$warnings" -gt 0 ]; then
  say "built in $BUILD_DIR with $warnings compiler warning(s); see $BUILD_LOG"
else
  say "built in $BUILD_DIR"
fi
