#!/usr/bin/env python3
# Cross-checks the riscv64 decoder against LLVM's disassembler (llvm-mc),
# an implementation written independently of ours: every 16-bit encoding
# and a large seeded sample of 32-bit ones (biased towards the opcodes and
# function codes we implement) must be accepted or rejected alike, and
# print alike in the no-alias syntax. The few places where we differ on
# purpose are listed in KNOWN_DIFFERENCES with the reason; any other
# difference fails the test.
#
# Usage: llvm-cross-check.py RV_DISAS_DUMP LLVM_MC [--count N] [--seed S]
# LLVM_MC may be empty: llvm-mc (Debian package llvm-14) is optional, and
# without it the test reports itself skipped (exit status 77) rather than
# vanishing from the suite.

import argparse
import random
import re
import subprocess
import sys

MATTR = '+c,+m,+a,+f,+d,+zba,+zbb,+zbs'

# Major opcodes (bits 6:0) of the 32-bit instructions we implement, and
# the funct7 values they use, to bias the sample towards valid encodings.
OPCODES = [0x03, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x2f, 0x33, 0x37, 0x3b,
           0x63, 0x67, 0x6f, 0x73, 0x07, 0x27, 0x43, 0x47, 0x4b, 0x4f,
           0x53, 0x53, 0x53]
FUNCT7 = [0x00, 0x01, 0x04, 0x05, 0x10, 0x14, 0x20, 0x24, 0x30, 0x34, 0x35]
USER_CSRS = {'fflags', 'frm', 'fcsr', 'cycle', 'time', 'instret'}
READ_ONLY_CSRS = {'cycle', 'time', 'instret'}


def known_difference(insn, length, ours, llvm):
    """A reason string if the difference is intended, else None."""
    if ours == 'illegal' and llvm != 'illegal':
        m = re.match(r'csrr(w|s|c)(i?) (\w+), (\w+), (\w+)$', llvm)
        if m:
            op, imm, rd, csr, src = m.groups()
            writes = op == 'w' or src not in ('zero', '0')
            if csr not in USER_CSRS:
                return 'CSR not accessible from user mode'
            if writes and csr in READ_ONLY_CSRS:
                return 'write to a read-only counter'
        if llvm.split()[0] in ('mret', 'sret', 'uret', 'dret', 'wfi',
                               'sfence.vma', 'hfence.vvma', 'hfence.gvma'):
            return 'privileged instruction in user mode'
        if llvm.startswith('c.lui ') and llvm.endswith(', 0'):
            return 'c.lui with nzimm = 0 is reserved (LLVM 14 accepts it)'
    if ours != 'illegal' and llvm == 'illegal':
        if ours.split()[0] in ('fcvt.d.s', 'fcvt.d.w', 'fcvt.d.wu'):
            return ('exact conversions take any valid rm (LLVM 14 accepts '
                    'only rm = 000)')
        opcode = insn & 0x7f
        funct3 = (insn >> 12) & 7
        if length == 4 and opcode == 0x0f and funct3 in (0, 1):
            return ('fence/fence.i reserved fields (fm, rs1, rd, imm) are '
                    'ignored, as the manual asks')
    m1 = re.match(r'c\.lui zero, (\d+)$', ours)
    m2 = re.match(r'c\.lui zero, (-\d+)$', llvm)
    if m1 and m2 and int(m1.group(1)) == int(m2.group(1)) & 0xfffff:
        return 'LLVM 14 prints the c.lui x0 hint with a signed immediate'
    if (ours != 'illegal' and llvm != 'illegal' and
            ours.startswith('fence ') and llvm.startswith('fence ')):
        if ((insn >> 28) & 0xf) not in (0, 8):
            return 'fence with a reserved fm value prints as a plain fence'
    return None


def normalize_llvm(text):
    text = ' '.join(text.split())
    if text == 'c.unimp':
        return 'illegal'
    # LLVM prints an empty fence set as "unknown"; we print "0".
    text = text.replace(', unknown', ', 0')
    if text.startswith('fence unknown'):
        text = 'fence 0' + text[len('fence unknown'):]
    return text


def sample(count, seed):
    rng = random.Random(seed)
    out = []
    for h in range(0x10000):
        if h & 3 != 3:
            out.append((h, 2))
    for _ in range(count):
        r = rng.random()
        w = rng.getrandbits(32)
        if r < 0.85:
            w = (w & ~0x7f) | rng.choice(OPCODES)
            if rng.random() < 0.6:
                w = (w & 0x01ffffff) | rng.choice(FUNCT7) << 25
            if rng.random() < 0.3:
                w = (w & ~(0x1f << 20)) | rng.randrange(0, 25) << 20
        else:
            w = (w & ~3) | 3
        if (w & 0x1f) == 0x1f:  # 48-bit and longer: LLVM resyncs oddly
            w &= ~0x10
        out.append((w, 4))
    return out


def run_ours(dump, encs):
    text = ''.join('%04x\n' % e if n == 2 else '%08x\n' % e
                   for e, n in encs)
    res = subprocess.run([dump], input=text, capture_output=True, text=True,
                         check=True)
    lines = res.stdout.splitlines()
    assert len(lines) == len(encs), 'rv-disas-dump output count'
    return lines


def run_llvm(llvm_mc, encs):
    text = ''.join(' '.join('0x%02x' % ((e >> (8 * i)) & 0xff)
                            for i in range(n)) + '\n' for e, n in encs)
    res = subprocess.run([llvm_mc, '--disassemble', '-triple=riscv64',
                          '-mattr=' + MATTR, '-riscv-no-aliases'],
                         input=text, capture_output=True, text=True)
    bad = set()
    for m in re.finditer(r'<stdin>:(\d+):\d+: warning: invalid instruction',
                         res.stderr):
        bad.add(int(m.group(1)) - 1)
    insns = [l for l in res.stdout.splitlines()
             if l.strip() and not l.strip().startswith('.')]
    out = []
    it = iter(insns)
    for i in range(len(encs)):
        out.append('illegal' if i in bad else normalize_llvm(next(it)))
    rest = list(it)
    assert not rest, 'llvm-mc printed more instructions than lines: %r' % rest[:3]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('dump')
    ap.add_argument('llvm_mc')
    ap.add_argument('--count', type=int, default=200000)
    ap.add_argument('--seed', type=int, default=20240601)
    args = ap.parse_args()
    if not args.llvm_mc:
        print('llvm-mc not found (Debian package llvm-14): skipped')
        return 77

    encs = sample(args.count, args.seed)
    ours = run_ours(args.dump, encs)
    llvm = run_llvm(args.llvm_mc, encs)
    failures = 0
    known = {}
    valid = 0
    for (e, n), a, b in zip(encs, ours, llvm):
        if a != 'illegal':
            valid += 1
        if a == b:
            continue
        reason = known_difference(e, n, a, b)
        if reason:
            known[reason] = known.get(reason, 0) + 1
            continue
        failures += 1
        if failures <= 40:
            print('%0*x: ours "%s", llvm "%s"' % (2 * n, e, a, b))
    print('%d encodings (%d valid for us), %d differences, known: %s'
          % (len(encs), valid, failures,
             ', '.join('%s (%d)' % kv for kv in sorted(known.items()))
             or 'none'))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
