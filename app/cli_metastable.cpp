// `uhop metastable`: every memory as a corrupted query, per model, before and after Stage I
// (PAPER.md "Metastable states"; core/experiments.h compareBeforeAfterStage1). Prints the
// fractions ending correct / wrong single memory / metastable and the support-size histogram
// (k = 1 … 9, ≥ 10). "after" equals `uhop retrieve` with the same flags; "before" is the kernel
// at Stage I's initial W (the identity init makes it the dot-product baseline).
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli_commands.h"
#include "app/cli_models.h"
#include "app/cli_options.h"
#include "core/experiments.h"

namespace uhop::cli {

namespace {

void printSummary(const char* model, const char* stage, const OutcomeSummary& s) {
  std::printf("%-28s %-14s %9.4f %8.1f%% %8.1f%% %10.1f%%  ", model, stage, s.meanError,
              100 * s.correctFraction, 100 * s.wrongSingleFraction, 100 * s.metastableFraction);
  for (int count : s.supportHistogram) std::printf("%5d", count);
  std::printf("\n");
}

}  // namespace

int runMetastable(const std::vector<std::string>& argv) {
  std::set<std::string> values{"steps", "corrupt", "seed", "train-on", "eigen-threads"},
      switches{"json"};
  addDataFlags(values);
  addModelListFlags(values, switches);
  Args args(argv, values, switches);
  std::vector<ModelSpec> models = modelList(args);
  MetastableConfig config;
  config.steps = args.integer("steps", 1, 0, 100000);
  config.seed = args.seed("seed", 0);
  config.corruption = asUsage([&] { return Corruption::parse(args.text("corrupt", "mask:0.5")); });
  config.training = asUsage([&] { return parseKernelTraining(args.text("train-on", "all")); });
  config.eigenThreads = args.integer("eigen-threads", 0, 0, 256);
  auto memories = loadMemories(args);
  std::vector<MetastableComparison> results =
      asUsage([&] { return compareBeforeAfterStage1(*memories, models, config); });

  if (args.flag("json")) {
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
  std::printf("%-28s %-14s %9s %9s %9s %11s   support k = 1 … 9, >=10\n", "model", "Stage I",
              "error", "correct", "wrong-1", "metastable");
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

}  // namespace uhop::cli
