// `uhop metastable`: every memory as a corrupted query, per model, before and after Stage I
// (docs/method.md §5; core/experiments.h compareBeforeAfterStage1). Prints the
// fractions ending correct / wrong single memory / metastable, the diffuse count (support 0) and
// the support-size histogram (k = 1 … 9, ≥ 10). "after" equals `uhop retrieve` with the same flags;
// "before" is the kernel at Stage I's initial W (the identity init makes it the dot-product
// baseline).
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli_activity.h"
#include "app/cli_commands.h"
#include "app/cli_models.h"
#include "app/cli_options.h"
#include "core/experiments.h"

namespace uhop::cli {

namespace {

void printSummary(const char* model, const char* stage, const OutcomeSummary& s) {
  std::printf("%-28s %-14s %9.4f %8.1f%% %8.1f%% %10.1f%% %8d  ", model, stage, s.meanError,
              100 * s.correctFraction, 100 * s.wrongSingleFraction, 100 * s.metastableFraction,
              s.diffuseCount);
  for (int count : s.supportHistogram) std::printf("%5d", count);
  std::printf("\n");
}

struct MetastableArgs {
  DataOptions data;
  ModelListOptions models;
  int steps = 1;
  uint64_t seed = 0;
  std::string corrupt = "mask:0.5";
  std::string trainOn = "all";
  int eigenThreads = 0;
  bool json = false;
};

int runMetastable(const MetastableArgs& args) {
  std::vector<ModelSpec> models = modelList(args.models);
  MetastableConfig config;
  config.steps = args.steps;
  config.seed = args.seed;
  config.corruption = asUsage([&] { return Corruption::parse(args.corrupt); });
  config.training = asUsage([&] { return parseKernelTraining(args.trainOn); });
  config.eigenThreads = args.eigenThreads;
  auto memories = loadMemories(args.data);
  setActivity("comparing " + std::to_string(models.size()) + " model(s) on " +
              std::to_string(memories->count()) + " memories before and after Stage I");
  std::vector<MetastableComparison> results =
      asUsage([&] { return compareBeforeAfterStage1(*memories, models, config); });

  if (args.json) {
    nlohmann::json out, list = nlohmann::json::array();
    out["data"] = memories->source;
    out["memories"] = memories->count();
    out["steps"] = config.steps;
    out["corrupt"] = config.corruption.name();
    out["seed"] = config.seed;
    out["train_on"] = kernelTrainingName(config.training);
    out["support_bins"] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", ">=10"};
    for (size_t i = 0; i < results.size(); ++i) {
      const MetastableComparison& r = results[i];
      nlohmann::json m = modelJson(models[i]);
      m["uses_stage1"] = r.usesStage1;
      m["stage1_steps_done"] = r.stage1Steps;
      m["before"] = summaryJson(r.before);
      m["after"] = summaryJson(r.after);
      list.push_back(m);
    }
    out["models"] = list;
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("metastable states on %s: M = %d, %s, T = %d, seed %llu, kernel trained on %s\n",
              memories->source.c_str(), memories->count(), config.corruption.name().c_str(),
              config.steps, static_cast<unsigned long long>(config.seed),
              kernelTrainingName(config.training).c_str());
  // diffuse: queries whose weights are all ≤ ε (support 0), counted in metastable and in none of
  // the support bins.
  std::printf("%-28s %-14s %9s %9s %9s %11s %8s   support k = 1 … 9, >=10\n", "model", "Stage I",
              "error", "correct", "wrong-1", "metastable", "diffuse");
  for (const MetastableComparison& r : results) {
    if (!r.usesStage1) {
      printSummary(r.model.c_str(), "none", r.after);
      continue;
    }
    const std::string after = "after " + std::to_string(r.stage1Steps);
    printSummary(r.model.c_str(), "before (W0)", r.before);
    printSummary("", after.c_str(), r.after);
  }
  return 0;
}

}  // namespace

Command addMetastableCommand(CLI::App& root) {
  auto args = std::make_shared<MetastableArgs>();
  CLI::App* cmd = root.add_subcommand(
      "metastable",
      "per model, the fractions of queries ending correct / wrong single memory / metastable and "
      "the support histogram, before and after Stage I");
  addDataOptions(*cmd, args->data, 1,
                 "number of memories (default: all 64 built-in ones, else 100)");
  addModelListOptions(*cmd, args->models);
  addInt(*cmd, "--steps", args->steps, 0, 100000, "retrieval steps T");
  addCorruptOption(*cmd, args->corrupt);
  addSeed(*cmd, "--seed", args->seed, "seed of the corruption");
  addChoice(*cmd, "--train-on", args->trainOn, {"all", "first-half"},
            "memories Stage I trains the kernel on");
  addInt(*cmd, "--eigen-threads", args->eigenThreads, 0, 256,
         "OpenMP threads (0 = OpenMP default)");
  cmd->add_flag("--json", args->json, "JSON with before/after summaries per model");
  return {cmd, [args] { return runMetastable(*args); }};
}

}  // namespace uhop::cli
