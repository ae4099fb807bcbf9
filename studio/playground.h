// The studio's energy playground (View ▸ Energy playground; docs/method.md §9): a few memories as
// points in the plane, the baseline's and U-Hop's energy landscapes and basins on a grid
// (computed by studio/workers/playground_worker.h while the window is shown), the trajectory of one
// query, and Stage I learning the kernel's W ∈ R^{D_Φ×2} on the points while the landscape
// follows. State and commands only; the window is ui/panels/playground_panel.h.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/landscape.h"
#include "core/stage1.h"
#include "studio/workers/playground_worker.h"

namespace uhop::ui {

struct AppModel;

inline constexpr int kPlaygroundDefaultGrid = 256;
// Stage I steps taken per frame (updateModel) while it plays: a step on ≤ 64 points in the plane
// costs microseconds, so it runs on the UI thread; one step a frame lets the eye follow the basins.
inline constexpr int kPlaygroundStage1StepsPerFrame = 1;
// While the points or W keep changing (a drag, Stage I playing) the maps are computed on a grid of
// at most this many points a side, about 4× cheaper than 256², and the full grid follows as soon
// as the state holds still.
inline constexpr int kPlaygroundPreviewGrid = 128;

// The trajectory of the query under one model: x_0 … x_T and E(x_0) … E(x_T).
struct PlaygroundTrajectory {
  std::vector<std::array<double, 2>> states;
  std::vector<double> energy;  // NaN entries when the model has no energy
  std::string error;
};

struct PlaygroundState {
  PlaygroundState();
  ~PlaygroundState();
  PlaygroundState(const PlaygroundState&) = delete;
  PlaygroundState& operator=(const PlaygroundState&) = delete;

  bool shown = false;
  std::shared_ptr<const Matrix> points;  // 2 × M, 1 ≤ M ≤ kLandscapeMaxMemories
  std::string preset = "pairs";          // the last preset chosen (edits keep the name)
  // The baseline's similarity (dot or l2 = −L2); U-Hop is the kernel. Separation, β and T are
  // shared by both so the two maps differ only by the similarity.
  SimilarityKind baselineSimilarity = SimilarityKind::Dot;
  Separation separation = Separation::softmax();
  double beta = 15;  // as `uhop landscape`: the ring splits into basins, close pairs do not
  int steps = 5;     // T
  Stage1Config stage1;
  bool basins = false;      // the maps show basins instead of energy
  bool showBefore = false;  // U-Hop with W before Stage I (W₀) instead of the current W
  int grid = kPlaygroundDefaultGrid;
  LandscapeRange range;

  // Stage I on the points: restarted whenever the points or its knobs change.
  std::unique_ptr<Stage1> run;
  std::string stage1Error;  // e.g. a single point (nothing to separate)
  bool playing = false;
  int pendingSteps = 0;                   // single steps asked for and not yet taken
  std::shared_ptr<const Matrix> wBefore;  // kernel W before Stage I (rows normalised)
  std::shared_ptr<const Matrix> wAfter;   // kernel W at the current step (rows normalised)

  std::optional<std::array<double, 2>> query;
  std::array<PlaygroundTrajectory, 2> trajectories;  // [0] baseline, [1] U-Hop

  std::string message;      // the last refusal (a 65th point, deleting the last one)
  uint64_t version = 1;     // bumps whenever what the maps show changes
  uint64_t jobVersion = 0;  // of the last job started
  int jobGrid = 0;          // and its grid
  bool moving = false;      // the state changed while a job ran: preview grids until it holds still
  uint64_t trajectoryVersion = 0;  // version the trajectories were computed for
  std::shared_ptr<const PlaygroundResult> result;
  std::unique_ptr<PlaygroundWorker> worker;

  int count() const { return points ? static_cast<int>(points->cols()) : 0; }
  // The model config of one map: 0 = baseline, 1 = U-Hop (kernel).
  ModelConfig config(int side) const;
  // The W U-Hop uses now (before or after Stage I, per showBefore); null when none.
  std::shared_ptr<const Matrix> kernelW() const;
  // The newest result is of the current state and nothing is queued or playing.
  bool idle() const;
};

// ---- commands (one Command entry, PlaygroundCommand, holds one of these) -----------------------

struct PlaygroundShow {
  bool shown = true;
};
struct PlaygroundToggle {};
struct PlaygroundAddPoint {
  double x = 0, y = 0;
};
struct PlaygroundMovePoint {
  int index = 0;
  double x = 0, y = 0;
};
struct PlaygroundDeletePoint {
  int index = 0;
};
struct PlaygroundPreset {
  std::string name;
  uint64_t seed = 0;  // random12 only
};
// Knobs left empty keep their value.
struct PlaygroundSet {
  std::optional<SimilarityKind> similarity;  // the baseline's: dot or l2
  std::optional<Separation> separation;
  std::optional<double> beta;
  std::optional<int> steps;  // T
  std::optional<OptimizerKind> optimizer;
  std::optional<double> t;         // the separation loss's t
  std::optional<int> stage1Steps;  // Stage I's target step count
  std::optional<int> featureDim;   // D_Φ
  std::optional<int> grid;         // N of the N × N grid
  std::optional<bool> basins;      // basins view instead of energy
  std::optional<bool> before;      // U-Hop before Stage I
};
struct PlaygroundStage1 {
  enum class Op { Play, Pause, Step, Reset } op = Op::Play;
  int count = 1;  // steps of Op::Step
};
// Sets (or with no point, clears) the query whose trajectory is drawn.
struct PlaygroundQuery {
  std::optional<std::array<double, 2>> point;
};

using PlaygroundAction = std::variant<PlaygroundShow, PlaygroundToggle, PlaygroundAddPoint,
                                      PlaygroundMovePoint, PlaygroundDeletePoint, PlaygroundPreset,
                                      PlaygroundSet, PlaygroundStage1, PlaygroundQuery>;
struct PlaygroundCommand {
  PlaygroundAction action;
};

// applyCommand's share: a refused action (a 65th point, a bad knob) changes nothing and says why
// in state.message.
void applyPlayground(PlaygroundState& state, const PlaygroundCommand& command);
// updateModel's share: Stage I steps, the trajectories, taking in the worker's newest result and
// starting a job when the window is shown and the state changed.
void updatePlayground(PlaygroundState& state);

// The trajectory of `query` under `model` for T steps (evaluate, then T × advance).
PlaygroundTrajectory playgroundTrajectory(const HopfieldModel& model, double x, double y,
                                          int steps);

// A script's `playground ...` words (after the verb) as a command; ConfigError naming the
// problem. `playground show|hide|toggle`, `playground preset NAME [seed=S]`,
// `playground point X Y`, `playground move INDEX X Y`, `playground delete INDEX`,
// `playground query X Y|off`, `playground set KEY=VALUE...`,
// `playground stage1 play|pause|step [N]|reset`.
PlaygroundCommand parsePlaygroundLine(const std::vector<std::string>& words);

}  // namespace uhop::ui
