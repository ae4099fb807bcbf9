// Session file (ui loadSessionFile): the input is the file's bytes. A session that loads must
// survive a save-and-reload unchanged, since the app writes back what it read.
#include <cstdint>
#include <cstdlib>

#include "core/types.h"
#include "tests/fuzz/fuzz_common.h"
#include "studio/session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = uhop::fuzz::writeInput("session.json", data, size);
  uhop::ui::Session session;
  try {
    session = uhop::ui::loadSessionFile(path);
  } catch (const uhop::UhopError&) {
    return 0;
  }
  const uhop::ui::Session again = uhop::ui::parseSession(uhop::ui::sessionToJson(session));
  if (!(again == session)) std::abort();
  return 0;
}
