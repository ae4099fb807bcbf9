// `uhop retrieve`: every memory in turn is the target; it is corrupted into a query, retrieved for
// T steps, and scored (core/evaluation). With --similarity kernel and no --load-w, Stage I runs
// first with its defaults (default optimiser, 100 steps, rows normalised): that is U-Hop.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli_activity.h"
#include "app/cli_commands.h"
#include "app/cli_options.h"
#include "core/evaluation.h"
#include "core/npy.h"

namespace uhop::cli {

namespace {

struct RetrieveArgs {
  DataOptions data;
  ModelOptions model;
  Stage1Options stage1;
  int steps = 1;
  uint64_t seed = 0;
  std::string corrupt = "mask:0.5";
  std::string loadW;
  std::string kernelScale;
  std::string saveStates;
  bool json = false;
};

int runRetrieve(const RetrieveArgs& args) {
  ModelConfig model = modelConfig(args.model);
  const int steps = args.steps;
  const uint64_t seed = args.seed;
  Corruption corruption = asUsage([&] { return Corruption::parse(args.corrupt); });
  Stage1Config stage1 = stage1Config(args.stage1, true);
  std::optional<KernelScale> scale;
  if (!args.kernelScale.empty())
    scale = asUsage([&] { return parseKernelScale(args.kernelScale); });
  if (scale && *scale == KernelScale::Raw) stage1.normalizeRows = false;
  checkLoadW(model, args.loadW);

  auto memories = loadMemories(args.data);
  auto patterns = std::shared_ptr<const Matrix>(memories, &memories->patterns);
  auto [W, wSource] = kernelW(model, args.loadW, patterns, stage1);
  if (scale && W.size()) W = scaleFeatureMap(W, *scale);
  setActivity("retrieving " + std::to_string(memories->count()) + " queries for " +
              std::to_string(steps) + " step(s)");
  EvaluationResult result = asUsage([&] {
    return evaluateAllMemories(*memories, patterns, model, W.size() ? &W : nullptr, corruption,
                               seed, steps, true, args.data.loadOptions().memoryBudgetBytes,
                               !args.saveStates.empty());
  });
  // The final states x_T as an (N, d) float32 array, row n the state of query n (numpy.load).
  if (!args.saveStates.empty()) writeNpy(args.saveStates, result.finalStates);

  const OutcomeSummary& s = result.summary;
  if (args.json) {
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
              similarityName(model.similarity).c_str(), model.separation.name().c_str(), model.beta,
              steps, corruption.name().c_str(), static_cast<unsigned long long>(seed),
              memories->count(), memories->source.c_str());
  std::printf("mean error %.4f | correct %.1f%% | wrong single %.1f%% | metastable %.1f%%\n",
              s.meanError, 100 * s.correctFraction, 100 * s.wrongSingleFraction,
              100 * s.metastableFraction);
  std::printf("%8s %10s %10s %10s %8s %6s %12s\n", "target", "error", "retrieved", "max p",
              "support", "k90", "E(x_T)");
  const int shown = std::min<int>(static_cast<int>(result.outcomes.size()), 12);
  for (int m = 0; m < shown; ++m) {
    const QueryOutcome& o = result.outcomes[m];
    std::printf("%8d %10.4f %10d %10.4f %8d %6d %12.4f\n", m, o.error, o.retrieved, o.maxWeight,
                o.support, o.k90, result.energies(steps, m));
  }
  if (shown < static_cast<int>(result.outcomes.size()))
    std::printf("... %zu more (use --json for all)\n", result.outcomes.size() - shown);
  return 0;
}

}  // namespace

Command addRetrieveCommand(CLI::App& root) {
  auto args = std::make_shared<RetrieveArgs>();
  CLI::App* cmd = root.add_subcommand(
      "retrieve", "use every memory as a corrupted query and retrieve it (Stage II)");
  addDataOptions(*cmd, args->data, 1,
                 "number of memories (default: all 64 built-in ones, else 100)");
  addModelOptions(*cmd, args->model);
  addInt(*cmd, "--steps", args->steps, 0, 100000, "retrieval steps T");
  addCorruptOption(*cmd, args->corrupt);
  addSeed(*cmd, "--seed", args->seed, "seed of the corruption");
  cmd->add_option("--load-w", args->loadW,
                  "the kernel's W from a file (uhop stage1 --save-w) instead of running Stage I");
  addStage1Options(*cmd, args->stage1, "stage1-", true);
  addKernelScaleOption(*cmd, args->kernelScale);
  cmd->add_option("--save-states", args->saveStates,
                  "write the final states x_T as a NumPy .npy array of shape (N, d), float32");
  cmd->add_flag("--json", args->json, "JSON with the summary and one entry per query");
  return {cmd, [args] { return runRetrieve(*args); }};
}

}  // namespace uhop::cli
