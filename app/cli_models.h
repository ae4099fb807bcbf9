// Model-list options shared by `uhop sweep` and `uhop metastable` (core/experiments.h,
// ModelSpec): either --models LIST of short keys, or one model from --similarity/--separation
// (the `uhop retrieve` flags), plus overrides applied to every model in the list:
//   --beta B, --beta-after-separation                    every model
//   --kernel-scale S, --stage1-phi-init/-phi-dim/-loss/-t/-optimizer/-lr/-steps/-seed/-batch
//                                                        every kernel (U-Hop) model
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/cli_options.h"
#include "core/experiments.h"

namespace uhop::cli {

// The default list: mhm,sparse,meanproj,uhop,uhop-ref.
extern const char* const kDefaultModelKeys;

struct ModelListOptions {
  std::string models = kDefaultModelKeys;
  std::string kernelScale;
  ModelOptions model;
  Stage1Options stage1;
  CLI::Option* modelsOption = nullptr;
};
void addModelListOptions(CLI::App& cmd, ModelListOptions& o);
// Throws UsageError on unknown keys, bad values, or --models together with --similarity.
std::vector<ModelSpec> modelList(const ModelListOptions& o);

// One model as JSON: name, key, similarity, separation, beta, and Stage I settings for kernels.
nlohmann::json modelJson(const ModelSpec& spec);

}  // namespace uhop::cli
