#!/usr/bin/env bash
# Nothing clipped at 1280×800 1×, 1600×1000 1.5× and 1920×1080 2×, dark and light, in the three
# columns and in the presenter layout's pages: runs uhop-studio under Xvfb with a short script
# (memories, Stage I, retrieval steps, a metastable run, a capacity sweep), writes a PNG of each
# run into the build dir (for the eye) and checks the layout JSON (the rectangles the panels
# record for their key widgets):
#   - every rectangle lies inside the window;
#   - a widget named "stage2.…", "experiments.…", "stage1.…" or "metastable.…" lies inside its
#     panel's visible rectangle ("panel.stage2", …): not scrolled away, not off the right edge;
#   - Stage II's outcome texts lie inside their column (not cut by the next one);
#   - the widgets a run is about are there (Experiments Run and seeds, Stage II Step buttons, the
#     energy plot, …).
# The three columns forced on at 1.5× and 2× (--layout columns) are checked across only: their
# panels may scroll, but nothing may fall off a panel's right edge.
# usage: presenter_layout_test.sh <path to uhop-studio> <tmp dir> [run name pattern]
#   (a pattern, e.g. 'cols-1600', runs only the matching runs of the table below)
set -euo pipefail
app=$1
out=$2/presenter_layout
only=${3:-}
rm -rf "$out"
mkdir -p "$out"
export XDG_CONFIG_HOME=$out/config # never touch the user's settings
if ! command -v xvfb-run >/dev/null; then
  echo "FAIL: xvfb-run not found (apt-get install xvfb)"
  exit 1
fi

# The state every picture shows; the last line opens the page (the presenter's pages follow the
# script's commands).
setup='load builtin memories=32
stage1 set steps=30
stage1 play
wait stage1
target 5
corrupt mask:0.5 seed=1
metastable run steps=3
wait metastable
experiment run capacity grid=4,8,16 seeds=1 models=mhm,uhop threads=1
wait experiment'
declare -A ending=(
  [stage2]='step both 2'
  [experiments]='experiment run capacity grid=4,8,16 seeds=1 models=mhm,uhop threads=1
wait experiment'
  [metastable]='metastable run steps=3
wait metastable'
  [stage1]='stage1 step
wait stage1'
  [memories]='load builtin memories=32'
)

# name  size  scale  theme  layout  page  check(full|across)
runs="
cols-1280-dark       1280x800  1   dark  auto      stage2      full
cols-1280-light      1280x800  1   light auto      experiments full
pres-1280-dark       1280x800  1   dark  presenter stage2      full
pres-1600-dark       1600x1000 1.5 dark  auto      stage2      full
pres-1600-light      1600x1000 1.5 light auto      experiments full
pres-1600-meta-dark  1600x1000 1.5 dark  auto      metastable  full
cols-1600-dark       1600x1000 1.5 dark  columns   experiments across
pres-1920-dark       1920x1080 2   dark  auto      stage2      full
pres-1920-light      1920x1080 2   light auto      experiments full
pres-1920-s1-light   1920x1080 2   light presenter stage1      full
pres-1920-meta-light 1920x1080 2   light presenter metastable  full
pres-1920-mem-dark   1920x1080 2   dark  presenter memories    full
cols-1920-light      1920x1080 2   light columns   stage2      across
"
checks=()
while read -r name size scale theme layout page check; do
  [ -z "$name" ] && continue
  [[ -n "$only" && "$name" != *$only* ]] && continue
  printf '%s\n%s\nwait frames 3\n' "$setup" "${ending[$page]}" >"$out/$name.uhop"
  if ! timeout 300 xvfb-run -a -n $((100 + $$ % 4000)) -f "$out/Xauthority" -s "-screen 0 ${size}x24" "$app" --size "$size" --scale "$scale" \
    --theme "$theme" --layout "$layout" --script "$out/$name.uhop" --screenshot "$out/$name.png" \
    --layout-json "$out/$name.json" >"$out/$name.log" 2>&1; then
    echo "FAIL: $name: uhop-studio failed:"
    cat "$out/$name.log"
    exit 1
  fi
  checks+=("$name" "$layout" "$page" "$check")
done <<<"$runs"

python3 - "$out" "${checks[@]}" <<'PY'
import json, sys

out, args = sys.argv[1], sys.argv[2:]
# What each page's run must show (in the columns, the lower right tab is the page's when it is
# Experiments; Stage II is always on screen there).
required = {
    "stage2": ["panel.stage2", "stage2.energy", "stage2.step.baseline", "stage2.reset.uhop",
               "stage2.outcome.baseline", "stage2.outcome.uhop", "stage2.query"],
    "experiments": ["panel.experiments", "experiments.run", "experiments.seeds",
                    "experiments.grid", "experiments.figure"],
    "metastable": ["panel.metastable", "metastable.run", "metastable.outcomes",
                   "metastable.histogram"],
    "stage1": ["panel.stage1", "stage1.play", "stage1.reset", "stage1.status", "stage1.loss",
               "stage1.distance"],
    "memories": ["panel.memories"],
}
columns_also = ["panel.memories", "panel.stage1", "panel.stage2", "panel.metastable",
                "stage2.energy", "stage2.step.baseline", "stage2.step.uhop", "stage1.play",
                "metastable.outcomes"]
panel_of = {"stage1": "panel.stage1", "stage2": "panel.stage2",
            "experiments": "panel.experiments", "metastable": "panel.metastable"}
failures = []
for i in range(0, len(args), 4):
    name, layout, page, check = args[i:i + 4]
    data = json.load(open(f"{out}/{name}.json"))
    W, H = data["framebuffer"]
    rects = data["rects"]
    presenter = "panel.tabs" not in rects
    want = list(required[page])
    if not presenter:
        want += columns_also
    if layout == "presenter" or (layout == "auto" and name.startswith("pres")):
        if not presenter:
            failures.append(f"{name}: expected the presenter's pages, got the three columns")
    if name.startswith("cols") and presenter:
        failures.append(f"{name}: expected the three columns, got the presenter's pages")
    for r in want:
        if r not in rects:
            failures.append(f"{name}: {r} was not drawn (rects: {sorted(rects)})")

    def inside(a, b, across_only=False, tol=1):
        ax, ay, aw, ah = a
        bx, by, bw, bh = b
        ok_x = ax >= bx - tol and ax + aw <= bx + bw + tol
        ok_y = ay >= by - tol and ay + ah <= by + bh + tol
        return ok_x if across_only else ok_x and ok_y

    across = check == "across"
    for r, rect in rects.items():
        if not inside(rect, [0, 0, W, H], across):
            failures.append(f"{name}: {r} {rect} is outside the {W}x{H} window")
        head = r.split(".")[0]
        panel = panel_of.get(head)
        if panel and panel in rects and r != panel and not inside(rect, rects[panel], across):
            failures.append(f"{name}: {r} {rect} is not inside {panel} {rects[panel]}"
                            + (" (across)" if across else ""))
        if r.startswith("stage2.outcome."):
            col = "stage2.column." + r.split(".")[2]
            if col in rects and not inside(rect, rects[col], True):
                failures.append(f"{name}: {r} {rect} runs out of {col} {rects[col]}")
    print(f"{name}: {W}x{H}, {'pages' if presenter else 'columns'}, {len(rects)} rectangles")
if failures:
    print("\n".join("FAIL: " + f for f in failures))
    sys.exit(1)
print(f"presenter layout test: OK (screenshots in {out})")
PY
