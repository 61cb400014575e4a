#!/usr/bin/env python3
"""Runs the self-checking sys-prog (signal frames, HWCAP, /proc/cpuinfo,
ID registers, per-feature instructions, EL0 system registers) under vemu
with every -cpu model that `VEMU -cpu help` lists, on both code
generators. Each run must exit 0, print nothing on stderr, and print only
"ok NAME" lines (and "# " notes); any "FAIL" line, any other line, or
no ok line at all fails the test, and the offending lines are shown.

usage: test-sys.py VEMU PROG [ARG...]   (ARGs go to PROG)
"""
import os
import subprocess
import sys

VEMU = sys.argv[1]
PROG = sys.argv[2]
ARGS = sys.argv[3:]
env = dict(os.environ)
# The model comes from -cpu alone; an inherited VEMU_CPU must not
# change what "max" means here.
env.pop("VEMU_CPU", None)


def cpu_models():
    """The model names, the first word of each indented line of
    `-cpu help` (the first line is a heading)."""
    r = subprocess.run([VEMU, "-cpu", "help"], capture_output=True,
                       text=True, env=env, timeout=60)
    models = [line.split()[0] for line in r.stdout.splitlines()
              if line.startswith((" ", "\t")) and line.strip()]
    if r.returncode != 0 or not models:
        print(f"FAIL {VEMU} -cpu help: rc={r.returncode}\n{r.stdout}{r.stderr}")
        sys.exit(1)
    return models


passed = failed = 0
for model in cpu_models():
    for backend in ("native", "tci"):
        for prog in [PROG]:
            what = f"{backend} -cpu {model} {os.path.basename(prog)}"
            what += "".join(" " + a for a in ARGS)
            try:
                r = subprocess.run([VEMU, "-backend", backend, "-cpu", model,
                                    prog] + ARGS, capture_output=True, text=True,
                                   env=env, timeout=120)
            except subprocess.TimeoutExpired:
                failed += 1
                print(f"FAIL {what}: timed out")
                continue
            lines = r.stdout.splitlines()
            bad = [line for line in lines
                   if not line.startswith("ok ") and not line.startswith("# ")]
            oks = sum(1 for line in lines if line.startswith("ok "))
            if r.returncode == 0 and not bad and oks and r.stderr == "":
                passed += 1
                print(f"ok {what}: {oks} checks")
            else:
                failed += 1
                print(f"FAIL {what}: rc={r.returncode}, {oks} ok lines")
                for line in bad:
                    print(f"    {line}")
                # A death mid-run: the program's last note says what it
                # was doing (e.g. sending itself a signal).
                if r.returncode < 0 and lines and lines[-1].startswith("# "):
                    print(f"    died after: {lines[-1]}")
                for line in r.stderr.splitlines():
                    print(f"    stderr: {line}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
