// `uhop retrieve`: every memory in turn is the target; it is corrupted into a query, retrieved for
// T steps, and scored (core/evaluation). With --similarity kernel and no --load-w, Stage I runs
// first with its defaults (default optimiser, 100 steps, rows normalised): that is U-Hop.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli_commands.h"
#include "app/cli_options.h"
#include "core/evaluation.h"

namespace uhop::cli {

int runRetrieve(const std::vector<std::string>& argv) {
  std::set<std::string> values{"steps", "corrupt", "seed", "load-w", "kernel-scale"}, switches{"json"};
  addDataFlags(values);
  addModelFlags(values, switches);
  addStage1Flags(values, switches, "stage1-");
  Args args(argv, values, switches);
  ModelConfig model = modelConfig(args);
  const int steps = args.integer("steps", 1, 0, 100000);
  const uint64_t seed = args.seed("seed", 0);
  Corruption corruption = asUsage([&] { return Corruption::parse(args.text("corrupt", "mask:0.5")); });
  Stage1Config stage1 = stage1Config(args, "stage1-", true);
  std::optional<KernelScale> scale;
  if (args.has("kernel-scale")) scale = asUsage([&] { return parseKernelScale(args.text("kernel-scale", "")); });
  if (scale && *scale == KernelScale::Raw) stage1.normalizeRows = false;

  auto memories = loadMemories(args);
  auto patterns = std::shared_ptr<const Matrix>(memories, &memories->patterns);
  Matrix W;
  std::string wSource;
  if (model.similarity == SimilarityKind::Kernel) {
    if (args.has("load-w")) {
      W = loadFeatureMap(args.text("load-w", ""));
      wSource = args.text("load-w", "");
    } else {
      W = asUsage([&] { return trainFeatureMap(patterns, stage1); });
      wSource = "stage1";
    }
    if (scale) W = scaleFeatureMap(W, *scale);
  }
  EvaluationResult result = asUsage([&] {
    return evaluateAllMemories(*memories, patterns, model, W.size() ? &W : nullptr, corruption, seed, steps, true);
  });

  const OutcomeSummary& s = result.summary;
  if (args.flag("json")) {
    nlohmann::json out;
    out["data"] = memories->source;
    out["memories"] = memories->count();
    out["similarity"] = similarityName(model.similarity);
    out["separation"] = model.separation.name();
    out["beta"] = model.beta;
    out["beta_after_separation"] = model.betaAfterSeparation;
    out["steps"] = steps;
    out["corrupt"] = corruption.name();
    out["seed"] = seed;
    if (!wSource.empty()) out["feature_map"] = wSource;
    out.update(summaryJson(s));
    nlohmann::json queries = nlohmann::json::array();
    for (size_t m = 0; m < result.outcomes.size(); ++m) {
      const QueryOutcome& o = result.outcomes[m];
      nlohmann::json q;
      q["target"] = m;
      q["error"] = o.error;
      q["retrieved"] = o.retrieved;
      q["max_weight"] = o.maxWeight;
      q["support"] = o.support;
      q["k90"] = o.k90;
      q["correct"] = o.correct;
      q["metastable"] = o.metastable;
      nlohmann::json energy = nlohmann::json::array();
      for (int t = 0; t <= steps; ++t) energy.push_back(result.energies(t, static_cast<int>(m)));
      q["energy"] = energy;
      queries.push_back(q);
    }
    out["queries"] = queries;
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("%s + %s, beta %g, %d step(s), %s, seed %llu, %d memories from %s\n",
              similarityName(model.similarity).c_str(), model.separation.name().c_str(), model.beta, steps,
              corruption.name().c_str(), static_cast<unsigned long long>(seed), memories->count(),
              memories->source.c_str());
  std::printf("mean error %.4f | correct %.1f%% | wrong single %.1f%% | metastable %.1f%%\n", s.meanError,
              100 * s.correctFraction, 100 * s.wrongSingleFraction, 100 * s.metastableFraction);
  std::printf("%8s %10s %10s %10s %8s %6s %12s\n", "target", "error", "retrieved", "max p", "support", "k90",
              "E(x_T)");
  const int shown = std::min<int>(static_cast<int>(result.outcomes.size()), 12);
  for (int m = 0; m < shown; ++m) {
    const QueryOutcome& o = result.outcomes[m];
    std::printf("%8d %10.4f %10d %10.4f %8d %6d %12.4f\n", m, o.error, o.retrieved, o.maxWeight, o.support, o.k90,
                result.energies(steps, m));
  }
  if (shown < static_cast<int>(result.outcomes.size()))
    std::printf("... %zu more (use --json for all)\n", result.outcomes.size() - shown);
  return 0;
}

}  // namespace uhop::cli
