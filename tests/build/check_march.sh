#!/usr/bin/env bash
# Compile-only check of core/ for three x86-64 levels: plain x86-64, x86-64-v3 (AVX2) and
# x86-64-v4 (AVX-512), with warnings as errors, at -O2 (the Release build's kind of inlining) and,
# for x86-64-v4, also at -O1 (the sanitizer build's level, where GCC 12 warns differently).
# A CPU-specific code path only compiles on a machine that has it under -march=native; this
# compiles each path here, no AVX-512 CPU needed. Flags come from BUILD_DIR/compile_commands.json.
#   tests/build/check_march.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: check_march.sh BUILD_DIR}
python3 - "$build/compile_commands.json" <<'PY'
import json, os, shlex, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

entries = [e for e in json.load(open(sys.argv[1]))
           if os.path.basename(os.path.dirname(e["file"])) == "core"
           and os.path.basename(os.path.dirname(os.path.dirname(e["file"]))) != "tests"]
if not entries:
    sys.exit("check_march: no core/ sources in " + sys.argv[1])
levels = [("x86-64", "-O2"), ("x86-64-v3", "-O2"), ("x86-64-v4", "-O2"), ("x86-64-v4", "-O1")]

def command(entry, march, opt):
    args = shlex.split(entry["command"]) if "command" in entry else list(entry["arguments"])
    out, skip = [], False
    for i, a in enumerate(args):
        if skip:
            skip = False
            continue
        if a == "-o":
            skip = True
            continue
        # The target's precompiled header was made for the build's own -march; each level here
        # parses the headers itself.
        if a == "-include" and i + 1 < len(args) and args[i + 1].endswith("cmake_pch.hxx"):
            skip = True
            continue
        if a == "-Winvalid-pch":
            continue
        if a.startswith(("-march=", "-O", "-fsanitize", "-Werror")):
            continue
        out.append(a)
    return out + [f"-march={march}", opt, "-Werror", "-o", os.devnull]

def compile_one(job):
    entry, march, opt = job
    r = subprocess.run(command(entry, march, opt), cwd=entry["directory"], capture_output=True, text=True)
    return entry["file"], march, opt, r.returncode, r.stderr

jobs = [(e, m, o) for (m, o) in levels for e in entries]
failed = 0
with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
    for f, march, opt, rc, err in pool.map(compile_one, jobs):
        if rc:
            failed += 1
            print(f"FAIL {os.path.relpath(f)} -march={march} {opt}")
            print("\n".join(err.splitlines()[:12]))
print(f"check_march: {len(jobs) - failed} passed, {failed} failed "
      f"({len(entries)} core files x {len(levels)} targets)")
sys.exit(1 if failed else 0)
PY
