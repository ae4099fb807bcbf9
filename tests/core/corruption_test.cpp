// Tests for core/corruption: each corruption's effect, determinism, per-memory seeds, parsing.
#include "core/corruption.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "core/random.h"
#include "tests/core/test_reference.h"

namespace uhop {
namespace {

std::vector<float> image(int d, uint64_t seed, float lo = 0.05f, float hi = 1.0f) {
  Random rng(seed);
  std::vector<float> x(d);
  for (float& v : x) v = lo + (hi - lo) * static_cast<float>(rng.uniform());  // never exactly 0
  return x;
}

std::vector<float> apply(const std::string& spec, std::vector<float> x, uint64_t seed,
                         ImageShape shape = ImageShape{}) {
  if (shape.size() == 0) shape = {static_cast<int>(x.size()), 1, 1};
  corrupt(Corruption::parse(spec), shape, seed, x.data(), static_cast<int>(x.size()));
  return x;
}

TEST(Corruption, NoneAndMaskExtremes) {
  auto x = image(500, 1);
  EXPECT_EQ(apply("none", x, 3), x);
  EXPECT_EQ(apply("mask:0", x, 3), x);
  for (float v : apply("mask:1", x, 3)) EXPECT_EQ(v, 0.0f);
  EXPECT_EQ(apply("mask-rescale:0", x, 3), x);
}

TEST(Corruption, MaskZeroesAboutHalfAndKeepsTheRest) {
  const int d = 10000;
  auto x = image(d, 2);
  auto y = apply("mask:0.5", x, 4);
  int zeroed = 0;
  for (int i = 0; i < d; ++i) {
    if (y[i] == 0.0f) {
      ++zeroed;
    } else {
      EXPECT_EQ(y[i], x[i]) << i;
    }
  }
  EXPECT_NEAR(zeroed, d / 2, 0.05 * d);
  auto z = apply("mask:0.1", x, 4);
  int zeroed10 = 0;
  for (float v : z) zeroed10 += v == 0.0f;
  EXPECT_NEAR(zeroed10, d / 10, 0.03 * d);
}

TEST(Corruption, MaskRescaleDoublesKeptPixelsAtHalf) {
  const int d = 4000;
  auto x = image(d, 5);
  auto y = apply("mask-rescale:0.5", x, 6);
  int zeroed = 0;
  for (int i = 0; i < d; ++i) {
    if (y[i] == 0.0f) {
      ++zeroed;
    } else {
      EXPECT_EQ(y[i], 2.0f * x[i]) << i;
    }
  }
  EXPECT_NEAR(zeroed, d / 2, 0.05 * d);
  // P = 0.75 ⇒ kept pixels × 4; the same pixels as plain masking with the same seed are zeroed.
  auto r = apply("mask-rescale:0.75", x, 7), m = apply("mask:0.75", x, 7);
  for (int i = 0; i < d; ++i) {
    EXPECT_EQ(r[i] == 0.0f, m[i] == 0.0f) << i;
    if (r[i] != 0.0f) {
      EXPECT_NEAR(r[i], 4.0 * x[i], 1e-6 * 4 * x[i]);
    }
  }
}

TEST(Corruption, NoiseClipsToUnitIntervalAndZeroNoiseIsIdentity) {
  const int d = 3000;
  auto x = image(d, 8, 0.0f, 1.0f);
  x[0] = 0.0f;
  x[1] = 1.0f;
  EXPECT_EQ(apply("noise:0", x, 9), x);
  for (const char* spec : {"noise:0.1", "noise:1", "noise:4"}) {
    auto y = apply(spec, x, 9);
    int changed = 0;
    for (int i = 0; i < d; ++i) {
      EXPECT_GE(y[i], 0.0f);
      EXPECT_LE(y[i], 1.0f);
      changed += y[i] != x[i];
    }
    EXPECT_GT(changed, d * 0.8) << spec;
  }
  // Small σ: clip(|x + n|) stays close to x and the change has the right spread.
  auto y = apply("noise:0.01", x, 10);
  double sq = 0;
  int interior = 0;
  for (int i = 0; i < d; ++i)
    if (x[i] > 0.05f && x[i] < 0.95f) {
      sq += (y[i] - x[i]) * (y[i] - x[i]);
      ++interior;
    }
  EXPECT_NEAR(std::sqrt(sq / interior), 0.01, 0.001);
  // |·| reflects: an all-zero image gets |N(0, σ²)| (clipped), mean σ√(2/π) for σ = 0.1.
  std::vector<float> zeros(d, 0.0f);
  auto r = apply("noise:0.1", zeros, 11);
  double mean = 0;
  for (float v : r) mean += v;
  EXPECT_NEAR(mean / d, 0.1 * std::sqrt(2 / M_PI), 0.005);
}

TEST(Corruption, OccludeZeroesExactlyTheBottomRows) {
  // 4 rows × 3 columns × 2 channels; occlude:0.25 hides round(0.25·4) = 1 row = the last 6 values.
  ImageShape shape{3, 4, 2};
  auto x = image(24, 12);
  auto y = apply("occlude:0.25", x, 13, shape);
  for (int i = 0; i < 18; ++i) EXPECT_EQ(y[i], x[i]) << i;
  for (int i = 18; i < 24; ++i) EXPECT_EQ(y[i], 0.0f) << i;
  // 0.5 ⇒ two rows; 1 ⇒ all; 0 ⇒ none; no randomness: the seed does not matter.
  auto h = apply("occlude:0.5", x, 14, shape);
  for (int i = 0; i < 24; ++i) EXPECT_EQ(h[i], i < 12 ? x[i] : 0.0f) << i;
  EXPECT_EQ(apply("occlude:0.5", x, 99, shape), h);
  for (float v : apply("occlude:1", x, 1, shape)) EXPECT_EQ(v, 0.0f);
  EXPECT_EQ(apply("occlude:0", x, 1, shape), x);
  // A 28 × 28 image, occlude:0.5 ⇒ the last 14 rows.
  ImageShape mnist{28, 28, 1};
  auto big = image(784, 15);
  auto b = apply("occlude:0.5", big, 0, mnist);
  for (int i = 0; i < 784; ++i) EXPECT_EQ(b[i], i < 392 ? big[i] : 0.0f);
}

TEST(Corruption, OccludeRoundsFractionsThatAreNotWholeRows) {
  // 4 rows × 3 values: occlude:F hides round(F·4) rows. 0.3·4 = 1.2 → 1 row, 0.4·4 = 1.6 → 2
  // rows, 0.375·4 = 1.5 → 2 rows (halves round away from zero), 0.1·4 = 0.4 → none.
  ImageShape shape{3, 4, 1};
  auto x = image(12, 16);
  const std::pair<const char*, int> cases[] = {{"occlude:0.3", 1},   {"occlude:0.4", 2},
                                               {"occlude:0.375", 2}, {"occlude:0.1", 0},
                                               {"occlude:0.9", 4},   {"occlude:0.6", 2}};
  for (const auto& [spec, rows] : cases) {
    auto y = apply(spec, x, 17, shape);
    const int kept = 12 - 3 * rows;
    for (int i = 0; i < 12; ++i) EXPECT_EQ(y[i], i < kept ? x[i] : 0.0f) << spec << " at " << i;
  }
  // 28 rows: 0.3·28 = 8.4 → 8 rows, 0.32·28 = 8.96 → 9 rows.
  ImageShape mnist{28, 28, 1};
  auto big = image(784, 18);
  auto a = apply("occlude:0.3", big, 0, mnist);
  auto b = apply("occlude:0.32", big, 0, mnist);
  for (int i = 0; i < 784; ++i) {
    EXPECT_EQ(a[i], i < 20 * 28 ? big[i] : 0.0f) << i;
    EXPECT_EQ(b[i], i < 19 * 28 ? big[i] : 0.0f) << i;
  }
}

TEST(Corruption, ColourMasksCoverWholePixelsAndNoiseEachChannel) {
  // 20 × 25 RGB pixels (HWC): the masks draw once per pixel, so pixel p of the colour image is
  // masked exactly when value p of a grey image of the same size is, with the same seed.
  const ImageShape rgb{20, 25, 3}, grey{20, 25, 1};
  const int pixels = 500;
  auto x = image(3 * pixels, 21);
  auto g = image(pixels, 22);
  for (const char* spec : {"mask:0.5", "mask-rescale:0.5", "saltpepper:0.4"}) {
    SCOPED_TRACE(spec);
    auto y = apply(spec, x, 23, rgb);
    auto h = apply(spec, g, 23, grey);
    int hit = 0;
    for (int p = 0; p < pixels; ++p) {
      const bool greyHit = spec[0] == 's' ? h[p] != g[p] : h[p] == 0.0f;
      hit += greyHit;
      for (int c = 0; c < 3; ++c) {
        const int i = 3 * p + c;
        if (spec[0] == 's') {  // salt or pepper: all three channels the same 0 or 1
          if (greyHit)
            EXPECT_EQ(y[i], h[p]) << "pixel " << p << " channel " << c;
          else
            EXPECT_EQ(y[i], x[i]);
        } else if (greyHit) {
          EXPECT_EQ(y[i], 0.0f) << "pixel " << p << " channel " << c;
        } else {
          EXPECT_FLOAT_EQ(y[i], spec[4] == '-' ? 2.0f * x[i] : x[i]);
        }
      }
    }
    EXPECT_GT(hit, pixels / 4);  // some pixels hit, some not: the test saw both cases
    EXPECT_LT(hit, 3 * pixels / 4);
  }
  // Noise: one draw per value, so the colour image gets what a flat vector of 3·500 values gets,
  // and the three channels of a pixel differ.
  std::vector<float> zeros(3 * pixels, 0.0f);
  auto n = apply("noise:0.3", zeros, 24, rgb);
  EXPECT_EQ(n, apply("noise:0.3", zeros, 24));
  int distinct = 0;
  for (int p = 0; p < pixels; ++p)
    distinct += n[3 * p] != n[3 * p + 1] && n[3 * p + 1] != n[3 * p + 2];
  EXPECT_GT(distinct, pixels * 9 / 10);
}

TEST(Corruption, SaltPepperUsesOnlyOriginalZeroOrOne) {
  const int d = 5000;
  auto x = image(d, 16, 0.1f, 0.9f);
  auto y = apply("saltpepper:0.3", x, 17);
  int salt = 0, pepper = 0;
  for (int i = 0; i < d; ++i) {
    ASSERT_TRUE(y[i] == x[i] || y[i] == 0.0f || y[i] == 1.0f) << i;
    salt += y[i] == 1.0f;
    pepper += y[i] == 0.0f;
  }
  EXPECT_NEAR(salt + pepper, 0.3 * d, 0.03 * d);
  EXPECT_NEAR(salt, pepper, 0.05 * d);
  EXPECT_EQ(apply("saltpepper:0", x, 17), x);
}

TEST(Corruption, SeededAndDeterministic) {
  auto x = image(1000, 18);
  for (const char* spec : {"mask:0.5", "mask-rescale:0.5", "noise:0.3", "saltpepper:0.5"}) {
    auto a = apply(spec, x, 42), b = apply(spec, x, 42), c = apply(spec, x, 43);
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), sizeof(float) * a.size())) << spec;
    EXPECT_NE(a, c) << spec;
  }
}

TEST(Corruption, CorruptMemoriesUsesDerivedSeedPerColumn) {
  MemorySet set;
  set.shape = {4, 5, 1};
  set.patterns = testref::uniformMatrix(20, 6, 19, 0.05, 1.0);
  for (const char* spec : {"mask:0.5", "noise:0.2", "occlude:0.4", "saltpepper:0.2", "none"}) {
    Corruption c = Corruption::parse(spec);
    Matrix q = corruptMemories(c, set, 77);
    ASSERT_EQ(q.rows(), 20);
    ASSERT_EQ(q.cols(), 6);
    for (int m = 0; m < 6; ++m) {
      std::vector<float> col(set.patterns.col(m).data(), set.patterns.col(m).data() + 20);
      corrupt(c, set.shape, deriveSeed(77, m), col.data(), 20);
      for (int i = 0; i < 20; ++i) EXPECT_EQ(q(i, m), col[i]) << spec << " m=" << m;
    }
    // A query does not depend on which other memories are in the batch.
    MemorySet tail = set.slice(0, 3);
    Matrix qt = corruptMemories(c, tail, 77);
    EXPECT_TRUE(qt == q.leftCols(3)) << spec;
  }
  // Different columns get different masks.
  Matrix q = corruptMemories(Corruption::parse("mask:0.5"), set, 77);
  EXPECT_FALSE(((q.col(0).array() == 0) == (q.col(1).array() == 0)).all());
}

TEST(Corruption, ParseNameAndErrors) {
  for (const char* spec : {"mask:0.5", "mask-rescale:0.5", "noise:0.3", "occlude:0.25", "saltpepper:0.1"}) {
    Corruption c = Corruption::parse(spec);
    EXPECT_EQ(c.name(), spec);
    EXPECT_EQ(Corruption::parse(c.name()), c);
  }
  EXPECT_EQ(Corruption::parse("none").kind, CorruptionKind::None);
  EXPECT_EQ(Corruption::parse("mask:0.5").kind, CorruptionKind::Mask);
  EXPECT_EQ(Corruption::parse("mask:0.5").amount, 0.5);
  EXPECT_EQ(Corruption::parse("noise:100").amount, 100.0);
  EXPECT_EQ(Corruption::parse("mask:1").amount, 1.0);
  for (const char* bad : {"mask:1.5", "mask:-0.1", "mask-rescale:1", "mask-rescale:2", "noise:-1", "noise:101",
                          "occlude:1.1", "saltpepper:-0.5", "blur:1", "mask", "mask:", "mask:abc", "mask:0.5x",
                          "mask:nan", "noise:inf", "Mask:0.5"})
    EXPECT_THROW(Corruption::parse(bad), ConfigError) << bad;
}

}  // namespace
}  // namespace uhop
