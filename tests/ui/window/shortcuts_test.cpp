// Tests ui/shortcuts.*: queued key presses become Commands, one per press, none lost.
#include "ui/window/shortcuts.h"

#include <gtest/gtest.h>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

namespace uhop::ui {
namespace {

template <typename T>
int countOf(const Commands& commands) {
  int n = 0;
  for (const Command& c : commands) n += std::holds_alternative<T>(c);
  return n;
}

TEST(ShortcutsTest, EveryQueuedTapCountsOnce) {
  // Three F12 taps and a Ctrl+Z tap that all fell between two frames.
  const std::vector<KeyPress> presses = {{GLFW_KEY_F12, 0, false},
                                         {GLFW_KEY_F12, 0, false},
                                         {GLFW_KEY_Z, GLFW_MOD_CONTROL, false},
                                         {GLFW_KEY_F12, 0, false}};
  Commands commands;
  shortcutCommands(presses, false, commands);
  ASSERT_EQ(commands.size(), 4u);
  EXPECT_EQ(countOf<RequestScreenshot>(commands), 3);
  EXPECT_EQ(countOf<UndoPaint>(commands), 1);
  EXPECT_FALSE(std::get<RequestScreenshot>(commands[0]).doubleResolution);
}

TEST(ShortcutsTest, ShiftF12AsksForTwiceTheResolution) {
  Commands commands;
  shortcutCommands({{GLFW_KEY_F12, GLFW_MOD_SHIFT, false}}, false, commands);
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_TRUE(std::get<RequestScreenshot>(commands[0]).doubleResolution);
}

TEST(ShortcutsTest, Stage1KeysAndRepeats) {
  Commands commands;
  shortcutCommands({{GLFW_KEY_SPACE, 0, false},
                    {GLFW_KEY_SPACE, 0, true},  // held: toggles once, not on every repeat
                    {GLFW_KEY_N, 0, false},
                    {GLFW_KEY_N, 0, true},  // held: one more step per repeat
                    {GLFW_KEY_R, 0, false}},
                   false, commands);
  EXPECT_EQ(countOf<Stage1TogglePlay>(commands), 1);
  EXPECT_EQ(countOf<Stage1Step>(commands), 2);
  EXPECT_EQ(countOf<Stage1Reset>(commands), 1);
  EXPECT_EQ(commands.size(), 4u);
}

TEST(ShortcutsTest, LettersAreTextWhileTyping) {
  Commands commands;
  shortcutCommands({{GLFW_KEY_N, 0, false},
                    {GLFW_KEY_SPACE, 0, false},
                    {GLFW_KEY_Z, GLFW_MOD_CONTROL, false},
                    {GLFW_KEY_Q, GLFW_MOD_CONTROL, false},
                    {GLFW_KEY_F12, 0, false}},
                   true, commands);
  ASSERT_EQ(commands.size(), 2u);  // only Ctrl+Q and F12 act while typing
  EXPECT_TRUE(std::holds_alternative<Quit>(commands[0]));
  EXPECT_TRUE(std::holds_alternative<RequestScreenshot>(commands[1]));
}

TEST(ShortcutsTest, F4AndF7ToggleTheirWindowsEvenWhileTyping) {
  Commands commands;
  shortcutCommands({{GLFW_KEY_F7, 0, false}, {GLFW_KEY_F7, 0, true}, {GLFW_KEY_F4, 0, false}}, true,
                   commands);
  ASSERT_EQ(commands.size(), 2u);  // a held F7 toggles once
  EXPECT_TRUE(std::holds_alternative<ToggleTheoryView>(commands[0]));
  EXPECT_TRUE(std::holds_alternative<ToggleFeatureView>(commands[1]));
}

TEST(ShortcutsTest, PlainQAndCtrlSpaceDoNothing) {
  Commands commands;
  shortcutCommands({{GLFW_KEY_Q, 0, false}, {GLFW_KEY_SPACE, GLFW_MOD_CONTROL, false}}, false,
                   commands);
  EXPECT_TRUE(commands.empty());
}

TEST(ShortcutsTest, F6TogglesTheEnergyPlaygroundEvenWhileTyping) {
  Commands commands;
  shortcutCommands({{GLFW_KEY_F6, 0, false}, {GLFW_KEY_F6, 0, true}}, true, commands);
  ASSERT_EQ(commands.size(), 1u);  // a held key toggles once
  ASSERT_TRUE(std::holds_alternative<PlaygroundCommand>(commands[0]));
  EXPECT_TRUE(
      std::holds_alternative<PlaygroundToggle>(std::get<PlaygroundCommand>(commands[0]).action));
}

}  // namespace
}  // namespace uhop::ui
