// Tests plot/svg_raster.*: the pixels of hand-written SVG snippets (coverage worked out by hand)
// and of a whole print figure (white page, dark text, the legend right of the data).
#include "plot/svg_raster.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "plot/palette.h"
#include "plot/plot_export.h"

namespace uhop::ui {
namespace {

std::string page(int w, int h, const std::string& body) {
  return "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
         std::to_string(w) + "\" height=\"" + std::to_string(h) + "\">\n<rect width=\"" +
         std::to_string(w) + "\" height=\"" + std::to_string(h) + "\" fill=\"#ffffff\"/>\n" + body +
         "</svg>\n";
}

uint32_t at(const RasterImage& im, int x, int y) {
  return im.rgba[size_t(y) * size_t(im.width) + size_t(x)];
}
int red(uint32_t c) {
  return int(c & 0xFF);
}
int green(uint32_t c) {
  return int((c >> 8) & 0xFF);
}

constexpr uint32_t kWhite = 0xFFFFFFFFu, kRed = 0xFF0000FFu;

TEST(RasterizeSvg, RectOnPixelEdgesIsExact) {
  const RasterImage im = rasterizeSvg(
      page(10, 10, "<rect x=\"2\" y=\"3\" width=\"4\" height=\"5\" fill=\"#ff0000\"/>\n"), 1);
  ASSERT_EQ(im.width, 10);
  ASSERT_EQ(im.height, 10);
  EXPECT_EQ(at(im, 2, 3), kRed);
  EXPECT_EQ(at(im, 5, 7), kRed);
  EXPECT_EQ(at(im, 6, 7), kWhite);
  EXPECT_EQ(at(im, 5, 8), kWhite);
  EXPECT_EQ(at(im, 1, 3), kWhite);
}

TEST(RasterizeSvg, HalfCoveredPixelsBlendHalfway) {
  // x from 2.5: pixel 2 is half red over white: G = B = 255 / 2.
  const RasterImage im = rasterizeSvg(
      page(10, 10, "<rect x=\"2.5\" y=\"0\" width=\"4\" height=\"10\" fill=\"#ff0000\"/>\n"), 1);
  EXPECT_EQ(red(at(im, 2, 5)), 255);
  EXPECT_NEAR(green(at(im, 2, 5)), 128, 1);
  EXPECT_EQ(at(im, 3, 5), kRed);
  EXPECT_NEAR(green(at(im, 6, 5)), 128, 1);
  // Opacity multiplies coverage: 0.25 red over white = 255 · 0.75 in G.
  const RasterImage faint = rasterizeSvg(
      page(4, 4, "<rect width=\"4\" height=\"4\" fill=\"#ff0000\" fill-opacity=\"0.25\"/>\n"), 1);
  EXPECT_NEAR(green(at(faint, 1, 1)), 191, 1);
}

TEST(RasterizeSvg, ScaleMultipliesEveryCoordinate) {
  const RasterImage im = rasterizeSvg(
      page(10, 10, "<rect x=\"2\" y=\"2\" width=\"2\" height=\"2\" fill=\"#ff0000\"/>\n"), 2);
  ASSERT_EQ(im.width, 20);
  EXPECT_EQ(at(im, 4, 4), kRed);
  EXPECT_EQ(at(im, 7, 7), kRed);
  EXPECT_EQ(at(im, 8, 8), kWhite);
  EXPECT_EQ(at(im, 3, 3), kWhite);
}

TEST(RasterizeSvg, ArcsMakeTheMarkerCircle) {
  // The marker plotToSvg writes: two half arcs of radius 3 around (5, 5).
  const RasterImage im = rasterizeSvg(
      page(10, 10, "<path fill=\"#ff0000\" d=\"M2 5 a3 3 0 1 0 6 0 a3 3 0 1 0 -6 0\"/>\n"), 1);
  EXPECT_EQ(at(im, 5, 5), kRed);
  EXPECT_EQ(at(im, 5, 3), kRed);  // the whole pixel [5, 6] × [3, 4] is within 2.3 of (5, 5)
  EXPECT_EQ(at(im, 0, 0), kWhite);
  EXPECT_EQ(at(im, 8, 8), kWhite);  // (8.5, 8.5) is 4.9 away
}

TEST(RasterizeSvg, StrokesDashesAndClipping) {
  // A 2-wide horizontal line at y = 5 from x = 0 to 20, dashed 4 on / 4 off.
  const RasterImage dashed =
      rasterizeSvg(page(20, 10,
                        "<line x1=\"0\" y1=\"5\" x2=\"20\" y2=\"5\" stroke=\"#ff0000\" "
                        "stroke-width=\"2\" stroke-dasharray=\"4 4\"/>\n"),
                   1);
  EXPECT_EQ(at(dashed, 1, 4), kRed);
  EXPECT_EQ(at(dashed, 1, 5), kRed);
  EXPECT_EQ(at(dashed, 1, 3), kWhite);
  EXPECT_EQ(at(dashed, 5, 5), kWhite);  // in the first gap
  EXPECT_EQ(at(dashed, 9, 5), kRed);    // second dash
  // A clip path cuts a fill at its rectangle.
  const RasterImage clipped = rasterizeSvg(
      page(10, 10,
           "<defs><clipPath id=\"c\"><rect x=\"0\" y=\"0\" width=\"5\" "
           "height=\"10\"/></clipPath></defs>\n"
           "<g clip-path=\"url(#c)\"><rect width=\"10\" height=\"10\" fill=\"#ff0000\"/></g>\n"),
      1);
  EXPECT_EQ(at(clipped, 4, 4), kRed);
  EXPECT_EQ(at(clipped, 5, 4), kWhite);
}

TEST(RasterizeSvg, NoSizeIsAnError) {
  EXPECT_THROW(rasterizeSvg("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>", 1),
               std::runtime_error);
}

TEST(RasterizeSvg, TextIsDrawnAtItsAnchor) {
  if (!std::filesystem::exists(kRasterFontPath)) GTEST_SKIP() << "no " << kRasterFontPath;
  // "HH" at 20 px, anchored at its end at x = 50: ink left of 50 only, between cap height and
  // baseline (y = 30).
  const RasterImage im = rasterizeSvg(page(60, 40,
                                           "<text x=\"50\" y=\"30\" font-size=\"20\" "
                                           "text-anchor=\"end\" fill=\"#000000\">HH</text>\n"),
                                      1);
  int inkLeft = 60, inkRight = -1, inkTop = 40, inkBottom = -1;
  for (int y = 0; y < 40; ++y)
    for (int x = 0; x < 60; ++x)
      if (green(at(im, x, y)) < 128) {
        inkLeft = std::min(inkLeft, x), inkRight = std::max(inkRight, x);
        inkTop = std::min(inkTop, y), inkBottom = std::max(inkBottom, y);
      }
  ASSERT_GE(inkRight, 0) << "no text drawn";
  EXPECT_LE(inkRight, 50);
  EXPECT_GE(inkRight, 45);
  EXPECT_GE(inkLeft, 20);  // DejaVu's H advances 0.75 em: "HH" is 30 px wide
  EXPECT_EQ(inkBottom, 29);
  EXPECT_NEAR(inkTop, 30 - 0.73 * 20, 1.5);  // cap height 0.73 em
  EXPECT_THROW(rasterizeSvg(page(10, 10, "<text x=\"1\" y=\"5\">a</text>"), 1, "/nonexistent.ttf"),
               std::runtime_error);
}

TEST(RasterizeSvg, PrintFigureHasWhitePageAndColouredSeriesOutsideTheLegend) {
  if (!std::filesystem::exists(kRasterFontPath)) GTEST_SKIP() << "no " << kRasterFontPath;
  PlotSpec spec;
  spec.title = "Energy";
  spec.xAxis.label = "step";
  spec.yAxis.label = "E";
  for (int s = 0; s < 2; ++s) {
    PlotSeries series;
    series.name = s ? "U-Hop" : "baseline";
    series.x = {0, 1, 2, 3};
    series.y = {3.0 - s, 2.0 - s, 1.5 - s, 1.2 - s};
    spec.series.push_back(series);
  }
  const RasterImage im =
      rasterizeSvg(plotToSvg(spec, 800, 500, 13, PlotStyle::Print), kPrintPngScale);
  ASSERT_EQ(im.width, 1200);
  ASSERT_EQ(im.height, 750);
  EXPECT_EQ(at(im, 2, 2), kWhite);
  EXPECT_EQ(at(im, 1197, 747), kWhite);
  // Both series colours occur somewhere (lines and legend swatches), on an opaque page.
  int first = 0, second = 0;
  for (uint32_t c : im.rgba) {
    ASSERT_EQ(c >> 24, 255u);
    first += (c | 0xFF000000u) == (seriesColor(0) | 0xFF000000u);
    second += (c | 0xFF000000u) == (seriesColor(1) | 0xFF000000u);
  }
  EXPECT_GT(first, 50);
  EXPECT_GT(second, 50);
}

}  // namespace
}  // namespace uhop::ui
