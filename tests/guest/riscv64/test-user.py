#!/usr/bin/env python3
"""End-to-end tests of vemu-riscv64 on a freestanding riscv64 program
(guest.c): output, exit status and death-by-signal compared with values
computed here on the host, plus the command line's handling of bad input
(one line on stderr naming the problem, non-zero exit, never a crash).

usage: test-user.py VEMU GUEST
"""
import os
import signal
import struct
import subprocess
import sys
import tempfile

VEMU, GUEST = sys.argv[1], sys.argv[2]
passed = failed = 0


def run(args, env=None, **kw):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([VEMU] + args, capture_output=True, text=True,
                          env=e, timeout=60, **kw)


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def prime_sum(n):
    s = found = 0
    c = 2
    while found < n:
        if all(c % d for d in range(2, int(c ** 0.5) + 1)):
            s += c
            found += 1
        c += 1
    return s


def one_line_error(name, r, *needles):
    lines = r.stderr.strip().splitlines()
    check(name, r.returncode not in (0,) and r.returncode > 0 and
          len(lines) == 1 and all(n in lines[0] for n in needles),
          f"rc={r.returncode} stderr={r.stderr!r}")


for backend in ("native", "tci"):
    b = ["-backend", backend]
    r = run(b + [GUEST])
    check(f"{backend} hello", r.returncode == 0 and
          r.stdout == "hello from riscv64\n", repr(r))
    r = run(b + [GUEST, "primes", "3"])
    check(f"{backend} primes", r.stdout.strip() == str(prime_sum(3000)),
          repr(r))
    r = run(b + ["-0", "name0", GUEST, "args", "a", "b c", ""],
            env={"VT_ONE": "1", "VT_TWO": "x y"})
    out = r.stdout.splitlines()
    check(f"{backend} args", r.returncode == 5 and
          out[:5] == ["name0", "args", "a", "b c", ""] and
          sorted(out[5:]) == ["VT_ONE=1", "VT_TWO=x y"], repr(r))
    r = run(b + ["-E", "VT_NEW=3", "-U", "VT_OLD", GUEST, "args"],
            env={"VT_OLD": "gone"})
    check(f"{backend} -E/-U", "VT_NEW=3" in r.stdout.splitlines() and
          "VT_OLD=gone" not in r.stdout, repr(r))
    r = run(b + [GUEST, "auxv"])
    want = {"6": str(os.sysconf("SC_PAGE_SIZE")),
            "16": str((1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) |
                      (1 << 12)),  # A C D F I M
            "23": "0"}
    got = dict(l.split("=") for l in r.stdout.split())
    check(f"{backend} auxv", got == want, repr(r))
    r = run(b + [GUEST, "memory"])
    check(f"{backend} brk/mmap", r.stdout.strip() == "100000 0 3", repr(r))
    with tempfile.NamedTemporaryFile("w", delete=False) as f:
        f.write("file contents\nline 2\n")
    r = run(b + [GUEST, "cat", f.name])
    check(f"{backend} file read", r.stdout == "file contents\nline 2\n",
          repr(r))
    r = run(b + [GUEST, "cat", "/nonexistent/file"])
    check(f"{backend} ENOENT", r.returncode == 3 and
          r.stdout.strip() == "open failed 2", repr(r))
    r = run(b + [GUEST, "exit", "7"])
    check(f"{backend} exit status", r.returncode == 47, repr(r))
    r = run(b + [GUEST, "segv"])
    check(f"{backend} SIGSEGV", r.returncode == -signal.SIGSEGV and
          "uncaught target signal 11" in r.stderr and
          "address 0x10" in r.stderr, repr(r))
    # Guest handlers (signal frame layout from the kernel's headers): the
    # handler's return value planted in a0, signal, si_code, si_addr, the
    # saved pc, the signal blocked inside the handler, unblocked after.
    r = run(b + [GUEST, "sigsegv"])
    lines = r.stdout.split("\n")
    ok = r.returncode == 0 and len(lines) >= 3
    if ok:
        v = lines[0].split()
        insn = lines[2].split()[1]
        # fcsr 0x41 seen in the frame, 0x22 (set by the handler) after.
        ok = (v == ["1234", "11", "1", "16", insn, "1", "0"] and
              lines[1] == "fcsr 65 34")
    check(f"{backend} SIGSEGV handler", ok, repr(r))
    # The registers in a fault's frame, also those written just before it
    # in the same block, for a host fault and for an address beyond the
    # guest's space.
    r = run(b + [GUEST, "faultregs"])
    check(f"{backend} registers at a fault",
          r.returncode == 0 and r.stdout == "ok ok\nok ok\n", repr(r))
    r = run(b + [GUEST, "sigill"])
    lines = r.stdout.split("\n")
    ok = r.returncode == 0 and len(lines) >= 2
    if ok:
        v = lines[0].split()
        insn = lines[1].split()[1]
        ok = v == ["1234", "4", "1", insn, insn, "1", "0"]
    check(f"{backend} SIGILL handler", ok, repr(r))
    r = run(b + [GUEST, "resethand"])
    check(f"{backend} SA_RESETHAND", r.returncode == -signal.SIGSEGV and
          r.stdout.split()[:4] == ["1234", "11", "1", "32"] and
          "address 0x30" in r.stderr, repr(r))
    r = run(b + [GUEST, "ill"])
    check(f"{backend} SIGILL", r.returncode == -signal.SIGILL and
          "uncaught target signal 4" in r.stderr, repr(r))

# -L: guest absolute paths are looked up in the sysroot first.
with tempfile.TemporaryDirectory() as root:
    os.makedirs(os.path.join(root, "etc"))
    with open(os.path.join(root, "etc", "vemu-test"), "w") as f:
        f.write("from the sysroot\n")
    r = run(["-L", root, GUEST, "cat", "/etc/vemu-test"])
    check("-L sysroot file", r.stdout == "from the sysroot\n", repr(r))
    r = run([GUEST, "cat", "/etc/vemu-test"], env={"VEMU_LD_PREFIX": root})
    check("VEMU_LD_PREFIX", r.stdout == "from the sysroot\n", repr(r))

# -strace: one line per call, qemu-user style.
r = run(["-strace", GUEST])
check("-strace", 'write(1, "hello from riscv64\\n", 19) = 19' in r.stderr
      and "exit_group(0)" in r.stderr, repr(r.stderr))

# -d/-D: translation log with IR and capstone-disassembled host code.
with tempfile.NamedTemporaryFile(delete=False) as f:
    log = f.name
r = run(["-d", "in_asm,op,out_asm", "-D", log, GUEST])
text = open(log).read()
check("-d/-D log", r.returncode == 0 and
      "add_i64" in text and "mov " in text and "ecall" in text, text[:300])
os.unlink(log)

# Bad input: one line on stderr naming the problem, non-zero exit.
with tempfile.TemporaryDirectory() as d:
    junk = os.path.join(d, "junk")
    with open(junk, "w") as f:
        f.write("this is not an ELF file\n")
    one_line_error("not an ELF", run([junk]), junk)
    arm = os.path.join(d, "arm64")
    with open(arm, "wb") as f:  # a bare aarch64 ELF header
        f.write(b"\x7fELF\x02\x01\x01" + b"\0" * 9 +
                struct.pack("<HHIQQQIHHHHHH", 2, 183, 1, 0x400000, 64, 0, 0,
                            64, 56, 0, 64, 0, 0))
    one_line_error("aarch64 binary", run([arm]), arm, "use vemu-aarch64")
    empty = os.path.join(d, "empty")
    open(empty, "w").close()
    one_line_error("empty file", run([empty]), empty)
    one_line_error("missing program", run([os.path.join(d, "nope")]),
                   os.path.join(d, "nope"))
    trunc = os.path.join(d, "trunc")
    with open(GUEST, "rb") as src, open(trunc, "wb") as dst:
        dst.write(src.read(100))
    one_line_error("truncated ELF", run([trunc]), trunc)
one_line_error("unknown option", run(["-bogus", GUEST]), "-bogus")
one_line_error("no program", run([]), "no program")
one_line_error("option without argument", run(["-L"]), "-L")
one_line_error("bad backend", run(["-backend", "fast", GUEST]), "fast")
# Fork-style clone and wait4: the child's exit status reaches the parent.
# Both sides translate fresh code right after the fork.
for backend in ("native", "tci"):
    r = run(["-backend", backend, GUEST, "fork"])
    check(f"{backend} clone+wait4", r.returncode == 0 and
          sorted(r.stdout.splitlines()) ==
          [f"child {prime_sum(3000)}", f"parent 1 5 {prime_sum(2000)}"],
          repr(r))

# riscv_flush_icache drops translations of patched code (JIT style).
for backend in ("native", "tci"):
    r = run(["-backend", backend, GUEST, "jit"])
    check(f"{backend} riscv_flush_icache", r.stdout.strip() == "42 99 22",
          repr(r))

# Plain stores into translated code (no fence.i, no flush) are seen.
for backend in ("native", "tci"):
    r = run(["-backend", backend, GUEST, "smc"])
    check(f"{backend} self-modifying code", r.stdout.strip() == "42 99 14",
          repr(r))

# -d unimp names unimplemented system calls; the guest gets -ENOSYS.
r = run(["-d", "unimp", GUEST, "nosys"])
check("-d unimp", r.stdout.strip() == "38" and
      "Unsupported syscall: 999" in r.stderr, repr(r))
# -cpu, -s, -R, -B.
r = run(["-cpu", "help"])
check("-cpu help", r.returncode == 0 and "rv64" in r.stdout and
      "(default)" in r.stdout, repr(r))
check("-cpu max", run(["-cpu", "max", GUEST]).returncode == 0)
one_line_error("unknown cpu", run(["-cpu", "pentium", GUEST]), "pentium")
r = run(["-s", "256k", GUEST, "primes", "1"])
check("-s 256k", r.stdout.strip() == str(prime_sum(1000)), repr(r))
one_line_error("bad -s", run(["-s", "lots", GUEST]), "lots")
one_line_error("tiny -s", run(["-s", "4k", GUEST]), "64k")
r = run(["-R", "1G", GUEST, "memory"])
check("-R 1G", r.stdout.strip() == "100000 0 3", repr(r))
r = run(["-B", "0x200000000000", GUEST])
check("-B address", r.returncode == 0 and r.stdout == "hello from riscv64\n",
      repr(r))
one_line_error("unaligned -B", run(["-B", "0x200000000010", GUEST]),
               "page aligned")
# Environment equivalents of -E, -U and -0.
r = run([GUEST, "args"], env={"VEMU_SET_ENV": "VT_A=1,VT_B=two",
                              "VEMU_UNSET_ENV": "VT_C", "VT_C": "x",
                              "VEMU_ARGV0": "zero"})
out = r.stdout.splitlines()
check("VEMU_SET_ENV/UNSET_ENV/ARGV0", out[:2] == ["zero", "args"] and
      sorted(l for l in out[2:]) == ["VT_A=1", "VT_B=two"], repr(r))
r = run([GUEST, "primes", "1"], env={"VEMU_ONE_INSN_PER_TB": "1"})
check("VEMU_ONE_INSN_PER_TB", r.stdout.strip() == str(prime_sum(1000)),
      repr(r))
r = run(["-h"])
check("-h", r.returncode == 0 and "usage: vemu-riscv64" in r.stdout, repr(r))

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
