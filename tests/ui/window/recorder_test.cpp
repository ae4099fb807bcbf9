// Tests ui/window/recorder.* (no window): the box-filter downscale against hand-computed means,
// the frame signature, and a recording decoded back with giflib; then the uhop-studio binary
// under Xvfb: a script's `record start/stop` around a U-Hop retrieval, and --screenshot-each.
#include "ui/window/recorder.h"

#include <gif_lib.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace uhop::ui {
namespace {

namespace fs = std::filesystem;

RgbImage grey(int w, int h, const std::vector<uint8_t>& values) {
  RgbImage image{w, h, {}};
  for (uint8_t v : values) image.pixels.insert(image.pixels.end(), {v, v, v});
  return image;
}

TEST(RecorderTest, DownscaleAveragesTheCoveredPixels) {
  // 4×2 → 2×1: each output pixel is the mean of a 2×2 block.
  const RgbFrame half = downscale(grey(4, 2, {0, 100, 10, 20, 200, 60, 30, 40}), 2);
  ASSERT_EQ(half.width, 2);
  ASSERT_EQ(half.height, 1);
  EXPECT_EQ(half.rgb[0], 90);  // (0 + 100 + 200 + 60) / 4
  EXPECT_EQ(half.rgb[3], 25);  // (10 + 20 + 30 + 40) / 4
  // 3×1 → 2×1 (height rounds to 1): pixel 0 covers [0, 1.5): all of a, half of b.
  const RgbFrame odd = downscale(grey(3, 2, {90, 30, 0, 90, 30, 0}), 2);
  ASSERT_EQ(odd.width, 2);
  ASSERT_EQ(odd.height, 1);
  EXPECT_EQ(odd.rgb[0], 70);  // (90 + 0.5·30) / 1.5
  EXPECT_EQ(odd.rgb[3], 10);  // (0.5·30 + 0) / 1.5
  // Never upscaled.
  EXPECT_EQ(downscale(grey(2, 1, {1, 2}), 10).width, 2);
}

TEST(RecorderTest, CropKeepsTheRectangleClampedToTheImage) {
  const RgbImage image = grey(3, 2, {1, 2, 3, 4, 5, 6});
  const RgbImage right = crop(image, 1, 0, 3, 2);
  ASSERT_EQ(right.width, 2);
  ASSERT_EQ(right.height, 2);
  EXPECT_EQ(right.pixels[0], 2);
  EXPECT_EQ(right.pixels[3], 3);
  EXPECT_EQ(right.pixels[6], 5);
  const RgbImage clamped = crop(image, 2, 1, 99, 99);
  ASSERT_EQ(clamped.width, 1);
  ASSERT_EQ(clamped.height, 1);
  EXPECT_EQ(clamped.pixels[0], 6);
}

TEST(RecorderTest, SignatureFollowsTheModelAndTheCaption) {
  AppModel model;
  const uint64_t a = recordSignature(model, "x");
  EXPECT_EQ(a, recordSignature(model, "x"));
  EXPECT_NE(a, recordSignature(model, "y"));
  applyCommand(model, LoadMemories{"builtin", 8, 0});
  ASSERT_TRUE(waitForLoad(model));
  EXPECT_NE(a, recordSignature(model, "x"));
  const uint64_t loaded = recordSignature(model, "x");
  applyCommand(model, StepRetrieval{Side::Baseline});
  EXPECT_NE(loaded, recordSignature(model, "x"));
}

// Frames and size of a GIF file, decoded with giflib.
struct GifInfo {
  int frames = 0, width = 0, height = 0;
};
GifInfo decodeGif(const std::string& path) {
  int error = 0;
  GifFileType* gif = DGifOpenFileName(path.c_str(), &error);
  if (!gif) return {};
  GifInfo info;
  if (DGifSlurp(gif) == GIF_OK) info = {gif->ImageCount, gif->SWidth, gif->SHeight};
  DGifCloseFile(gif, &error);
  return info;
}

TEST(RecorderTest, KeepsAFrameOnlyWhenTheSignatureChanges) {
  const fs::path dir = fs::path(UHOP_TEST_TMP) / "recorder";
  fs::remove_all(dir);
  Recorder recorder;
  recorder.start({(dir / "a.gif").string(), (dir / "frames").string(), 2, 10});
  int grabs = 0;
  auto grab = [&] {
    ++grabs;
    return grey(4, 2, {uint8_t(grabs * 40), 0, 0, 0, 0, 0, 0, 0});
  };
  recorder.offer(1, grab);
  recorder.offer(1, grab);  // nothing changed: not read, not kept
  recorder.offer(2, grab);
  recorder.offer(3, grab);
  EXPECT_EQ(grabs, 3);
  EXPECT_EQ(recorder.frameCount(), 3u);
  const std::string report = recorder.stop();
  EXPECT_FALSE(recorder.active());
  EXPECT_NE(report.find("3 frames"), std::string::npos) << report;
  const GifInfo info = decodeGif((dir / "a.gif").string());
  EXPECT_EQ(info.frames, 3);
  EXPECT_EQ(info.width, 2);
  EXPECT_EQ(info.height, 1);
  EXPECT_TRUE(fs::exists(dir / "frames" / "frame-003.png"));
  EXPECT_FALSE(fs::exists(dir / "frames" / "frame-004.png"));
  Recorder empty;
  empty.start({(dir / "b.gif").string(), "", 0, 10});
  EXPECT_THROW(empty.stop(), std::runtime_error);
}

class RecordingStudioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v xvfb-run >/dev/null 2>&1") != 0)
      GTEST_SKIP() << "xvfb-run not installed";
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(UHOP_TEST_TMP) / "recording" / info->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  int run(const std::string& script, const std::string& args) {
    std::ofstream(dir_ / "s.uhop") << script;
    const fs::path log = dir_ / "stderr.txt";
    const std::string command =
        "cd '" + dir_.string() + "' && XDG_CONFIG_HOME='" + (dir_ / "config").string() +
        "' timeout 300 xvfb-run -a -n $((100 + $$ % 4000)) -f '" + (dir_ / "Xauthority").string() +
        "' -s '-screen 0 1280x800x24' '" + std::string(UHOP_STUDIO) +
        "' --size 1280x800 --script s.uhop " + args + " >/dev/null 2>'" + log.string() + "'";
    const int status = std::system(command.c_str());
    std::stringstream text;
    text << std::ifstream(log).rdbuf();
    err_ = text.str();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  fs::path dir_;
  std::string err_;
};

TEST_F(RecordingStudioTest, RecordsAUHopRetrievalAsAGif) {
  ASSERT_EQ(run("load builtin memories=16\n"
                "wait stage1\n"
                "target 3\n"
                "corrupt mask:0.5 seed=1\n"
                "record start out/retrieval.gif width=320 delay=20 frames=png\n"
                "step uhop 1\n"
                "step uhop 1\n"
                "step uhop 1\n"
                "record stop\n"
                "record start stage2.gif region=stage2\n"
                "step baseline 1\n"
                "step baseline 1\n"
                "record stop\n",
                "--state-json state.json --layout-json layout.json"),
            0)
      << err_;
  const GifInfo info = decodeGif((dir_ / "out" / "retrieval.gif").string());
  // The masked query, then one frame per step that changed the column.
  EXPECT_GT(info.frames, 1) << err_;
  EXPECT_EQ(info.width, 320);
  EXPECT_EQ(info.height, 200);  // 1280×800 scaled to 320 wide
  EXPECT_TRUE(fs::exists(dir_ / "png" / "frame-002.png"));
  EXPECT_NE(err_.find("retrieval.gif ("), std::string::npos) << err_;  // the size on stderr
  // region=stage2: the Stage II panel's rectangle, at the window's pixel size.
  const GifInfo panel = decodeGif((dir_ / "stage2.gif").string());
  EXPECT_GT(panel.frames, 1);
  std::ifstream layout(dir_ / "layout.json");
  std::stringstream text;
  text << layout.rdbuf();
  const std::string j = text.str();
  const size_t at = j.find("\"panel.stage2\"");
  ASSERT_NE(at, std::string::npos);
  // "panel.stage2": [x, y, w, h]
  int x = 0, y = 0, w = 0, h = 0;
  ASSERT_EQ(std::sscanf(j.c_str() + j.find('[', at), "[ %d , %d , %d , %d ]", &x, &y, &w, &h), 4);
  EXPECT_NEAR(panel.width, w, 1);
  EXPECT_NEAR(panel.height, h, 1);
}

TEST_F(RecordingStudioTest, ScreenshotEachWritesOneSlidePerPause) {
  ASSERT_EQ(run("load builtin memories=8\n"
                "caption first slide, {memories.count} memories\n"
                "pause\n"
                "caption second slide\n"
                "pause\n",
                "--screenshot-each slides"),
            0)
      << err_;
  EXPECT_TRUE(fs::exists(dir_ / "slides" / "slide-001.png"));
  EXPECT_TRUE(fs::exists(dir_ / "slides" / "slide-002.png"));
  EXPECT_FALSE(fs::exists(dir_ / "slides" / "slide-003.png"));
}

}  // namespace
}  // namespace uhop::ui
