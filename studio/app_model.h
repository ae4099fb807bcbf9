// AppModel: everything the studio shows, and the commands that change it (docs/architecture.md,
// "The studio's frame": a panel is view state plus one draw function). Panels read a const
// AppModel and push Commands; the app applies them once per frame with applyCommand() and then
// calls updateModel() to take in what the workers published. No ImGui or OpenGL here, so tests
// drive the whole UI logic without a window.
#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/corruption.h"
#include "core/feature_map.h"
#include "core/hopfield.h"
#include "core/memory_set.h"
#include "core/metrics.h"
#include "core/stage1.h"
#include "studio/feature_view.h"
#include "studio/playground.h"
#include "studio/session.h"
#include "studio/settings.h"
#include "studio/workers/column_model_worker.h"
#include "studio/theory_view.h"
#include "studio/workers/experiment_worker.h"
#include "studio/workers/load_worker.h"
#include "studio/workers/metastable_worker.h"
#include "studio/workers/stage1_worker.h"

namespace uhop::ui {

// ---- state -------------------------------------------------------------------------------

struct MemoryState {
  std::shared_ptr<const MemorySet> set;    // null until the first successful load
  std::shared_ptr<const Matrix> patterns;  // aliases set->patterns (Ξ, d × M)
  SeparationStats raw;  // Δ_μ with ⟨·,·⟩ (docs/method.md §4.2)
  std::string source;   // what the user asked for
  int offset = 0;
  int requestedCount = 64;
  bool grayscale = false;     // colour converted to one channel (luma) when loaded
  int width = 0, height = 0;  // size asked for mixed-size folders; 0 = the first image's
  std::string error;     // last load error; the old memories stay
  uint64_t version = 0;  // bumps on every successful load
  // Loading runs on the load worker (studio/workers/load_worker.h): the set above stays until the
  // new one arrives. loadId is the job awaited (0 = none); `loading` what it asked for.
  uint64_t loadId = 0;
  LoadRequest loading;
  std::shared_ptr<const LoadSnapshot> taken;  // the newest load snapshot taken in
  bool statsReady = false;                    // `raw` belongs to `set`
  int count() const { return set ? set->count() : 0; }
};

struct Stage1State {
  Stage1Config config;                             // the knobs (config.steps = target steps)
  std::shared_ptr<const Stage1Snapshot> snapshot;  // newest seen (null until W is initialised)
  uint64_t generation = 0;                         // of the run the knobs started
  // A loaded session's Stage I plays to its saved step count; then the worker's target goes
  // back to config.steps. -1 = nothing to restore.
  int restoreTarget = -1;
  bool finishedHandled = false;  // "after Stage I" re-run done for this run
  // File ▸ Load W…: Stage I starts from this W (and Reset goes back to it) instead of its init,
  // until other memories load or the init, D_Φ or seed change. Null: W from config.init.
  std::shared_ptr<const Matrix> initialW;
  std::string initialWSource;  // the file it came from
};

// Fair-comparison controls (docs/method.md §7).
struct FairnessState {
  KernelScale kernelScale = KernelScale::RowNormalized;
  bool referenceCompatible = false;
  // What the reference-compatible switch replaced, restored when it is switched off. The switch
  // changes how W is used, never W itself: Stage I and its trained W are kept either way.
  struct Saved {
    bool saved = false;
    bool normalizeRows = true;
    KernelScale kernelScale = KernelScale::RowNormalized;
    Corruption corruption;
  } saved;
};

enum class Side { Baseline = 0, UHop = 1 };
inline int index(Side s) {
  return static_cast<int>(s);
}

struct RetrievalColumn {
  ModelConfig config;  // similarity, separation, β (β mirrors the shared one while linked)
  std::shared_ptr<const HopfieldModel> model;
  std::string modelError;
  int wStep = -1;  // Stage I step of the W the model uses (kernel only, else -1)
  uint64_t wGeneration = 0;
  Vector state;    // x_t
  Vector weights;  // p = sep(β s(Ξ, x_t))
  int steps = 0;
  std::vector<double> energy;  // E(x_0) … E(x_t)
  QueryOutcome outcome;
  bool converged = false;
  uint64_t version = 0;  // bumps whenever state changes (texture cache key)
  // A model too costly for the UI thread (AppModel::syncModelBuildWork) is built on the column's
  // ColumnModelWorker; meanwhile `model` is null, `state` is the query and the panel says
  // "building". buildId is the build awaited (0 = none); a result with another id is dropped.
  uint64_t buildId = 0;
  ColumnBuildTag buildTag;  // what that build is for
  double buildWork = 0;     // its multiply-adds (the panel's time estimate)
  std::chrono::steady_clock::time_point buildStarted;
  // Step and Run pressed while the model builds, carried out when it arrives (steps first).
  int queuedSteps = 0;
  int queuedRunSteps = 0;  // the queued Run's step limit; 0 = no Run queued
  // A Run on a large set (M·d ≥ AppModel::runAtOnceWork) goes on over frames: the steps it may
  // still take.
  int runStepsLeft = 0;
  // Steps queued during a build, on a large set carried out over frames too (before the Run).
  int stepsLeft = 0;
  bool stepping() const { return runStepsLeft > 0 || stepsLeft > 0; }
  bool building() const { return buildId != 0; }
};

struct QueryState {
  int target = 0;
  Corruption corruption{CorruptionKind::Mask, 0.5};
  uint64_t seed = 1;
  Vector corrupted;          // the target after corruption, before painting
  Vector pixels;             // the query: corrupted + painting
  std::vector<Vector> undo;  // pixels before each stroke
  float brushRadius = 1.5f;  // in image pixels
  bool erase = false;
  // What the brush paints, RGB in [0, 1]; on grey images its luma (white = 1, as before).
  std::array<float, 3> brushColor{1.0f, 1.0f, 1.0f};
  uint64_t version = 0;
  static constexpr size_t kMaxUndo = 64;
};

struct MetastableState {
  int steps = 10;  // T
  std::shared_ptr<const MetastableResult> result;
  uint64_t jobId = 0;  // the run whose result is taken (0 = none: older runs' results are not)
  bool pendingAfterStage1 = false;
  bool compareBeforeStage1 = true;  // also run U-Hop with W at its init ("before vs after")
};

// The Experiments tab: the newest snapshot of the sweep under way or done.
struct ExperimentsState {
  std::shared_ptr<const ExperimentSnapshot> snapshot;
  std::string error;       // why the last Start was refused (bad grid, M beyond the loaded set)
  // What the run shown was computed with (data, M, corruption, T, seeds, β), for the caption and
  // the exported figure's title.
  std::string parameters;
};

struct AppModel {
  AppModel();
  ~AppModel();
  AppModel(const AppModel&) = delete;
  AppModel& operator=(const AppModel&) = delete;

  Settings settings;
  std::string settingsMessage;  // shown once in the status bar (corrupt settings file, ...)
  std::string statusMessage;
  MemoryState memories;
  Stage1State stage1;
  FairnessState fairness;
  QueryState query;
  std::array<RetrievalColumn, 2> columns;
  double beta = 1.0;
  bool betaLinked = true;
  MetastableState metastable;
  ExperimentsState experiments;
  FeatureViewState featureView;
  PlaygroundState playground;  // View ▸ Energy playground (studio/playground.h)
  TheoryViewState theoryView;
  // Window PNGs asked for and not yet written (F12; Shift+F12 re-renders at twice the
  // resolution): counts, so that every press writes its file.
  int screenshotsRequested = 0;
  int screenshots2xRequested = 0;
  bool quitRequested = false;
  bool themeOrScaleChanged = false;

  std::unique_ptr<LoadWorker> loadWorker;
  std::unique_ptr<Stage1Worker> stage1Worker;
  std::unique_ptr<MetastableWorker> metastableWorker;
  std::unique_ptr<ExperimentWorker> experimentWorker;
  std::array<std::unique_ptr<ColumnModelWorker>, 2> columnWorkers;  // one per Side
  // Column models costing at least this many multiply-adds (modelBuildWork) are built on the
  // column's worker, cheaper ones at once on the UI thread. Tests set 0 to force the worker.
  double syncModelBuildWork = kSyncModelBuildWork;
  // A Stage II step costs a few passes over the M × d score matrix and Ξ on the UI thread (~60 ms
  // at M = 60,000, d = 784). Below runAtOnceWork = M·d a Run takes all its steps at once (200
  // steps at M = 500: a few ms in all); from it on, a Run goes on over frames, stepping for at most
  // runFrameBudget per frame (at least one step), so the window keeps drawing and Reset stops it.
  // Tests set both to 0: one step per frame on any set.
  double runAtOnceWork = 1e6;
  std::chrono::nanoseconds runFrameBudget = std::chrono::milliseconds(8);

  const RetrievalColumn& column(Side s) const { return columns[index(s)]; }
  RetrievalColumn& column(Side s) { return columns[index(s)]; }
  bool stage1Playing() const { return stage1Worker->playing(); }
  bool loading() const { return memories.loadId != 0; }
  bool columnsBuilding() const { return columns[0].building() || columns[1].building(); }
  // A column building its model or running to convergence over frames (scripts wait for both).
  bool columnsBusy() const {
    return columnsBuilding() || columns[0].stepping() || columns[1].stepping();
  }
  // The U-Hop feature map the current settings give for a Stage I snapshot's W (fair-comparison
  // scale applied; rows normalised first when Stage I says so). Null when there is no W yet.
  std::shared_ptr<const Matrix> scaledFeatureMap(const Stage1Snapshot* snapshot) const;
};

// ---- commands ------------------------------------------------------------------------------

// Starts loading on the load worker; the memories already loaded stay until the new set has
// been read (updateModel installs it), and stay for good if the load fails. The load's
// warnings (files skipped, fewer than M, resized) are the loaded set's MemorySet::warnings.
struct LoadMemories {
  std::string source;
  int count = 64;
  int offset = 0;
  bool grayscale = false;     // LoadOptions::grayscale: false keeps colour (d = w·h·3)
  int width = 0, height = 0;  // LoadOptions::width/height: mixed-size folders; 0 = first image
};
// Drops the load under way (reading or statistics); what is installed stays.
struct CancelLoad {};
struct SelectTarget {
  int index = 0;
};
struct SetCorruption {
  Corruption corruption;
  uint64_t seed = 1;
};
// A brush stroke segment from (x0, y0) to (x1, y1) in image pixel coordinates; `begin` starts a
// new stroke (one undo step).
struct PaintStroke {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool begin = false;
  float value = -1;  // the pixel value painted, 0..1; negative: the brush's (1, or 0 erasing)
};
struct SetBrush {
  float radius = 1.5f;
  bool erase = false;
  std::array<float, 3> color{1.0f, 1.0f, 1.0f};  // RGB, each clamped to [0, 1]
};
struct UndoPaint {};
struct ClearPaint {};
struct SetStage1Config {
  Stage1Config config;
};
struct Stage1Play {};
struct Stage1Pause {};
struct Stage1TogglePlay {};
struct Stage1Step {};
struct Stage1Reset {};
struct SetColumnConfig {
  Side side = Side::Baseline;
  ModelConfig config;
};
struct SetBeta {
  Side side = Side::Baseline;
  double beta = 1;
};
struct SetBetaLinked {
  bool linked = true;
};
// Retrieval transport; an empty `side` acts on both columns. Step and Run pressed while a
// column's model builds on its worker are queued and carried out when it arrives; Reset drops them.
struct StepRetrieval {
  std::optional<Side> side;
};
struct RunRetrieval {
  std::optional<Side> side;
  int maxSteps = 200;
};
struct ResetRetrieval {
  std::optional<Side> side;
};
struct SetKernelScale {
  KernelScale scale = KernelScale::RowNormalized;
};
struct SetReferenceCompatible {
  bool on = false;
};
struct RunMetastable {};
struct SetMetastableSteps {
  int steps = 10;
};
// Starts a sweep over the loaded memories (cancelling one under way). The grid is the panel's
// text (empty = the default grid fitted to the loaded M); models are indices into
// defaultModels() (empty = all). Capacity, Stage I and β sweeps corrupt the queries with the
// Experiments tab's own corruption (not the Stage II query's); the noise sweep uses noise:σ. A bad
// grid, or M beyond the loaded memories, sets experiments.error and starts nothing.
struct StartExperiment {
  SweepKind kind = SweepKind::Capacity;
  std::string grid;
  std::vector<int> models;
  int seeds = 3;
  int memories = 0;  // M of the noise / Stage I / β sweeps; 0 = min(100, loaded M)
  int steps = 1;     // retrieval steps T
  Corruption corruption{CorruptionKind::Mask, 0.5};  // the paper's half-masked queries
  uint64_t firstSeed = 0;
  int threads = 0;  // pool threads; 0 = hardware concurrency − 1
};
struct CancelExperiment {};
// File → Save session… / Load session…: the outcome goes to statusMessage. A session that fails
// to parse, names data that cannot be loaded or a target / edit outside the data changes nothing.
struct SaveSession {
  std::string path;
};
struct LoadSession {
  std::string path;
};
// File ▸ Load W… / Save W…: a W file of `uhop stage1 --save-w` (the project's format, or .npy of
// shape (D_Φ, d)). Loading makes it Stage I's W (the run restarts from it, U-Hop uses it at once);
// a file that cannot be read or does not fit the memories changes nothing. Saving writes the
// current Stage I W, rows normalised when Stage I says so (as `uhop stage1 --save-w`). The
// outcome goes to statusMessage.
struct LoadW {
  std::string path;
};
struct SaveW {
  std::string path;
};
// View ▸ Reset to defaults: every setting back to its default and applied (the loaded data and
// the recent list stay); the reference-compatible mode is switched off first.
struct ResetSettings {};
struct SetMetastableCompare {
  bool beforeAfter = true;
};
struct SetTheme {
  Theme theme = Theme::Dark;
};
struct SetUiScale {
  float scale = 1;  // 0 = follow the monitor's content scale; else clamped to [0.5, 4]
};
struct RequestScreenshot {
  bool doubleResolution = false;
};
// File ▸ Export folder…: where exports without an explicit path go ("" = the default, see
// studio/export_paths.h); persisted with the settings.
struct SetExportFolder {
  std::string folder;
};
struct Quit {};
// The Feature space view is on screen (its panel pushes this when that changes): only then does
// the model lay out the memories again as W changes.
struct SetFeatureViewShown {
  bool shown = false;
};
struct ToggleFeatureView {};
// The Theory window is on screen (View ▸ Theory, F7): while it is, the model computes the theory
// of every memory whatever M (studio/theory_view.h).
struct SetTheoryViewShown {
  bool shown = false;
};
struct ToggleTheoryView {};

using Command =
    std::variant<LoadMemories, CancelLoad, SelectTarget, SetCorruption, PaintStroke, SetBrush,
                 UndoPaint, ClearPaint, SetStage1Config, Stage1Play, Stage1Pause, Stage1TogglePlay,
                 Stage1Step, Stage1Reset, SetColumnConfig, SetBeta, SetBetaLinked, StepRetrieval,
                 RunRetrieval, ResetRetrieval, SetKernelScale, SetReferenceCompatible,
                 RunMetastable, SetMetastableSteps, StartExperiment, CancelExperiment, SaveSession,
                 LoadSession, SetMetastableCompare, SetTheme, SetUiScale, RequestScreenshot, Quit,
                 LoadW, SaveW, ResetSettings, SetFeatureViewShown, ToggleFeatureView,
                 SetExportFolder, PlaygroundCommand, SetTheoryViewShown, ToggleTheoryView>;

using Commands = std::vector<Command>;

void applyCommand(AppModel& model, const Command& command);
void applyCommands(AppModel& model, Commands& commands);  // applies in order, then clears

// Once per frame: takes in the workers' newest results (never waits) and reacts to them
// (Stage I finished → metastable re-run).
void updateModel(AppModel& model);

// Tests and scripts only (the UI never waits): calls updateModel until the load under way, its
// statistics, the Stage I initialisation of the new set and the columns' models built on their
// workers are taken in. False on timeout.
bool waitForLoad(AppModel& model, std::chrono::milliseconds timeout = std::chrono::seconds(60));

// The sweep configuration StartExperiment asks for, checked against the loaded memories.
// Throws ConfigError with a message for the user (shown inline in the Experiments tab).
SweepConfig experimentConfig(const AppModel& model, const StartExperiment& start);

// Session ↔ model. applySession checks the session against its data before changing anything
// and throws ConfigError (model unchanged) on a problem; on success the data is reloaded, every
// setting applied, Stage I re-run from its seed to the saved step count and the query rebuilt
// with the saved edits.
Session captureSession(const AppModel& model);
void applySession(AppModel& model, const Session& session);

// Settings ↔ model.
void applySettings(AppModel& model, const Settings& settings);
Settings currentSettings(const AppModel& model);

// Convergence test of Run-to-convergence: max |x_{t+1} − x_t| below this.
constexpr double kConvergenceTolerance = 1e-5;

}  // namespace uhop::ui
