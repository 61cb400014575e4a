#!/usr/bin/env bash
# Tests of vemu-binfmt that need neither root nor binfmt_misc: option and
# argument errors (each a one-line message and the documented exit status),
# the emulator search, and the exact bytes of `print` in both formats. The
# expected magic and mask are spelled out here on their own, from the ELF
# header layout, rather than taken from the tool, so that a typo in the tool
# cannot agree with itself; they are also applied to real and synthetic ELF
# headers to show they select exactly 64-bit LE executables of one machine.
#
# usage: test-cli.sh TOOL [FOREIGN-ELF...]
set -u
tool=$(readlink -f "$1")
shift
foreign=("$@")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }

# expect STATUS PATTERN CMD...: CMD exits with STATUS and its first stderr
# line contains PATTERN (a second line may only be the "Try --help" hint).
expect() {
    local want=$1 pat=$2 rc
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc -ne "$want" ]; then
        fail "$* exited $rc, wanted $want: $(head -c 300 "$tmp/err")"
    elif [ -n "$pat" ] && ! head -1 "$tmp/err" | grep -qF -- "$pat"; then
        fail "$*: stderr '$(head -1 "$tmp/err")' lacks '$pat'"
    elif [ "$want" -ne 0 ] && [ -n "$(sed -n '2{/^Try /!p}; 3,$p' "$tmp/err")" ]; then
        fail "$*: error message is more than one line: $(cat "$tmp/err")"
    else
        ok
    fi
}

# same FILE CMD...: CMD succeeds and prints exactly FILE.
same() {
    local want=$1
    shift
    if ! "$@" >"$tmp/got" 2>"$tmp/err"; then
        fail "$* failed: $(cat "$tmp/err")"
    elif ! cmp -s "$want" "$tmp/got"; then
        fail "$* printed:"
        diff "$want" "$tmp/got" | head -20
    else
        ok
    fi
}

# Fake emulators: the CLI only checks that they exist and are executable.
mkdir -p "$tmp/emu" "$tmp/empty"
for a in aarch64 riscv64; do
    printf '#!/bin/sh\nexit 0\n' >"$tmp/emu/vemu-$a"
    chmod +x "$tmp/emu/vemu-$a"
done
E=$tmp/emu

# --- usage errors: exit 2 ------------------------------------------------
expect 2 "no command" "$tool"
expect 2 "unknown command 'frobnicate'" "$tool" frobnicate
expect 2 "unknown option '--bogus'" "$tool" --bogus
expect 2 "unknown option '--bogus'" "$tool" install --bogus aarch64
expect 2 "unknown option '-x'" "$tool" print -x aarch64
expect 2 "option --flags does not apply to uninstall" "$tool" uninstall --flags F all
expect 2 "option --format does not apply to install" "$tool" install --format debian aarch64
expect 2 "list takes no arguments" "$tool" list aarch64
expect 2 "needs a value" "$tool" print --path
expect 2 "unknown format 'rpm'" "$tool" print --path "$E" --format rpm aarch64
expect 2 "no architecture given" "$tool" install --path "$E"
expect 2 "no architecture given" "$tool" uninstall
expect 2 "unknown architecture 'arm64'" "$tool" print --path "$E" arm64
expect 2 "unknown architecture 'x86_64'" "$tool" install --path "$E" aarch64 x86_64
expect 2 "unknown architecture 'mips'" "$tool" uninstall mips
expect 2 "cannot be combined" "$tool" print --path "$E" all aarch64
expect 2 "bad flags 'FX'" "$tool" print --path "$E" --flags FX aarch64
expect 2 "bad flags 'F,P'" "$tool" install --path "$E" --flags F,P aarch64
expect 2 "bad flags" "$tool" print --path "$E" --flags=Q aarch64
expect 2 "cannot express flag O without C" "$tool" print --format debian --path "$E" --flags O aarch64
expect 2 "give one ARCH or --output DIR" "$tool" print --format debian --path "$E" all

# --- help and version ----------------------------------------------------
expect 0 "" "$tool" --help
for word in install uninstall list print --path --flags --format --output --package \
    systemd debian VEMU_BINFMT_DIR VEMU_BINFMT_PREFIX VEMU_BUILD_DIR 'EXIT STATUS' \
    'EMULATOR SEARCH' AT_EXECFD argv; do
    grep -qF -- "$word" "$tmp/out" || fail "--help does not mention $word"
done
expect 0 "" "$tool" install --help
expect 0 "" "$tool" --version
grep -q '^vemu-binfmt [0-9]' "$tmp/out" || fail "--version printed '$(cat "$tmp/out")'"

# --- missing emulators: exit 1, before any root check ---------------------
expect 1 "$tmp/empty/vemu-aarch64 not found" "$tool" install --path "$tmp/empty" aarch64
expect 1 "no emulator found" "$tool" install --path "$tmp/empty" all
mkdir -p "$tmp/lone"
cp "$tool" "$tmp/lone/vemu-binfmt"
expect 1 "emulator vemu-riscv64 not found" env -u VEMU_BUILD_DIR "$tmp/lone/vemu-binfmt" print riscv64
expect 1 "emulator vemu-aarch64 not found" env -u VEMU_BUILD_DIR "$tmp/lone/vemu-binfmt" install aarch64
printf 'not executable\n' >"$tmp/lone/vemu-aarch64"
expect 1 "not found" env -u VEMU_BUILD_DIR "$tmp/lone/vemu-binfmt" print aarch64
mkdir -p "$tmp/a:b"
cp "$E/vemu-aarch64" "$tmp/a:b/"
expect 1 "contains ':'" "$tool" print --path "$tmp/a:b" aarch64

# --- not root (simulated with a user namespace that maps us to nobody) ----
as_user() { "$@"; }
if [ "$(id -u)" = 0 ]; then
    if unshare -U true 2>/dev/null && [ "$(unshare -U id -u)" != 0 ]; then
        as_user() { unshare -U "$@"; }
    elif command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
        as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
    else
        as_user() { return 99; }
    fi
fi
if as_user true; then
    expect 1 "install needs root" as_user "$tool" install --path "$E" aarch64
    expect 1 "uninstall needs root" as_user "$tool" uninstall all
else
    echo "note: no way to run as a non-root user here; not-root cases not checked"
fi

# --- binfmt_misc absent or not mountable ---------------------------------
export VEMU_BINFMT_DIR=$tmp/no-such-dir
expect 1 "binfmt_misc is not mounted at $tmp/no-such-dir" "$tool" list
# As root (real, or in a user namespace without a mount namespace, where
# mount(2) is refused) the mount is attempted and must fail cleanly. A
# missing mount point makes it fail even for the real root, so nothing is
# mounted on the host.
as_root=
if [ "$(id -u)" = 0 ]; then
    as_root=" "
elif unshare -Ur true 2>/dev/null; then
    as_root="unshare -Ur"
fi
if [ -n "$as_root" ]; then
    # shellcheck disable=SC2086
    expect 1 "cannot be mounted" $as_root "$tool" install --path "$E" aarch64
    # shellcheck disable=SC2086
    expect 1 "binfmt_misc is not mounted" $as_root "$tool" uninstall aarch64
    if unshare -Ur true 2>/dev/null; then
        export VEMU_BINFMT_DIR=$tmp/empty
        expect 1 "cannot be mounted" unshare -Ur "$tool" install --path "$E" all
    fi
else
    echo "note: neither root nor user namespaces; mount failure not checked"
fi
unset VEMU_BINFMT_DIR

# --- print, systemd format, byte for byte --------------------------------
# 64-bit (\x02) little-endian (\x01) ELF version 1, OS ABI byte masked,
# e_type 2 or 3 (mask \xfe), e_machine 0xb7 (aarch64) or 0xf3 (riscv64).
printf '%s\n' \
    ':vemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/vemu-aarch64:F' \
    ':vemu-riscv64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/vemu-riscv64:F' \
    >"$tmp/sd-all"
same "$tmp/sd-all" "$tool" print --path /usr/bin all
same "$tmp/sd-all" "$tool" print --format systemd --path /usr/bin aarch64 riscv64
same "$tmp/sd-all" "$tool" print --format=systemd --path=/usr/bin --flags=f all
sed -n 2p "$tmp/sd-all" >"$tmp/sd-rv"
same "$tmp/sd-rv" "$tool" print --path /usr/bin riscv64
sed 's/:F$/:/' "$tmp/sd-rv" >"$tmp/sd-rv-none"
same "$tmp/sd-rv-none" "$tool" print --path /usr/bin --flags '' riscv64
# Flags come out in the kernel's order, C adds O, duplicates collapse.
sed 's/:F$/:POCF/' "$tmp/sd-rv" >"$tmp/sd-rv-all"
same "$tmp/sd-rv-all" "$tool" print --path /usr/bin --flags fcpf riscv64
sed 's/:F$/:OC/' "$tmp/sd-rv" >"$tmp/sd-rv-c"
same "$tmp/sd-rv-c" "$tool" print --path /usr/bin --flags C riscv64
sed 's/:F$/:PO/' "$tmp/sd-rv" >"$tmp/sd-rv-po"
same "$tmp/sd-rv-po" "$tool" print --path /usr/bin --flags OP riscv64
# A relative --path becomes absolute: the kernel needs an absolute path.
sed "s|/usr/bin/|$E/|" "$tmp/sd-all" >"$tmp/sd-emu"
(cd "$tmp" && same "$tmp/sd-emu" "$tool" print --path emu all)
# --output writes one file per architecture with the same line.
mkdir -p "$tmp/out-sd"
same /dev/null "$tool" print --path /usr/bin --output "$tmp/out-sd" all
cmp -s "$tmp/out-sd/vemu-riscv64.conf" "$tmp/sd-rv" || fail "--output systemd file differs"
sed -n 1p "$tmp/sd-all" | cmp -s "$tmp/out-sd/vemu-aarch64.conf" - || fail "--output aarch64 file differs"

# --- print, debian (update-binfmts format file), byte for byte -----------
cat >"$tmp/deb-a64" <<'EOF'
package vemu
interpreter /usr/bin/vemu-aarch64
magic \x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00
offset 0
mask \xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff
credentials no
fix_binary yes
preserve no
EOF
same "$tmp/deb-a64" "$tool" print --format debian --path /usr/bin aarch64
cat >"$tmp/deb-rv" <<'EOF'
package vemu-user-static
interpreter /opt/v/vemu-riscv64
magic \x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00
offset 0
mask \xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff
credentials yes
fix_binary no
preserve yes
EOF
same "$tmp/deb-rv" "$tool" print --format debian --package vemu-user-static --path /opt/v --flags PC riscv64
mkdir -p "$tmp/out-deb"
same /dev/null "$tool" print --format debian --path /usr/bin --output "$tmp/out-deb" all
cmp -s "$tmp/out-deb/vemu-aarch64" "$tmp/deb-a64" || fail "--output debian aarch64 file differs"
[ -f "$tmp/out-deb/vemu-riscv64" ] || fail "--output debian wrote no riscv64 file"

# --- the emulator search ---------------------------------------------------
# Installed layout: the tool and the emulators in one directory.
mkdir -p "$tmp/inst/bin"
cp "$tool" "$tmp/inst/bin/vemu-binfmt"
cp "$E/vemu-aarch64" "$tmp/inst/bin/"
printf '%s\n' "$(sed -n 1p "$tmp/sd-all" | sed "s|/usr/bin/|$tmp/inst/bin/|")" >"$tmp/want"
same "$tmp/want" env -u VEMU_BUILD_DIR "$tmp/inst/bin/vemu-binfmt" print aarch64
# 'all' covers only the emulators found there.
same "$tmp/want" env -u VEMU_BUILD_DIR "$tmp/inst/bin/vemu-binfmt" print all
# Source tree: tools/binfmt/vemu-binfmt finds build/linux-user/<arch>/,
# also when run through a symlink from elsewhere.
mkdir -p "$tmp/src/tools/binfmt" "$tmp/src/build/linux-user/riscv64" "$tmp/link"
cp "$tool" "$tmp/src/tools/binfmt/vemu-binfmt"
cp "$E/vemu-riscv64" "$tmp/src/build/linux-user/riscv64/"
ln -s "$tmp/src/tools/binfmt/vemu-binfmt" "$tmp/link/vemu-binfmt"
printf '%s\n' "$(sed -n 2p "$tmp/sd-all" | sed "s|/usr/bin/|$tmp/src/build/linux-user/riscv64/|")" >"$tmp/want"
same "$tmp/want" env -u VEMU_BUILD_DIR "$tmp/src/tools/binfmt/vemu-binfmt" print riscv64
same "$tmp/want" env -u VEMU_BUILD_DIR "$tmp/link/vemu-binfmt" print all
# VEMU_BUILD_DIR and --path naming a build directory.
mkdir -p "$tmp/bd/linux-user/aarch64"
cp "$E/vemu-aarch64" "$tmp/bd/linux-user/aarch64/"
printf '%s\n' "$(sed -n 1p "$tmp/sd-all" | sed "s|/usr/bin/|$tmp/bd/linux-user/aarch64/|")" >"$tmp/want"
same "$tmp/want" env VEMU_BUILD_DIR="$tmp/bd" "$tmp/lone/vemu-binfmt" print aarch64
same "$tmp/want" "$tool" print --path "$tmp/bd" aarch64

# --- the magic and mask select the right files ---------------------------
# matches FILE MACHINE: FILE's first 20 bytes, masked, equal the magic.
magic_hex() { printf '%b' "$1" | od -An -v -tx1 | tr -d ' \n'; }
m_magic=$(magic_hex '\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00')
m_mask=$(magic_hex '\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff')
matches() {
    local h i want=$m_magic$2
    h=$(head -c 20 "$1" | od -An -v -tx1 | tr -d ' \n')
    [ ${#h} -eq 40 ] || return 1
    for ((i = 0; i < 40; i += 2)); do
        [ $((0x${h:i:2} & 0x${m_mask:i:2})) -eq $((0x${want:i:2})) ] || return 1
    done
}
hdr() { printf '%b' "$1" >"$tmp/hdr"; echo "$tmp/hdr"; }
base='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00'
matches "$(hdr "$base\x02\x00\xb7\x00")" b700 && ok || fail "aarch64 ET_EXEC header not matched"
matches "$(hdr "${base/\\x01\\x00/\\x01\\x03}\x03\x00\xb7\x00")" b700 && ok || fail "aarch64 ET_DYN GNU/Linux-ABI header not matched"
matches "$(hdr "$base\x03\x00\xf3\x00")" f300 && ok || fail "riscv64 ET_DYN header not matched"
matches "$(hdr "$base\x01\x00\xb7\x00")" b700 && fail "ET_REL object matched" || ok
matches "$(hdr "$base\x04\x00\xb7\x00")" b700 && fail "ET_CORE file matched" || ok
matches "$(hdr "${base/\\x02\\x01/\\x01\\x01}\x02\x00\xb7\x00")" b700 && fail "32-bit ELF matched" || ok
matches "$(hdr "${base/\\x02\\x01/\\x02\\x02}\x02\x00\xb7\x00")" b700 && fail "big-endian ELF matched" || ok
matches "$(hdr "$base\x02\x00\xf3\x00")" b700 && fail "riscv64 header matched aarch64" || ok
host=$(readlink -f /bin/sh)
matches "$host" b700 && fail "host $host matched aarch64" || ok
matches "$host" f300 && fail "host $host matched riscv64" || ok
for f in "${foreign[@]}"; do
    case $f in
    *aarch64*) matches "$f" b700 && ok || fail "$f not matched by the aarch64 magic" ;;
    *riscv64*) matches "$f" f300 && ok || fail "$f not matched by the riscv64 magic" ;;
    esac
done

echo "$checks checks passed, $fails failed"
[ "$fails" -eq 0 ]
