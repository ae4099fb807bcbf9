// Tests core/datasets.*: every loader against small files written here with known contents
// (exact pixel values, layouts, labels, slices), against broken files (each must throw
// DataError naming the file and the problem), and against the real Fashion-MNIST package and
// the built-in set.
#include "core/datasets.h"

#include <gtest/gtest.h>
#include <stb_image_write.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#ifndef UHOP_TEST_TMP
#define UHOP_TEST_TMP "/tmp/uhop_test"
#endif

namespace uhop {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<unsigned char>;

// A fresh, empty scratch folder per test, so tests cannot see each other's files.
fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(UHOP_TEST_TMP) / "datasets" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void writeFile(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

void writeGzip(const fs::path& path, const Bytes& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr) << path;
  ASSERT_EQ(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())),
            static_cast<int>(bytes.size()));
  ASSERT_EQ(gzclose(file), Z_OK);
}

void appendBigEndian(Bytes& bytes, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    bytes.push_back(static_cast<unsigned char>(v >> shift));
}

Bytes idxHeader(std::uint32_t magic, std::vector<std::uint32_t> dims) {
  Bytes bytes;
  appendBigEndian(bytes, magic);
  for (std::uint32_t d : dims) appendBigEndian(bytes, d);
  return bytes;
}

// Pixel (y, x) of image m in the test IDX files; (0, 0, 1) is 51, which must load as 0.2.
unsigned char idxPixel(int m, int y, int x) {
  return static_cast<unsigned char>(51 * x + 20 * y + 7 * m);
}

constexpr int kRows = 2, kCols = 3, kImages = 3;
const std::vector<int> kLabels = {7, 1, 3};

Bytes idxImages() {
  Bytes bytes = idxHeader(0x00000803, {kImages, kRows, kCols});
  for (int m = 0; m < kImages; ++m)
    for (int y = 0; y < kRows; ++y)
      for (int x = 0; x < kCols; ++x) bytes.push_back(idxPixel(m, y, x));
  return bytes;
}

Bytes idxLabels(const std::vector<int>& labels) {
  Bytes bytes = idxHeader(0x00000801, {static_cast<std::uint32_t>(labels.size())});
  for (int label : labels) bytes.push_back(static_cast<unsigned char>(label));
  return bytes;
}

LoadOptions slice(int offset, int count) {
  LoadOptions options;
  options.offset = offset;
  options.count = count;
  return options;
}

LoadOptions strictly(LoadOptions options) {
  options.strict = true;
  return options;
}

LoadOptions inGrey(LoadOptions options = {}) {
  options.grayscale = true;
  return options;
}

// Runs `load` and checks that it throws DataError whose message holds every word.
void expectDataError(const std::function<void()>& load, const std::vector<std::string>& words) {
  try {
    load();
    ADD_FAILURE() << "no DataError thrown";
  } catch (const DataError& error) {
    const std::string message = error.what();
    for (const std::string& word : words)
      EXPECT_NE(message.find(word), std::string::npos)
          << "message \"" << message << "\" lacks \"" << word << "\"";
  } catch (const std::exception& error) {
    ADD_FAILURE() << "threw something other than DataError: " << error.what();
  }
}
#define EXPECT_DATA_ERROR(load, ...)      \
  do {                                    \
    SCOPED_TRACE("expected DataError");   \
    expectDataError(load, {__VA_ARGS__}); \
  } while (0)

void expectTestIdx(const MemorySet& set, int offset, int count) {
  ASSERT_EQ(set.count(), count);
  EXPECT_EQ(set.shape, (ImageShape{kCols, kRows, 1}));
  ASSERT_EQ(set.dimension(), kRows * kCols);
  for (int m = 0; m < count; ++m)
    for (int y = 0; y < kRows; ++y)
      for (int x = 0; x < kCols; ++x)
        EXPECT_EQ(set.patterns(y * kCols + x, m), idxPixel(offset + m, y, x) / 255.0f)
            << "memory " << m << " pixel (" << x << ", " << y << ")";
}

// ---------------------------------------------------------------------------------------- IDX

TEST(Datasets, IdxReadsExactPixelsRowMajorAndLabels) {
  const fs::path dir = scratch("idx_plain");
  writeFile(dir / "images.idx", idxImages());
  writeFile(dir / "labels.idx", idxLabels(kLabels));
  const MemorySet set = loadIdx((dir / "images.idx").string(), {}, (dir / "labels.idx").string());
  expectTestIdx(set, 0, kImages);
  EXPECT_EQ(set.patterns(1, 0), 0.2f);  // byte 51 at (x 1, y 0) of the first image
  EXPECT_EQ(set.labels, kLabels);
  EXPECT_TRUE(set.names.empty());
  EXPECT_EQ(set.source, (dir / "images.idx").string());
  EXPECT_NO_THROW(set.validate());

  // Without a labels path there are no labels.
  EXPECT_TRUE(loadIdx((dir / "images.idx").string(), {}).labels.empty());
}

TEST(Datasets, IdxGzipIsDetectedByContentNotName) {
  const fs::path dir = scratch("idx_gzip");
  writeGzip(dir / "images.idx", idxImages());  // no .gz suffix on purpose
  writeGzip(dir / "labels.gz", idxLabels(kLabels));
  const MemorySet set = loadIdx((dir / "images.idx").string(), {}, (dir / "labels.gz").string());
  expectTestIdx(set, 0, kImages);
  EXPECT_EQ(set.labels, kLabels);
}

TEST(Datasets, IdxOffsetAndCountSelectItemsInFileOrder) {
  const fs::path dir = scratch("idx_slice");
  writeFile(dir / "images.idx", idxImages());
  writeFile(dir / "labels.idx", idxLabels(kLabels));
  writeGzip(dir / "images.idx.gz", idxImages());
  const std::string labels = (dir / "labels.idx").string();
  for (const char* name : {"images.idx", "images.idx.gz"}) {
    SCOPED_TRACE(name);
    const std::string images = (dir / name).string();
    const MemorySet middle = loadIdx(images, slice(1, 1), labels);
    expectTestIdx(middle, 1, 1);
    EXPECT_EQ(middle.labels, std::vector<int>{1});
    const MemorySet rest = loadIdx(images, slice(1, -1), labels);
    expectTestIdx(rest, 1, 2);
    EXPECT_EQ(rest.labels, (std::vector<int>{1, 3}));
    expectTestIdx(loadIdx(images, slice(0, 2)), 0, 2);
  }
}

TEST(Datasets, IdxBadFilesThrowDataErrorNamingFileAndProblem) {
  const fs::path dir = scratch("idx_bad");
  auto load = [](const fs::path& path, LoadOptions options = {}) {
    return [path, options] { loadIdx(path.string(), options); };
  };

  EXPECT_DATA_ERROR(load(dir / "missing.idx"), "missing.idx", "no such file");
  EXPECT_DATA_ERROR(load(dir), "idx_bad", "folder");

  writeFile(dir / "empty.idx", {});
  EXPECT_DATA_ERROR(load(dir / "empty.idx"), "empty.idx", "empty");

  Bytes wrongMagic = idxImages();
  wrongMagic[3] = 0x04;
  writeFile(dir / "wrong-magic.idx", wrongMagic);
  EXPECT_DATA_ERROR(load(dir / "wrong-magic.idx"), "wrong-magic.idx", "magic", "0x00000804");

  writeFile(dir / "labels-as-images.idx", idxLabels(kLabels));
  EXPECT_DATA_ERROR(load(dir / "labels-as-images.idx"), "labels-as-images.idx", "magic",
                    "label file");

  Bytes shortHeader = idxImages();
  shortHeader.resize(10);
  writeFile(dir / "short-header.idx", shortHeader);
  EXPECT_DATA_ERROR(load(dir / "short-header.idx"), "short-header.idx", "truncated");

  // The design's own example: a header claiming far more than the file holds.
  Bytes truncated = idxHeader(0x00000803, {60000, 28, 28});
  truncated.resize(1234, 0);
  writeFile(dir / "train-images.idx", truncated);
  EXPECT_DATA_ERROR(load(dir / "train-images.idx"),
                    "train-images.idx: header says 60000 images of 28×28 but the file holds 1234 "
                    "bytes");
  writeGzip(dir / "train-images.idx.gz", truncated);
  EXPECT_DATA_ERROR(load(dir / "train-images.idx.gz"), "train-images.idx.gz", "60000", "truncated");

  Bytes lastImageCut = idxImages();
  lastImageCut.pop_back();
  writeFile(dir / "cut.idx", lastImageCut);
  EXPECT_DATA_ERROR(load(dir / "cut.idx", slice(0, 1)), "cut.idx", "holds");
  writeGzip(dir / "cut.idx.gz", lastImageCut);
  EXPECT_DATA_ERROR(load(dir / "cut.idx.gz"), "cut.idx.gz", "truncated");

  // A gzip stream cut in the middle (not just short data inside a complete stream).
  Bytes bigImages = idxHeader(0x00000803, {100, 28, 28});
  for (int i = 0; i < 100 * 28 * 28; ++i) bigImages.push_back(static_cast<unsigned char>(i * 31));
  writeGzip(dir / "stream-cut.gz", bigImages);
  fs::resize_file(dir / "stream-cut.gz", fs::file_size(dir / "stream-cut.gz") / 2);
  EXPECT_DATA_ERROR(load(dir / "stream-cut.gz"), "stream-cut.gz", "truncated");

  Bytes corrupt = {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03};
  for (int i = 0; i < 64; ++i) corrupt.push_back(0xff);
  writeFile(dir / "corrupt.gz", corrupt);
  EXPECT_DATA_ERROR(load(dir / "corrupt.gz"), "corrupt.gz: corrupt gzip data");

  writeFile(dir / "zero-rows.idx", idxHeader(0x00000803, {5, 0, 28}));
  EXPECT_DATA_ERROR(load(dir / "zero-rows.idx"), "zero-rows.idx", "zero-sized");
  writeFile(dir / "zero-cols.idx", idxHeader(0x00000803, {5, 28, 0}));
  EXPECT_DATA_ERROR(load(dir / "zero-cols.idx"), "zero-cols.idx", "zero-sized");

  writeFile(dir / "no-images.idx", idxHeader(0x00000803, {0, 28, 28}));
  EXPECT_DATA_ERROR(load(dir / "no-images.idx"), "no-images.idx", "no images");

  // Absurd headers must be refused from the sizes alone, before any large allocation.
  Bytes absurdCount = idxHeader(0x00000803, {0x80000000u, 28, 28});
  absurdCount.resize(16 + 2 * 28 * 28, 9);
  writeFile(dir / "absurd-count.idx", absurdCount);
  EXPECT_DATA_ERROR(load(dir / "absurd-count.idx"), "absurd-count.idx", "2147483648", "holds");
  writeGzip(dir / "absurd-count.idx.gz", absurdCount);
  // gzip claims are refused from the header too, before inflating anything.
  EXPECT_DATA_ERROR(load(dir / "absurd-count.idx.gz"), "absurd-count.idx.gz", "2147483648",
                    "at most 2147483647");
  writeGzip(dir / "absurd-dims.idx.gz", idxHeader(0x00000803, {1, 0xFFFFFFFFu, 0xFFFFFFFFu}));
  EXPECT_DATA_ERROR(load(dir / "absurd-dims.idx.gz"), "absurd-dims.idx.gz", "per-image limit",
                    "4096×4096");

  writeFile(dir / "good.idx", idxImages());
  EXPECT_DATA_ERROR(load(dir / "good.idx", slice(3, -1)), "good.idx", "offset 3", "beyond");
  EXPECT_DATA_ERROR(load(dir / "good.idx", strictly(slice(1, 5))), "good.idx", "holds only 3");
}

TEST(Datasets, FewerItemsThanAskedForLoadAllThereAreWithAWarning) {
  const fs::path dir = scratch("idx_fewer");
  writeFile(dir / "good.idx", idxImages());
  const std::string path = (dir / "good.idx").string();
  // 5 asked for from offset 1 of 3: the 2 there are load, and the warning says so.
  const MemorySet set = loadIdx(path, slice(1, 5));
  expectTestIdx(set, 1, 2);
  ASSERT_EQ(set.warnings.size(), 1u);
  EXPECT_EQ(set.warnings[0],
            path + ": only 2 of the 5 images asked for (from offset 1) are there; loaded those 2");
  // Exactly what is there: no warning. A count that is only a cap: no warning either.
  EXPECT_TRUE(loadIdx(path, slice(1, 2)).warnings.empty());
  LoadOptions cap = slice(0, 100);
  cap.countIsLimit = true;
  const MemorySet capped = loadIdx(path, cap);
  EXPECT_EQ(capped.count(), 3);
  EXPECT_TRUE(capped.warnings.empty());
  cap.strict = true;
  EXPECT_EQ(loadIdx(path, cap).count(), 3);
}

TEST(Datasets, IdxBadLabelFilesThrowDataErrorNamingTheLabelFile) {
  const fs::path dir = scratch("idx_bad_labels");
  writeFile(dir / "images.idx", idxImages());
  const std::string images = (dir / "images.idx").string();
  auto loadWith = [&](const fs::path& labels) {
    return [&images, labels] { loadIdx(images, {}, labels.string()); };
  };

  writeFile(dir / "two-labels.idx", idxLabels({1, 2}));
  EXPECT_DATA_ERROR(loadWith(dir / "two-labels.idx"), "two-labels.idx", "holds 2 labels",
                    "does not match");
  writeFile(dir / "four-labels.idx", idxLabels({1, 2, 3, 4}));
  EXPECT_DATA_ERROR(loadWith(dir / "four-labels.idx"), "four-labels.idx", "holds 4 labels",
                    "does not match");
  writeFile(dir / "images-as-labels.idx", idxImages());
  EXPECT_DATA_ERROR(loadWith(dir / "images-as-labels.idx"), "images-as-labels.idx", "magic");
  Bytes cut = idxLabels(kLabels);
  cut.pop_back();
  writeFile(dir / "cut-labels.idx", cut);
  EXPECT_DATA_ERROR(loadWith(dir / "cut-labels.idx"), "cut-labels.idx", "holds");
  EXPECT_DATA_ERROR(loadWith(dir / "no-labels.idx"), "no-labels.idx", "no such file");
}

TEST(Datasets, BadOptionsAreConfigErrors) {
  const fs::path dir = scratch("options");
  writeFile(dir / "images.idx", idxImages());
  const std::string images = (dir / "images.idx").string();
  EXPECT_THROW(loadIdx(images, slice(-1, 1)), ConfigError);
  EXPECT_THROW(loadIdx(images, slice(0, 0)), ConfigError);
  EXPECT_THROW(loadIdx(images, slice(0, -2)), ConfigError);
  LoadOptions onlyWidth;
  onlyWidth.width = 8;
  EXPECT_THROW(loadImageFolder(dir.string(), onlyWidth), ConfigError);
}

// -------------------------------------------------------------------------------------- CIFAR

constexpr int kPlane = 32 * 32;

// Channel c of pixel i in record r of the test batches, except one marked pixel.
unsigned char cifarByte(int r, int c, int i) {
  return static_cast<unsigned char>(i * 7 + c * 50 + r * 3);
}
constexpr int kMarkX = 5, kMarkY = 2;
constexpr unsigned char kMarkRgb[3] = {10, 20, 30};

// Records of `labelBytes` label bytes followed by the R, G and B planes.
Bytes cifarBatch(const std::vector<std::vector<int>>& labels) {
  Bytes bytes;
  for (int r = 0; r < static_cast<int>(labels.size()); ++r) {
    for (int label : labels[r]) bytes.push_back(static_cast<unsigned char>(label));
    for (int c = 0; c < 3; ++c)
      for (int i = 0; i < kPlane; ++i)
        bytes.push_back(i == kMarkY * 32 + kMarkX ? kMarkRgb[c] : cifarByte(r, c, i));
  }
  return bytes;
}

TEST(Datasets, Cifar10PlanarRecordsBecomeHwcWithLabels) {
  const fs::path dir = scratch("cifar10");
  writeFile(dir / "data_batch_1.bin", cifarBatch({{4}, {0}, {9}}));
  LoadOptions rgb;
  rgb.grayscale = false;
  const MemorySet set = loadCifar((dir / "data_batch_1.bin").string(), rgb);
  ASSERT_EQ(set.count(), 3);
  EXPECT_EQ(set.shape, (ImageShape{32, 32, 3}));
  EXPECT_EQ(set.labels, (std::vector<int>{4, 0, 9}));
  const int mark = (kMarkY * 32 + kMarkX) * 3;  // HWC: (y·w + x)·c + channel
  for (int c = 0; c < 3; ++c) EXPECT_EQ(set.patterns(mark + c, 1), kMarkRgb[c] / 255.0f);
  for (int i : {0, 1, 33, 1023})
    for (int c = 0; c < 3; ++c) EXPECT_EQ(set.patterns(3 * i + c, 2), cifarByte(2, c, i) / 255.0f);

  const MemorySet last = loadCifar((dir / "data_batch_1.bin").string(), inGrey(slice(2, 1)));
  ASSERT_EQ(last.count(), 1);
  EXPECT_EQ(last.shape, (ImageShape{32, 32, 1}));
  EXPECT_EQ(last.labels, std::vector<int>{9});
  const double luma = (0.299 * 10 + 0.587 * 20 + 0.114 * 30) / 255.0;
  EXPECT_NEAR(last.patterns(kMarkY * 32 + kMarkX, 0), luma, 1e-6);
}

TEST(Datasets, Cifar100KeepsTheFineLabel) {
  const fs::path dir = scratch("cifar100");
  writeFile(dir / "train.bin", cifarBatch({{3, 42}, {19, 99}}));
  // Colour by default: d = 32·32·3.
  EXPECT_EQ(loadCifar((dir / "train.bin").string(), {}).shape, (ImageShape{32, 32, 3}));
  const MemorySet set = loadCifar((dir / "train.bin").string(), inGrey());
  ASSERT_EQ(set.count(), 2);
  EXPECT_EQ(set.labels, (std::vector<int>{42, 99}));
  EXPECT_EQ(set.shape, (ImageShape{32, 32, 1}));
  const double luma = (0.299 * 10 + 0.587 * 20 + 0.114 * 30) / 255.0;
  EXPECT_NEAR(set.patterns(kMarkY * 32 + kMarkX, 1), luma, 1e-6);
  const int i = 77;
  EXPECT_NEAR(
      set.patterns(i, 0),
      (0.299 * cifarByte(0, 0, i) + 0.587 * cifarByte(0, 1, i) + 0.114 * cifarByte(0, 2, i)) /
          255.0,
      1e-6);
}

TEST(Datasets, CifarSizeFittingBothFormatsIsDecidedByName) {
  const fs::path dir = scratch("cifar_ambiguous");
  const Bytes zeros(3073 * 3074, 0);
  writeFile(dir / "batch.bin", zeros);
  EXPECT_EQ(loadCifar((dir / "batch.bin").string(), slice(0, 1)).shape.size(), 3072);
  EXPECT_EQ(loadCifar((dir / "batch.bin").string(), slice(3073, -1)).count(), 1);  // 3074 records
  fs::create_directories(dir / "cifar-100-binary");
  fs::copy_file(dir / "batch.bin", dir / "cifar-100-binary" / "train.bin");
  const std::string cifar100 = (dir / "cifar-100-binary" / "train.bin").string();
  EXPECT_EQ(loadCifar(cifar100, slice(3072, -1)).count(), 1);  // 3073 records
  EXPECT_DATA_ERROR([&] { loadCifar(cifar100, slice(3073, -1)); }, "train.bin", "beyond");
}

TEST(Datasets, CifarBadFilesThrowDataError) {
  const fs::path dir = scratch("cifar_bad");
  auto load = [](const fs::path& path, LoadOptions options = {}) {
    return [path, options] { loadCifar(path.string(), options); };
  };
  EXPECT_DATA_ERROR(load(dir / "missing.bin"), "missing.bin", "no such file");
  EXPECT_DATA_ERROR(load(dir), "cifar_bad", "is a folder, not a file");
  writeFile(dir / "empty.bin", {});
  EXPECT_DATA_ERROR(load(dir / "empty.bin"), "empty.bin", "empty");
  Bytes odd = cifarBatch({{1}, {2}});
  odd.pop_back();
  writeFile(dir / "odd.bin", odd);
  EXPECT_DATA_ERROR(load(dir / "odd.bin"), "odd.bin", "not a whole number", "3073");
  writeFile(dir / "bad-label.bin", cifarBatch({{1}, {12}}));
  EXPECT_DATA_ERROR(load(dir / "bad-label.bin"), "bad-label.bin", "label 12");
  writeFile(dir / "ok.bin", cifarBatch({{1}, {2}}));
  EXPECT_DATA_ERROR(load(dir / "ok.bin", slice(2, 1)), "ok.bin", "offset 2", "beyond");
  EXPECT_DATA_ERROR(load(dir / "ok.bin", strictly(slice(1, 2))), "ok.bin", "holds only 2");
  const MemorySet fewer = loadCifar((dir / "ok.bin").string(), slice(1, 2));
  EXPECT_EQ(fewer.labels, std::vector<int>{2});
  ASSERT_EQ(fewer.warnings.size(), 1u);
  EXPECT_NE(fewer.warnings[0].find("only 1 of the 2 records"), std::string::npos)
      << fewer.warnings[0];
}

// ------------------------------------------------------------------------------ image folders

struct Rgb {
  unsigned char r, g, b;
};

Bytes constantImage(int w, int h, Rgb colour) {
  Bytes pixels;
  for (int i = 0; i < w * h; ++i) {
    pixels.push_back(colour.r);
    pixels.push_back(colour.g);
    pixels.push_back(colour.b);
  }
  return pixels;
}

void writePng(const fs::path& path, int w, int h, const Bytes& rgb) {
  ASSERT_NE(stbi_write_png(path.c_str(), w, h, 3, rgb.data(), w * 3), 0) << path;
}

float lumaOf(Rgb c) {
  return static_cast<float>((0.299 * c.r + 0.587 * c.g + 0.114 * c.b) / 255.0);
}

TEST(Datasets, FolderLoadsImagesSortedByNameInGrayOrRgb) {
  const fs::path dir = scratch("folder");
  // 2×2 image with four different colours, to check HWC order.
  const std::vector<Rgb> quad = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {51, 51, 51}};
  Bytes quadPixels;
  for (Rgb c : quad) {  // push_back: GCC 12's -Wstringop-overflow misfires on insert({...})
    quadPixels.push_back(c.r);
    quadPixels.push_back(c.g);
    quadPixels.push_back(c.b);
  }
  writePng(dir / "b.png", 2, 2, quadPixels);
  const Rgb teal{51, 102, 153};
  ASSERT_NE(stbi_write_bmp((dir / "a.bmp").c_str(), 2, 2, 3, constantImage(2, 2, teal).data()), 0);
  writePng(dir / "C.PNG", 2, 2, constantImage(2, 2, {200, 100, 50}));
  writeFile(dir / "notes.txt", {'h', 'i'});
  writeFile(dir / ".hidden.png", {'n', 'o', 't', 'a', 'p', 'n', 'g'});  // skipped, not decoded
  fs::create_directories(dir / "sub.png");                              // folders are not images

  LoadOptions rgb;
  rgb.grayscale = false;
  const MemorySet colour = loadImageFolder(dir.string(), rgb);
  ASSERT_EQ(colour.count(), 3);
  EXPECT_EQ(colour.names, (std::vector<std::string>{"C.PNG", "a.bmp", "b.png"}));
  EXPECT_EQ(colour.shape, (ImageShape{2, 2, 3}));
  EXPECT_EQ(colour.source, dir.string());
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(colour.patterns(3 * i + 0, 2), quad[i].r / 255.0f) << "pixel " << i;
    EXPECT_EQ(colour.patterns(3 * i + 1, 2), quad[i].g / 255.0f) << "pixel " << i;
    EXPECT_EQ(colour.patterns(3 * i + 2, 2), quad[i].b / 255.0f) << "pixel " << i;
  }
  EXPECT_EQ(colour.patterns(3 * 3 + 1, 1), 102 / 255.0f);  // BMP decodes exactly too

  // Colour is the default: the same as asking for it.
  EXPECT_EQ(loadImageFolder(dir.string(), {}).patterns, colour.patterns);
  const MemorySet gray = loadImageFolder(dir.string(), inGrey());
  ASSERT_EQ(gray.count(), 3);
  EXPECT_EQ(gray.shape, (ImageShape{2, 2, 1}));
  EXPECT_FLOAT_EQ(gray.patterns(0, 1), lumaOf(teal));
  EXPECT_NEAR(gray.patterns(0, 1), 0.363, 1e-3);
  EXPECT_FLOAT_EQ(gray.patterns(0, 2), 0.299f);  // pure red
  EXPECT_FLOAT_EQ(gray.patterns(1, 2), 0.587f);  // pure green
  EXPECT_FLOAT_EQ(gray.patterns(2, 2), 0.114f);  // pure blue
  EXPECT_EQ(gray.patterns(3, 2), 0.2f);          // grey 51 stays exactly 51/255

  const MemorySet last = loadImageFolder(dir.string(), slice(1, 1));
  EXPECT_EQ(last.names, std::vector<std::string>{"a.bmp"});

  // Files stored grey (one component) stay one channel; one colour file among them makes all
  // three channels, the grey ones as r = g = b.
  const fs::path greyDir = scratch("folder_grey_files");
  const unsigned char greyPixels[4] = {0, 51, 102, 255};
  ASSERT_NE(stbi_write_png((greyDir / "a.png").c_str(), 2, 2, 1, greyPixels, 2), 0);
  const MemorySet greyFiles = loadImageFolder(greyDir.string(), {});
  EXPECT_EQ(greyFiles.shape, (ImageShape{2, 2, 1}));
  EXPECT_EQ(greyFiles.patterns(1, 0), 0.2f);
  writePng(greyDir / "b.png", 2, 2, quadPixels);
  const MemorySet mixed = loadImageFolder(greyDir.string(), {});
  EXPECT_EQ(mixed.shape, (ImageShape{2, 2, 3}));
  for (int c = 0; c < 3; ++c) EXPECT_EQ(mixed.patterns(3 * 1 + c, 0), 0.2f);
  EXPECT_EQ(mixed.patterns(0, 1), 1.0f);  // b.png's red pixel
}

TEST(Datasets, FolderResizesEveryImageToTheCommonSize) {
  const fs::path dir = scratch("folder_resize");
  const Rgb grey{51, 51, 51}, orange{200, 100, 50};
  writePng(dir / "1-first.png", 4, 3, constantImage(4, 3, grey));
  writePng(dir / "2-big.png", 8, 6, constantImage(8, 6, orange));
  writePng(dir / "3-ramp.png", 2, 1, {0, 0, 0, 255, 255, 255});  // black | white

  const MemorySet set = loadImageFolder(dir.string(), inGrey());
  ASSERT_EQ(set.count(), 3);
  EXPECT_EQ(set.shape, (ImageShape{4, 3, 1}));  // the first image's size
  // The two images of other sizes were resized, and the load says to what.
  EXPECT_EQ(set.warnings,
            std::vector<std::string>{dir.string() + ": 2 of 3 images were resized to 4×3 (the "
                                                    "size of 1-first.png)"});
  EXPECT_EQ(set.dimension(), 12);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(set.patterns(i, 0), 0.2f);
    EXPECT_FLOAT_EQ(set.patterns(i, 1), lumaOf(orange)) << "a constant image stays constant";
  }
  // Pixel centres aligned: 2 → 4 samples the source at x = 0, .25, .75, 1 (clamped at edges).
  const float ramp[4] = {0.0f, 0.25f, 0.75f, 1.0f};
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 4; ++x) EXPECT_FLOAT_EQ(set.patterns(y * 4 + x, 2), ramp[x]);

  LoadOptions sized;
  sized.width = 5;
  sized.height = 7;
  sized.grayscale = false;
  const MemorySet resized = loadImageFolder(dir.string(), sized);
  EXPECT_EQ(resized.shape, (ImageShape{5, 7, 3}));
  EXPECT_EQ(resized.dimension(), 105);
  for (int i = 0; i < 35; ++i) {
    EXPECT_EQ(resized.patterns(3 * i, 0), 0.2f);
    EXPECT_FLOAT_EQ(resized.patterns(3 * i + 0, 1), 200 / 255.0f);
    EXPECT_FLOAT_EQ(resized.patterns(3 * i + 1, 1), 100 / 255.0f);
    EXPECT_FLOAT_EQ(resized.patterns(3 * i + 2, 1), 50 / 255.0f);
  }

  // With an offset, the common size is that of the first selected image.
  EXPECT_EQ(loadImageFolder(dir.string(), slice(1, -1)).shape, (ImageShape{8, 6, 3}));
}

TEST(Datasets, FolderProblemsThrowDataError) {
  const fs::path dir = scratch("folder_bad");
  EXPECT_DATA_ERROR([&] { loadImageFolder((dir / "nowhere").string(), {}); }, "nowhere",
                    "no such folder");
  fs::create_directories(dir / "empty");
  EXPECT_DATA_ERROR([&] { loadImageFolder((dir / "empty").string(), {}); }, "empty",
                    "the folder is empty");
  fs::create_directories(dir / "text-only");
  writeFile(dir / "text-only" / "readme.txt", {'x'});
  EXPECT_DATA_ERROR([&] { loadImageFolder((dir / "text-only").string(), {}); }, "text-only",
                    "no images");
  EXPECT_DATA_ERROR([&] { loadImageFolder((dir / "text-only" / "readme.txt").string(), {}); },
                    "readme.txt", "not a folder");

  fs::create_directories(dir / "corrupt");
  writePng(dir / "corrupt" / "a-good.png", 2, 2, constantImage(2, 2, {1, 2, 3}));
  writeFile(dir / "corrupt" / "b-broken.png", {0x89, 'P', 'N', 'G', 1, 2, 3, 4, 5});
  EXPECT_DATA_ERROR([&] { loadImageFolder((dir / "corrupt").string(), strictly({})); },
                    "b-broken.png", "cannot");
  // The broken image as the first one (sets the common size) fails the same way.
  EXPECT_DATA_ERROR([&] { loadImageFolder((dir / "corrupt").string(), strictly(slice(1, 1))); },
                    "b-broken.png", "cannot");
  // Not strict, the broken one is skipped: one readable image, so offset 1 is past the end.
  EXPECT_DATA_ERROR([&] { loadImageFolder((dir / "corrupt").string(), slice(1, 1)); }, "corrupt",
                    "offset 1", "beyond");
}

TEST(Datasets, FolderSkipsUnreadableImagesAndListsThem) {
  const fs::path dir = scratch("folder_skip");
  const Rgb red{255, 0, 0}, teal{51, 102, 153};
  writePng(dir / "a.png", 2, 2, constantImage(2, 2, red));
  writeFile(dir / "b-broken.png", {0x89, 'P', 'N', 'G', 1, 2, 3, 4, 5});  // no header
  writePng(dir / "c.png", 2, 2, constantImage(2, 2, teal));
  // A header that reads, pixel data that does not: fails only when decoded.
  Bytes noise;
  for (int i = 0; i < 32 * 32 * 3; ++i) noise.push_back(static_cast<unsigned char>(i * 97 % 251));
  ASSERT_NE(stbi_write_png((dir / "d-cut.png").c_str(), 32, 32, 3, noise.data(), 32 * 3), 0);
  fs::resize_file(dir / "d-cut.png", fs::file_size(dir / "d-cut.png") * 6 / 10);

  const MemorySet set = loadImageFolder(dir.string(), {});
  ASSERT_EQ(set.count(), 2);
  EXPECT_EQ(set.names, (std::vector<std::string>{"a.png", "c.png"}));
  EXPECT_EQ(set.shape, (ImageShape{2, 2, 3}));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(set.patterns(3 * i + 0, 0), 1.0f);
    EXPECT_EQ(set.patterns(3 * i + 1, 0), 0.0f);
    EXPECT_EQ(set.patterns(3 * i + 0, 1), 0.2f);  // 51/255 exactly
    EXPECT_EQ(set.patterns(3 * i + 1, 1), 102 / 255.0f);
    EXPECT_EQ(set.patterns(3 * i + 2, 1), 153 / 255.0f);
  }
  ASSERT_EQ(set.warnings.size(), 3u);
  EXPECT_EQ(set.warnings[0].rfind(
                "skipped " + (dir / "b-broken.png").string() + ": cannot read the image", 0),
            0u)
      << set.warnings[0];
  EXPECT_EQ(set.warnings[1].rfind("skipped " + (dir / "d-cut.png").string() + ": cannot decode", 0),
            0u)
      << set.warnings[1];
  EXPECT_EQ(set.warnings[2], dir.string() +
                                 ": loaded 2 of the 3 images selected (the others failed to "
                                 "decode, see above)");
  // The same through loadDataSource, which the CLI and the studio call.
  EXPECT_EQ(loadDataSource(dir.string(), {}).names, set.names);

  // Offset and count count readable images: the second readable one is c.png.
  const MemorySet second = loadImageFolder(dir.string(), slice(1, 1));
  EXPECT_EQ(second.names, std::vector<std::string>{"c.png"});
  EXPECT_EQ(second.warnings.size(), 1u);  // b-broken.png; d-cut.png is never read

  // Strict: the first unreadable file is the error.
  EXPECT_DATA_ERROR([&] { loadImageFolder(dir.string(), strictly({})); }, "b-broken.png",
                    "cannot read the image");
  fs::remove(dir / "b-broken.png");
  EXPECT_DATA_ERROR([&] { loadImageFolder(dir.string(), strictly({})); }, "d-cut.png",
                    "cannot decode");
  fs::remove(dir / "d-cut.png");
  EXPECT_TRUE(loadImageFolder(dir.string(), strictly({})).warnings.empty());

  // Nothing readable: an error naming the folder and the first bad file.
  const fs::path bad = scratch("folder_skip_all");
  writeFile(bad / "x.png", {'n', 'o'});
  writeFile(bad / "y.jpg", {0xFF, 0xD8, 0xFF});
  EXPECT_DATA_ERROR([&] { loadImageFolder(bad.string(), {}); }, "folder_skip_all",
                    "none of its 2 image files can be read", "x.png");
}

// ---------------------------------------------------------------- hostile files and budgets

// Grey, so the CIFAR and folder sums below are those of one channel (IDX is grey anyway).
LoadOptions budget(std::size_t bytes) {
  LoadOptions options;
  options.memoryBudgetBytes = bytes;
  options.grayscale = true;
  return options;
}

// A valid PNG of 1×1 grey whose IHDR is rewritten to declare w × h (with a correct CRC, so
// only the size is a lie): 70 bytes that claim any size.
Bytes pngDeclaring(std::uint32_t w, std::uint32_t h) {
  const fs::path scratchPng = fs::path(UHOP_TEST_TMP) / "datasets" / "one-pixel.png";
  fs::create_directories(scratchPng.parent_path());
  const unsigned char pixel = 77;
  EXPECT_NE(stbi_write_png(scratchPng.c_str(), 1, 1, 1, &pixel, 1), 0);
  std::ifstream in(scratchPng, std::ios::binary);
  Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Signature (8), IHDR length (4), "IHDR" at 12, width at 16, height at 20, CRC at 29.
  Bytes fields;
  appendBigEndian(fields, w);
  appendBigEndian(fields, h);
  std::copy(fields.begin(), fields.end(), bytes.begin() + 16);
  Bytes crc;
  appendBigEndian(crc, static_cast<std::uint32_t>(crc32(0, bytes.data() + 12, 17)));
  std::copy(crc.begin(), crc.end(), bytes.begin() + 29);
  return bytes;
}

void appendLittleEndian(Bytes& bytes, std::uint32_t v, int size) {
  for (int k = 0; k < size; ++k) bytes.push_back(static_cast<unsigned char>(v >> (8 * k)));
}

// The 54-byte header of an uncompressed 24-bit BMP (BITMAPINFOHEADER), pixel data at 54.
Bytes bmpHeader(std::uint32_t w, std::uint32_t h) {
  Bytes b = {'B', 'M'};
  appendLittleEndian(b, 54 + w * h * 3, 4);  // file size field (stb ignores it)
  appendLittleEndian(b, 0, 4);
  appendLittleEndian(b, 54, 4);  // pixel data offset
  appendLittleEndian(b, 40, 4);  // DIB header size
  appendLittleEndian(b, w, 4);
  appendLittleEndian(b, h, 4);
  appendLittleEndian(b, 1, 2);   // planes
  appendLittleEndian(b, 24, 2);  // bits per pixel
  appendLittleEndian(b, 0, 4);   // BI_RGB: uncompressed
  for (int k = 0; k < 5; ++k) appendLittleEndian(b, 0, 4);
  return b;
}

TEST(DatasetsHostile, ImagesOverThePixelLimitAreRefusedFromTheHeader) {
  const fs::path dir = scratch("hostile_huge_png");
  // Twenty 8000×8000 claims: the first (in name order) is refused before anything is decoded.
  for (int k = 0; k < 20; ++k) {
    char name[32];
    std::snprintf(name, sizeof name, "big%02d.png", k);
    writeFile(dir / name, pngDeclaring(8000, 8000));
  }
  EXPECT_DATA_ERROR([&] { loadImageFolder(dir.string(), {}); }, "big00.png", "8000×8000",
                    "64000000 pixels", "per-image limit of 4096×4096 = 16777216 pixels");
  EXPECT_DATA_ERROR([&] { loadDataSource(dir.string(), {}); }, "big00.png", "per-image limit");

  // One pixel over the limit is refused; exactly at the limit the size passes and the missing
  // pixel data is what fails.
  const fs::path edge = scratch("hostile_edge_png");
  writeFile(edge / "a.png", pngDeclaring(4097, 4096));
  EXPECT_DATA_ERROR([&] { loadImageFolder(edge.string(), {}); }, "a.png", "4097×4096",
                    "per-image limit");
  writeFile(edge / "a.png", pngDeclaring(4096, 4096));
  try {
    loadImageFolder(edge.string(), {});
    ADD_FAILURE() << "a 1-pixel PNG declaring 4096×4096 loaded";
  } catch (const DataError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("a.png: cannot decode"), std::string::npos) << message;
    EXPECT_EQ(message.find("limit"), std::string::npos) << message;
  }
  // The header helper is honest: the same bytes declaring 1×1 load as the pixel written.
  writeFile(edge / "a.png", pngDeclaring(1, 1));
  EXPECT_EQ(loadImageFolder(edge.string(), {}).patterns(0, 0), 77 / 255.0f);
}

TEST(DatasetsHostile, BmpWithoutThePixelsItsHeaderPromisesIsRefused) {
  const fs::path dir = scratch("hostile_bmp");
  // The measured case: 3,277,312 × 18 pixels declared, no pixel data (54 bytes in all).
  writeFile(dir / "tall.bmp", bmpHeader(3277312, 18));
  ASSERT_EQ(fs::file_size(dir / "tall.bmp"), 54u);
  EXPECT_DATA_ERROR([&] { loadImageFolder(dir.string(), {}); }, "tall.bmp", "3277312×18",
                    "per-image limit");
  // Within the pixel limit, but still no data: stb would pad it with zeros.
  fs::remove(dir / "tall.bmp");
  writeFile(dir / "empty.bmp", bmpHeader(100, 100));
  EXPECT_DATA_ERROR([&] { loadImageFolder(dir.string(), {}); }, "empty.bmp",
                    "promises 100×100 pixels at 24 bits (30054 bytes", "holds 54 bytes");
  // A real BMP cut by one byte is refused; whole, it loads. 5 pixels of 3 bytes = 15, padded
  // to 16 per row: 54 + 16·2 = 86 bytes.
  fs::remove(dir / "empty.bmp");
  ASSERT_NE(
      stbi_write_bmp((dir / "cut.bmp").c_str(), 5, 2, 3, constantImage(5, 2, {9, 9, 9}).data()), 0);
  ASSERT_EQ(fs::file_size(dir / "cut.bmp"), 86u);
  EXPECT_EQ(loadImageFolder(dir.string(), {}).count(), 1);
  fs::resize_file(dir / "cut.bmp", 85);
  EXPECT_DATA_ERROR([&] { loadImageFolder(dir.string(), {}); }, "cut.bmp", "(86 bytes",
                    "holds 85 bytes", "truncated");
}

TEST(DatasetsHostile, TruncatedPngAndJpegFailInsteadOfBeingPadded) {
  const fs::path dir = scratch("hostile_truncated");
  Bytes noise;
  for (int i = 0; i < 32 * 32 * 3; ++i) noise.push_back(static_cast<unsigned char>(i * 97 % 251));
  ASSERT_NE(stbi_write_png((dir / "a.png").c_str(), 32, 32, 3, noise.data(), 32 * 3), 0);
  fs::resize_file(dir / "a.png", fs::file_size(dir / "a.png") * 6 / 10);
  EXPECT_DATA_ERROR([&] { loadImageFolder(dir.string(), {}); }, "a.png", "cannot decode");
  fs::remove(dir / "a.png");
  ASSERT_NE(stbi_write_jpg((dir / "b.jpg").c_str(), 32, 32, 3, noise.data(), 90), 0);
  EXPECT_EQ(loadImageFolder(dir.string(), {}).count(), 1);
  // Cut anywhere in the scan, or just before the end-of-image marker: never padded.
  const auto whole = fs::file_size(dir / "b.jpg");
  for (auto size : {whole * 6 / 10, whole - 2}) {
    ASSERT_NE(stbi_write_jpg((dir / "b.jpg").c_str(), 32, 32, 3, noise.data(), 90), 0);
    fs::resize_file(dir / "b.jpg", size);
    EXPECT_DATA_ERROR([&] { loadImageFolder(dir.string(), {}); }, "b.jpg", "cannot decode");
  }
  // Other formats stb knows (here a PGM, which it pads) are not read behind an image name.
  fs::remove(dir / "b.jpg");
  writeFile(dir / "c.png", {'P', '5', '\n', '4', ' ', '4', '\n', '2', '5', '5', '\n', 1, 2});
  EXPECT_DATA_ERROR([&] { loadImageFolder(dir.string(), {}); }, "c.png",
                    "not a PNG, JPEG or BMP file");
}

TEST(DatasetsHostile, IdxGzipClaimsAreCheckedAgainstLimitAndBudgetBeforeInflating) {
  const fs::path dir = scratch("hostile_idx");
  // The measured case: 32 images of 8192×8192 claimed (a little data behind the header).
  Bytes huge = idxHeader(0x00000803, {32, 8192, 8192});
  huge.resize(huge.size() + 4096, 0);
  writeGzip(dir / "huge-images-idx3-ubyte.gz", huge);
  EXPECT_DATA_ERROR([&] { loadDataSource((dir / "huge-images-idx3-ubyte.gz").string(), {}); },
                    "huge-images-idx3-ubyte.gz", "32 images of 8192×8192", "67108864 pixels",
                    "per-image limit of 4096×4096");
  // At the pixel limit, 32 images need 32·4096²·(1 + 4) bytes = 2.5 GiB: over the default 2 GiB.
  Bytes big = idxHeader(0x00000803, {32, 4096, 4096});
  big.resize(big.size() + 4096, 0);
  writeGzip(dir / "big.idx.gz", big);
  EXPECT_DATA_ERROR([&] { loadIdx((dir / "big.idx.gz").string(), {}); }, "big.idx.gz",
                    "loading 32 images of 4096×4096 needs 2.5 GiB",
                    "over the memory budget of 2.0 GiB", "--memory-budget");
  // A budget large enough lets the claim through to the data, which is not there.
  EXPECT_DATA_ERROR([&] { loadIdx((dir / "big.idx.gz").string(), budget(std::size_t{3} << 30)); },
                    "big.idx.gz", "truncated");
}

TEST(DatasetsHostile, BudgetIsExactOnBothSides) {
  const fs::path dir = scratch("hostile_budget");
  // IDX: 3 images of 2×3 = 18 bytes read + 18 floats (72 bytes) = 90 bytes.
  writeFile(dir / "images.idx", idxImages());
  expectTestIdx(loadIdx((dir / "images.idx").string(), budget(90)), 0, kImages);
  EXPECT_DATA_ERROR([&] { loadIdx((dir / "images.idx").string(), budget(89)); }, "images.idx",
                    "loading 3 images of 2×3 needs 90 bytes", "over the memory budget of 89 bytes");
  // With labels: one byte read and one int kept per label, 3·5 = 15 more.
  writeFile(dir / "labels.idx", idxLabels(kLabels));
  const std::string labels = (dir / "labels.idx").string();
  EXPECT_EQ(loadIdx((dir / "images.idx").string(), budget(105), labels).labels, kLabels);
  EXPECT_DATA_ERROR([&] { loadIdx((dir / "images.idx").string(), budget(104), labels); },
                    "images.idx", "needs 105 bytes", "budget of 104 bytes");

  // CIFAR-10, grey: per record 3073 bytes read + 1024 floats + 1 int = 7173; two = 14346.
  writeFile(dir / "batch.bin", cifarBatch({{1}, {2}}));
  EXPECT_EQ(loadCifar((dir / "batch.bin").string(), budget(14346)).count(), 2);
  EXPECT_DATA_ERROR([&] { loadCifar((dir / "batch.bin").string(), budget(14345)); }, "batch.bin",
                    "loading 2 CIFAR records needs 14346 bytes", "budget of 14345 bytes");

  // Folder, grey, two 3×2 images: 2·6 floats (48 bytes) + decoding one 3×2 image
  // (6 pixels × (3 + 8 + 4) bytes = 90) = 138 bytes.
  fs::create_directories(dir / "pictures");
  writePng(dir / "pictures" / "a.png", 3, 2, constantImage(3, 2, {51, 51, 51}));
  writePng(dir / "pictures" / "b.png", 3, 2, constantImage(3, 2, {51, 51, 51}));
  const std::string pictures = (dir / "pictures").string();
  EXPECT_EQ(loadImageFolder(pictures, budget(138)).count(), 2);
  EXPECT_DATA_ERROR([&] { loadImageFolder(pictures, budget(137)); }, "pictures",
                    "loading 2 images of 3×2 (grey) needs 138 bytes", "budget of 137 bytes");

  // Fashion-MNIST's 60,000 training images with labels need 60000·(784·5 + 5) bytes
  // = 235,500,000 bytes = 224.6 MiB, well within the default budget.
  if (!fashionMnistDirectory().empty()) {
    EXPECT_DATA_ERROR([] { loadDataSource("fashion-mnist", budget(200u << 20)); },
                      "train-images-idx3-ubyte.gz", "loading 60000 images of 28×28",
                      "needs 224.6 MiB", "budget of 200.0 MiB");
    EXPECT_EQ(loadDataSource("fashion-mnist", budget(235500000)).count(), 60000);
  }
}

// In a death-test child: caps the address space at its current size + `headroom` bytes, loads
// `path`, and exits 0 after printing a DataError (3 if it loaded, 4 on any other exception).
[[maybe_unused]] [[noreturn]] void loadWithAddressSpaceCap(const std::string& path, rlim_t headroom) {
  long pages = 0;
  std::ifstream("/proc/self/statm") >> pages;
  const rlim_t cap = static_cast<rlim_t>(pages) * sysconf(_SC_PAGESIZE) + headroom;
  const rlimit limit{cap, cap};
  setrlimit(RLIMIT_AS, &limit);
  try {
    loadIdx(path, {});
  } catch (const DataError& e) {
    std::fputs(e.what(), stderr);
    std::_Exit(0);
  } catch (...) {
    std::_Exit(4);
  }
  std::_Exit(3);
}

// The budget cannot promise that the system has the memory: an allocation it refuses inside a
// loader is a DataError naming the file. Run in a re-executed child whose address space is
// capped just above its current size, so the 64 MiB of floats for one 4096×4096 image fail.
TEST(DatasetsHostileDeathTest, AnAllocationTheSystemRefusesBecomesADataError) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "sanitizers reserve address space of their own; RLIMIT_AS breaks them";
#else
  const fs::path dir = scratch("hostile_oom");
  Bytes image = idxHeader(0x00000803, {1, 4096, 4096});
  image.resize(image.size() + 4096 * 4096, 200);
  writeFile(dir / "one.idx", image);
  const std::string path = (dir / "one.idx").string();
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(loadWithAddressSpaceCap(path, 40u << 20), ::testing::ExitedWithCode(0),
              "one.idx: out of memory: the system refused an allocation");
#endif
}

TEST(DatasetsHostile, OnlyRegularFilesAreOpened) {
  const fs::path dir = scratch("hostile_fifo");
  const fs::path fifo = dir / "pipe";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // Nobody writes to it: opening it for reading would block forever.
  EXPECT_DATA_ERROR([&] { loadDataSource(fifo.string(), {}); }, "pipe",
                    "is not a regular file or a folder (a FIFO)");
  EXPECT_DATA_ERROR([&] { loadIdx(fifo.string(), {}); }, "pipe",
                    "is not a regular file (it is a FIFO (named pipe))");
  EXPECT_DATA_ERROR([&] { loadCifar(fifo.string(), {}); }, "pipe", "not a regular file");
  writeFile(dir / "images.idx", idxImages());
  EXPECT_DATA_ERROR([&] { loadIdx((dir / "images.idx").string(), {}, fifo.string()); }, "pipe",
                    "not a regular file");
  EXPECT_DATA_ERROR([&] { loadIdx((dir / "images.idx").string(), {}, dir.string()); },
                    "hostile_fifo", "is a folder, not a file");
  // In a folder of images, a FIFO with an image name is not an image: skipped, not opened.
  fs::create_directories(dir / "pictures");
  ASSERT_EQ(mkfifo((dir / "pictures" / "a.png").c_str(), 0600), 0);
  writePng(dir / "pictures" / "b.png", 3, 2, constantImage(3, 2, {51, 51, 51}));
  EXPECT_EQ(loadImageFolder((dir / "pictures").string(), {}).names,
            std::vector<std::string>{"b.png"});
  // /dev/zero would never end, and reports size 0.
  EXPECT_DATA_ERROR([] { loadDataSource("/dev/zero", {}); }, "/dev/zero",
                    "not a regular file or a folder (a device or socket)");
  EXPECT_DATA_ERROR([] { loadIdx("/dev/zero", {}); }, "/dev/zero", "(it is a device)");
}

// ------------------------------------------------------------------------ sources and assets

TEST(Datasets, DataSourceSniffsPathsByContent) {
  const fs::path dir = scratch("source");
  writeFile(dir / "train-images-idx3-ubyte", idxImages());
  writeFile(dir / "train-labels-idx1-ubyte", idxLabels(kLabels));
  const MemorySet idx = loadDataSource((dir / "train-images-idx3-ubyte").string(), {});
  expectTestIdx(idx, 0, kImages);
  EXPECT_EQ(idx.labels, kLabels);  // the sibling labels file was found

  writeGzip(dir / "t10k-images.idx3-ubyte.gz", idxImages());
  writeGzip(dir / "t10k-labels.idx1-ubyte.gz", idxLabels({5, 6, 7}));
  const MemorySet gz = loadDataSource((dir / "t10k-images.idx3-ubyte.gz").string(), slice(1, 2));
  expectTestIdx(gz, 1, 2);
  EXPECT_EQ(gz.labels, (std::vector<int>{6, 7}));

  writeFile(dir / "lonely.idx", idxImages());  // no labels beside it: fine, none loaded
  EXPECT_TRUE(loadDataSource((dir / "lonely.idx").string(), {}).labels.empty());
  writeFile(dir / "idx-named.bin", idxImages());  // content wins over the .bin name
  expectTestIdx(loadDataSource((dir / "idx-named.bin").string(), {}), 0, kImages);

  writeFile(dir / "data_batch_1.bin", cifarBatch({{3}, {8}}));
  const MemorySet cifar = loadDataSource((dir / "data_batch_1.bin").string(), {});
  EXPECT_EQ(cifar.labels, (std::vector<int>{3, 8}));

  fs::create_directories(dir / "pictures");
  writePng(dir / "pictures" / "x.png", 3, 2, constantImage(3, 2, {51, 51, 51}));
  const MemorySet folder = loadDataSource((dir / "pictures").string(), {});
  EXPECT_EQ(folder.names, std::vector<std::string>{"x.png"});
  EXPECT_EQ(folder.shape, (ImageShape{3, 2, 3}));  // an RGB file, if a grey-looking one

  writeFile(dir / "notes.txt", {'h', 'e', 'l', 'l', 'o'});
  EXPECT_DATA_ERROR([&] { loadDataSource((dir / "notes.txt").string(), {}); }, "notes.txt",
                    "not an IDX, CIFAR or image folder");
  EXPECT_DATA_ERROR([&] { loadDataSource((dir / "train-labels-idx1-ubyte").string(), {}); },
                    "train-labels-idx1-ubyte", "label file");
  EXPECT_DATA_ERROR([&] { loadDataSource((dir / "pictures" / "x.png").string(), {}); }, "x.png",
                    "folder");
  EXPECT_DATA_ERROR([&] { loadDataSource((dir / "absent").string(), {}); }, "absent",
                    "no such file");
  EXPECT_DATA_ERROR([] { loadDataSource("", {}); }, "no data source");
  writeFile(dir / "empty", {});
  EXPECT_DATA_ERROR([&] { loadDataSource((dir / "empty").string(), {}); }, "empty",
                    "the file is empty");
}

TEST(Datasets, BuiltinSetHas64LabelledFashionImages) {
  const MemorySet set = loadBuiltin({});
  ASSERT_EQ(set.count(), 64);
  EXPECT_EQ(set.shape, (ImageShape{28, 28, 1}));
  ASSERT_EQ(set.labels.size(), 64u);
  EXPECT_EQ(set.labels[0], 9);  // an ankle boot, as in Fashion-MNIST
  for (int label : set.labels) EXPECT_TRUE(label >= 0 && label <= 9);
  EXPECT_GE(set.patterns.minCoeff(), 0.0f);
  EXPECT_EQ(set.patterns.maxCoeff(), 1.0f);
  EXPECT_EQ(set.source, "builtin");
  EXPECT_NO_THROW(set.validate());

  const MemorySet viaSpec = loadDataSource("builtin", slice(60, -1));
  ASSERT_EQ(viaSpec.count(), 4);
  EXPECT_EQ(viaSpec.patterns, set.patterns.rightCols(4));
}

TEST(Datasets, AssetsDirectoryFollowsUhopAssets) {
  const char* previous = std::getenv("UHOP_ASSETS");
  const std::optional<std::string> saved =
      previous ? std::optional<std::string>(previous) : std::nullopt;
  const fs::path dir = scratch("assets_env");
  ASSERT_EQ(setenv("UHOP_ASSETS", dir.c_str(), 1), 0);
  EXPECT_EQ(assetsDirectory(), dir.string());
  EXPECT_DATA_ERROR([] { loadBuiltin({}); }, "images-idx3-ubyte.gz", "UHOP_ASSETS");
  if (saved)
    setenv("UHOP_ASSETS", saved->c_str(), 1);
  else
    unsetenv("UHOP_ASSETS");
  EXPECT_NE(assetsDirectory(), dir.string());
}

// ------------------------------------------------------------------ the real Fashion-MNIST

TEST(Datasets, FashionMnistPackageLoadsWithLabels) {
  if (fashionMnistDirectory().empty()) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  const MemorySet train = loadDataSource("fashion-mnist", {});
  ASSERT_EQ(train.count(), 60000);
  EXPECT_EQ(train.shape, (ImageShape{28, 28, 1}));
  ASSERT_EQ(train.labels.size(), 60000u);
  EXPECT_EQ(train.labels[0], 9);  // ankle boot
  EXPECT_EQ(train.labels[1], 0);  // T-shirt/top
  EXPECT_EQ(train.source, "fashion-mnist");
  // The first image's bytes sum to 76247 (checked with Python's gzip module).
  EXPECT_NEAR(train.patterns.col(0).cast<double>().sum() * 255.0, 76247.0, 1e-2);

  const MemorySet test = loadDataSource("fashion-mnist-test", slice(0, 500));
  ASSERT_EQ(test.count(), 500);
  EXPECT_EQ(test.labels[0], 9);
  EXPECT_EQ(test.labels[1], 2);  // pullover

  const MemorySet tail = loadDataSource("fashion-mnist", slice(59990, -1));
  ASSERT_EQ(tail.count(), 10);
  EXPECT_EQ(tail.patterns, train.patterns.rightCols(10));

  // The built-in set is exactly the first 64 training images.
  const MemorySet head = loadDataSource("fashion-mnist", slice(0, 64));
  const MemorySet builtin = loadBuiltin({});
  EXPECT_EQ(builtin.patterns, head.patterns);
  EXPECT_EQ(builtin.labels, head.labels);
}

TEST(Datasets, FashionMnistAbsenceIsExplained) {
  if (!fashionMnistDirectory().empty()) {
    EXPECT_EQ(fashionMnistDirectory(), "/usr/share/datasets/fashion-mnist");
    GTEST_SKIP() << "dataset-fashion-mnist is installed; its absence cannot be tested";
  }
  EXPECT_DATA_ERROR([] { loadDataSource("fashion-mnist", {}); },
                    "apt-get install dataset-fashion-mnist", "builtin");
}

}  // namespace
}  // namespace uhop
