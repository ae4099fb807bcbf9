#include "studio/feature_view.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include "core/feature_map.h"
#include "core/metrics.h"
#include "studio/app_model.h"

namespace uhop::ui {
namespace {

// Evenly spaced indices 0 … count−1, at most `cap` of them.
std::vector<int> evenSample(int count, int cap) {
  std::vector<int> shown;
  const int n = std::min(count, cap);
  shown.reserve(n);
  for (int i = 0; i < n; ++i)
    shown.push_back(static_cast<int>(static_cast<int64_t>(i) * count / std::max(n, 1)));
  return shown;
}

Matrix gather(const Matrix& patterns, const std::vector<int>& columns) {
  Matrix out(patterns.rows(), static_cast<Eigen::Index>(columns.size()));
  for (size_t i = 0; i < columns.size(); ++i) out.col(i) = patterns.col(columns[i]);
  return out;
}

// The map as RGB pixels, colour by heatColour over [min, max] of its entries.
std::vector<float> heatImage(const MatrixD& map, double& lo, double& hi) {
  lo = map.size() ? map.minCoeff() : 0;
  hi = map.size() ? map.maxCoeff() : 0;
  const double span = hi > lo ? hi - lo : 1;
  std::vector<float> rgb(static_cast<size_t>(map.size()) * 3);
  for (Eigen::Index r = 0; r < map.rows(); ++r)
    for (Eigen::Index c = 0; c < map.cols(); ++c)
      heatColour((map(r, c) - lo) / span, &rgb[3 * static_cast<size_t>(r * map.cols() + c)]);
  return rgb;
}

}  // namespace

void heatColour(double t, float rgb[3]) {
  // Anchors of a viridis-like ramp: lightness rises monotonically, so the map reads in grey too.
  static const float kAnchors[][3] = {{0.267f, 0.005f, 0.329f},
                                      {0.230f, 0.322f, 0.546f},
                                      {0.128f, 0.567f, 0.551f},
                                      {0.369f, 0.789f, 0.383f},
                                      {0.993f, 0.906f, 0.144f}};
  constexpr int kLast = 4;
  const double x = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0) * kLast;
  const int i = std::min(static_cast<int>(x), kLast - 1);
  const float f = static_cast<float>(x - i);
  for (int k = 0; k < 3; ++k) rgb[k] = kAnchors[i][k] + f * (kAnchors[i + 1][k] - kAnchors[i][k]);
}

std::shared_ptr<const FeatureViewResult> computeFeatureView(const FeatureViewJob& job,
                                                            const std::atomic<bool>& cancel) {
  const auto start = std::chrono::steady_clock::now();
  auto r = std::make_shared<FeatureViewResult>();
  r->memoriesVersion = job.memoriesVersion;
  r->wStep = job.wStep;
  r->wGeneration = job.wGeneration;
  if (!job.memories || job.memories->count() == 0) {
    r->error = "no memories loaded";
    return r;
  }
  try {
    const MemorySet& set = *job.memories;
    const FeatureViewResult* previous =
        job.previous && job.previous->memoriesVersion == job.memoriesVersion ? job.previous.get()
                                                                             : nullptr;
    r->shown = previous ? previous->shown : evenSample(set.count(), kFeatureViewMaxPoints);
    if (static_cast<int>(set.labels.size()) == set.count())
      for (int i : r->shown) r->labels.push_back(set.labels[i]);
    const Matrix X = gather(set.patterns, r->shown);
    // The raw layout is fixed per memory set: computed once, then carried along.
    r->raw = previous ? previous->raw : principalLayout(X);
    if (cancel) return nullptr;

    const int n = static_cast<int>(r->shown.size());
    if (previous) {
      // Everything raw depends on the memory set only: carried along like the raw layout.
      r->rawMargins = previous->rawMargins;
      r->mapOrder = previous->mapOrder;
      r->rawMap = previous->rawMap;
      r->rawMapMin = previous->rawMapMin;
      r->rawMapMax = previous->rawMapMax;
    } else {
      const VectorD rawMargins = separationMargins((X.transpose() * X).cast<double>());
      r->rawMargins.assign(rawMargins.data(), rawMargins.data() + n);
      if (cancel) return nullptr;
      if (set.count() <= kSimilarityMapMaxMemories) {
        r->mapOrder = labelOrder(set.labels, set.count());
        r->rawMap =
            heatImage(similarityMap(set.patterns, nullptr, r->mapOrder, kSimilarityMapMaxMemories),
                      r->rawMapMin, r->rawMapMax);
      }
    }
    if (cancel) return nullptr;
    // The kernel's W as the U-Hop column uses it, made here rather than on the UI thread.
    std::optional<Matrix> kernel;
    if (job.stage1W && job.stage1W->size() > 0)
      kernel = kernelFeatureMap(*job.stage1W, job.normalizeRows, job.kernelScale);
    if (kernel) {
      const Matrix& W = *kernel;
      r->feature = featureLayout(
          X, W, previous && previous->feature.cols() == n ? &previous->feature : nullptr);
      if (cancel) return nullptr;
      const Matrix features = W * X;
      const VectorD kernelMargins =
          separationMargins((features.transpose() * features).cast<double>());
      r->kernelMargins.assign(kernelMargins.data(), kernelMargins.data() + n);
      if (!r->mapOrder.empty())
        r->kernelMap =
            heatImage(similarityMap(set.patterns, &W, r->mapOrder, kSimilarityMapMaxMemories),
                      r->kernelMapMin, r->kernelMapMax);
    }
  } catch (const std::exception& e) {
    r->error = e.what();
  }
  r->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

FeatureViewState::FeatureViewState()
    : worker(std::make_unique<JobThread<FeatureViewJob, FeatureViewResult>>(
          [](const FeatureViewJob& job, const std::atomic<bool>& cancel, std::atomic<double>&) {
            return computeFeatureView(job, cancel);
          })) {}

void updateFeatureView(AppModel& model) {
  FeatureViewState& view = model.featureView;
  auto latest = view.worker->latest();
  if (latest && latest != view.result) view.result = latest;
  if (!view.shown || !model.memories.set || view.worker->busy()) return;
  const Stage1Snapshot* snap = model.stage1.snapshot.get();
  const int wStep = snap && snap->W ? snap->stepsDone : -1;
  const uint64_t wGeneration = snap ? snap->generation : 0;
  const FeatureViewResult* r = view.result.get();
  if (r && r->memoriesVersion == model.memories.version && r->wStep == wStep &&
      r->wGeneration == wGeneration)
    return;
  FeatureViewJob job;
  job.memories = model.memories.set;
  job.memoriesVersion = model.memories.version;
  job.stage1W = snap ? snap->W : nullptr;
  job.normalizeRows = model.stage1.config.normalizeRows;
  job.kernelScale = model.fairness.kernelScale;
  job.wStep = wStep;
  job.wGeneration = wGeneration;
  job.previous = view.result;
  view.worker->start(std::move(job));
}

}  // namespace uhop::ui
