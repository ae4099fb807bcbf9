// CIFAR loader (core loadCifar): the input is a binary batch; it is read as grey and as colour,
// under a CIFAR-10 name and under a CIFAR-100 name (which decides sizes that fit both).
#include <cstdint>

#include "core/datasets.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string batch10 = uhop::fuzz::writeInput("data_batch_1.bin", data, size);
  const std::string batch100 = uhop::fuzz::writeInput("train100.bin", data, size);
  for (const std::string& path : {batch10, batch100}) {
    for (bool grey : {true, false}) {
      try {
        uhop::LoadOptions options;
        options.grayscale = grey;
        uhop::loadCifar(path, options);
      } catch (const uhop::UhopError&) {
      }
    }
  }
  return 0;
}
