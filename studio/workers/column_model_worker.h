// Building a Stage II column's HopfieldModel on a worker thread (docs/architecture.md "Threads").
// A kernel model caches the score operator ΞᵀWᵀW (two D·d·M products) and E's constant
// max_μ ‖Wξ_μ‖² (one more D·d·M product, in double): about 3 s at M = 60,000 Fashion-MNIST, so a
// column whose build costs more than AppModel::syncModelBuildWork multiply-adds gets its model
// from here and shows "building" meanwhile. Each job carries a tag (memories version, similarity,
// W generation and step); the column takes a result only when its id is the build it awaits.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/hopfield.h"
#include "studio/workers/job_thread.h"

namespace uhop::ui {

// Below this much work (modelBuildWork) a column builds its model on the UI thread, at once: the
// built-in set (M = 64: 1.2·10⁸ for the kernel) takes a few milliseconds there, well under a
// frame. Above it the column builds on its ColumnModelWorker. At d = D_Φ = 784 the kernel crosses
// it at M ≈ 135 (Fashion-MNIST's default 500 memories: 9.2·10⁸, ~30 ms on two cores), the dot,
// meanproj and l1/l2 models at M ≈ 3,200.
inline constexpr double kSyncModelBuildWork = 2.5e8;

// The work of building a HopfieldModel of these sizes, in multiply-adds of a GEMM: kernel 3·D·d·M
// (WΞ, ΞᵀWᵀW and ‖Wξ_μ‖² in double); otherwise a few memory-bound passes over Ξ (Ξᵀ, the mean
// projection, the cast to double for ‖ξ_μ‖²), each float of which takes about as long as 25
// multiply-adds of a GEMM here: 100·d·M.
double modelBuildWork(SimilarityKind similarity, long long dimension, long long memories,
                      long long featureDim);

// What a build was started for: a result whose tag no longer describes what the column wants
// (another memory set, similarity or W) is dropped.
struct ColumnBuildTag {
  uint64_t memoriesVersion = 0;
  SimilarityKind similarity = SimilarityKind::Dot;
  uint64_t wGeneration = 0;  // Stage I run of W (kernel only, else 0)
  int wStep = -1;            // Stage I step of W (kernel only, else -1)
  bool operator==(const ColumnBuildTag&) const = default;
};

struct ColumnModelJob {
  uint64_t id = 0;  // set by ColumnModelWorker::start
  ColumnBuildTag tag;
  std::shared_ptr<const Matrix> patterns;    // Ξ
  ModelConfig config;                        // β and separation as asked when the build began
  std::shared_ptr<const Matrix> featureMap;  // the kernel's scaled W (null otherwise)
  double work = 0;                           // modelBuildWork of this job
};

struct ColumnModelResult {
  uint64_t id = 0;
  ColumnBuildTag tag;
  std::shared_ptr<const HopfieldModel> model;  // null when the build failed
  std::string error;                           // why it failed (what core said)
  double seconds = 0;
};

// Builds `HopfieldModel(patterns, config, W)` exactly as the UI thread would: with every core's
// worth of OpenMP threads, because core's product split depends on that count and the bits of a
// column must not depend on which thread built its model.
std::shared_ptr<const ColumnModelResult> buildColumnModel(const ColumnModelJob& job);

class ColumnModelWorker {
 public:
  ColumnModelWorker();
  // Queues this build (a build under way still finishes, its result is then not published: core
  // cannot stop a product half way). Returns the job's id.
  uint64_t start(ColumnModelJob job);
  bool busy() const { return thread_.busy(); }
  // The newest published result (of the newest job that finished without being replaced).
  std::shared_ptr<const ColumnModelResult> latest() const { return thread_.latest(); }
  bool waitIdle(std::chrono::milliseconds timeout) const { return thread_.waitIdle(timeout); }
  // Seconds a build of `work` multiply-adds is expected to take, from the rate of the last build
  // finished here; 0 before the first.
  double expectedSeconds(double work) const;

 private:
  uint64_t nextId_ = 0;
  std::atomic<double> rate_{0};  // multiply-adds per second of the last build
  JobThread<ColumnModelJob, ColumnModelResult> thread_;
};

}  // namespace uhop::ui
