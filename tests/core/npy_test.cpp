// Tests for core/npy: round trips in both orders and dtypes, hand-written byte files whose values
// are known, the shape rules for memories, the W and --data hooks, and hostile headers.
#include "core/npy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/datasets.h"
#include "core/feature_map.h"

namespace uhop {
namespace {

namespace fs = std::filesystem;

std::string tmpPath(const std::string& name) {
  fs::create_directories(UHOP_TEST_TMP);
  return std::string(UHOP_TEST_TMP) + "/npy_" + name;
}

void writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A version-1.0 file by hand: magic, version, little-endian header length, header, data.
std::string npyBytes(const std::string& header, const std::string& data, int major = 1) {
  std::string out = std::string("\x93NUMPY", 6) + static_cast<char>(major) + '\0';
  const uint32_t n = static_cast<uint32_t>(header.size());
  out += static_cast<char>(n & 0xFF);
  out += static_cast<char>((n >> 8) & 0xFF);
  if (major >= 2) {
    out += static_cast<char>((n >> 16) & 0xFF);
    out += static_cast<char>((n >> 24) & 0xFF);
  }
  return out + header + data;
}

template <typename T>
std::string raw(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

// Expects a DataError whose message contains the file's path and every fragment.
template <typename F>
void expectDataError(F&& f, const std::string& path, std::vector<std::string> fragments) {
  try {
    f();
    ADD_FAILURE() << "no DataError for " << path;
  } catch (const DataError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    for (const auto& frag : fragments)
      EXPECT_NE(what.find(frag), std::string::npos) << what << " lacks " << frag;
  }
}

TEST(Npy, HandWrittenFortranFloat64) {
  // The 2×3 array [[1, 2, 3], [4, 5, 6]] in Fortran order is stored column by column: 1 4 2 5 3 6.
  const std::string path = tmpPath("f8_fortran.npy");
  writeBytes(path, npyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }   \n",
                            raw(std::vector<double>{1, 4, 2, 5, 3, 6})));
  const NpyHeader h = readNpyHeader(path);
  EXPECT_EQ(h.type, NpyType::Float64);
  EXPECT_TRUE(h.fortranOrder);
  EXPECT_EQ(h.shape, (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(h.elementCount, 6u);
  const Matrix A = loadNpyMatrix(path);
  ASSERT_EQ(A.rows(), 2);
  ASSERT_EQ(A.cols(), 3);
  EXPECT_EQ(A(0, 0), 1.0f);
  EXPECT_EQ(A(0, 1), 2.0f);
  EXPECT_EQ(A(0, 2), 3.0f);
  EXPECT_EQ(A(1, 0), 4.0f);
  EXPECT_EQ(A(1, 2), 6.0f);
}

TEST(Npy, HandWrittenCOrderFloat32Version2And3) {
  // C order stores row by row: 1 2 3 4 5 6 is [[1, 2, 3], [4, 5, 6]]. Double quotes and no
  // trailing comma are valid Python too.
  for (int major : {2, 3}) {
    const std::string path = tmpPath("f4_c_v" + std::to_string(major) + ".npy");
    writeBytes(path, npyBytes("{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2, 3)}\n",
                              raw(std::vector<float>{1, 2, 3, 4, 5, 6}), major));
    const Matrix A = loadNpyMatrix(path);
    EXPECT_EQ(A(0, 2), 3.0f) << major;
    EXPECT_EQ(A(1, 0), 4.0f) << major;
  }
}

TEST(Npy, WriterBytesAreTheFormat) {
  // writeNpy of a 2 × 3 matrix (d = 2, N = 3 states) is a (3, 2) C-order array: rows are states.
  Matrix states(2, 3);
  states << 1, 2, 3,  //
      4, 5, 6;
  const std::string path = tmpPath("states.npy");
  writeNpy(path, states);
  const std::string bytes = readAll(path);
  ASSERT_GE(bytes.size(), 10u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  const size_t headerLength =
      static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  EXPECT_EQ((10 + headerLength) % 64, 0u);  // data aligned as numpy writes it
  const std::string header = bytes.substr(10, headerLength);
  EXPECT_NE(header.find("'descr': '<f4'"), std::string::npos) << header;
  EXPECT_NE(header.find("'fortran_order': False"), std::string::npos) << header;
  EXPECT_NE(header.find("'shape': (3, 2)"), std::string::npos) << header;
  EXPECT_EQ(header.back(), '\n');
  std::vector<float> data(6);
  ASSERT_EQ(bytes.size(), 10 + headerLength + 24);
  std::memcpy(data.data(), bytes.data() + 10 + headerLength, 24);
  EXPECT_EQ(data,
            (std::vector<float>{1, 4, 2, 5, 3, 6}));  // state 0 = (1, 4), state 1 = (2, 5), ...
}

TEST(Npy, RoundTripBothOrdersAndDtypes) {
  // A 3 × 4 matrix A(r, c) = 10 r + c + 0.25, written in each dtype and order, read back.
  const int R = 3, C = 4;
  for (bool fortran : {false, true})
    for (NpyType type : {NpyType::Float32, NpyType::Float64}) {
      std::vector<double> d64;
      std::vector<float> d32;
      for (int i = 0; i < R * C; ++i) {
        // Storage index i: C order walks rows, Fortran order walks columns.
        const int r = fortran ? i % R : i / C, c = fortran ? i / R : i % C;
        d64.push_back(10.0 * r + c + 0.25);
        d32.push_back(static_cast<float>(d64.back()));
      }
      const std::string path = tmpPath(std::string("rt_") + (fortran ? "F" : "C") +
                                       (type == NpyType::Float32 ? "4" : "8") + ".npy");
      writeNpyArray(path, type, fortran, {R, C},
                    type == NpyType::Float32 ? static_cast<const void*>(d32.data()) : d64.data());
      const Matrix A = loadNpyMatrix(path);
      ASSERT_EQ(A.rows(), R);
      ASSERT_EQ(A.cols(), C);
      for (int r = 0; r < R; ++r)
        for (int c = 0; c < C; ++c)
          EXPECT_EQ(A(r, c), 10.0f * r + c + 0.25f) << fortran << " " << r << c;
    }
  // saveNpyMatrix / loadNpyMatrix: bit-exact.
  Matrix W = Matrix::Random(5, 7);
  const std::string path = tmpPath("W.npy");
  saveNpyMatrix(path, W);
  EXPECT_EQ(loadNpyMatrix(path), W);
}

TEST(Npy, FeatureMapFilesDispatchOnNpy) {
  Matrix W = Matrix::Random(6, 4);
  const std::string path = tmpPath("feature_map.npy");
  saveFeatureMap(path, W);
  EXPECT_TRUE(isNpyFile(path));
  EXPECT_EQ(readNpyHeader(path).shape, (std::vector<uint64_t>{6, 4}));  // (D_Φ, d)
  EXPECT_EQ(loadFeatureMap(path), W);
  // By magic as well: a .npy under another name.
  const std::string renamed = tmpPath("feature_map.bin");
  fs::copy_file(path, renamed, fs::copy_options::overwrite_existing);
  EXPECT_EQ(loadFeatureMap(renamed), W);
  // The native format is unchanged for other names.
  const std::string native = tmpPath("feature_map.uhopw");
  saveFeatureMap(native, W);
  EXPECT_FALSE(isNpyFile(native));
  EXPECT_EQ(loadFeatureMap(native), W);
}

TEST(Npy, MemoriesShapesAndScaling) {
  // (M, d) with d a square: 2 memories of 4 values → 2 × 2 images; uint8 scaled by 1/255.
  {
    const std::string path = tmpPath("mem_u8.npy");
    writeNpyArray(path, NpyType::UInt8, false, {2, 4},
                  std::vector<uint8_t>{0, 51, 255, 102, 1, 2, 3, 4}.data());
    const MemorySet set = loadDataSource(path, {});
    EXPECT_EQ(set.shape, (ImageShape{2, 2, 1}));
    ASSERT_EQ(set.count(), 2);
    EXPECT_EQ(set.patterns(1, 0), 0.2f);  // 51 / 255
    EXPECT_EQ(set.patterns(2, 0), 1.0f);
    EXPECT_NEAR(set.patterns(3, 1), 4.0 / 255, 1e-7);
  }
  // (M, d) with d not a square: a d × 1 strip; float in [0, 1] unchanged.
  {
    const std::string path = tmpPath("mem_strip.npy");
    writeNpyArray(path, NpyType::Float32, false, {1, 3},
                  std::vector<float>{0.1f, 0.5f, 0.9f}.data());
    const MemorySet set = loadNpyMemories(path, {});
    EXPECT_EQ(set.shape, (ImageShape{3, 1, 1}));
    EXPECT_EQ(set.patterns(1, 0), 0.5f);
  }
  // Float with max > 1 is 0–255; (M, h, w) in Fortran order: memory μ, pixel (y, x) at
  // μ + M·(y + h·x). Two 2 × 3 (h × w) memories with value 100 μ + 10 y + x.
  {
    const int M = 2, h = 2, w = 3;
    std::vector<double> data(M * h * w);
    for (int m = 0; m < M; ++m)
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) data[m + M * (y + h * x)] = 100 * m + 10 * y + x;
    const std::string path = tmpPath("mem_fortran.npy");
    writeNpyArray(path, NpyType::Float64, true, {M, h, w}, data.data());
    const MemorySet set = loadNpyMemories(path, {});
    EXPECT_EQ(set.shape, (ImageShape{w, h, 1}));
    for (int m = 0; m < M; ++m)
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
          EXPECT_FLOAT_EQ(set.patterns(y * w + x, m),
                          static_cast<float>((100 * m + 10 * y + x) / 255.0));
    // offset/count pick memory 1 alone, from the Fortran layout too.
    LoadOptions one;
    one.offset = 1;
    one.count = 1;
    const MemorySet second = loadNpyMemories(path, one);
    ASSERT_EQ(second.count(), 1);
    EXPECT_EQ(second.patterns.col(0), set.patterns.col(1));
  }
  // (M, h, w, 3): colour kept, or luma when grayscale.
  {
    const std::string path = tmpPath("mem_rgb.npy");
    writeNpyArray(path, NpyType::UInt8, false, {1, 1, 2, 3},
                  std::vector<uint8_t>{255, 0, 0, 0, 0, 255}.data());
    LoadOptions colour;
    colour.grayscale = false;
    const MemorySet rgb = loadNpyMemories(path, colour);
    EXPECT_EQ(rgb.shape, (ImageShape{2, 1, 3}));
    EXPECT_EQ(rgb.patterns(0, 0), 1.0f);
    EXPECT_EQ(loadNpyMemories(path, {}).shape, (ImageShape{2, 1, 3}));  // colour by default
    LoadOptions luma;
    luma.grayscale = true;
    const MemorySet grey = loadNpyMemories(path, luma);
    EXPECT_EQ(grey.shape, (ImageShape{2, 1, 1}));
    EXPECT_NEAR(grey.patterns(0, 0), 0.299, 1e-6);
    EXPECT_NEAR(grey.patterns(1, 0), 0.114, 1e-6);
  }
}

TEST(Npy, MemoriesRefuseBadValuesAndShapes) {
  const std::string neg = tmpPath("mem_negative.npy");
  writeNpyArray(neg, NpyType::Float32, false, {1, 4}, std::vector<float>{-0.5f, 0, 0, 1}.data());
  expectDataError([&] { loadNpyMemories(neg, {}); }, neg, {"[0, 1]"});
  const std::string rank1 = tmpPath("mem_rank1.npy");
  writeNpyArray(rank1, NpyType::Float32, false, {4}, std::vector<float>{0, 0, 0, 1}.data());
  expectDataError([&] { loadNpyMemories(rank1, {}); }, rank1, {"(4,)", "(M, d)"});
  const std::string four = tmpPath("mem_4ch.npy");
  writeNpyArray(four, NpyType::UInt8, false, {1, 1, 1, 4}, std::vector<uint8_t>{1, 2, 3, 4}.data());
  expectDataError([&] { loadNpyMemories(four, {}); }, four, {"(1, 1, 1, 4)"});
  LoadOptions small;
  small.memoryBudgetBytes = 16;
  const std::string ok = tmpPath("mem_budget.npy");
  writeNpyArray(ok, NpyType::Float32, false, {2, 4}, std::vector<float>(8, 0.5f).data());
  expectDataError([&] { loadNpyMemories(ok, small); }, ok, {"memory budget"});
  expectDataError([&] { loadNpyMatrix(ok, 16); }, ok, {"memory budget"});
  // W must be a finite 2-D float array.
  const std::string nan = tmpPath("W_nan.npy");
  writeNpyArray(nan, NpyType::Float32, false, {1, 2}, std::vector<float>{1, std::nanf("")}.data());
  expectDataError([&] { loadNpyMatrix(nan); }, nan, {"NaN"});
  expectDataError([&] { loadNpyMatrix(rank1); }, rank1, {"2-D"});
}

TEST(Npy, HostileFilesAreRefusedBeforeAllocating) {
  const std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n";
  const std::string six = raw(std::vector<float>(6, 0.5f));
  struct Case {
    std::string name, bytes;
    std::vector<std::string> fragments;
  };
  const std::vector<Case> cases = {
      {"wrong_magic",
       "\x93NUMPZ\x01\x00" + std::string("\x10\x00", 2) + header + six,
       {"not a NumPy"}},
      {"empty", "", {"not a NumPy"}},
      {"truncated_data", npyBytes(header, six.substr(0, 20)), {"truncated", "24 bytes", "20"}},
      {"trailing_data", npyBytes(header, six + "xxxx"), {"4 bytes after"}},
      {"truncated_header", npyBytes(header, "").substr(0, 30), {"truncated", "header"}},
      {"absurd_shape",
       npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, "
                "4294967296), }\n",
                six),
       {"more elements"}},
      {"huge_entry",
       npyBytes(
           "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999, 1), }\n",
           six),
       {"too large"}},
      {"huge_but_plausible",
       npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (100000000, 1000), }\n", six),
       {"truncated", "400000000000 bytes"}},
      {"header_length_zero",
       std::string("\x93NUMPY\x01\x00\x00\x00", 10) + six,
       {"header length 0"}},
      {"header_length_huge",
       std::string("\x93NUMPY\x02\x00\xff\xff\xff\x7f", 12) + header + six,
       {"header length"}},
      {"version_9",
       std::string("\x93NUMPY\x09\x00", 8) + std::string("\x10\x00", 2) + header,
       {"version 9.0"}},
      {"big_endian",
       npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }\n", six),
       {"big-endian"}},
      {"object_dtype",
       npyBytes("{'descr': '|O', 'fortran_order': False, 'shape': (2, 3), }\n", six),
       {"'|O'"}},
      {"missing_key", npyBytes("{'descr': '<f4', 'shape': (2, 3), }\n", six), {"fortran_order"}},
      {"negative_dim",
       npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3), }\n", six),
       {"non-negative"}},
      {"garbage_header", npyBytes("not a dict at all\n", six), {"malformed"}},
      {"unterminated", npyBytes("{'descr': '<f4", six), {"unterminated"}},
  };
  for (const Case& c : cases) {
    const std::string path = tmpPath("hostile_" + c.name + ".npy");
    writeBytes(path, c.bytes);
    expectDataError([&] { loadNpyMatrix(path); }, path, c.fragments);
    expectDataError([&] { loadNpyMemories(path, {}); }, path, c.fragments);
    expectDataError([&] { loadDataSource(path, {}); }, path, c.fragments);
  }
  // Not a regular file: a folder named like an array.
  const std::string folder = tmpPath("folder.npy");
  fs::create_directories(folder);
  expectDataError([&] { loadNpyMatrix(folder); }, folder, {"folder"});
  expectDataError([&] { loadNpyMatrix(tmpPath("missing.npy")); }, tmpPath("missing.npy"),
                  {"no such file"});
}

}  // namespace
}  // namespace uhop
