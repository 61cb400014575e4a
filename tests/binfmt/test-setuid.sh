#!/usr/bin/env bash
# Set-id foreign programs and binfmt_misc's C flag. A static aarch64
# program that prints its ids and AT_SECURE is installed set-uid root, and
# set-gid root, and run by an unprivileged user (nobody) as plain ./prog:
#  - through an entry with C the kernel gives the emulator the file's
#    credentials (so vemu itself runs set-id: that is what C means) and the
#    guest must see euid 0 (or egid 0) and AT_SECURE=1;
#  - through an entry without C the kernel ignores the file's set-id bits
#    (they apply to the interpreter, which has none): euid stays nobody's
#    and AT_SECURE=0.
# Set-id bits mean nothing inside a user namespace, so this needs real
# root and the host's binfmt_misc, where it uses entry names of its own
# and always removes them; otherwise it exits 77 with the reason.
#
# usage: test-setuid.sh TOOL EMU-AARCH64 SHOW-IDS-AARCH64|-
set -u
[ $# -eq 3 ] || { echo "usage: $0 TOOL EMU-AARCH64 SHOW-IDS-AARCH64"; exit 2; }
. "$(dirname "$(readlink -f "$0")")/lib.sh"
tool=$(readlink -f "$1")
emu=$(readlink -f "$2")
[ "$3" != - ] || skip "no aarch64 test program (aarch64-linux-gnu-gcc missing)"
prog=$(readlink -f "$3")
# The test set-up's translation cache is root's directory: nobody may not
# use it, and vemu would say so on stderr.
unset VEMU_TB_CACHE

[ "$(id -u)" = 0 ] || skip "needs real root (to make a set-uid root file and register host entries)"
in_initial_userns || skip "runs in a user namespace, where set-id files do not give real root"
command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
user=nobody group=nogroup
uid=$(id -u "$user" 2>/dev/null) || skip "no user $user"
gid=$(getent group "$group" | cut -d: -f3)
[ -n "$gid" ] || skip "no group $group"

tmp=$(mktemp -d)
at_exit 'rm -rf "$tmp"'
chmod 755 "$tmp"
case ,$(findmnt -no OPTIONS -T "$tmp"), in
*,nosuid,*) skip "$tmp is on a nosuid mount (set TMPDIR elsewhere)" ;;
esac
as_user() { setpriv --reuid="$user" --regid="$group" --clear-groups "$@"; }
# The kernel opens a non-F interpreter with the caller's rights.
as_user test -x "$emu" || skip "$user cannot execute $emu (a parent directory is closed to it)"

# suid: set-uid root; sgid: set-gid root; plain: neither, the control.
for f in suid sgid plain; do
    cp "$prog" "$tmp/$f"
    chown root:root "$tmp/$f"
done
chmod 4755 "$tmp/suid"
chmod 2755 "$tmp/sgid"
chmod 0755 "$tmp/plain"

use_host_binfmt suid
entry=$VEMU_BINFMT_DIR/${VEMU_BINFMT_PREFIX}aarch64
ids() { echo "uid=$uid euid=$1 gid=$gid egid=$2 secure=$3"; }

for fl in C CF F ''; do
    out=$("$tool" install --path "$(dirname "$emu")" --flags "$fl" aarch64 2>&1) || {
        fail "install with '$fl': $out"
        continue
    }
    kflags=$(sed -n 's/^flags: *//p' "$entry")
    case $fl in
    C*)
        check_eq "flags '$fl': the kernel adds O" "O$fl" "$kflags"
        check_eq "set-uid root, flags $kflags" "$(ids 0 "$gid" 1)" "$(cd "$tmp" && as_user ./suid 2>&1)"
        check_eq "set-gid root, flags $kflags" "$(ids "$uid" 0 1)" "$(cd "$tmp" && as_user ./sgid 2>&1)"
        ;;
    *)
        check_eq "set-uid root, flags '$kflags': no C, the bits are ignored" "$(ids "$uid" "$gid" 0)" \
            "$(cd "$tmp" && as_user ./suid 2>&1)"
        check_eq "set-gid root, flags '$kflags': no C, the bits are ignored" "$(ids "$uid" "$gid" 0)" \
            "$(cd "$tmp" && as_user ./sgid 2>&1)"
        ;;
    esac
    check_eq "not set-id, flags '$kflags'" "$(ids "$uid" "$gid" 0)" "$(cd "$tmp" && as_user ./plain 2>&1)"
done
"$tool" uninstall aarch64 >/dev/null

finish
