// Settings file (ui loadSettings): the input is the file's bytes. Loading never throws (bad
// values fall back to defaults with a message), and what loads must survive save-and-reload.
#include <cstdint>
#include <cstdlib>

#include "tests/fuzz/fuzz_common.h"
#include "studio/settings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = uhop::fuzz::writeInput("settings.json", data, size);
  std::string message;
  const uhop::ui::Settings settings = uhop::ui::loadSettings(path, message);
  std::string again;
  const uhop::ui::Settings reloaded =
      uhop::ui::parseSettings(uhop::ui::settingsToJson(settings), again);
  if (!again.empty() || !(reloaded == settings)) std::abort();
  return 0;
}
