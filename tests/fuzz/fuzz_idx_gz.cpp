// IDX.gz loader (core loadIdx on a gzip file): the input is the decompressed content, which the
// harness compresses before loading, so mutations reach the IDX parsing behind the gzip path
// (sizes known only by inflating) instead of dying in zlib's checksum.
#include <zlib.h>

#include <cstdint>
#include <cstdlib>

#include "core/datasets.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = uhop::fuzz::tempFolder() + "/input-idx3-ubyte.gz";
  {
    gzFile out = gzopen(path.c_str(), "wb1");
    if (out == nullptr) std::abort();
    if (size > 0 && gzwrite(out, data, static_cast<unsigned>(size)) != static_cast<int>(size))
      std::abort();
    if (gzclose(out) != Z_OK) std::abort();
  }
  try {
    uhop::loadIdx(path, {});
  } catch (const uhop::UhopError&) {
  }
  try {
    uhop::LoadOptions options;
    options.offset = 1;
    uhop::loadIdx(path, options, path);  // also as its own labels file
  } catch (const uhop::UhopError&) {
  }
  return 0;
}
