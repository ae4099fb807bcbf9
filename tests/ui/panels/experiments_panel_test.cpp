// Tests the Experiments tab's logic (ui/experiment_worker.*, the StartExperiment /
// CancelExperiment commands of ui/app_model.*, sweepPlotSpec of ui/sweep_plot.*) without a
// window: a tiny sweep run through the commands equals core's Sweep run directly; cancel stops a
// run promptly; bad grids and M beyond the loaded memories are refused with a message.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "studio/app_model.h"
#include "studio/workers/experiment_worker.h"
#include "ui/panels/experiments_panel.h"
#include "plot/plot_export.h"
#include "plot/sweep_plot.h"

namespace uhop::ui {
namespace {

using namespace std::chrono_literals;

void loadBuiltin(AppModel& model, int count) {
  applyCommand(model, LoadMemories{"builtin", count, 0});
  ASSERT_TRUE(waitForLoad(model));
  ASSERT_TRUE(model.memories.set) << model.memories.error;
}

bool sameNumber(double a, double b) {
  return a == b || (std::isnan(a) && std::isnan(b));
}

TEST(ExperimentsTest, GridTextParsesAndRejectsJunk) {
  EXPECT_EQ(parseGridText("10, 20,30 ;50"), (std::vector<double>{10, 20, 30, 50}));
  EXPECT_EQ(parseGridText(" 0.5 1e-2 "), (std::vector<double>{0.5, 0.01}));
  EXPECT_THROW(parseGridText("10, abc"), ConfigError);
  EXPECT_THROW(parseGridText("10, 2x"), ConfigError);
  EXPECT_THROW(parseGridText(" , "), ConfigError);
  EXPECT_EQ(gridToText({10, 0.05, 200}), "10, 0.05, 200");
  EXPECT_EQ(defaultGridFor(SweepKind::Capacity, 64), (std::vector<double>{10, 20, 30, 50}));
  EXPECT_EQ(defaultGridFor(SweepKind::Noise, 64), defaultGrid(SweepKind::Noise));
  EXPECT_EQ(formatDuration(75), "1m 15s");
}

TEST(ExperimentsTest, TinySweepThroughCommandsEqualsCoreSweep) {
  AppModel model;
  loadBuiltin(model, 12);
  StartExperiment start;
  start.kind = SweepKind::Capacity;
  start.grid = "4, 8";
  start.models = {0, 3};  // MHM and U-Hop (Stage I)
  start.seeds = 2;
  start.threads = 2;
  applyCommand(model, start);
  ASSERT_TRUE(model.experiments.error.empty()) << model.experiments.error;
  ASSERT_TRUE(model.experimentWorker->waitIdle(120s));
  updateModel(model);
  const auto snap = model.experiments.snapshot;
  ASSERT_TRUE(snap);
  EXPECT_TRUE(snap->finished);
  EXPECT_FALSE(snap->cancelled);
  EXPECT_TRUE(snap->error.empty()) << snap->error;
  EXPECT_EQ(snap->totalCells, 2 * 2 * 2);
  EXPECT_EQ(snap->cellsDone, snap->totalCells);
  EXPECT_DOUBLE_EQ(model.experimentWorker->progress(), 1.0);

  // The same sweep straight through core, in this thread.
  Sweep direct(model.memories.set, experimentConfig(model, start));
  direct.run(nullptr, 1);
  const std::vector<SweepRow> expected = direct.rows();
  ASSERT_EQ(snap->rows.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(snap->rows[i].x, expected[i].x);
    EXPECT_EQ(snap->rows[i].model, expected[i].model);
    EXPECT_EQ(snap->rows[i].seed, expected[i].seed);
    EXPECT_TRUE(sameNumber(snap->rows[i].meanError, expected[i].meanError)) << i;
    EXPECT_TRUE(sameNumber(snap->rows[i].correctFraction, expected[i].correctFraction)) << i;
    EXPECT_TRUE(sameNumber(snap->rows[i].metastableFraction, expected[i].metastableFraction));
    EXPECT_EQ(snap->rows[i].supportHistogram, expected[i].supportHistogram);
  }
  const std::vector<SweepPoint> points = direct.aggregate();
  ASSERT_EQ(snap->points.size(), points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    EXPECT_TRUE(sameNumber(snap->points[i].meanError, points[i].meanError));
    EXPECT_TRUE(sameNumber(snap->points[i].stdError, points[i].stdError));
  }

  // The figure: one series per model, mean ± std at every x.
  const PlotSpec spec = sweepPlotSpec(snap->config, snap->points, SweepMetric::Error);
  ASSERT_EQ(spec.series.size(), 2u);
  EXPECT_EQ(spec.xAxis.scale, AxisScale::Log10);  // capacity reads better on log x
  for (const PlotSeries& s : spec.series) {
    EXPECT_EQ(s.x, (std::vector<double>{4, 8}));
    EXPECT_EQ(s.yError.size(), s.y.size());
  }
  EXPECT_EQ(spec.series[0].name, snap->config.models[0].name);
  const PlotSpec correct = sweepPlotSpec(snap->config, snap->points, SweepMetric::Correct);
  for (double y : correct.series[0].y) EXPECT_TRUE(y >= 0 && y <= 1);
}

TEST(ExperimentsTest, TheTabsOwnCorruptionAndStepsReachTheSweepAndItsCaption) {
  AppModel model;
  loadBuiltin(model, 12);
  // The Stage II query says "none": the sweep must not take it (its error bars would be zero).
  applyCommand(model, SetCorruption{Corruption{CorruptionKind::None, 0}, 1});
  ExperimentsPanel panel;
  panel.corruption = Corruption{CorruptionKind::Occlude, 0.3};
  panel.steps = 4;
  panel.seeds = 2;
  panel.gridText[0] = "4, 8";
  panel.models = {true, false, false, false, false};
  StartExperiment start = panel.startCommand();
  const SweepConfig config = experimentConfig(model, start);
  EXPECT_EQ(config.corruption.kind, CorruptionKind::Occlude);
  EXPECT_DOUBLE_EQ(config.corruption.amount, 0.3);
  EXPECT_EQ(config.steps, 4);
  start.threads = 1;
  applyCommand(model, start);
  ASSERT_TRUE(model.experiments.error.empty()) << model.experiments.error;
  EXPECT_EQ(model.experiments.parameters,
            "builtin · M = x · occlude:0.3 · T = 4 · 2 seeds · β = 1");
  ASSERT_TRUE(model.experimentWorker->waitIdle(60s));
  updateModel(model);
  // The exported figure carries the same line: an SVG subtitle and a CSV comment.
  PlotSpec spec = sweepPlotSpec(model.experiments.snapshot->config,
                                model.experiments.snapshot->points, SweepMetric::Error);
  spec.parameters = model.experiments.parameters;
  const std::string line = "builtin · M = x · occlude:0.3 · T = 4 · 2 seeds · β = 1";
  EXPECT_NE(plotToSvg(spec).find(">" + line + "</text>"), std::string::npos);
  EXPECT_NE(plotToCsv(spec).find("# " + line + "\n"), std::string::npos);
}

TEST(ExperimentsTest, SweepParametersNameWhatVaries) {
  SweepConfig c;
  c.kind = SweepKind::Noise;
  c.memories = 100;
  c.steps = 1;
  c.seeds = 1;
  c.models = defaultModels();
  EXPECT_EQ(sweepParameters(c, "fashion-mnist"),
            "fashion-mnist · M = 100 · noise:σ = x · T = 1 · 1 seed · β = 1");
  c.kind = SweepKind::Beta;
  c.corruption = Corruption{CorruptionKind::Mask, 0.5};
  EXPECT_EQ(sweepParameters(c, "x.idx"), "x.idx · M = 100 · mask:0.5 · T = 1 · 1 seed · β = x");
  c.kind = SweepKind::Capacity;
  c.models[1].model.beta = 2;
  EXPECT_EQ(sweepParameters(c, "builtin"),
            "builtin · M = x · mask:0.5 · T = 1 · 1 seed · β per model");
}

TEST(ExperimentsTest, CancelStopsTheRunPromptly) {
  AppModel model;
  loadBuiltin(model, 64);
  StartExperiment start;  // the default capacity grid fitted to M = 64, all models, 5 seeds
  start.seeds = 5;
  start.threads = 1;
  applyCommand(model, start);
  ASSERT_TRUE(model.experiments.error.empty()) << model.experiments.error;
  EXPECT_TRUE(model.experimentWorker->running());
  applyCommand(model, CancelExperiment{});
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(model.experimentWorker->waitIdle(60s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 30s);
  updateModel(model);
  ASSERT_TRUE(model.experiments.snapshot);
  EXPECT_TRUE(model.experiments.snapshot->cancelled);
  EXPECT_FALSE(model.experiments.snapshot->finished);
  EXPECT_LT(model.experiments.snapshot->cellsDone, model.experiments.snapshot->totalCells);
  EXPECT_FALSE(model.experimentWorker->running());
}

TEST(ExperimentsTest, BadSettingsAreRefusedWithAMessage) {
  AppModel model;
  loadBuiltin(model, 16);
  StartExperiment start;
  start.grid = "10, 100";  // capacity beyond the 16 memories loaded
  applyCommand(model, start);
  EXPECT_NE(model.experiments.error.find("beyond the 16 memories"), std::string::npos)
      << model.experiments.error;
  EXPECT_FALSE(model.experiments.snapshot);
  EXPECT_FALSE(model.experimentWorker->running());

  start.grid = "10, ten";
  applyCommand(model, start);
  EXPECT_NE(model.experiments.error.find("\"ten\""), std::string::npos) << model.experiments.error;

  start.kind = SweepKind::Beta;
  start.grid = "1, -2";
  applyCommand(model, start);
  EXPECT_FALSE(model.experiments.error.empty());

  start.kind = SweepKind::Noise;
  start.grid = "0, 0.5";
  start.memories = 40;  // > 16 loaded
  applyCommand(model, start);
  EXPECT_NE(model.experiments.error.find("beyond"), std::string::npos);

  start.memories = 8;
  start.models = {-1};  // the panel's "no model chosen"
  applyCommand(model, start);
  EXPECT_NE(model.experiments.error.find("at least one model"), std::string::npos);
  EXPECT_FALSE(model.experiments.snapshot);
}

}  // namespace
}  // namespace uhop::ui
