// Tests the Theory window's plot (ui/panels/theory_panel.*) without a window: every memory is a
// point (vacuous bounds on the 2m line, counted, not dropped; values below the floor drawn at
// it), the axes are log-log, the line y = x spans the data, and the caption states the counts.
#include "ui/panels/theory_panel.h"

#include <gtest/gtest.h>

#include <cmath>

namespace uhop::ui {
namespace {

MemoryTheory memory(int index, double logBound, double measured, double maxError) {
  MemoryTheory t;
  t.index = index;
  t.logBound = logBound;
  t.bound = std::exp(logBound);
  t.vacuous = !(logBound < std::log(maxError));
  t.measuredError = measured;
  return t;
}

TheoryViewResult result() {
  TheoryViewResult r;
  r.key.configs[0] = ModelConfig{SimilarityKind::Dot, Separation::softmax(), 2, false};
  r.key.configs[1] = ModelConfig{SimilarityKind::Kernel, Separation::softmax(), 2, false};
  r.key.wStep = 7;
  for (int side = 0; side < 2; ++side) {
    TheoryReport t;
    t.maxNorm = 5;
    t.maxError = 10;  // 2m
    t.radius = side == 0 ? 0.25 : 0.75;
    r.reports[side] = t;
  }
  // Baseline: memory 0 held (bound 1e-3, error 1e-5), memory 1 vacuous (e^40 ≥ 10), memory 2
  // exactly retrieved (error 0: drawn at the floor).
  r.reports[0]->memories = {memory(0, std::log(1e-3), 1e-5, 10), memory(1, 40, 2.0, 10),
                            memory(2, std::log(1e-2), 0.0, 10)};
  // U-Hop: all held; memory 1's bound underflows (e^-800 = 0: drawn at the floor).
  r.reports[1]->memories = {memory(0, std::log(1e-4), 1e-6, 10), memory(1, -800, 1e-7, 10),
                            memory(2, std::log(0.5), 1e-2, 10)};
  return r;
}

TEST(TheoryPanelTest, ScatterKeepsEveryMemoryAndMarksVacuousBounds) {
  const TheoryViewResult r = result();
  TheoryScatterInfo info;
  const PlotSpec spec = theoryScatter(r, &info);
  EXPECT_EQ(spec.xAxis.scale, AxisScale::Log10);
  EXPECT_EQ(spec.yAxis.scale, AxisScale::Log10);
  // Per column a held and a vacuous series, then y = x.
  ASSERT_EQ(spec.series.size(), 5u);
  ASSERT_EQ(info.memoryOf.size(), 5u);
  EXPECT_EQ(spec.series[0].x.size() + spec.series[1].x.size(), 3u);
  EXPECT_EQ(spec.series[2].x.size() + spec.series[3].x.size(), 3u);
  EXPECT_EQ(info.vacuous, (std::array<int, 2>{1, 0}));
  // The vacuous bound sits on the 2m line, at its measured error, and knows its memory.
  ASSERT_EQ(spec.series[1].y.size(), 1u);
  EXPECT_EQ(spec.series[1].y[0], 10);
  EXPECT_EQ(spec.series[1].x[0], 2.0);
  EXPECT_EQ(info.memoryOf[1], std::vector<int>{1});
  EXPECT_TRUE(spec.series[1].hollow);
  EXPECT_FALSE(spec.series[0].hollow);
  ASSERT_EQ(spec.referenceLines.size(), 1u);
  EXPECT_EQ(spec.referenceLines[0].second, 10);
  // Held baseline points: memory 0 at (1e-5, 1e-3), memory 2's zero error at the floor.
  EXPECT_EQ(info.memoryOf[0], (std::vector<int>{0, 2}));
  EXPECT_NEAR(spec.series[0].y[0], 1e-3, 1e-15);
  EXPECT_EQ(spec.series[0].x[1], kTheoryPlotFloor);
  // U-Hop memory 1: the underflowing bound at the floor.
  EXPECT_EQ(spec.series[2].y[1], kTheoryPlotFloor);
  EXPECT_EQ(info.floored, (std::array<int, 2>{1, 1}));
  // y = x from the smallest value drawn (the floor) to 2m.
  const PlotSeries& diagonal = spec.series[4];
  EXPECT_EQ(diagonal.style, SeriesStyle::Line);
  EXPECT_EQ(diagonal.x, (std::vector<double>{kTheoryPlotFloor, 10}));
  EXPECT_EQ(diagonal.y, diagonal.x);

  const std::string caption = theoryParameters(r, info);
  EXPECT_NE(caption.find("M = 3"), std::string::npos) << caption;
  EXPECT_NE(caption.find("β = 2"), std::string::npos) << caption;
  EXPECT_NE(caption.find("step 7"), std::string::npos) << caption;
  EXPECT_NE(caption.find("R = 0.25"), std::string::npos) << caption;
  EXPECT_NE(caption.find("R_Φ = 0.75"), std::string::npos) << caption;
  EXPECT_NE(caption.find("baseline: 1 of 3 bounds vacuous"), std::string::npos) << caption;
  EXPECT_NE(caption.find("U-Hop: 0 of 3 bounds vacuous"), std::string::npos) << caption;
}

TEST(TheoryPanelTest, NoBoundWithoutSoftmax) {
  TheoryViewResult r = result();
  r.key.configs[0].separation = Separation::sparsemax();
  r.key.configs[1].separation = Separation::entmax(1.5);
  TheoryScatterInfo info;
  const PlotSpec spec = theoryScatter(r, &info);
  EXPECT_FALSE(info.hasBound[0]);
  EXPECT_FALSE(info.hasBound[1]);
  EXPECT_TRUE(spec.series.empty());
}

}  // namespace
}  // namespace uhop::ui
