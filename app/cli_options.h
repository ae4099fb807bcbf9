// Option groups shared by the `uhop` subcommands: data source, Stage I, Stage II model.
// Names are a contract (issue #2): --data --memories --offset; --phi-init --seed --loss --t
// --optimizer --lr --steps --normalize-rows (prefixed "stage1-" inside `retrieve`); --similarity
// --separation --beta --steps --corrupt --seed --load-w.
#pragma once

#include <memory>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "app/cli_args.h"
#include "core/hopfield.h"
#include "core/memory_set.h"
#include "core/metrics.h"
#include "core/stage1.h"

namespace uhop::cli {

void addDataFlags(std::set<std::string>& values);
// Loads the memories named by --data (default builtin), --memories, --offset.
std::shared_ptr<const MemorySet> loadMemories(const Args& args);

// Stage I flags with an optional prefix ("" for `uhop stage1`, "stage1-" inside `retrieve`).
void addStage1Flags(std::set<std::string>& values, std::set<std::string>& switches, const std::string& prefix);
Stage1Config stage1Config(const Args& args, const std::string& prefix, bool normalizeByDefault);

void addModelFlags(std::set<std::string>& values, std::set<std::string>& switches);
ModelConfig modelConfig(const Args& args);

// The outcome fractions and support histogram as the CLI's JSON names them (issue #2 contract):
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
