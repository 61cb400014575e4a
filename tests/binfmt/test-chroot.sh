#!/usr/bin/env bash
# The foreign-chroot test of binfmt_misc: a Debian arm64 root is completed
# by `debootstrap --second-stage` running entirely under vemu-aarch64
# (registered with F, so the static emulator is used inside the chroot),
# then `chroot ROOT /bin/sh -c ...` runs coreutils, dpkg, pipelines, a #!
# script and /proc/self/exe there. The completed root is cached under
# ${VEMU_CACHE:-~/.cache/vemu}/roots/arm64-bookworm-chroot (with a stamp
# file; rebuilt only when the stamp is missing), since the first stage
# needs the network (~20 s) and the second stage takes ~70 s.
#
# It needs real root in the initial user namespace (the second stage makes
# device nodes) and the host's binfmt_misc, where it uses an entry name of
# its own that it always removes; it also unmounts whatever it mounted.
# Without those, without debootstrap, a static emulator or the network it
# exits 77 with the reason.
#
# usage: test-chroot.sh TOOL EMU-AARCH64
#   EMU-AARCH64 must be static; otherwise VEMU_STATIC_AARCH64 names a static
#   one (meson setup B -Dstatic=true -Dtests=false; ninja -C B
#   linux-user/aarch64/vemu-aarch64).
set -u
[ $# -eq 2 ] || { echo "usage: $0 TOOL EMU-AARCH64"; exit 2; }
tool=$(readlink -f "$1")
emu=$(readlink -f "${VEMU_STATIC_AARCH64:-$2}")
. "$(dirname "$(readlink -f "$0")")/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs real root (debootstrap --second-stage makes device nodes; binfmt entries are system-wide)"
in_initial_userns || skip "runs in a user namespace: device nodes cannot be made here"
command -v debootstrap >/dev/null || skip "debootstrap is not installed"
[ -x "$emu" ] || skip "no emulator at $emu"
is_static "$emu" ||
    skip "$emu is dynamically linked and cannot run inside the chroot; set VEMU_STATIC_AARCH64 to a static build's (meson setup -Dstatic=true)"

cache=${VEMU_CACHE:-$HOME/.cache/vemu}
root=$cache/roots/arm64-bookworm-chroot
stamp=$root.stamp
mkdir -p "$cache/roots" || skip "cannot create $cache/roots"

# One run at a time per cache: a second one would share the root's mounts.
exec 9>"$root.lock"
flock -w 1800 9 || skip "another test-chroot.sh holds $root.lock"

# Every mount under the root is ours (the lock excludes other runs), left by
# debootstrap (its proc/sys) or by this script; undo them deepest first.
umount_under_root() {
    local m
    awk -v r="$root" '$5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo |
        sort -r | while read -r m; do
        umount "$m" 2>/dev/null || umount -l "$m"
    done
}
umount_under_root
at_exit umount_under_root

use_host_binfmt chroot
out=$("$tool" install --path "$(dirname "$emu")" --flags F aarch64 2>&1) ||
    skip "cannot register with the host's binfmt_misc: $out"
echo "$out"
entry=$VEMU_BINFMT_DIR/${VEMU_BINFMT_PREFIX}aarch64

# Guest commands run with a clean environment, as a login in the root would.
run() { # run SHELL-COMMAND: its output and status, inside the root
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C chroot "$root" /bin/sh -c "$1" 2>&1
}

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# --- make the root when the stamp is missing --------------------------------
if [ ! -e "$stamp" ]; then
    rm -rf "$root"
    mkdir -p "$cache/debootstrap-arm64-bookworm"
    echo "first stage: debootstrap --foreign --arch=arm64 --variant=minbase bookworm"
    t0=$(date +%s.%N)
    if ! debootstrap --foreign --arch=arm64 --variant=minbase \
        --cache-dir="$cache/debootstrap-arm64-bookworm" \
        bookworm "$root" http://deb.debian.org/debian >"$root.debootstrap.log" 2>&1; then
        tail -5 "$root.debootstrap.log"
        rm -rf "$root"
        skip "debootstrap --foreign failed (network?), log: $root.debootstrap.log"
    fi
    t1=$(date +%s.%N)
    echo "first stage: $(elapsed "$t0" "$t1") s"
    echo "second stage: chroot $root /debootstrap/debootstrap --second-stage (under vemu-aarch64)"
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
        chroot "$root" /debootstrap/debootstrap --second-stage >>"$root.debootstrap.log" 2>&1
    rc=$?
    t2=$(date +%s.%N)
    secs=$(elapsed "$t1" "$t2")
    echo "second stage: $secs s, status $rc"
    umount_under_root
    if [ $rc -ne 0 ]; then
        tail -20 "$root.debootstrap.log"
        [ -f "$root/debootstrap/debootstrap.log" ] && tail -20 "$root/debootstrap/debootstrap.log"
        fail "debootstrap --second-stage failed under vemu-aarch64 (status $rc); the root is rebuilt next time"
        finish
        exit
    fi
    ok
    printf 'completed %s by debootstrap --second-stage under %s in %s s\n' \
        "$(date -u +%FT%TZ)" "$emu" "$secs" >"$stamp"
else
    echo "using the cached root $root ($(cat "$stamp"))"
fi

# --- the entry is ours and in use ---------------------------------------------
check "$entry is enabled with F" grep -qx 'flags: F' "$entry"
# VEMU_SET_ENV is read by vemu only: the variable appearing in the guest's
# environment shows the kernel chose our entry, not another emulator's.
out=$(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin VEMU_SET_ENV=VEMU_CHROOT_PROOF=yes chroot "$root" /usr/bin/env 2>&1)
check "vemu-aarch64 is the interpreter (VEMU_SET_ENV honoured): $out" grep -qx VEMU_CHROOT_PROOF=yes <<<"$out"

# --- without /proc: every exec goes back through binfmt_misc ------------------
check "no /proc mounted in the root yet" test ! -e "$root/proc/self"
check_eq "ls / | wc -l without /proc" "$(ls -A "$root" | wc -l)" "$(run 'ls -A / | wc -l')"
check_eq "uname -m" aarch64 "$(run 'uname -m')"

# --- with /proc -------------------------------------------------------------------
mount -t proc proc "$root/proc" || fail "cannot mount proc in $root"
check_eq "ls /usr/bin | wc -l" "$(ls "$root/usr/bin" | wc -l)" "$(run 'ls /usr/bin | wc -l')"
n=$(grep -c '^Status: install ok installed' "$root/var/lib/dpkg/status")
check "at least 80 packages installed ($n)" test "$n" -ge 80
check_eq "dpkg -l | grep -c ^ii" "$n" "$(run 'dpkg -l | grep -c ^ii')"
check_eq "dpkg -s coreutils | grep Status" "Status: install ok installed" \
    "$(run 'dpkg -s coreutils | grep Status')"
check_eq "dpkg --print-architecture" arm64 "$(run 'dpkg --print-architecture')"
check_eq "dpkg --verify coreutils (md5sums of its files)" "" "$(run 'dpkg --verify coreutils; echo $? | grep -v ^0$')"
check_eq "cat /etc/os-release | grep VERSION_ID" 'VERSION_ID="12"' \
    "$(run 'cat /etc/os-release | grep VERSION_ID')"
check_eq "sort | uniq -c | sort -rn pipeline" "      3 a" \
    "$(run 'printf "b\na\nc\na\na\n" | sort | uniq -c | sort -rn | head -1')"

# A #! script: the kernel runs /bin/sh (foreign, so through binfmt again).
script=/tmp/vemu-chroot-test$$.sh
printf '#!/bin/sh\necho "script $0 $# $1 $2 $(uname -m)"\n' >"$root$script"
chmod +x "$root$script"
at_exit "rm -f '$root$script'"
check_eq "#! script" "script $script 2 a b c aarch64" "$(run "$script a 'b c'")"
check_eq "#! script started directly by chroot" "script $script 1 x  aarch64" \
    "$(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$root" "$script" x 2>&1)"

# /proc/self/exe names the guest program inside the root, not the emulator.
check_eq "readlink /proc/self/exe" /usr/bin/readlink "$(run 'readlink /proc/self/exe')"
check_eq "ls -l /proc/self/exe" /usr/bin/ls "$(run 'ls -l /proc/self/exe | sed "s/.* -> //"')"
# (Another process's /proc/PID/exe, such as the shell's read by a child,
# names the emulator, as under qemu-user: only a process's own view of
# itself is translated.)
check_eq "a guest running /proc/self/exe again" "dash-again" \
    "$(run 'exec /proc/self/exe -c "echo dash-again"')"
umount "$root/proc" || fail "cannot unmount $root/proc"

finish
