// Tests for core/feature_map: initialisations, row normalisation, kernel scalings, names.
#include "core/feature_map.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include "core/random.h"
#include "tests/core/test_reference.h"

namespace uhop {
namespace {

TEST(FeatureMapInit, IdentityIsIdentityPaddedWithZeroRows) {
  Matrix W = initFeatureMap(FeatureInit::Identity, 5, 5, 123);
  EXPECT_TRUE(W == Matrix::Identity(5, 5));
  Matrix tall = initFeatureMap(FeatureInit::Identity, 7, 4, 0);
  ASSERT_EQ(tall.rows(), 7);
  ASSERT_EQ(tall.cols(), 4);
  for (int r = 0; r < 7; ++r)
    for (int c = 0; c < 4; ++c) EXPECT_EQ(tall(r, c), r == c ? 1.0f : 0.0f);
  EXPECT_THROW(initFeatureMap(FeatureInit::Identity, 3, 4, 0), ConfigError);
}

TEST(FeatureMapInit, GaussianIsDeterministicPerSeed) {
  Matrix a = initFeatureMap(FeatureInit::Gaussian, 20, 30, 7);
  Matrix b = initFeatureMap(FeatureInit::Gaussian, 20, 30, 7);
  Matrix c = initFeatureMap(FeatureInit::Gaussian, 20, 30, 8);
  ASSERT_EQ(a.rows(), 20);
  ASSERT_EQ(a.cols(), 30);
  EXPECT_TRUE(a == b);
  EXPECT_FALSE(a == c);
  // Differ in (almost) every entry, not just one.
  EXPECT_GT((a.array() != c.array()).count(), 590);
  // The scaled init is the same draws times 1/√D.
  Matrix s = initFeatureMap(FeatureInit::GaussianScaled, 20, 30, 7);
  for (int r = 0; r < 20; ++r)
    for (int k = 0; k < 30; ++k) EXPECT_NEAR(s(r, k), a(r, k) / std::sqrt(20.0), 1e-6 * (1 + std::abs(a(r, k))));
  // Filled row by row from the seeded stream (so W does not depend on the storage order).
  Random rng(7);
  for (int k = 0; k < 30; ++k) EXPECT_EQ(a(0, k), static_cast<float>(rng.normal()));
  EXPECT_EQ(a(1, 0), static_cast<float>(rng.normal()));
}

TEST(FeatureMapInit, GaussianMomentsAreStandardNormal) {
  Matrix W = initFeatureMap(FeatureInit::Gaussian, 100, 100, 2024);
  const double n = static_cast<double>(W.size());
  const double mean = W.cast<double>().sum() / n;
  const double var = (W.cast<double>().array() - mean).square().sum() / (n - 1);
  EXPECT_NEAR(mean, 0.0, 0.05);  // sd of the mean is 0.01
  EXPECT_NEAR(var, 1.0, 0.1);    // sd of the variance is ≈ 0.014
  // Fourth moment ≈ 3 (normal, not uniform with the same variance: that would be 1.8).
  const double kurt = (W.cast<double>().array() - mean).pow(4).sum() / n / (var * var);
  EXPECT_NEAR(kurt, 3.0, 0.3);
}

TEST(FeatureMapInit, GaussianScaledHasVarianceOneOverD) {
  for (int D : {10, 50, 100}) {
    Matrix W = initFeatureMap(FeatureInit::GaussianScaled, D, 100, 99);
    const double n = static_cast<double>(W.size());
    const double mean = W.cast<double>().sum() / n;
    const double var = (W.cast<double>().array() - mean).square().sum() / (n - 1);
    EXPECT_NEAR(var * D, 1.0, 0.12) << "D=" << D;
    // E[WᵀW] = I: the diagonal of WᵀW averages to 1.
    MatrixD WtW = W.cast<double>().transpose() * W.cast<double>();
    EXPECT_NEAR(WtW.diagonal().mean(), 1.0, 0.12) << "D=" << D;
  }
}

TEST(FeatureMapInit, RejectsBadSizes) {
  for (auto [D, d] : {std::pair{0, 5}, std::pair{5, 0}, std::pair{-1, 5}, std::pair{16385, 2}, std::pair{2, 16385}})
    for (FeatureInit init : {FeatureInit::Gaussian, FeatureInit::GaussianScaled, FeatureInit::Identity})
      EXPECT_THROW(initFeatureMap(init, D, d, 0), ConfigError) << D << "x" << d;
}

TEST(FeatureMapNormalize, RowsBecomeUnitAndKeepDirection) {
  Matrix W = testref::normalMatrix(6, 9, 5, 3.0);
  W.row(2).setZero();
  Matrix N = W;
  normalizeRows(N);
  for (int r = 0; r < 6; ++r) {
    if (r == 2) {
      EXPECT_TRUE(N.row(2).isZero(0));  // zero rows stay zero (no NaN)
      continue;
    }
    EXPECT_NEAR(N.row(r).cast<double>().norm(), 1.0, 1e-6);
    const double scale = W.row(r).cast<double>().norm();
    for (int c = 0; c < 9; ++c) EXPECT_NEAR(N(r, c) * scale, W(r, c), 1e-5 * (1 + std::abs(W(r, c))));
  }
}

TEST(FeatureMapScale, RawRowNormalizedAndMatched) {
  Matrix W = testref::normalMatrix(12, 8, 6, 2.5);
  EXPECT_TRUE(scaleFeatureMap(W, KernelScale::Raw) == W);
  Matrix rows = W;
  normalizeRows(rows);
  EXPECT_TRUE(scaleFeatureMap(W, KernelScale::RowNormalized) == rows);
  Matrix matched = scaleFeatureMap(W, KernelScale::Matched);
  MatrixD md = matched.cast<double>();
  EXPECT_NEAR((md.transpose() * md).trace() / 8.0, 1.0, 1e-5);
  // Matched only rescales: every entry is the same multiple of W's.
  const double c = matched(0, 0) / W(0, 0);
  EXPECT_GT(c, 0);
  for (int r = 0; r < 12; ++r)
    for (int k = 0; k < 8; ++k) EXPECT_NEAR(matched(r, k), c * W(r, k), 1e-5 * (1 + std::abs(W(r, k))));
  // The identity already has the dot product's scale.
  Matrix I = Matrix::Identity(8, 8);
  EXPECT_TRUE(scaleFeatureMap(I, KernelScale::Matched).isApprox(I, 1e-6f));
  // A zero map stays zero rather than turning into NaN.
  EXPECT_TRUE(scaleFeatureMap(Matrix::Zero(3, 4), KernelScale::Matched).isZero(0));
}

TEST(FeatureMapNames, ParseRoundTripAndErrors) {
  for (FeatureInit i : {FeatureInit::Gaussian, FeatureInit::GaussianScaled, FeatureInit::Identity})
    EXPECT_EQ(parseFeatureInit(featureInitName(i)), i);
  EXPECT_EQ(parseFeatureInit("gaussian-scaled"), FeatureInit::GaussianScaled);
  for (KernelScale s : {KernelScale::Raw, KernelScale::RowNormalized, KernelScale::Matched})
    EXPECT_EQ(parseKernelScale(kernelScaleName(s)), s);
  EXPECT_EQ(parseKernelScale("row-normalized"), KernelScale::RowNormalized);
  for (const char* bad : {"", "normal", "Identity", "gaussian_scaled", "orthogonal"})
    EXPECT_THROW(parseFeatureInit(bad), ConfigError) << bad;
  for (const char* bad : {"", "row", "rownormalized", "Matched", "none"})
    EXPECT_THROW(parseKernelScale(bad), ConfigError) << bad;
}

// ------------------------------------------------------------------------------ W file I/O

namespace fs = std::filesystem;

fs::path scratchDir(const std::string& name) {
  const fs::path dir = fs::path(UHOP_TEST_TMP) / "feature_map" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Checks that `call` throws DataError whose message holds every word.
void expectDataError(const std::function<void()>& call, const std::vector<std::string>& words) {
  try {
    call();
    ADD_FAILURE() << "no DataError thrown";
  } catch (const DataError& e) {
    const std::string message = e.what();
    for (const std::string& word : words)
      EXPECT_NE(message.find(word), std::string::npos)
          << "\"" << message << "\" lacks \"" << word << "\"";
  }
}

TEST(FeatureMapFile, RoundTripIsBitExactAndTheLayoutIsAsDocumented) {
  const fs::path dir = scratchDir("roundtrip");
  Matrix W(2, 3);
  W << 1.5f, -2.0f, 0.25f, 3.0f, 1e-7f, -0.0f;
  saveFeatureMap((dir / "w.bin").string(), W);
  EXPECT_TRUE(loadFeatureMap((dir / "w.bin").string()) == W);
  EXPECT_EQ(fs::file_size(dir / "w.bin"), 16u + 6 * sizeof(float));
  std::ifstream in(dir / "w.bin", std::ios::binary);
  char head[16] = {};
  in.read(head, 16);
  EXPECT_EQ(std::string(head, 8), "UHOPW001");
  float first = 0, second = 0;
  in.read(reinterpret_cast<char*>(&first), 4);
  in.read(reinterpret_cast<char*>(&second), 4);
  EXPECT_EQ(first, 1.5f);  // column-major: W(0, 0) then W(1, 0)
  EXPECT_EQ(second, 3.0f);
  EXPECT_FALSE(fs::exists(dir / "w.bin.tmp"));
}

TEST(FeatureMapFile, ReadingAFolderOrAFifoIsAClearDataError) {
  const fs::path dir = scratchDir("read_bad");
  expectDataError([&] { loadFeatureMap(dir.string()); },
                  {dir.string(), "is a folder, not a feature-map file"});
  const fs::path fifo = dir / "w.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // Nobody writes to it: opening it would block forever.
  expectDataError([&] { loadFeatureMap(fifo.string()); },
                  {"w.fifo", "is not a regular file (it is a FIFO)"});
  expectDataError([&] { loadFeatureMap((dir / "absent.bin").string()); },
                  {"absent.bin", "No such file"});
  std::ofstream(dir / "short.bin") << "UHOPW";
  expectDataError([&] { loadFeatureMap((dir / "short.bin").string()); },
                  {"short.bin", "too short", "5 bytes"});
}

TEST(FeatureMapFile, SavingOntoAFolderFailsClearlyAndLeavesNoTemporaryFile) {
  const fs::path dir = scratchDir("save_bad");
  fs::create_directories(dir / "w.bin");
  const Matrix W = Matrix::Identity(2, 2);
  expectDataError([&] { saveFeatureMap((dir / "w.bin").string(), W); },
                  {"w.bin", "it is a folder"});
  EXPECT_FALSE(fs::exists(dir / "w.bin.tmp"));
  EXPECT_TRUE(fs::is_directory(dir / "w.bin"));
  // A folder that cannot be written into: the temporary file is never created.
  expectDataError([&] { saveFeatureMap((dir / "missing" / "w.bin").string(), W); },
                  {"w.bin", "cannot open"});
  EXPECT_FALSE(fs::exists(dir / "missing"));
  // Nothing but what the test made is left behind.
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(dir))
    left.push_back(entry.path().filename().string());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, std::vector<std::string>{"w.bin"});
}

}  // namespace
}  // namespace uhop
