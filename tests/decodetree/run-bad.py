#!/usr/bin/env python3
# Test driver for tools/decodetree.py's error reporting: runs the generator
# on every bad/*.decode file (each holds one error) and checks that it exits
# non-zero, that its message starts with the file and line of the error and
# contains the expected text, and that no output file (nor temporary file)
# is left, whether or not an output file existed before.
#
# Directives, in comments of a case file:
#   # dt-args: ARGS           extra generator arguments (e.g. --width 16)
#   # dt-before: FILE...      files of bad/ read before the case file
# The line of the error carries "# error-here: TEXT" (in the case file or
# in one of its dt-before files); TEXT must occur in the message.
#
# Usage: run-bad.py GENERATOR BADDIR

import glob
import os
import re
import subprocess
import sys
import tempfile

MARK_RE = re.compile(r'#\s*error-here:\s*(.*?)\s*$')


def directives(path):
    args, before = [], []
    with open(path, encoding='utf-8') as f:
        for line in f:
            m = re.match(r'#\s*dt-args:(.*)$', line)
            if m:
                args += m.group(1).split()
            m = re.match(r'#\s*dt-before:(.*)$', line)
            if m:
                before += m.group(1).split()
    return args, before


def markers(path):
    found = []
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            m = MARK_RE.search(line)
            if m:
                found.append((path, number, m.group(1)))
    return found


def run_case(gen, bad_dir, case):
    args, before = directives(case)
    inputs = [os.path.join(bad_dir, b) for b in before] + [case]
    marks = []
    for path in inputs:
        marks += markers(path)
    if len(marks) != 1:
        return 'expected one "# error-here:" marker, found %d' % len(marks)
    path, line, text = marks[0]
    want = '%s:%d: ' % (path, line)
    for stale in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, 'out.c.inc')
            if stale:
                with open(out, 'w') as f:
                    f.write('/* stale */\n')
            p = subprocess.run([sys.executable, gen, '--decode', 'decode_bad']
                               + args + ['-o', out] + inputs,
                               capture_output=True, text=True)
            left = os.listdir(tmp)
            if p.returncode == 0:
                return 'generator succeeded'
            lines = p.stderr.splitlines()
            if not lines or not lines[0].startswith(want):
                return 'message %r does not start with %r' % (p.stderr, want)
            if text not in lines[0]:
                return 'message %r does not contain %r' % (lines[0], text)
            if left:
                return 'left %s behind (stale output before: %s)' % (left,
                                                                     stale)
            if p.stdout:
                return 'wrote to standard output: %r' % p.stdout[:80]
    return None


def main():
    if len(sys.argv) != 3:
        print('usage: run-bad.py GENERATOR BADDIR', file=sys.stderr)
        return 2
    gen, bad_dir = sys.argv[1], sys.argv[2]
    cases = sorted(glob.glob(os.path.join(bad_dir, '*.decode')))
    passed = failed = 0
    for case in cases:
        err = run_case(gen, bad_dir, case)
        name = os.path.basename(case)
        if err:
            failed += 1
            print('FAIL %s: %s' % (name, err))
        else:
            passed += 1
            print('ok   %s' % name)
    if passed + failed < 8:
        print('FAIL: only %d cases found in %s' % (passed + failed, bad_dir))
        failed += 1
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
