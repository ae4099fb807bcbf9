// Sessions: everything needed to reproduce a
// view — data source, M, offset, every Stage I setting and how many steps were taken, both
// models, the fair-comparison switches, corruption + seed, target, painted query edits and the
// metastable T — as JSON. No ImGui here: the pure (de)serialisation is tested without a window;
// ui/app_model.* captures a Session from the model and applies one (SaveSession / LoadSession).
//
// Format (version 1):
//   {"format": "uhop-studio-session", "version": 1,
//    "data": {"source": "builtin", "count": 64, "offset": 0},
//    "stage1": {"feature_dim": 0, "init": "identity", "seed": 0, "loss": "avg", "loss_t": 2,
//               "optimizer": "default", "learning_rate": 0, "steps": 100, "steps_done": 100,
//               "normalize_rows": true, "batch_size": -1},  // -1 auto, 0 full, else B
//    "models": [{"similarity": "dot", "separation": "softmax", "beta": 1,
//                "beta_after_separation": false}, {... U-Hop ...}],
//    "beta": 1, "beta_linked": true, "kernel_scale": "row-normalized",
//    "reference_compatible": false,
//    "query": {"target": 0, "corruption": "mask:0.5", "seed": 1,
//              "edits": [[index, value], ...]},   // pixels that differ from the corrupted target
//    "metastable": {"steps": 10}}
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/corruption.h"
#include "core/feature_map.h"
#include "core/hopfield.h"
#include "core/stage1.h"

namespace uhop::ui {

struct Session {
  std::string source = "builtin";
  int count = 64;
  int offset = 0;
  bool grayscale = false;     // data.grayscale (optional in the file: older sessions are colour)
  int width = 0, height = 0;  // data.image_size [w, h] for mixed-size folders (optional; 0 = first)
  Stage1Config stage1;
  int stage1StepsDone = 0;
  std::array<ModelConfig, 2> models;  // baseline, U-Hop
  double beta = 1;
  bool betaLinked = true;
  KernelScale kernelScale = KernelScale::RowNormalized;
  bool referenceCompatible = false;
  int target = 0;
  Corruption corruption{CorruptionKind::Mask, 0.5};
  uint64_t querySeed = 1;
  std::vector<std::pair<int, float>> queryEdits;  // (pixel index, value), ascending index
  int metastableSteps = 10;
};

bool operator==(const Session& a, const Session& b);

std::string sessionToJson(const Session& session);
// Parses and range-checks everything; throws ConfigError with a message naming the field
// ("session: stage1.steps must be an integer in 0..100000, got -3") on any problem.
Session parseSession(const std::string& text);

// Reads and parses `path` (ConfigError naming the file when it cannot be read or is malformed).
Session loadSessionFile(const std::string& path);
// Writes atomically (temp file + rename), creating the directory. Throws on failure.
void saveSessionFile(const std::string& path, const Session& session);

// $XDG_CONFIG_HOME/uhop-studio/sessions/session-N.json with the first free N (the current
// directory when the config directory cannot be created).
std::string defaultSessionPath();

}  // namespace uhop::ui
