// The paper's experiments as sweeps (docs/method.md §8), and the metastable
// before/after-Stage-I comparison (docs/method.md §5).
//
// A sweep varies one quantity x over a grid and, for every model and seed, scores retrieval with
// every memory as a corrupted query (one evaluateAllMemories call, core/evaluation.h, per cell):
//   capacity   x = M, memories [offset, offset + M), corruption as configured (mask:0.5)
//   noise      x = σ, corruption noise:σ, M fixed
//   stage1     x = number of Stage I steps N for the kernel models (N = 0 is W at its init)
//   beta       x = β for every model (a fair comparison picks β per model)
// A cell (x, model, seed) reports the mean error, the correct / wrong-single / metastable
// fractions, the support histogram and the diffuse fraction; aggregate() gives mean and sample
// standard deviation (n − 1 in the denominator, 0 for one seed) over the seeds of each (x, model).
//
// Seeds: seed index s uses S = firstSeed + s for the corruption stream and as Stage I's seed
// (which only matters for Gaussian inits and minibatches). The same S at every x and for every
// model means all models see the same queries (paired comparisons) and the curves use common random
// numbers. So a cell equals `uhop retrieve --seed S --stage1-seed S` with the cell's other
// settings.
//
// Stage I is trained once per distinct (training memories, Stage I settings) and shared by all
// cells that need it: across models with the same Stage1Config, across seeds for the identity
// init with full batches, and across the grid of the stage1 sweep (one run to max N, W kept at each
// N on the way).
//
// Threads: cells are independent and run on a pool of worker threads; a cell's numbers depend
// only on its (x, model, seed) and on `eigenThreads`, never on the worker count or on the order
// cells finish in. `eigenThreads` is the OpenMP thread count inside a cell (Eigen's products and
// core's own parallel loops), set per worker thread: the products' blocking, and so the float
// rounding, depends on it. 1 (default) = single-threaded cells: no oversubscription when cells
// run in parallel (measured fastest), and a cell is bit-identical to `OMP_NUM_THREADS=1 uhop
// retrieve`. 0 = the process default, bit-identical to a plain `uhop retrieve` (as long as core's
// parallel loops are deterministic for that thread count). Cancel is checked between cells and at
// every Stage I step.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/corruption.h"
#include "core/feature_map.h"
#include "core/hopfield.h"
#include "core/memory_set.h"
#include "core/metrics.h"
#include "core/stage1.h"

namespace uhop {

enum class SweepKind { Capacity, Noise, Stage1Steps, Beta };
SweepKind parseSweepKind(const std::string& name);  // "capacity" | "noise" | "stage1" | "beta"
std::string sweepKindName(SweepKind kind);
// The paper's grids: M ∈ {10 … 500}; σ ∈ {0 … 4}; N ∈ {0 … 200}; β ∈ 10^{-2 … 2}, 9 points.
std::vector<double> defaultGrid(SweepKind kind);
// Axis label of x, e.g. "memories M", "noise σ".
std::string sweepAxisLabel(SweepKind kind);
// Throws ConfigError when a grid value cannot be used: M not a whole number ≥ 2, σ outside
// [0, 100], N not a whole number in 0..1000000, β not positive and finite; or an empty grid.
void validateGrid(SweepKind kind, const std::vector<double>& grid);
// Whether the figure reads better with x on a log axis (capacity and β).
bool sweepLogX(SweepKind kind);

// Which memories Stage I trains the kernel on: all M, or the first ⌊M/2⌋ (public masking scripts,
// docs/method.md §7 item 6).
enum class KernelTraining { AllMemories, FirstHalf };
KernelTraining parseKernelTraining(const std::string& name);  // "all" | "first-half"
std::string kernelTrainingName(KernelTraining training);

// One model of a comparison. `stage1` and `kernelScale` only matter for the kernel similarity:
// W = Stage I's finalFeatureMap() (rows normalised when stage1.normalizeRows), then
// scaleFeatureMap(W, *kernelScale) if set — exactly what `uhop retrieve` does with
// --kernel-scale (Raw also turns off the row normalisation, as there).
struct ModelSpec {
  std::string name;
  ModelConfig model;
  Stage1Config stage1;
  std::optional<KernelScale> kernelScale;
  bool usesStage1() const { return model.similarity == SimilarityKind::Kernel; }
  // `stage1` as run for this model: a Raw kernel scale keeps W as learned, rows included.
  Stage1Config effectiveStage1() const {
    Stage1Config s1 = stage1;
    if (kernelScale == KernelScale::Raw) s1.normalizeRows = false;
    return s1;
  }
};

// MHM (dot + softmax), sparse MHM (dot + sparsemax), mean-projected (meanproj + softmax),
// U-Hop (kernel + softmax, Stage I defaults: identity init, default optimiser (backtracking),
// 100 steps, rows normalised) and U-Hop (reference schedule) (the same with the reference
// optimiser).
std::vector<ModelSpec> defaultModels();

// A model from a short key (what `uhop sweep --models` takes):
//   mhm | sparse | entmax:A | meanproj | l2 | l1 | uhop | uhop-adam | uhop-ref | uhop-sparse |
//   uhop-entmax:A
//   or SIM+SEP[@ref|@adam] with SIM ∈ dot|meanproj|l2|l1|kernel and SEP ∈ softmax|sparsemax|
//   entmax:A|poly:N; "@ref" gives a kernel model the reference Stage I schedule, "@adam" the
//   relative Adam (uhop-adam = kernel+softmax@adam: U-Hop (Adam)).
// Throws ConfigError naming the key when it is unknown.
ModelSpec modelFromKey(const std::string& key);
// Comma-separated keys; throws ConfigError on an empty list, an unknown key or a model twice.
std::vector<ModelSpec> parseModelList(const std::string& list);
// The key that modelFromKey maps back to this model's similarity/separation/optimiser.
std::string modelKey(const ModelSpec& spec);

struct SweepConfig {
  SweepKind kind = SweepKind::Capacity;
  std::vector<double> grid;       // empty = defaultGrid(kind)
  std::vector<ModelSpec> models;  // empty = defaultModels()
  int memories = 100;             // M of the noise, stage1 and beta sweeps
  int offset = 0;                 // memory μ of a cell is pool memory offset + μ
  Corruption corruption{CorruptionKind::Mask, 0.5};  // the noise sweep uses noise:σ instead
  int steps = 1;                                     // retrieval steps T
  int seeds = 5;
  uint64_t firstSeed = 0;
  KernelTraining training = KernelTraining::AllMemories;
  int eigenThreads = 1;  // OpenMP threads inside a cell (0 = the process default)
  // This run computes only slice `shard` (1-based) of `shards` disjoint slices of the cells, so
  // a big sweep can be spread over processes or machines and merged from the rows. Slices are
  // contiguous in cell order and cut where the estimated work crosses k/shards, so they cost
  // about the same; which cells a slice holds depends only on the sweep's settings and the
  // memories' dimension, so every process agrees. A cell's numbers do not depend on the slicing.
  int shard = 1;
  int shards = 1;
};

// Everything one cell runs with (resolved from the config: grid value applied).
struct SweepCell {
  int index = 0;
  int xIndex = 0, modelIndex = 0, seedIndex = 0;
  double x = 0;
  uint64_t seed = 0;  // corruption seed and Stage I seed
  int memories = 0;   // M
  Corruption corruption;
  ModelSpec model;  // beta / stage1.steps / stage1.seed already set for this cell
};

struct SweepRow {
  int index = 0;
  int xIndex = 0, modelIndex = 0, seedIndex = 0;
  double x = 0;
  std::string model;
  uint64_t seed = 0;
  int memories = 0;
  double meanError = 0;
  double correctFraction = 0;
  double wrongSingleFraction = 0;
  double metastableFraction = 0;
  std::vector<int> supportHistogram;  // as OutcomeSummary
  // Queries whose weights are all ≤ ε (support 0, OutcomeSummary::diffuseFraction): part of the
  // metastable share, in none of the histogram's bins. NaN when unknown (a merged shard written
  // before the field existed) or the cell failed.
  double diffuseFraction = 0;
  double seconds = 0;   // wall time of the cell, including Stage I if this cell trained it
  std::string failure;  // non-empty: the cell failed (e.g. Stage I diverged); numbers are NaN
};

// Mean and sample standard deviation over the successful seeds of one (x, model).
struct SweepPoint {
  int xIndex = 0, modelIndex = 0;
  double x = 0;
  std::string model;
  int seeds = 0;   // successful rows averaged
  int failed = 0;  // failed rows left out
  double meanError = 0, stdError = 0;
  double meanCorrect = 0, stdCorrect = 0;
  double meanMetastable = 0, stdMetastable = 0;
};

// Mean and sample standard deviation (n − 1; 0 when n < 2) of the rows' successful cells.
std::vector<SweepPoint> aggregateRows(const std::vector<SweepRow>& rows, const SweepConfig& config);

class Sweep {
 public:
  // Resolves the grid and model list and checks the settings against the pool. Throws
  // ConfigError on an empty or invalid grid (M < 2 or beyond the pool, σ outside [0, 100],
  // β ≤ 0, N < 0), seeds < 1, steps < 0, first-half training with fewer than 2 memories, ...
  Sweep(std::shared_ptr<const MemorySet> pool, SweepConfig config);
  ~Sweep();
  Sweep(const Sweep&) = delete;
  Sweep& operator=(const Sweep&) = delete;

  const SweepConfig& config() const { return config_; }  // grid and models filled in
  // Cells this run computes: all of them, or those of its shard.
  int totalCells() const { return static_cast<int>(queue_.size()); }
  // Cells of the whole sweep, all shards together.
  int allCells() const { return static_cast<int>(cells_.size()); }
  // Cell order: x outer, then seed, then model (so early rows cover whole points). `index` runs
  // over the whole sweep (0 … allCells() − 1), also in a shard.
  const SweepCell& cell(int index) const { return cells_.at(index); }
  int cellsDone() const { return done_.load(); }
  bool finished() const { return cellsDone() == totalCells(); }
  // Fraction of the estimated work done, in [0, 1]: cells weighted by their flop count (retrieval
  // and the cell's share of its Stage I run), so an ETA from it holds when cells differ in size.
  double progress() const;

  // Runs the next cell not yet started in the calling thread. False when none is left.
  bool step(const std::atomic<bool>* cancel = nullptr);
  // Runs the remaining cells on `threads` worker threads (0 = hardware concurrency) and returns
  // when they are done or *cancel became true; a cancelled cell is not recorded and will run
  // again on the next step()/run(). onRow, if set, is called once per finished row (serialised,
  // from a worker thread).
  void run(const std::atomic<bool>* cancel, int threads,
           const std::function<void(const SweepRow&)>& onRow = {});

  // Finished rows in cell order (a snapshot; safe to call while run() is under way).
  std::vector<SweepRow> rows() const;
  std::vector<SweepPoint> aggregate() const { return aggregateRows(rows(), config_); }

 private:
  struct Trajectory;
  void addToTrajectory(const SweepCell& cell);
  void estimateWork();
  std::optional<SweepRow> runCell(int index, const std::atomic<bool>* cancel);
  std::shared_ptr<const Matrix> featureMap(const SweepCell& cell, const std::atomic<bool>* cancel);
  std::optional<int> takeCell();
  void returnCell(int index);
  void storeRow(SweepRow row, const std::function<void(const SweepRow&)>* onRow);

  std::shared_ptr<const MemorySet> pool_;
  SweepConfig config_;
  std::vector<SweepCell> cells_;
  std::vector<std::string> trajectoryOfCell_;  // "" for models without Stage I
  std::map<std::string, std::shared_ptr<Trajectory>> trajectories_;

  mutable std::mutex mutex_;  // guards the queue and the rows
  std::vector<int> queue_;  // cells of this run (its shard), in cell order
  int nextCell_ = 0;        // next position in queue_
  std::vector<int> returned_;  // cancelled cells, to run again
  std::vector<std::optional<SweepRow>> rows_;
  std::vector<double> cellWork_;  // estimated share of this run's work, sums to 1 over queue_
  double workDone_ = 0;
  std::atomic<int> done_{0};
  std::mutex callbackMutex_;
};

// --- Metastable states before vs after Stage I ---

struct MetastableConfig {
  int steps = 1;
  Corruption corruption{CorruptionKind::Mask, 0.5};
  uint64_t seed = 0;  // corruption stream; Stage I uses each model's stage1.seed
  KernelTraining training = KernelTraining::AllMemories;
  int eigenThreads = 0;  // OpenMP threads for the evaluations and Stage I (0 = process default)
};

struct MetastableComparison {
  std::string model;
  bool usesStage1 = false;
  int stage1Steps = 0;    // steps actually taken (kernel models)
  OutcomeSummary before;  // kernel with W at its init (identity init: the dot baseline)
  OutcomeSummary after;   // kernel with the trained W; equal to `before` without Stage I
};

// Every memory as a corrupted query, per model, before and after Stage I. Throws UhopError if
// Stage I diverges, ConfigError on bad settings; returns what is done if *cancel becomes true.
std::vector<MetastableComparison> compareBeforeAfterStage1(
    const MemorySet& memories, const std::vector<ModelSpec>& models, const MetastableConfig& config,
    const std::atomic<bool>* cancel = nullptr);

}  // namespace uhop
