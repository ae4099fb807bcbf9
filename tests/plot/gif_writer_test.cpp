// Tests plot/gif_writer.*: an encoded animation decoded again by giflib's own reader has the
// frames, sizes, delays, loop extension and (for images with few colours, which the quantiser keeps
// exactly) the very pixel colours that went in.
#include "plot/gif_writer.h"

#include <gif_lib.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace uhop::ui {
namespace {

struct Reader {
  const std::string* bytes;
  size_t at = 0;
};

int readBytes(GifFileType* gif, GifByteType* out, int count) {
  auto* r = static_cast<Reader*>(gif->UserData);
  const int n = static_cast<int>(std::min<size_t>(count, r->bytes->size() - r->at));
  std::memcpy(out, r->bytes->data() + r->at, n);
  r->at += n;
  return n;
}

struct Decoded {
  Decoded() = default;
  Decoded(const Decoded&) = delete;
  Decoded& operator=(const Decoded&) = delete;
  GifFileType* gif = nullptr;
  ~Decoded() {
    int error = 0;
    if (gif) DGifCloseFile(gif, &error);
  }
};

RgbFrame frameOf(int w, int h, uint8_t r, uint8_t g, uint8_t b) {
  RgbFrame f{w, h, std::vector<uint8_t>(size_t(w) * h * 3)};
  for (int i = 0; i < w * h; ++i) {
    f.rgb[3 * i] = r;
    f.rgb[3 * i + 1] = g;
    f.rgb[3 * i + 2] = b;
  }
  return f;
}

void setPixel(RgbFrame& f, int x, int y, uint8_t r, uint8_t g, uint8_t b) {
  uint8_t* p = &f.rgb[3 * (size_t(y) * f.width + x)];
  p[0] = r;
  p[1] = g;
  p[2] = b;
}

// The RGB colour of pixel (x, y) of decoded frame i, through its local or the global palette.
std::array<int, 3> colourAt(const GifFileType* gif, int i, int x, int y) {
  const SavedImage& image = gif->SavedImages[i];
  const ColorMapObject* map = image.ImageDesc.ColorMap ? image.ImageDesc.ColorMap : gif->SColorMap;
  const GifColorType c = map->Colors[image.RasterBits[y * image.ImageDesc.Width + x]];
  return {c.Red, c.Green, c.Blue};
}

TEST(GifWriterTest, DecodesToTheSameFramesDelaysAndColours) {
  std::vector<RgbFrame> frames;
  frames.push_back(frameOf(5, 4, 0, 0, 0));
  setPixel(frames[0], 1, 2, 255, 0, 0);
  frames.push_back(frameOf(5, 4, 255, 255, 255));
  setPixel(frames[1], 4, 3, 0, 128, 255);
  frames.push_back(frameOf(5, 4, 10, 200, 30));
  GifOptions options;
  options.delayCentiseconds = 7;
  options.lastFrameHoldCentiseconds = 150;
  const std::string bytes = encodeAnimatedGif(frames, options);
  ASSERT_GT(bytes.size(), 6u);
  EXPECT_EQ(bytes.substr(0, 6), "GIF89a");

  Reader reader{&bytes};
  int error = 0;
  Decoded d;
  d.gif = DGifOpen(&reader, readBytes, &error);
  ASSERT_NE(d.gif, nullptr) << GifErrorString(error);
  ASSERT_EQ(DGifSlurp(d.gif), GIF_OK) << GifErrorString(d.gif->Error);
  ASSERT_EQ(d.gif->ImageCount, 3);
  EXPECT_EQ(d.gif->SWidth, 5);
  EXPECT_EQ(d.gif->SHeight, 4);

  const int expectedDelay[] = {7, 7, 150};
  bool loops = false;
  for (int i = 0; i < 3; ++i) {
    GraphicsControlBlock gcb{};
    ASSERT_EQ(DGifSavedExtensionToGCB(d.gif, i, &gcb), GIF_OK);
    EXPECT_EQ(gcb.DelayTime, expectedDelay[i]) << "frame " << i;
    const SavedImage& image = d.gif->SavedImages[i];
    for (int e = 0; e < image.ExtensionBlockCount; ++e) {
      const ExtensionBlock& block = image.ExtensionBlocks[e];
      if (block.Function == APPLICATION_EXT_FUNC_CODE && block.ByteCount == 11 &&
          std::memcmp(block.Bytes, "NETSCAPE2.0", 11) == 0)
        loops = true;
    }
  }
  EXPECT_TRUE(loops);

  EXPECT_EQ(colourAt(d.gif, 0, 0, 0), (std::array<int, 3>{0, 0, 0}));
  EXPECT_EQ(colourAt(d.gif, 0, 1, 2), (std::array<int, 3>{255, 0, 0}));
  EXPECT_EQ(colourAt(d.gif, 1, 0, 0), (std::array<int, 3>{255, 255, 255}));
  EXPECT_EQ(colourAt(d.gif, 1, 4, 3), (std::array<int, 3>{0, 128, 255}));
  EXPECT_EQ(colourAt(d.gif, 2, 2, 2), (std::array<int, 3>{10, 200, 30}));
}

void decode(Reader& reader, Decoded& d) {
  int error = 0;
  d.gif = DGifOpen(&reader, readBytes, &error);
  if (d.gif && DGifSlurp(d.gif) != GIF_OK) {
    DGifCloseFile(d.gif, &error);
    d.gif = nullptr;
  }
}

TEST(GifWriterTest, ASmoothGreyRampKeepsEveryLevel) {
  // 256 distinct greys in one frame: giflib's quantiser alone keeps 5 bits (32 levels, steps of 8);
  // 256 colours fit a palette exactly.
  RgbFrame ramp = frameOf(256, 2, 0, 0, 0);
  for (int x = 0; x < 256; ++x)
    for (int y = 0; y < 2; ++y) setPixel(ramp, x, y, x, x, x);
  const std::string bytes = encodeAnimatedGif({ramp});
  Reader reader{&bytes};
  Decoded d;
  decode(reader, d);
  ASSERT_NE(d.gif, nullptr);
  for (int x = 0; x < 256; ++x) ASSERT_EQ(colourAt(d.gif, 0, x, 1)[0], x) << "grey level " << x;
}

TEST(GifWriterTest, ManyColoursAreApproximatedClosely) {
  // 64 × 64 = 4096 colours (red by column, green by row): 256 entries can tile them as a 16 × 16
  // grid, a mean error of about 4 per channel; the 5-bit quantiser alone leaves more, and a wrong
  // index map would leave far more.
  RgbFrame grid = frameOf(64, 64, 0, 0, 128);
  for (int x = 0; x < 64; ++x)
    for (int y = 0; y < 64; ++y) setPixel(grid, x, y, 4 * x, 4 * y, 128);
  const std::string bytes = encodeAnimatedGif({grid});
  Reader reader{&bytes};
  Decoded d;
  decode(reader, d);
  ASSERT_NE(d.gif, nullptr);
  double total = 0;
  int worst = 0;
  for (int x = 0; x < 64; ++x)
    for (int y = 0; y < 64; ++y) {
      const auto c = colourAt(d.gif, 0, x, y);
      const int e = std::abs(c[0] - 4 * x) + std::abs(c[1] - 4 * y) + std::abs(c[2] - 128);
      total += e;
      worst = std::max(worst, e);
    }
  EXPECT_LE(total / (64 * 64), 9.0);
  EXPECT_LE(worst, 24);
}

TEST(GifWriterTest, RefusesFramesThatDoNotFit) {
  EXPECT_THROW(encodeAnimatedGif({}), std::runtime_error);
  EXPECT_THROW(encodeAnimatedGif({frameOf(4, 4, 1, 2, 3), frameOf(4, 5, 1, 2, 3)}),
               std::runtime_error);
  RgbFrame shortFrame = frameOf(4, 4, 1, 2, 3);
  shortFrame.rgb.pop_back();
  EXPECT_THROW(encodeAnimatedGif({shortFrame}), std::runtime_error);
  EXPECT_THROW(encodeAnimatedGif({RgbFrame{0, 3, {}}}), std::runtime_error);
}

TEST(GifWriterTest, WritesTheFileAndReportsItsSize) {
  const std::filesystem::path dir = std::filesystem::path(UHOP_TEST_TMP) / "gif_writer";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "run.gif").string();
  const auto size = writeAnimatedGif(path, {frameOf(8, 8, 1, 2, 3), frameOf(8, 8, 200, 100, 0)});
  EXPECT_EQ(size, std::filesystem::file_size(path));
  try {
    writeAnimatedGif((dir / "none" / "x.gif").string(), {frameOf(2, 2, 0, 0, 0)});
    FAIL() << "a missing folder must be refused";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("x.gif"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace uhop::ui
