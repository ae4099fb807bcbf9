// Tests for sweep shards (core/experiments.h, SweepConfig::shard/shards): the N slices are
// disjoint and together hold every cell; their rows equal the unsharded sweep's bit for bit
// (also when cells share a Stage I run, as in the stage1 sweep); slices balance estimated work,
// so the cheap cells of a capacity sweep (small M) crowd into the first slice; bad I/N is refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>

#include "core/experiments.h"
#include "tests/core/test_reference.h"

namespace uhop {
namespace {

std::shared_ptr<const MemorySet> tinyPool() {
  auto set = std::make_shared<MemorySet>();
  set->patterns = testref::uniformMatrix(16, 24, 77);
  set->shape = {4, 4, 1};
  set->source = "tiny";
  return set;
}

SweepConfig config(SweepKind kind) {
  SweepConfig c;
  c.kind = kind;
  c.grid =
      kind == SweepKind::Capacity ? std::vector<double>{4, 12, 24} : std::vector<double>{0, 3, 8};
  c.memories = 10;
  ModelSpec uhop = modelFromKey("uhop"), ref = modelFromKey("uhop-ref");
  uhop.stage1.steps = ref.stage1.steps = 6;
  c.models = {modelFromKey("mhm"), uhop, ref};
  c.seeds = 2;
  c.firstSeed = 3;
  return c;
}

TEST(ExperimentsShard, SlicesPartitionTheCellsAndReproduceTheUnshardedRows) {
  auto pool = tinyPool();
  for (SweepKind kind : {SweepKind::Capacity, SweepKind::Stage1Steps}) {
    SCOPED_TRACE(sweepKindName(kind));
    Sweep whole(pool, config(kind));
    whole.run(nullptr, 1);
    const std::vector<SweepRow> expected = whole.rows();
    ASSERT_EQ(expected.size(), 18u);
    for (int n : {1, 2, 3, 7}) {
      std::vector<SweepRow> merged;
      int cells = 0;
      for (int i = 1; i <= n; ++i) {
        SweepConfig c = config(kind);
        c.shard = i;
        c.shards = n;
        Sweep part(pool, c);
        EXPECT_EQ(part.allCells(), 18);
        cells += part.totalCells();
        part.run(nullptr, 2);
        EXPECT_TRUE(part.finished());
        for (const SweepRow& r : part.rows()) merged.push_back(r);
      }
      EXPECT_EQ(cells, 18) << n << " shards";
      std::sort(merged.begin(), merged.end(),
                [](const SweepRow& a, const SweepRow& b) { return a.index < b.index; });
      ASSERT_EQ(merged.size(), expected.size()) << n << " shards";
      for (size_t k = 0; k < merged.size(); ++k) {
        EXPECT_EQ(merged[k].index, expected[k].index) << "a cell twice or lost";
        EXPECT_EQ(merged[k].meanError, expected[k].meanError) << k;
        EXPECT_EQ(merged[k].correctFraction, expected[k].correctFraction) << k;
        EXPECT_EQ(merged[k].supportHistogram, expected[k].supportHistogram) << k;
      }
    }
  }
}

TEST(ExperimentsShard, SlicesAreContiguousAndBalanceWorkNotCellCount) {
  auto pool = tinyPool();
  // Capacity: a cell costs ~M², so M = 4 cells are ~36 times cheaper than M = 24 cells; the
  // first slice of two must hold more cells than the second.
  std::vector<int> counts;
  std::vector<std::vector<int>> indices;
  for (int i = 1; i <= 2; ++i) {
    SweepConfig c = config(SweepKind::Capacity);
    c.shard = i;
    c.shards = 2;
    Sweep part(pool, c);
    part.run(nullptr, 1);
    std::vector<int> mine;
    for (const SweepRow& r : part.rows()) mine.push_back(r.index);
    counts.push_back(part.totalCells());
    indices.push_back(mine);
  }
  EXPECT_GT(counts[0], counts[1]);
  // Contiguous: slice 1 is cells 0 … k − 1, slice 2 is k … 17.
  for (size_t k = 0; k < indices[0].size(); ++k) EXPECT_EQ(indices[0][k], static_cast<int>(k));
  for (size_t k = 0; k < indices[1].size(); ++k)
    EXPECT_EQ(indices[1][k], static_cast<int>(indices[0].size() + k));
}

TEST(ExperimentsShard, RejectsShardOutsideOneToN) {
  auto pool = tinyPool();
  for (auto [i, n] : {std::pair{0, 3}, {4, 3}, {1, 0}, {-1, 2}}) {
    SweepConfig c = config(SweepKind::Capacity);
    c.shard = i;
    c.shards = n;
    EXPECT_THROW(Sweep(pool, c), ConfigError) << i << "/" << n;
  }
}

}  // namespace
}  // namespace uhop
