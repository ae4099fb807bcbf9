#!/usr/bin/env bash
# Runs the benchmarks and the numpy baseline side by side and writes assets/perf/perf_table.md and
# assets/perf/stage1_scaling.svg. Builds nothing: build uhop_bench first, e.g.
#   cmake -S . -B /tmp/perfbuild -DCMAKE_BUILD_TYPE=Release -DUHOP_BUILD_GUI=OFF
#   cmake --build /tmp/perfbuild -j2 --target uhop_bench
#   tests/bench/compare.sh /tmp/perfbuild
# numpy baseline needs Debian's python3-numpy with OpenBLAS (libopenblas0-pthread) and, to report
# the kernel, python3-threadpoolctl.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-${BUILD_DIR:-$here/../../build}}"
shift || true
exec python3 "$here/compare.py" --build "$build" "$@"
