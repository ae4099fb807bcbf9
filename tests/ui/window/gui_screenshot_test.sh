#!/usr/bin/env bash
# The GUI tested for real: start uhop-studio under Xvfb at 1600×1000 with
# --autoplay --frames 300, write a screenshot and the screen rectangles of its plots, then check
# that the PNG is not blank and that the Stage I loss plot and the Stage II energy plot hold
# drawn series (saturated palette pixels, not just grey axes). Also checks the no-display message,
# and that --run-sweep capacity fills the Experiments figure and --screenshot-2x writes 3200×2000.
# usage: gui_screenshot_test.sh <path to uhop-studio> <tmp dir>
set -euo pipefail
app=$1
tmp=$2/gui_screenshot
rm -rf "$tmp"
mkdir -p "$tmp"
export XDG_CONFIG_HOME=$tmp/config  # never touch the user's settings

# 1. Without a display: a clear message naming xvfb-run and the CLI, non-zero exit.
set +e
env -u DISPLAY -u WAYLAND_DISPLAY "$app" --frames 1 >"$tmp/nodisplay.out" 2>&1
rc=$?
set -e
if [ "$rc" -eq 0 ] || ! grep -q "xvfb-run" "$tmp/nodisplay.out" || ! grep -q "uhop" "$tmp/nodisplay.out"; then
  echo "FAIL: without a display expected a non-zero exit and a message naming xvfb-run (rc=$rc):"
  cat "$tmp/nodisplay.out"
  exit 1
fi

# 2. A real window under Xvfb.
if ! command -v xvfb-run >/dev/null; then
  echo "FAIL: xvfb-run not found (apt-get install xvfb)"
  exit 1
fi
# A --data that cannot be loaded is never replaced silently: headless, exit 1 naming the path.
set +e
# Display numbers start from one derived from this shell's pid: two xvfb-run -a started at
# the same moment (ctest -j) would otherwise both take :99 and one would fail.
# The X authority file is ours (-f): xvfb-run's own temporary folder sometimes failed to be
# removed, and it then exits 5 whatever the studio returned.
timeout 120 xvfb-run -a -n $((100 + $$ % 4000)) -f "$tmp/Xauthority" -s "-screen 0 1600x1000x24" "$app" --data "$tmp/no-such-folder" --frames 5 \
  --screenshot "$tmp/fallback.png" >"$tmp/baddata.out" 2>&1
rc=$?
set -e
if [ "$rc" -ne 1 ] || ! grep -q "no-such-folder: no such file or folder" "$tmp/baddata.out" ||
  [ -e "$tmp/fallback.png" ]; then
  echo "FAIL: --data on a missing path, headless, expected exit 1 and its message (rc=$rc):"
  cat "$tmp/baddata.out"
  exit 1
fi

timeout 180 xvfb-run -a -n $((100 + $$ % 4000)) -f "$tmp/Xauthority" -s "-screen 0 1600x1000x24" "$app" --autoplay --frames 300 --size 1600x1000 \
  --screenshot "$tmp/shot.png" --layout-json "$tmp/layout.json" --frame-stats "$tmp/frames.json"

# 3. The Experiments tab with a capacity sweep running, and the 2× re-rendered window PNG.
timeout 180 xvfb-run -a -n $((100 + $$ % 4000)) -f "$tmp/Xauthority" -s "-screen 0 1600x1000x24" "$app" --frames 150 --size 1600x1000 \
  --run-sweep capacity --screenshot "$tmp/experiments.png" --screenshot-2x "$tmp/experiments-2x.png" \
  --layout-json "$tmp/experiments-layout.json"

python3 - "$tmp/shot.png" "$tmp/layout.json" "$tmp/frames.json" "$tmp/experiments.png" \
  "$tmp/experiments-2x.png" "$tmp/experiments-layout.json" <<'PY'
import json, struct, sys, zlib

def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and ctype in (2, 6), "expected 8-bit RGB(A)"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line)); prev = line
    return width, height, bpp, rows

png, layout_path, frames_path, exp_png, exp_2x, exp_layout = sys.argv[1:7]
w, h, bpp, rows = read_png(png)
assert (w, h) == (1600, 1000), f"screenshot is {w}x{h}, expected 1600x1000"

def stats(x0, y0, rw, rh):
    n = sat = 0; s = s2 = 0.0
    for y in range(max(0, y0), min(h, y0 + rh)):
        row = rows[y]
        for x in range(max(0, x0), min(w, x0 + rw)):
            r, g, b = row[x * bpp], row[x * bpp + 1], row[x * bpp + 2]
            v = (r + g + b) / 3; n += 1; s += v; s2 += v * v
            if max(r, g, b) - min(r, g, b) > 60: sat += 1
    mean = s / max(n, 1)
    return (max(s2 / max(n, 1) - mean * mean, 0)) ** 0.5, sat / max(n, 1)

std, _ = stats(0, 0, w, h)
assert std > 8, f"screenshot looks blank (pixel std {std:.2f})"
layout = json.load(open(layout_path))["rects"]
for name in ("stage1.loss", "stage2.energy"):
    assert name in layout, f"{name} missing from the layout JSON: {sorted(layout)}"
    x, y, rw, rh = layout[name]
    assert rw > 100 and rh > 60, f"{name} is too small: {rw}x{rh}"
    std, sat = stats(x, y, rw, rh)
    print(f"{name}: rect {x},{y} {rw}x{rh}, pixel std {std:.1f}, coloured share {sat:.4f}")
    assert std > 5, f"{name} region is blank (std {std:.2f})"
    assert sat > 0.002, f"{name} region holds no drawn series (coloured share {sat:.4f})"
frames = json.load(open(frames_path))
assert frames["frames"] == 300 and len(frames["frame_ms"]) == 300
print(f"frames: p50 {frames['p50_ms']:.1f} ms, p95 {frames['p95_ms']:.1f} ms")
# The 2x export: twice the window in both directions (IHDR only; decoding 6.4 Mpx in Python is slow).
head = open(exp_2x, "rb").read(24)
assert head[:8] == b"\x89PNG\r\n\x1a\n", "2x export is not a PNG"
assert struct.unpack(">II", head[16:24]) == (3200, 2000), f"2x export is {struct.unpack('>II', head[16:24])}"
w, h, bpp, rows = read_png(exp_png)
rects = json.load(open(exp_layout))["rects"]
assert "experiments.figure" in rects, f"no sweep figure drawn: {sorted(rects)}"
x, y, rw, rh = rects["experiments.figure"]
std, sat = stats(x, y, rw, rh)
print(f"experiments.figure: rect {x},{y} {rw}x{rh}, pixel std {std:.1f}, coloured share {sat:.4f}")
assert rw > 100 and rh > 60 and sat > 0.002, "the sweep figure holds no drawn series"
print("gui screenshot test: OK")
PY
