// Tests the metastable panel's "before vs after Stage I" run (ui/metastable_worker.*,
// SetMetastableCompare of ui/app_model.*): with the identity init and row-normalised W, U-Hop
// before Stage I is the dot-product baseline, so their outcomes agree; after Stage I the learned
// W is used.
#include <gtest/gtest.h>

#include <chrono>

#include "studio/app_model.h"

namespace uhop::ui {
namespace {

using namespace std::chrono_literals;

void settle(AppModel& model) {
  ASSERT_TRUE(model.stage1Worker->waitIdle(60s));
  updateModel(model);
  ASSERT_TRUE(model.metastableWorker->waitIdle(60s));
  updateModel(model);
}

TEST(MetastableCompareTest, BeforeStage1EqualsTheDotBaselineWithIdentityInit) {
  AppModel model;
  applyCommand(model, LoadMemories{"builtin", 16, 0});
  ASSERT_TRUE(waitForLoad(model));
  ASSERT_TRUE(model.memories.set) << model.memories.error;
  Stage1Config c = model.stage1.config;
  c.steps = 10;
  applyCommand(model, SetStage1Config{c});
  applyCommand(model, Stage1Play{});
  settle(model);
  ASSERT_EQ(model.stage1.snapshot->stepsDone, 10);
  applyCommand(model, RunMetastable{});
  settle(model);
  const auto r = model.metastable.result;
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->error.empty()) << r->error;
  ASSERT_TRUE(r->hasBefore);
  EXPECT_EQ(r->queries, 16);
  EXPECT_NEAR(r->uhopBefore.correctFraction, r->baseline.correctFraction, 1e-12);
  EXPECT_NEAR(r->uhopBefore.metastableFraction, r->baseline.metastableFraction, 1e-12);
  EXPECT_EQ(r->uhopBefore.supportHistogram, r->baseline.supportHistogram);
  // The baseline (dot) has no Stage I: its "before" is itself.
  EXPECT_EQ(r->baselineBefore.supportHistogram, r->baseline.supportHistogram);

  // Switching the comparison off re-runs without the extra rows.
  applyCommand(model, SetMetastableCompare{false});
  settle(model);
  ASSERT_TRUE(model.metastable.result);
  EXPECT_FALSE(model.metastable.result->hasBefore);
}

}  // namespace
}  // namespace uhop::ui
