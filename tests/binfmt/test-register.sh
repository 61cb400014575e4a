#!/usr/bin/env bash
# End-to-end test of vemu-binfmt against a live binfmt_misc: install with F,
# run static foreign programs as plain ./prog, list, replace, uninstall. It
# prefers a private binfmt_misc instance in a new user and mount namespace
# (kernel 6.7+), which leaves the host's entries alone; failing that, as
# real root, it uses the host's instance with entry names no one else uses
# and removes them on any exit. Otherwise it reports a skip (77), never a
# pass. Finally, in the private instance, a stand-in interpreter records
# what the kernel hands an interpreter for the P and O flags.
#
# usage: test-register.sh TOOL EMU-AARCH64 EMU-RISCV64 PROG-AARCH64|- PROG-RISCV64|- SHOW-EXEC
set -u
[ $# -eq 6 ] || { echo "usage: $0 TOOL EMU-AARCH64 EMU-RISCV64 PROG-AARCH64 PROG-RISCV64 SHOW-EXEC"; exit 2; }
self=$(readlink -f "$0")
tool=$(readlink -f "$1")
declare -A emu=([aarch64]=$(readlink -f "$2") [riscv64]=$(readlink -f "$3"))
declare -A prog=([aarch64]=$4 [riscv64]=$5)
for a in aarch64 riscv64; do
    [ "${prog[$a]}" = - ] || prog[$a]=$(readlink -f "${prog[$a]}")
done
show_exec=$(readlink -f "$6")

skip() { echo "SKIP: $*"; exit 77; }

archs=()
for a in aarch64 riscv64; do
    if [ "${prog[$a]}" != - ] && [ -f "${prog[$a]}" ]; then
        archs+=("$a")
    else
        echo "note: no $a test program (cross compiler missing); $a not tested"
    fi
done
[ ${#archs[@]} -gt 0 ] || skip "no cross-built test programs (aarch64-linux-gnu-gcc, riscv64-linux-gnu-gcc)"

# --- choose where to register ------------------------------------------
if [ -z "${VEMU_BINFMT_TEST_MODE:-}" ]; then
    if unshare -Urm --propagation private sh -c \
        'mount -t binfmt_misc none /proc/sys/fs/binfmt_misc && test -e /proc/sys/fs/binfmt_misc/register' \
        2>/dev/null; then
        VEMU_BINFMT_TEST_MODE=private exec unshare -Urm --propagation private bash "$self" "$@"
        skip "cannot re-run in a private namespace"
    elif [ "$(id -u)" = 0 ]; then
        export VEMU_BINFMT_TEST_MODE=host
    else
        skip "no private binfmt_misc (unshare -Urm and a binfmt_misc mount in it failed: kernel older than 6.7 or user namespaces disabled) and not root"
    fi
fi
mode=$VEMU_BINFMT_TEST_MODE

tmp=$(mktemp -d)
if [ "$mode" = private ]; then
    # A fresh, empty directory: the tool must mount binfmt_misc itself, and
    # the instance it gets is this user namespace's own.
    export VEMU_BINFMT_DIR=$tmp/binfmt_misc
    export VEMU_BINFMT_PREFIX=vemu-
    mkdir "$VEMU_BINFMT_DIR"
    trap 'umount "$VEMU_BINFMT_DIR" 2>/dev/null; rm -rf "$tmp"' EXIT
else
    export VEMU_BINFMT_DIR=/proc/sys/fs/binfmt_misc
    export VEMU_BINFMT_PREFIX=vemu-test$$-
    was_mounted=no
    [ -e "$VEMU_BINFMT_DIR/register" ] && was_mounted=yes
    cleanup() {
        for f in "$VEMU_BINFMT_DIR/$VEMU_BINFMT_PREFIX"*; do
            [ -e "$f" ] && echo -1 >"$f"
        done
        [ $was_mounted = no ] && umount "$VEMU_BINFMT_DIR" 2>/dev/null
        rm -rf "$tmp"
    }
    trap cleanup EXIT
    trap 'exit 1' INT TERM HUP
    echo "note: using the host's binfmt_misc with entries $VEMU_BINFMT_PREFIX*"
fi
echo "mode: $mode, binfmt_misc at $VEMU_BINFMT_DIR"
P=$VEMU_BINFMT_PREFIX

fails=0 checks=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }
check() { # check DESCRIPTION COMMAND...
    local d=$1
    shift
    if "$@"; then ok; else fail "$d"; fi
}

# The programs are copied so that they run as ./prog from a directory of
# our own, the way a user would start them.
cd "$tmp" || exit 1
for a in "${archs[@]}"; do
    cp "${prog[$a]}" "./hello-$a"
    chmod +x "./hello-$a"
done

# expect_run ARCH: ./hello-ARCH runs through binfmt_misc with its arguments
# and exit status intact.
expect_run() {
    local a=$1 out rc
    out=$("./hello-$a" one 'two words' 2>&1)
    rc=$?
    local want
    want=$(printf 'hello from %s\n[0] ./hello-%s\n[1] one\n[2] two words' "$a" "$a")
    if [ $rc -ne 3 ] || [ "$out" != "$want" ]; then
        fail "./hello-$a: status $rc, output: $out"
    else
        ok
    fi
}

# --- install with F, run, list -------------------------------------------
for a in "${archs[@]}"; do
    d=$(dirname "${emu[$a]}")
    out=$("$tool" install --path "$d" --flags F "$a" 2>&1) || fail "install $a: $out"
done
check "binfmt_misc mounted by the tool" test -e "$VEMU_BINFMT_DIR/register"
for a in "${archs[@]}"; do
    expect_run "$a"
done
list=$("$tool" list 2>&1)
for a in "${archs[@]}"; do
    check "list shows $P$a enabled with F: $list" \
        grep -qxF "$P$a enabled F ${emu[$a]}" <<<"$list"
done
check "list shows only our entries: $list" test "$(wc -l <<<"$list")" -eq ${#archs[@]}

# --- replace an entry: without F, the kernel opens the path per exec -----
a=${archs[0]}
out=$("$tool" install --path "$(dirname "${emu[$a]}")" --flags '' "$a" 2>&1) || fail "reinstall $a: $out"
check "replaced entry has no flags" grep -qxF "$P$a enabled - ${emu[$a]}" <<<"$("$tool" list)"
check "replaced entry has no flags line content" grep -qx 'flags: *' "$VEMU_BINFMT_DIR/$P$a"
expect_run "$a"

# --- the emulator's side of P and O -----------------------------------------
# P: the guest sees the argv[0] the caller chose (busybox applet links rely
# on it); O: the program comes as an open descriptor (AT_EXECFD), and the
# guest must not see that descriptor. Both with F, as containers use them.
for fl in PF OF POF; do
    out=$("$tool" install --path "$(dirname "${emu[$a]}")" --flags "$fl" "$a" 2>&1) ||
        fail "install $a with $fl: $out"
    out=$( (exec -a my-argv0 "./hello-$a" one 2>&1) )
    rc=$?
    case $fl in
    P*) want=$(printf 'hello from %s\n[0] my-argv0\n[1] one' "$a") ;;
    *) want=$(printf 'hello from %s\n[0] ./hello-%s\n[1] one' "$a" "$a") ;;
    esac
    # bash may pass the path made absolute; the kernel passes it on as is.
    out=$(sed "s|\[0\] $PWD/|[0] ./|" <<<"$out")
    check "flags $fl: status $rc, output: $out" test $rc -eq 3 -a "$out" = "$want"
done
"$tool" install --path "$(dirname "${emu[$a]}")" --flags F "$a" >/dev/null

# --- uninstall one, then all -----------------------------------------------
out=$("$tool" uninstall "$a" 2>&1) || fail "uninstall $a: $out"
check "uninstall removed $P$a" test ! -e "$VEMU_BINFMT_DIR/$P$a"
check "list no longer shows $P$a" eval '! "$tool" list 2>/dev/null | grep -q "^$P$a "'
if [ "$mode" = private ]; then
    # Nothing else is registered in the private instance, so the kernel
    # must now refuse the program.
    "./hello-$a" >/dev/null 2>&1
    check "./hello-$a no longer runs after uninstall" test $? -eq 126
fi
out=$("$tool" uninstall "$a" 2>&1)
check "uninstall of a missing entry succeeds with a note: $out" grep -q "is not registered" <<<"$out"
out=$("$tool" uninstall all 2>&1) || fail "uninstall all: $out"
check "uninstall all leaves no $P* entry" eval '! compgen -G "$VEMU_BINFMT_DIR/$P*" >/dev/null'
out=$("$tool" list 2>&1)
check "list with nothing registered says so: $out" grep -q "no $P\* entries" <<<"$out"

# --- what the kernel hands the interpreter for P and O ---------------------
# Only in the private instance: the stand-in "emulator" must not catch the
# host's programs. This pins down the contract docs/binfmt.md describes for
# whoever implements P and O in vemu-<arch>.
if [ "$mode" = private ]; then
    # bash's exec -a may pass the path made absolute; the kernel hands on
    # whatever path execve got, so both spellings are the same answer.
    run_argv0() {
        (exec -a my-argv0 "./hello-$a" one 2>&1) | sed "s|=$PWD/|=./|"
    }
    mkdir fake
    cp "$show_exec" "fake/vemu-$a"
    "$tool" install --path fake --flags PF "$a" >/dev/null
    out=$(run_argv0)
    want=$(printf 'AT_FLAGS=1 AT_EXECFD=unset\nargv[1]=./hello-%s\nargv[2]=my-argv0\nargv[3]=one' "$a")
    check "P: AT_FLAGS bit 0, argv = emulator, path, original argv[0], arguments: $out" \
        test "$out" = "$want"
    "$tool" install --path fake --flags OF "$a" >/dev/null
    out=$(run_argv0)
    want=$(printf 'AT_FLAGS=0 AT_EXECFD=set\nargv[1]=./hello-%s\nargv[2]=one' "$a")
    check "O: AT_EXECFD set, argv = emulator, path, arguments: $out" test "$out" = "$want"
    "$tool" install --path fake --flags F "$a" >/dev/null
    out=$(run_argv0)
    want=$(printf 'AT_FLAGS=0 AT_EXECFD=unset\nargv[1]=./hello-%s\nargv[2]=one' "$a")
    check "no P: argv[0] is lost: $out" test "$out" = "$want"
    "$tool" uninstall all >/dev/null
fi

echo "$checks checks passed, $fails failed ($mode binfmt_misc)"
[ "$fails" -eq 0 ]
