// W file (core loadFeatureMap): the input is the file's bytes.
#include <cstdint>

#include "core/feature_map.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = uhop::fuzz::writeInput("W.bin", data, size);
  try {
    uhop::loadFeatureMap(path);
  } catch (const uhop::UhopError&) {
  }
  return 0;
}
