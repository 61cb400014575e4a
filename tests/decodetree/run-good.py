#!/usr/bin/env python3
# Test driver for tools/decodetree.py's output on the good pattern files:
# generation succeeds silently; the output is the same bytes on every run,
# whether the inputs are named by relative or absolute paths and whether it
# goes to standard output or to -o; -o replaces an existing file and leaves
# no temporary file; and the decoder is a decision tree (the RISC-V decoder
# switches on the major opcode first instead of testing patterns in turn).
#
# Usage: run-good.py GENERATOR SRCDIR

import os
import subprocess
import sys
import tempfile

CASES = [
    (['good-basic.decode'], ['--decode', 'decode_basic']),
    (['good-multi-a.decode', 'good-multi-b.decode'],
     ['--decode', 'decode_multi']),
    (['rv-base.decode'], ['--decode', 'decode_rv']),
    (['good-16.decode'], ['--decode', 'decode_c16', '--width', '16']),
]


def gen(generator, args, cwd=None):
    p = subprocess.run([sys.executable, generator] + args, cwd=cwd,
                       capture_output=True)
    if p.returncode != 0 or p.stderr:
        raise AssertionError('%s exited %d: %s'
                             % (' '.join(args), p.returncode,
                                p.stderr.decode(errors='replace')))
    return p.stdout


def check_case(generator, src, inputs, opts):
    rel = [os.path.relpath(os.path.join(src, i)) for i in inputs]
    absolute = [os.path.abspath(os.path.join(src, i)) for i in inputs]
    first = gen(generator, opts + rel)
    if not first:
        return 'empty output'
    if gen(generator, opts + rel) != first:
        return 'two runs differ'
    if gen(generator, opts + absolute) != first:
        return 'output depends on how the inputs are named'
    if gen(generator, opts + inputs, cwd=src) != first:
        return 'output depends on the working directory'
    text = first.decode()
    if not text.endswith('\n') or any(l != l.rstrip() for l in
                                      text.split('\n')):
        return 'trailing whitespace or no final newline'
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'out.c.inc')
        with open(out, 'w') as f:
            f.write('old contents\n')
        if gen(generator, opts + ['-o', out] + absolute) != b'':
            return '-o also wrote to standard output'
        with open(out, 'rb') as f:
            if f.read() != first:
                return '-o output differs from standard output'
        if os.listdir(tmp) != ['out.c.inc']:
            return 'left %s behind' % os.listdir(tmp)
    return None


def check_tree(generator, src):
    text = gen(generator, ['--decode', 'decode_rv',
                           os.path.join(src, 'rv-base.decode')]).decode()
    body = text[text.index('static bool decode_rv('):]
    first = body.split('\n')[2].strip()
    if first != 'switch (insn & 0x0000007f) {':
        return 'decoder starts with %r, not a switch on the opcode' % first
    # 52 patterns, but no pattern is more than 4 tests deep.
    depth = max(len(l) - len(l.lstrip()) for l in body.split('\n')
                if l.strip().startswith(('switch', 'if')))
    if depth > 4 * 4:
        return 'tests nested %d levels deep' % (depth // 4)
    if body.count('return trans_') != 52:
        return '%d leaves, expected 52' % body.count('return trans_')
    return None


def main():
    if len(sys.argv) != 3:
        print('usage: run-good.py GENERATOR SRCDIR', file=sys.stderr)
        return 2
    generator, src = os.path.abspath(sys.argv[1]), sys.argv[2]
    passed = failed = 0
    checks = [(' + '.join(i), lambda i=i, o=o: check_case(generator, src, i,
                                                         o))
              for i, o in CASES]
    checks.append(('decision tree', lambda: check_tree(generator, src)))
    for name, fn in checks:
        try:
            err = fn()
        except AssertionError as e:
            err = str(e)
        if err:
            failed += 1
            print('FAIL %s: %s' % (name, err))
        else:
            passed += 1
            print('ok   %s' % name)
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
