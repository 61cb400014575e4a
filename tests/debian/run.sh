#!/usr/bin/env bash
# Run real Debian programs under vemu and compare them with the same
# commands run natively (test layer 5; see docs/testing.md, "Debian
# programs"). Heavy: the first run downloads about 60 MB into a cached root
# (tests/debian/make-root.sh); not part of `meson test`.
#
#   tests/debian/run.sh [options] [NAME...]
#
#   --arch ARCH       Debian architecture (default riscv64)
#   --vemu PATH       emulator to test (default: build it with
#                     scripts/setup.sh and use $BUILD_DIR/linux-user/...);
#                     anything taking qemu-user's -L and -0 options works,
#                     e.g. qemu-riscv64 to check the commands themselves
#   --vemu-args ARGS  extra emulator options, e.g. "-backend tci" (split at spaces)
#   --root DIR        Debian root to use (default: make or reuse the cached
#                     one with make-root.sh)
#   --commands FILE   command list (default tests/debian/commands-ARCH.txt)
#   --known FILE      known failures (default, with the default command
#                     list: tests/debian/known-failures-ARCH.txt)
#   --timeout SECS    per command and side (default 120)
#   --keep            keep the work directory (always kept on a failure)
#   NAME...           run only these commands (shell patterns allowed)
#
# Each line of the command list is `NAME | COMMAND`. COMMAND is a bash
# command line run twice from a fresh copy of the same fixture files: once
# with `guest PROG ARGS` running the root's PROG under the emulator
# (`EMULATOR -L ROOT -0 PROG ROOT/usr/bin/PROG ARGS`, the path resolved
# inside the root), once with `guest PROG ARGS` running the host's PROG.
# Everything else in the line runs natively both times, so `guest xz -c f |
# xz -dc` compresses in the guest and decompresses natively. Standard output
# and exit status must match; standard error is only shown.
#
# One line per command: PASS, FAIL, KNOWN (a failure listed in the
# known-failures file, with its reason), XPASS (a known failure that
# passed: counted as a failure, so that the entry gets removed) or SKIP (a
# host tool is missing), then "N passed, N failed, N skipped" plus
# ", N known failures" when there are some. Exits 1 if anything failed, 2 on
# a usage or set-up error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$HERE/common.sh"

say() { printf 'run: %s\n' "$*" >&2; }
die() { printf 'run: error: %s\n' "$*" >&2; exit 2; }
usage() {
  sed -n '/^#   tests/,/^#   NAME/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

ARCH=riscv64
VEMU=""
VEMU_ARGS=""
ROOT=""
COMMANDS=""
KNOWN=""
TIMEOUT=120
KEEP=0
PATTERNS=()
while [ $# -gt 0 ]; do
  case $1 in
    --arch | --vemu | --vemu-args | --root | --commands | --known | --timeout)
      [ $# -ge 2 ] || usage
      case $1 in
        --arch) ARCH=$2 ;;
        --vemu) VEMU=$2 ;;
        --vemu-args) VEMU_ARGS=$2 ;;
        --root) ROOT=$2 ;;
        --commands) COMMANDS=$2 ;;
        --known) KNOWN=$2 ;;
        --timeout) TIMEOUT=$2 ;;
      esac
      shift 2
      ;;
    --keep) KEEP=1; shift ;;
    -h | --help) usage ;;
    -*) usage ;;
    *) PATTERNS+=("$1"); shift ;;
  esac
done

SUITE=$(debian_suite "$ARCH") || die "unsupported architecture '$ARCH'"
VEMU_ARCH=$(vemu_arch_name "$ARCH")
# The known failures go with the default command list; another list has
# none unless --known names them.
if [ -z "$COMMANDS" ]; then
  COMMANDS=$HERE/commands-$ARCH.txt
  if [ -z "$KNOWN" ] && [ -f "$HERE/known-failures-$ARCH.txt" ]; then
    KNOWN=$HERE/known-failures-$ARCH.txt
  fi
fi
[ -f "$COMMANDS" ] || die "$COMMANDS: no such command list"
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "--timeout: not a number of seconds: $TIMEOUT"

# Native programs come from Debian's own directories only (not, say, a
# python3 from pyenv or /usr/local).
HOST_PATH=/usr/bin:/bin:/usr/sbin:/sbin

# --- the command list and the known failures --------------------------------

NAMES=()
declare -A CMD=()
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
  lineno=$((lineno + 1))
  [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
  [[ $line =~ ^([A-Za-z0-9._-]+)[[:space:]]*\|[[:space:]]*(.*)$ ]] ||
    die "$COMMANDS:$lineno: expected 'NAME | COMMAND'"
  name=${BASH_REMATCH[1]}
  cmd=${BASH_REMATCH[2]}
  [ -z "${CMD[$name]:-}" ] || die "$COMMANDS:$lineno: $name: duplicate name"
  [[ $cmd =~ (^|[^A-Za-z0-9_])guest[[:space:]] ]] ||
    die "$COMMANDS:$lineno: $name: runs nothing in the guest (no 'guest PROG')"
  bash -n <<<"$cmd" 2>/dev/null || die "$COMMANDS:$lineno: $name: bash syntax error"
  NAMES+=("$name")
  CMD[$name]=$cmd
done <"$COMMANDS"

declare -A KNOWN_REASON=()
if [ -n "$KNOWN" ]; then
  [ -r "$KNOWN" ] || die "$KNOWN: cannot read"
  lineno=0
  while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    [[ $line =~ ^([A-Za-z0-9._-]+):[[:space:]]*(.+)$ ]] ||
      die "$KNOWN:$lineno: expected 'NAME: reason'"
    name=${BASH_REMATCH[1]}
    [ -n "${CMD[$name]:-}" ] || say "$KNOWN:$lineno: $name: no such command (stale entry?)"
    KNOWN_REASON[$name]=${BASH_REMATCH[2]}
  done <"$KNOWN"
fi

SELECTED=()
for name in "${NAMES[@]}"; do
  if [ ${#PATTERNS[@]} -eq 0 ]; then
    SELECTED+=("$name")
    continue
  fi
  for pat in "${PATTERNS[@]}"; do
    # shellcheck disable=SC2053 # a pattern on purpose
    if [[ $name == $pat ]]; then
      SELECTED+=("$name")
      break
    fi
  done
done
[ ${#SELECTED[@]} -gt 0 ] || die "no command matches: ${PATTERNS[*]}"

# The programs each command runs in the guest.
guest_progs() {
  grep -oE '(^|[^A-Za-z0-9_])guest[[:space:]]+[^[:space:];|&)]+' <<<"$1" |
    sed -E 's/.*guest[[:space:]]+//' | sort -u
}

# --- the emulator and the root --------------------------------------------

if [ -z "$VEMU" ]; then
  BUILD_DIR=${BUILD_DIR:-build}
  (cd "$REPO" && BUILD_DIR=$BUILD_DIR bash scripts/setup.sh >&2) ||
    die "setup or build failed"
  case $BUILD_DIR in
    /*) VEMU=$BUILD_DIR ;;
    *) VEMU=$REPO/$BUILD_DIR ;;
  esac
  VEMU=$VEMU/linux-user/$VEMU_ARCH/vemu-$VEMU_ARCH
elif [[ $VEMU != */* ]]; then
  VEMU=$(type -P "$VEMU") || die "--vemu: $VEMU not found in PATH"
fi
[ -x "$VEMU" ] || die "$VEMU: not an executable"
VEMU=$(cd "$(dirname "$VEMU")" && pwd)/$(basename "$VEMU")

if [ -z "$ROOT" ]; then
  ROOT=$("$HERE/make-root.sh" "$ARCH" | tail -n 1) || die "could not make the $ARCH root"
fi
[ -d "$ROOT" ] || die "$ROOT: no such directory"
ROOT=$(cd "$ROOT" && pwd)
ld=$(debian_loader "$ARCH")
[ -f "$(root_resolve "$ROOT" "$ld")" ] || die "$ROOT: $ld does not resolve inside the root"

# --- host tools -----------------------------------------------------------

# The Debian package giving the host a program the commands run natively.
host_package() {
  case $1 in
    busybox) echo busybox ;;
    lua5.4) echo lua5.4 ;;
    sqlite3) echo sqlite3 ;;
    python3) echo python3 ;;
    perl) echo perl ;;
    xz) echo xz-utils ;;
    gzip) echo gzip ;;
    *) return 1 ;;
  esac
}
declare -A ALL_PROGS=()
for name in "${SELECTED[@]}"; do
  while read -r p; do ALL_PROGS[$p]=1; done < <(guest_progs "${CMD[$name]}")
done
missing=()
for p in "${!ALL_PROGS[@]}"; do
  if ! PATH=$HOST_PATH type -P "$p" >/dev/null; then
    pkg=$(host_package "$p") && missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=()
  [ "$(id -u)" -eq 0 ] || SUDO=(sudo -n)
  say "installing host packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    "${SUDO[@]}" apt-get update -q >/dev/null 2>&1 || true
    "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
      say "could not install ${missing[*]}: the commands needing them are skipped"
  fi
fi

# Host path of each guest program inside the root, as a case statement for
# the guest side's scripts. A name without a slash is looked up in the
# guest's PATH.
guest_case=""
for p in "${!ALL_PROGS[@]}"; do
  host=""
  if [[ $p == /* ]]; then
    host=$(root_resolve "$ROOT" "$p") || host=""
  else
    for dir in /usr/bin /usr/sbin /bin /sbin; do
      h=$(root_resolve "$ROOT" "$dir/$p") || continue
      if [ -f "$h" ] && [ -x "$h" ]; then
        host=$h
        break
      fi
    done
  fi
  if [ -z "$host" ] || [ ! -f "$host" ]; then
    continue
  fi
  guest_case+="    $(printf '%q' "$p")) printf '%s\\n' $(printf '%q' "$host") ;;"$'\n'
done

# --- work directory and fixtures -------------------------------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vemu-debian.XXXXXX")
# vemu's translation cache (docs/architecture.md): one for the whole run,
# not one in each command's HOME, where the guest side would see it.
TB_CACHE=${VEMU_TB_CACHE:-$WORK/tb-cache}
TB_VERIFY=${VEMU_TB_CACHE_VERIFY:-}
mkdir "$WORK/fixtures"
# Deterministic inputs: words (with repeats), numbers, a binary file with
# random, textual and low-entropy parts.
PATH=$HOST_PATH python3 - "$WORK/fixtures" <<'PY'
import os, random, sys
d = sys.argv[1]
r = random.Random(20250601)
syl = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "xe", "zu",
       "an", "el", "is", "or", "ut", "st", "ch", "qu", "ba", "de"]
words = ["".join(r.choice(syl) for _ in range(r.randint(1, 5)))
         for _ in range(3000)]
with open(os.path.join(d, "words.txt"), "w") as f:
    f.write("\n".join(words) + "\n")
with open(os.path.join(d, "nums.txt"), "w") as f:
    f.write("".join("%d\n" % r.randint(-10**6, 10**6) for _ in range(2000)))
with open(os.path.join(d, "hello.txt"), "w") as f:
    f.write("hello, world\n")
data = (r.randbytes(96 * 1024) + " ".join(words).encode() * 4
        + bytes(r.choice(b"\x00\x01\xfe\xff") for _ in range(96 * 1024)))
with open(os.path.join(d, "data.bin"), "wb") as f:
    f.write(data)
PY

# --- running one side -----------------------------------------------------

vemu_args=""
read -ra words <<<"$VEMU_ARGS"
for w in "${words[@]}"; do
  vemu_args+=" $(printf '%q' "$w")"
done

# run_side MODE NAME: run NAME's command as MODE (guest or native) in
# $WORK/NAME/MODE; leaves out, err, rc and, for the guest, progs (one line
# "PROG STATUS" per program run in the guest).
run_side() {
  local mode=$1 name=$2 dir=$WORK/$2/$1 rc=0 pid
  mkdir -p "$dir/cwd"
  cp -a "$WORK/fixtures/." "$dir/cwd/"
  : >"$dir/progs"
  {
    echo 'set -o pipefail'
    if [ "$mode" = guest ]; then
      cat <<EOF
guest_path() {
  case \$1 in
$guest_case    *) return 1 ;;
  esac
}
guest() {
  local name=\$1 host rc=0
  shift
  if ! host=\$(guest_path "\$name"); then
    echo "guest: \$name: not in the root" >&2
    echo "\$name 127" >>$(printf '%q' "$dir/progs")
    return 127
  fi
  $(printf '%q' "$VEMU")$vemu_args -L $(printf '%q' "$ROOT") -0 "\$name" "\$host" "\$@" || rc=\$?
  echo "\$name \$rc" >>$(printf '%q' "$dir/progs")
  return \$rc
}
EOF
    else
      cat <<'EOF'
guest() {
  local name=$1 path
  shift
  if ! path=$(type -P "$name"); then
    echo "native: $name: not found" >&2
    return 127
  fi
  (exec -a "$name" "$path" "$@")
}
EOF
    fi
    printf '%s\n' "${CMD[$name]}"
  } >"$dir/script.sh"
  # timeout leads a process group of its own: whatever is left in it when
  # the side ends (a guest that ignored SIGTERM) is killed by that id.
  (cd "$dir/cwd" &&
    exec timeout -k 10 "$TIMEOUT" env -i PATH="$HOST_PATH" HOME="$dir/cwd" \
      VEMU_TB_CACHE="$TB_CACHE" VEMU_TB_CACHE_VERIFY="$TB_VERIFY" \
      LC_ALL=C TZ=UTC PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 \
      bash "$dir/script.sh") </dev/null >"$dir/out" 2>"$dir/err" &
  pid=$!
  wait "$pid" || rc=$?
  kill -KILL -- "-$pid" 2>/dev/null || true
  echo "$rc" >"$dir/rc"
}

signame() {
  local s
  s=$(kill -l "$1" 2>/dev/null) && echo "SIG$s" || echo "signal $1"
}

# Why the guest side differs from the native one, in one line.
describe() {
  local g=$WORK/$1/guest n=$WORK/$1/native grc nrc what="" p s msg
  grc=$(cat "$g/rc")
  nrc=$(cat "$n/rc")
  if [ "$grc" -eq 124 ]; then
    what="timed out after ${TIMEOUT} s"
  fi
  while read -r p s; do
    if [ "$s" -gt 128 ] && [ -z "$what" ]; then
      what="$p killed by $(signame $((s - 128)))"
    fi
  done <"$g/progs"
  if [ -z "$what" ]; then
    if [ "$grc" -ne "$nrc" ]; then
      what="exit status $grc, native $nrc"
    else
      msg=$(cmp "$g/out" "$n/out" 2>&1 | head -n 1 | sed 's/.*differ: //') || true
      what="stdout differs ($(wc -c <"$g/out") bytes, native $(wc -c <"$n/out"); $msg)"
    fi
  fi
  # The emulator's own message, when it gave one (e.g. the faulting pc).
  msg=$(grep -m 1 -E 'uncaught target signal|vemu-[a-z0-9]+:|qemu: ' "$g/err" 2>/dev/null) || true
  [ -z "$msg" ] || what="$what: ${msg:0:110}"
  printf '%s\n' "$what"
}

# --- the run --------------------------------------------------------------

say "emulator: $VEMU$vemu_args"
say "root: $ROOT ($SUITE)"
say "commands: $COMMANDS (${#SELECTED[@]} of ${#NAMES[@]}); work directory: $WORK"

passed=0 failed=0 skipped=0 known=0
failures=()
t0=$SECONDS
for name in "${SELECTED[@]}"; do
  lack=""
  while read -r p; do
    [ -n "$p" ] || continue
    if [[ $p != /* ]] && ! PATH=$HOST_PATH type -P "$p" >/dev/null; then
      lack+=" $p"
    fi
  done < <(guest_progs "${CMD[$name]}")
  if [ -n "$lack" ]; then
    printf '%-5s %-26s %s\n' SKIP "$name" "host lacks:$lack"
    skipped=$((skipped + 1))
    continue
  fi

  run_side native "$name"
  run_side guest "$name"
  nrc=$(cat "$WORK/$name/native/rc")
  reason=${KNOWN_REASON[$name]:-}
  if [ "$nrc" -eq 124 ] || [ "$nrc" -eq 127 ]; then
    # The native side must work: it is the expectation. (Other statuses
    # are compared: a command may test an error exit, or end in SIGPIPE.)
    printf '%-5s %-26s %s\n' FAIL "$name" \
      "native run failed (status $nrc): $(head -c 200 "$WORK/$name/native/err" | head -n 1)"
    failed=$((failed + 1))
    failures+=("$name")
  elif [ "$(cat "$WORK/$name/guest/rc")" = "$nrc" ] &&
       cmp -s "$WORK/$name/guest/out" "$WORK/$name/native/out"; then
    if [ -n "$reason" ]; then
      printf '%-5s %-26s %s\n' XPASS "$name" \
        "known failure passed: remove it from $(basename "$KNOWN") ($reason)"
      failed=$((failed + 1))
      failures+=("$name")
    else
      printf '%-5s %s\n' PASS "$name"
      passed=$((passed + 1))
    fi
  elif [ -n "$reason" ]; then
    printf '%-5s %-26s %s [%s]\n' KNOWN "$name" "$reason" "$(describe "$name")"
    known=$((known + 1))
  else
    printf '%-5s %-26s %s\n' FAIL "$name" "$(describe "$name")"
    failed=$((failed + 1))
    failures+=("$name")
  fi
done

say "$((SECONDS - t0)) s"
if [ "$failed" -gt 0 ]; then
  say "failed: ${failures[*]}"
  say "kept $WORK: NAME/{guest,native}/{script.sh,out,err,rc}; rerun one with: $0 --arch $ARCH --vemu $VEMU NAME"
elif [ "$KEEP" -eq 1 ]; then
  say "kept $WORK"
else
  rm -rf "$WORK"
fi

line="$passed passed, $failed failed, $skipped skipped"
[ "$known" -eq 0 ] || line="$line, $known known failures"
echo "$line"
[ "$failed" -eq 0 ]
