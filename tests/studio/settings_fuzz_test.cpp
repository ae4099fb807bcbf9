// Regressions found by fuzzing the settings and session files (tests/fuzz): inputs that once
// hit undefined behaviour or slipped a wrong value through, fed again to the parsers.
#include <gtest/gtest.h>

#include <string>

#include "core/types.h"
#include "studio/session.h"
#include "studio/settings.h"

namespace uhop::ui {
namespace {

// fuzz_settings' find (tests/fuzz/regressions/settings-huge-memory-count.json, shortened): an
// integer too long for int64 parses as a double, whose conversion to int was undefined
// behaviour (UBSan: 8.88889e+127 is outside the range of representable values of type 'int').
TEST(SettingsFuzz, HugeNumberForAnIntSettingFallsBackToDefault) {
  std::string message;
  const Settings s = parseSettings(
      R"({"memory_count": 88888888888881002222222222222222222222222222222222222222, "beta": 2})",
      message);
  EXPECT_EQ(s.memoryCount, Settings{}.memoryCount);
  EXPECT_EQ(s.beta, 2.0);  // the other keys still load
  EXPECT_NE(message.find("memory_count"), std::string::npos) << message;
}

// 2^32 + 100 would wrap to 100 as int, 2.5 would truncate to 2: both are invalid, not 100 or 2.
TEST(SettingsFuzz, IntSettingsMustBeIntegersThatFit) {
  std::string message;
  Settings s = parseSettings(R"({"memory_count": 4294967396})", message);
  EXPECT_EQ(s.memoryCount, Settings{}.memoryCount);
  EXPECT_NE(message.find("memory_count"), std::string::npos) << message;
  s = parseSettings(R"({"metastable_steps": 2.5, "memory_offset": -4294967295})", message);
  EXPECT_EQ(s.metastableSteps, Settings{}.metastableSteps);
  EXPECT_EQ(s.memoryOffset, Settings{}.memoryOffset);
  EXPECT_NE(message.find("metastable_steps"), std::string::npos) << message;
  EXPECT_NE(message.find("memory_offset"), std::string::npos) << message;
  s = parseSettings(R"({"memory_count": 300})", message);  // a fitting integer still loads
  EXPECT_EQ(s.memoryCount, 300);
  EXPECT_TRUE(message.empty()) << message;
}

// 2^64 − 1 read as long long is −1, which data.count accepts as "all": it must be refused.
TEST(SessionFuzz, UnsignedAboveInt64IsNotMinusOne) {
  std::string text = sessionToJson(Session{});
  const std::string from = "\"count\": 64";
  ASSERT_NE(text.find(from), std::string::npos) << text;
  text.replace(text.find(from), from.size(), "\"count\": 18446744073709551615");
  try {
    parseSession(text);
    ADD_FAILURE() << "data.count 2^64 - 1 was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("data.count"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace uhop::ui
