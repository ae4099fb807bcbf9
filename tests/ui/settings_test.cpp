// Tests ui/settings.*: range checks on load, corrupt files fall back to defaults with a message.
#include "ui/settings.h"

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
  s.memoryCount = 500;
  s.beta = 0.25;
  s.init = "gaussian-scaled";
  std::string message;
  const Settings back = parseSettings(settingsToJson(s), message);
  EXPECT_TRUE(message.empty()) << message;
  EXPECT_EQ(back, s);
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
}

}  // namespace
}  // namespace uhop::ui
