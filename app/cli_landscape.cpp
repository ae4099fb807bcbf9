// `uhop landscape`: the 2-D toy of docs/method.md §9. A few memories in the plane (--points or a
// --preset), the energy on an N × N grid of queries, and the basin each grid point falls into
// after T steps, all from one batched retrieval (core/landscape.h). With --similarity kernel,
// Stage I first learns W ∈ R^{D_Φ×2} on the points (the --stage1-* options of `uhop retrieve`).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli_activity.h"
#include "app/cli_commands.h"
#include "app/cli_options.h"
#include "core/evaluation.h"
#include "core/landscape.h"
#include "plot/landscape_plot.h"
#include "plot/plot_export.h"

namespace uhop::cli {

namespace {

struct LandscapeArgs {
  std::string points;
  std::string preset;
  uint64_t seed = 0;
  ModelOptions model;
  Stage1Options stage1;
  int steps = 5;
  int grid = 128;
  std::string range = "-1.5,1.5,-1.5,1.5";
  std::string json, svg, png;
  CLI::Option *pointsOption = nullptr, *presetOption = nullptr;
};

void writeText(const std::string& path, const std::string& content) {
  if (path == "-") {
    std::cout << content;
    return;
  }
  ui::writeFileAtomically(path, content);
}

int runLandscape(const LandscapeArgs& args) {
  if (given(args.pointsOption) == given(args.presetOption))
    throw UsageError("give exactly one of --points \"x1,y1;x2,y2;...\" and --preset NAME");
  ModelConfig model = modelConfig(args.model);
  const LandscapeRange range = asUsage([&] { return parseLandscapeRange(args.range); });
  auto points = std::make_shared<const Matrix>(asUsage([&] {
    return given(args.pointsOption) ? parseLandscapePoints(args.points)
                                    : landscapePreset(args.preset, args.seed);
  }));
  Matrix W;
  if (model.similarity == SimilarityKind::Kernel) {
    setActivity("running Stage I on " + std::to_string(points->cols()) + " points");
    W = asUsage([&] { return trainFeatureMap(points, stage1Config(args.stage1, true)); });
  }
  HopfieldModel hopfield =
      asUsage([&] { return HopfieldModel(points, model, W.size() ? &W : nullptr); });
  setActivity("retrieving the " + std::to_string(args.grid) + " x " + std::to_string(args.grid) +
              " grid for " + std::to_string(args.steps) + " step(s)");
  const auto t0 = std::chrono::steady_clock::now();
  const Landscape land =
      asUsage([&] { return computeLandscape(hopfield, args.grid, range, args.steps); });
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

  char beta[32];
  std::snprintf(beta, sizeof beta, "%g", model.beta);
  const std::string parameters =
      similarityName(model.similarity) + " + " + model.separation.name() + " · β = " + beta +
      " · T = " + std::to_string(args.steps) + " · M = " + std::to_string(points->cols());
  if (!args.json.empty()) {
    nlohmann::json out;
    out["grid"] = land.grid;
    out["range"] = {range.x0, range.x1, range.y0, range.y1};
    out["layout"] =
        "row-major: index j*grid + i is x = x0 + i*(x1-x0)/(grid-1), y = y0 + j*(y1-y0)/(grid-1)";
    nlohmann::json pts = nlohmann::json::array();
    for (int k = 0; k < points->cols(); ++k) pts.push_back({(*points)(0, k), (*points)(1, k)});
    out["points"] = pts;
    if (given(args.presetOption)) out["preset"] = args.preset;
    out["similarity"] = similarityName(model.similarity);
    out["separation"] = model.separation.name();
    out["beta"] = model.beta;
    out["beta_after_separation"] = model.betaAfterSeparation;
    out["steps"] = args.steps;
    out["basin_weight"] = kBasinWeight;
    out["energy_constant"] = hopfield.energyConstant();
    if (W.size()) {
      nlohmann::json rows = nlohmann::json::array();
      for (int r = 0; r < W.rows(); ++r) rows.push_back({W(r, 0), W(r, 1)});
      out["W"] = rows;
    }
    out["energy"] = land.energy;  // NaN (no energy for l1, l2, poly) is written as null
    out["basin"] = land.basin;
    out["max_weight"] = land.maxWeight;
    writeText(args.json, out.dump() + "\n");
  }
  if (!args.svg.empty()) writeText(args.svg, ui::landscapeSvg(land, *points, parameters));
  if (!args.png.empty()) {
    const std::string png = ui::landscapePng(land, *points);
    if (args.png == "-")
      std::cout << png;
    else
      ui::writeFileAtomically(args.png, png);
  }
  if (args.json == "-" || args.svg == "-" || args.png == "-") return 0;

  // A short summary: how the grid splits into basins.
  std::vector<long long> counts(points->cols() + 1, 0);
  for (int b : land.basin) ++counts[b + 1];
  const double n = static_cast<double>(land.basin.size());
  std::printf(
      "landscape %s: M = %lld, %d x %d grid on [%g, %g] x [%g, %g], %lld queries, %.1f ms\n",
      parameters.c_str(), static_cast<long long>(points->cols()), land.grid, land.grid, range.x0,
      range.x1, range.y0, range.y1, static_cast<long long>(land.basin.size()), ms);
  std::printf("%8s %10s %10s %8s\n", "memory", "x", "y", "basin %");
  for (int k = 0; k < points->cols(); ++k)
    std::printf("%8d %10.4f %10.4f %7.1f%%\n", k, (*points)(0, k), (*points)(1, k),
                100 * counts[k + 1] / n);
  std::printf("%8s %21s %7.1f%%  (max p < %.1f)\n", "none", "", 100 * counts[0] / n, kBasinWeight);
  return 0;
}

}  // namespace

Command addLandscapeCommand(CLI::App& root) {
  auto args = std::make_shared<LandscapeArgs>();
  // Points of norm ~1: at β = 1 every grid point ends a mixture; at 15 the ring and random presets
  // split into basins while the close pairs and the cluster still form metastable mixtures.
  args->model.beta = 15;
  CLI::App* cmd = root.add_subcommand(
      "landscape",
      "2-D toy: the energy on a grid of queries around a few memories in the plane, and the "
      "basin each grid point falls into after T steps");
  args->pointsOption =
      cmd->add_option("--points", args->points, "the memories as \"x1,y1;x2,y2;...\" (at most 64)");
  args->presetOption = addChoice(*cmd, "--preset", args->preset, landscapePresetNames(),
                                 "a preset memory set (random12 follows --seed)")
                           ->excludes(args->pointsOption);
  addSeed(*cmd, "--seed", args->seed, "seed of the random12 preset");
  addModelOptions(*cmd, args->model);
  addInt(*cmd, "--steps", args->steps, 0, 100000, "retrieval steps T");
  addInt(*cmd, "--grid", args->grid, 2, kLandscapeMaxGrid,
         "grid points N per side (N x N queries)");
  cmd->add_option("--range", args->range, "the grid's extent x0,x1,y0,y1");
  addStage1Options(*cmd, args->stage1, "stage1-", true);
  cmd->add_option(
      "--json", args->json,
      "write grid, range, points, W, energy, basin, max_weight as JSON to FILE (- = stdout)");
  cmd->add_option("--svg", args->svg, "write the energy and basin heat maps as SVG to FILE");
  cmd->add_option("--png", args->png, "write the energy and basin heat maps as PNG to FILE");
  return {cmd, [args] { return runLandscape(*args); }};
}

}  // namespace uhop::cli
