#!/usr/bin/env bash
# U-Hop Studio set-up and entry point (the README's two commands).
#   ./run.sh app  [studio args]  install what is missing, build (Release), open the desktop app
#   ./run.sh test                install what is missing, build, run every test (Release, then
#                                AddressSanitizer + UndefinedBehaviorSanitizer); non-zero on failure
#   ./run.sh build               install + build only
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$(pwd)
JOBS=${JOBS:-$(nproc)}

PACKAGES=(cmake g++ make pkg-config libeigen3-dev zlib1g-dev libstb-dev libimgui-dev libglfw3-dev
  libgl-dev libopenblas-openmp-dev libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libcli11-dev fonts-dejavu-core
  dataset-fashion-mnist xvfb xauth python3)

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
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
  local dir=$1
  shift
  # UHOP_WERROR=ON (set by .ci/run) makes warnings errors; a user's build only reports them.
  cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DUHOP_WERROR="${UHOP_WERROR:-OFF}" "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS"
}

run_tests() {  # run_tests DIR LABEL
  echo "[test] $2: ctest in $1"
  (cd "$1" && ctest --output-on-failure -j "$JOBS" --timeout 900)
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
    ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 run_tests "$ROOT/build-asan" "ASan+UBSan"
    echo "[test] all suites passed (Release and ASan+UBSan)"
    ;;
  *)
    echo "usage: ./run.sh app|test|build" >&2
    exit 2
    ;;
esac
