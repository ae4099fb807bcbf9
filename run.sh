#!/usr/bin/env bash
# U-Hop Studio set-up and entry point (the README's two commands).
#   ./run.sh app  [studio args]  install what is missing, build (Release), open the desktop app
#   ./run.sh test                install what is missing, build, run every test (Release, then
#                                AddressSanitizer + UndefinedBehaviorSanitizer); non-zero on failure
#   ./run.sh build               install + build only
#   ./run.sh fuzz [SECONDS]      install clang, build the libFuzzer harnesses of tests/fuzz into
#                                build-fuzz/, run each for SECONDS (default 60) on a copy of its
#                                seed corpus; non-zero if any finds a crash
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$(pwd)
JOBS=${JOBS:-$(nproc)}

PACKAGES=(cmake g++ make pkg-config libeigen3-dev zlib1g-dev libgif-dev libstb-dev libimgui-dev libglfw3-dev
  libgl-dev libopenblas-openmp-dev libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libcli11-dev fonts-dejavu-core
  dataset-fashion-mnist xvfb xauth python3)
# Only ./run.sh fuzz needs these (libFuzzer and its sanitizer runtimes, clang's OpenMP).
FUZZ_PACKAGES=(clang libclang-rt-14-dev libomp-dev)

install_missing() {  # install_missing [extra packages...]
  local missing=()
  for p in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "[setup] all system packages present"
    return
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
    echo "[setup] not root: using sudo for apt-get"
  fi
  echo "[setup] installing missing packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {  # build DIR [cmake args...]
  local dir=$1 start=$SECONDS
  shift
  # UHOP_WERROR=ON (set by .ci/run) makes warnings errors; a user's build only reports them.
  cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DUHOP_WERROR="${UHOP_WERROR:-OFF}" "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS"
  echo "[build] $dir took $((SECONDS - start)) s"
}

run_tests() {  # run_tests DIR LABEL [ctest args...]
  local dir=$1 label=$2 start=$SECONDS
  shift 2
  echo "[test] $label: ctest in $dir"
  (cd "$dir" && ctest --output-on-failure -j "$JOBS" --timeout 900 "$@")
  echo "[test] $label: ctest took $((SECONDS - start)) s"
}

cmd=${1:-app}
shift || true
case "$cmd" in
  app)
    install_missing
    build "$ROOT/build"
    exec "$ROOT/build/app/uhop-studio" --data builtin "$@"
    ;;
  build)
    install_missing
    build "$ROOT/build"
    ;;
  test)
    install_missing
    build "$ROOT/build"
    run_tests "$ROOT/build" "Release"
    # Second pass under ASan + UBSan (no benchmarks; -O1 keeps it quick to run).
    build "$ROOT/build-asan" -DUHOP_SANITIZE=ON -DUHOP_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS_RELEASE=-O1
    # The screenshot-and-layout scripts (label gui) check pixels and geometry, which the
    # Release pass covers; the studio's code paths they drive run under ASan in uhop_ui_tests.
    ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
      run_tests "$ROOT/build-asan" "ASan+UBSan" -LE '^gui$'
    echo "[test] all suites passed (Release and ASan+UBSan)"
    ;;
  fuzz)
    seconds=${1:-60}
    install_missing "${FUZZ_PACKAGES[@]}"
    # A separate clang project: the g++ build and its libstb stay untouched.
    CC=clang CXX=clang++ cmake -S "$ROOT/tests/fuzz" -B "$ROOT/build-fuzz" >/dev/null
    cmake --build "$ROOT/build-fuzz" -j "$JOBS"
    failed=()
    for harness in idx idx_gz cifar image featuremap session settings; do
      work="$ROOT/build-fuzz/run/$harness"
      rm -rf "$work"
      mkdir -p "$work/corpus" "$work/artifacts"
      # Fuzz a copy: new inputs found on the way must not grow the committed corpus.
      cp "$ROOT/tests/fuzz/corpus/$harness"/* "$work/corpus/"
      echo "[fuzz] $harness: ${seconds}s"
      status=0
      UBSAN_OPTIONS=print_stacktrace=1 "$ROOT/build-fuzz/fuzz_$harness" -max_total_time="$seconds" \
        -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=60 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1 || status=$?
      execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
      rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
      if [ "$status" -ne 0 ]; then
        failed+=("$harness")
        echo "[fuzz] $harness: FAILED (exit $status) after ${execs:-?} executions; log $work/log"
        grep -E "^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)" "$work/log" || true
      else
        echo "[fuzz] $harness: ${execs:-?} executions (${rate:-?}/s), no crash"
      fi
    done
    if [ ${#failed[@]} -ne 0 ]; then
      echo "[fuzz] crashes found by: ${failed[*]}" >&2
      exit 1
    fi
    echo "[fuzz] all harnesses ran ${seconds}s without a crash"
    ;;
  *)
    echo "usage: ./run.sh app|test|build|fuzz [SECONDS]" >&2
    exit 2
    ;;
esac
