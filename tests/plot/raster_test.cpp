// PNG encoding and base64 of plot/raster.h, and the heat-map image in the SVG export.
#include "plot/raster.h"

#include <gtest/gtest.h>
#include <stb_image.h>

#include "plot/palette.h"
#include "plot/plot_export.h"

namespace uhop::ui {
namespace {

TEST(Raster, Base64OfTheRfc4648Vectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64(std::string("\xff\xfe", 2)), "//4=");
}

TEST(Raster, PngDecodesToTheSamePixels) {
  const std::vector<uint32_t> pixels = {packColor(255, 0, 0),    packColor(0, 255, 0),
                                        packColor(0, 0, 255),    packColor(10, 20, 30),
                                        packColor(200, 100, 50), packColor(1, 2, 3)};
  const std::string png = encodePng(3, 2, pixels);
  int w = 0, h = 0, channels = 0;
  unsigned char* data = stbi_load_from_memory(reinterpret_cast<const unsigned char*>(png.data()),
                                              static_cast<int>(png.size()), &w, &h, &channels, 3);
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(w, 3);
  EXPECT_EQ(h, 2);
  EXPECT_EQ(channels, 3);  // opaque: written as RGB
  for (int k = 0; k < 6; ++k)
    for (int c = 0; c < 3; ++c)
      EXPECT_EQ(data[3 * k + c], (pixels[k] >> (8 * c)) & 0xFF) << k << "," << c;
  stbi_image_free(data);
  EXPECT_THROW(encodePng(2, 2, pixels), std::runtime_error);
}

TEST(Raster, SvgEmbedsTheImageOverItsDataExtent) {
  PlotSpec spec;
  spec.xAxis.autoFit = spec.yAxis.autoFit = false;
  spec.xAxis.min = 0, spec.xAxis.max = 10, spec.yAxis.min = 0, spec.yAxis.max = 10;
  PlotSeries s;
  s.style = SeriesStyle::Markers;
  s.x = {5};
  s.y = {5};
  spec.series.push_back(s);
  PlotImage image;
  const uint32_t a = packColor(255, 0, 0), b = packColor(0, 0, 255), c = packColor(0, 255, 0),
                 d = packColor(9, 9, 9);
  image.width = 2, image.height = 2;
  image.rgba = {a, b, c, d};  // row 0 (a, b) at the bottom, row 1 (c, d) on top
  image.x0 = 0, image.x1 = 10, image.y0 = 0, image.y1 = 5;  // the lower half of the frame
  spec.images.push_back(image);
  const std::string svg = plotToSvg(spec);
  const size_t at = svg.find("<image");
  ASSERT_NE(at, std::string::npos);
  const std::string tag = svg.substr(at, svg.find("/>", at) - at);
  // PNG rows run top-down: the top row (c, d) comes first.
  EXPECT_NE(tag.find("xlink:href=\"data:image/png;base64," + base64(encodePng(2, 2, {c, d, a, b})) +
                     "\""),
            std::string::npos);
  // Under the series: the image comes before the first series group.
  EXPECT_LT(at, svg.find("id=\"series-0\""));
  // It spans the whole frame's width and the lower half of its height: compare with the
  // clip rectangle of the plot area.
  auto attr = [](const std::string& tag, const std::string& name) {
    const size_t p = tag.find(" " + name + "=\"") + name.size() + 3;
    return std::stod(tag.substr(p, tag.find('"', p) - p));
  };
  const size_t clipAt = svg.find("<clipPath id=\"plot-area\"><rect");
  ASSERT_NE(clipAt, std::string::npos);
  const std::string clip = svg.substr(clipAt + 25, svg.find("/>", clipAt) - clipAt - 25);
  EXPECT_NEAR(attr(tag, "x"), attr(clip, "x"), 0.02);
  EXPECT_NEAR(attr(tag, "width"), attr(clip, "width"), 0.02);
  EXPECT_NEAR(attr(tag, "height"), attr(clip, "height") / 2, 0.02);
  EXPECT_NEAR(attr(tag, "y"), attr(clip, "y") + attr(clip, "height") / 2, 0.02);
}

}  // namespace
}  // namespace uhop::ui
