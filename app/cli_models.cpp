#include "app/cli_models.h"

#include "app/cli_options.h"

namespace uhop::cli {

const char* const kDefaultModelKeys = "mhm,sparse,meanproj,uhop,uhop-ref";

void addModelListOptions(CLI::App& cmd, ModelListOptions& o) {
  o.modelsOption = cmd.add_option(
      "--models", o.models,
      "comma-separated model keys: mhm, sparse, entmax:A, meanproj, l2, l1, uhop, uhop-ref, "
      "uhop-sparse, uhop-entmax:A, or SIM+SEP[@ref] such as kernel+poly:3");
  addModelOptions(cmd, o.model);
  addStage1Options(cmd, o.stage1, "stage1-", true);
  addKernelScaleOption(cmd, o.kernelScale);
}

std::vector<ModelSpec> modelList(const ModelListOptions& o) {
  const bool single = given(o.model.similarityOption) || given(o.model.separationOption);
  if (single && given(o.modelsOption))
    throw UsageError("give either --models or --similarity/--separation, not both");
  std::vector<ModelSpec> models;
  if (single) {
    ModelConfig config = modelConfig(o.model);
    Stage1Config stage1 = stage1Config(o.stage1, true);
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
    models = asUsage([&] { return parseModelList(o.models); });
    // Overrides: only flags actually given change the keys' settings.
    const Stage1Config set = stage1Config(o.stage1, true);
    const Stage1Options& g = o.stage1;
    for (ModelSpec& m : models) {
      if (given(o.model.betaOption)) m.model.beta = o.model.beta;
      if (o.model.betaAfterSeparation) m.model.betaAfterSeparation = true;
      Stage1Config& s = m.stage1;
      if (g.has("phi-init")) s.init = set.init;
      if (g.has("phi-dim")) s.featureDim = set.featureDim;
      if (g.has("loss")) s.loss.kind = set.loss.kind;
      if (g.has("t")) s.loss.t = set.loss.t;
      if (g.has("optimizer")) s.optimizer = set.optimizer;
      if (g.has("lr")) s.learningRate = set.learningRate;
      if (g.has("steps")) s.steps = set.steps;
      if (g.has("seed")) s.seed = set.seed;
      if (g.has("batch")) s.batchSize = set.batchSize;
    }
  }
  if (!o.kernelScale.empty()) {
    const KernelScale scale = asUsage([&] { return parseKernelScale(o.kernelScale); });
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
