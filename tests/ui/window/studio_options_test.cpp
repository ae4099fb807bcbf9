// Tests ui/studio_options.* (the headless contract's names) and the frame-stats summary.
#include "studio/studio_options.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "ui/window/studio_app.h"

namespace uhop::ui {
namespace {

StudioOptions parse(std::vector<const char*> args) {
  args.insert(args.begin(), "uhop-studio");
  return parseStudioOptions(static_cast<int>(args.size()), args.data());
}

TEST(StudioOptionsTest, HeadlessContract) {
  const StudioOptions o = parse(
      {"--data",   "fashion-mnist", "--memories", "500",           "--autoplay", "--frames",
       "300",      "--screenshot",  "a.png",      "--frame-stats", "f.json",     "--layout-json",
       "l.json",   "--theme",       "light",      "--scale",       "1.5",        "--size",
       "1280x800", "--offset",      "10", "--stage1-steps", "400"});
  EXPECT_EQ(*o.data, "fashion-mnist");
  EXPECT_EQ(*o.stage1Steps, 400);
  EXPECT_EQ(*o.memories, 500);
  EXPECT_EQ(*o.offset, 10);
  EXPECT_TRUE(o.autoplay);
  EXPECT_EQ(o.frames, 300);
  EXPECT_TRUE(o.headless());
  EXPECT_EQ(o.screenshot, "a.png");
  EXPECT_EQ(o.frameStats, "f.json");
  EXPECT_EQ(o.layoutJson, "l.json");
  EXPECT_EQ(*o.theme, "light");
  EXPECT_FLOAT_EQ(*o.scale, 1.5f);
  EXPECT_EQ(o.width, 1280);
  EXPECT_EQ(o.height, 800);
}

TEST(StudioOptionsTest, ExperimentsAndHiresScreenshotOptions) {
  const StudioOptions o = parse({"--frames", "10", "--tab", "experiments", "--run-sweep", "noise",
                                 "--screenshot-2x", "big.png"});
  EXPECT_EQ(o.tab, "experiments");
  EXPECT_EQ(o.runSweep, "noise");
  EXPECT_EQ(o.screenshot2x, "big.png");
  EXPECT_THROW(parse({"--tab", "stage3"}), std::invalid_argument);
  EXPECT_THROW(parse({"--run-sweep", "everything"}), std::invalid_argument);
  EXPECT_THROW(parse({"--screenshot-2x"}), std::invalid_argument);
  EXPECT_NE(studioUsage().find("--run-sweep"), std::string::npos);
}

TEST(StudioOptionsTest, LayoutAndPresenterPages) {
  EXPECT_FALSE(parse({}).layout.has_value());  // the user's settings decide
  const StudioOptions o = parse({"--layout", "presenter", "--tab", "stage2"});
  EXPECT_EQ(*o.layout, "presenter");
  EXPECT_EQ(o.tab, "stage2");
  EXPECT_EQ(*parse({"--layout", "columns"}).layout, "columns");
  EXPECT_EQ(*parse({"--layout", "auto"}).layout, "auto");
  EXPECT_THROW(parse({"--layout", "pages"}), std::invalid_argument);
  EXPECT_THROW(parse({"--layout"}), std::invalid_argument);
  for (const char* page : {"memories", "stage1", "metastable", "comparison"})
    EXPECT_EQ(parse({"--tab", page}).tab, page);
  EXPECT_NE(studioUsage().find("--layout"), std::string::npos);
}

TEST(StudioOptionsTest, ScriptRunsHeadlessOnlyWithAnOutput) {
  // A script alone keeps the window for the user; an output to write makes it headless.
  EXPECT_FALSE(parse({"--script", "demo.uhop"}).headless());
  const StudioOptions state = parse({"--script", "demo.uhop", "--state-json", "s.json"});
  EXPECT_EQ(state.script, "demo.uhop");
  EXPECT_EQ(state.stateJson, "s.json");
  EXPECT_TRUE(state.headless());
  EXPECT_TRUE(parse({"--script", "demo.uhop", "--screenshot", "a.png"}).headless());
  EXPECT_TRUE(parse({"--script", "demo.uhop", "--frames", "5"}).headless());
  // The state is written "at the end": without a script or a frame count there is none.
  EXPECT_THROW(parse({"--state-json", "s.json"}), std::invalid_argument);
  EXPECT_NO_THROW(parse({"--state-json", "s.json", "--frames", "3"}));
  EXPECT_THROW(parse({"--script"}), std::invalid_argument);
  EXPECT_NE(studioUsage().find("--state-json"), std::string::npos);
}

TEST(StudioOptionsTest, ScreenshotEachRunsAScriptHeadless) {
  const StudioOptions o = parse({"--script", "lesson.uhop", "--screenshot-each", "slides"});
  EXPECT_EQ(o.screenshotEach, "slides");
  EXPECT_TRUE(o.headless());
  EXPECT_THROW(parse({"--screenshot-each", "slides"}), std::invalid_argument);
  EXPECT_NE(studioUsage().find("--screenshot-each"), std::string::npos);
}

TEST(StudioOptionsTest, DefaultsAreInteractive) {
  const StudioOptions o = parse({});
  EXPECT_FALSE(o.headless());
  EXPECT_FALSE(o.data);
  EXPECT_FALSE(o.autoplay);
  EXPECT_FALSE(o.stage1Steps);
}

TEST(StudioOptionsTest, BadValuesAreRejectedWithTheOptionName) {
  for (auto args : std::vector<std::vector<const char*>>{{"--frames", "0"},
                                                         {"--frames"},
                                                         {"--memories", "1"},
                                                         {"--stage1-steps", "0"},
                                                         {"--theme", "blue"},
                                                         {"--scale", "9"},
                                                         {"--size", "big"},
                                                         {"--bogus"}}) {
    try {
      parse(args);
      ADD_FAILURE() << "accepted " << args[0];
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(args[0]), std::string::npos) << e.what();
    }
  }
}

TEST(StudioOptionsTest, UsageNamesXvfbAndTheCli) {
  EXPECT_NE(studioUsage().find("xvfb-run -a uhop-studio"), std::string::npos);
  EXPECT_NE(studioUsage().find("uhop --help"), std::string::npos);
}

TEST(FrameStatsTest, PercentilesAndJson) {
  std::vector<double> ms;
  for (int i = 1; i <= 100; ++i) ms.push_back(i);
  EXPECT_EQ(percentile(ms, 95), 95);
  EXPECT_EQ(percentile(ms, 50), 50);
  EXPECT_EQ(percentile({}, 95), 0);
  const auto j = nlohmann::json::parse(frameStatsJson(ms));
  EXPECT_EQ(j["frames"], 100);
  EXPECT_EQ(j["frame_ms"].size(), 100u);
  EXPECT_EQ(j["p95_ms"], 95.0);
  EXPECT_EQ(j["max_ms"], 100.0);
  EXPECT_FALSE(j.contains("stage1_playing_frames"));
}

TEST(FrameStatsTest, SummariesOverTheFramesWhileStage1Plays) {
  // Frames 1..100 ms; Stage I plays on the even ones (2, 4, ..., 100): their p95 is 96, max 100.
  std::vector<double> cpu, wall;
  std::vector<bool> playing;
  for (int i = 1; i <= 100; ++i) {
    cpu.push_back(i);
    wall.push_back(i + 0.5);
    playing.push_back(i % 2 == 0);
  }
  const auto j = nlohmann::json::parse(frameStatsJson(cpu, wall, playing));
  EXPECT_EQ(j["stage1_playing_frames"], 50);
  EXPECT_EQ(j["stage1_playing_p95_ms"], 96.0);
  EXPECT_EQ(j["stage1_playing_p50_ms"], 50.0);
  EXPECT_EQ(j["stage1_playing_max_ms"], 100.0);
  EXPECT_EQ(j["stage1_playing_wall_p95_ms"], 96.5);
  EXPECT_EQ(j["p95_ms"], 95.0);  // all frames unchanged
}

}  // namespace
}  // namespace uhop::ui
