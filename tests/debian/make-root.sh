#!/usr/bin/env bash
# Create, or reuse, a cached Debian root file system for one architecture,
# for running real Debian programs under vemu (tests/debian/run.sh).
#
#   tests/debian/make-root.sh [--cache DIR] ARCH     # ARCH: riscv64 or arm64
#
# The root is $VEMU_CACHE/roots/ARCH-SUITE (VEMU_CACHE defaults to
# ~/.cache/vemu), outside the source tree; riscv64 uses trixie, arm64
# bookworm. Its path is printed on standard output; progress goes to
# standard error.
#
# No foreign code runs at any point:
#   1. `debootstrap --foreign --variant=minbase` unpacks the base system
#      (the second stage, which would run the foreign maintainer scripts,
#      is never run);
#   2. the extra packages below and their dependencies that the base lacks
#      are fetched with apt-get through a private configuration (its own
#      sources list, package lists and cache under $VEMU_CACHE/apt; the
#      machine's apt set-up is not touched), each .deb unpacked with
#      `dpkg -x` into an empty directory and merged into the root with tar
#      --keep-directory-symlink, so the merged-usr links (/lib -> usr/lib)
#      survive.
# A finished root holds a stamp file (.vemu-root-stamp) recording the format
# version, suite, architecture and package list; when it matches, a re-run
# only checks the root and prints its path. When the list changes, step 2
# runs again (packages are added, never removed: delete the root to start
# over). An unfinished debootstrap is started again from scratch.
#
# Needs root (debootstrap does), or sudo. Installs debootstrap with apt-get
# when it is missing. Network: deb.debian.org only.
#
# Environment: VEMU_CACHE (cache directory), VEMU_DEBIAN_MIRROR (default
# http://deb.debian.org/debian).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$HERE/common.sh"

# Bump when the way a root is made changes; part of the stamp.
ROOT_FORMAT=1

# Extra packages beyond minbase. Their dependencies are added as needed.
# Already in minbase, listed so that the list says what the tests use:
# coreutils, gzip, perl-base.
extra_packages() {
  case $1 in
    riscv64 | arm64)
      echo coreutils gzip perl-base python3-minimal libpython3-stdlib \
        busybox-static xz-utils lua5.4 sqlite3
      ;;
  esac
}

say() { printf 'make-root: %s\n' "$*" >&2; }
die() { printf 'make-root: error: %s\n' "$*" >&2; exit 1; }
usage() {
  echo "usage: $0 [--cache DIR] ARCH   (ARCH: riscv64 or arm64)" >&2
  exit 2
}

CACHE=${VEMU_CACHE:-$HOME/.cache/vemu}
MIRROR=${VEMU_DEBIAN_MIRROR:-http://deb.debian.org/debian}
ARCH=""
while [ $# -gt 0 ]; do
  case $1 in
    --cache) [ $# -ge 2 ] || usage; CACHE=$2; shift 2 ;;
    --cache=*) CACHE=${1#*=}; shift ;;
    -h | --help) usage ;;
    -*) usage ;;
    *) [ -z "$ARCH" ] || usage; ARCH=$1; shift ;;
  esac
done
[ -n "$ARCH" ] || usage
SUITE=$(debian_suite "$ARCH") || die "unsupported architecture '$ARCH' (riscv64 or arm64)"

mkdir -p "$CACHE/roots"
CACHE=$(cd "$CACHE" && pwd)
ROOT=$CACHE/roots/$ARCH-$SUITE
APTDIR=$CACHE/apt/$ARCH-$SUITE
STAMP=$ROOT/.vemu-root-stamp
DONE_DEBOOTSTRAP=$ROOT/.vemu-debootstrap-done
LOADER=$(debian_loader "$ARCH")

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "debootstrap needs root: run as root or install sudo"
  SUDO=(sudo)
fi

stamp_text() {
  printf 'vemu debian root format %s\narch %s\nsuite %s\nmirror %s\npackages %s\n' \
    "$ROOT_FORMAT" "$ARCH" "$SUITE" "$MIRROR" "$(extra_packages "$ARCH")"
}

# The loader named in every binary's PT_INTERP must resolve inside the root
# (its links are absolute in Debian; vemu's -L re-roots them as done here).
check_root() {
  local ld
  ld=$(root_resolve "$ROOT" "$LOADER") || die "$ROOT$LOADER: symbolic link loop"
  [ -f "$ld" ] || die "$ROOT: $LOADER does not resolve inside the root (got $ld)"
  local p
  for p in /usr/bin/python3 /usr/bin/perl /usr/bin/lua5.4 /usr/bin/sqlite3 \
      /usr/bin/xz /usr/bin/gzip /usr/bin/busybox /usr/bin/sort; do
    [ -f "$(root_resolve "$ROOT" "$p")" ] || die "$ROOT: $p missing"
  done
}

# One run at a time per root.
exec 9>"$CACHE/roots/.$ARCH-$SUITE.lock"
flock 9

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(stamp_text)" ]; then
  check_root
  printf '%s\n' "$ROOT"
  exit 0
fi

t_start=$SECONDS

# --- 1. debootstrap --foreign ---------------------------------------------

if [ ! -f "$DONE_DEBOOTSTRAP" ]; then
  if ! command -v debootstrap >/dev/null 2>&1; then
    say "installing debootstrap"
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get install -y -q debootstrap >/dev/null 2>&1 || {
      "${SUDO[@]}" apt-get update -q >/dev/null
      "${SUDO[@]}" apt-get install -y -q debootstrap >/dev/null
    }
  fi
  if [ -e "$ROOT" ]; then
    say "removing the unfinished root $ROOT"
    "${SUDO[@]}" rm -rf --one-file-system "$ROOT"
  fi
  mkdir -p "$CACHE/debootstrap-debs/$ARCH-$SUITE"
  say "debootstrap --foreign $ARCH $SUITE into $ROOT"
  log=$CACHE/roots/$ARCH-$SUITE.debootstrap.log
  if ! "${SUDO[@]}" debootstrap --foreign --arch="$ARCH" --variant=minbase \
      --cache-dir="$CACHE/debootstrap-debs/$ARCH-$SUITE" \
      "$SUITE" "$ROOT" "$MIRROR" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "debootstrap failed (log: $log)"
  fi
  "${SUDO[@]}" touch "$DONE_DEBOOTSTRAP"
  say "debootstrap done in $((SECONDS - t_start)) s"
fi

# --- 2. extra packages ----------------------------------------------------

t_extra=$SECONDS
mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$APTDIR/debs"
{
  echo "deb [arch=$ARCH] $MIRROR $SUITE main"
  if [ "$SUITE" = bookworm ]; then
    echo "deb [arch=$ARCH] $MIRROR bookworm-updates main"
    echo "deb [arch=$ARCH] ${MIRROR%/debian}/debian-security bookworm-security main"
  fi
} >"$APTDIR/sources.list"
: >"$APTDIR/status"
APT_OPTS=(-o "Dir::Etc::SourceList=$APTDIR/sources.list"
          -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::State::Lists=$APTDIR/lists"
          -o "Dir::Cache=$APTDIR/cache"
          -o "Dir::State::status=$APTDIR/status"
          -o "APT::Architecture=$ARCH" -o "APT::Architectures=$ARCH"
          -o Debug::NoLocking=1 -q)

say "apt-get update ($SUITE, $ARCH, private lists in $APTDIR)"
log=$APTDIR/update.log
apt-get "${APT_OPTS[@]}" update >"$log" 2>&1 || { cat "$log" >&2; die "apt-get update failed"; }

# Packages the root already has: those debootstrap unpacked, and those merged
# by an earlier run.
declare -A have=()
if [ -f "$ROOT/debootstrap/debpaths" ]; then
  while read -r name _; do have[$name]=1; done <"$ROOT/debootstrap/debpaths"
fi
if [ -f "$ROOT/.vemu-extra-packages" ]; then
  while read -r name _; do have[$name]=1; done <"$ROOT/.vemu-extra-packages"
fi

# Dependency closure, breadth first. For each package `apt-cache depends`
# prints its Depends and Pre-Depends; alternatives ("a | b") are marked with
# "|", a virtual package is <name> followed by its providers. For each
# dependency (one line of alternatives from the awk script) the first
# alternative the root has, or will have, satisfies it; else the first one.
dep_groups() {
  apt-cache "${APT_OPTS[@]}" depends --no-recommends --no-suggests \
    --no-conflicts --no-breaks --no-replaces --no-enhances "$@" |
  awk '
    function flush() { if (grp != "") print grp; grp = "" }
    /^[^ ]/ { flush(); cont = 0; virt = 0; next }
    /^ [ |](Pre)?Depends: / {
      if (!cont) flush()
      cont = (substr($0, 2, 1) == "|")
      name = $2; sub(/:.*/, "", name)
      virt = (name ~ /^</)
      if (!virt) grp = grp " " name
      next
    }
    /^    / { if (virt) { name = $1; sub(/:.*/, "", name); grp = grp " " name }; next }
    { virt = 0 }
    END { flush() }'
}

declare -A want=()
read -ra frontier <<<"$(extra_packages "$ARCH")"
for p in "${frontier[@]}"; do
  [ -n "${have[$p]:-}" ] || want[$p]=1
done
while [ ${#frontier[@]} -gt 0 ]; do
  next=()
  while read -ra alts; do
    chosen=""
    for a in "${alts[@]}"; do
      if [ -n "${have[$a]:-}" ] || [ -n "${want[$a]:-}" ]; then
        chosen=$a
        break
      fi
    done
    if [ -z "$chosen" ]; then
      want[${alts[0]}]=1
      next+=("${alts[0]}")
    fi
  done < <(dep_groups "${frontier[@]}")
  frontier=("${next[@]}")
done

fetch=()
if [ ${#want[@]} -gt 0 ]; then
  mapfile -t fetch < <(printf '%s\n' "${!want[@]}" | sort)
fi
if [ ${#fetch[@]} -gt 0 ]; then
  say "fetching ${#fetch[@]} packages: ${fetch[*]}"
  log=$APTDIR/download.log
  # apt-get download writes into the current directory; .debs from earlier
  # runs are kept there and not fetched again.
  (cd "$APTDIR/debs" && apt-get "${APT_OPTS[@]}" download "${fetch[@]}") >"$log" 2>&1 ||
    { cat "$log" >&2; die "apt-get download failed"; }

  stage=$(mktemp -d "${TMPDIR:-/tmp}/vemu-root-stage.XXXXXX")
  trap '"${SUDO[@]}" rm -rf "$stage"' EXIT
  record=()
  for p in "${fetch[@]}"; do
    ver=$(apt-cache "${APT_OPTS[@]}" show --no-all-versions "$p" |
       sed -n 's/^Version: //p' | head -n 1)
    deb_arch=$(apt-cache "${APT_OPTS[@]}" show --no-all-versions "$p" |
         sed -n 's/^Architecture: //p' | head -n 1)
    # File names as apt-get download writes them: the epoch's colon is
    # %3a.
    deb=$APTDIR/debs/${p}_${ver//:/%3a}_${deb_arch}.deb
    [ -f "$deb" ] || die "$deb: not downloaded"
    "${SUDO[@]}" dpkg -x "$deb" "$stage"
    record+=("$p $ver")
  done
  say "merging into $ROOT"
  "${SUDO[@]}" tar -C "$stage" -cf - . | "${SUDO[@]}" tar -C "$ROOT" --keep-directory-symlink -xf -
  printf '%s\n' "${record[@]}" | "${SUDO[@]}" tee -a "$ROOT/.vemu-extra-packages" >/dev/null
fi
say "extra packages done in $((SECONDS - t_extra)) s"

check_root
stamp_text | "${SUDO[@]}" tee "$STAMP" >/dev/null
say "root ready in $((SECONDS - t_start)) s: $(du -sh "$ROOT" 2>/dev/null | cut -f1)"
printf '%s\n' "$ROOT"
