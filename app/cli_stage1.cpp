// `uhop stage1`: runs Stage I and prints the loss curve (JSON arrays of N+1 values, the first
// before any step) and the min/mean pairwise distance of the normalised features.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli_activity.h"
#include "app/cli_commands.h"
#include "app/cli_options.h"
#include "core/feature_map.h"

namespace uhop::cli {

namespace {

struct Stage1Args {
  DataOptions data;
  Stage1Options stage1;
  std::string saveW;
  bool json = false;
};

int runStage1(const Stage1Args& args) {
  Stage1Config config = stage1Config(args.stage1, false);
  auto memories = loadMemories(args.data);
  auto patterns = std::shared_ptr<const Matrix>(memories, &memories->patterns);
  Stage1 stage1 = asUsage([&] { return Stage1(patterns, config); });
  setActivity("running Stage I on " + std::to_string(memories->count()) + " memories");
  stage1.run();

  nlohmann::json loss = nlohmann::json::array(), minD = nlohmann::json::array(),
                 meanD = nlohmann::json::array();
  for (const Stage1Record& r : stage1.history()) {
    loss.push_back(r.loss);
    minD.push_back(r.minDistance);
    meanD.push_back(r.meanDistance);
  }
  if (!args.saveW.empty()) saveFeatureMap(args.saveW, stage1.finalFeatureMap());

  if (args.json) {
    nlohmann::json out;
    out["data"] = memories->source;
    out["memories"] = memories->count();
    out["dimension"] = memories->dimension();
    out["feature_dimension"] = stage1.featureMap().rows();
    out["phi_init"] = featureInitName(config.init);
    out["loss_kind"] = lossKindName(config.loss.kind);
    out["t"] = config.loss.t;
    out["optimizer"] = optimizerName(config.optimizer);
    out["lr"] = stage1.config().learningRate;
    out["steps"] = stage1.stepsDone();
    out["seed"] = config.seed;
    out["normalize_rows"] = config.normalizeRows;
    out["diverged"] = stage1.diverged();
    if (stage1.diverged()) out["message"] = stage1.divergenceMessage();
    out["loss"] = loss;
    out["min_distance"] = minD;
    out["mean_distance"] = meanD;
    std::cout << out.dump(2) << "\n";
  } else {
    std::printf(
        "Stage I on %s: M = %d, d = %d, D_phi = %d, %s loss (t = %g), %s optimiser, lr %g\n",
        memories->source.c_str(), memories->count(), memories->dimension(),
        static_cast<int>(stage1.featureMap().rows()), lossKindName(config.loss.kind).c_str(),
        config.loss.t, optimizerName(config.optimizer).c_str(), stage1.config().learningRate);
    std::printf("%8s  %12s  %12s  %12s\n", "step", "L_phi", "min dist", "mean dist");
    const auto& h = stage1.history();
    const size_t stride = std::max<size_t>(1, h.size() / 10);
    for (size_t i = 0; i < h.size(); ++i)
      if (i % stride == 0 || i + 1 == h.size())
        std::printf("%8zu  %12.5f  %12.5f  %12.5f\n", i, h[i].loss, h[i].minDistance,
                    h[i].meanDistance);
    if (stage1.diverged()) std::printf("warning: %s\n", stage1.divergenceMessage().c_str());
  }
  return stage1.diverged() ? 1 : 0;
}

}  // namespace

Command addStage1Command(CLI::App& root) {
  auto args = std::make_shared<Stage1Args>();
  CLI::App* cmd =
      root.add_subcommand("stage1", "learn the feature map W (Stage I) and print the loss curve");
  addDataOptions(*cmd, args->data, 1,
                 "number of memories (default: all 64 built-in ones, else 100)");
  addStage1Options(*cmd, args->stage1, "", true);
  cmd->add_option("--save-w", args->saveW, "write the learned W (rows normalised if asked)");
  cmd->add_flag("--json", args->json,
                "JSON with loss, min_distance, mean_distance (N + 1 values each)");
  return {cmd, [args] { return runStage1(*args); }};
}

}  // namespace uhop::cli
