// Runs the uhop-studio binary with --script under Xvfb (ui/window/studio_app.cpp): a script runs
// headless to its end and writes the state JSON and its screenshots; a bad line exits 2 naming
// the line.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/ui/window/headless_studio.h"

namespace uhop::ui {
namespace {

namespace fs = std::filesystem;

class StudioScriptTest : public HeadlessStudioTest {
 protected:
  void SetUp() override { prepare("studio_script"); }

  // Width and height from a PNG's IHDR chunk (bytes 16..23, big-endian).
  static std::pair<int, int> pngSize(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    unsigned char h[24] = {};
    in.read(reinterpret_cast<char*>(h), sizeof h);
    if (!in || h[1] != 'P' || h[2] != 'N' || h[3] != 'G') return {0, 0};
    auto be = [&](int i) { return (h[i] << 24) | (h[i + 1] << 16) | (h[i + 2] << 8) | h[i + 3]; };
    return {be(16), be(20)};
  }
};

TEST_F(StudioScriptTest, RunsToTheEndAndWritesTheState) {
  const fs::path script = write("demo.uhop",
                                "load builtin memories=16\n"
                                "wait stage1\n"
                                "target 4\n"
                                "corrupt mask:0.5 seed=2\n"
                                "step both 2\n"
                                "caption Two steps\n"
                                "screenshot shot.png\n"
                                "screenshot shot2x.png scale=2\n");
  ASSERT_EQ(
      run("--script '" + script.string() + "' --state-json state.json --layout-json layout.json"),
      0)
      << err_;
  std::ifstream in(dir_ / "state.json");
  ASSERT_TRUE(in) << "no state JSON";
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["memories"]["count"], 16);
  EXPECT_EQ(j["memories"]["source"], "builtin");
  EXPECT_EQ(j["target"], 4);
  EXPECT_EQ(j["corruption"], "mask:0.5");
  EXPECT_EQ(j["baseline"]["steps"], 2);
  EXPECT_EQ(j["uhop"]["steps"], 2);
  EXPECT_EQ(j["uhop"]["w_step"], 0);
  EXPECT_NE(j["baseline"]["outcome"], "none");
  // The caption is on screen at the end.
  std::ifstream layoutIn(dir_ / "layout.json");
  ASSERT_TRUE(layoutIn);
  const nlohmann::json layout = nlohmann::json::parse(layoutIn);
  ASSERT_TRUE(layout["rects"].contains("caption")) << layout.dump();
  EXPECT_GT(layout["rects"]["caption"][2].get<int>(), 0);
  // The window's pixels, and the same frame re-rendered at twice the resolution.
  EXPECT_EQ(pngSize(dir_ / "shot.png"), std::make_pair(1280, 800));
  EXPECT_EQ(pngSize(dir_ / "shot2x.png"), std::make_pair(2560, 1600));
}

TEST_F(StudioScriptTest, TheoryWindowShowsAndItsScreenshotIsWritten) {
  const fs::path script = write("theory.uhop",
                                "load builtin memories=64\n"
                                "stage1 set steps=30\n"
                                "stage1 play\n"
                                "wait stage1\n"
                                "target 5\n"
                                "theory show\n"
                                "wait theory\n"
                                "wait frames 3\n"
                                "screenshot theory.png\n");
  ASSERT_EQ(
      run("--script '" + script.string() + "' --state-json state.json --layout-json layout.json"),
      0)
      << err_;
  std::ifstream in(dir_ / "state.json");
  ASSERT_TRUE(in) << "no state JSON";
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_TRUE(j["theory"]["done"].get<bool>()) << j["theory"].dump();
  EXPECT_TRUE(j["theory"]["target"]["delta_kernel"].is_number());
  std::ifstream layoutIn(dir_ / "layout.json");
  ASSERT_TRUE(layoutIn);
  const nlohmann::json layout = nlohmann::json::parse(layoutIn);
  EXPECT_TRUE(layout["rects"].contains("window.theory")) << layout.dump();
  EXPECT_TRUE(layout["rects"].contains("plot.theory.scatter")) << layout.dump();
  EXPECT_EQ(pngSize(dir_ / "theory.png"), std::make_pair(1280, 800));
}

TEST_F(StudioScriptTest, ABadLineExitsTwoNamingTheLine) {
  // Found when the line runs: a target beyond the loaded memories.
  const fs::path runtime =
      write("runtime.uhop", "load builtin memories=8\n\ntarget 20\nstep both\n");
  EXPECT_EQ(run("--script '" + runtime.string() + "' --state-json state.json"), 2);
  EXPECT_NE(err_.find("runtime.uhop:3: target 20 is beyond the 8 memories loaded"),
            std::string::npos)
      << err_;
  EXPECT_FALSE(fs::exists(dir_ / "state.json"));  // no outputs from a script that stopped early
  // Found while parsing, before a window opens.
  const fs::path syntax = write("syntax.uhop", "load builtin\n# fine so far\nfrobnicate 3\n");
  EXPECT_EQ(run("--script '" + syntax.string() + "' --state-json state.json"), 2);
  EXPECT_NE(err_.find("syntax.uhop:3: unknown command 'frobnicate'"), std::string::npos) << err_;
}

}  // namespace
}  // namespace uhop::ui
