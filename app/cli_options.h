// Option groups shared by the `uhop` subcommands: data source, Stage I, Stage II model.
// Names are a contract: --data --memories --offset --memory-budget --grayscale --strict
// --image-size; --phi-init --phi-dim --seed
// --loss --t --optimizer --lr --steps --batch --normalize-rows (prefixed "stage1-" inside
// `retrieve`, `sweep` and `metastable`); --similarity --separation --beta --beta-after-separation.
// Each group binds CLI11 options to a struct of plain values; the struct turns into core's config.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/cli_validators.h"
#include "core/datasets.h"
#include "core/hopfield.h"
#include "core/memory_set.h"
#include "core/metrics.h"
#include "core/stage1.h"

namespace uhop::cli {

struct DataOptions {
  std::string data = "builtin";
  int memories = 100;
  int offset = 0;
  int memoryBudgetMib = static_cast<int>(kDefaultMemoryBudgetBytes >> 20);
  bool grayscale = false;
  bool strict = false;
  std::string imageSize;  // "WxH", or "" for the first image's size
  CLI::Option* memoriesOption = nullptr;

  // Offset, budget, grayscale, strict and image size; count is the caller's.
  LoadOptions loadOptions() const;
};
// --data, --memories (minMemories..1000000; `memoriesHelp` says what the default is), --offset,
// --memory-budget, --grayscale, --strict, --image-size.
void addDataOptions(CLI::App& cmd, DataOptions& o, int minMemories,
                    const std::string& memoriesHelp);
// The memories named by --data, --memories and --offset. Without --memories: the whole built-in
// set, or the first 100 of any other source (tens of thousands would be a surprise), unless
// `allByDefault` (then everything from the offset on).
std::shared_ptr<const MemorySet> loadMemories(const DataOptions& o, bool allByDefault = false);
// Prints what the load skipped or changed (MemorySet::warnings) to stderr, one
// "uhop: warning: ..." line each.
void printLoadWarnings(const MemorySet& set);
// "WxH" (each 1..4096) as width and height; throws ConfigError naming --image-size otherwise.
std::pair<int, int> parseImageSize(const std::string& text);

struct Stage1Options {
  std::string prefix;
  std::string phiInit = "identity";
  int phiDim = 0;
  std::string loss = "avg";
  double t = 2.0;
  std::string optimizer = optimizerName(Stage1Config{}.optimizer);
  double lr = 0.0;
  int steps = 100;
  int batch = 0;
  uint64_t seed = 0;
  bool normalizeRows = false;
  std::map<std::string, CLI::Option*> options;  // by name without prefix

  bool has(const std::string& name) const;  // given on the command line
};
// The Stage I options with a prefix ("" for `uhop stage1`, "stage1-" elsewhere). `withSeed`
// adds --<prefix>seed (`uhop stage1` has its --seed elsewhere in the list, same meaning).
void addStage1Options(CLI::App& cmd, Stage1Options& o, const std::string& prefix, bool withSeed);
Stage1Config stage1Config(const Stage1Options& o, bool normalizeByDefault);

// --load-w only exists for the kernel similarity: silently dropping the file would make a
// dot-product run look like a U-Hop one. Throws UsageError (before any data is read).
void checkLoadW(const ModelConfig& model, const std::string& loadW);

// The kernel's W of one run: read from --load-w, or learned by Stage I on the memories. Empty
// (source "") for the other similarities; source is the file or "stage1".
struct KernelW {
  Matrix W;
  std::string source;
};
KernelW kernelW(const ModelConfig& model, const std::string& loadW,
                std::shared_ptr<const Matrix> patterns, const Stage1Config& stage1);

struct ModelOptions {
  std::string similarity = "dot";
  std::string separation = "softmax";
  double beta = 1.0;
  bool betaAfterSeparation = false;
  CLI::Option *similarityOption = nullptr, *separationOption = nullptr, *betaOption = nullptr;
};
void addModelOptions(CLI::App& cmd, ModelOptions& o);
ModelConfig modelConfig(const ModelOptions& o);

// --corrupt SPEC with core's parser as validator.
CLI::Option* addCorruptOption(CLI::App& cmd, std::string& value);
// --kernel-scale raw|row-normalized|matched.
CLI::Option* addKernelScaleOption(CLI::App& cmd, std::string& value);

// The outcome fractions and support histogram as the CLI's JSON names them:
// mean_error, correct_fraction, wrong_single_fraction, metastable_fraction, support_histogram,
// diffuse_fraction.
nlohmann::json summaryJson(const OutcomeSummary& summary);

// UsageError for ConfigError thrown while interpreting a flag value.
template <typename F>
auto asUsage(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const ConfigError& e) {
    throw UsageError(e.what());
  }
}

}  // namespace uhop::cli
