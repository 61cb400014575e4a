#!/usr/bin/env bash
# meson test 'bench-smoke': runs the harness in --quick mode for riscv64 on
# the build's own vemu, then checks results.json. Skipped (77) when the
# Debian root is not cached yet: making it needs root and the network,
# which tests/debian (suite 'debian') owns.
#
#   bench/smoke.sh BUILD_DIR
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=$1
ROOT=${VEMU_CACHE:-$HOME/.cache/vemu}/roots/riscv64-trixie
if [ ! -f "$ROOT/.vemu-root-stamp" ]; then
  echo "bench-smoke: SKIP: no cached riscv64 root ($ROOT); make it with tests/debian/make-root.sh riscv64"
  exit 77
fi
OUT=$BUILD/bench-smoke
rc=0
"$HERE/run.sh" --quick --arch riscv64 --build "$BUILD" --out "$OUT" --no-chart || rc=$?
[ "$rc" -le 1 ] || exit "$rc"

# Well-formed JSON with the fields docs/performance.md promises, every
# workload present with a median on each available side, and all matched.
python3 - "$OUT/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
errors = []
for key in ("commit", "date", "machine", "runs", "guests"):
    if key not in r:
        errors.append("missing " + key)
for key in ("cpu_model", "cores", "kernel"):
    if not r.get("machine", {}).get(key):
        errors.append("missing machine." + key)
g = r.get("guests", {}).get("riscv64")
if not g or len(g.get("workloads", [])) != 11:
    errors.append("expected 11 riscv64 workloads (9 and 2 without the cache)")
elif sum(1 for w in g["workloads"] if w["in_geomean"]) != 9:
    errors.append("expected 9 riscv64 workloads in the geometric mean")
for w in (g or {}).get("workloads", []):
    if w["status"] != "ok":
        errors.append("%s: %s" % (w["name"], "; ".join(w["problems"])))
    for side in ("native", "vemu") + (("qemu",) if g.get("qemu") else ()):
        if not isinstance(w[side]["median"], float):
            errors.append("%s: no %s median" % (w["name"], side))
for e in errors:
    print("bench-smoke: " + e)
sys.exit(1 if errors else 0)
PY
echo "bench-smoke: results.json well-formed, all outputs matched"
