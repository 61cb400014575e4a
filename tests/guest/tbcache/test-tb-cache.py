#!/usr/bin/env python3
"""The persistent translation cache (tcg/tb-cache.c) end to end.

usage: test-tb-cache.py VEMU PROG0 PROG1 NATIVE0 NATIVE1

PROG0/PROG1 are tbc-prog.c built statically for the guest with VARIANT 0
and 1, NATIVE0/NATIVE1 the same for the host: every guest run must print
what the native build prints for the same arguments. VEMU_TB_CACHE_STATS
gives the counts each run asserts on (the parent's line is the last: it
waits for its child).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

VEMU, PROG0, PROG1, NATIVE0, NATIVE1 = sys.argv[1:6]
STATS = re.compile(r"translation cache: (\d+) reused, (\d+) rejected, "
                   r"(\d+) translated, (\d+) verified, (\d+) saved")
FIELDS = ("reused", "rejected", "translated", "verified", "saved")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def native(prog, value):
    return subprocess.run([prog, value], capture_output=True, text=True,
                          check=True).stdout


def run(prog, value, cache, env=None, opts=()):
    e = dict(os.environ)
    e.pop("VEMU_TB_CACHE_VERIFY", None)
    e["VEMU_TB_CACHE"] = cache
    e["VEMU_TB_CACHE_STATS"] = "1"
    e.update(env or {})
    p = subprocess.run([VEMU, *opts, prog, value], capture_output=True,
                       text=True, env=e, timeout=120)
    lines = STATS.findall(p.stderr)
    stats = dict(zip(FIELDS, map(int, lines[-1]))) if lines else None
    return p, stats


def cache_files(d):
    return [os.path.join(d, f) for f in os.listdir(d) if f.endswith(".tbc")]


def expect(p, want, what):
    check(p.returncode == 0 and p.stdout == want,
          f"{what}: output as native (rc {p.returncode})"
          + ("" if p.stdout == want else f"\n{p.stdout!r}\n!= {want!r}"))


def main():
    want = {(v, k): native(n, k) for v, n in ((0, NATIVE0), (1, NATIVE1))
            for k in ("1", "2")}
    tmp = tempfile.mkdtemp(prefix="vemu-tbc-")
    try:
        d = os.path.join(tmp, "cache")
        prog = os.path.join(tmp, "prog")
        shutil.copy(PROG0, prog)

        p, cold = run(prog, "1", d)
        expect(p, want[0, "1"], "cold run")
        check(cold and cold["reused"] == 0 and cold["translated"] > 100
              and cold["saved"] > 0, f"cold run translates and saves: {cold}")
        check(len(cache_files(d)) == 1, "one cache file for the program")
        check(os.stat(d).st_mode & 0o777 == 0o700, "cache directory is 0700")

        p, warm = run(prog, "1", d)
        expect(p, want[0, "1"], "warm run")
        check(warm and warm["reused"] > 100
              and warm["translated"] * 10 <= warm["reused"],
              f"warm run reuses the saved blocks: {warm}")

        # Same address, other code: the block written at run time.
        p, st = run(prog, "2", d)
        expect(p, want[0, "2"], "code written at run time changed")
        check(st and st["rejected"] >= 1,
              f"the stale run-time block is rejected: {st}")

        p, st = run(prog, "1", d, {"VEMU_TB_CACHE_VERIFY": "1"})
        expect(p, want[0, "1"], "verify mode")
        check(st and st["reused"] == 0 and st["verified"] > 100,
              f"verify mode compares fresh translations with the file: {st}")

        # The program replaced at the same path: same cache file, other code.
        shutil.copy(PROG1, prog)
        p, st = run(prog, "1", d)
        expect(p, want[1, "1"], "program replaced")
        check(st and st["rejected"] >= 1,
              f"the old program's blocks are rejected: {st}")
        shutil.copy(PROG0, prog)
        run(prog, "1", d)

        # Damage: flipped bytes all over the records, then a truncated
        # file, then noise.
        f = cache_files(d)[0]
        data = bytearray(open(f, "rb").read())
        for i in range(64, len(data), 997):
            data[i] ^= 0x5a
        open(f, "wb").write(data)
        p, st = run(prog, "1", d)
        expect(p, want[0, "1"], "flipped bytes in the cache file")
        check(st and st["rejected"] > 0,
              f"damaged records are rejected: {st}")
        run(prog, "1", d)
        f = cache_files(d)[0]
        data = open(f, "rb").read()
        open(f, "wb").write(data[: len(data) // 2])
        p, st = run(prog, "1", d)
        expect(p, want[0, "1"], "truncated cache file")
        check(st and st["reused"] == 0, f"a truncated file is ignored: {st}")
        open(cache_files(d)[0], "wb").write(os.urandom(200000))
        p, st = run(prog, "1", d)
        expect(p, want[0, "1"], "cache file of noise")
        check(st and st["reused"] == 0, f"noise is ignored: {st}")

        # A directory others may write to is not used.
        shared = os.path.join(tmp, "shared")
        os.mkdir(shared)
        os.chmod(shared, 0o777)
        p, st = run(prog, "1", shared)
        expect(p, want[0, "1"], "unsafe directory")
        check("translation cache" in p.stderr and st is None
              and not cache_files(shared),
              "an unsafe directory is named on stderr and not used")

        p, st = run(prog, "1", "off")
        expect(p, want[0, "1"], "cache off")
        check(st is None and not os.path.exists("off"), "off means off")
        p, st = run(prog, "1", d, opts=("-d", "in_asm", "-D", os.devnull))
        expect(p, want[0, "1"], "-d logging")
        check(st is None, "no cache while logging translation")

        # Concurrent processes on a fresh directory: each output right,
        # and a complete file at the end.
        c = os.path.join(tmp, "concurrent")
        e = dict(os.environ, VEMU_TB_CACHE=c)
        e.pop("VEMU_TB_CACHE_VERIFY", None)
        procs = [subprocess.Popen([VEMU, prog, "1"], stdout=subprocess.PIPE,
                                  text=True, env=e) for _ in range(6)]
        outs = [pr.communicate(timeout=120)[0] for pr in procs]
        check(all(o == want[0, "1"] for o in outs) and
              all(pr.returncode == 0 for pr in procs),
              "six concurrent runs")
        p, st = run(prog, "1", c)
        expect(p, want[0, "1"], "after the concurrent runs")
        check(st and st["reused"] > 100 and st["rejected"] == 0,
              f"their file is complete and reused: {st}")
        check(not [f for f in os.listdir(c) if not f.endswith(".tbc")],
              "no temporary file left behind")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
