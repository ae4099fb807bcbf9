#include "studio/app_model.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "core/datasets.h"
#include "core/omp_threads.h"
#include "core/random.h"
#include "plot/sweep_plot.h"
#include "studio/overloaded.h"

namespace uhop::ui {

AppModel::AppModel()
    : loadWorker(std::make_unique<LoadWorker>()),
      stage1Worker(std::make_unique<Stage1Worker>()),
      metastableWorker(std::make_unique<MetastableWorker>()),
      experimentWorker(std::make_unique<ExperimentWorker>()),
      columnWorkers{std::make_unique<ColumnModelWorker>(), std::make_unique<ColumnModelWorker>()} {
  columns[0].config = ModelConfig{SimilarityKind::Dot, Separation::softmax(), beta, false};
  columns[1].config = ModelConfig{SimilarityKind::Kernel, Separation::softmax(), beta, false};
  stage1.config.batchSize = kStage1BatchAuto;
}

AppModel::~AppModel() {
  // Workers join their threads in their destructors; stop work first so that is prompt.
  loadWorker->cancel();
  stage1Worker->pause();
  metastableWorker->cancel();
  experimentWorker->cancel();
}

std::shared_ptr<const Matrix> AppModel::scaledFeatureMap(const Stage1Snapshot* snapshot) const {
  if (!snapshot || !snapshot->W || snapshot->W->size() == 0) return nullptr;
  return std::make_shared<const Matrix>(
      kernelFeatureMap(*snapshot->W, stage1.config.normalizeRows, fairness.kernelScale));
}

// ---- Stage II columns ----------------------------------------------------------------------

static bool usesKernel(const ModelConfig& c) {
  return c.similarity == SimilarityKind::Kernel;
}

// Takes in a core RetrievalStep of the column's single query: x_t, its weights and (when the
// step computed it) E(x_t), and the outcome of x_t, all from the step's one similarity product.
static void showStep(const AppModel& model, RetrievalColumn& col, const RetrievalStep& step) {
  col.state = step.state.col(0);
  col.weights = step.weights.col(0);
  if (step.energy.size() > 0) col.energy.push_back(step.energy(0));
  col.outcome = assessQuery(step.state, step.weights, *model.memories.patterns, 0,
                            model.query.target, col.model->config().separation);
}

// Whether the column retrieves with a kernel of W from the current Stage I run whose step is
// older than the newest: while Stage I plays, a column keeps such a W until its next Step, Run or
// Reset (or until Stage I stops), so a trajectory keeps one W and no snapshot starts a rebuild.
static bool sameRunOlderStep(const AppModel& model, const RetrievalColumn& col,
                             const Stage1Snapshot& snap) {
  return col.wGeneration == snap.generation && col.wStep != snap.stepsDone && model.stage1Playing();
}

// (Re)builds the column's HopfieldModel when its inputs changed. A kernel model uses the newest
// Stage I W (`newestW`, or whenever Stage I is not playing; otherwise a W of the same run that the
// column already has or is building stays). Building costs a D·d·M product: below
// model.syncModelBuildWork multiply-adds it happens here, otherwise on the column's worker
// (updateModel takes the result in), and never per frame.
static void ensureModel(AppModel& model, RetrievalColumn& col, bool newestW) {
  col.modelError.clear();
  if (!model.memories.patterns) {
    col.model.reset();
    col.buildId = 0;
    col.modelError = "no memories loaded";
    return;
  }
  const bool kernel = usesKernel(col.config);
  const Stage1Snapshot* snap = model.stage1.snapshot.get();
  if (kernel && (!snap || !snap->W)) {
    col.model.reset();
    col.buildId = 0;
    col.modelError = "waiting for Stage I to initialise W";
    return;
  }
  // The score operator (for the kernel ΞᵀWᵀW) depends only on Ξ, the similarity and W: while
  // they stay, a change of β, separation or β convention (dragging the β slider) takes a model
  // that shares it, and nothing at all changed keeps the model.
  if (col.model && &col.model->similarity().memories() == model.memories.patterns.get() &&
      col.model->config().similarity == col.config.similarity &&
      (!kernel || (col.wGeneration == snap->generation && col.wStep == snap->stepsDone) ||
       (!newestW && sameRunOlderStep(model, col, *snap)))) {
    col.buildId = 0;
    const ModelConfig& had = col.model->config();
    if (had.separation == col.config.separation && had.beta == col.config.beta &&
        had.betaAfterSeparation == col.config.betaAfterSeparation)
      return;
    try {
      col.model = std::make_shared<const HopfieldModel>(col.model->withConfig(col.config));
    } catch (const std::exception& e) {
      col.model.reset();
      col.modelError = e.what();
    }
    return;
  }
  const ColumnBuildTag want{model.memories.version, col.config.similarity,
                            kernel ? snap->generation : 0, kernel ? snap->stepsDone : -1};
  if (col.building()) {
    // The build under way is what is wanted, or (Stage I playing) a W of the same run: it stays;
    // β and the separation are applied to it when it arrives (takeColumnBuild).
    const ColumnBuildTag& b = col.buildTag;
    if (b == want) return;
    if (kernel && model.stage1Playing() && b.memoriesVersion == want.memoriesVersion &&
        b.similarity == want.similarity && b.wGeneration == want.wGeneration)
      return;
  }
  col.buildId = 0;
  try {
    std::shared_ptr<const Matrix> W = kernel ? model.scaledFeatureMap(snap) : nullptr;
    const Matrix& xi = *model.memories.patterns;
    const double work =
        modelBuildWork(col.config.similarity, xi.rows(), xi.cols(), W ? W->rows() : 0);
    if (work >= model.syncModelBuildWork) {
      ColumnModelJob job;
      job.tag = want;
      job.patterns = model.memories.patterns;
      job.config = col.config;
      job.featureMap = W;
      job.work = work;
      col.buildTag = want;
      col.buildWork = work;
      col.buildStarted = std::chrono::steady_clock::now();
      col.model.reset();  // not shown as this column's result meanwhile (and its memory freed)
      col.buildId = model.columnWorkers[static_cast<size_t>(&col - model.columns.data())]->start(
          std::move(job));
      return;
    }
    // The UI thread otherwise runs one OpenMP thread (runStudio); for this it takes every core,
    // and the workers, at lower priority, yield them. The column worker builds with the same
    // count, so a model has the same bits whichever thread built it.
    OmpThreadsScope allCores(static_cast<int>(std::thread::hardware_concurrency()));
    col.model = std::make_shared<const HopfieldModel>(model.memories.patterns, col.config, W.get());
    col.wStep = kernel ? snap->stepsDone : -1;
    col.wGeneration = kernel ? snap->generation : 0;
  } catch (const std::exception& e) {
    col.model.reset();
    col.modelError = e.what();
  }
}

static void invalidateModels(AppModel& model) {
  for (auto& col : model.columns) {
    col.model.reset();
    col.buildId = 0;  // a build under way is for the old inputs: its result is dropped
  }
}

// The column back at x₀ = the query with its current model (none while it builds: the state
// is the query and no weights are shown).
static void restartTrajectory(const AppModel& model, RetrievalColumn& col) {
  col.runStepsLeft = col.stepsLeft = 0;  // a Run under way ends with its trajectory
  col.steps = 0;
  col.energy.clear();
  col.converged = false;
  col.outcome = QueryOutcome{};
  col.weights.resize(0);
  ++col.version;
  if (!col.model || model.query.pixels.size() == 0) {
    col.state = model.query.pixels;
    return;
  }
  showStep(model, col, col.model->evaluate(Matrix(model.query.pixels)));
}

static void resetColumn(AppModel& model, RetrievalColumn& col, bool newestW = false) {
  ensureModel(model, col, newestW);
  restartTrajectory(model, col);
}

// Whether a transport command for `side` (empty = both columns) acts on column `s`.
static bool actsOn(const std::optional<Side>& side, int s) {
  return !side || index(*side) == s;
}

static void resetColumns(AppModel& model, std::optional<Side> side = std::nullopt,
                         bool newestW = false) {
  for (int s = 0; s < 2; ++s)
    if (actsOn(side, s)) resetColumn(model, model.columns[s], newestW);
}

// A new query: Steps and a Run queued for the old one while a model builds are dropped.
static void resetColumnsForNewQuery(AppModel& model) {
  for (auto& col : model.columns) col.queuedSteps = col.queuedRunSteps = 0;
  resetColumns(model);
}

// True when a kernel column retrieves with an older W than Stage I's newest. A trajectory keeps
// one W (so its energy stays one function); the column goes back to the query when it takes the
// newest W, so a Step or Run never continues with a W that training has left behind.
static bool usesOlderW(const AppModel& model, const RetrievalColumn& col) {
  if (!col.model || !usesKernel(col.config)) return false;
  const Stage1Snapshot* snap = model.stage1.snapshot.get();
  return snap && snap->W && (col.wGeneration != snap->generation || col.wStep != snap->stepsDone);
}

// The same for a kernel model still building.
static bool buildsOlderW(const AppModel& model, const RetrievalColumn& col) {
  if (!col.building() || !usesKernel(col.config)) return false;
  const Stage1Snapshot* snap = model.stage1.snapshot.get();
  return snap && snap->W &&
         (col.buildTag.wGeneration != snap->generation || col.buildTag.wStep != snap->stepsDone);
}

// One retrieval step x ← Ξ sep(β s(Ξ, x)) with the column's model; returns max |Δx|.
static double advanceColumn(const AppModel& model, RetrievalColumn& col) {
  if (!col.model || col.state.size() == 0) return 0;
  // The column holds x_t with P_t = sep(β s(Ξ, x_t)) of its model (restartTrajectory made them),
  // so core's advance() takes it to x_{t+1} with P_{t+1} and E(x_{t+1}) for one similarity
  // product.
  RetrievalStep current{Matrix(col.state), Matrix(col.weights), {}};
  col.model->advance(current, true);
  const double delta = (current.state.col(0) - col.state).cwiseAbs().maxCoeff();
  ++col.steps;
  showStep(model, col, current);
  col.converged = delta < kConvergenceTolerance;
  ++col.version;
  return delta;
}

// The steps under way over frames (queued Steps first, then the Run) that fit this frame (at
// least one).
static void continueRun(const AppModel& model, RetrievalColumn& col) {
  const auto start = std::chrono::steady_clock::now();
  while (col.model && (col.stepsLeft > 0 || (col.runStepsLeft > 0 && !col.converged))) {
    advanceColumn(model, col);
    --(col.stepsLeft > 0 ? col.stepsLeft : col.runStepsLeft);
    if (std::chrono::steady_clock::now() - start >= model.runFrameBudget) break;
  }
  if (!col.model) col.stepsLeft = 0;
  if (!col.model || (col.stepsLeft == 0 && col.converged)) col.runStepsLeft = 0;
}

// Run to convergence: at most maxSteps steps with the column's model, at once on a small set,
// over frames on a large one (updateModel goes on with it).
static void runColumn(const AppModel& model, RetrievalColumn& col, int maxSteps) {
  if (!col.model || !model.memories.patterns) return;
  const Matrix& xi = *model.memories.patterns;
  if (static_cast<double>(xi.rows()) * static_cast<double>(xi.cols()) >= model.runAtOnceWork) {
    col.runStepsLeft = maxSteps;
    continueRun(model, col);
    return;
  }
  for (int i = 0; i < maxSteps && !col.converged && col.model; ++i) advanceColumn(model, col);
}

// A Step: a column without a model, or with an older W, first returns to the query with the
// newest one. While that model builds on the worker, the step is queued (takeColumnBuild).
static void stepColumn(AppModel& model, RetrievalColumn& col) {
  if (!col.building() && (!col.model || usesOlderW(model, col))) resetColumn(model, col, true);
  if (col.building()) {
    ++col.queuedSteps;
    return;
  }
  advanceColumn(model, col);
}

static void runColumnCommand(AppModel& model, RetrievalColumn& col, int maxSteps) {
  if (!col.building() && (!col.model || usesOlderW(model, col))) resetColumn(model, col, true);
  if (col.building()) {
    col.queuedRunSteps = std::max(col.queuedRunSteps, std::max(1, maxSteps));
    return;
  }
  runColumn(model, col, maxSteps);
}

// Takes in the model the column's worker built for the build awaited. A result for inputs that
// have changed meanwhile (another set or similarity, a new Stage I run, or, Stage I not playing,
// a newer W) is dropped and the right build started; otherwise the column starts from the query
// with it and carries out the Steps and Run queued while it built.
static void takeColumnBuild(AppModel& model, size_t s) {
  RetrievalColumn& col = model.columns[s];
  if (!col.building()) return;
  auto result = model.columnWorkers[s]->latest();
  if (!result || result->id != col.buildId) return;
  col.buildId = 0;
  const bool kernel = usesKernel(col.config);
  const Stage1Snapshot* snap = model.stage1.snapshot.get();
  const ColumnBuildTag& tag = result->tag;
  const bool current = model.memories.patterns && tag.memoriesVersion == model.memories.version &&
                       tag.similarity == col.config.similarity &&
                       (!kernel || (snap && snap->W && tag.wGeneration == snap->generation &&
                                    (tag.wStep == snap->stepsDone || model.stage1Playing())));
  if (!current) {
    resetColumn(model, col, true);
    return;
  }
  if (!result->model) {
    col.model.reset();
    col.modelError = result->error;
    col.queuedSteps = col.queuedRunSteps = 0;
    restartTrajectory(model, col);
    return;
  }
  col.modelError.clear();
  col.model = result->model;
  col.wStep = kernel ? tag.wStep : -1;
  col.wGeneration = kernel ? tag.wGeneration : 0;
  const ModelConfig& had = col.model->config();
  if (!(had.separation == col.config.separation && had.beta == col.config.beta &&
        had.betaAfterSeparation == col.config.betaAfterSeparation)) {
    try {
      col.model = std::make_shared<const HopfieldModel>(col.model->withConfig(col.config));
    } catch (const std::exception& e) {
      col.model.reset();
      col.modelError = e.what();
    }
  }
  restartTrajectory(model, col);
  // Queued transport runs with this model even if Stage I moved on meanwhile: the user asked
  // for steps, and taking a newer W would start another build (and, playing, never end). On a
  // large set the steps go on over frames (updateModel), as a Run does, not all in this one.
  const Matrix& xi = *model.memories.patterns;
  if (col.model &&
      static_cast<double>(xi.rows()) * static_cast<double>(xi.cols()) >= model.runAtOnceWork) {
    col.stepsLeft = col.queuedSteps;
    col.runStepsLeft = col.queuedRunSteps;
    col.queuedSteps = col.queuedRunSteps = 0;
    return;
  }
  for (; col.queuedSteps > 0; --col.queuedSteps) advanceColumn(model, col);
  if (col.queuedRunSteps > 0) runColumn(model, col, col.queuedRunSteps);
  col.queuedRunSteps = 0;
}

// ---- query ----------------------------------------------------------------------------------

static void rebuildQuery(AppModel& model) {
  QueryState& q = model.query;
  if (!model.memories.set) return;
  const MemorySet& set = *model.memories.set;
  q.target = std::clamp(q.target, 0, set.count() - 1);
  q.corrupted = set.patterns.col(q.target);
  // The same stream as corruptMemories uses for column μ, so the panel's query equals the
  // metastable run's query for this memory.
  corrupt(q.corruption, set.shape, deriveSeed(q.seed, static_cast<uint64_t>(q.target)),
          q.corrupted.data(), static_cast<int>(q.corrupted.size()));
  q.pixels = q.corrupted;
  q.undo.clear();
  ++q.version;
  resetColumnsForNewQuery(model);
}

static void paint(AppModel& model, const PaintStroke& s) {
  QueryState& q = model.query;
  if (!model.memories.set || q.pixels.size() == 0) return;
  const ImageShape shape = model.memories.set->shape;
  if (s.begin) {
    q.undo.push_back(q.pixels);
    if (q.undo.size() > QueryState::kMaxUndo) q.undo.erase(q.undo.begin());
  }
  const float r = std::max(0.5f, q.brushRadius);
  // Erase paints black; otherwise the brush colour, per channel, or on a grey image its luma
  // (a grey brush keeps its exact value, so white paints 1 as it always did). A script's
  // `paint ... value=V` paints the grey level V on every channel.
  const float fixed = std::min(s.value, 1.0f);
  const std::array<float, 3> rgb = s.value >= 0 ? std::array<float, 3>{fixed, fixed, fixed}
                                   : q.erase    ? std::array<float, 3>{0, 0, 0}
                                                : q.brushColor;
  const float grey = rgb[0] == rgb[1] && rgb[1] == rgb[2]
                         ? rgb[0]
                         : std::min(1.0f, 0.299f * rgb[0] + 0.587f * rgb[1] + 0.114f * rgb[2]);
  const float length = std::hypot(s.x1 - s.x0, s.y1 - s.y0);
  const int samples = std::max(1, static_cast<int>(std::ceil(length / 0.5f)));
  for (int i = 0; i <= samples; ++i) {
    const float t = static_cast<float>(i) / samples;
    const float cx = s.x0 + t * (s.x1 - s.x0), cy = s.y0 + t * (s.y1 - s.y0);
    const int x0 = std::max(0, static_cast<int>(std::floor(cx - r)));
    const int x1 = std::min(shape.width - 1, static_cast<int>(std::ceil(cx + r)));
    const int y0 = std::max(0, static_cast<int>(std::floor(cy - r)));
    const int y1 = std::min(shape.height - 1, static_cast<int>(std::ceil(cy + r)));
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) {
        // Pixel centres at (x + ½, y + ½).
        if (std::hypot(x + 0.5f - cx, y + 0.5f - cy) > r) continue;
        for (int c = 0; c < shape.channels; ++c)
          q.pixels[(y * shape.width + x) * shape.channels + c] =
              shape.channels == 3 ? rgb[static_cast<size_t>(c)] : grey;
      }
  }
  ++q.version;
  resetColumnsForNewQuery(model);
}

// ---- Stage I ----------------------------------------------------------------------------------

static void resetStage1(AppModel& model) {
  if (!model.memories.patterns) return;
  // The worker gets the batch the setting resolves to for this M ("auto": minibatches above
  // kAutoFullBatchLimit memories, so a step stays short whatever M is).
  Stage1Config config = model.stage1.config;
  config.batchSize = resolveStage1Batch(config.batchSize, model.memories.count());
  model.stage1.generation =
      model.stage1Worker->reset(model.memories.patterns, config, model.stage1.initialW);
  model.stage1.snapshot.reset();
  model.stage1.finishedHandled = false;
}

static void startMetastable(AppModel& model) {
  MetastableState& m = model.metastable;
  if (!model.memories.set) return;
  const bool needsW = usesKernel(model.columns[0].config) || usesKernel(model.columns[1].config);
  if (needsW && !model.stage1.snapshot) {
    m.pendingAfterStage1 = true;  // starts as soon as W exists
    return;
  }
  MetastableJob job;
  job.memories = model.memories.set;
  job.source = model.memories.source;
  job.memoriesVersion = model.memories.version;
  job.corruption = model.query.corruption;
  job.seed = model.query.seed;
  job.steps = m.steps;
  job.baseline = model.columns[0].config;
  job.uhop = model.columns[1].config;
  job.featureMap = model.scaledFeatureMap(model.stage1.snapshot.get());
  job.stage1Step = model.stage1.snapshot ? model.stage1.snapshot->stepsDone : -1;
  job.beforeStage1 = m.compareBeforeStage1 && needsW;
  job.stage1 = model.stage1.config;
  job.initialW = model.stage1.initialW;
  job.kernelScale = model.fairness.kernelScale;
  m.jobId = model.metastableWorker->start(std::move(job));
  m.pendingAfterStage1 = false;
}

static void setStage1Config(AppModel& model, const Stage1Config& config) {
  Stage1Config old = model.stage1.config;
  model.stage1.config = config;
  old.steps = config.steps;
  if (old.featureDim == config.featureDim && old.init == config.init && old.seed == config.seed &&
      old.loss.kind == config.loss.kind && old.loss.t == config.loss.t &&
      old.optimizer == config.optimizer && old.learningRate == config.learningRate &&
      old.batchSize == config.batchSize) {
    // Only the step target or the row normalisation changed: no need to restart the run.
    model.stage1Worker->setTargetSteps(config.steps);
    model.stage1.finishedHandled = false;
    if (old.normalizeRows != config.normalizeRows) {
      invalidateModels(model);
      resetColumns(model);
    }
    return;
  }
  // A loaded W is a starting point for these knobs; a new init, D_Φ or seed asks for another.
  if (old.featureDim != config.featureDim || old.init != config.init || old.seed != config.seed) {
    model.stage1.initialW.reset();
    model.stage1.initialWSource.clear();
  }
  const bool wasPlaying = model.stage1Worker->playing();
  resetStage1(model);
  if (wasPlaying) model.stage1Worker->play();
}

static void loadW(AppModel& model, const std::string& path) {
  std::shared_ptr<const Matrix> W;
  try {
    if (!model.memories.set) throw ConfigError("no memories loaded");
    W = std::make_shared<const Matrix>(loadFeatureMap(path));
    const int d = model.memories.set->dimension();
    if (W->cols() != d || W->rows() < 1)
      throw DataError(path + ": W is " + std::to_string(W->rows()) + " × " +
                      std::to_string(W->cols()) +
                      " but the memories have d = " + std::to_string(d) + " (W must be D_Φ × d)");
    if (!W->allFinite()) throw DataError(path + ": W holds NaN or infinite values");
  } catch (const std::exception& e) {
    model.statusMessage = "W not loaded (nothing changed): " + std::string(e.what());
    return;
  }
  Stage1State& s1 = model.stage1;
  s1.initialW = W;
  s1.initialWSource = path;
  // D_Φ follows the file (0 = d, as the knob means).
  s1.config.featureDim =
      W->rows() == model.memories.set->dimension() ? 0 : static_cast<int>(W->rows());
  s1.restoreTarget = -1;
  model.stage1Worker->pause();
  resetStage1(model);
  invalidateModels(model);  // the kernel column rebuilds on the loaded W when its snapshot arrives
  model.statusMessage = "Loaded W " + path + " (" + std::to_string(W->rows()) + " × " +
                        std::to_string(W->cols()) + "): Stage I starts from it";
}

static void saveW(AppModel& model, const std::string& path) {
  const Stage1Snapshot* snap = model.stage1.snapshot.get();
  if (!snap || !snap->W || snap->W->size() == 0) {
    model.statusMessage = "W not saved: Stage I has no W yet";
    return;
  }
  try {
    Matrix W = *snap->W;
    if (model.stage1.config.normalizeRows) normalizeRows(W);  // as Stage1::finalFeatureMap
    saveFeatureMap(path, W);
    model.statusMessage =
        "Saved W of Stage I step " + std::to_string(snap->stepsDone) + " to " + path;
  } catch (const std::exception& e) {
    model.statusMessage = "Could not save W: " + std::string(e.what());
  }
}

// ---- memories ---------------------------------------------------------------------------------

static LoadRequest loadRequest(const LoadMemories& cmd, const Settings& settings) {
  LoadRequest request;
  request.source = cmd.source;
  request.count = cmd.count;
  request.offset = cmd.offset;
  request.memoryBudgetBytes = static_cast<std::size_t>(settings.memoryBudgetMb) << 20;
  request.grayscale = cmd.grayscale;
  request.width = cmd.width;
  request.height = cmd.height;
  return request;
}

static std::shared_ptr<const MemorySet> readMemories(const LoadMemories& cmd,
                                                     const Settings& settings) {
  return readMemorySet(loadRequest(cmd, settings));
}

static void installMemories(AppModel& model, const LoadMemories& cmd,
                            std::shared_ptr<const MemorySet> set);

// Reading and the statistics run on the load worker; updateModel (takeLoad) installs the set when
// it arrives. Until then everything, the old memories included, stays as it is.
static void loadMemories(AppModel& model, const LoadMemories& cmd) {
  MemoryState& mem = model.memories;
  mem.loading = loadRequest(cmd, model.settings);
  mem.loadId = model.loadWorker->start(mem.loading);
  mem.error.clear();
}

static void cancelLoad(AppModel& model) {
  if (!model.loading()) return;
  model.loadWorker->cancel();
  model.memories.loadId = 0;
  model.statusMessage = "Loading \"" + model.memories.loading.source + "\" cancelled" +
                        (model.memories.set && !model.memories.statsReady
                             ? " (the separation statistics of the set shown were not computed)"
                             : "");
}

// Takes in what the load worker published for the job awaited: an error (the old set stays), the
// new set (installed at once), then its statistics.
static void takeLoad(AppModel& model) {
  MemoryState& mem = model.memories;
  if (!model.loading()) return;
  // Idle first, then the snapshot: a worker found idle has published all it ever will.
  const bool idle = !model.loadWorker->busy();
  auto snap = model.loadWorker->latest();
  if (snap && snap->id == mem.loadId && snap != mem.taken) {
    mem.taken = snap;
    const LoadRequest& r = snap->request;
    if (!snap->set) {
      mem.error = "Could not load \"" + r.source + "\": " + snap->error +
                  (mem.set ? " — the memories already loaded stay." : "");
      mem.loadId = 0;
      return;
    }
    if (snap->set != mem.set)
      installMemories(model,
                      LoadMemories{r.source, r.count, r.offset, r.grayscale, r.width, r.height},
                      snap->set);
    if (snap->statsReady) {
      mem.raw = snap->stats;
      mem.statsReady = true;
      mem.loadId = 0;
    }
  }
  if (idle && model.loading()) mem.loadId = 0;  // cancelled or failed without a word: stop waiting
}

bool waitForLoad(AppModel& model, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    updateModel(model);
    if (!model.loading() && (!model.memories.set || model.stage1.snapshot) &&
        !model.columnsBuilding())
      return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

static void installMemories(AppModel& model, const LoadMemories& cmd,
                            std::shared_ptr<const MemorySet> set) {
  MemoryState& mem = model.memories;
  model.stage1Worker->pause();
  model.metastableWorker->cancel();
  mem.set = set;
  mem.patterns = std::shared_ptr<const Matrix>(set, &set->patterns);
  mem.raw = SeparationStats{};  // the load worker's statistics follow (takeLoad)
  mem.statsReady = false;
  mem.source = cmd.source;
  mem.offset = cmd.offset;
  mem.requestedCount = cmd.count;
  mem.grayscale = cmd.grayscale;
  mem.width = cmd.width;
  mem.height = cmd.height;
  mem.error.clear();
  ++mem.version;
  rememberSource(model.settings, cmd.source, cmd.count);
  // The memories panel lists the warnings; the status bar says there are some.
  if (!set->warnings.empty())
    model.statusMessage = "Loaded " + std::to_string(set->count()) + " memories from " +
                          cmd.source + " with " + std::to_string(set->warnings.size()) +
                          (set->warnings.size() == 1 ? " warning: " : " warnings, the first: ") +
                          set->warnings.front();
  model.settings.dataSource = cmd.source;
  model.settings.memoryCount = cmd.count;
  model.settings.memoryOffset = cmd.offset;

  // D_Φ must be ≥ d for the identity init; a D_Φ fitted to the old d would now be wrong.
  if (model.stage1.config.featureDim != 0 && model.stage1.config.featureDim < set->dimension() &&
      model.stage1.config.init == FeatureInit::Identity)
    model.stage1.config.featureDim = 0;
  invalidateModels(model);
  for (auto& col : model.columns) col.queuedSteps = col.queuedRunSteps = 0;  // were for the old set
  model.stage1.initialW.reset();  // fitted to the old memories' d
  model.stage1.initialWSource.clear();
  // A run over the old set is abandoned (cancelled above, within one step), and whatever it
  // still publishes is not taken: only the job started for this set counts.
  model.metastable.result.reset();
  model.metastable.jobId = 0;
  model.metastable.pendingAfterStage1 = true;
  resetStage1(model);
  rebuildQuery(model);
}

// ---- fairness -------------------------------------------------------------------------------

static void setReferenceCompatible(AppModel& model, bool on) {
  if (model.fairness.referenceCompatible == on) return;
  FairnessState::Saved& stash = model.fairness.saved;
  Stage1Config& config = model.stage1.config;
  // Only settings of how W is used and of the query change: the trained W stays (no Stage I
  // reset), so the mode can be compared on and off on the same kernel.
  if (on) {
    stash.saved = true;
    stash.normalizeRows = config.normalizeRows;
    stash.kernelScale = model.fairness.kernelScale;
    stash.corruption = model.query.corruption;
    config.normalizeRows = false;
    model.fairness.kernelScale = KernelScale::Raw;
    const double p = model.query.corruption.kind == CorruptionKind::Mask ||
                             model.query.corruption.kind == CorruptionKind::MaskRescale
                         ? std::min(model.query.corruption.amount, 0.95)
                         : 0.5;
    model.query.corruption = Corruption{CorruptionKind::MaskRescale, p};
  } else if (stash.saved) {
    config.normalizeRows = stash.normalizeRows;
    model.fairness.kernelScale = stash.kernelScale;
    model.query.corruption = stash.corruption;
    stash.saved = false;
  }
  model.fairness.referenceCompatible = on;
  for (auto& col : model.columns) col.config.betaAfterSeparation = on;
  invalidateModels(model);
  rebuildQuery(model);  // also rebuilds both columns' models on the kept W
}

static void resetSettings(AppModel& model) {
  setReferenceCompatible(model, false);
  Settings defaults;
  // History and what is loaded are not preferences: the recent list and the data stay.
  defaults.recentSources = model.settings.recentSources;
  defaults.dataSource = model.settings.dataSource;
  defaults.memoryCount = model.settings.memoryCount;
  defaults.memoryOffset = model.settings.memoryOffset;
  const Stage1Config before = model.stage1.config;
  applySettings(model, defaults);
  // applySettings only sets the knobs; restart Stage I (if they differ) and the query with them.
  const Stage1Config after = model.stage1.config;
  model.stage1.config = before;
  setStage1Config(model, after);
  for (auto& col : model.columns) col.config.beta = model.beta;
  invalidateModels(model);
  rebuildQuery(model);
  model.themeOrScaleChanged = true;
  model.statusMessage = "Settings reset to defaults (the loaded data stays)";
}

// ---- experiments -----------------------------------------------------------------------------

static std::string joinValues(const std::vector<double>& values) {
  return gridToText(values);
}

SweepConfig experimentConfig(const AppModel& model, const StartExperiment& start) {
  if (!model.memories.set) throw ConfigError("no memories loaded");
  const int loaded = model.memories.count();
  SweepConfig config;
  config.kind = start.kind;
  const bool blank = start.grid.find_first_not_of(" \t,;") == std::string::npos;
  config.grid = blank ? defaultGridFor(start.kind, loaded) : parseGridText(start.grid);
  validateGrid(start.kind, config.grid);
  if (start.kind == SweepKind::Capacity) {
    std::vector<double> beyond;
    for (double m : config.grid)
      if (m > loaded) beyond.push_back(m);
    if (!beyond.empty())
      throw ConfigError("M = " + joinValues(beyond) + " beyond the " + std::to_string(loaded) +
                        " memories loaded: keep M ≤ " + std::to_string(loaded) +
                        " or load more memories (Memories panel, M)");
  }
  const std::vector<ModelSpec> all = defaultModels();
  for (int i : start.models) {
    if (i < 0) throw ConfigError("choose at least one model");
    if (i >= static_cast<int>(all.size()))
      throw ConfigError("model index " + std::to_string(i) + " out of range");
    config.models.push_back(all[static_cast<size_t>(i)]);
  }
  if (!start.models.empty() && config.models.empty())
    throw ConfigError("choose at least one model");
  if (start.seeds < 1 || start.seeds > 100) throw ConfigError("seeds must be in 1..100");
  if (start.steps < 1 || start.steps > 1000) throw ConfigError("steps T must be in 1..1000");
  const int memories = start.memories > 0 ? start.memories : std::min(100, loaded);
  if (start.kind != SweepKind::Capacity && memories > loaded)
    throw ConfigError("M = " + std::to_string(memories) + " beyond the " + std::to_string(loaded) +
                      " memories loaded");
  config.memories = memories;
  config.corruption = start.corruption;
  config.steps = start.steps;
  config.seeds = start.seeds;
  config.firstSeed = start.firstSeed;
  return config;
}

static void startExperiment(AppModel& model, const StartExperiment& start) {
  ExperimentsState& e = model.experiments;
  try {
    SweepConfig config = experimentConfig(model, start);
    std::string parameters = sweepParameters(config, model.memories.source);
    model.experimentWorker->start(model.memories.set, std::move(config), start.threads);
    e.error.clear();
    e.parameters = std::move(parameters);
    e.snapshot = model.experimentWorker->latest();
  } catch (const std::exception& ex) {
    e.error = ex.what();
  }
}

// ---- sessions --------------------------------------------------------------------------------

Session captureSession(const AppModel& model) {
  Session s;
  s.source = model.memories.source;
  s.count = model.memories.requestedCount;
  s.offset = model.memories.offset;
  s.grayscale = model.memories.grayscale;
  s.width = model.memories.width;
  s.height = model.memories.height;
  s.stage1 = model.stage1.config;
  s.stage1StepsDone = model.stage1.snapshot ? model.stage1.snapshot->stepsDone : 0;
  for (int i = 0; i < 2; ++i) s.models[static_cast<size_t>(i)] = model.columns[i].config;
  s.beta = model.beta;
  s.betaLinked = model.betaLinked;
  s.kernelScale = model.fairness.kernelScale;
  s.referenceCompatible = model.fairness.referenceCompatible;
  s.target = model.query.target;
  s.corruption = model.query.corruption;
  s.querySeed = model.query.seed;
  const QueryState& q = model.query;
  if (q.pixels.size() == q.corrupted.size())
    for (Eigen::Index i = 0; i < q.pixels.size(); ++i)
      if (q.pixels[i] != q.corrupted[i])
        s.queryEdits.emplace_back(static_cast<int>(i), q.pixels[i]);
  s.metastableSteps = model.metastable.steps;
  return s;
}

void applySession(AppModel& model, const Session& s) {
  // Everything that can fail is checked before the model changes.
  const LoadMemories load{s.source, s.count, s.offset, s.grayscale, s.width, s.height};
  std::shared_ptr<const MemorySet> set;
  try {
    set = readMemories(load, model.settings);
  } catch (const std::exception& e) {
    throw ConfigError("the session's data \"" + s.source + "\" cannot be loaded: " + e.what());
  }
  if (s.target >= set->count())
    throw ConfigError("the session's target " + std::to_string(s.target) + " is beyond its " +
                      std::to_string(set->count()) + " memories");
  if (!s.queryEdits.empty() && s.queryEdits.back().first >= set->dimension())
    throw ConfigError("the session's query edits reach pixel " +
                      std::to_string(s.queryEdits.back().first) +
                      " but the images have d = " + std::to_string(set->dimension()));
  if (s.stage1.featureDim != 0 && s.stage1.init == FeatureInit::Identity &&
      s.stage1.featureDim < set->dimension())
    throw ConfigError("the session's D_Φ = " + std::to_string(s.stage1.featureDim) +
                      " is below d = " + std::to_string(set->dimension()) +
                      ", which the identity init needs");

  model.stage1.config = s.stage1;
  model.fairness.kernelScale = s.kernelScale;
  model.fairness.referenceCompatible = s.referenceCompatible;
  model.fairness.saved = FairnessState::Saved{};
  for (int i = 0; i < 2; ++i) model.columns[i].config = s.models[static_cast<size_t>(i)];
  model.beta = s.beta;
  model.betaLinked = s.betaLinked;
  model.query.corruption = s.corruption;
  model.query.seed = s.querySeed;
  model.query.target = s.target;
  model.metastable.steps = s.metastableSteps;
  installMemories(model, load, set);  // resets Stage I, rebuilds the query
  // The statistics follow on the load worker, as after any load.
  LoadRequest stats = loadRequest(load, model.settings);
  stats.preloaded = set;
  model.memories.loading = stats;
  model.memories.loadId = model.loadWorker->start(stats);
  QueryState& q = model.query;
  for (const auto& [i, v] : s.queryEdits) q.pixels[i] = v;
  if (!s.queryEdits.empty()) {
    ++q.version;
    resetColumns(model);
  }
  // Stage I is deterministic from its seed: play to the saved step count.
  model.stage1.restoreTarget = -1;
  if (s.stage1StepsDone > 0) {
    model.stage1Worker->setTargetSteps(s.stage1StepsDone);
    model.stage1Worker->play();
    model.stage1.restoreTarget = s.stage1StepsDone;
  }
}

static void saveSession(AppModel& model, const std::string& path) {
  try {
    saveSessionFile(path, captureSession(model));
    model.statusMessage = "Saved session " + path;
    // A session replays Stage I from its init and seed; a W loaded from a file is not in it.
    if (model.stage1.initialW)
      model.statusMessage += " (without the loaded W " + model.stage1.initialWSource +
                             ": loading it replays Stage I from its init)";
  } catch (const std::exception& e) {
    model.statusMessage = "Could not save the session: " + std::string(e.what());
  }
}

static void loadSession(AppModel& model, const std::string& path) {
  try {
    applySession(model, loadSessionFile(path));
    model.statusMessage = "Loaded session " + path;
  } catch (const std::exception& e) {
    model.statusMessage = "Session not loaded (nothing changed): " + std::string(e.what());
  }
}

// ---- dispatch ---------------------------------------------------------------------------------

void applyCommand(AppModel& model, const Command& command) {
  std::visit(
      Overloaded{
          [&](const LoadMemories& c) { loadMemories(model, c); },
          [&](const CancelLoad&) { cancelLoad(model); },
          [&](const SelectTarget& c) {
            if (!model.memories.set || c.index < 0 || c.index >= model.memories.count()) return;
            model.query.target = c.index;
            rebuildQuery(model);
          },
          [&](const SetCorruption& c) {
            model.query.corruption = c.corruption;
            model.query.seed = c.seed;
            rebuildQuery(model);
          },
          [&](const PaintStroke& c) { paint(model, c); },
          [&](const SetBrush& c) {
            model.query.brushRadius = std::clamp(c.radius, 0.5f, 16.0f);
            model.query.erase = c.erase;
            for (size_t k = 0; k < 3; ++k)
              model.query.brushColor[k] =
                  std::isfinite(c.color[k]) ? std::clamp(c.color[k], 0.0f, 1.0f) : 1.0f;
          },
          [&](const UndoPaint&) {
            if (model.query.undo.empty()) return;
            model.query.pixels = model.query.undo.back();
            model.query.undo.pop_back();
            ++model.query.version;
            resetColumnsForNewQuery(model);
          },
          [&](const ClearPaint&) { rebuildQuery(model); },
          [&](const SetStage1Config& c) { setStage1Config(model, c.config); },
          [&](const Stage1Play&) {
            if (model.stage1.snapshot &&
                model.stage1.snapshot->stepsDone >= model.stage1.config.steps)
              model.statusMessage = "Stage I has done its " +
                                    std::to_string(model.stage1.config.steps) +
                                    " steps: raise 'steps' or press Reset.";
            model.stage1Worker->play();
          },
          [&](const Stage1Pause&) { model.stage1Worker->pause(); },
          [&](const Stage1TogglePlay&) {
            if (model.stage1Worker->playing())
              model.stage1Worker->pause();
            else
              applyCommand(model, Stage1Play{});
          },
          [&](const Stage1Step&) { model.stage1Worker->requestStep(); },
          [&](const Stage1Reset&) { resetStage1(model); },
          [&](const SetColumnConfig& c) {
            RetrievalColumn& col = model.column(c.side);
            ModelConfig next = c.config;
            next.betaAfterSeparation = model.fairness.referenceCompatible;
            if (model.betaLinked) next.beta = model.beta;
            // A combination core refuses (e.g. poly with l1/l2) keeps the previous model
            // and says why in the status bar.
            try {
              validateModelConfig(next);
            } catch (const ConfigError& e) {
              model.statusMessage = e.what();
              return;
            }
            col.config = next;
            resetColumn(model, col);
          },
          [&](const SetBeta& c) {
            if (!(c.beta > 0) || !std::isfinite(c.beta)) return;
            if (model.betaLinked) {
              model.beta = c.beta;
              for (auto& col : model.columns) col.config.beta = c.beta;
              resetColumns(model);
            } else {
              model.column(c.side).config.beta = c.beta;
              if (c.side == Side::Baseline) model.beta = c.beta;
              resetColumn(model, model.column(c.side));
            }
          },
          [&](const SetBetaLinked& c) {
            model.betaLinked = c.linked;
            if (c.linked) {
              for (auto& col : model.columns) col.config.beta = model.beta;
              resetColumns(model);
            }
          },
          [&](const StepRetrieval& c) {
            for (int s = 0; s < 2; ++s)
              if (actsOn(c.side, s)) stepColumn(model, model.columns[s]);
          },
          [&](const RunRetrieval& c) {
            for (int s = 0; s < 2; ++s)
              if (actsOn(c.side, s)) runColumnCommand(model, model.columns[s], c.maxSteps);
          },
          [&](const ResetRetrieval& c) {
            for (int s = 0; s < 2; ++s)
              if (actsOn(c.side, s))
                model.columns[s].queuedSteps = model.columns[s].queuedRunSteps = 0;
            resetColumns(model, c.side, true);
          },
          [&](const SetKernelScale& c) {
            model.fairness.kernelScale = c.scale;
            invalidateModels(model);
            resetColumns(model);
          },
          [&](const SetReferenceCompatible& c) { setReferenceCompatible(model, c.on); },
          [&](const RunMetastable&) { startMetastable(model); },
          [&](const SetMetastableSteps& c) {
            model.metastable.steps = std::clamp(c.steps, 1, 1000);
          },
          [&](const StartExperiment& c) { startExperiment(model, c); },
          [&](const CancelExperiment&) { model.experimentWorker->cancel(); },
          [&](const SetMetastableCompare& c) {
            if (model.metastable.compareBeforeStage1 == c.beforeAfter) return;
            model.metastable.compareBeforeStage1 = c.beforeAfter;
            if (model.metastable.result) startMetastable(model);
          },
          [&](const SaveSession& c) { saveSession(model, c.path); },
          [&](const LoadSession& c) { loadSession(model, c.path); },
          [&](const SetTheme& c) {
            model.settings.theme = c.theme;
            model.themeOrScaleChanged = true;
          },
          [&](const SetExportFolder& c) { model.settings.exportFolder = c.folder; },
          [&](const SetUiScale& c) {
            model.settings.uiScale = c.scale <= 0 ? 0 : std::clamp(c.scale, 0.5f, 4.0f);
            model.themeOrScaleChanged = true;
          },
          [&](const RequestScreenshot& c) {
            ++(c.doubleResolution ? model.screenshots2xRequested : model.screenshotsRequested);
          },
          [&](const Quit&) { model.quitRequested = true; },
          [&](const SetFeatureViewShown& c) { model.featureView.shown = c.shown; },
          [&](const ToggleFeatureView&) { model.featureView.shown = !model.featureView.shown; },
          [&](const SetTheoryViewShown& c) { model.theoryView.shown = c.shown; },
          [&](const ToggleTheoryView&) { model.theoryView.shown = !model.theoryView.shown; },
          [&](const LoadW& c) { loadW(model, c.path); },
          [&](const SaveW& c) { saveW(model, c.path); },
          [&](const ResetSettings&) { resetSettings(model); },
          [&](const PlaygroundCommand& c) { applyPlayground(model.playground, c); },
      },
      command);
}

void applyCommands(AppModel& model, Commands& commands) {
  for (const Command& c : commands) applyCommand(model, c);
  commands.clear();
}

void updateModel(AppModel& model) {
  takeLoad(model);
  Stage1State& s1 = model.stage1;
  auto snap = model.stage1Worker->latest();
  if (snap && snap != s1.snapshot && snap->generation == s1.generation) {
    const bool first = !s1.snapshot;
    s1.snapshot = snap;
    // Kernel columns waiting for W, or still at step 0, follow the newest W at once
    // (rebuilt only when the user is not mid-trajectory, so E_K stays one function per run).
    for (auto& col : model.columns) {
      if (!usesKernel(col.config)) continue;
      const bool waiting = !col.model && !col.building();
      const bool idle = col.steps == 0 && !model.stage1Worker->playing();
      if (waiting || (first && idle)) resetColumn(model, col);
    }
  }
  // While Stage I is not playing (finished, paused, or after a single step), a kernel column takes
  // the newest W at once (a build under way for an older one is dropped): rebuilding costs a
  // D·d·M product, too much for every frame of a run but nothing once per change. While it plays,
  // the next Step or Run takes it (stepColumn).
  if (!model.stage1Worker->playing())
    for (auto& col : model.columns)
      if (usesOlderW(model, col) || buildsOlderW(model, col)) resetColumn(model, col, true);
  // After the newest snapshot is in: a build for a W that is no longer wanted was replaced above
  // (its result has another id) and is never shown.
  for (size_t s = 0; s < model.columns.size(); ++s) takeColumnBuild(model, s);
  for (auto& col : model.columns)
    if (col.stepping()) continueRun(model, col);
  if (s1.restoreTarget >= 0 && s1.snapshot && s1.snapshot->stepsDone >= s1.restoreTarget &&
      !model.stage1Worker->playing()) {
    model.stage1Worker->setTargetSteps(s1.config.steps);
    s1.restoreTarget = -1;
    for (auto& col : model.columns)
      if (usesKernel(col.config) && col.steps == 0) resetColumn(model, col);
  }
  if (model.metastable.pendingAfterStage1 && s1.snapshot && !model.stage1Worker->playing())
    startMetastable(model);
  // "Re-runs after Stage I": once per run, when the target step count is reached.
  if (s1.snapshot && !s1.finishedHandled && s1.snapshot->stepsDone > 0 &&
      s1.snapshot->stepsDone >= s1.config.steps && !model.stage1Worker->playing() &&
      !model.stage1Worker->busy()) {
    s1.finishedHandled = true;
    startMetastable(model);
  }
  // The worker keeps its last result across a cancel; one computed on an earlier memory set
  // must not come back after a new set cleared it.
  auto result = model.metastableWorker->latest();
  if (result && result != model.metastable.result && result->id == model.metastable.jobId &&
      !model.metastableWorker->running() && result->memoriesVersion == model.memories.version)
    model.metastable.result = result;
  auto sweep = model.experimentWorker->latest();
  if (sweep && sweep != model.experiments.snapshot) model.experiments.snapshot = sweep;
  updateFeatureView(model);
  updatePlayground(model.playground);
  updateTheoryView(model);
}

// ---- settings ---------------------------------------------------------------------------------

void applySettings(AppModel& model, const Settings& s) {
  model.settings = s;
  Stage1Config& c = model.stage1.config;
  c.featureDim = s.featureDim;
  c.init = parseFeatureInit(s.init);
  c.loss.kind = parseLossKind(s.loss);
  c.loss.t = s.lossT;
  c.optimizer = parseOptimizer(s.optimizer);
  c.learningRate = s.learningRate;
  c.steps = s.stage1Steps;
  c.seed = static_cast<uint64_t>(s.stage1Seed);
  c.normalizeRows = s.normalizeRows;
  model.beta = s.beta;
  for (auto& col : model.columns) col.config.beta = s.beta;
  model.query.corruption = Corruption::parse(s.corruption);
  model.query.seed = static_cast<uint64_t>(s.querySeed);
  model.metastable.steps = s.metastableSteps;
  model.fairness.kernelScale = parseKernelScale(s.kernelScale);
  model.stage1Worker->setTargetSteps(c.steps);
}

Settings currentSettings(const AppModel& model) {
  Settings s = model.settings;
  const Stage1Config& c = model.stage1.config;
  s.featureDim = c.featureDim;
  s.init = featureInitName(c.init);
  s.loss = lossKindName(c.loss.kind);
  s.lossT = c.loss.t;
  s.optimizer = optimizerName(c.optimizer);
  s.learningRate = c.learningRate;
  s.stage1Steps = c.steps;
  s.stage1Seed = static_cast<int>(c.seed);
  s.normalizeRows = c.normalizeRows;
  s.beta = model.beta;
  s.corruption = model.query.corruption.name();
  s.querySeed = static_cast<int>(model.query.seed);
  s.metastableSteps = model.metastable.steps;
  s.kernelScale = kernelScaleName(model.fairness.kernelScale);
  // The reference-compatible mode is not a setting that persists; what it replaced is.
  const FairnessState& f = model.fairness;
  if (f.referenceCompatible && f.saved.saved) {
    s.normalizeRows = f.saved.normalizeRows;
    s.kernelScale = kernelScaleName(f.saved.kernelScale);
    s.corruption = f.saved.corruption.name();
  }
  return s;
}

}  // namespace uhop::ui
