#include "app/cli_models.h"

#include "app/cli_options.h"

namespace uhop::cli {

const char* const kDefaultModelKeys = "mhm,sparse,meanproj,uhop,uhop-ref";

void addModelListFlags(std::set<std::string>& values, std::set<std::string>& switches) {
  values.insert({"models", "kernel-scale"});
  addModelFlags(values, switches);
  addStage1Flags(values, switches, "stage1-");
}

std::vector<ModelSpec> modelList(const Args& args) {
  const bool single = args.has("similarity") || args.has("separation");
  if (single && args.has("models"))
    throw UsageError("give either --models or --similarity/--separation, not both");
  std::vector<ModelSpec> models;
  if (single) {
    ModelConfig config = modelConfig(args);
    Stage1Config stage1 = stage1Config(args, "stage1-", true);
    const bool reference =
        config.similarity == SimilarityKind::Kernel && stage1.optimizer == OptimizerKind::Reference;
    ModelSpec spec = asUsage([&] {
      return modelFromKey(similarityName(config.similarity) + "+" + config.separation.name() +
                          (reference ? "@ref" : ""));
    });
    spec.model = config;
    spec.stage1 = stage1;
    models.push_back(spec);
  } else {
    models = asUsage([&] { return parseModelList(args.text("models", kDefaultModelKeys)); });
    // Overrides: only flags actually given change the keys' settings.
    const Stage1Config given = stage1Config(args, "stage1-", true);
    for (ModelSpec& m : models) {
      if (args.has("beta")) m.model.beta = args.real("beta", 1.0, 1e-12, 1e12);
      if (args.flag("beta-after-separation")) m.model.betaAfterSeparation = true;
      Stage1Config& s = m.stage1;
      if (args.has("stage1-phi-init")) s.init = given.init;
      if (args.has("stage1-phi-dim")) s.featureDim = given.featureDim;
      if (args.has("stage1-loss")) s.loss.kind = given.loss.kind;
      if (args.has("stage1-t")) s.loss.t = given.loss.t;
      if (args.has("stage1-optimizer")) s.optimizer = given.optimizer;
      if (args.has("stage1-lr")) s.learningRate = given.learningRate;
      if (args.has("stage1-steps")) s.steps = given.steps;
      if (args.has("stage1-seed")) s.seed = given.seed;
      if (args.has("stage1-batch")) s.batchSize = given.batchSize;
    }
  }
  if (args.has("kernel-scale")) {
    const KernelScale scale =
        asUsage([&] { return parseKernelScale(args.text("kernel-scale", "")); });
    for (ModelSpec& m : models)
      if (m.usesStage1()) m.kernelScale = scale;
  }
  return models;
}

nlohmann::json modelJson(const ModelSpec& spec) {
  nlohmann::json j;
  j["name"] = spec.name;
  j["key"] = modelKey(spec);
  j["similarity"] = similarityName(spec.model.similarity);
  j["separation"] = spec.model.separation.name();
  j["beta"] = spec.model.beta;
  j["beta_after_separation"] = spec.model.betaAfterSeparation;
  if (spec.usesStage1()) {
    const Stage1Config& s = spec.stage1;
    nlohmann::json s1;
    s1["phi_init"] = featureInitName(s.init);
    s1["phi_dim"] = s.featureDim;
    s1["loss"] = lossKindName(s.loss.kind);
    s1["t"] = s.loss.t;
    s1["optimizer"] = optimizerName(s.optimizer);
    s1["lr"] = s.learningRate == 0 ? defaultLearningRate(s.optimizer) : s.learningRate;
    s1["steps"] = s.steps;
    s1["seed"] = s.seed;
    s1["normalize_rows"] = s.normalizeRows;
    s1["batch"] = s.batchSize;
    j["stage1"] = s1;
    j["kernel_scale"] = spec.kernelScale ? kernelScaleName(*spec.kernelScale) : "none";
  }
  return j;
}

}  // namespace uhop::cli
