// The landscape figures: basin colours, and the PNG's layout (rows flipped: the grid's row 0 is
// the bottom of the picture; basins on the right-hand panel).
#include "plot/landscape_plot.h"

#include <gtest/gtest.h>
#include <stb_image.h>

#include "plot/palette.h"

namespace uhop::ui {
namespace {

TEST(LandscapePlot, BasinColours) {
  EXPECT_EQ(basinColor(0, 1.0), seriesColor(0) | 0xFF000000u);  // full weight: the memory's colour
  const uint32_t grey = basinColor(-1, 0.5);
  EXPECT_EQ(grey & 0xFF, (grey >> 8) & 0xFF);
  EXPECT_EQ(grey & 0xFF, (grey >> 16) & 0xFF);
  // Paler as max p falls towards 0.9: every channel moves towards 255.
  const uint32_t full = basinColor(2, 1.0), weak = basinColor(2, 0.9);
  for (int s : {0, 8, 16}) EXPECT_GE((weak >> s) & 0xFF, (full >> s) & 0xFF);
  EXPECT_NE(full, weak);
  // Past the palette the colours still differ from one memory to the next.
  EXPECT_NE(basinColor(kPaletteSize, 1.0), basinColor(kPaletteSize + 1, 1.0));
}

TEST(LandscapePlot, PngPutsGridRowZeroAtTheBottom) {
  Landscape land;
  land.grid = 2;
  land.range = {0, 1, 0, 1};
  land.energy = {0, 1, 2, 3};
  land.basin = {0, -1, 1, 0};  // index j·2 + i: bottom row (j = 0) is {0, −1}
  land.maxWeight = {1, 0.5, 1, 1};
  Matrix far(2, 1);
  far << 100, 100;  // outside the picture: no dot drawn
  const std::string png = landscapePng(land, far);
  int w = 0, h = 0, c = 0;
  unsigned char* data = stbi_load_from_memory(reinterpret_cast<const unsigned char*>(png.data()),
                                              static_cast<int>(png.size()), &w, &h, &c, 3);
  ASSERT_NE(data, nullptr);
  ASSERT_EQ(h, 512);  // 2 cells of 256 px
  ASSERT_EQ(w, 2 * 512 + 8);
  auto pixel = [&](int row, int col) {
    const unsigned char* p = data + 3 * (size_t(row) * w + col);
    return packColor(p[0], p[1], p[2]);
  };
  const int basins = 512 + 8;
  EXPECT_EQ(pixel(500, basins + 10), basinColor(0, 1));      // bottom left: j = 0, i = 0
  EXPECT_EQ(pixel(500, basins + 300), basinColor(-1, 0.5));  // bottom right: j = 0, i = 1
  EXPECT_EQ(pixel(10, basins + 10), basinColor(1, 1));       // top left: j = 1, i = 0
  // Energy panel: the lowest energy (bottom left) is the ramp's start, the highest its end.
  EXPECT_EQ(pixel(500, 10), energyColor(0));
  EXPECT_EQ(pixel(10, 300), energyColor(1));
  stbi_image_free(data);
}

}  // namespace
}  // namespace uhop::ui
