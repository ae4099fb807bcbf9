// `uhop theory`: the theory of docs/method.md §10 beside a measurement, per memory: the separation
// Δ_μ and the radius R in the similarity's feature space, the softmax error bound (flagged vacuous
// when it is no better than the largest possible error), the error one step makes from a query
// inside the sphere around ξ_μ, and for α > 1 whether the exact-retrieval condition holds.
// With --similarity kernel and no --load-w, Stage I runs first (as in `uhop retrieve`).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli_activity.h"
#include "app/cli_commands.h"
#include "app/cli_options.h"
#include "core/evaluation.h"
#include "core/theory.h"

namespace uhop::cli {

namespace {

struct TheoryArgs {
  DataOptions data;
  ModelOptions model;
  Stage1Options stage1;
  std::string loadW;
  double queryFraction = 0.5;
  uint64_t seed = 0;
  int blockMib = 64;
  bool json = false;
};

// NaN (no bound for α > 1) is written as null.
nlohmann::json numberOrNull(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}

nlohmann::json optionalBool(const std::optional<bool>& b) {
  return b ? nlohmann::json(*b) : nlohmann::json();
}

int runTheory(const TheoryArgs& args) {
  ModelConfig model = modelConfig(args.model);
  if (!isInnerProduct(model.similarity))
    throw UsageError("--similarity " + args.model.similarity +
                     ": the theory needs a feature space (dot, meanproj or kernel)");
  if (!model.separation.hasEnergy())
    throw UsageError("--separation " + args.model.separation +
                     ": the theory covers softmax, sparsemax and entmax:A");
  if (model.betaAfterSeparation)
    throw UsageError("--beta-after-separation: the bounds assume beta inside the separation");
  checkLoadW(model, args.loadW);

  auto memories = loadMemories(args.data);
  auto patterns = std::shared_ptr<const Matrix>(memories, &memories->patterns);
  const auto [W, wSource] = kernelW(model, args.loadW, patterns, stage1Config(args.stage1, true));
  TheoryConfig config;
  config.model = model;
  config.queryFraction = args.queryFraction;
  config.seed = args.seed;
  config.blockBytes = static_cast<std::size_t>(args.blockMib) << 20;
  setActivity("computing the separations of " + std::to_string(memories->count()) + " memories");
  const TheoryReport report =
      asUsage([&] { return computeTheory(patterns, config, W.size() ? &W : nullptr); });
  const bool softmax = model.separation.kind == SeparationKind::Softmax;

  int vacuous = 0, exact = 0;
  double meanError = 0;
  for (const MemoryTheory& t : report.memories) {
    vacuous += softmax && t.vacuous;
    exact += t.exact.value_or(false);
    meanError += t.measuredError / static_cast<double>(report.memories.size());
  }

  if (args.json) {
    nlohmann::json out;
    out["data"] = memories->source;
    out["memory_count"] = memories->count();
    out["similarity"] = similarityName(model.similarity);
    out["separation"] = model.separation.name();
    out["beta"] = model.beta;
    if (!wSource.empty()) out["feature_map"] = wSource;
    out["radius"] = report.radius;
    out["max_norm"] = report.maxNorm;
    out["max_feature_norm"] = report.maxFeatureNorm;
    out["max_error"] = report.maxError;
    out["query_fraction"] = args.queryFraction;
    out["seed"] = args.seed;
    out["vacuous_count"] = softmax ? nlohmann::json(vacuous) : nlohmann::json();
    out["exact_count"] = softmax ? nlohmann::json() : nlohmann::json(exact);
    out["mean_measured_error"] = meanError;
    nlohmann::json list = nlohmann::json::array();
    for (const MemoryTheory& t : report.memories) {
      nlohmann::json m;
      m["index"] = t.index;
      m["delta"] = t.delta;
      m["radius"] = report.radius;
      m["bound"] = numberOrNull(t.bound);
      m["log_bound"] = numberOrNull(t.logBound);
      m["vacuous"] = softmax ? nlohmann::json(t.vacuous) : nlohmann::json();
      m["measured_error"] = t.measuredError;
      m["query_gap"] = t.queryGap;
      m["exact"] = optionalBool(t.exact);
      m["exact_at_memory"] = optionalBool(t.exactAtMemory);
      list.push_back(m);
    }
    out["memories"] = list;
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf(
      "%s + %s, beta %g, %d memories from %s: R = %.6g, m = %.6g, m_phi = %.6g, 2m = %.6g\n",
      similarityName(model.similarity).c_str(), model.separation.name().c_str(), model.beta,
      memories->count(), memories->source.c_str(), report.radius, report.maxNorm,
      report.maxFeatureNorm, report.maxError);
  std::printf("query: xi_mu + a seeded direction at feature distance %.3g R (seed %llu)\n",
              args.queryFraction, static_cast<unsigned long long>(args.seed));
  std::printf("%8s %12s %12s %12s %8s %12s %10s\n", "memory", "delta", "bound", "log bound",
              "vacuous", "error", softmax ? "" : "exact");
  const int shown = std::min<int>(static_cast<int>(report.memories.size()), 12);
  for (int k = 0; k < shown; ++k) {
    const MemoryTheory& t = report.memories[k];
    if (softmax)
      std::printf("%8d %12.5g %12.5g %12.5g %8s %12.5g\n", t.index, t.delta, t.bound, t.logBound,
                  t.vacuous ? "yes" : "no", t.measuredError);
    else  // the bound is the softmax one
      std::printf("%8d %12.5g %12s %12s %8s %12.5g %10s\n", t.index, t.delta, "-", "-", "-",
                  t.measuredError, t.exact.value_or(false) ? "yes" : "no");
  }
  if (shown < static_cast<int>(report.memories.size()))
    std::printf("... %zu more (use --json for all)\n", report.memories.size() - shown);
  if (softmax)
    std::printf("bound vacuous (>= 2m) for %d of %zu memories; mean measured error %.6g\n", vacuous,
                report.memories.size(), meanError);
  else
    std::printf("exact-retrieval condition holds for %d of %zu queries; mean measured error %.6g\n",
                exact, report.memories.size(), meanError);
  return 0;
}

}  // namespace

Command addTheoryCommand(CLI::App& root) {
  auto args = std::make_shared<TheoryArgs>();
  CLI::App* cmd = root.add_subcommand(
      "theory",
      "per memory: the separation delta, the radius R, the softmax error bound, the "
      "exact-retrieval "
      "condition (alpha > 1) and the measured one-step error from inside the sphere");
  addDataOptions(*cmd, args->data, 2,
                 "number of memories (default: all 64 built-in ones, else 100)");
  addModelOptions(*cmd, args->model);
  cmd->add_option("--load-w", args->loadW,
                  "the kernel's W from a file (uhop stage1 --save-w) instead of running Stage I");
  addStage1Options(*cmd, args->stage1, "stage1-", true);
  addReal(*cmd, "--query-radius", args->queryFraction, 0, 1,
          "the query's feature distance from its memory, as a fraction of R");
  addSeed(*cmd, "--seed", args->seed, "seed of the queries' directions");
  addInt(*cmd, "--block-budget", args->blockMib, 1, 65536,
         "MiB for one block of the Gram matrix or of the query scores");
  cmd->add_flag("--json", args->json, "JSON with the constants and one entry per memory");
  return {cmd, [args] { return runTheory(*args); }};
}

}  // namespace uhop::cli
