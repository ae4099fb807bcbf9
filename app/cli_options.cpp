#include "app/cli_options.h"

#include <cstdio>
#include <tuple>

#include "app/cli_activity.h"
#include "core/corruption.h"
#include "core/evaluation.h"
#include "core/feature_map.h"
#include "core/separation_loss.h"

namespace uhop::cli {

namespace {

// The optimiser names for --help. Core lists no names (yet), so point at the README rather than
// copy a list here that would go stale; core's parseOptimizer is the judge of a name.
// The names core's parseOptimizer accepts, as the help lists them.
std::string optimizerForms() {
  std::string forms;
  for (const std::string& name : optimizerNames()) forms += (forms.empty() ? "" : "|") + name;
  return forms;
}

}  // namespace

std::pair<int, int> parseImageSize(const std::string& text) {
  const size_t x = text.find('x');
  auto side = [&](const std::string& digits) {
    if (digits.empty() || digits.size() > 4 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      return 0;
    return std::stoi(digits);
  };
  const int w = x == std::string::npos ? 0 : side(text.substr(0, x));
  const int h = x == std::string::npos ? 0 : side(text.substr(x + 1));
  if (w < 1 || h < 1 || w > 4096 || h > 4096)
    throw ConfigError("--image-size expects WxH with W and H in 1..4096 (e.g. 32x32), got '" +
                      text + "'");
  return {w, h};
}

LoadOptions DataOptions::loadOptions() const {
  LoadOptions options;
  options.offset = offset;
  options.memoryBudgetBytes = static_cast<std::size_t>(memoryBudgetMib) << 20;
  options.grayscale = grayscale;
  options.strict = strict;
  if (!imageSize.empty()) std::tie(options.width, options.height) = parseImageSize(imageSize);
  return options;
}

void printLoadWarnings(const MemorySet& set) {
  for (const std::string& warning : set.warnings)
    std::fprintf(stderr, "uhop: warning: %s\n", warning.c_str());
}

void addDataOptions(CLI::App& cmd, DataOptions& o, int minMemories,
                    const std::string& memoriesHelp) {
  cmd.add_option("--data", o.data,
                 "data source: builtin, fashion-mnist, fashion-mnist-test, or a path to an "
                 "IDX/IDX.gz file, a CIFAR-10/100 .bin batch or a folder of images");
  o.memoriesOption =
      addInt(cmd, "--memories", o.memories, minMemories, 1000000, memoriesHelp)->default_str("");
  addInt(cmd, "--offset", o.offset, 0, 100000000, "first memory taken, in file order");
  addInt(cmd, "--memory-budget", o.memoryBudgetMib, 1, 1048576,
         "MiB a data load may allocate; larger sources are refused");
  cmd.add_flag("--grayscale", o.grayscale,
               "convert colour images (folders, CIFAR, (M,h,w,3) .npy) to one channel (luma); "
               "default: keep RGB, d = w*h*3");
  cmd.add_flag("--strict", o.strict,
               "an unreadable image in a folder, or fewer items than --memories, is an error "
               "(exit 1); default: skip / load what is there, with a warning on stderr");
  addSpec(
      cmd, "--image-size", o.imageSize, [](const std::string& v) { parseImageSize(v); }, "WxH",
      "folders: resize every image to W x H (default: the size of the first image)");
}

std::shared_ptr<const MemorySet> loadMemories(const DataOptions& o, bool allByDefault) {
  LoadOptions options = o.loadOptions();
  const bool counted = given(o.memoriesOption);
  options.count = counted ? o.memories : (allByDefault || o.data == "builtin" ? -1 : 100);
  // The default 100 is a cap on a large source, not a request a smaller one falls short of.
  options.countIsLimit = !counted;
  setActivity("loading the memories from " + o.data);
  auto set = std::make_shared<MemorySet>(loadDataSource(o.data, options));
  // Fewer than --memories (a short source, skipped files) is a warning, or with --strict an
  // error core has already raised.
  printLoadWarnings(*set);
  return set;
}

bool Stage1Options::has(const std::string& name) const {
  auto it = options.find(name);
  return it != options.end() && given(it->second);
}

void addStage1Options(CLI::App& cmd, Stage1Options& o, const std::string& p, bool withSeed) {
  o.prefix = p;
  const std::string s = p.empty() ? "" : "Stage I: ";
  auto& opt = o.options;
  opt["phi-init"] = addChoice(cmd, "--" + p + "phi-init", o.phiInit,
                              {"identity", "gaussian", "gaussian-scaled"}, s + "initial W");
  opt["phi-dim"] = addInt(cmd, "--" + p + "phi-dim", o.phiDim, 0, 16384,
                          s + "feature dimension D_phi (0 = the data's d)");
  opt["loss"] = addChoice(cmd, "--" + p + "loss", o.loss, {"avg", "max"}, s + "separation loss");
  opt["t"] = addReal(cmd, "--" + p + "t", o.t, 1e-6, 1e3, s + "loss temperature t");
  opt["optimizer"] = addSpec(
      cmd, "--" + p + "optimizer", o.optimizer, [](const std::string& v) { parseOptimizer(v); },
      optimizerForms(), s + "optimiser");
  opt["lr"] = addReal(cmd, "--" + p + "lr", o.lr, 0, 1e12,
                      s + "learning rate (0 = the optimiser's default)");
  opt["steps"] = addInt(cmd, "--" + p + "steps", o.steps, 0, 1000000, s + "number of steps N");
  opt["batch"] = addInt(cmd, "--" + p + "batch", o.batch, 0, 100000000,
                        s + "memories per step (0 = full batch)");
  if (withSeed)
    opt["seed"] = addSeed(cmd, "--" + p + "seed", o.seed, s + "seed of W's init and minibatches");
  opt["normalize-rows"] = cmd.add_flag(
      "--" + p + "normalize-rows", o.normalizeRows,
      s + "normalise W's rows after the last step" + (p.empty() ? "" : " (always on here)"));
}

Stage1Config stage1Config(const Stage1Options& o, bool normalizeByDefault) {
  Stage1Config c;
  asUsage([&] {
    c.init = parseFeatureInit(o.phiInit);
    c.loss.kind = parseLossKind(o.loss);
    c.optimizer = parseOptimizer(o.optimizer);
    return 0;
  });
  c.featureDim = o.phiDim;
  c.seed = o.seed;
  c.loss.t = o.t;
  c.learningRate = o.lr;
  c.steps = o.steps;
  c.batchSize = o.batch;
  c.normalizeRows = normalizeByDefault || o.normalizeRows;
  return c;
}

void addModelOptions(CLI::App& cmd, ModelOptions& o) {
  o.similarityOption =
      addChoice(cmd, "--similarity", o.similarity, {"dot", "meanproj", "l2", "l1", "kernel"},
                "similarity K (kernel = U-Hop's learned feature map)");
  o.separationOption = addSpec(
      cmd, "--separation", o.separation, [](const std::string& v) { Separation::parse(v); },
      "softmax|sparsemax|entmax:A|poly:N", "separation function");
  o.betaOption = addReal(cmd, "--beta", o.beta, 1e-12, 1e12, "inverse temperature beta");
  cmd.add_flag("--beta-after-separation", o.betaAfterSeparation,
               "apply beta after the separation (the public scripts' convention)");
}

ModelConfig modelConfig(const ModelOptions& o) {
  ModelConfig m;
  asUsage([&] {
    m.similarity = parseSimilarity(o.similarity);
    m.separation = Separation::parse(o.separation);
    return 0;
  });
  m.beta = o.beta;
  m.betaAfterSeparation = o.betaAfterSeparation;
  // Combinations core refuses (poly with l1/l2, whose scores are all ≤ 0) are usage errors.
  asUsage([&] {
    validateModelConfig(m);
    return 0;
  });
  return m;
}

CLI::Option* addCorruptOption(CLI::App& cmd, std::string& value) {
  return addSpec(
      cmd, "--corrupt", value, [](const std::string& v) { Corruption::parse(v); },
      "none|mask:P|mask-rescale:P|noise:S|occlude:F|saltpepper:P", "corruption of each query");
}

CLI::Option* addKernelScaleOption(CLI::App& cmd, std::string& value) {
  return addChoice(cmd, "--kernel-scale", value, {"raw", "row-normalized", "matched"},
                   "rescale the kernel's W (raw also skips the row normalisation)")
      ->default_str("");
}

nlohmann::json summaryJson(const OutcomeSummary& s) {
  nlohmann::json j;
  j["mean_error"] = s.meanError;
  j["correct_fraction"] = s.correctFraction;
  j["wrong_single_fraction"] = s.wrongSingleFraction;
  j["metastable_fraction"] = s.metastableFraction;
  j["support_histogram"] = s.supportHistogram;  // k = 1..9, ≥ 10; diffuse queries in none
  j["diffuse_fraction"] = s.diffuseFraction;    // support 0: every weight ≤ ε
  j["diffuse_count"] = s.diffuseCount;
  return j;
}

void checkLoadW(const ModelConfig& model, const std::string& loadW) {
  if (!loadW.empty() && model.similarity != SimilarityKind::Kernel)
    throw UsageError("--load-w only applies to --similarity kernel (got --similarity " +
                     similarityName(model.similarity) + ")");
}

KernelW kernelW(const ModelConfig& model, const std::string& loadW,
                std::shared_ptr<const Matrix> patterns, const Stage1Config& stage1) {
  KernelW k;
  if (model.similarity != SimilarityKind::Kernel) return k;
  if (!loadW.empty()) {
    k.W = loadFeatureMap(loadW);
    k.source = loadW;
  } else {
    setActivity("running Stage I on " + std::to_string(patterns->cols()) + " memories");
    k.W = asUsage([&] { return trainFeatureMap(patterns, stage1); });
    k.source = "stage1";
  }
  return k;
}

}  // namespace uhop::cli
