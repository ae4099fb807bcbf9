// `uhop info`: what a data source holds before anything runs on it: how many memories, their
// image shape, whether labels came with them, and the bytes the memories take in RAM (float32,
// d · M · 4), so a user can size --memories and --memory-budget.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli_commands.h"
#include "app/cli_options.h"

namespace uhop::cli {

namespace {

struct InfoArgs {
  DataOptions data;
  bool json = false;
};

int runInfo(const InfoArgs& args) {
  auto memories = loadMemories(args.data, true);
  const auto bytes = static_cast<unsigned long long>(memories->patterns.size()) * sizeof(float);
  const bool labels = !memories->labels.empty();
  if (args.json) {
    nlohmann::json out;
    out["count"] = memories->count();
    out["width"] = memories->shape.width;
    out["height"] = memories->shape.height;
    out["channels"] = memories->shape.channels;
    out["labels"] = labels;
    out["bytes"] = bytes;
    out["source"] = memories->source;
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("source    %s\n", memories->source.c_str());
  std::printf("count     %d\n", memories->count());
  std::printf("shape     %d x %d x %d (width x height x channels)\n", memories->shape.width,
              memories->shape.height, memories->shape.channels);
  std::printf("labels    %s\n", labels ? "yes" : "no");
  std::printf("bytes     %llu (%.1f MiB as float32)\n", bytes, bytes / 1048576.0);
  return 0;
}

}  // namespace

Command addInfoCommand(CLI::App& root) {
  auto args = std::make_shared<InfoArgs>();
  CLI::App* cmd =
      root.add_subcommand("info", "count, image shape, labels and size in memory of a data source");
  addDataOptions(*cmd, args->data, 1, "number of memories (default: all from --offset on)");
  cmd->add_flag("--json", args->json,
                "JSON with count, width, height, channels, labels, bytes, source");
  return {cmd, [args] { return runInfo(*args); }};
}

}  // namespace uhop::cli
