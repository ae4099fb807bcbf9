// Writes the seed corpora of the harnesses: tiny valid files of every format, the W, session and
// settings files through the app's own writers. Run from the fuzz build:
//   build-fuzz/gen_corpus tests/fuzz/corpus
// The output is deterministic and committed; ./run.sh fuzz copies it before fuzzing.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/feature_map.h"
#include "studio/session.h"
#include "studio/settings.h"

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

namespace {

void put(const fs::path& path, const Bytes& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

void put(const fs::path& path, const std::string& text) {
  put(path, Bytes(text.begin(), text.end()));
}

void bigEndian(Bytes& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

Bytes idxImages(uint32_t count, uint32_t rows, uint32_t cols) {
  Bytes out;
  bigEndian(out, 0x803);
  bigEndian(out, count);
  bigEndian(out, rows);
  bigEndian(out, cols);
  for (uint32_t i = 0; i < count * rows * cols; ++i) out.push_back(static_cast<uint8_t>(i * 37));
  return out;
}

Bytes idxLabels(const Bytes& labels) {
  Bytes out;
  bigEndian(out, 0x801);
  bigEndian(out, static_cast<uint32_t>(labels.size()));
  out.insert(out.end(), labels.begin(), labels.end());
  return out;
}

// gzip (not raw deflate), as the MNIST .gz files are; mtime 0 so the bytes are reproducible.
Bytes gzip(const Bytes& in) {
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
  Bytes out(deflateBound(&z, in.size()) + 32);
  z.next_in = const_cast<Bytes::value_type*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

Bytes cifarRecords(int count, bool cifar100) {
  Bytes out;
  for (int m = 0; m < count; ++m) {
    if (cifar100) out.push_back(static_cast<uint8_t>(m % 20));
    out.push_back(static_cast<uint8_t>((3 + m) % 10));
    for (int i = 0; i < 3 * 1024; ++i) out.push_back(static_cast<uint8_t>((i * 7 + m * 13) & 0xFF));
  }
  return out;
}

void sink(void* context, void* data, int size) {
  auto* out = static_cast<Bytes*>(context);
  const auto* bytes = static_cast<const uint8_t*>(data);
  out->insert(out->end(), bytes, bytes + size);
}

Bytes pixels(int w, int h, int comp) {
  Bytes out;
  for (int i = 0; i < w * h * comp; ++i) out.push_back(static_cast<uint8_t>(i * 29 + 5));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: gen_corpus OUTDIR (e.g. tests/fuzz/corpus)\n");
    return 2;
  }
  const fs::path root = argv[1];

  const Bytes two4x4 = idxImages(2, 4, 4), one3x2 = idxImages(1, 3, 2);
  const Bytes labels = idxLabels({3, 7});
  put(root / "idx" / "two-4x4-idx3-ubyte", two4x4);
  put(root / "idx" / "one-3x2-idx3-ubyte", one3x2);
  put(root / "idx" / "two-4x4-idx3-ubyte.gz", gzip(two4x4));
  put(root / "idx" / "labels-idx1-ubyte", labels);
  put(root / "idx" / "labels-idx1-ubyte.gz", gzip(labels));
  // idx_gz inputs are the content before compression.
  put(root / "idx_gz" / "two-4x4-idx3-ubyte", two4x4);
  put(root / "idx_gz" / "one-3x2-idx3-ubyte", one3x2);

  put(root / "cifar" / "cifar10-one-record.bin", cifarRecords(1, false));
  put(root / "cifar" / "cifar10-two-records.bin", cifarRecords(2, false));
  put(root / "cifar" / "cifar100-one-record.bin", cifarRecords(1, true));

  Bytes png, grey, rgba, bmp, jpg;
  const Bytes rgb4 = pixels(4, 4, 3), grey3 = pixels(3, 5, 1), rgba2 = pixels(2, 2, 4);
  stbi_write_png_to_func(sink, &png, 4, 4, 3, rgb4.data(), 4 * 3);
  stbi_write_png_to_func(sink, &grey, 3, 5, 1, grey3.data(), 3);
  stbi_write_png_to_func(sink, &rgba, 2, 2, 4, rgba2.data(), 2 * 4);
  stbi_write_bmp_to_func(sink, &bmp, 4, 4, 3, rgb4.data());
  stbi_write_jpg_to_func(sink, &jpg, 4, 4, 3, rgb4.data(), 90);
  put(root / "image" / "rgb-4x4.png", png);
  put(root / "image" / "grey-3x5.png", grey);
  put(root / "image" / "rgba-2x2.png", rgba);
  put(root / "image" / "rgb-4x4.bmp", bmp);
  put(root / "image" / "rgb-4x4.jpg", jpg);

  uhop::Matrix W(3, 2);
  W << 1.0f, -0.5f, 0.25f, 2.0f, 0.0f, 3.5f;
  fs::create_directories(root / "featuremap");
  uhop::saveFeatureMap((root / "featuremap" / "W-3x2.bin").string(), W);
  uhop::saveFeatureMap((root / "featuremap" / "W-1x1.bin").string(),
                       uhop::Matrix::Constant(1, 1, 0.5f));

  uhop::ui::Session session;
  put(root / "session" / "default.json", uhop::ui::sessionToJson(session));
  session.source = "fashion-mnist";
  session.count = 10;
  session.offset = 3;
  session.stage1.loss.kind = uhop::parseLossKind("max");
  session.stage1StepsDone = 40;
  session.models[1].similarity = uhop::parseSimilarity("kernel");
  session.models[1].separation = uhop::Separation::parse("entmax:1.5");
  session.kernelScale = uhop::parseKernelScale("matched");
  session.corruption = uhop::Corruption::parse("noise:0.3");
  session.queryEdits = {{0, 1.0f}, {5, 0.25f}, {17, 0.0f}};
  put(root / "session" / "edited.json", uhop::ui::sessionToJson(session));

  uhop::ui::Settings settings;
  put(root / "settings" / "default.json", uhop::ui::settingsToJson(settings));
  settings.theme = uhop::ui::Theme::Light;
  settings.uiScale = 1.5f;
  settings.recentSources = {"builtin", "/data/cifar-10-batches-bin/data_batch_1.bin"};
  settings.recentCounts = {64, 500};
  settings.memoryCount = 100;
  settings.loss = "max";
  settings.corruption = "occlude:0.4";
  settings.screenshotDir = "/tmp/shots";
  put(root / "settings" / "changed.json", uhop::ui::settingsToJson(settings));
  return 0;
}
