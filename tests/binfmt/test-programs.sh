#!/usr/bin/env bash
# Foreign programs run as plain ./prog through binfmt_misc, beyond the
# static hello of test-register.sh:
#  - dynamically linked aarch64 and riscv64 programs, whose ld.so and libc
#    come from the cross toolchain's /usr/<triplet>: with binfmt there is
#    no -L, so VEMU_LD_PREFIX carries the sysroot to the emulator;
#  - busybox-style multi-call programs through applet links (./ls,
#    ./echo hello): Debian's arm64 busybox from the cached root when it is
#    there, and tests/binfmt/multicall.c always. With P the applet follows
#    the argv[0] the caller chose (exec -a); without P it follows the path.
# Like test-register.sh it runs in a private binfmt_misc inside a user
# namespace when it can, else as real root on the host's instance with
# unique names it always removes, else it skips (77) with the reason.
#
# usage: test-programs.sh TOOL EMU-AARCH64 EMU-RISCV64 DYN-AARCH64|- DYN-RISCV64|-
#                         MULTI-AARCH64|- MULTI-RISCV64|-
#   BUSYBOX (environment) overrides the arm64 busybox looked for in
#   ${VEMU_CACHE:-~/.cache/vemu}/roots/arm64-bookworm/bin/busybox.
set -u
[ $# -eq 7 ] || { echo "usage: $0 TOOL EMU-AARCH64 EMU-RISCV64 DYN-AARCH64 DYN-RISCV64 MULTI-AARCH64 MULTI-RISCV64"; exit 2; }
self=$(readlink -f "$0")
. "$(dirname "$self")/lib.sh"
tool=$(readlink -f "$1")
declare -A emu=([aarch64]=$(readlink -f "$2") [riscv64]=$(readlink -f "$3"))
declare -A dyn=([aarch64]=$4 [riscv64]=$5) multi=([aarch64]=$6 [riscv64]=$7)
for a in aarch64 riscv64; do
    [ "${dyn[$a]}" = - ] || dyn[$a]=$(readlink -f "${dyn[$a]}")
    [ "${multi[$a]}" = - ] || multi[$a]=$(readlink -f "${multi[$a]}")
done
busybox=${BUSYBOX:-${VEMU_CACHE:-$HOME/.cache/vemu}/roots/arm64-bookworm/bin/busybox}
busybox=$(readlink -f "$busybox")

archs=()
for a in aarch64 riscv64; do
    if [ "${dyn[$a]}" != - ] || [ "${multi[$a]}" != - ]; then
        archs+=("$a")
    else
        echo "note: no $a test programs (cross compiler missing); $a not tested"
    fi
done
[ ${#archs[@]} -gt 0 ] || skip "no cross-built test programs (aarch64-linux-gnu-gcc, riscv64-linux-gnu-gcc)"

# --- choose where to register ------------------------------------------------
if [ -z "${VEMU_BINFMT_TEST_MODE:-}" ]; then
    if private_binfmt_works; then
        VEMU_BINFMT_TEST_MODE=private exec unshare -Urm --propagation private bash "$self" "$@"
        skip "cannot re-run in a private namespace"
    elif [ "$(id -u)" = 0 ]; then
        VEMU_BINFMT_TEST_MODE=host
    else
        skip "no private binfmt_misc (unshare -Urm and a binfmt_misc mount in it failed: kernel older than 6.7 or user namespaces disabled) and not root"
    fi
fi
mode=$VEMU_BINFMT_TEST_MODE
tmp=$(mktemp -d)
at_exit 'rm -rf "$tmp"'
if [ "$mode" = private ]; then
    use_private_binfmt "$tmp/binfmt_misc"
else
    use_host_binfmt progs
fi
echo "mode: $mode, binfmt_misc at $VEMU_BINFMT_DIR"
cd "$tmp" || exit 1

reg() { # reg FLAGS ARCH...: (re)register the emulators with FLAGS
    local fl=$1 a out
    shift
    for a in "$@"; do
        out=$("$tool" install --path "$(dirname "${emu[$a]}")" --flags "$fl" "$a" 2>&1) ||
            fail "install $a with '$fl': $out"
    done
}

# --- dynamically linked programs ------------------------------------------------
reg F "${archs[@]}"
for a in "${archs[@]}"; do
    [ "${dyn[$a]}" != - ] || { echo "note: no dynamic $a program"; continue; }
    sysroot=/usr/$a-linux-gnu
    if [ ! -d "$sysroot/lib" ]; then
        echo "note: no $sysroot (libc6-dev-*-cross); dynamic $a not tested"
        continue
    fi
    cp "${dyn[$a]}" "./hello-dyn-$a"
    want=$(printf 'hello from %s\nld.so loaded\n[0] ./hello-dyn-%s\n[1] one\n[2] two words\nstatus 3' "$a" "$a")
    out=$(VEMU_LD_PREFIX=$sysroot "./hello-dyn-$a" one 'two words' 2>&1; echo "status $?")
    check_eq "VEMU_LD_PREFIX=$sysroot ./hello-dyn-$a" "$want" "$out"
    # The same through P, the flag distributions often register with.
    reg PF "$a"
    want=$(printf 'hello from %s\nld.so loaded\n[0] name\n[1] x\nstatus 3' "$a")
    out=$( (VEMU_LD_PREFIX=$sysroot exec -a name "./hello-dyn-$a" x 2>&1); echo "status $?")
    check_eq "VEMU_LD_PREFIX=$sysroot, flags PF, exec -a name ./hello-dyn-$a" "$want" "$out"
    reg F "$a"
    # A control: the loader the program asks for is not on this host, so
    # without the variable it must fail, which shows the sysroot was used.
    interp=$(LC_ALL=C readelf -lW "./hello-dyn-$a" 2>/dev/null | sed -n 's/.*program interpreter: \(.*\)]/\1/p')
    if [ -n "$interp" ] && [ ! -e "$interp" ]; then
        out=$(env -u VEMU_LD_PREFIX "./hello-dyn-$a" 2>&1)
        rc=$?
        check "without VEMU_LD_PREFIX ./hello-dyn-$a fails ($interp is missing here): status $rc, $out" \
            test $rc -ne 3 -a $rc -ne 0
    fi
done

# --- multi-call programs through applet links --------------------------------------
# run_mc DIR CMD...: CMD's output and status, run in DIR (CMD in a
# subshell of its own, so that exec -a replaces only that).
run_mc() {
    local d=$1
    shift
    (cd "$d" && ("$@") 2>&1; echo "status $?")
}

# multicall_checks NAME ARCH BINARY: a directory holding BINARY as NAME and
# the links ls and echo to it, then the applets through P and without.
multicall_checks() {
    local name=$1 a=$2 bin=$3 d=$tmp/mc-$1 listing
    mkdir "$d"
    cp "$bin" "$d/$name"
    ln -s "$name" "$d/ls"
    ln -s "$name" "$d/echo"
    listing=$(printf '%s\n' echo ls "$name" | LC_ALL=C sort)
    for fl in PF F; do
        reg "$fl" "$a"
        check_eq "$name, flags $fl: ./ls" "$listing"$'\nstatus 0' "$(run_mc "$d" ./ls)"
        check_eq "$name, flags $fl: ./echo hello" $'hello\nstatus 0' "$(run_mc "$d" ./echo hello)"
        if [ $fl = PF ]; then
            # argv[0] alone picks the applet, whatever the path says.
            check_eq "$name, flags PF: exec -a echo ./ls hello" $'hello\nstatus 0' \
                "$(run_mc "$d" exec -a echo ./ls hello)"
            check_eq "$name, flags PF: exec -a ls ./$name" "$listing"$'\nstatus 0' \
                "$(run_mc "$d" exec -a ls "./$name")"
        else
            # Without P the kernel drops argv[0]; the guest gets the path,
            # so ./ls is still ls and "hello" becomes a file to list.
            check_eq "$name, flags F: exec -a echo ./ls hello runs ls" \
                $'ls: hello: No such file or directory\nstatus 1' \
                "$(run_mc "$d" exec -a echo ./ls hello)"
            out=$(run_mc "$d" exec -a ls "./$name")
            check "$name, flags F: exec -a ls ./$name does not list: ${out%%$'\n'*}" \
                test "$out" != "$listing"$'\nstatus 0'
        fi
    done
}

if [ -f "$busybox" ]; then
    if [ "$(head -c 20 "$busybox" | od -An -tx1 -j18 | tr -d ' ')" = b700 ]; then
        if [[ " ${archs[*]} " == *" aarch64 "* ]]; then
            multicall_checks busybox aarch64 "$busybox"
        fi
    else
        echo "note: $busybox is not an aarch64 program; busybox not tested"
    fi
else
    echo "note: no arm64 busybox at $busybox (tests/debian/make-root.sh arm64 makes it); busybox not tested, multicall.c only"
fi
for a in "${archs[@]}"; do
    [ "${multi[$a]}" != - ] && multicall_checks "multicall-$a" "$a" "${multi[$a]}"
done

"$tool" uninstall all >/dev/null
echo "($mode binfmt_misc)"
finish
