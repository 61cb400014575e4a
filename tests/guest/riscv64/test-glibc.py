#!/usr/bin/env python3
"""glibc programs under vemu-riscv64: glibc-prog.c built static and dynamic
for riscv64 must print exactly what the native build prints, and exit with
the same status, on both code generators (the dynamic one through Debian's
riscv64 ld.so, found with -L /usr/riscv64-linux-gnu).

usage: test-glibc.py VEMU NATIVE STATIC DYNAMIC
"""
import os
import subprocess
import sys

VEMU, NATIVE, STATIC, DYNAMIC = sys.argv[1:5]
SYSROOT = "/usr/riscv64-linux-gnu"
env = dict(os.environ, VEMU_T="set here")
passed = failed = 0


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, env=env,
                          timeout=120)


want = run([NATIVE, "x", "last-arg"])
for backend in ("native", "tci"):
    for name, prog in (("static", STATIC), ("dynamic", DYNAMIC)):
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
