#!/usr/bin/env python3
"""Cross-built glibc programs under vemu: each PROG (a guest build of one
source, static or dynamic) must print exactly what NATIVE (the host build
of the same source) prints, and exit with the same status, on both code
generators (dynamic ones through the cross libc's ld.so, found with -L
SYSROOT, e.g. /usr/riscv64-linux-gnu from Debian's libc6-dev-*-cross).

usage: test-glibc.py VEMU NATIVE SYSROOT PROG...
"""
import os
import subprocess
import sys

VEMU, NATIVE, SYSROOT = sys.argv[1:4]
PROGS = sys.argv[4:]
env = dict(os.environ, VEMU_T="set here")
passed = failed = 0


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, env=env,
                          timeout=120)


want = run([NATIVE, "x", "last-arg"])
for backend in ("native", "tci"):
    for prog in PROGS:
        name = os.path.basename(prog)
        r = run([VEMU, "-backend", backend, "-L", SYSROOT, prog, "x", "last-arg"])
        # si_addr and argv[0]-independent output: compare all of it.
        ok = (r.stdout == want.stdout and r.returncode == want.returncode
              and r.stderr == "")
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {backend} {name}: rc={r.returncode} "
                  f"(native {want.returncode})\n--- vemu\n{r.stdout}"
                  f"{r.stderr}--- native\n{want.stdout}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
