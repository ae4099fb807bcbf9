// Tests ui/app_model.*: the studio's logic driven through its commands, without a window.
#include "studio/app_model.h"

#include <gtest/gtest.h>
#include <stb_image_write.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/evaluation.h"
#include "tests/studio/settle.h"

namespace uhop::ui {
namespace {

using namespace std::chrono_literals;

void loadBuiltin(AppModel& model, int count = 16) {
  applyCommand(model, LoadMemories{"builtin", count, 0});
  ASSERT_TRUE(waitForLoad(model));
  ASSERT_TRUE(model.memories.set) << model.memories.error;
  settle(model);
}

// Starts Stage I with a target it will not reach soon and waits until the worker has done at
// least `step` steps (at most 20 s); Stage I is still playing on return.
void playStage1PastStep(AppModel& model, int step) {
  Stage1Config config = model.stage1.config;
  config.steps = 100000;
  applyCommand(model, SetStage1Config{config});
  settle(model);
  applyCommand(model, Stage1Play{});
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (model.stage1Worker->stepsDone() < step && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
}

TEST(AppModelTest, LoadMemoriesUpdatesTheModel) {
  AppModel model;
  loadBuiltin(model, 16);
  EXPECT_EQ(model.memories.count(), 16);
  EXPECT_EQ(model.memories.set->dimension(), 784);
  EXPECT_TRUE(model.memories.error.empty());
  EXPECT_EQ(model.memories.raw.margins.size(), 16);
  EXPECT_EQ(model.query.pixels.size(), 784);
  ASSERT_TRUE(model.stage1.snapshot);
  EXPECT_EQ(model.stage1.snapshot->stepsDone, 0);
  EXPECT_EQ(model.settings.recentSources.front(), "builtin");
  // Both columns have a model once W exists (U-Hop's kernel needs it).
  EXPECT_TRUE(model.column(Side::Baseline).model);
  EXPECT_TRUE(model.column(Side::UHop).model) << model.column(Side::UHop).modelError;
}

TEST(AppModelTest, LoadIsAsynchronousAndTheOldSetStaysUntilTheNewOneArrives) {
  AppModel model;
  loadBuiltin(model, 16);
  const auto before = model.memories.set;
  const uint64_t version = model.memories.version;
  applyCommand(model, LoadMemories{"builtin", 8, 4});
  // Nothing changes until updateModel takes the worker's snapshot in.
  EXPECT_TRUE(model.loading());
  EXPECT_EQ(model.memories.set, before);
  EXPECT_EQ(model.memories.version, version);
  EXPECT_EQ(model.memories.raw.margins.size(), 16);
  ASSERT_TRUE(waitForLoad(model));
  EXPECT_FALSE(model.loading());
  EXPECT_EQ(model.memories.count(), 8);
  EXPECT_EQ(model.memories.version, version + 1);
  // Memory 0 of the new set is builtin item 4.
  EXPECT_TRUE(model.memories.set->patterns.col(0).isApprox(before->patterns.col(4)));
  // The statistics arrived with it: Δ_μ from the direct Gram matrix of the 8 memories.
  ASSERT_TRUE(model.memories.statsReady);
  const MatrixD F = model.memories.set->patterns.cast<double>();
  const VectorD direct = separationMargins(F.transpose() * F);
  ASSERT_EQ(model.memories.raw.margins.size(), 8);
  for (int m = 0; m < 8; ++m) EXPECT_NEAR(model.memories.raw.margins(m), direct(m), 1e-9);
}

TEST(AppModelTest, CancelledLoadKeepsTheMemoriesShown) {
  AppModel model;
  loadBuiltin(model, 16);
  const auto before = model.memories.set;
  applyCommand(model, LoadMemories{"builtin", 8, 0});
  applyCommand(model, CancelLoad{});
  EXPECT_FALSE(model.loading());
  ASSERT_TRUE(model.loadWorker->waitIdle(10s));
  updateModel(model);
  EXPECT_EQ(model.memories.set, before);
  EXPECT_EQ(model.memories.count(), 16);
}

TEST(AppModelTest, ANewSetDropsTheOldSetsMetastableResult) {
  // The U-Hop column needs W, so the new set's run waits for its Stage I; meanwhile the panel
  // must not show the old set's result again (it is the worker's latest).
  AppModel model;
  loadBuiltin(model, 16);
  applyCommand(model, RunMetastable{});
  ASSERT_TRUE(model.metastableWorker->waitIdle(30s));
  updateModel(model);
  ASSERT_TRUE(model.metastable.result);
  EXPECT_EQ(model.metastable.result->queries, 16);
  applyCommand(model, LoadMemories{"builtin", 8, 0});
  ASSERT_TRUE(waitForLoad(model));
  ASSERT_EQ(model.memories.count(), 8);
  EXPECT_TRUE(!model.metastable.result || model.metastable.result->queries == 8);
  ASSERT_TRUE(model.metastableWorker->waitIdle(30s));
  updateModel(model);
  ASSERT_TRUE(model.metastable.result);
  EXPECT_EQ(model.metastable.result->queries, 8);
}

TEST(AppModelTest, LoadingANewSetAbandonsARunningMetastableRun) {
  // A long run (M = 1500 Fashion-MNIST, T = 1000: minutes) is abandoned when another set is
  // installed; the new set's result arrives within seconds.
  AppModel model;
  applyCommand(model, LoadMemories{"fashion-mnist", 1500, 0});
  ASSERT_TRUE(waitForLoad(model));
  if (!model.memories.set) GTEST_SKIP() << "fashion-mnist not installed: " << model.memories.error;
  applyCommand(model, SetMetastableSteps{1000});
  applyCommand(model, RunMetastable{});
  updateModel(model);
  ASSERT_TRUE(model.metastableWorker->running());
  std::this_thread::sleep_for(200ms);
  applyCommand(model, SetMetastableSteps{2});
  applyCommand(model, LoadMemories{"builtin", 8, 0});
  ASSERT_TRUE(waitForLoad(model));
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(model.metastableWorker->waitIdle(20s));
  updateModel(model);
  ASSERT_TRUE(model.metastable.result);
  EXPECT_EQ(model.metastable.result->queries, 8);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);
}

TEST(AppModelTest, Stage1BatchAutoRuleAndUserOverride) {
  // auto: the full batch up to kAutoFullBatchLimit memories, minibatches of kAutoBatch above.
  EXPECT_EQ(resolveStage1Batch(kStage1BatchAuto, 500), 0);
  EXPECT_EQ(resolveStage1Batch(kStage1BatchAuto, kAutoFullBatchLimit), 0);
  EXPECT_EQ(resolveStage1Batch(kStage1BatchAuto, kAutoFullBatchLimit + 1), kAutoBatch);
  EXPECT_EQ(resolveStage1Batch(kStage1BatchAuto, 60000), kAutoBatch);
  // The user's choice wins, within the memory bound of B × B pair weights.
  EXPECT_EQ(resolveStage1Batch(0, 5000), 0);
  EXPECT_EQ(resolveStage1Batch(0, 60000), kMaxStage1Batch);
  EXPECT_EQ(resolveStage1Batch(64, 60000), 64);
  EXPECT_EQ(resolveStage1Batch(64, 500), 64);
  EXPECT_EQ(resolveStage1Batch(500, 500), 0);
  EXPECT_EQ(resolveStage1Batch(20000, 60000), kMaxStage1Batch);

  // In the model: the studio starts at auto; builtin's 64 memories get the full batch, a user
  // batch of 16 reaches the worker, and auto again restores the full batch.
  AppModel model;
  EXPECT_EQ(model.stage1.config.batchSize, kStage1BatchAuto);
  loadBuiltin(model, 64);
  ASSERT_TRUE(model.stage1.snapshot);
  EXPECT_EQ(model.stage1.snapshot->batchSize, 0);
  Stage1Config c = model.stage1.config;
  c.batchSize = 16;
  applyCommand(model, SetStage1Config{c});
  settle(model);
  ASSERT_TRUE(model.stage1.snapshot);
  EXPECT_EQ(model.stage1.snapshot->batchSize, 16);
  c.batchSize = kStage1BatchAuto;
  applyCommand(model, SetStage1Config{c});
  settle(model);
  ASSERT_TRUE(model.stage1.snapshot);
  EXPECT_EQ(model.stage1.snapshot->batchSize, 0);
}

TEST(AppModelTest, Stage1PlaysMinibatchesAboveTheAutoThreshold) {
  AppModel model;
  applyCommand(model, LoadMemories{"fashion-mnist", kAutoFullBatchLimit + 200, 0});
  ASSERT_TRUE(waitForLoad(model));
  if (!model.memories.set) GTEST_SKIP() << "fashion-mnist not installed: " << model.memories.error;
  ASSERT_TRUE(model.stage1.snapshot);
  EXPECT_EQ(model.stage1.snapshot->batchSize, kAutoBatch);
  Stage1Config c = model.stage1.config;
  c.batchSize = 0;  // the user asks for the full batch: it wins
  applyCommand(model, SetStage1Config{c});
  settle(model);
  ASSERT_TRUE(model.stage1.snapshot);
  EXPECT_EQ(model.stage1.snapshot->batchSize, 0);
}

TEST(AppModelTest, RefusedColumnConfigKeepsThePreviousModel) {
  // poly with l2 would give every query the uniform mean: core refuses it, and the column keeps
  // its model and config while the status bar says why.
  AppModel model;
  loadBuiltin(model, 16);
  RetrievalColumn& col = model.column(Side::Baseline);
  ASSERT_TRUE(col.model);
  const auto modelBefore = col.model;
  const ModelConfig configBefore = col.config;
  ModelConfig bad = col.config;
  bad.similarity = SimilarityKind::NegL2;
  bad.separation = Separation::polynomial(3);
  applyCommand(model, SetColumnConfig{Side::Baseline, bad});
  EXPECT_EQ(col.model, modelBefore);
  EXPECT_EQ(col.config.similarity, configBefore.similarity);
  EXPECT_EQ(col.config.separation, configBefore.separation);
  EXPECT_NE(model.statusMessage.find("uniform mean"), std::string::npos) << model.statusMessage;
  // An accepted change still rebuilds the column.
  ModelConfig ok = col.config;
  ok.similarity = SimilarityKind::NegL2;
  applyCommand(model, SetColumnConfig{Side::Baseline, ok});
  EXPECT_EQ(col.config.similarity, SimilarityKind::NegL2);
  ASSERT_TRUE(col.model) << col.modelError;
  EXPECT_NE(col.model, modelBefore);
}

TEST(AppModelTest, FailedLoadKeepsOldMemoriesAndSetsError) {
  AppModel model;
  loadBuiltin(model, 16);
  const auto before = model.memories.set;
  const uint64_t version = model.memories.version;
  applyCommand(model, LoadMemories{"/nonexistent/no-such-file.idx", 16, 0});
  ASSERT_TRUE(waitForLoad(model));
  EXPECT_EQ(model.memories.set, before);
  EXPECT_EQ(model.memories.version, version);
  EXPECT_NE(model.memories.error.find("/nonexistent/no-such-file.idx"), std::string::npos);
  EXPECT_NE(model.memories.error.find("stay"), std::string::npos);
  // A later good load clears the error.
  applyCommand(model, LoadMemories{"builtin", 8, 4});
  ASSERT_TRUE(waitForLoad(model));
  EXPECT_TRUE(model.memories.error.empty());
  EXPECT_EQ(model.memories.count(), 8);
}

TEST(AppModelTest, TooFewMemoriesIsAnError) {
  AppModel model;
  applyCommand(model, LoadMemories{"builtin", 1, 0});
  ASSERT_TRUE(waitForLoad(model));
  EXPECT_FALSE(model.memories.set);
  EXPECT_FALSE(model.memories.error.empty());
}

TEST(AppModelTest, SelectingATargetSetsTheQuery) {
  AppModel model;
  loadBuiltin(model, 16);
  applyCommand(model, SetCorruption{Corruption{CorruptionKind::None, 0}, 1});
  applyCommand(model, SelectTarget{5});
  EXPECT_EQ(model.query.target, 5);
  EXPECT_TRUE(model.query.pixels.isApprox(model.memories.set->patterns.col(5)));
  // Out of range: ignored.
  applyCommand(model, SelectTarget{99});
  EXPECT_EQ(model.query.target, 5);
  // Columns restart from the new query.
  EXPECT_EQ(model.column(Side::Baseline).steps, 0);
  EXPECT_TRUE(model.column(Side::Baseline).state.isApprox(model.query.pixels));
}

TEST(AppModelTest, CorruptionIsDeterministic) {
  AppModel a, b;
  loadBuiltin(a, 16);
  loadBuiltin(b, 16);
  for (AppModel* m : {&a, &b}) {
    applyCommand(*m, SelectTarget{3});
    applyCommand(*m, SetCorruption{Corruption{CorruptionKind::Mask, 0.5}, 7});
  }
  EXPECT_EQ(a.query.pixels, b.query.pixels);
  EXPECT_FALSE(a.query.pixels.isApprox(a.memories.set->patterns.col(3)));
  const Vector seven = a.query.pixels;
  applyCommand(a, SetCorruption{Corruption{CorruptionKind::Mask, 0.5}, 8});
  EXPECT_NE(a.query.pixels, seven);
  applyCommand(a, SetCorruption{Corruption{CorruptionKind::Mask, 0.5}, 7});
  EXPECT_EQ(a.query.pixels, seven);
  // Same stream as the metastable run's query for that memory.
  const Matrix all = corruptMemories(Corruption{CorruptionKind::Mask, 0.5}, *a.memories.set, 7);
  EXPECT_EQ(Vector(all.col(3)), seven);
}

TEST(AppModelTest, PaintingAndUndo) {
  AppModel model;
  loadBuiltin(model, 8);
  applyCommand(model, SetCorruption{Corruption{CorruptionKind::Occlude, 1.0}, 1});  // all black
  ASSERT_EQ(model.query.pixels.maxCoeff(), 0.0f);
  const Vector blank = model.query.pixels;
  applyCommand(model, SetBrush{1.5f, false});
  applyCommand(model, PaintStroke{4, 4, 20, 4, true});
  const Vector painted = model.query.pixels;
  EXPECT_EQ(painted[(4 * 28 + 10)], 1.0f);                 // on the stroke
  EXPECT_EQ(painted[(20 * 28 + 10)], 0.0f);                // far from it
  EXPECT_EQ(model.column(Side::Baseline).state, painted);  // columns restart from the new query
  applyCommand(model, PaintStroke{20, 4, 20, 20, false});  // same stroke continues
  applyCommand(model, SetBrush{1.5f, true});
  applyCommand(model, PaintStroke{10, 4, 12, 4, true});  // erase: a second stroke
  EXPECT_EQ(model.query.pixels[4 * 28 + 11], 0.0f);
  applyCommand(model, UndoPaint{});
  EXPECT_EQ(model.query.pixels[4 * 28 + 11], 1.0f);
  applyCommand(model, UndoPaint{});
  EXPECT_EQ(model.query.pixels, blank);
  applyCommand(model, UndoPaint{});  // nothing left: no change
  EXPECT_EQ(model.query.pixels, blank);
  // Paint outside the image is clipped, not a crash.
  applyCommand(model, PaintStroke{-50, -50, 500, 500, true});
  EXPECT_EQ(model.query.pixels.size(), 784);
}

// Three 6×4 colour PNGs, each one colour (image m: R = 40·m + 10, G = 200 − 50·m, B = 90), and
// a file that is not an image.
std::string colourFolder() {
  const std::filesystem::path dir = std::filesystem::path(UHOP_TEST_TMP) / "studio_colour";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (int m = 0; m < 3; ++m) {
    std::vector<unsigned char> rgb;
    for (int i = 0; i < 24; ++i) {  // push_back: GCC 12's -Wstringop-overflow misfires on insert
      rgb.push_back(static_cast<unsigned char>(40 * m + 10));
      rgb.push_back(static_cast<unsigned char>(200 - 50 * m));
      rgb.push_back(90);
    }
    const std::string name = "img" + std::to_string(m) + ".png";
    EXPECT_NE(stbi_write_png((dir / name).c_str(), 6, 4, 3, rgb.data(), 18), 0);
  }
  std::ofstream(dir / "img0b-broken.png") << "no";  // sorted between img0 and img1
  return dir.string();
}

TEST(AppModelTest, ColourMemoriesGiveAColourQueryAndPaintInColour) {
  const std::string dir = colourFolder();
  AppModel model;
  applyCommand(model, LoadMemories{dir, 3, 0});
  ASSERT_TRUE(waitForLoad(model));
  ASSERT_TRUE(model.memories.set) << model.memories.error;
  settle(model);
  const MemorySet& set = *model.memories.set;
  EXPECT_EQ(set.shape, (ImageShape{6, 4, 3}));
  ASSERT_EQ(model.query.pixels.size(), 72);
  // The broken file was skipped and said so, in the set and in the status bar.
  ASSERT_EQ(set.warnings.size(), 1u);
  EXPECT_NE(set.warnings[0].find("img0b-broken.png"), std::string::npos);
  EXPECT_NE(model.statusMessage.find("1 warning"), std::string::npos) << model.statusMessage;
  // The recent list remembers M with the source.
  EXPECT_EQ(model.settings.recentSources.front(), dir);
  EXPECT_EQ(recentCount(model.settings, dir, 0), 3);

  // Masked query of memory 1: every pixel is either all three channels of ξ_1, or black.
  applyCommand(model, SelectTarget{1});
  applyCommand(model, SetCorruption{Corruption{CorruptionKind::Mask, 0.5}, 7});
  int masked = 0;
  for (int p = 0; p < 24; ++p) {
    const bool black = model.query.pixels[3 * p] == 0.0f;
    masked += black;
    EXPECT_EQ(model.query.pixels[3 * p + 0], black ? 0.0f : 50 / 255.0f) << p;
    EXPECT_EQ(model.query.pixels[3 * p + 1], black ? 0.0f : 150 / 255.0f) << p;
    EXPECT_EQ(model.query.pixels[3 * p + 2], black ? 0.0f : 90 / 255.0f) << p;
  }
  EXPECT_GT(masked, 0);
  EXPECT_LT(masked, 24);

  // A colour brush of radius 0.5 on pixel (2, 1) paints that pixel's three channels only.
  applyCommand(model, SetCorruption{Corruption{CorruptionKind::Occlude, 1.0}, 7});  // all black
  applyCommand(model, SetBrush{0.5f, false, {0.2f, 0.4f, 0.6f}});
  applyCommand(model, PaintStroke{2.5f, 1.5f, 2.5f, 1.5f, true});
  const int at = (1 * 6 + 2) * 3;
  EXPECT_EQ(model.query.pixels[at + 0], 0.2f);
  EXPECT_EQ(model.query.pixels[at + 1], 0.4f);
  EXPECT_EQ(model.query.pixels[at + 2], 0.6f);
  EXPECT_EQ(model.query.pixels.sum(), 0.2f + 0.4f + 0.6f);  // nothing else painted

  // Grey: the same folder as one channel, and the brush paints its luma.
  applyCommand(model, LoadMemories{dir, 3, 0, true});
  ASSERT_TRUE(waitForLoad(model));
  ASSERT_TRUE(model.memories.set);
  settle(model);
  EXPECT_EQ(model.memories.set->shape, (ImageShape{6, 4, 1}));
  EXPECT_TRUE(captureSession(model).grayscale);
  applyCommand(model, SetCorruption{Corruption{CorruptionKind::Occlude, 1.0}, 7});
  applyCommand(model, PaintStroke{2.5f, 1.5f, 2.5f, 1.5f, true});
  EXPECT_NEAR(model.query.pixels[1 * 6 + 2], 0.299 * 0.2 + 0.587 * 0.4 + 0.114 * 0.6, 1e-6);
  // Out-of-range colours are clamped: white paints 1 exactly, as before colour brushes.
  applyCommand(model, SetBrush{0.5f, false, {7.0f, 1.0f, 1.0f}});
  applyCommand(model, PaintStroke{0.5f, 0.5f, 0.5f, 0.5f, true});
  EXPECT_EQ(model.query.pixels[0], 1.0f);
}

TEST(AppModelTest, Stage2StepChangesStateAndEnergyNeverRises) {
  AppModel model;
  loadBuiltin(model, 32);
  applyCommand(model, SelectTarget{2});
  for (Side side : {Side::Baseline, Side::UHop}) {
    const RetrievalColumn& col = model.column(side);
    ASSERT_TRUE(col.model) << col.modelError;
    ASSERT_EQ(col.energy.size(), 1u);
    const Vector x0 = col.state;
    applyCommand(model, StepRetrieval{side});
    EXPECT_EQ(col.steps, 1);
    EXPECT_FALSE(col.state.isApprox(x0));
    EXPECT_EQ(col.weights.size(), 32);
    EXPECT_NEAR(col.weights.sum(), 1.0f, 1e-4);
    applyCommand(model, RunRetrieval{side, 50});
    ASSERT_GE(col.energy.size(), 2u);
    for (size_t i = 1; i < col.energy.size(); ++i)
      EXPECT_LE(col.energy[i], col.energy[i - 1] + 1e-6 * std::abs(col.energy[i - 1]) + 1e-9)
          << "energy rose at step " << i;
    applyCommand(model, ResetRetrieval{side});
    EXPECT_EQ(col.steps, 0);
    EXPECT_EQ(col.state, model.query.pixels);
  }
}

TEST(AppModelTest, LinkedBetaMovesBothColumns) {
  AppModel model;
  loadBuiltin(model, 8);
  applyCommand(model, SetBeta{Side::UHop, 3.0});
  EXPECT_EQ(model.column(Side::Baseline).config.beta, 3.0);
  EXPECT_EQ(model.column(Side::UHop).config.beta, 3.0);
  applyCommand(model, SetBetaLinked{false});
  applyCommand(model, SetBeta{Side::UHop, 0.5});
  EXPECT_EQ(model.column(Side::Baseline).config.beta, 3.0);
  EXPECT_EQ(model.column(Side::UHop).config.beta, 0.5);
  EXPECT_EQ(model.column(Side::UHop).model->config().beta, 0.5);
  applyCommand(model, SetBetaLinked{true});
  EXPECT_EQ(model.column(Side::UHop).config.beta, 3.0);
  applyCommand(model, SetBeta{Side::Baseline, -1.0});  // invalid: ignored
  EXPECT_EQ(model.beta, 3.0);
}

TEST(AppModelTest, Stage1StartPauseStepResetThroughTheWorker) {
  AppModel model;
  loadBuiltin(model, 16);
  Stage1Config config = model.stage1.config;
  config.steps = 5;
  applyCommand(model, SetStage1Config{config});
  settle(model);
  applyCommand(model, Stage1Step{});
  settle(model);
  ASSERT_TRUE(model.stage1.snapshot);
  EXPECT_EQ(model.stage1.snapshot->stepsDone, 1);
  EXPECT_EQ(model.stage1.snapshot->history.size(), 2u);
  ASSERT_TRUE(model.stage1.snapshot->W);
  EXPECT_EQ(model.stage1.snapshot->W->cols(), 784);
  applyCommand(model, Stage1Play{});
  settle(model);
  EXPECT_EQ(model.stage1.snapshot->stepsDone, 5);  // stops at the target by itself
  EXPECT_FALSE(model.stage1Playing());
  EXPECT_LT(model.stage1.snapshot->history.back().loss,
            model.stage1.snapshot->history.front().loss);
  // Raising the target continues the run (no reset).
  config.steps = 8;
  applyCommand(model, SetStage1Config{config});
  applyCommand(model, Stage1Play{});
  settle(model);
  EXPECT_EQ(model.stage1.snapshot->stepsDone, 8);
  applyCommand(model, Stage1Reset{});
  settle(model);
  EXPECT_EQ(model.stage1.snapshot->stepsDone, 0);
  // Changing a knob restarts Stage I with it.
  config.init = FeatureInit::GaussianScaled;
  applyCommand(model, SetStage1Config{config});
  settle(model);
  EXPECT_EQ(model.stage1.snapshot->stepsDone, 0);
  EXPECT_GT((*model.stage1.snapshot->W - Matrix::Identity(784, 784)).norm(), 1.0f);
}

TEST(AppModelTest, PauseActsAtOnce) {
  AppModel model;
  loadBuiltin(model, 64);
  playStage1PastStep(model, 3);
  applyCommand(model, Stage1Pause{});
  EXPECT_FALSE(model.stage1Playing());  // the model says paused at once
  const int atPause = model.stage1Worker->stepsDone();
  ASSERT_TRUE(model.stage1Worker->waitIdle(10s));
  std::this_thread::sleep_for(100ms);
  EXPECT_LE(model.stage1Worker->stepsDone(), atPause + 1);  // at most the step under way
}

TEST(AppModelTest, UHopFollowsStage1WhenReset) {
  AppModel model;
  loadBuiltin(model, 16);
  EXPECT_EQ(model.column(Side::UHop).wStep, 0);
  Stage1Config config = model.stage1.config;
  config.steps = 3;
  applyCommand(model, SetStage1Config{config});
  applyCommand(model, Stage1Play{});
  settle(model);
  applyCommand(model, ResetRetrieval{Side::UHop});
  EXPECT_EQ(model.column(Side::UHop).wStep, 3);
}

// The state one step from the query takes with a model built here from the given W (or, with
// W = nullptr, with the identity W of Stage I's step 0).
Vector oneStepWith(const AppModel& model, std::shared_ptr<const Matrix> W) {
  const RetrievalColumn& col = model.column(Side::UHop);
  if (!W) W = std::make_shared<const Matrix>(Matrix::Identity(784, 784));
  HopfieldModel reference(model.memories.patterns, col.config, W.get());
  Matrix next, P;
  reference.step(Matrix(model.query.pixels), next, P);
  return next.col(0);
}

TEST(AppModelTest, UHopTakesTheTrainedWWhenStage1Finishes) {
  AppModel model;
  loadBuiltin(model, 16);
  applyCommand(model, SelectTarget{5});
  // Two steps with the W of step 0, then Stage I trains to its end: no Reset is pressed.
  applyCommand(model, StepRetrieval{Side::UHop});
  applyCommand(model, StepRetrieval{Side::UHop});
  ASSERT_EQ(model.column(Side::UHop).steps, 2);
  Stage1Config config = model.stage1.config;
  config.steps = 30;
  applyCommand(model, SetStage1Config{config});
  applyCommand(model, Stage1Play{});
  settle(model);
  ASSERT_EQ(model.stage1.snapshot->stepsDone, 30);
  const RetrievalColumn& col = model.column(Side::UHop);
  EXPECT_EQ(col.wStep, 30);  // the column names the W it uses
  EXPECT_EQ(col.steps, 0);   // and went back to the query
  EXPECT_EQ(col.state, model.query.pixels);
  // Its next step is the step of a model built from the trained W, not from W of step 0.
  applyCommand(model, StepRetrieval{Side::UHop});
  const Vector trained = oneStepWith(model, model.scaledFeatureMap(model.stage1.snapshot.get()));
  const Vector untrained = oneStepWith(model, nullptr);
  ASSERT_GT((trained - untrained).norm(), 1e-3f);  // the two W retrieve differently here
  EXPECT_LT((col.state - trained).norm(), 1e-5f);
}

// Core's own Stage I on the same memories and settings, `steps` steps, rows normalised as the
// studio's default kernel scale uses them: the W the U-Hop column must use.
Matrix coreTrainedW(const AppModel& model, int steps) {
  Stage1Config c = model.stage1.config;
  c.steps = 1000000;  // as the worker: it stops at its target itself
  c.batchSize = resolveStage1Batch(c.batchSize, model.memories.count());  // "auto", as the model
  Stage1 stage(model.memories.patterns, c);
  for (int i = 0; i < steps; ++i) EXPECT_TRUE(stage.step());
  return scaleFeatureMap(stage.finalFeatureMap(), KernelScale::RowNormalized);
}

TEST(AppModelTest, UHopColumnRetrievesWithCoresTrainedW) {
  AppModel model;
  loadBuiltin(model, 16);
  applyCommand(model, SelectTarget{3});
  Stage1Config config = model.stage1.config;
  config.steps = 20;
  applyCommand(model, SetStage1Config{config});
  applyCommand(model, Stage1Play{});
  settle(model);
  ASSERT_EQ(model.stage1.snapshot->stepsDone, 20);
  applyCommand(model, StepRetrieval{Side::UHop});
  const RetrievalColumn& col = model.column(Side::UHop);
  ASSERT_EQ(col.steps, 1);
  const auto W = std::make_shared<const Matrix>(coreTrainedW(model, 20));
  const Vector trained = oneStepWith(model, W);
  const Vector identity = oneStepWith(model, nullptr);
  ASSERT_GT((trained - identity).norm(), 1e-3f) << "W = I would pass too";
  EXPECT_LT((col.state - trained).norm(), 1e-4f);
}

TEST(AppModelTest, MetastableRunUsesCoresTrainedW) {
  AppModel model;
  loadBuiltin(model, 16);
  Stage1Config config = model.stage1.config;
  config.steps = 20;
  applyCommand(model, SetStage1Config{config});
  applyCommand(model, SetMetastableSteps{3});
  applyCommand(model, SetMetastableCompare{false});
  applyCommand(model, Stage1Play{});
  settle(model);
  updateModel(model);  // Stage I finished → the run starts
  ASSERT_TRUE(model.metastableWorker->waitIdle(60s));
  updateModel(model);
  ASSERT_TRUE(model.metastable.result);
  const MetastableResult& r = *model.metastable.result;
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.stage1Step, 20);
  const Matrix W = coreTrainedW(model, 20);
  const MemorySet& set = *model.memories.set;
  const ModelConfig uhop = model.column(Side::UHop).config;
  const OutcomeSummary core =
      evaluateAllMemories(set, model.memories.patterns, uhop, &W, r.corruption, r.seed, 3, false)
          .summary;
  const Matrix I = Matrix::Identity(784, 784);
  const OutcomeSummary untrained =
      evaluateAllMemories(set, model.memories.patterns, uhop, &I, r.corruption, r.seed, 3, false)
          .summary;
  ASSERT_GT(std::abs(core.meanError - untrained.meanError), 1e-3 * core.meanError)
      << "W = I would pass too";
  EXPECT_NEAR(r.uhop.meanError, core.meanError, 1e-4 * core.meanError);
  EXPECT_EQ(r.uhop.correctFraction, core.correctFraction);
  EXPECT_EQ(r.uhop.metastableFraction, core.metastableFraction);
  EXPECT_EQ(r.uhop.supportHistogram, core.supportHistogram);
  EXPECT_EQ(r.uhop.diffuseCount, core.diffuseCount);
}

TEST(AppModelTest, MetastableResultCarriesItsParametersAndGoesWithItsMemories) {
  AppModel model;
  loadBuiltin(model, 12);
  applyCommand(model, SetCorruption{Corruption{CorruptionKind::Mask, 0.25}, 9});
  applyCommand(model, SetMetastableSteps{2});
  applyCommand(model, SetBeta{Side::Baseline, 3.0});
  applyCommand(model, RunMetastable{});
  ASSERT_TRUE(model.metastableWorker->waitIdle(60s));
  updateModel(model);
  ASSERT_TRUE(model.metastable.result);
  const auto result = model.metastable.result;
  // The settings change after the run; the result still says what it was computed with.
  applyCommand(model, SetCorruption{Corruption{CorruptionKind::Noise, 0.5}, 4});
  applyCommand(model, SetMetastableSteps{9});
  EXPECT_EQ(result->corruption.name(), "mask:0.25");
  EXPECT_EQ(result->seed, 9u);
  EXPECT_EQ(result->steps, 2);
  EXPECT_EQ(result->baselineConfig.beta, 3.0);
  EXPECT_EQ(result->uhopConfig.similarity, SimilarityKind::Kernel);
  EXPECT_EQ(result->source, "builtin");
  const std::string caption = metastableCaption(*result);
  for (const char* part : {"12 queries of builtin", "mask:0.25 (seed 9)", "T = 2", "β = 3"})
    EXPECT_NE(caption.find(part), std::string::npos) << part << " in " << caption;
  EXPECT_EQ(caption.find("noise"), std::string::npos) << caption;
  // A new memory set clears it, and the worker's old result does not come back.
  applyCommand(model, LoadMemories{"builtin", 10, 0});
  ASSERT_TRUE(waitForLoad(model));
  EXPECT_FALSE(model.metastable.result);
  model.metastableWorker->cancel();  // the run the new set queued
  ASSERT_TRUE(model.metastableWorker->waitIdle(60s));
  updateModel(model);
  if (model.metastable.result) {
    EXPECT_EQ(model.metastable.result->queries, 10);
  }
  settle(model);
}

TEST(AppModelTest, LoadWStartsStage1FromTheFileAndSaveWWritesIt) {
  AppModel a;
  loadBuiltin(a, 8);
  Stage1Config config = a.stage1.config;
  config.steps = 5;
  applyCommand(a, SetStage1Config{config});
  applyCommand(a, Stage1Play{});
  settle(a);
  const std::string dir = ::testing::TempDir();
  const std::string npy = dir + "/studio_w.npy", own = dir + "/studio_w.uhopw";
  applyCommand(a, SaveW{npy});
  ASSERT_NE(a.statusMessage.find("Saved W of Stage I step 5"), std::string::npos)
      << a.statusMessage;
  applyCommand(a, SaveW{own});
  Matrix expected = *a.stage1.snapshot->W;
  normalizeRows(expected);  // Stage I normalises rows by default, as uhop stage1 --save-w
  EXPECT_EQ(loadFeatureMap(npy), expected);
  EXPECT_EQ(loadFeatureMap(own), expected);

  AppModel b;
  loadBuiltin(b, 8);
  applyCommand(b, LoadW{npy});
  ASSERT_NE(b.statusMessage.find("Loaded W"), std::string::npos) << b.statusMessage;
  settle(b);
  ASSERT_TRUE(b.stage1.snapshot);
  EXPECT_EQ(b.stage1.snapshot->stepsDone, 0);
  EXPECT_EQ(*b.stage1.snapshot->W, expected);  // Stage I's W is the file's
  // The U-Hop column retrieves with it.
  applyCommand(b, StepRetrieval{Side::UHop});
  const Vector withFile = oneStepWith(
      b, std::make_shared<const Matrix>(scaleFeatureMap(expected, KernelScale::RowNormalized)));
  EXPECT_LT((b.column(Side::UHop).state - withFile).norm(), 1e-5f);
  // Reset goes back to the loaded W, not to the identity.
  applyCommand(b, Stage1Step{});
  settle(b);
  applyCommand(b, Stage1Reset{});
  settle(b);
  EXPECT_EQ(*b.stage1.snapshot->W, expected);
}

TEST(AppModelTest, BadWFilesChangeNothing) {
  AppModel model;
  loadBuiltin(model, 8);
  const auto snapshot = model.stage1.snapshot;
  const uint64_t generation = model.stage1.generation;
  const std::string dir = ::testing::TempDir();
  // A W of the wrong width (d = 784 memories, W 5 × 10).
  const std::string narrow = dir + "/narrow_w.npy";
  saveFeatureMap(narrow, Matrix::Ones(5, 10));
  const std::string garbage = dir + "/garbage_w.bin";
  std::FILE* f = std::fopen(garbage.c_str(), "wb");
  std::fputs("not a W file at all", f);
  std::fclose(f);
  for (const std::string& path : {narrow, garbage, dir + "/missing_w.npy"}) {
    applyCommand(model, LoadW{path});
    EXPECT_EQ(model.statusMessage.rfind("W not loaded (nothing changed)", 0), 0u)
        << model.statusMessage;
    EXPECT_NE(model.statusMessage.find(path), std::string::npos) << model.statusMessage;
    EXPECT_EQ(model.stage1.generation, generation);
    EXPECT_EQ(model.stage1.snapshot, snapshot);
    EXPECT_FALSE(model.stage1.initialW);
    if (path == narrow) {
      EXPECT_NE(model.statusMessage.find("5 × 10 but the memories have d = 784"), std::string::npos)
          << model.statusMessage;
    }
  }
}

TEST(AppModelTest, ResetSettingsGoesBackToDefaults) {
  AppModel model;
  loadBuiltin(model, 8);
  applyCommand(model, SetBeta{Side::Baseline, 4.0});
  applyCommand(model, SetCorruption{Corruption{CorruptionKind::Noise, 0.2}, 3});
  applyCommand(model, SetMetastableSteps{17});
  applyCommand(model, SetKernelScale{KernelScale::Matched});
  applyCommand(model, SetTheme{Theme::Light});
  Stage1Config config = model.stage1.config;
  config.loss.kind = LossKind::WorstPair;
  applyCommand(model, SetStage1Config{config});
  applyCommand(model, SetReferenceCompatible{true});
  applyCommand(model, ResetSettings{});
  settle(model);
  const Settings defaults;
  Settings now = currentSettings(model);
  EXPECT_EQ(now.beta, defaults.beta);
  EXPECT_EQ(model.column(Side::UHop).config.beta, defaults.beta);
  EXPECT_EQ(now.corruption, defaults.corruption);
  EXPECT_EQ(model.query.corruption.name(), Corruption::parse(defaults.corruption).name());
  EXPECT_EQ(now.metastableSteps, defaults.metastableSteps);
  EXPECT_EQ(now.kernelScale, defaults.kernelScale);
  EXPECT_EQ(now.theme, defaults.theme);
  EXPECT_EQ(now.loss, defaults.loss);
  EXPECT_EQ(model.stage1.config.loss.kind, parseLossKind(defaults.loss));
  EXPECT_FALSE(model.fairness.referenceCompatible);
  EXPECT_FALSE(model.column(Side::UHop).config.betaAfterSeparation);
  EXPECT_TRUE(model.themeOrScaleChanged);
  // The loaded data stays.
  EXPECT_EQ(model.memories.count(), 8);
  EXPECT_EQ(now.memoryCount, 8);
}

TEST(AppModelTest, UHopStepWhileStage1PlaysUsesTheNewestW) {
  AppModel model;
  loadBuiltin(model, 16);
  playStage1PastStep(model, 3);
  updateModel(model);  // takes in a snapshot of step ≥ 3 while Stage I still plays
  ASSERT_TRUE(model.stage1Playing());
  const int newest = model.stage1.snapshot->stepsDone;
  ASSERT_GE(newest, 3);
  EXPECT_NE(model.column(Side::UHop).wStep, newest);  // not rebuilt every frame while playing
  applyCommand(model, StepRetrieval{Side::UHop});
  EXPECT_EQ(model.column(Side::UHop).wStep, newest);
  EXPECT_EQ(model.column(Side::UHop).steps, 1);
  applyCommand(model, Stage1Pause{});
  ASSERT_TRUE(model.stage1Worker->waitIdle(10s));
}

TEST(AppModelTest, MetastableRunAfterStage1) {
  AppModel model;
  loadBuiltin(model, 16);
  Stage1Config config = model.stage1.config;
  config.steps = 3;
  applyCommand(model, SetStage1Config{config});
  applyCommand(model, SetMetastableSteps{4});
  applyCommand(model, Stage1Play{});
  settle(model);
  updateModel(model);  // sees Stage I finished → starts the run
  ASSERT_TRUE(model.metastableWorker->waitIdle(30s));
  updateModel(model);
  ASSERT_TRUE(model.metastable.result);
  const MetastableResult& r = *model.metastable.result;
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.queries, 16);
  EXPECT_EQ(r.steps, 4);
  EXPECT_EQ(r.stage1Step, 3);
  for (const OutcomeSummary* s : {&r.baseline, &r.uhop}) {
    EXPECT_NEAR(s->correctFraction + s->wrongSingleFraction + s->metastableFraction, 1.0, 1e-9);
    int total = 0;
    for (int c : s->supportHistogram) total += c;
    EXPECT_EQ(total, 16);
  }
}

TEST(AppModelTest, ReferenceCompatibleKeepsTheTrainedWAndRestoresEverySetting) {
  AppModel model;
  loadBuiltin(model, 8);
  Stage1Config config = model.stage1.config;
  config.steps = 3;
  applyCommand(model, SetStage1Config{config});
  applyCommand(model, Stage1Play{});
  settle(model);
  ASSERT_EQ(model.stage1.snapshot->stepsDone, 3);
  const auto trained = model.stage1.snapshot;
  const uint64_t generation = model.stage1.generation;
  applyCommand(model, SetCorruption{Corruption{CorruptionKind::Mask, 0.3}, 5});
  applyCommand(model, SetKernelScale{KernelScale::Matched});

  applyCommand(model, SetReferenceCompatible{true});
  settle(model);
  // Stage I was not restarted: same run, same trained W, init untouched.
  EXPECT_EQ(model.stage1.generation, generation);
  EXPECT_EQ(model.stage1.snapshot, trained);
  EXPECT_EQ(model.stage1.config.init, FeatureInit::Identity);
  EXPECT_FALSE(model.stage1.config.normalizeRows);
  EXPECT_EQ(model.fairness.kernelScale, KernelScale::Raw);
  EXPECT_EQ(model.query.corruption.kind, CorruptionKind::MaskRescale);
  EXPECT_EQ(model.query.corruption.amount, 0.3);
  EXPECT_TRUE(model.column(Side::Baseline).config.betaAfterSeparation);
  EXPECT_TRUE(model.column(Side::UHop).config.betaAfterSeparation);
  // The U-Hop column runs on the trained W, used raw (no row normalisation, no scale).
  EXPECT_EQ(model.column(Side::UHop).wStep, 3);
  // This dynamics has no energy: the columns record none (the plot says why).
  EXPECT_FALSE(model.column(Side::UHop).model->hasEnergy());
  // The settings file keeps the user's settings, not the mode's.
  const Settings saved = currentSettings(model);
  EXPECT_EQ(saved.corruption, "mask:0.3");
  EXPECT_EQ(saved.kernelScale, "matched");
  EXPECT_TRUE(saved.normalizeRows);

  applyCommand(model, SetReferenceCompatible{false});
  settle(model);
  EXPECT_EQ(model.stage1.generation, generation);
  EXPECT_EQ(model.stage1.snapshot, trained);
  EXPECT_TRUE(model.stage1.config.normalizeRows);
  EXPECT_EQ(model.fairness.kernelScale, KernelScale::Matched);
  EXPECT_EQ(model.query.corruption.kind, CorruptionKind::Mask);
  EXPECT_EQ(model.query.corruption.amount, 0.3);
  EXPECT_EQ(model.query.seed, 5u);
  EXPECT_FALSE(model.column(Side::Baseline).config.betaAfterSeparation);
  EXPECT_FALSE(model.column(Side::UHop).config.betaAfterSeparation);
  EXPECT_EQ(model.column(Side::UHop).wStep, 3);
  EXPECT_TRUE(model.column(Side::UHop).model->hasEnergy());
}

TEST(AppModelTest, KernelScaleMatchedHasUnitTrace) {
  AppModel model;
  loadBuiltin(model, 8);
  applyCommand(model, SetKernelScale{KernelScale::Matched});
  auto W = model.scaledFeatureMap(model.stage1.snapshot.get());
  ASSERT_TRUE(W);
  EXPECT_NEAR(W->cast<double>().squaredNorm() / W->cols(), 1.0, 1e-3);
  EXPECT_TRUE(model.column(Side::UHop).model);
}

TEST(AppModelTest, ScreenshotAndScaleRequestsAreCommands) {
  AppModel model;
  applyCommand(model, RequestScreenshot{true});
  EXPECT_EQ(model.screenshots2xRequested, 1);
  EXPECT_EQ(model.screenshotsRequested, 0);
  applyCommand(model, RequestScreenshot{});
  applyCommand(model, RequestScreenshot{});  // two presses in one frame write two files
  EXPECT_EQ(model.screenshotsRequested, 2);
  applyCommand(model, SetUiScale{1.5f});
  EXPECT_FLOAT_EQ(model.settings.uiScale, 1.5f);
  applyCommand(model, SetUiScale{0});  // follow the monitor again
  EXPECT_EQ(model.settings.uiScale, 0.0f);
  EXPECT_TRUE(model.themeOrScaleChanged);
  applyCommand(model, SetUiScale{9});
  EXPECT_FLOAT_EQ(model.settings.uiScale, 4.0f);
}

TEST(AppModelTest, SettingsRoundTripThroughTheModel) {
  AppModel model;
  Settings s;
  s.beta = 2.5;
  s.stage1Steps = 42;
  s.corruption = "noise:0.3";
  s.kernelScale = "matched";
  applySettings(model, s);
  const Settings back = currentSettings(model);
  EXPECT_EQ(back.beta, 2.5);
  EXPECT_EQ(back.stage1Steps, 42);
  EXPECT_EQ(back.corruption, Corruption::parse("noise:0.3").name());
  EXPECT_EQ(back.kernelScale, "matched");
}

// The W a column retrieves with, as the studio hands it to core (null for non-kernel columns).
std::shared_ptr<const Matrix> columnW(const AppModel& model, Side side) {
  if (model.column(side).config.similarity != SimilarityKind::Kernel) return nullptr;
  return model.scaledFeatureMap(model.stage1.snapshot.get());
}

TEST(AppModelTest, GuiStepsEqualCoreRetrieveForBothColumns) {
  AppModel model;
  loadBuiltin(model, 16);
  // A trained W (not the identity of step 0), and a kernel on the baseline side too, with
  // another separation, so both columns retrieve with W.
  Stage1Config config = model.stage1.config;
  config.steps = 5;
  applyCommand(model, SetStage1Config{config});
  applyCommand(model, Stage1Play{});
  settle(model);
  ASSERT_EQ(model.stage1.snapshot->stepsDone, 5);
  ModelConfig kernelSparse = model.column(Side::Baseline).config;
  kernelSparse.similarity = SimilarityKind::Kernel;
  kernelSparse.separation = Separation::entmax(1.5);
  kernelSparse.beta = 0.2;
  applyCommand(model, SetBetaLinked{false});
  applyCommand(model, SetColumnConfig{Side::Baseline, kernelSparse});
  applyCommand(model, SelectTarget{3});
  const int T = 4;
  for (int t = 0; t < T; ++t) applyCommand(model, StepRetrieval{});
  for (Side side : {Side::Baseline, Side::UHop}) {
    const RetrievalColumn& col = model.column(side);
    ASSERT_TRUE(col.model) << col.modelError;
    ASSERT_EQ(col.steps, T);
    std::shared_ptr<const Matrix> W = columnW(model, side);
    ASSERT_TRUE(W);
    // An independent model from the same W and retrieve(): the one step loop of core.
    HopfieldModel reference(model.memories.patterns, col.config, W.get());
    RetrievalOptions options;
    options.steps = T;
    options.recordEnergy = true;
    const RetrievalTrace trace = retrieve(reference, Matrix(model.query.pixels), options);
    EXPECT_TRUE(col.state == trace.finalStates.col(0)) << index(side);
    EXPECT_TRUE(col.weights == trace.finalWeights.col(0)) << index(side);
    ASSERT_EQ(col.energy.size(), static_cast<size_t>(T + 1));
    for (int t = 0; t <= T; ++t)
      EXPECT_EQ(col.energy[t], trace.energies(t, 0)) << index(side) << " t=" << t;
    // The outcome shown is that of x_T.
    const QueryOutcome o =
        assessQuery(trace.finalStates, trace.finalWeights, *model.memories.patterns, 0,
                    model.query.target, col.config.separation);
    EXPECT_EQ(col.outcome.error, o.error);
    EXPECT_EQ(col.outcome.retrieved, o.retrieved);
  }
}

TEST(AppModelTest, BetaChangeReusesTheScoreOperator) {
  AppModel model;
  loadBuiltin(model, 16);
  applyCommand(model, SelectTarget{4});
  const RetrievalColumn& uhop = model.column(Side::UHop);
  ASSERT_TRUE(uhop.model) << uhop.modelError;
  const SimilarityOperator* kernelOperator = uhop.model->sharedSimilarity().get();
  const SimilarityOperator* dotOperator =
      model.column(Side::Baseline).model->sharedSimilarity().get();
  // Dragging β (linked: both columns), then the separation and the β convention: new models,
  // the same operators (ΞᵀWᵀW is not rebuilt).
  for (double beta : {2.0, 7.5, 0.3}) {
    applyCommand(model, SetBeta{Side::UHop, beta});
    ASSERT_TRUE(uhop.model) << uhop.modelError;
    EXPECT_EQ(uhop.model->config().beta, beta);
    EXPECT_EQ(uhop.model->sharedSimilarity().get(), kernelOperator);
    EXPECT_EQ(model.column(Side::Baseline).model->sharedSimilarity().get(), dotOperator);
  }
  ModelConfig sparse = uhop.config;
  sparse.separation = Separation::sparsemax();
  applyCommand(model, SetColumnConfig{Side::UHop, sparse});
  EXPECT_EQ(uhop.model->config().separation, Separation::sparsemax());
  EXPECT_EQ(uhop.model->sharedSimilarity().get(), kernelOperator);
  // The reused model retrieves what a model built afresh with that β and W retrieves.
  applyCommand(model, StepRetrieval{Side::UHop});
  HopfieldModel fresh(model.memories.patterns, uhop.config, columnW(model, Side::UHop).get());
  EXPECT_NE(fresh.sharedSimilarity().get(), kernelOperator);
  const RetrievalTrace trace = retrieve(fresh, Matrix(model.query.pixels), RetrievalOptions{});
  EXPECT_TRUE(uhop.state == trace.finalStates.col(0));
  ASSERT_EQ(uhop.energy.size(), 2u);
  EXPECT_EQ(uhop.energy[1], trace.energies(1, 0));
  // A new W (another Stage I step) or another similarity does rebuild it.
  Stage1Config config = model.stage1.config;
  config.steps = 1;
  applyCommand(model, SetStage1Config{config});
  applyCommand(model, Stage1Play{});
  settle(model);
  applyCommand(model, ResetRetrieval{Side::UHop});
  ASSERT_EQ(uhop.wStep, 1);
  EXPECT_NE(uhop.model->sharedSimilarity().get(), kernelOperator);
}

}  // namespace
}  // namespace uhop::ui
