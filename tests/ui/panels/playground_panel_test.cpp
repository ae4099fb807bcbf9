// Tests ui/panels/playground_panel.*: the figure of one map (no window needed): the heat map under
// the contour lines (energy view only), the memories at the current points, the fixed points and
// the query's trajectory, on the playground's fixed range.
#include "ui/panels/playground_panel.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "plot/plot_export.h"

namespace uhop::ui {
namespace {

using namespace std::chrono_literals;

const PlotSeries* seriesNamed(const PlotSpec& spec, const std::string& name) {
  for (const PlotSeries& s : spec.series)
    if (s.name == name) return &s;
  return nullptr;
}

TEST(PlaygroundPanelTest, TheFigureHoldsWhatTheStateShows) {
  PlaygroundState s;
  PlaygroundSet set;
  set.grid = 16;
  applyPlayground(s, {set});
  applyPlayground(s, {PlaygroundShow{true}});
  applyPlayground(s, {PlaygroundQuery{std::array<double, 2>{0.1, 0.2}}});
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!s.idle() && std::chrono::steady_clock::now() < deadline) {
    updatePlayground(s);
    std::this_thread::sleep_for(2ms);
  }
  ASSERT_TRUE(s.idle());
  PlotImage heat;
  heat.width = heat.height = 16;
  heat.rgba.assign(256, 0xFF000000u);
  const PlotSpec energy = playgroundSpec(s, 0, &heat);
  EXPECT_EQ(energy.xAxis.min, s.range.x0);
  EXPECT_EQ(energy.yAxis.max, s.range.y1);
  EXPECT_FALSE(energy.xAxis.autoFit);
  ASSERT_EQ(energy.images.size(), 1u);
  const PlotSeries* mem = seriesNamed(energy, "memories");
  ASSERT_TRUE(mem);
  ASSERT_EQ(mem->x.size(), 4u);  // the "pairs" preset
  EXPECT_FLOAT_EQ(float(mem->x[0]), (*s.points)(0, 0));
  EXPECT_FLOAT_EQ(float(mem->y[3]), (*s.points)(1, 3));
  const PlotSeries* contours = seriesNamed(energy, "E contours");
  ASSERT_TRUE(contours);
  ASSERT_EQ(contours->x.size(), s.result->sides[0].contourX.size());  // NaN-separated: no ==
  ASSERT_GT(contours->x.size(), 2u);
  EXPECT_EQ(contours->x[0], s.result->sides[0].contourX[0]);
  EXPECT_EQ(contours->y[1], s.result->sides[0].contourY[1]);
  const PlotSeries* fixed = seriesNamed(energy, "fixed points");
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->x.size(), s.result->sides[0].fixedPoints.size());
  const PlotSeries* trajectory = seriesNamed(energy, "trajectory (T steps)");
  ASSERT_TRUE(trajectory);
  ASSERT_EQ(trajectory->x.size(), size_t(s.steps + 1));
  EXPECT_NEAR(trajectory->x[0], 0.1, 1e-7);  // x_0 = the query, stored as float
  EXPECT_NEAR(trajectory->y[0], 0.2, 1e-7);
  EXPECT_NE(energy.title.find("Baseline (dot): energy"), std::string::npos) << energy.title;

  // The SVG export (the plot menu's) embeds the heat map and draws the trajectory.
  const std::string svg = plotToSvg(energy, 720, 600);
  EXPECT_NE(svg.find("<image"), std::string::npos);
  EXPECT_NE(svg.find("trajectory (T steps)"), std::string::npos);

  PlaygroundSet basins;
  basins.basins = true;
  applyPlayground(s, {basins});
  const PlotSpec uhop = playgroundSpec(s, 1, nullptr);
  EXPECT_TRUE(uhop.images.empty());
  EXPECT_FALSE(seriesNamed(uhop, "E contours"));  // no contours over basins
  EXPECT_NE(uhop.title.find("U-Hop (kernel, W after 0 Stage I steps): basins"), std::string::npos)
      << uhop.title;
}

}  // namespace
}  // namespace uhop::ui
