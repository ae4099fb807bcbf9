#include "app/cli_options.h"

#include "core/datasets.h"

namespace uhop::cli {

void addDataFlags(std::set<std::string>& values) { values.insert({"data", "memories", "offset"}); }

std::shared_ptr<const MemorySet> loadMemories(const Args& args) {
  LoadOptions options;
  options.offset = args.integer("offset", 0, 0, 100000000);
  options.count = args.integer("memories", -1, 1, 1000000);
  const std::string source = args.text("data", "builtin");
  // Without --memories, a large data set would mean tens of thousands of memories: take 100.
  if (!args.has("memories") && source != "builtin") options.count = 100;
  auto set = std::make_shared<MemorySet>(loadDataSource(source, options));
  if (args.has("memories") && set->count() < options.count)
    throw DataError(source + ": asked for " + std::to_string(options.count) + " memories from offset " +
                    std::to_string(options.offset) + " but only " + std::to_string(set->count()) + " are there");
  return set;
}

void addStage1Flags(std::set<std::string>& values, std::set<std::string>& switches, const std::string& p) {
  for (const char* name : {"phi-init", "phi-dim", "loss", "t", "optimizer", "lr", "steps", "batch"})
    values.insert(p + name);
  if (!p.empty()) values.insert(p + "seed");
  switches.insert(p + "normalize-rows");
}

Stage1Config stage1Config(const Args& args, const std::string& p, bool normalizeByDefault) {
  Stage1Config c;
  asUsage([&] {
    c.init = parseFeatureInit(args.text(p + "phi-init", "identity"));
    c.loss.kind = parseLossKind(args.text(p + "loss", "avg"));
    c.optimizer = parseOptimizer(args.text(p + "optimizer", optimizerName(Stage1Config{}.optimizer)));
    return 0;
  });
  c.featureDim = args.integer(p + "phi-dim", 0, 0, 16384);
  c.seed = args.seed(p.empty() ? "seed" : p + "seed", 0);
  c.loss.t = args.real(p + "t", 2.0, 1e-6, 1e3);
  c.learningRate = args.real(p + "lr", 0.0, 1e-12, 1e12);
  c.steps = args.integer(p + "steps", 100, 0, 1000000);
  c.batchSize = args.integer(p + "batch", 0, 0, 100000000);  // 0 = full batch; else memories per step
  c.normalizeRows = normalizeByDefault || args.flag(p + "normalize-rows");
  return c;
}

void addModelFlags(std::set<std::string>& values, std::set<std::string>& switches) {
  values.insert({"similarity", "separation", "beta"});
  switches.insert("beta-after-separation");
}

ModelConfig modelConfig(const Args& args) {
  ModelConfig m;
  asUsage([&] {
    m.similarity = parseSimilarity(args.text("similarity", "dot"));
    m.separation = Separation::parse(args.text("separation", "softmax"));
    return 0;
  });
  m.beta = args.real("beta", 1.0, 1e-12, 1e12);
  m.betaAfterSeparation = args.flag("beta-after-separation");
  asUsage([&] {  // combinations core refuses (poly with l1/l2) are usage errors: exit 2
    validateModelConfig(m);
    return 0;
  });
  return m;
}

nlohmann::json summaryJson(const OutcomeSummary& s) {
  nlohmann::json j;
  j["mean_error"] = s.meanError;
  j["correct_fraction"] = s.correctFraction;
  j["wrong_single_fraction"] = s.wrongSingleFraction;
  j["metastable_fraction"] = s.metastableFraction;
  j["support_histogram"] = s.supportHistogram;  // k = 1..9, ≥ 10; diffuse queries in none
  j["diffuse_fraction"] = s.diffuseFraction;     // support 0: every weight ≤ ε
  return j;
}

}  // namespace uhop::cli
