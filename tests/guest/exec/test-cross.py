#!/usr/bin/env python3
"""execve across architectures: a guest program under VEMU runs OTHER (a
guest program of the other architecture, which needs the sibling vemu, or
a host program, which runs directly); the output must be what the native
build prints when it runs itself the same way.

usage: test-cross.py VEMU NATIVE SYSROOT PROG OTHER...
"""
import subprocess
import sys

VEMU, NATIVE, SYSROOT, PROG = sys.argv[1:5]
failed = 0


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


want = run([NATIVE, "run", NATIVE])
for other in sys.argv[5:]:
    r = run([VEMU, "-L", SYSROOT, PROG, "run", other])
    if r.stdout != want.stdout or r.returncode != want.returncode or r.stderr:
        failed += 1
        print(f"FAIL {other}: rc={r.returncode}\n--- vemu\n{r.stdout}"
              f"{r.stderr}--- native\n{want.stdout}")
    else:
        print(f"ok {other}")
sys.exit(1 if failed else 0)
