#!/usr/bin/env bash
# Mutation check: applies each wrong change of tests/mutation/mutations.tsv to the source tree,
# one at a time, rebuilds the affected test target incrementally, runs the named tests and
# expects them to fail ("killed"). Prints "killed K of N" at the end. Not part of ctest: every
# mutation costs an incremental build.
#
# Usage: tests/mutation/run.sh [BUILD_DIR] [LIST]   (defaults: build, tests/mutation/mutations.tsv)
#   JOBS=N    build parallelism (default 2)
#   ONLY=K,L  run only mutations number K, L, … (1-based, counting mutation lines only)
#
# The file under mutation is copied aside first and copied back after its run, on every exit
# path (trap on EXIT, INT, TERM): an interrupted run leaves the tree as it found it. The copy
# back gives the file a new mtime, so the next build recompiles it from the restored text.
set -u

root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel) || exit 2
build=${1:-$root/build}
list=${2:-$root/tests/mutation/mutations.tsv}
jobs=${JOBS:-2}
only=${ONLY:-}
[[ -d $build ]] || { echo "run.sh: no build directory $build (configure first)" >&2; exit 2; }
[[ -f $list ]] || { echo "run.sh: no mutation list $list" >&2; exit 2; }

scratch=$(mktemp -d)
current=""  # the file under mutation, relative to $root

restore() {
  if [[ -n $current ]]; then
    cp "$scratch/original" "$root/$current"
    current=""
  fi
}
cleanup() {
  restore
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'echo "run.sh: interrupted, restoring the tree" >&2; exit 130' INT TERM

# Replaces the one occurrence of $2 in file $1 by $3 (literal text, "\n" = line break).
# Exit status 3 when the original does not occur exactly once.
mutate() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys
path, original, replacement = sys.argv[1], sys.argv[2], sys.argv[3]
original = original.replace("\\n", "\n")
replacement = replacement.replace("\\n", "\n")
text = open(path, encoding="utf-8").read()
count = text.count(original)
if count != 1:
    sys.stderr.write(f"{path}: the original text occurs {count} times (need exactly 1)\n")
    sys.exit(3)
open(path, "w", encoding="utf-8").write(text.replace(original, replacement))
PY
}

total=0 killed=0 invalid=0 number=0
survivors=()
while IFS= read -r line || [[ -n $line ]]; do
  [[ -z $line || $line == \#* ]] && continue
  # Split at the TABs through a non-whitespace separator: with IFS=TAB, read would merge the two
  # TABs around an empty replacement into one.
  IFS=$'\x1f' read -r file original replacement target filter <<<"${line//$'\t'/$'\x1f'}"
  if [[ -z $target || -z $filter ]]; then
    echo "INVALID  line: ${line:0:60} (needs five TAB-separated fields)"
    invalid=$((invalid + 1))
    continue
  fi
  number=$((number + 1))
  [[ -n $only && ",$only," != *",$number,"* ]] && continue
  label="#$number $file: ${original:0:60}"
  cp "$root/$file" "$scratch/original"
  current=$file
  if ! mutate "$root/$file" "$original" "$replacement"; then
    restore
    echo "INVALID  $label (the list is out of date)"
    invalid=$((invalid + 1))
    continue
  fi
  if ! cmake --build "$build" --target "$target" -j"$jobs" >"$scratch/build.log" 2>&1; then
    restore
    echo "INVALID  $label (does not compile:)"
    grep -m 3 -E 'error|Error' "$scratch/build.log" | sed 's/^/           /'
    invalid=$((invalid + 1))
    continue
  fi
  if timeout 900 "$build/tests/$target" --gtest_filter="$filter" >"$scratch/test.log" 2>&1; then
    if grep -q '^\[  PASSED  \] 0 tests' "$scratch/test.log"; then
      restore
      echo "INVALID  $label (the filter '$filter' selects no test)"
      invalid=$((invalid + 1))
      continue
    fi
    total=$((total + 1))
    echo "SURVIVED $label  ($target --gtest_filter='$filter' passed)"
    survivors+=("#$number")
  else
    total=$((total + 1))
    echo "killed   $label"
    killed=$((killed + 1))
  fi
  restore
done <"$list"

summary="killed $killed of $total"
[[ $invalid -gt 0 ]] && summary+=" ($invalid invalid)"
[[ ${#survivors[@]} -gt 0 ]] && summary+="; survivors: ${survivors[*]}"
echo "$summary"
[[ $killed -eq $total && $invalid -eq 0 ]]
