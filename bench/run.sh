#!/usr/bin/env bash
# Benchmark harness (issue 7): real Debian workloads natively, under
# qemu-user and under vemu, with a results table, results.json and a bar
# chart. The measuring is done by bench.py; this script builds vemu, finds
# gnuplot and draws the chart. See docs/performance.md.
#
#   bench/run.sh [options]
#
#   --arch ARCH     riscv64, aarch64 or all (default all)
#   --runs N        runs per figure; the median is reported (default 5,
#                   1 with --quick)
#   --quick         small inputs, 20 execs for start-up, 1 run: a smoke test
#   --out DIR       where results go (default BUILD/bench)
#   --build DIR     use the vemu binaries already built in DIR instead of
#                   building them in $BUILD_DIR (default build-release,
#                   configured with -Dbuildtype=release -Dtests=false)
#   --only LIST     only these workloads (comma-separated names)
#   --no-chart      do not draw the chart (nor install gnuplot)
#
# Exits 0 when every workload ran on all sides with matching outputs, 1 when
# one failed, 2 on a usage or set-up error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 2; }
usage() {
  sed -n '/^#   bench/,/^#   --no-chart/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

ARCH=all RUNS="" QUICK=0 OUT="" BUILD="" ONLY="" CHART=1
while [ $# -gt 0 ]; do
  case $1 in
    --arch | --runs | --out | --build | --only)
      [ $# -ge 2 ] || usage
      case $1 in
        --arch) ARCH=$2 ;;
        --runs) RUNS=$2 ;;
        --out) OUT=$2 ;;
        --build) BUILD=$2 ;;
        --only) ONLY=$2 ;;
      esac
      shift 2
      ;;
    --quick) QUICK=1; shift ;;
    --no-chart) CHART=0; shift ;;
    -h | --help) usage ;;
    *) usage ;;
  esac
done
case $ARCH in riscv64 | aarch64 | all) ;; *) die "--arch: riscv64, aarch64 or all" ;; esac
[ -z "$RUNS" ] || [[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs: not a positive number: $RUNS"

# A release build by default: the figures are about the shipped emulator,
# not one with assertions (the default debugoptimized build keeps them).
if [ -z "$BUILD" ]; then
  BUILD_DIR=${BUILD_DIR:-build-release}
  (cd "$REPO" && BUILD_DIR=$BUILD_DIR \
    MESON_ARGS="-Dbuildtype=release -Dtests=false" bash scripts/setup.sh >&2) ||
    die "setup or build failed"
  case $BUILD_DIR in /*) BUILD=$BUILD_DIR ;; *) BUILD=$REPO/$BUILD_DIR ;; esac
fi
[ -d "$BUILD" ] || die "$BUILD: no such directory"
OUT=${OUT:-$BUILD/bench}

args=(--arch "$ARCH" --build "$BUILD" --out "$OUT")
[ -z "$RUNS" ] || args+=(--runs "$RUNS")
[ "$QUICK" -eq 0 ] || args+=(--quick)
[ -z "$ONLY" ] || args+=(--only "$ONLY")
rc=0
PATH=/usr/bin:/bin:$PATH python3 "$HERE/bench.py" "${args[@]}" || rc=$?
[ "$rc" -le 1 ] || exit "$rc"

# --- the chart --------------------------------------------------------------

# gnuplot-nox is an optional dependency (docs/dependencies.md): installed
# here like scripts/setup.sh installs packages, or the chart is skipped.
have_gnuplot() {
  command -v gnuplot >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || return 1
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || return 1
    sudo=(sudo -n)
  fi
  say "installing gnuplot-nox for the chart"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get install -y -q --no-install-recommends gnuplot-nox >/dev/null 2>&1 ||
    { "${sudo[@]}" apt-get update -q >/dev/null 2>&1 &&
      "${sudo[@]}" apt-get install -y -q --no-install-recommends gnuplot-nox >/dev/null 2>&1; } ||
    return 1
  command -v gnuplot >/dev/null 2>&1
}

if [ "$CHART" -eq 0 ]; then
  say "chart skipped (--no-chart)"
elif ! have_gnuplot; then
  say "chart skipped: gnuplot is missing and could not be installed (apt-get install gnuplot-nox)"
else
  plots=()
  for f in "$OUT"/ratios-*.dat; do
    [ -e "$f" ] || continue
    a=${f##*/ratios-}
    a=${a%.dat}
    plots+=("'$f' using 2:xtic(1) title '$a vemu/qemu', '' using 3 title '$a vemu/native'")
  done
  if [ ${#plots[@]} -gt 0 ]; then
    # Ratios span 0.3 to 50: a log scale keeps both series readable; the
    # line at 1 is parity.
    spec=$(IFS=,; echo "${plots[*]}")
    if gnuplot <<EOF; then
set terminal pngcairo size 1200,600 noenhanced
set output '$OUT/ratios.png'
set title 'vemu time ratios per workload (lower is better; 1 = parity)'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [0.1:*]
set grid ytics
set key top left
set xtics rotate by -30
set datafile missing '-'
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 lc rgb 'black'
plot $spec
EOF
      say "chart: $OUT/ratios.png"
    else
      say "chart failed (gnuplot error above)"
    fi
  fi
fi
exit "$rc"
