// Tests ui/settings.*: range checks on load, corrupt files fall back to defaults with a message.
#include "studio/settings.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace uhop::ui {
namespace {

namespace fs = std::filesystem;

std::string tempDir(const std::string& name) {
  fs::path dir = fs::path(UHOP_TEST_TMP) / ("settings_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

TEST(SettingsTest, RoundTrip) {
  Settings s;
  s.theme = Theme::Light;
  s.uiScale = 1.5f;
  s.recentSources = {"fashion-mnist", "builtin"};
  s.recentCounts = {500, 0};  // 0: M not known
  s.memoryCount = 500;
  s.beta = 0.25;
  s.init = "gaussian-scaled";
  s.presenterLayout = true;
  s.autoReflow = false;
  std::string message;
  const Settings back = parseSettings(settingsToJson(s), message);
  EXPECT_TRUE(message.empty()) << message;
  EXPECT_EQ(back, s);
}

TEST(SettingsTest, LayoutFlagsDefaultToColumnsWithReflowAndRejectNonBooleans) {
  std::string message;
  const Settings d = parseSettings("{}", message);
  EXPECT_FALSE(d.presenterLayout);
  EXPECT_TRUE(d.autoReflow);
  const Settings s = parseSettings(R"({"presenter_layout": true, "auto_reflow": "no"})", message);
  EXPECT_TRUE(s.presenterLayout);
  EXPECT_TRUE(s.autoReflow);  // not a boolean: the default, and said so
  EXPECT_NE(message.find("auto_reflow"), std::string::npos) << message;
}

TEST(SettingsTest, OutOfRangeValuesFallBackToDefaultsWithAMessage) {
  std::string message;
  const Settings s = parseSettings(
      R"({"theme":"purple","ui_scale":99,"memory_count":-3,"beta":-1,"init":"zeros",
          "corruption":"mask:7","stage1_steps":"many","loss_t":2.5})",
      message);
  const Settings d;
  EXPECT_EQ(s.theme, d.theme);
  EXPECT_EQ(s.uiScale, d.uiScale);
  EXPECT_EQ(s.memoryCount, d.memoryCount);
  EXPECT_EQ(s.beta, d.beta);
  EXPECT_EQ(s.init, d.init);
  EXPECT_EQ(s.corruption, d.corruption);
  EXPECT_EQ(s.stage1Steps, d.stage1Steps);
  EXPECT_EQ(s.lossT, 2.5);  // the valid one is kept
  for (const char* key :
       {"theme", "ui_scale", "memory_count", "beta", "init", "corruption", "stage1_steps"})
    EXPECT_NE(message.find(key), std::string::npos) << key;
}

// nlohmann would cast these into int (undefined behaviour for 1e300 and 3.5e9; 4294967396 =
// 2^32 + 100 wraps to 100): each must be rejected like any invalid value.
TEST(SettingsTest, NumbersThatDoNotFitAnIntAreRejected) {
  const Settings d;
  for (const char* value : {"1e300", "3.5e9", "4294967396", "-4294967196", "64.5", "-1e300"}) {
    SCOPED_TRACE(value);
    const std::string path = tempDir("ranges") + "/settings.json";
    std::ofstream(path) << R"({"memory_count":)" << value << R"(,"stage1_seed":)" << value
                        << R"(,"query_seed":)" << value << R"(,"ui_scale":)" << value << "}";
    std::string message;
    const Settings s = loadSettings(path, message);
    EXPECT_EQ(s.memoryCount, d.memoryCount);
    EXPECT_EQ(s.stage1Seed, d.stage1Seed);
    EXPECT_EQ(s.querySeed, d.querySeed);
    EXPECT_EQ(s.uiScale, d.uiScale);
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find("ignored invalid value(s) for ui_scale, memory_count, stage1_seed, "
                           "query_seed; using their defaults"),
              std::string::npos)  // in the order read
        << message;
  }
  // An integral number written as a float, and the largest int, are still numbers that fit.
  std::string message;
  const Settings s = parseSettings(R"({"memory_count":500.0,"stage1_seed":2147483647})", message);
  EXPECT_TRUE(message.empty()) << message;
  EXPECT_EQ(s.memoryCount, 500);
  EXPECT_EQ(s.stage1Seed, 2147483647);
}

TEST(SettingsTest, MemoryBudgetIsRangeCheckedAndRoundTrips) {
  std::string message;
  EXPECT_EQ(Settings{}.memoryBudgetMb, 2048);  // = kDefaultMemoryBudgetBytes
  Settings s = parseSettings(R"({"memory_budget_mb":8192})", message);
  EXPECT_TRUE(message.empty()) << message;
  EXPECT_EQ(s.memoryBudgetMb, 8192);
  EXPECT_EQ(parseSettings(settingsToJson(s), message), s);
  for (const char* bad : {"0", "15", "1048577", "-5", "1e300", "\"lots\""}) {
    SCOPED_TRACE(bad);
    s = parseSettings(std::string(R"({"memory_budget_mb":)") + bad + "}", message);
    EXPECT_EQ(s.memoryBudgetMb, 2048);
    EXPECT_NE(message.find("memory_budget_mb"), std::string::npos) << message;
  }
  s = parseSettings(R"({"memory_budget_mb":16})", message);
  EXPECT_EQ(s.memoryBudgetMb, 16);
}

TEST(SettingsTest, CorruptFileGivesDefaultsAndAMessage) {
  const std::string path = tempDir("corrupt") + "/settings.json";
  std::ofstream(path) << "{ this is not json";
  std::string message;
  const Settings s = loadSettings(path, message);
  EXPECT_EQ(s, Settings{});
  EXPECT_NE(message.find("not valid JSON"), std::string::npos);
  EXPECT_NE(message.find(path), std::string::npos);

  std::ofstream(path) << "[1, 2, 3]";
  loadSettings(path, message);
  EXPECT_FALSE(message.empty());
}

TEST(SettingsTest, MissingFileIsSilentDefaults) {
  std::string message = "x";
  const Settings s = loadSettings(tempDir("missing") + "/nope.json", message);
  EXPECT_EQ(s, Settings{});
  EXPECT_TRUE(message.empty());
}

TEST(SettingsTest, SaveCreatesTheDirectoryAndLoadsBack) {
  const std::string path = tempDir("save") + "/deeper/uhop-studio/settings.json";
  Settings s;
  s.theme = Theme::Light;
  s.memoryOffset = 12;
  std::string message;
  ASSERT_TRUE(saveSettings(path, s, message)) << message;
  EXPECT_EQ(loadSettings(path, message), s);
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

TEST(SettingsTest, RestoreSaysWhereTheSettingsCameFrom) {
  const std::string dir = tempDir("restore");
  const std::string path = dir + "/settings.json";
  std::string message;
  // No file: defaults, nothing to say.
  EXPECT_EQ(restoreSettings(dir + "/none.json", message), Settings{});
  EXPECT_TRUE(message.empty()) << message;
  // A clean file: its values and "settings restored from PATH".
  Settings s;
  s.beta = 3.5;
  ASSERT_TRUE(saveSettings(path, s, message)) << message;
  EXPECT_EQ(restoreSettings(path, message), s);
  EXPECT_EQ(message, "settings restored from " + path);
  // A corrupt file: the problem, not "restored".
  std::ofstream(path) << "{ broken";
  restoreSettings(path, message);
  EXPECT_EQ(message.find("settings restored"), std::string::npos) << message;
  EXPECT_NE(message.find("not valid JSON"), std::string::npos) << message;
}

TEST(SettingsTest, ConfigDirectoryFollowsXdg) {
  const char* old = std::getenv("XDG_CONFIG_HOME");
  const std::string saved = old ? old : "";
  setenv("XDG_CONFIG_HOME", "/tmp/xdg-test", 1);
  EXPECT_EQ(configDirectory(), "/tmp/xdg-test/uhop-studio");
  unsetenv("XDG_CONFIG_HOME");
  setenv("HOME", std::getenv("HOME") ? std::getenv("HOME") : "/root", 1);
  EXPECT_NE(configDirectory().find(".config/uhop-studio"), std::string::npos);
  if (old) setenv("XDG_CONFIG_HOME", saved.c_str(), 1);
}

TEST(SettingsTest, RecentSourcesAreDeduplicatedAndCapped) {
  Settings s;
  for (int i = 0; i < 12; ++i) rememberSource(s, "src" + std::to_string(i));
  rememberSource(s, "src5");
  ASSERT_EQ(s.recentSources.size(), static_cast<size_t>(Settings::kMaxRecent));
  EXPECT_EQ(s.recentSources.front(), "src5");
  EXPECT_EQ(std::count(s.recentSources.begin(), s.recentSources.end(), "src5"), 1);
  EXPECT_EQ(s.recentCounts.size(), s.recentSources.size());
}

TEST(SettingsTest, RecentSourcesRememberM) {
  Settings s;
  rememberSource(s, "/data/cifar/data_batch_1.bin", 300);
  rememberSource(s, "builtin", 64);
  rememberSource(s, "/data/cifar/data_batch_1.bin", 500);  // loaded again with another M
  EXPECT_EQ(s.recentSources, (std::vector<std::string>{"/data/cifar/data_batch_1.bin", "builtin"}));
  EXPECT_EQ(s.recentCounts, (std::vector<int>{500, 64}));
  EXPECT_EQ(recentCount(s, "builtin", 7), 64);
  EXPECT_EQ(recentCount(s, "elsewhere", 7), 7);
  std::string message;
  EXPECT_EQ(parseSettings(settingsToJson(s), message), s);
  EXPECT_TRUE(message.empty()) << message;
  // An older file has no recent_memories: every M is unknown and the caller's fallback is used.
  const Settings old = parseSettings(R"({"recent_sources":["a","b"]})", message);
  EXPECT_EQ(old.recentCounts, (std::vector<int>{0, 0}));
  EXPECT_EQ(recentCount(old, "a", 100), 100);
  // A bad list falls back with a message, never a crash.
  const Settings bad =
      parseSettings(R"({"recent_sources":["a"],"recent_memories":[1e300]})", message);
  EXPECT_EQ(bad.recentCounts, std::vector<int>{0});
  EXPECT_NE(message.find("recent_memories"), std::string::npos) << message;
}

}  // namespace
}  // namespace uhop::ui
