// IDX loader (core loadIdx): the input is the file's bytes, plain or gzip (sniffed by content).
// It is read as an images file (all items, and the item at offset 1) and as the labels file of a
// fixed valid two-image file, so both headers are fuzzed.
#include <cstdint>
#include <vector>

#include "core/datasets.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

// Two 2×2 images: the labels input must claim 2 labels to get past the count check.
std::string twoImages() {
  static const std::string path = [] {
    const std::vector<uint8_t> bytes = {0, 0, 8, 3, 0, 0,  0,   2,   0,   0,   0,  2,
                                        0, 0, 0, 2, 0, 64, 128, 255, 255, 128, 64, 0};
    return uhop::fuzz::writeInput("two-images-idx3-ubyte", bytes.data(), bytes.size());
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string images = twoImages();
  const std::string path = uhop::fuzz::writeInput("input-idx", data, size);
  try {
    uhop::loadIdx(path, {});
  } catch (const uhop::UhopError&) {
  }
  try {
    uhop::LoadOptions options;
    options.offset = 1;
    options.count = 1;
    uhop::loadIdx(path, options);
  } catch (const uhop::UhopError&) {
  }
  try {
    uhop::loadIdx(images, {}, path);
  } catch (const uhop::UhopError&) {
  }
  return 0;
}
