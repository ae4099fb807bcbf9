// Tests studio/workers/column_model_worker.* and the asynchronous column path of
// studio/app_model.cpp: with the synchronous threshold at 0 every column model is built on its
// worker; the column says "building" meanwhile, ends with the numbers of the synchronous build,
// carries out the Steps pressed while it built, and never takes a build of a W it no longer wants.
#include "studio/workers/column_model_worker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "studio/app_model.h"
#include "studio/script.h"
#include "studio/state_json.h"
#include "tests/studio/settle.h"

namespace uhop::ui {
namespace {

using namespace std::chrono_literals;

// Frames (updateModel) until no column builds; false after 30 s.
bool untilBuilt(AppModel& model) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (model.columnsBuilding()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
    updateModel(model);
  }
  return true;
}

// builtin memories, target 3, Stage I trained to `steps` steps and taken in.
void prepare(AppModel& model, int steps) {
  applyCommand(model, LoadMemories{"builtin", 64, 0});
  ASSERT_TRUE(waitForLoad(model));
  ASSERT_TRUE(model.memories.set) << model.memories.error;
  applyCommand(model, SelectTarget{3});
  ASSERT_TRUE(untilBuilt(model));
  Stage1Config config = model.stage1.config;
  config.steps = steps;
  applyCommand(model, SetStage1Config{config});
  applyCommand(model, Stage1Play{});
  settle(model);
  ASSERT_EQ(model.stage1.snapshot->stepsDone, steps);
}

TEST(ModelBuildWork, CountsTheProductsOfABuild) {
  // Kernel: WΞ, ΞᵀWᵀW and ‖Wξ‖² in double, three D·d·M products.
  EXPECT_DOUBLE_EQ(modelBuildWork(SimilarityKind::Kernel, 784, 60000, 784),
                   3.0 * 784 * 784 * 60000);
  EXPECT_DOUBLE_EQ(modelBuildWork(SimilarityKind::Dot, 784, 500, 0), 100.0 * 784 * 500);
  // The built-in set stays synchronous, Fashion-MNIST's 500 memories do not (for the kernel);
  // a dot model stays synchronous at 500 and goes to the worker at 60,000.
  EXPECT_LT(modelBuildWork(SimilarityKind::Kernel, 784, 64, 784), kSyncModelBuildWork);
  EXPECT_GT(modelBuildWork(SimilarityKind::Kernel, 784, 500, 784), kSyncModelBuildWork);
  EXPECT_LT(modelBuildWork(SimilarityKind::Dot, 784, 500, 0), kSyncModelBuildWork);
  EXPECT_GT(modelBuildWork(SimilarityKind::Dot, 784, 60000, 0), kSyncModelBuildWork);
}

TEST(ColumnModelWorker, AsynchronousBuildEqualsTheSynchronousOneAndRunsQueuedSteps) {
  AppModel sync;
  prepare(sync, 5);
  ASSERT_FALSE(sync.columnsBuilding());
  const RetrievalColumn& s = sync.column(Side::UHop);
  ASSERT_TRUE(s.model) << s.modelError;
  ASSERT_EQ(s.wStep, 5);

  AppModel async;
  async.syncModelBuildWork = 0;
  prepare(async, 5);
  const RetrievalColumn& a = async.column(Side::UHop);
  // Stage I stopped at step 5: the column builds for that W and says so.
  ASSERT_TRUE(a.building());
  EXPECT_EQ(a.buildTag.wStep, 5);
  EXPECT_FALSE(a.model);
  EXPECT_EQ(a.state, async.query.pixels);  // the query, not a result
  EXPECT_EQ(a.weights.size(), 0);
  EXPECT_TRUE(stateJson(async)["uhop"]["building"].get<bool>());
  // Two Steps pressed during the build are queued, not lost and not done with another model.
  applyCommand(async, StepRetrieval{Side::UHop});
  applyCommand(async, StepRetrieval{Side::UHop});
  EXPECT_EQ(a.queuedSteps, 2);
  EXPECT_EQ(a.steps, 0);
  ASSERT_TRUE(untilBuilt(async));
  ASSERT_TRUE(a.model) << a.modelError;
  EXPECT_FALSE(stateJson(async)["uhop"]["building"].get<bool>());
  EXPECT_EQ(a.wStep, 5);
  EXPECT_EQ(a.steps, 2);
  EXPECT_EQ(a.queuedSteps, 0);

  // The same two steps synchronously: the same numbers (the worker builds with the UI thread's
  // OpenMP thread count, so the same bits).
  applyCommand(sync, StepRetrieval{Side::UHop});
  applyCommand(sync, StepRetrieval{Side::UHop});
  ASSERT_EQ(s.steps, 2);
  ASSERT_EQ(a.state.size(), s.state.size());
  EXPECT_EQ((a.state - s.state).cwiseAbs().maxCoeff(), 0.0f);
  ASSERT_EQ(a.weights.size(), s.weights.size());
  EXPECT_EQ((a.weights - s.weights).cwiseAbs().maxCoeff(), 0.0f);
  ASSERT_EQ(a.energy.size(), 3u);
  ASSERT_EQ(s.energy.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(a.energy[i], s.energy[i]) << "E(x_" << i << ")";
  EXPECT_EQ(a.outcome.retrieved, s.outcome.retrieved);
  EXPECT_EQ(a.outcome.error, s.outcome.error);
  // The baseline (dot) went through its worker too and agrees as well.
  EXPECT_EQ(async.column(Side::Baseline).state, sync.column(Side::Baseline).state);

  // A queued Run also arrives: Reset takes the newest W (the same), nothing queued; then Run.
  applyCommand(async, ResetRetrieval{Side::UHop});
  EXPECT_FALSE(a.building());  // the model of W step 5 is kept: nothing to build
  EXPECT_EQ(a.steps, 0);
}

TEST(ColumnModelWorker, ABuildForAWNoLongerWantedIsDropped) {
  AppModel model;
  model.syncModelBuildWork = 0;
  prepare(model, 1);
  RetrievalColumn& col = model.column(Side::UHop);
  ASSERT_TRUE(col.building());
  ASSERT_EQ(col.buildTag.wStep, 1);
  const uint64_t first = col.buildId;
  applyCommand(model, StepRetrieval{Side::UHop});  // queued
  // The build for step 1 finishes on the worker, but before the model takes it Stage I makes
  // another step: the column wants W of step 2 now.
  ASSERT_TRUE(model.columnWorkers[index(Side::UHop)]->waitIdle(30s));
  auto published = model.columnWorkers[index(Side::UHop)]->latest();
  ASSERT_TRUE(published);
  ASSERT_EQ(published->id, first);
  applyCommand(model, Stage1Step{});
  settle(model);
  ASSERT_EQ(model.stage1.snapshot->stepsDone, 2);
  EXPECT_TRUE(col.building());
  EXPECT_NE(col.buildId, first);
  EXPECT_EQ(col.buildTag.wStep, 2);
  EXPECT_FALSE(col.model) << "the build for step 1 must not be shown";
  ASSERT_TRUE(untilBuilt(model));
  ASSERT_TRUE(col.model) << col.modelError;
  EXPECT_EQ(col.wStep, 2);
  EXPECT_EQ(col.steps, 1);  // the Step pressed meanwhile, with W of step 2

  // The same step from a model built here with that W.
  HopfieldModel reference(model.memories.patterns, col.config,
                          model.scaledFeatureMap(model.stage1.snapshot.get()).get());
  RetrievalStep step = reference.evaluate(Matrix(model.query.pixels));
  reference.advance(step);
  EXPECT_LT((col.state - step.state.col(0)).cwiseAbs().maxCoeff(), 1e-6f);
}

TEST(ColumnModelWorker, ChangingSimilarityWhileBuildingDropsTheBuild) {
  AppModel model;
  model.syncModelBuildWork = 0;
  prepare(model, 1);
  RetrievalColumn& col = model.column(Side::UHop);
  ASSERT_TRUE(col.building());
  ModelConfig dot = col.config;
  dot.similarity = SimilarityKind::Dot;
  applyCommand(model, SetColumnConfig{Side::UHop, dot});
  ASSERT_TRUE(col.building());
  EXPECT_EQ(col.buildTag.similarity, SimilarityKind::Dot);
  ASSERT_TRUE(untilBuilt(model));
  ASSERT_TRUE(col.model);
  EXPECT_EQ(col.model->config().similarity, SimilarityKind::Dot);
  EXPECT_EQ(col.wStep, -1);
}

TEST(ColumnModelWorker, ScriptStepWaitsForTheBuild) {
  AppModel model;
  model.syncModelBuildWork = 0;
  ScriptRunner runner(parseScript("load builtin memories=64\n"
                                  "stage1 set steps=2\n"
                                  "stage1 play\n"
                                  "wait stage1\n"
                                  "step uhop 3\n"
                                  "caption {uhop.steps}\n",
                                  "s"),
                      "s", false);
  runScript(model, runner);
  ASSERT_TRUE(runner.finished() && !runner.failed()) << runner.error();
  // The caption line ran after the queued steps were carried out.
  EXPECT_EQ(runner.caption(), "3");
  const RetrievalColumn& col = model.column(Side::UHop);
  EXPECT_EQ(col.wStep, 2);
  EXPECT_EQ(col.steps, 3);
}

TEST(ColumnRun, ARunOverFramesEndsWhereTheRunAtOnceEnds) {
  AppModel once;
  prepare(once, 5);
  AppModel frames;
  frames.runAtOnceWork = 0;  // every set counts as large: one step per frame
  frames.runFrameBudget = std::chrono::nanoseconds(0);
  prepare(frames, 5);
  ASSERT_TRUE(untilBuilt(frames));
  applyCommand(once, RunRetrieval{Side::UHop, 200});
  const RetrievalColumn& o = once.column(Side::UHop);
  ASSERT_GT(o.steps, 2) << "a run of a few steps, to spread over frames";
  applyCommand(frames, RunRetrieval{Side::UHop, 200});
  const RetrievalColumn& f = frames.column(Side::UHop);
  EXPECT_EQ(f.steps, 1);  // the first step now, the others in the next frames
  EXPECT_TRUE(frames.columnsBusy());
  int updates = 0;
  while (frames.columnsBusy() && updates < 1000) {
    updateModel(frames);
    ++updates;
  }
  EXPECT_FALSE(frames.columnsBusy());
  EXPECT_EQ(updates, o.steps - 1);  // one step per frame
  EXPECT_EQ(f.steps, o.steps);
  EXPECT_EQ(f.converged, o.converged);
  EXPECT_EQ(f.state, o.state);
  EXPECT_EQ(f.energy, o.energy);
  // Reset stops a Run under way.
  applyCommand(frames, ResetRetrieval{Side::UHop});
  applyCommand(frames, RunRetrieval{Side::UHop, 200});
  applyCommand(frames, ResetRetrieval{Side::UHop});
  EXPECT_FALSE(frames.columnsBusy());
  updateModel(frames);
  EXPECT_EQ(f.steps, 0);
}

TEST(ColumnRun, StepsQueuedDuringABuildGoOnOverFramesOnALargeSet) {
  AppModel model;
  model.syncModelBuildWork = 0;
  model.runAtOnceWork = 0;  // every set counts as large: one step per frame
  model.runFrameBudget = std::chrono::nanoseconds(0);
  prepare(model, 5);
  const RetrievalColumn& col = model.column(Side::UHop);
  ASSERT_TRUE(col.building());
  for (int i = 0; i < 3; ++i) applyCommand(model, StepRetrieval{Side::UHop});
  ASSERT_EQ(col.queuedSteps, 3);
  ASSERT_TRUE(untilBuilt(model));
  // The frame the model arrived in took the first of the three steps, the next frames the rest.
  EXPECT_EQ(col.steps, 1);
  EXPECT_TRUE(model.columnsBusy());
  updateModel(model);
  EXPECT_EQ(col.steps, 2);
  updateModel(model);
  EXPECT_EQ(col.steps, 3);
  EXPECT_FALSE(model.columnsBusy());
  updateModel(model);
  EXPECT_EQ(col.steps, 3);
}

}  // namespace
}  // namespace uhop::ui
