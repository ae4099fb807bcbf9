// Tests for core/experiments: sweep bookkeeping on a tiny memory set (d = 16, 12 memories) —
// cell count and order, each cell equal to a direct evaluateAllMemories call, mean/std over seeds
// by hand, independence from the thread count, cancel with a consistent partial result, Stage I
// shared across cells (the stage1 sweep equals separate runs), first-half training, model keys,
// and the metastable before/after-Stage-I comparison (docs/method.md §8 and §5).
#include "core/experiments.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <thread>

#include "core/evaluation.h"
#include "core/omp_threads.h"
#include "tests/core/test_reference.h"

namespace uhop {
namespace {

std::shared_ptr<const MemorySet> tinySet(int count = 12) {
  auto set = std::make_shared<MemorySet>();
  set->patterns = testref::uniformMatrix(16, count, 2024);
  set->shape = {4, 4, 1};
  set->source = "tiny";
  return set;
}

ModelSpec quickUhop(const std::string& key = "uhop", int steps = 20) {
  ModelSpec m = modelFromKey(key);
  m.stage1.steps = steps;
  return m;
}

SweepConfig tinyCapacity() {
  SweepConfig c;
  c.kind = SweepKind::Capacity;
  c.grid = {4, 8, 12};
  c.models = {modelFromKey("mhm"), modelFromKey("sparse"), quickUhop()};
  c.seeds = 3;
  c.firstSeed = 7;
  return c;
}

// Runs the calling thread's OpenMP regions (our product splits, OpenBLAS, core's parallel loops)
// on one thread, as the sweep's cells do by default (SweepConfig::eigenThreads = 1): float rounding
// depends on the thread count, and the comparisons below are exact.
struct SingleThreaded : OmpThreadsScope {
  SingleThreaded() : OmpThreadsScope(1) {}
};

// What one cell should be, computed without the sweep.
OutcomeSummary directCell(const MemorySet& pool, const SweepConfig& config, const SweepRow& row) {
  SingleThreaded single;
  const ModelSpec& spec = config.models[row.modelIndex];
  MemorySet memories = pool.slice(config.offset, row.memories);
  auto patterns = std::make_shared<const Matrix>(memories.patterns);
  ModelConfig model = spec.model;
  if (config.kind == SweepKind::Beta) model.beta = row.x;
  Matrix W;
  if (spec.usesStage1()) {
    Stage1Config s1 = spec.stage1;
    s1.seed = row.seed;
    if (config.kind == SweepKind::Stage1Steps) s1.steps = static_cast<int>(row.x);
    const int trainCount =
        config.training == KernelTraining::FirstHalf ? row.memories / 2 : row.memories;
    W = trainFeatureMap(std::make_shared<const Matrix>(patterns->leftCols(trainCount)), s1);
  }
  Corruption corruption = config.kind == SweepKind::Noise ? Corruption{CorruptionKind::Noise, row.x}
                                                          : config.corruption;
  return evaluateAllMemories(memories, patterns, model, W.size() ? &W : nullptr, corruption,
                             row.seed, config.steps, false)
      .summary;
}

void expectSameRows(const std::vector<SweepRow>& a, const std::vector<SweepRow>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].index, b[i].index);
    EXPECT_EQ(a[i].model, b[i].model);
    EXPECT_EQ(a[i].seed, b[i].seed);
    EXPECT_EQ(a[i].x, b[i].x);
    EXPECT_EQ(a[i].meanError, b[i].meanError) << "row " << i;
    EXPECT_EQ(a[i].correctFraction, b[i].correctFraction) << "row " << i;
    EXPECT_EQ(a[i].metastableFraction, b[i].metastableFraction) << "row " << i;
    EXPECT_EQ(a[i].supportHistogram, b[i].supportHistogram) << "row " << i;
  }
}

TEST(Experiments, RowCountIsGridTimesModelsTimesSeedsInCellOrder) {
  Sweep sweep(tinySet(), tinyCapacity());
  EXPECT_EQ(sweep.totalCells(), 3 * 3 * 3);
  sweep.run(nullptr, 2);
  EXPECT_TRUE(sweep.finished());
  EXPECT_NEAR(sweep.progress(), 1.0, 1e-9);
  const std::vector<SweepRow> rows = sweep.rows();
  ASSERT_EQ(rows.size(), 27u);
  for (size_t i = 0; i < rows.size(); ++i) {
    const SweepRow& r = rows[i];
    EXPECT_EQ(r.index, static_cast<int>(i));
    EXPECT_EQ(r.xIndex, static_cast<int>(i / 9));
    EXPECT_EQ(r.seedIndex, static_cast<int>(i / 3 % 3));
    EXPECT_EQ(r.modelIndex, static_cast<int>(i % 3));
    EXPECT_EQ(r.memories, static_cast<int>(r.x));
    EXPECT_EQ(r.seed, 7u + static_cast<uint64_t>(r.seedIndex));
    EXPECT_TRUE(r.failure.empty()) << r.failure;
    EXPECT_NEAR(r.correctFraction + r.wrongSingleFraction + r.metastableFraction, 1.0, 1e-12);
    int histogramTotal = 0;
    for (int count : r.supportHistogram) histogramTotal += count;
    EXPECT_EQ(histogramTotal, r.memories);
  }
  EXPECT_EQ(sweep.aggregate().size(), 9u);
}

TEST(Experiments, EveryCellEqualsADirectEvaluation) {
  auto pool = tinySet();
  for (SweepKind kind :
       {SweepKind::Capacity, SweepKind::Noise, SweepKind::Stage1Steps, SweepKind::Beta}) {
    SweepConfig config = tinyCapacity();
    config.kind = kind;
    config.memories = 10;
    config.offset = 1;
    config.seeds = 2;
    config.steps = 2;
    if (kind == SweepKind::Capacity) config.grid = {4, 11};
    if (kind == SweepKind::Noise) config.grid = {0, 0.3, 2};
    if (kind == SweepKind::Stage1Steps) config.grid = {0, 3, 10};
    if (kind == SweepKind::Beta) config.grid = {0.1, 1, 30};
    Sweep sweep(pool, config);
    sweep.run(nullptr, 2);
    for (const SweepRow& row : sweep.rows()) {
      SCOPED_TRACE(sweepKindName(kind) + " x=" + std::to_string(row.x) + " " + row.model);
      const OutcomeSummary direct = directCell(*pool, sweep.config(), row);
      EXPECT_EQ(row.meanError, direct.meanError);
      EXPECT_EQ(row.correctFraction, direct.correctFraction);
      EXPECT_EQ(row.wrongSingleFraction, direct.wrongSingleFraction);
      EXPECT_EQ(row.metastableFraction, direct.metastableFraction);
      EXPECT_EQ(row.supportHistogram, direct.supportHistogram);
      EXPECT_EQ(row.diffuseFraction, direct.diffuseFraction);
    }
  }
}

TEST(Experiments, RowsCountDiffuseQueries) {
  // 150 memories with entries in [0, 1) over d = 16: scores ⟨ξ, x⟩ lie in [0, 16], so at β = 0.01
  // the softmax weights differ by a factor below e^0.16 ≈ 1.17 and every weight is below
  // 1.17/150 ≈ 0.0078 < ε = 0.01: every query is diffuse. At β = 100 the largest score wins
  // outright, so none is.
  SweepConfig config;
  config.kind = SweepKind::Beta;
  config.grid = {0.01, 100};
  config.models = {modelFromKey("mhm")};
  config.memories = 150;
  config.seeds = 1;
  Sweep sweep(tinySet(150), config);
  sweep.run(nullptr, 1);
  const std::vector<SweepRow> rows = sweep.rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].diffuseFraction, 1.0);
  EXPECT_EQ(rows[0].metastableFraction, 1.0);
  EXPECT_EQ(rows[1].diffuseFraction, 0.0);
}

TEST(Experiments, SweepAxisChangesWhatItShould) {
  auto pool = tinySet();
  SweepConfig config = tinyCapacity();
  config.kind = SweepKind::Noise;
  config.memories = 12;
  config.grid = {0, 4};
  config.seeds = 1;
  Sweep sweep(pool, config);
  sweep.run(nullptr, 1);
  const auto points = sweep.aggregate();
  ASSERT_EQ(points.size(), 6u);
  // σ = 0 leaves the queries equal to the memories; σ = 4 saturates them: error must grow.
  for (int m = 0; m < 3; ++m) EXPECT_LT(points[m].meanError, points[3 + m].meanError);
}

TEST(Experiments, AggregateIsMeanAndSampleStdOverSeeds) {
  SweepConfig config;
  config.grid = {10, 20};
  config.models = {modelFromKey("mhm"), modelFromKey("sparse")};
  std::vector<SweepRow> rows;
  auto add = [&](int xi, int mi, double error, double correct, double metastable,
                 std::string failure = "") {
    SweepRow r;
    r.xIndex = xi;
    r.modelIndex = mi;
    r.x = config.grid[xi];
    r.model = config.models[mi].name;
    r.meanError = error;
    r.correctFraction = correct;
    r.metastableFraction = metastable;
    r.failure = failure;
    rows.push_back(r);
  };
  add(0, 0, 1.0, 0.5, 0.1);
  add(0, 0, 2.0, 0.5, 0.3);
  add(0, 0, 4.0, 0.8, 0.2);
  add(0, 0, std::nan(""), std::nan(""), std::nan(""), "diverged");  // left out, counted
  add(1, 1, 3.0, 1.0, 0.0);                                         // a single seed: std 0
  const std::vector<SweepPoint> points = aggregateRows(rows, config);
  ASSERT_EQ(points.size(), 2u);  // points without rows are not reported
  const SweepPoint& p = points[0];
  EXPECT_EQ(p.model, "MHM");
  EXPECT_EQ(p.x, 10);
  EXPECT_EQ(p.seeds, 3);
  EXPECT_EQ(p.failed, 1);
  EXPECT_NEAR(p.meanError, 7.0 / 3.0, 1e-15);
  // Σ (v − 7/3)² = 16/9 + 1/9 + 25/9 = 42/9; over n − 1 = 2: 7/3.
  EXPECT_NEAR(p.stdError, std::sqrt(7.0 / 3.0), 1e-15);
  EXPECT_NEAR(p.meanCorrect, 0.6, 1e-15);
  EXPECT_NEAR(p.stdCorrect, std::sqrt((0.01 + 0.01 + 0.04) / 2), 1e-15);
  EXPECT_NEAR(p.meanMetastable, 0.2, 1e-15);
  EXPECT_NEAR(p.stdMetastable, 0.1, 1e-15);
  const SweepPoint& q = points[1];
  EXPECT_EQ(q.model, "sparse MHM");
  EXPECT_EQ(q.x, 20);
  EXPECT_EQ(q.seeds, 1);
  EXPECT_EQ(q.meanError, 3.0);
  EXPECT_EQ(q.stdError, 0.0);
}

TEST(Experiments, AggregateOfARealSweepMatchesItsRows) {
  Sweep sweep(tinySet(), tinyCapacity());
  sweep.run(nullptr, 2);
  const auto rows = sweep.rows();
  for (const SweepPoint& p : sweep.aggregate()) {
    std::vector<double> v;
    for (const SweepRow& r : rows)
      if (r.xIndex == p.xIndex && r.modelIndex == p.modelIndex) v.push_back(r.meanError);
    ASSERT_EQ(v.size(), 3u);
    const double mean = (v[0] + v[1] + v[2]) / 3;
    const double var = ((v[0] - mean) * (v[0] - mean) + (v[1] - mean) * (v[1] - mean) +
                        (v[2] - mean) * (v[2] - mean)) /
                       2;
    EXPECT_NEAR(p.meanError, mean, 1e-12 * (1 + mean));
    EXPECT_NEAR(p.stdError, std::sqrt(var), 1e-9 * (1 + mean));
  }
}

TEST(Experiments, ResultsDoNotDependOnTheThreadCount) {
  auto pool = tinySet();
  SweepConfig config = tinyCapacity();
  config.models.push_back(quickUhop("uhop-ref"));
  Sweep one(pool, config), two(pool, config), stepped(pool, config);
  one.run(nullptr, 1);
  two.run(nullptr, 2);
  while (stepped.step()) {
  }
  expectSameRows(one.rows(), two.rows());
  expectSameRows(one.rows(), stepped.rows());
  EXPECT_EQ(one.rows().size(), static_cast<size_t>(one.totalCells()));
}

TEST(Experiments, CancelBetweenCellsLeavesAConsistentPartialResultThatResumes) {
  auto pool = tinySet();
  Sweep full(pool, tinyCapacity());
  full.run(nullptr, 1);

  Sweep sweep(pool, tinyCapacity());
  std::atomic<bool> cancel{false};
  int seen = 0;
  sweep.run(&cancel, 2, [&](const SweepRow&) {
    if (++seen == 5) cancel = true;
  });
  const auto partial = sweep.rows();
  EXPECT_GE(sweep.cellsDone(), 5);
  EXPECT_LT(sweep.cellsDone(), sweep.totalCells());
  EXPECT_EQ(partial.size(), static_cast<size_t>(sweep.cellsDone()));
  EXPECT_FALSE(sweep.finished());
  EXPECT_LT(sweep.progress(), 1.0);
  const auto fullRows = full.rows();
  for (const SweepRow& r : partial) {
    EXPECT_EQ(r.meanError, fullRows[r.index].meanError);
    EXPECT_EQ(r.correctFraction, fullRows[r.index].correctFraction);
  }
  // The aggregate covers exactly the rows that finished.
  int counted = 0;
  for (const SweepPoint& p : sweep.aggregate()) counted += p.seeds + p.failed;
  EXPECT_EQ(counted, static_cast<int>(partial.size()));
  // A step with cancel set does nothing.
  EXPECT_FALSE(sweep.step(&cancel));
  EXPECT_EQ(sweep.rows().size(), partial.size());

  cancel = false;
  sweep.run(&cancel, 2);
  EXPECT_TRUE(sweep.finished());
  expectSameRows(sweep.rows(), fullRows);
}

TEST(Experiments, CancelStopsInsideStageI) {
  SweepConfig config;
  config.kind = SweepKind::Capacity;
  config.grid = {12};
  config.seeds = 1;
  config.models = {quickUhop("uhop", 1000000)};  // seconds of Stage I at least
  Sweep sweep(tinySet(), config);
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel = true;
  });
  sweep.run(&cancel, 1);
  canceller.join();
  EXPECT_EQ(sweep.cellsDone(), 0);
  EXPECT_TRUE(sweep.rows().empty());
  EXPECT_FALSE(sweep.finished());
}

TEST(Experiments, Stage1SweepSharesOneRunAndEqualsSeparateRuns) {
  auto pool = tinySet();
  SweepConfig config;
  config.kind = SweepKind::Stage1Steps;
  config.memories = 12;
  config.grid = {0, 1, 5, 30};
  config.seeds = 1;
  config.models = {modelFromKey("mhm"), modelFromKey("uhop")};
  Sweep sweep(pool, config);
  sweep.run(nullptr, 2);
  const auto rows = sweep.rows();
  ASSERT_EQ(rows.size(), 8u);
  for (const SweepRow& r : rows) {
    const OutcomeSummary direct = directCell(*pool, sweep.config(), r);
    EXPECT_EQ(r.meanError, direct.meanError) << r.model << " N=" << r.x;
  }
  // N = 0 is the identity W: U-Hop is then the dot-product baseline.
  EXPECT_NEAR(rows[1].meanError, rows[0].meanError, 1e-4 * (1 + rows[0].meanError));
  EXPECT_EQ(rows[1].correctFraction, rows[0].correctFraction);
  // Stage I changes the kernel: after 30 steps U-Hop is no longer the baseline.
  EXPECT_NE(rows[7].meanError, rows[0].meanError);
}

TEST(Experiments, FirstHalfTrainingDiffersFromAll) {
  auto pool = tinySet();
  SweepConfig config;
  config.grid = {12};
  config.seeds = 2;
  config.models = {quickUhop("uhop", 50)};
  Sweep all(pool, config);
  config.training = KernelTraining::FirstHalf;
  Sweep half(pool, config);
  all.run(nullptr, 2);
  half.run(nullptr, 2);
  const auto a = all.rows(), h = half.rows();
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_NE(a[0].meanError, h[0].meanError);
  EXPECT_NE(a[1].meanError, h[1].meanError);
  for (const SweepRow& r : h) EXPECT_EQ(r.meanError, directCell(*pool, half.config(), r).meanError);
}

TEST(Experiments, GaussianInitAndMinibatchesUseTheSeed) {
  auto pool = tinySet();
  SweepConfig config;
  config.grid = {12};
  config.seeds = 2;
  ModelSpec m = quickUhop("uhop", 5);
  m.stage1.init = FeatureInit::GaussianScaled;
  ModelSpec batch = quickUhop("uhop", 5);
  batch.name = "U-Hop (minibatch)";
  batch.stage1.batchSize = 4;
  config.models = {m, batch};
  Sweep sweep(pool, config);
  sweep.run(nullptr, 2);
  for (const SweepRow& r : sweep.rows())
    EXPECT_EQ(r.meanError, directCell(*pool, sweep.config(), r).meanError);
}

TEST(Experiments, RejectsSettingsItCannotRun) {
  auto pool = tinySet();
  auto make = [&](auto edit) {
    SweepConfig c = tinyCapacity();
    edit(c);
    return Sweep(pool, c);
  };
  EXPECT_THROW(make([](SweepConfig& c) { c.grid = {4, 13}; }), ConfigError);  // beyond the pool
  EXPECT_THROW(make([](SweepConfig& c) { c.grid = {1}; }), ConfigError);
  EXPECT_THROW(make([](SweepConfig& c) { c.grid = {4.5}; }), ConfigError);
  EXPECT_THROW(make([](SweepConfig& c) { c.offset = 2; }), ConfigError);  // 2 + 12 > 12
  EXPECT_THROW(make([](SweepConfig& c) { c.seeds = 0; }), ConfigError);
  EXPECT_THROW(make([](SweepConfig& c) { c.models.push_back(c.models[0]); }), ConfigError);
  EXPECT_THROW(make([](SweepConfig& c) {
                 c.grid = {3};
                 c.training = KernelTraining::FirstHalf;
               }),
               ConfigError);
  EXPECT_THROW(make([](SweepConfig& c) {
                 c.kind = SweepKind::Beta;
                 c.memories = 12;
                 c.grid = {0};
               }),
               ConfigError);
  EXPECT_THROW(make([](SweepConfig& c) {
                 c.kind = SweepKind::Stage1Steps;
                 c.memories = 12;
                 c.grid = {-1};
               }),
               ConfigError);
  EXPECT_NO_THROW(make([](SweepConfig& c) { c.grid = {12}; }));
}

TEST(Experiments, DefaultsAreThePapers) {
  EXPECT_EQ(defaultGrid(SweepKind::Capacity), (std::vector<double>{10, 20, 30, 50, 100, 200, 500}));
  EXPECT_EQ(defaultGrid(SweepKind::Noise).size(), 13u);
  EXPECT_EQ(defaultGrid(SweepKind::Stage1Steps).back(), 200);
  const auto betas = defaultGrid(SweepKind::Beta);
  ASSERT_EQ(betas.size(), 9u);
  EXPECT_NEAR(betas.front(), 0.01, 1e-15);
  EXPECT_NEAR(betas[4], 1.0, 1e-15);
  EXPECT_NEAR(betas.back(), 100.0, 1e-12);
  const auto models = defaultModels();
  ASSERT_EQ(models.size(), 5u);
  EXPECT_EQ(models[0].name, "MHM");
  EXPECT_EQ(models[3].name, "U-Hop");
  EXPECT_EQ(models[3].stage1.steps, 100);
  EXPECT_EQ(models[3].stage1.optimizer, OptimizerKind::Backtracking);
  EXPECT_EQ(models[3].stage1.init, FeatureInit::Identity);
  EXPECT_TRUE(models[3].stage1.normalizeRows);
  EXPECT_EQ(models[4].stage1.optimizer, OptimizerKind::Reference);
  for (const SweepKind k :
       {SweepKind::Capacity, SweepKind::Noise, SweepKind::Stage1Steps, SweepKind::Beta})
    EXPECT_EQ(parseSweepKind(sweepKindName(k)), k);
  EXPECT_THROW(parseSweepKind("size"), ConfigError);
}

TEST(Experiments, ModelKeys) {
  EXPECT_EQ(modelFromKey("mhm").model.separation, Separation::softmax());
  EXPECT_EQ(modelFromKey("sparse").model.separation, Separation::sparsemax());
  EXPECT_EQ(modelFromKey("meanproj").model.similarity, SimilarityKind::MeanProjected);
  const ModelSpec e = modelFromKey("entmax:1.5");
  EXPECT_EQ(e.model.similarity, SimilarityKind::Dot);
  EXPECT_EQ(e.model.separation, Separation::entmax(1.5));
  EXPECT_EQ(e.name, "entmax-1.5 MHM");
  const ModelSpec u = modelFromKey("uhop-entmax:1.5");
  EXPECT_EQ(u.model.similarity, SimilarityKind::Kernel);
  EXPECT_EQ(u.model.separation, Separation::entmax(1.5));
  const ModelSpec g = modelFromKey("kernel+poly:3@ref");
  EXPECT_EQ(g.model.separation, Separation::polynomial(3));
  EXPECT_EQ(g.stage1.optimizer, OptimizerKind::Reference);
  EXPECT_EQ(modelKey(g), "kernel+poly:3@ref");
  const ModelSpec adam = modelFromKey("uhop-adam");
  EXPECT_EQ(adam.model.similarity, SimilarityKind::Kernel);
  EXPECT_EQ(adam.model.separation, Separation::softmax());
  EXPECT_EQ(adam.stage1.optimizer, OptimizerKind::Adam);
  EXPECT_EQ(adam.name, "U-Hop (Adam)");
  EXPECT_EQ(modelKey(adam), "kernel+softmax@adam");
  EXPECT_EQ(modelFromKey("kernel+softmax@adam").name, "U-Hop (Adam)");
  EXPECT_EQ(modelFromKey("uhop").stage1.optimizer, OptimizerKind::Backtracking);
  EXPECT_EQ(modelKey(modelFromKey("uhop")), "kernel+softmax");
  for (const ModelSpec& m : defaultModels()) {
    const ModelSpec back = modelFromKey(modelKey(m));
    EXPECT_EQ(back.name, m.name);
    EXPECT_EQ(back.model.separation, m.model.separation);
  }
  EXPECT_EQ(parseModelList("mhm, uhop").size(), 2u);
  EXPECT_THROW(modelFromKey("hopfield"), ConfigError);
  EXPECT_THROW(modelFromKey("dot+softmax@ref"), ConfigError);
  EXPECT_THROW(modelFromKey("meanproj+softmax@adam"), ConfigError);
  EXPECT_THROW(modelFromKey("kernel+softmax@fast"), ConfigError);
  EXPECT_THROW(modelFromKey("entmax:3"), ConfigError);
  EXPECT_THROW(parseModelList(""), ConfigError);
  EXPECT_THROW(parseModelList("mhm,dot+softmax"), ConfigError);  // both are "MHM"
}

TEST(Experiments, MetastableBeforeIsTheBaselineAndAfterIsTheTrainedKernel) {
  auto pool = tinySet();
  MetastableConfig config;
  config.steps = 3;
  config.seed = 5;
  config.eigenThreads = 1;
  SingleThreaded single;
  const std::vector<ModelSpec> models = {modelFromKey("mhm"), quickUhop("uhop", 40)};
  const auto results = compareBeforeAfterStage1(*pool, models, config);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_FALSE(results[0].usesStage1);
  EXPECT_EQ(results[0].before.meanError, results[0].after.meanError);
  EXPECT_TRUE(results[1].usesStage1);
  EXPECT_EQ(results[1].stage1Steps, 40);
  // Identity init: before Stage I, U-Hop is MHM.
  EXPECT_NEAR(results[1].before.meanError, results[0].after.meanError,
              1e-4 * (1 + results[0].after.meanError));
  EXPECT_EQ(results[1].before.supportHistogram, results[0].after.supportHistogram);
  // After: the trained W, as `uhop retrieve --similarity kernel` computes it.
  auto patterns = std::make_shared<const Matrix>(pool->patterns);
  const Matrix W = trainFeatureMap(patterns, models[1].stage1);
  const OutcomeSummary direct =
      evaluateAllMemories(*pool, patterns, models[1].model, &W, config.corruption, 5, 3, false)
          .summary;
  EXPECT_EQ(results[1].after.meanError, direct.meanError);
  EXPECT_EQ(results[1].after.supportHistogram, direct.supportHistogram);
  for (const auto& r : results) {
    EXPECT_NEAR(r.after.correctFraction + r.after.wrongSingleFraction + r.after.metastableFraction,
                1.0, 1e-12);
    int total = 0;
    for (int c : r.before.supportHistogram) total += c;
    EXPECT_EQ(total, pool->count());
  }
  std::atomic<bool> cancel{true};
  EXPECT_TRUE(compareBeforeAfterStage1(*pool, models, config, &cancel).empty());
}

}  // namespace
}  // namespace uhop
