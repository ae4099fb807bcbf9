// Tests for ui/background: the gaps between panels are exactly the pixels no panel covers.
#include "ui/window/background.h"

#include <gtest/gtest.h>

#include <vector>

namespace uhop::ui {
namespace {

// Counts, on an integer grid, how many of `rects` cover each cell.
std::vector<int> coverage(const std::vector<ImVec4>& rects, int w, int h) {
  std::vector<int> c(static_cast<size_t>(w) * h, 0);
  for (const ImVec4& r : rects)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        if (x + 0.5f > r.x && x + 0.5f < r.z && y + 0.5f > r.y && y + 0.5f < r.w)
          ++c[static_cast<size_t>(y) * w + x];
  return c;
}

TEST(Background, GapsAndPanelsTileTheWindowExactlyOnce) {
  // The studio's layout shape: a left column, a middle column split in two, a right column
  // split in two, with gaps, a menu bar and a status bar; one panel sticks out of the window.
  const std::vector<ImVec4> panels = {{8, 36, 304, 952},      {314, 36, 1144, 336},
                                      {315, 359, 1144, 951},  {1154, 36, 1592, 482},
                                      {1154, 505, 1592, 951}, {1500, 960, 1700, 1100}};
  const int w = 1600, h = 1000;
  const std::vector<ImVec4> gaps = uncoveredRects(panels, w, h);
  std::vector<ImVec4> all = panels;
  all.insert(all.end(), gaps.begin(), gaps.end());
  const std::vector<int> c = coverage(all, w, h);
  for (int v : c) ASSERT_EQ(v, 1);
  // The gaps are the small part: here under 15 % of the window.
  double area = 0;
  for (const ImVec4& g : gaps) area += (g.z - g.x) * (g.w - g.y);
  EXPECT_LT(area, 0.15 * w * h);
  EXPECT_GT(area, 0.05 * w * h);
}

TEST(Background, NoPanelsLeaveTheWholeWindowAndFullCoverLeavesNothing) {
  const auto none = uncoveredRects({}, 100, 50);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].x, 0);
  EXPECT_EQ(none[0].y, 0);
  EXPECT_EQ(none[0].z, 100);
  EXPECT_EQ(none[0].w, 50);
  EXPECT_TRUE(uncoveredRects({{-5, -5, 200, 200}}, 100, 50).empty());
  EXPECT_TRUE(uncoveredRects({{0, 0, 10, 10}}, 0, 50).empty());
}

TEST(Background, OverlappingPanelsAreNotCountedTwice) {
  const std::vector<ImVec4> panels = {{10, 10, 60, 40}, {30, 20, 90, 45}};
  const std::vector<ImVec4> gaps = uncoveredRects(panels, 100, 50);
  std::vector<int> fromGaps = coverage(gaps, 100, 50), fromPanels = coverage(panels, 100, 50);
  for (size_t i = 0; i < fromGaps.size(); ++i) ASSERT_EQ(fromGaps[i] == 1, fromPanels[i] == 0) << i;
  for (int v : fromGaps) ASSERT_LE(v, 1);
}

}  // namespace
}  // namespace uhop::ui
