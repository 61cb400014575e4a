# Sourced by the binfmt test scripts that register entries: result
# counting, skips, and the two places an entry can go (a private
# binfmt_misc in a user namespace, or the host's with unique names), with
# every registration and mount undone on any exit.
# shellcheck shell=bash

skip() { echo "SKIP: $*"; exit 77; }

fails=0 checks=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }
check() { # check DESCRIPTION COMMAND...
    local d=$1
    shift
    if "$@"; then ok; else fail "$d"; fi
}
# check_eq DESCRIPTION WANT GOT: prints both on a mismatch, which is what a
# reader of a failed run needs.
check_eq() {
    if [ "$2" = "$3" ]; then
        ok
    else
        fail "$1"$'\n'"  want: ${2//$'\n'/$'\n'        }"$'\n'"  got:  ${3//$'\n'/$'\n'        }"
    fi
}
finish() {
    echo "$checks checks passed, $fails failed"
    [ "$fails" -eq 0 ]
}

# Exit hooks run last-registered first, so that what was set up last (a
# mount inside a root, say) is undone before what it depends on.
exit_hooks=()
at_exit() { exit_hooks+=("$1"); }
run_exit_hooks() {
    local i
    for ((i = ${#exit_hooks[@]} - 1; i >= 0; i--)); do
        eval "${exit_hooks[i]}"
    done
}
trap run_exit_hooks EXIT
# A signal must still reach the EXIT trap, so entries never outlive us.
trap 'exit 1' INT TERM HUP

# True in the initial user namespace, where set-id bits and device nodes
# mean what they say; a namespace's root is not real root.
in_initial_userns() {
    [ "$(tr -s ' ' <<<"$(cat /proc/self/uid_map 2>/dev/null)")" = " 0 0 4294967295" ]
}

# private_binfmt_works: a user and mount namespace can mount a binfmt_misc
# instance of its own (Linux 6.7+, user namespaces enabled).
private_binfmt_works() {
    unshare -Urm --propagation private sh -c \
        'mount -t binfmt_misc none /proc/sys/fs/binfmt_misc && test -e /proc/sys/fs/binfmt_misc/register' \
        2>/dev/null
}

# use_private_binfmt DIR: the tool mounts a fresh instance on the empty DIR
# itself (in the namespace we already run in); it disappears with the
# namespace, and is unmounted here as well.
use_private_binfmt() {
    export VEMU_BINFMT_DIR=$1
    export VEMU_BINFMT_PREFIX=vemu-
    mkdir -p "$VEMU_BINFMT_DIR"
    at_exit 'umount "$VEMU_BINFMT_DIR" 2>/dev/null'
}

# use_host_binfmt TAG: the host's instance, as real root, with entry names
# vemu-TAG<pid>-<arch> that no one else uses; every such entry is removed
# on exit, and binfmt_misc unmounted again if it was not mounted before.
# While they exist these entries take over every aarch64/riscv64 program on
# the machine (the newest entry wins), so callers keep them short-lived.
use_host_binfmt() {
    export VEMU_BINFMT_DIR=/proc/sys/fs/binfmt_misc
    export VEMU_BINFMT_PREFIX=vemu-$1$$-
    host_binfmt_was_mounted=no
    [ -e "$VEMU_BINFMT_DIR/register" ] && host_binfmt_was_mounted=yes
    at_exit remove_host_entries
    echo "note: using the host's binfmt_misc with entries $VEMU_BINFMT_PREFIX*"
}
remove_host_entries() {
    local f
    for f in "$VEMU_BINFMT_DIR/$VEMU_BINFMT_PREFIX"*; do
        [ -e "$f" ] && echo -1 >"$f"
    done
    [ "$host_binfmt_was_mounted" = no ] && umount "$VEMU_BINFMT_DIR" 2>/dev/null
    return 0
}

# is_static FILE: no PT_INTERP, so it runs inside a chroot that lacks the
# host's libraries (what an F entry there needs).
is_static() {
    if command -v readelf >/dev/null; then
        ! LC_ALL=C readelf -lW "$1" 2>/dev/null | grep -q 'program interpreter'
    else
        LC_ALL=C file -L "$1" | grep -q 'statically linked'
    fi
}
