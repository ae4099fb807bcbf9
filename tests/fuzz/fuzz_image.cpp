// One image file (PNG, JPEG, BMP, or anything stb_image sniffs) through the folder loader
// (core loadImageFolder on a folder holding just that file): at its own size in grey (strict),
// and resized to 3×2 in colour (an unreadable file skipped), so the decoder, the luma
// conversion, the bilinear resize and the skip path all run.
#include <cstdint>
#include <filesystem>

#include "core/datasets.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string folder = [] {
    const std::string path = uhop::fuzz::tempFolder() + "/images";
    std::filesystem::create_directory(path);
    return path;
  }();
  const std::string file = folder + "/image.png";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) std::abort();
  }
  try {
    uhop::LoadOptions grey;
    grey.grayscale = true;
    grey.strict = true;  // the file's own error, not "no readable image"
    uhop::loadImageFolder(folder, grey);
  } catch (const uhop::UhopError&) {
  }
  try {
    uhop::LoadOptions options;
    options.grayscale = false;
    options.width = 3;
    options.height = 2;
    uhop::loadImageFolder(folder, options);
  } catch (const uhop::UhopError&) {
  }
  return 0;
}
