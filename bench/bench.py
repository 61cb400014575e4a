#!/usr/bin/env python3
# The benchmark harness proper (issue 7), driven by bench/run.sh: runs each
# workload natively, under qemu-user and under vemu, checks that the outputs
# agree, and writes the table, results.json and the data for the chart.
# See docs/performance.md for what is measured and how to read it.
import argparse
import datetime
import hashlib
import json
import math
import os
import platform
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# Guest name -> (Debian architecture of its root, dynamic loader path).
ARCHES = {
    "riscv64": ("riscv64", "/lib/ld-linux-riscv64-lp64d.so.1"),
    "aarch64": ("arm64", "/lib/ld-linux-aarch64.so.1"),
}

# Native programs come from Debian's own directories only, as in
# tests/debian/run.sh (not a python3 from /usr/local, say).
HOST_PATH = "/usr/bin:/bin:/usr/sbin:/sbin"

# Input sizes. The full sizes are the issue's; the quick ones only prove
# that everything runs and matches (CI smoke test).
SIZES = {
    "full": {"data": 20 << 20, "sort": 8 << 20, "py": 400_000,
             "lua": 1_000_000, "sql": 200_000, "execs": 1000},
    "quick": {"data": 1 << 20, "sort": 256 << 10, "py": 20_000,
              "lua": 40_000, "sql": 5_000, "execs": 20},
}
# Bump when the generators below change, so cached inputs are remade.
INPUT_FORMAT = 1


def say(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def die(msg):
    say("error: " + msg)
    sys.exit(2)


# --- inputs ----------------------------------------------------------------

def make_vocab(r):
    syl = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "xe", "zu", "an",
           "el", "is", "or", "ut", "st", "ch", "qu", "ba", "de", "fro", "gly"]
    return ["".join(r.choice(syl) for _ in range(r.randint(1, 5)))
            for _ in range(5000)]


def gen_data(path, size):
    # A mix that compressors find neither trivial nor hopeless: prose-like
    # text with a skewed word distribution, low-entropy binary records,
    # random bytes and long repeats of earlier data.
    r = random.Random(0x7E3D)
    vocab = make_vocab(r)
    weights = [1.0 / (i + 1) for i in range(len(vocab))]
    out = bytearray()
    while len(out) < size:
        kind = r.random()
        if kind < 0.45:
            words = r.choices(vocab, weights, k=1500)
            for i in range(0, len(words), 12):
                out += (" ".join(words[i:i + 12]) + ".\n").encode()
        elif kind < 0.70:
            out += bytes(r.choices(b"\x00\x00\x00\x01\x02\x10\x7f\xff",
                                   k=24 * 1024))
        elif kind < 0.85:
            out += r.randbytes(16 * 1024)
        elif len(out) > 65536:
            start = r.randrange(len(out) - 65536)
            out += out[start:start + r.randint(4096, 65536)]
    with open(path + ".tmp", "wb") as f:
        f.write(out[:size])
    os.rename(path + ".tmp", path)


def gen_sort(path, size):
    # Lines with a random key in front, so that the input is far from
    # sorted and many lines share prefixes.
    r = random.Random(0x5027)
    vocab = make_vocab(r)
    lines = []
    n = 0
    while n < size:
        line = "%s %s %d %s\n" % (r.choice(vocab), r.choice(vocab),
                                  r.randint(0, 10**9), r.choice(vocab))
        lines.append(line)
        n += len(line)
    with open(path + ".tmp", "w") as f:
        f.write("".join(lines))
    os.rename(path + ".tmp", path)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def prepare_inputs(cache, mode, sizes):
    d = os.path.join(cache, "inputs-v%d" % INPUT_FORMAT, mode)
    os.makedirs(d, exist_ok=True)
    data = os.path.join(d, "data.bin")
    text = os.path.join(d, "sort.txt")
    if not os.path.exists(data):
        say("generating %s (%d bytes, once)" % (data, sizes["data"]))
        gen_data(data, sizes["data"])
    if not os.path.exists(text):
        say("generating %s (%d bytes, once)" % (text, sizes["sort"]))
        gen_sort(text, sizes["sort"])
    return {"data": data, "sort": text}


def static_true_host(cache):
    # The native counterpart of the guest's busybox-static: the host's own
    # busybox-static, unpacked into the cache (installing the package would
    # replace a dynamic busybox). Falls back to the host's busybox.
    d = os.path.join(cache, "busybox-static")
    bb = os.path.join(d, "bin", "busybox")
    if not os.path.exists(bb):
        os.makedirs(d, exist_ok=True)
        try:
            subprocess.run(["apt-get", "download", "busybox-static"], cwd=d,
                           check=True, capture_output=True, timeout=120)
            deb = [f for f in os.listdir(d) if f.endswith(".deb")][0]
            subprocess.run(["dpkg-deb", "-x", deb, "."], cwd=d, check=True,
                           capture_output=True, timeout=60)
        except (subprocess.SubprocessError, OSError, IndexError) as e:
            say("could not fetch busybox-static (%s)" % e)
    if os.path.exists(bb):
        return bb, "busybox-static (host)"
    host = shutil.which("busybox", path=HOST_PATH)
    if host:
        return host, "host busybox (not static: busybox-static unavailable)"
    return None, "no busybox on the host"


# --- guest roots -----------------------------------------------------------

def root_resolve(root, path):
    # The host path that `path` names inside `root`, following symbolic
    # links as a chroot would (absolute targets re-rooted at root), like
    # root_resolve in tests/debian/common.sh.
    done = ""
    parts = [p for p in path.split("/") if p]
    hops = 0
    while parts:
        comp = parts.pop(0)
        if comp == ".":
            continue
        if comp == "..":
            done = done.rsplit("/", 1)[0]
            continue
        full = root + done + "/" + comp
        if os.path.islink(full):
            hops += 1
            if hops > 40:
                raise OSError("symbolic link loop at " + full)
            target = os.readlink(full)
            if target.startswith("/"):
                done = ""
            parts = [p for p in target.split("/") if p] + parts
        else:
            done += "/" + comp
    return root + (done or "/")


def find_root(deb_arch):
    out = subprocess.run([os.path.join(REPO, "tests/debian/make-root.sh"),
                          deb_arch], stdout=subprocess.PIPE, text=True)
    if out.returncode != 0 or not out.stdout.strip():
        die("could not make or find the %s root (tests/debian/make-root.sh)"
            % deb_arch)
    return out.stdout.strip().splitlines()[-1]


# --- workloads -------------------------------------------------------------

def workloads(inputs, sizes, sql_file):
    # (name, unit, program path (same in the root and on the host), args,
    #  stdin file[, vemu's extra environment]). Unit "s" is seconds per run;
    # "ms/exec" marks a start-up loop of sizes["execs"] runs. vemu keeps
    # its translations between runs (tcg/tb-cache.c) in a directory of the
    # bench's own, empty at the start: the first run of each workload
    # translates everything. The *-nocache rows show start-up without the
    # cache; they are not in the geometric mean, which counts each
    # workload once.
    nocache = {"VEMU_TB_CACHE": "off"}
    w = HERE + "/workloads/"
    return [
        ("gzip-9", "s", "/usr/bin/gzip", ["-9", "-n", "-c"], inputs["data"]),
        ("xz-6", "s", "/usr/bin/xz", ["-6", "-T1", "-c"], inputs["data"]),
        ("sort", "s", "/usr/bin/sort", [], inputs["sort"]),
        ("python3", "s", "/usr/bin/python3", [w + "mix.py", str(sizes["py"])],
         None),
        ("lua5.4", "s", "/usr/bin/lua5.4", [w + "mix.lua", str(sizes["lua"])],
         None),
        ("sqlite3", "s", "/usr/bin/sqlite3", [":memory:"], sql_file),
        ("sha256sum", "s", "/usr/bin/sha256sum", [], inputs["data"]),
        ("true-static", "ms/exec", "/usr/bin/busybox", ["true"], None),
        ("true-dynamic", "ms/exec", "/usr/bin/true", [], None),
        ("true-static-nocache", "ms/exec", "/usr/bin/busybox", ["true"],
         None, nocache),
        ("true-dynamic-nocache", "ms/exec", "/usr/bin/true", [], None,
         nocache),
    ]


# --- running ---------------------------------------------------------------

def run_once(argv, env, stdin, stdout, stderr, timeout):
    # One timed run: wall time from just before the spawn to the reaping,
    # and the child's user+sys from wait4. Returns (status, wall, cpu).
    acts = [(os.POSIX_SPAWN_OPEN, 0, stdin or "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, stdout,
             os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
            (os.POSIX_SPAWN_OPEN, 2, stderr,
             os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=acts)
    # Kill by this pid only, and only if it is still ours to reap.
    timer = threading.Timer(timeout, lambda: os.kill(pid, signal.SIGKILL))
    timer.start()
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    timer.cancel()
    return os.waitstatus_to_exitcode(status), wall, ru.ru_utime + ru.ru_stime


def run_execs(argv, env, n, timeout):
    # Start-up: n runs back to back, one at a time. Returns (first bad
    # status or 0, wall per exec, user+sys per exec).
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    acts = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0)]
    bad = 0
    deadline = time.monotonic() + timeout
    t0 = time.perf_counter()
    for _ in range(n):
        pid = os.posix_spawn(argv[0], argv, env, file_actions=acts)
        _, status, _ = os.wait4(pid, 0)
        rc = os.waitstatus_to_exitcode(status)
        if rc != 0:
            bad = rc
            break
        if time.monotonic() > deadline:
            bad = 124
            break
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return bad, wall / n, cpu / n


def first_line(path):
    try:
        with open(path, errors="replace") as f:
            return f.readline().strip()[:160]
    except OSError:
        return ""


def git(*args):
    try:
        return subprocess.run(["git", "-C", REPO] + list(args), text=True,
                              capture_output=True).stdout.strip()
    except OSError:
        return ""


def machine_info():
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu_model": cpu, "cores": os.cpu_count(),
            "kernel": platform.release(), "host": platform.machine(),
            "loadavg_start": list(os.getloadavg())}


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def fmt_time(v, unit):
    if v is None:
        return "-"
    return "%.2f" % (v * 1000) if unit == "ms/exec" else "%.3f" % v


def fmt_ratio(v):
    return "-" if v is None else "%.2f" % v


def bench_arch(arch, args, sizes, inputs, cache, bb_native, work):
    deb_arch, loader = ARCHES[arch]
    root = args.root.get(arch) or find_root(deb_arch)
    root = os.path.realpath(root)
    if not os.path.isfile(root_resolve(root, loader)):
        die("%s: %s does not resolve inside the root" % (root, loader))
    vemu = os.path.join(args.build, "linux-user", arch, "vemu-" + arch)
    if not os.access(vemu, os.X_OK):
        die("%s: not built" % vemu)
    qemu = shutil.which("qemu-" + arch, path=HOST_PATH)
    if not qemu:
        say("qemu-%s not found: the qemu column stays empty" % arch)

    env = {"PATH": HOST_PATH, "LC_ALL": "C", "TZ": "UTC",
           "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
    d = os.path.join(work, arch)
    os.makedirs(d, exist_ok=True)
    env["HOME"] = d
    env["VEMU_TB_CACHE"] = os.path.join(d, "tb-cache")
    sql = os.path.join(d, "query.sql")
    with open(os.path.join(HERE, "workloads", "query.sql.in")) as f:
        open(sql, "w").write(f.read().replace("@ROWS@", str(sizes["sql"])))

    results = []
    for name, unit, prog, wargs, stdin, *extra in workloads(inputs, sizes,
                                                            sql):
        vemu_env = dict(env, **extra[0]) if extra else env
        if args.only and name not in args.only:
            continue
        guest_prog = root_resolve(root, prog)
        host_prog = shutil.which(os.path.basename(prog), path=HOST_PATH)
        if name.startswith("true-static"):
            host_prog = bb_native
        # The guest program is named by its host path: both emulators then
        # see the same argv[0], and -L makes its loader and libraries come
        # from the root (checked in docs/performance.md).
        sides = {"native": [host_prog] + wargs if host_prog else None,
                 "qemu": [qemu, "-L", root, guest_prog] + wargs if qemu else None,
                 "vemu": [vemu, "-L", root, guest_prog] + wargs}
        if not os.path.isfile(guest_prog):
            sides["qemu"] = sides["vemu"] = None
        rec = {"name": name, "unit": unit, "program": prog, "args": wargs,
               "status": "ok", "problems": [], "in_geomean": not extra}
        if extra:
            rec["vemu_env"] = extra[0]
        if stdin:
            rec["stdin"] = os.path.basename(stdin)
        walls = {s: [] for s in sides}
        cpus = {s: [] for s in sides}
        digests = {s: set() for s in sides}
        say("%s: %s (%d run%s per side)" % (arch, name, args.runs,
                                            "" if args.runs == 1 else "s"))
        for r in range(args.runs):
            # Sides take turns within each round, so that a change in the
            # machine's load during the workload hits all three alike.
            for side, argv in sides.items():
                if argv is None:
                    continue
                side_env = vemu_env if side == "vemu" else env
                if unit == "ms/exec":
                    rc, wall, cpu = run_execs(argv, side_env, sizes["execs"],
                                              args.timeout)
                    digest = "exit 0" if rc == 0 else "exit %d" % rc
                    err = ""
                else:
                    out = os.path.join(d, "%s.%s.out" % (name, side))
                    errf = os.path.join(d, "%s.%s.err" % (name, side))
                    rc, wall, cpu = run_once(argv, side_env, stdin, out, errf,
                                             args.timeout)
                    digest = "%d:%s" % (rc, sha256_file(out))
                    err = first_line(errf)
                if rc != 0:
                    rec["problems"].append("%s: exit status %d%s" % (
                        side, rc, (": " + err) if err else ""))
                    sides[side] = None
                    continue
                walls[side].append(wall)
                cpus[side].append(cpu)
                digests[side].add(digest)
            # Progress, since a full round of a big workload takes minutes.
            if args.runs > 1:
                say("  run %d/%d: %s" % (r + 1, args.runs, "  ".join(
                    "%s %s" % (s, fmt_time(walls[s][-1], unit))
                    for s in sides if walls[s] and len(walls[s]) == r + 1)))
        # The outputs must be the same on every side and in every run.
        ref = digests["native"] if sides["native"] else None
        for side in ("qemu", "vemu"):
            if len(digests[side]) > 1:
                rec["problems"].append("%s: output differs between runs" % side)
            elif ref and digests[side] and digests[side] != ref:
                rec["problems"].append("%s: output differs from native" % side)
        if not sides["native"] and not walls["native"]:
            rec["problems"].append("native: not available")
        if not walls["vemu"]:
            rec["problems"].append("vemu: no successful run")
        if rec["problems"]:
            rec["status"] = "FAIL"
        for side in sides:
            rec[side] = {
                "median": statistics.median(walls[side]) if walls[side] else None,
                "cpu_median": statistics.median(cpus[side]) if cpus[side] else None,
                "runs": walls[side], "cpu_runs": cpus[side],
            }
            if unit == "ms/exec":
                rec[side]["execs_per_run"] = sizes["execs"]
        rec["output"] = sorted(digests["vemu"] or digests["native"])[:1]
        v, q, n = rec["vemu"]["median"], rec["qemu"]["median"], rec["native"]["median"]
        ok = rec["status"] == "ok"
        rec["vemu_over_qemu"] = v / q if ok and v and q else None
        rec["vemu_over_native"] = v / n if ok and v and n else None
        results.append(rec)
        for p in rec["problems"]:
            say("%s: %s: %s" % (arch, name, p))

    return {
        "root": root, "vemu": vemu, "qemu": qemu,
        "qemu_version": (subprocess.run([qemu, "--version"], text=True,
                                        capture_output=True).stdout
                         .splitlines() or [""])[0] if qemu else None,
        "workloads": results,
        "geomean_vemu_over_qemu": geomean([r["vemu_over_qemu"] for r in results
                                           if r["in_geomean"]]),
        "geomean_vemu_over_native": geomean([r["vemu_over_native"]
                                             for r in results
                                             if r["in_geomean"]]),
        "failed": [r["name"] for r in results if r["status"] != "ok"],
    }


def print_table(res, f=sys.stdout):
    hdr = "%-8s %-20s %-8s %9s %9s %9s %9s %9s  %s" % (
        "guest", "workload", "unit", "native", "qemu", "vemu", "vemu/qemu",
        "vemu/nat", "check")
    print(hdr, file=f)
    print("-" * len(hdr), file=f)
    for arch, g in res["guests"].items():
        for r in g["workloads"]:
            u = r["unit"]
            print("%-8s %-20s %-8s %9s %9s %9s %9s %9s  %s" % (
                arch, r["name"], u, fmt_time(r["native"]["median"], u),
                fmt_time(r["qemu"]["median"], u),
                fmt_time(r["vemu"]["median"], u),
                fmt_ratio(r["vemu_over_qemu"]),
                fmt_ratio(r["vemu_over_native"]),
                "match" if r["status"] == "ok" else "FAIL"), file=f)
        print("%-8s %-20s %-8s %9s %9s %9s %9s %9s  %s" % (
            arch, "geomean", "", "", "", "",
            fmt_ratio(g["geomean_vemu_over_qemu"]),
            fmt_ratio(g["geomean_vemu_over_native"]),
            ("%d failed" % len(g["failed"])) if g["failed"] else ""), file=f)


def markdown_table(res):
    # The same table in Markdown, for docs/performance.md.
    lines = ["| guest | workload | unit | native | qemu | vemu | vemu/qemu "
             "| vemu/native | outputs |", "|---|---|---|--:|--:|--:|--:|--:|---|"]
    for arch, g in res["guests"].items():
        for r in g["workloads"]:
            u = r["unit"]
            lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                arch, r["name"], u, fmt_time(r["native"]["median"], u),
                fmt_time(r["qemu"]["median"], u),
                fmt_time(r["vemu"]["median"], u),
                fmt_ratio(r["vemu_over_qemu"]),
                fmt_ratio(r["vemu_over_native"]),
                "match" if r["status"] == "ok" else
                "FAIL: " + "; ".join(r["problems"])))
        lines.append("| %s | **geomean** | | | | | **%s** | **%s** | %s |" % (
            arch, fmt_ratio(g["geomean_vemu_over_qemu"]),
            fmt_ratio(g["geomean_vemu_over_native"]),
            ("%d failed" % len(g["failed"])) if g["failed"] else "all match"))
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--markdown":
        # bench.py --markdown results.json: reprint a finished run.
        print(markdown_table(json.load(open(sys.argv[2]))), end="")
        return 0
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--arch", default="all",
                    choices=["riscv64", "aarch64", "all"])
    ap.add_argument("--runs", type=int, default=None)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=None)
    ap.add_argument("--build", required=True)
    ap.add_argument("--only", default="",
                    help="comma-separated workload names")
    ap.add_argument("--root-riscv64", default=None)
    ap.add_argument("--root-aarch64", default=None)
    ap.add_argument("--timeout", type=float, default=1800.0)
    args = ap.parse_args()
    mode = "quick" if args.quick else "full"
    if args.runs is None:
        args.runs = 1 if args.quick else 5
    if args.runs < 1:
        die("--runs must be at least 1")
    if not args.quick and args.runs < 5:
        say("note: fewer than 5 runs per figure; medians will be noisy")
    args.only = set(filter(None, args.only.split(",")))
    args.root = {"riscv64": args.root_riscv64, "aarch64": args.root_aarch64}
    args.build = os.path.abspath(args.build)
    sizes = SIZES[mode]
    cache = os.path.join(os.environ.get("VEMU_CACHE")
                         or os.path.expanduser("~/.cache/vemu"), "bench")
    out = os.path.abspath(args.out or os.path.join(args.build, "bench"))
    os.makedirs(out, exist_ok=True)
    work = os.path.join(out, "work")
    shutil.rmtree(work, ignore_errors=True)

    inputs = prepare_inputs(cache, mode, sizes)
    bb_native, bb_note = static_true_host(cache)
    info = machine_info()
    res = {
        "format": 1,
        "commit": git("rev-parse", "HEAD"),
        "commit_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "date": datetime.datetime.now(datetime.timezone.utc)
                .isoformat(timespec="seconds"),
        "machine": info,
        "mode": mode, "runs": args.runs, "sizes": sizes,
        "inputs": {k: {"file": v, "bytes": os.path.getsize(v),
                       "sha256": sha256_file(v)} for k, v in inputs.items()},
        "native_static_true": bb_note,
        "vemu_build": args.build,
        "guests": {},
    }
    for arch in (["riscv64", "aarch64"] if args.arch == "all" else [args.arch]):
        res["guests"][arch] = bench_arch(arch, args, sizes, inputs, cache,
                                         bb_native, work)
    info["loadavg_end"] = list(os.getloadavg())

    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    with open(os.path.join(out, "table.txt"), "w") as f:
        print_table(res, f)
    with open(os.path.join(out, "table.md"), "w") as f:
        f.write(markdown_table(res))
    # Ratios per guest for gnuplot: label, vemu/qemu, vemu/native ("-" is
    # gnuplot's missing value).
    for arch, g in res["guests"].items():
        with open(os.path.join(out, "ratios-%s.dat" % arch), "w") as f:
            for r in g["workloads"]:
                f.write("%s %s %s\n" % (
                    r["name"],
                    "%.4f" % r["vemu_over_qemu"] if r["vemu_over_qemu"] else "-",
                    "%.4f" % r["vemu_over_native"] if r["vemu_over_native"] else "-"))
    print("commit %s%s, %s, %s (%d cores), kernel %s, load %.1f -> %.1f, "
          "median of %d run%s" % (
              res["commit"][:12], " (dirty)" if res["commit_dirty"] else "",
              res["date"], info["cpu_model"], info["cores"], info["kernel"],
              info["loadavg_start"][0], info["loadavg_end"][0], args.runs,
              "" if args.runs == 1 else "s"))
    print_table(res)
    print("results: %s" % os.path.join(out, "results.json"))
    failed = sum(len(g["failed"]) for g in res["guests"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
