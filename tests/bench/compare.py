#!/usr/bin/env python3
"""Side-by-side performance report: ours (Google Benchmark, uhop_bench) vs numpy, one run.

Builds nothing. Runs, in the same invocation:
  1. --rounds interleaved rounds of: uhop_bench on the table kernels (min of --reps repetitions),
     then numpy_baseline.py with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset (for that command only),
  2. uhop_bench on the Stage I scaling kernels (full batch up to M = 10 000, minibatches),
then writes the Markdown table to assets/perf/perf_table.md, the log-log scaling plot to
assets/perf/stage1_scaling.svg, and prints the table.

  tests/bench/compare.py --build /tmp/perfbuild            # everything
  tests/bench/compare.py --build /tmp/perfbuild --no-scaling

Times are minima over repetitions (the machine may be shared: the load average is recorded).
GFLOP/s uses the FLOP count of the matrix products (2·m·n·k each): Stage I 4·D·d·M + 4·D·M²
(Gram counted in full although only its lower half is computed), Stage II 4·M·d·N with N = M.
Share of GEMM = that rate over our own SGEMM rate at 784×784 by 784×M in the same run (the better
of OpenBLAS's threaded SGEMM and the column-split product core/ uses).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
D = 784
SIZES = (100, 500, 2000)
MODELS = ("dot+softmax", "dot+sparsemax", "kernel+softmax")


def flops(kernel, M):
    if kernel.startswith("gemm"):
        return 2.0 * D * D * M
    if kernel.startswith("stage1"):
        return 4.0 * D * D * M + 4.0 * D * M * M
    if kernel.startswith("stage2_step") or kernel.startswith("stage2_products"):
        return 4.0 * M * D * M
    return float("nan")


def loadavg():
    try:
        return open("/proc/loadavg").read().split()[0]
    except OSError:
        return "?"


def run_bench(binary, pattern, reps, min_time, out_path):
    cmd = [binary, f"--benchmark_filter={pattern}", f"--benchmark_repetitions={reps}",
           f"--benchmark_min_time={min_time}", "--benchmark_report_aggregates_only=true",
           f"--benchmark_out={out_path}", "--benchmark_out_format=json"]
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, stdout=sys.stderr)
    with open(out_path) as f:
        data = json.load(f)
    times = {}
    for b in data["benchmarks"]:
        # The "min" aggregate (several repetitions) or the plain runs (one repetition).
        if b.get("run_type") != "iteration" and b.get("aggregate_name") != "min":
            continue
        name = b["run_name"].replace("/real_time", "")
        unit = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b["time_unit"]]
        times[name] = min(times.get(name, float("inf")), b["real_time"] * unit)
    return times


def run_numpy(python, reps, sizes):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    cmd = [python, os.path.join(HERE, "numpy_baseline.py"), "--repeats", str(reps),
           "--sizes", ",".join(str(m) for m in sizes)]
    print("+ env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE", " ".join(cmd), file=sys.stderr)
    out = subprocess.run(cmd, check=True, env=env, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out)


def fmt(x, digits=2):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.{digits}f}"


def table(ours, numpy_res, meta):
    npk = numpy_res["kernels"]
    def best_gemm_ms(M):
        return min(ours.get(f"gemm/M:{M}", float("inf")), ours.get(f"gemm_split/M:{M}", float("inf")))

    gemm = {M: flops("gemm", M) / (best_gemm_ms(M) * 1e-3) * 1e-9 for M in SIZES if f"gemm/M:{M}" in ours}
    rows = [("gemm (784×784 · 784×M), OpenBLAS threads", "gemm/M:{M}", "gemm/M:{M}"),
            ("gemm, columns split over cores (core/'s parallelProduct)", "gemm_split/M:{M}", "gemm/M:{M}")]
    rows += [("Stage I step (Adam + loss + gradient)", "stage1_step/M:{M}", "stage1_step/M:{M}"),
             ("Stage I step, straightforward (before)", "stage1_step_reference/M:{M}", None),
             ("Stage I: its 4 products only (half Gram), the floor", "stage1_products/M:{M}", None)]
    for m in MODELS:
        rows.append((f"Stage II step, {m}", f"stage2_step/{m}/M:{{M}}", f"stage2_step/{m}/M:{{M}}"))
    rows.append(("Stage II: its 2 products only, OpenBLAS threads", "stage2_products/M:{M}", None))
    rows.append(("Stage II: its 2 products only, split", "stage2_products_split/M:{M}", None))
    lines = ["| kernel | M | ours ms | numpy ms | ratio ours/numpy | GFLOP/s | share of GEMM |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for label, key, npkey in rows:
        for M in SIZES:
            k = key.format(M=M)
            if k not in ours:
                continue
            t = ours[k]
            n = npk.get(npkey.format(M=M)) if npkey else None
            rate = flops(k, M) / (t * 1e-3) * 1e-9
            share = rate / gemm[M] if M in gemm else float("nan")
            lines.append(f"| {label} | {M} | {fmt(t)} | {fmt(n)} | {fmt(t / n if n else None)} | {fmt(rate, 1)} | "
                         f"{fmt(100 * share, 0)}% |")
    # The performance targets (README "Performance"): Stage I step vs numpy, and vs the GEMM rate.
    tl = ["| target | M | measured | goal | met |", "|---|---:|---:|---:|:---:|"]
    for M in SIZES:
        k = f"stage1_step/M:{M}"
        if k in ours and k in npk:
            r = ours[k] / npk[k]
            tl.append(f"| Stage I step / numpy step | {M} | {r:.2f} | ≤ 0.60 | {'yes' if r <= 0.6 else 'no'} |")
            kp = f"stage1_products/M:{M}"
            if kp in ours:
                tl.append(f"| (Stage I products alone, the floor) / numpy step | {M} | {ours[kp] / npk[k]:.2f} | – | – |")
        if k in ours and M in gemm:
            s = flops(k, M) / (ours[k] * 1e-3) * 1e-9 / gemm[M]
            tl.append(f"| Stage I share of GEMM rate | {M} | {100 * s:.0f}% | ≥ 75% | {'yes' if s >= 0.75 else 'no'} |")
        p = min(ours.get(f"stage2_products/M:{M}", float("inf")), ours.get(f"stage2_products_split/M:{M}", float("inf")))
        p = p if math.isfinite(p) else None
        for m in MODELS:
            k2 = f"stage2_step/{m}/M:{M}"
            if k2 in ours and p:
                r = ours[k2] / p
                tl.append(f"| Stage II {m} step / its products | {M} | {r:.2f} | ≤ 1.20 | {'yes' if r <= 1.2 else 'no'} |")
    el = ["| retrieve(), 3 steps, all M queries | M | energy off ms | energy on ms | on/off |",
          "|---|---:|---:|---:|---:|"]
    for m in MODELS:
        for M in SIZES:
            a, b = ours.get(f"stage2_retrieve/{m}/energy:0/M:{M}"), ours.get(f"stage2_retrieve/{m}/energy:1/M:{M}")
            if a and b:
                el.append(f"| {m} | {M} | {fmt(a)} | {fmt(b)} | {b / a:.2f} |")
    blas = numpy_res.get("blas", [{}])
    b0 = blas[0] if blas else {}
    head = [f"Measured {meta['date']} on {meta['cpu']} ({meta['cores']} cores), d = D_Φ = 784, float32, "
            f"min over {meta['reps']} repetitions; load average {meta['load_before']} before, {meta['load_after']} after. "
            f"numpy {numpy_res.get('numpy')} with {b0.get('internal_api', '?')} {b0.get('version', '')} "
            f"({b0.get('architecture', '?')} kernel, {b0.get('num_threads', '?')} threads); ours: Eigen 3.4 on OpenBLAS 0.3.21 (OpenMP build, products split over the cores by core/), "
            f"-O3 -march=native.", ""]
    return "\n".join(head + lines + [""] + tl + [""] + el) + "\n"


def scaling_key(name):
    """scaling/stage1_step/batch:B/M:M[/iterations:n] -> (B, M)."""
    parts = dict(p.split(":", 1) for p in name.split("/") if ":" in p)
    return int(parts["batch"]), int(parts["M"])


def svg_plot(scaling, ours, numpy_res, path):
    """Log-log step time vs M, stdlib only."""
    series = {}
    for name, ms in scaling.items():
        batch, M = scaling_key(name)
        series.setdefault(batch, []).append((M, ms))
    for v in series.values():
        v.sort()
    npk = numpy_res["kernels"]
    numpy_pts = sorted((M, npk[f"stage1_step/M:{M}"]) for M in SIZES if f"stage1_step/M:{M}" in npk)
    g500 = min(ours.get("gemm/M:500", float("inf")), ours.get("gemm_split/M:500", float("inf")))
    gemm500 = flops("gemm", 500) / (g500 * 1e-3) if math.isfinite(g500) else 1.2e11
    Ms = [100 * 10 ** (k / 20) for k in range(41)]
    # The floor of our step: W Xi and dL/dF Xi^T (2·D·d·M each), the lower half of the Gram (D·M²)
    # and F Q (2·D·M²), at the GEMM rate measured at M = 500.
    guide = [(M, (4.0 * D * D * M + 3.0 * D * M * M) / gemm500 * 1e3) for M in Ms]
    all_pts = [p for v in series.values() for p in v] + numpy_pts + guide
    xmin, xmax = 80, 12500
    ymin = 10 ** math.floor(math.log10(min(p[1] for p in all_pts)))
    ymax = 10 ** math.ceil(math.log10(max(p[1] for p in all_pts)))
    W, H, L, R, T, B = 860, 500, 80, 290, 40, 60

    def X(m):
        return L + (math.log10(m) - math.log10(xmin)) / (math.log10(xmax) - math.log10(xmin)) * (W - L - R)

    def Y(t):
        return H - B - (math.log10(t) - math.log10(ymin)) / (math.log10(ymax) - math.log10(ymin)) * (H - T - B)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
           'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{(L + W - R) / 2}" y="22" text-anchor="middle" font-size="15">'
           'Stage I step time vs number of memories M (d = D_Φ = 784, float32, 2 cores)</text>']
    for e in range(int(math.log10(ymin)), int(math.log10(ymax)) + 1):
        y = Y(10 ** e)
        out.append(f'<line x1="{L}" y1="{y:.1f}" x2="{W - R}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{L - 6}" y="{y + 4:.1f}" text-anchor="end">{10 ** e:g}</text>')
    for m in (100, 200, 500, 1000, 2000, 5000, 10000):
        x = X(m)
        out.append(f'<line x1="{x:.1f}" y1="{T}" x2="{x:.1f}" y2="{H - B}" stroke="#eee"/>')
        out.append(f'<text x="{x:.1f}" y="{H - B + 18}" text-anchor="middle">{m}</text>')
    out.append(f'<rect x="{L}" y="{T}" width="{W - L - R}" height="{H - T - B}" fill="none" stroke="#333"/>')
    out.append(f'<text x="{(L + W - R) / 2}" y="{H - 18}" text-anchor="middle">memories M (log)</text>')
    out.append(f'<text transform="translate(20,{(T + H - B) / 2}) rotate(-90)" text-anchor="middle">'
               'time per step, ms (log)</text>')
    styles = [("ours, full batch", series.get(0, []), "#1f77b4", ""),
              ("ours, minibatch B = 1000", series.get(1000, []), "#2ca02c", ""),
              ("ours, minibatch B = 500", series.get(500, []), "#98df8a", ""),
              ("numpy, full batch", numpy_pts, "#d62728", ""),
              ("floor: 4·D·d·M + 3·D·M² FLOP at GEMM rate", guide, "#555", 'stroke-dasharray="6,4"')]
    for k, (label, pts, color, dash) in enumerate(styles):
        if not pts:
            continue
        path_d = " ".join(f"{'M' if i == 0 else 'L'}{X(m):.1f},{Y(t):.1f}" for i, (m, t) in enumerate(pts))
        out.append(f'<path d="{path_d}" fill="none" stroke="{color}" stroke-width="2" {dash}/>')
        if not dash:
            for m, t in pts:
                out.append(f'<circle cx="{X(m):.1f}" cy="{Y(t):.1f}" r="3.5" fill="{color}">'
                           f'<title>{label}: M={m}, {t:.2f} ms</title></circle>')
        ly = T + 14 + 20 * k
        out.append(f'<line x1="{W - R + 10}" y1="{ly - 4}" x2="{W - R + 34}" y2="{ly - 4}" stroke="{color}" '
                   f'stroke-width="2" {dash}/>')
        out.append(f'<text x="{W - R + 40}" y="{ly}" font-size="11">{label}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser(description="ours vs numpy performance table and Stage I scaling plot")
    ap.add_argument("--build", default=os.environ.get("BUILD_DIR", os.path.join(ROOT, "build")))
    ap.add_argument("--python", default="/usr/bin/python3", help="a python3 that has numpy (Debian's)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions per round (min taken)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds of ours and numpy (min taken)")
    ap.add_argument("--min-time", default="0.2")
    ap.add_argument("--no-scaling", action="store_true")
    ap.add_argument("--out-dir", default=os.path.join(ROOT, "assets", "perf"))
    args = ap.parse_args()
    binary = os.path.join(args.build, "tests", "bench", "uhop_bench")
    if not os.path.exists(binary):
        sys.exit(f"{binary} not found: build it first (cmake --build {args.build} --target uhop_bench)")
    os.makedirs(args.out_dir, exist_ok=True)
    tmp = os.path.join(args.build, "tests", "bench")
    meta = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "reps": args.reps,
            "load_before": loadavg(), "cores": os.cpu_count()}
    try:
        meta["cpu"] = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        meta["cpu"] = "?"
    # Interleaved rounds (ours, then numpy, again and again), each time the minimum over rounds: a
    # load change on a shared machine then hits both sides instead of biasing the ratio.
    ours, numpy_res = {}, None
    for r in range(args.rounds):
        print(f"round {r + 1}/{args.rounds}, load {loadavg()}", file=sys.stderr)
        got = run_bench(binary, "^(gemm|gemm_split|stage1_step|stage1_step_reference|stage1_products|stage2_step|"
                                "stage2_products|stage2_products_split|stage2_retrieve)/", args.reps, args.min_time,
                        os.path.join(tmp, "ours.json"))
        for k, v in got.items():
            ours[k] = min(ours.get(k, float("inf")), v)
        res = run_numpy(args.python, args.reps, SIZES)
        if numpy_res is None:
            numpy_res = res
        else:
            for k, v in res["kernels"].items():
                numpy_res["kernels"][k] = min(numpy_res["kernels"].get(k, float("inf")), v)
    meta["reps"] = f"{args.rounds} interleaved rounds × {args.reps}"
    meta["load_after"] = loadavg()
    text = table(ours, numpy_res, meta)
    with open(os.path.join(args.out_dir, "perf_table.md"), "w") as f:
        f.write(text)
    print(text)
    if not args.no_scaling:
        scaling = run_bench(binary, "^scaling/", 3, args.min_time, os.path.join(tmp, "scaling.json"))
        svg_plot(scaling, ours, numpy_res, os.path.join(args.out_dir, "stage1_scaling.svg"))
        lines = ["| Stage I step | M | ms |", "|---|---:|---:|"]
        for name in sorted(scaling, key=scaling_key):
            b, M = scaling_key(name)
            lines.append(f"| {'full batch' if b == 0 else f'minibatch B = {b}'} | {M} | {scaling[name]:.2f} |")
        scaling_md = "\n".join(lines) + "\n"
        with open(os.path.join(args.out_dir, "perf_table.md"), "a") as f:
            f.write("\nStage I scaling (assets/perf/stage1_scaling.svg):\n\n" + scaling_md)
        print(scaling_md)


if __name__ == "__main__":
    main()
