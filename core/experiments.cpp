#include "core/experiments.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <thread>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/evaluation.h"
#include "core/omp_threads.h"

namespace uhop {

namespace {

int resolveEigenThreads(int requested) {
  if (requested < 0) throw ConfigError("Eigen threads cannot be negative");
  if (requested > 0) return requested;
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

bool isCancelled(const std::atomic<bool>* cancel) {
  return cancel && cancel->load(std::memory_order_relaxed);
}

std::string formatNumber(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// Display name of a model from its parts (the default list's names for the paper's models).
std::string modelName(SimilarityKind sim, const Separation& sep, OptimizerKind optimizer) {
  std::string name;
  const bool kernel = sim == SimilarityKind::Kernel;
  if (sim == SimilarityKind::Dot || kernel) {
    const std::string base = kernel ? "U-Hop" : "MHM";
    if (sep.kind == SeparationKind::Softmax)
      name = base;
    else if (sep.kind == SeparationKind::Sparsemax)
      name = "sparse " + base;
    else if (sep.kind == SeparationKind::Entmax)
      name = "entmax-" + formatNumber(sep.alpha) + " " + base;
    else
      name = similarityName(sim) + "+" + sep.name();
  } else if (sim == SimilarityKind::MeanProjected && sep.kind == SeparationKind::Softmax) {
    name = "mean-projected";
  } else {
    name = similarityName(sim) + "+" + sep.name();
  }
  if (optimizer == OptimizerKind::Reference) name += " (reference schedule)";
  if (optimizer == OptimizerKind::Adam) name += " (Adam)";
  return name;
}

// `optimizer` is the Stage I optimiser of kernel models (the default one for the others).
ModelSpec makeSpec(SimilarityKind sim, const Separation& sep,
                   OptimizerKind optimizer = Stage1Config{}.optimizer) {
  ModelSpec spec;
  spec.model.similarity = sim;
  spec.model.separation = sep;
  spec.stage1.optimizer = optimizer;
  spec.name = modelName(sim, sep, optimizer);
  return spec;
}

bool isWhole(double v) {
  return std::isfinite(v) && v == std::floor(v);
}

double sampleStd(const std::vector<double>& v, double mean) {
  if (v.size() < 2) return 0;
  double sum = 0;
  for (double x : v) sum += (x - mean) * (x - mean);
  return std::sqrt(sum / static_cast<double>(v.size() - 1));
}

double meanOf(const std::vector<double>& v) {
  if (v.empty()) return std::nan("");
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

// Stage I settings that change W, as a map key. The seed only matters for Gaussian inits and
// minibatches; the learning rate is resolved (0 = the optimiser's default) as Stage1 does.
std::string stage1Key(const Stage1Config& c, int dimension, int trainOffset, int trainCount) {
  const bool minibatch = c.batchSize > 0 && c.batchSize < trainCount;
  const bool seeded = c.init != FeatureInit::Identity || minibatch;
  std::ostringstream key;
  key << std::hexfloat << trainOffset << '/' << trainCount << '/'
      << (c.featureDim > 0 ? c.featureDim : dimension) << '/' << featureInitName(c.init) << '/'
      << (seeded ? c.seed : 0) << '/' << lossKindName(c.loss.kind) << '/' << c.loss.t << '/'
      << optimizerName(c.optimizer) << '/'
      << (c.learningRate == 0 ? defaultLearningRate(c.optimizer) : c.learningRate) << '/'
      << c.normalizeRows << '/' << (minibatch ? c.batchSize : 0);
  return key.str();
}

int trainingCount(KernelTraining training, int M) {
  return training == KernelTraining::FirstHalf ? M / 2 : M;
}

}  // namespace

// --- names and grids ---

SweepKind parseSweepKind(const std::string& name) {
  if (name == "capacity") return SweepKind::Capacity;
  if (name == "noise") return SweepKind::Noise;
  if (name == "stage1") return SweepKind::Stage1Steps;
  if (name == "beta") return SweepKind::Beta;
  throw ConfigError("unknown sweep '" + name + "' (expected capacity, noise, stage1 or beta)");
}

std::string sweepKindName(SweepKind kind) {
  switch (kind) {
    case SweepKind::Capacity:
      return "capacity";
    case SweepKind::Noise:
      return "noise";
    case SweepKind::Stage1Steps:
      return "stage1";
    case SweepKind::Beta:
      return "beta";
  }
  return "?";
}

std::vector<double> defaultGrid(SweepKind kind) {
  switch (kind) {
    case SweepKind::Capacity:
      return {10, 20, 30, 50, 100, 200, 500};
    case SweepKind::Noise:
      return {0, .01, .05, .1, .3, .5, .7, 1, 1.2, 1.4, 2, 3, 4};
    case SweepKind::Stage1Steps:
      return {0, 1, 2, 5, 10, 20, 50, 100, 200};
    case SweepKind::Beta: {
      std::vector<double> grid;
      for (int k = 0; k <= 8; ++k) grid.push_back(std::pow(10.0, -2.0 + 0.5 * k));
      return grid;
    }
  }
  return {};
}

std::string sweepAxisLabel(SweepKind kind) {
  switch (kind) {
    case SweepKind::Capacity:
      return "memories M";
    case SweepKind::Noise:
      return "noise σ";
    case SweepKind::Stage1Steps:
      return "Stage I steps N";
    case SweepKind::Beta:
      return "inverse temperature β";
  }
  return "x";
}

void validateGrid(SweepKind kind, const std::vector<double>& grid) {
  if (grid.empty()) throw ConfigError(sweepKindName(kind) + " sweep: the grid is empty");
  for (double x : grid) {
    auto fail = [&](const std::string& why) {
      return ConfigError(sweepKindName(kind) + " sweep: grid value " + formatNumber(x) + " " + why);
    };
    switch (kind) {
      case SweepKind::Capacity:
        if (!isWhole(x) || x < 2 || x > 1e7) throw fail("is not a whole number of memories >= 2");
        break;
      case SweepKind::Noise:
        if (!(x >= 0 && x <= 100)) throw fail("is outside the noise range [0, 100]");
        break;
      case SweepKind::Stage1Steps:
        if (!isWhole(x) || x < 0 || x > 1e6) throw fail("is not a step count in 0..1000000");
        break;
      case SweepKind::Beta:
        if (!(x > 0) || !std::isfinite(x) || x > 1e12) throw fail("is not a positive beta");
        break;
    }
  }
}

bool sweepLogX(SweepKind kind) {
  return kind == SweepKind::Capacity || kind == SweepKind::Beta;
}

KernelTraining parseKernelTraining(const std::string& name) {
  if (name == "all") return KernelTraining::AllMemories;
  if (name == "first-half") return KernelTraining::FirstHalf;
  throw ConfigError("unknown kernel training set '" + name + "' (expected all or first-half)");
}

std::string kernelTrainingName(KernelTraining training) {
  return training == KernelTraining::FirstHalf ? "first-half" : "all";
}

// --- models ---

std::vector<ModelSpec> defaultModels() {
  return {makeSpec(SimilarityKind::Dot, Separation::softmax()),
          makeSpec(SimilarityKind::Dot, Separation::sparsemax()),
          makeSpec(SimilarityKind::MeanProjected, Separation::softmax()),
          makeSpec(SimilarityKind::Kernel, Separation::softmax()),
          makeSpec(SimilarityKind::Kernel, Separation::softmax(), OptimizerKind::Reference)};
}

ModelSpec modelFromKey(const std::string& rawKey) {
  std::string key = rawKey;
  key.erase(0, key.find_first_not_of(" \t"));
  key.erase(key.find_last_not_of(" \t") + 1);
  auto fail = [&](const std::string& why) -> ConfigError {
    return ConfigError(
        "model '" + rawKey + "': " + why +
        " (expected mhm, sparse, entmax:A, meanproj, l2, l1, uhop, uhop-adam, uhop-ref, "
        "uhop-sparse, uhop-entmax:A, or SIM+SEP[@ref|@adam])");
  };
  try {
    if (key == "mhm") return makeSpec(SimilarityKind::Dot, Separation::softmax());
    if (key == "sparse") return makeSpec(SimilarityKind::Dot, Separation::sparsemax());
    if (key == "meanproj") return makeSpec(SimilarityKind::MeanProjected, Separation::softmax());
    if (key == "l2") return makeSpec(SimilarityKind::NegL2, Separation::softmax());
    if (key == "l1") return makeSpec(SimilarityKind::NegL1, Separation::softmax());
    if (key == "uhop") return makeSpec(SimilarityKind::Kernel, Separation::softmax());
    if (key == "uhop-adam")
      return makeSpec(SimilarityKind::Kernel, Separation::softmax(), OptimizerKind::Adam);
    if (key == "uhop-ref")
      return makeSpec(SimilarityKind::Kernel, Separation::softmax(), OptimizerKind::Reference);
    if (key == "uhop-sparse") return makeSpec(SimilarityKind::Kernel, Separation::sparsemax());
    if (key.rfind("uhop-entmax:", 0) == 0)
      return makeSpec(SimilarityKind::Kernel, Separation::parse(key.substr(5)));
    if (key.rfind("entmax:", 0) == 0) return makeSpec(SimilarityKind::Dot, Separation::parse(key));
    const auto plus = key.find('+');
    if (plus == std::string::npos) throw fail("unknown model");
    std::string sepText = key.substr(plus + 1);
    OptimizerKind optimizer = Stage1Config{}.optimizer;
    if (const auto at = sepText.find('@'); at != std::string::npos) {
      const std::string suffix = sepText.substr(at);
      if (suffix == "@ref")
        optimizer = OptimizerKind::Reference;
      else if (suffix == "@adam")
        optimizer = OptimizerKind::Adam;
      else
        throw fail("unknown suffix '" + suffix + "'");
      sepText = sepText.substr(0, at);
    }
    const SimilarityKind sim = parseSimilarity(key.substr(0, plus));
    if (optimizer != Stage1Config{}.optimizer && sim != SimilarityKind::Kernel)
      throw fail("a Stage I suffix (@ref, @adam) needs the kernel similarity");
    return makeSpec(sim, Separation::parse(sepText), optimizer);
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    if (what.rfind("model '", 0) == 0) throw;
    throw fail(what);
  }
}

std::vector<ModelSpec> parseModelList(const std::string& list) {
  std::vector<ModelSpec> models;
  std::stringstream in(list);
  std::string key;
  std::set<std::string> names;
  while (std::getline(in, key, ',')) {
    models.push_back(modelFromKey(key));
    if (!names.insert(models.back().name).second)
      throw ConfigError("the model list has '" + models.back().name + "' twice");
  }
  if (models.empty()) throw ConfigError("the model list is empty");
  return models;
}

std::string modelKey(const ModelSpec& spec) {
  const bool kernel = spec.usesStage1();
  const OptimizerKind opt = spec.stage1.optimizer;
  return similarityName(spec.model.similarity) + "+" + spec.model.separation.name() +
         (kernel && opt == OptimizerKind::Reference ? "@ref"
          : kernel && opt == OptimizerKind::Adam    ? "@adam"
                                                    : "");
}

// --- aggregation ---

std::vector<SweepPoint> aggregateRows(const std::vector<SweepRow>& rows,
                                      const SweepConfig& config) {
  const size_t nx = config.grid.size(), nm = config.models.size();
  struct Acc {
    std::vector<double> error, correct, metastable;
    int rows = 0, failed = 0;
  };
  std::vector<Acc> acc(nx * nm);
  for (const SweepRow& r : rows) {
    if (r.xIndex < 0 || r.modelIndex < 0 || size_t(r.xIndex) >= nx || size_t(r.modelIndex) >= nm)
      continue;
    Acc& a = acc[size_t(r.xIndex) * nm + size_t(r.modelIndex)];
    ++a.rows;
    if (!r.failure.empty()) {
      ++a.failed;
      continue;
    }
    a.error.push_back(r.meanError);
    a.correct.push_back(r.correctFraction);
    a.metastable.push_back(r.metastableFraction);
  }
  std::vector<SweepPoint> points;
  for (size_t xi = 0; xi < nx; ++xi)
    for (size_t mi = 0; mi < nm; ++mi) {
      const Acc& a = acc[xi * nm + mi];
      if (a.rows == 0) continue;
      SweepPoint p;
      p.xIndex = static_cast<int>(xi);
      p.modelIndex = static_cast<int>(mi);
      p.x = config.grid[xi];
      p.model = config.models[mi].name;
      p.seeds = static_cast<int>(a.error.size());
      p.failed = a.failed;
      p.meanError = meanOf(a.error);
      p.stdError = sampleStd(a.error, p.meanError);
      p.meanCorrect = meanOf(a.correct);
      p.stdCorrect = sampleStd(a.correct, p.meanCorrect);
      p.meanMetastable = meanOf(a.metastable);
      p.stdMetastable = sampleStd(a.metastable, p.meanMetastable);
      points.push_back(std::move(p));
    }
  return points;
}

// --- Stage I runs shared by cells ---

// One Stage I run on one set of training memories, kept at every step count some cell needs.
// A snapshot is dropped once the last cell using it has finished, the optimiser once the last
// needed step is reached, so a long sweep holds only the W it still needs.
struct Sweep::Trajectory {
  std::mutex mutex;
  std::shared_ptr<const Matrix> patterns;
  Stage1Config config;                                     // steps = the largest N needed
  std::map<int, int> uses;                                 // N → cells still to finish
  std::map<int, std::shared_ptr<const Matrix>> snapshots;  // N → finalFeatureMap() after N steps
  std::unique_ptr<Stage1> stage1;
  std::string failure;  // Stage I diverged: no W beyond `lastGoodStep`
  int lastGoodStep = -1;

  void snapshot() {
    const int n = stage1->stepsDone();
    if (uses.count(n) && !snapshots.count(n))
      snapshots[n] = std::make_shared<const Matrix>(stage1->finalFeatureMap());
  }

  // W after N steps; nullptr if cancelled. Throws UhopError when Stage I diverged before N.
  std::shared_ptr<const Matrix> get(int N, const std::atomic<bool>* cancel) {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = snapshots.find(N); it != snapshots.end()) return it->second;
    if (!failure.empty() && N > lastGoodStep) throw UhopError(failure);
    if (!stage1 || stage1->stepsDone() > N) {
      stage1 = std::make_unique<Stage1>(patterns, config);
      if (stage1->diverged()) {
        failure = stage1->divergenceMessage();
        lastGoodStep = -1;
        stage1.reset();
        throw UhopError(failure);
      }
      snapshot();
    }
    while (stage1->stepsDone() < N) {
      if (isCancelled(cancel)) return nullptr;
      if (!stage1->step()) {
        failure = stage1->divergenceMessage();
        lastGoodStep = stage1->stepsDone();
        stage1.reset();
        throw UhopError(failure);
      }
      snapshot();
    }
    if (stage1->stepsDone() >= config.steps) stage1.reset();
    return snapshots.at(N);
  }

  void release(int N) {
    std::lock_guard<std::mutex> lock(mutex);
    if (--uses[N] <= 0) snapshots.erase(N);
  }
};

// --- the sweep ---

Sweep::Sweep(std::shared_ptr<const MemorySet> pool, SweepConfig config)
    : pool_(std::move(pool)), config_(std::move(config)) {
  Eigen::initParallel();
  if (!pool_ || pool_->count() == 0) throw ConfigError("the sweep has no memories");
  if (config_.grid.empty()) config_.grid = defaultGrid(config_.kind);
  if (config_.models.empty()) config_.models = defaultModels();
  if (config_.seeds < 1 || config_.seeds > 10000) throw ConfigError("seeds must be in 1..10000");
  if (config_.steps < 0 || config_.steps > 100000)
    throw ConfigError("retrieval steps must be in 0..100000");
  if (config_.offset < 0) throw ConfigError("the memory offset cannot be negative");
  config_.eigenThreads = resolveEigenThreads(config_.eigenThreads);
  if (config_.shards < 1 || config_.shard < 1 || config_.shard > config_.shards)
    throw ConfigError("shard " + std::to_string(config_.shard) + "/" +
                      std::to_string(config_.shards) + ": need 1 <= I <= N");
  std::set<std::string> names;
  bool anyKernel = false;
  for (const ModelSpec& m : config_.models) {
    if (m.name.empty()) throw ConfigError("every model needs a name");
    if (!names.insert(m.name).second) throw ConfigError("two models are named '" + m.name + "'");
    if (!(m.model.beta > 0) || !std::isfinite(m.model.beta))
      throw ConfigError("model '" + m.name + "': beta must be a positive finite number");
    anyKernel = anyKernel || m.usesStage1();
  }

  const SweepKind kind = config_.kind;
  validateGrid(kind, config_.grid);
  auto checkCount = [&](int M, double x) {
    auto fail = [&](const std::string& why) {
      return ConfigError(sweepKindName(kind) + " sweep: grid value " + formatNumber(x) + " " + why);
    };
    if (M < 2) throw fail("needs at least 2 memories");
    if (config_.offset + static_cast<int64_t>(M) > pool_->count())
      throw fail("needs memories " + std::to_string(config_.offset) + " to " +
                 std::to_string(config_.offset + M) + " but " + pool_->source + " holds " +
                 std::to_string(pool_->count()));
    if (anyKernel && trainingCount(config_.training, M) < 2)
      throw fail("leaves fewer than 2 memories to train the kernel on");
  };
  for (double x : config_.grid)
    checkCount(kind == SweepKind::Capacity ? static_cast<int>(x) : config_.memories, x);

  const int nx = static_cast<int>(config_.grid.size());
  const int nm = static_cast<int>(config_.models.size());
  for (int xi = 0; xi < nx; ++xi)
    for (int s = 0; s < config_.seeds; ++s)
      for (int mi = 0; mi < nm; ++mi) {
        SweepCell c;
        c.index = static_cast<int>(cells_.size());
        c.xIndex = xi;
        c.seedIndex = s;
        c.modelIndex = mi;
        c.x = config_.grid[xi];
        c.seed = config_.firstSeed + static_cast<uint64_t>(s);
        c.memories = kind == SweepKind::Capacity ? static_cast<int>(c.x) : config_.memories;
        c.corruption =
            kind == SweepKind::Noise ? Corruption{CorruptionKind::Noise, c.x} : config_.corruption;
        c.model = config_.models[mi];
        if (kind == SweepKind::Beta) c.model.model.beta = c.x;
        std::string key;
        if (c.model.usesStage1()) {
          Stage1Config& s1 = c.model.stage1;
          s1 = c.model.effectiveStage1();
          s1.seed = c.seed;
          if (kind == SweepKind::Stage1Steps) s1.steps = static_cast<int>(c.x);
          key = stage1Key(s1, pool_->dimension(), config_.offset,
                          trainingCount(config_.training, c.memories));
        }
        trajectoryOfCell_.push_back(key);
        cells_.push_back(std::move(c));
      }
  rows_.resize(cells_.size());
  for (const SweepCell& c : cells_) {
    queue_.push_back(c.index);
    addToTrajectory(c);
  }
  estimateWork();
  if (config_.shards > 1) {
    // Cell i goes to the slice its work midpoint falls in; cellWork_ is over every cell here.
    std::vector<int> mine;
    double before = 0;
    for (int i = 0; i < static_cast<int>(cells_.size()); ++i) {
      const double mid = before + cellWork_[i] / 2;
      before += cellWork_[i];
      const int slice = std::min(config_.shards - 1, static_cast<int>(mid * config_.shards));
      if (slice == config_.shard - 1) mine.push_back(i);
    }
    // Train only the Stage I runs this slice needs.
    trajectories_.clear();
    queue_ = std::move(mine);
    for (int i : queue_) addToTrajectory(cells_[i]);
    estimateWork();
  }
}

void Sweep::addToTrajectory(const SweepCell& c) {
  const std::string& key = trajectoryOfCell_[c.index];
  if (key.empty()) return;
  const Stage1Config& s1 = c.model.stage1;
  auto& t = trajectories_[key];
  if (!t) {
    t = std::make_shared<Trajectory>();
    t->patterns = std::make_shared<const Matrix>(pool_->patterns.middleCols(
        config_.offset, trainingCount(config_.training, c.memories)));
    t->config = s1;
    t->config.steps = 0;
  }
  t->config.steps = std::max(t->config.steps, s1.steps);
  t->uses[s1.steps] += 1;
}

// Flop estimates (only their ratios matter): a cell's T + 1 score products and T state updates
// (2·d·M² each), the kernel's A = ΞᵀWᵀW (D·d·(d + M)), and an equal share of its Stage I run
// (per step about 3·D·d·M_train + 2·D·M_train² for features, Gram and gradient).
void Sweep::estimateWork() {
  const double d = pool_->dimension();
  std::map<std::string, int> cellsOfTrajectory;
  for (int i : queue_)
    if (!trajectoryOfCell_[i].empty()) ++cellsOfTrajectory[trajectoryOfCell_[i]];
  cellWork_.assign(cells_.size(), 0.0);
  double total = 0;
  for (int i : queue_) {
    const SweepCell& c = cells_[i];
    const double M = c.memories;
    double work = 2.0 * d * M * M * (2.0 * config_.steps + 1.0) + d * M;
    const std::string& key = trajectoryOfCell_[c.index];
    if (!key.empty()) {
      const Trajectory& t = *trajectories_.at(key);
      const double D = t.config.featureDim > 0 ? t.config.featureDim : d;
      const double Mt = static_cast<double>(t.patterns->cols());
      work += D * d * (d + M);
      work += std::max(1, t.config.steps) * (3.0 * D * d * Mt + 2.0 * D * Mt * Mt) /
              cellsOfTrajectory[key];
    }
    cellWork_[c.index] = work;
    total += work;
  }
  if (total > 0)
    for (double& w : cellWork_) w /= total;
}

double Sweep::progress() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::min(1.0, workDone_);
}

Sweep::~Sweep() = default;

std::optional<int> Sweep::takeCell() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!returned_.empty()) {
    // Smallest returned index first, so a resumed sweep keeps cell order.
    auto it = std::min_element(returned_.begin(), returned_.end());
    const int index = *it;
    returned_.erase(it);
    return index;
  }
  if (nextCell_ < totalCells()) return queue_[nextCell_++];
  return std::nullopt;
}

void Sweep::returnCell(int index) {
  std::lock_guard<std::mutex> lock(mutex_);
  returned_.push_back(index);
}

std::shared_ptr<const Matrix> Sweep::featureMap(const SweepCell& cell,
                                                const std::atomic<bool>* cancel) {
  Trajectory& t = *trajectories_.at(trajectoryOfCell_[cell.index]);
  return t.get(cell.model.stage1.steps, cancel);
}

std::optional<SweepRow> Sweep::runCell(int index, const std::atomic<bool>* cancel) {
  const SweepCell& c = cells_[index];
  const auto start = std::chrono::steady_clock::now();
  SweepRow row;
  row.index = index;
  row.xIndex = c.xIndex;
  row.modelIndex = c.modelIndex;
  row.seedIndex = c.seedIndex;
  row.x = c.x;
  row.model = c.model.name;
  row.seed = c.seed;
  row.memories = c.memories;
  try {
    auto memories = std::make_shared<const MemorySet>(pool_->slice(config_.offset, c.memories));
    auto patterns = std::shared_ptr<const Matrix>(memories, &memories->patterns);
    std::shared_ptr<const Matrix> W;
    if (c.model.usesStage1()) {
      W = featureMap(c, cancel);
      if (!W) return std::nullopt;
      // The trajectory holds finalFeatureMap() (rows already normalised as configured).
      if (c.model.kernelScale)
        W = std::make_shared<const Matrix>(kernelFeatureMap(*W, false, c.model.kernelScale));
    }
    EvaluationResult result = evaluateAllMemories(*memories, patterns, c.model.model, W.get(),
                                                  c.corruption, c.seed, config_.steps, false);
    row.meanError = result.summary.meanError;
    row.correctFraction = result.summary.correctFraction;
    row.wrongSingleFraction = result.summary.wrongSingleFraction;
    row.metastableFraction = result.summary.metastableFraction;
    row.supportHistogram = result.summary.supportHistogram;
    row.diffuseFraction = result.summary.diffuseFraction;
  } catch (const std::exception& e) {
    row.failure = e.what();
    row.meanError = row.correctFraction = row.wrongSingleFraction = row.metastableFraction =
        row.diffuseFraction = std::nan("");
  }
  if (!trajectoryOfCell_[index].empty())
    trajectories_.at(trajectoryOfCell_[index])->release(c.model.stage1.steps);
  row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return row;
}

void Sweep::storeRow(SweepRow row, const std::function<void(const SweepRow&)>* onRow) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    workDone_ += cellWork_[row.index];
    rows_[row.index] = row;
  }
  done_.fetch_add(1);
  if (onRow && *onRow) {
    std::lock_guard<std::mutex> lock(callbackMutex_);
    (*onRow)(row);
  }
}

bool Sweep::step(const std::atomic<bool>* cancel) {
  if (isCancelled(cancel)) return false;
  const std::optional<int> index = takeCell();
  if (!index) return false;
  OmpThreadsScope scope(config_.eigenThreads);
  std::optional<SweepRow> row = runCell(*index, cancel);
  if (!row) {
    returnCell(*index);
    return false;
  }
  storeRow(std::move(*row), nullptr);
  return true;
}

void Sweep::run(const std::atomic<bool>* cancel, int threads,
                const std::function<void(const SweepRow&)>& onRow) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = std::min(threads, std::max(1, totalCells() - cellsDone()));
  auto worker = [&] {
    OmpThreadsScope scope(config_.eigenThreads);
    while (!isCancelled(cancel)) {
      const std::optional<int> index = takeCell();
      if (!index) return;
      std::optional<SweepRow> row = runCell(*index, cancel);
      if (!row) {
        returnCell(*index);
        return;
      }
      storeRow(std::move(*row), &onRow);
    }
  };
  if (threads == 1) {
    worker();
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (int i = 0; i < threads; ++i) pool.emplace_back(worker);
  for (std::thread& t : pool) t.join();
}

std::vector<SweepRow> Sweep::rows() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<SweepRow> out;
  for (const auto& row : rows_)
    if (row) out.push_back(*row);
  return out;
}

// --- metastable states before vs after Stage I ---

std::vector<MetastableComparison> compareBeforeAfterStage1(const MemorySet& memories,
                                                           const std::vector<ModelSpec>& models,
                                                           const MetastableConfig& config,
                                                           const std::atomic<bool>* cancel) {
  OmpThreadsScope scope(resolveEigenThreads(config.eigenThreads));
  auto patterns = std::make_shared<const Matrix>(memories.patterns);
  const int trainCount = trainingCount(config.training, memories.count());
  std::shared_ptr<const Matrix> trainPatterns =
      trainCount == memories.count()
          ? patterns
          : std::make_shared<const Matrix>(memories.patterns.leftCols(trainCount));
  std::vector<MetastableComparison> out;
  for (const ModelSpec& spec : models) {
    if (isCancelled(cancel)) break;
    MetastableComparison c;
    c.model = spec.name;
    c.usesStage1 = spec.usesStage1();
    // False when *cancel stopped the evaluation (its summary is then incomplete).
    RetrievalControl control;
    control.cancel = cancel;
    auto evaluate = [&](const Matrix* W, OutcomeSummary& summary) {
      EvaluationResult r = evaluateAllMemories(
          memories, patterns, spec.model, W, config.corruption, config.seed, config.steps, false,
          kDefaultMemoryBudgetBytes, false, kRetrievalChunkBytes, control);
      summary = r.summary;
      return !r.cancelled;
    };
    if (!c.usesStage1) {
      if (!evaluate(nullptr, c.before)) break;
      c.after = c.before;
      out.push_back(std::move(c));
      continue;
    }
    const Stage1Config s1 = spec.effectiveStage1();
    Stage1 stage1(trainPatterns, s1);
    if (stage1.diverged()) throw UhopError(spec.name + ": " + stage1.divergenceMessage());
    const Matrix before = initialKernelFeatureMap(s1, memories.dimension(), spec.kernelScale);
    if (!evaluate(&before, c.before)) break;
    stage1.run(cancel);
    if (isCancelled(cancel) && !stage1.finished()) break;
    if (stage1.diverged()) throw UhopError(spec.name + ": " + stage1.divergenceMessage());
    const Matrix after = kernelFeatureMap(stage1.featureMap(), s1.normalizeRows, spec.kernelScale);
    if (!evaluate(&after, c.after)) break;
    c.stage1Steps = stage1.stepsDone();
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace uhop
