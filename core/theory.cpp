#include "core/theory.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/random.h"

namespace uhop {

namespace {

// Columns of a block whose every column costs `bytesPerColumn`, at least 1, at most `total`.
int blockColumns(std::size_t blockBytes, std::size_t bytesPerColumn, int total) {
  const std::size_t columns =
      std::max<std::size_t>(1, blockBytes / std::max<std::size_t>(1, bytesPerColumn));
  return static_cast<int>(std::min<std::size_t>(columns, static_cast<std::size_t>(total)));
}

// F = ΦΞ for the similarity's feature map (docs/method.md §10).
Matrix featureColumns(const HopfieldModel& model, const Matrix& memories, const Matrix* W) {
  switch (model.config().similarity) {
    case SimilarityKind::Dot:
      return memories;
    case SimilarityKind::MeanProjected:
      // The cached A = Ξᵀ(I − μ̂μ̂ᵀ); the projection is symmetric, so Aᵀ = (I − μ̂μ̂ᵀ)Ξ = ΦΞ.
      return model.similarity().scoreMatrix().transpose();
    case SimilarityKind::Kernel:
      return (*W) * memories;
    default:
      throw ConfigError("theory: the similarity '" + similarityName(model.config().similarity) +
                        "' has no feature space (use dot, meanproj or kernel)");
  }
}

}  // namespace

FeatureSeparation featureSeparation(const Matrix& F, std::size_t blockBytes,
                                    const RetrievalControl& control) {
  const int M = static_cast<int>(F.cols());
  if (M < 2) throw ConfigError("theory: needs at least two memories, got " + std::to_string(M));
  VectorD norms2(M);
  for (int mu = 0; mu < M; ++mu) norms2(mu) = F.col(mu).cast<double>().squaredNorm();
  VectorD runnerUp = VectorD::Constant(M, -std::numeric_limits<double>::infinity());
  double minDistance2 = std::numeric_limits<double>::infinity();

  // Rows ν of the Gram matrix in blocks of B × M floats; each column μ keeps its running maximum
  // of K(ξ_ν, ξ_μ) over ν ≠ μ.
  int B = blockColumns(blockBytes, sizeof(float) * static_cast<std::size_t>(M), M);
  if (control.cancel) B = std::min(B, cancellableChunkSize(M, static_cast<int>(F.rows())));
  FeatureSeparation out;
  Matrix G;
  for (int start = 0; start < M; start += B) {
    if (control.cancel && control.cancel->load()) {
      out.cancelled = true;
      return out;
    }
    const int rows = std::min(B, M - start);
    G.noalias() = F.middleCols(start, rows).transpose() * F;
    for (int mu = 0; mu < M; ++mu)
      for (int r = 0; r < rows; ++r) {
        const int nu = start + r;
        if (nu == mu) continue;
        const double k = G(r, mu);
        runnerUp(mu) = std::max(runnerUp(mu), k);
        if (nu < mu) minDistance2 = std::min(minDistance2, norms2(nu) + norms2(mu) - 2 * k);
      }
    if (control.progress) control.progress(double(start + rows) / M);
  }
  out.delta = norms2 - runnerUp;
  out.minDistance = std::sqrt(std::max(0.0, minDistance2));
  out.maxFeatureNorm = std::sqrt(norms2.maxCoeff());
  return out;
}

double logRetrievalErrorBound(double m, int memories, double beta, double delta, double mPhi,
                              double radius) {
  return std::log(2 * m * (memories - 1)) - beta * (delta - 2 * mPhi * radius);
}

double retrievalErrorBound(double m, int memories, double beta, double delta, double mPhi,
                           double radius) {
  return 2 * m * (memories - 1) * std::exp(-beta * (delta - 2 * mPhi * radius));
}

bool exactRetrievalCondition(double scaledGap, double alpha) {
  return scaledGap >= 1 / (alpha - 1);
}

TheoryReport computeTheory(std::shared_ptr<const Matrix> memories, const TheoryConfig& config,
                           const Matrix* featureMap) {
  const ModelConfig& mc = config.model;
  if (!isInnerProduct(mc.similarity))
    throw ConfigError("theory: the similarity '" + similarityName(mc.similarity) +
                      "' has no feature space (use dot, meanproj or kernel)");
  if (mc.separation.kind == SeparationKind::Polynomial)
    throw ConfigError("theory: the separation '" + mc.separation.name() +
                      "' has no bound (use softmax, sparsemax or entmax:A)");
  if (mc.betaAfterSeparation)
    throw ConfigError("theory: the bounds assume beta inside the separation");
  if (!(config.queryFraction >= 0 && config.queryFraction <= 1))
    throw ConfigError("theory: the query's radius fraction must be in [0, 1]");
  const int M = static_cast<int>(memories->cols());
  if (M < 2) throw ConfigError("theory: needs at least two memories, got " + std::to_string(M));
  const int d = static_cast<int>(memories->rows());
  HopfieldModel model(memories, mc, featureMap);
  const Matrix& xi = *memories;

  // Progress: the Gram blocks are the first half of the work, the query batches the second.
  const RetrievalControl& control = config.control;
  RetrievalControl sepControl{control.cancel, nullptr};
  if (control.progress) sepControl.progress = [&](double f) { control.progress(0.5 * f); };
  const FeatureSeparation sep =
      featureSeparation(featureColumns(model, xi, featureMap), config.blockBytes, sepControl);
  TheoryReport report;
  if (sep.cancelled) {
    report.cancelled = true;
    return report;
  }
  report.radius = sep.minDistance / 2;
  report.maxFeatureNorm = sep.maxFeatureNorm;
  for (int mu = 0; mu < M; ++mu)
    report.maxNorm = std::max(report.maxNorm, xi.col(mu).cast<double>().norm());
  report.maxError = 2 * report.maxNorm;
  const bool softmax = mc.separation.kind == SeparationKind::Softmax;
  const double alpha = mc.separation.alpha;
  const double beta = mc.beta;

  report.memories.resize(M);
  for (int mu = 0; mu < M; ++mu) {
    MemoryTheory& t = report.memories[mu];
    t.index = mu;
    t.delta = sep.delta(mu);
    if (softmax) {
      t.bound =
          retrievalErrorBound(report.maxNorm, M, beta, t.delta, sep.maxFeatureNorm, report.radius);
      t.logBound = logRetrievalErrorBound(report.maxNorm, M, beta, t.delta, sep.maxFeatureNorm,
                                          report.radius);
      t.vacuous = !(t.logBound < std::log(report.maxError));
    } else {
      t.bound = t.logBound = std::numeric_limits<double>::quiet_NaN();
      t.exactAtMemory = exactRetrievalCondition(beta * t.delta, alpha);
    }
  }

  // One step from x_μ = ξ_μ + s u_μ, u_μ ~ N(0, I_d), with s chosen so that the feature distance
  // ‖Φ(x_μ) − Φ(ξ_μ)‖ = s √K(u, u) equals queryFraction · R: the query lies inside the sphere
  // the bound is stated for. Queries go in batches of B so the M × B scores stay in budget.
  const double target = config.queryFraction * report.radius;
  int B = blockColumns(config.blockBytes, sizeof(float) * (static_cast<std::size_t>(M) + 2 * d), M);
  if (control.cancel) B = std::min(B, cancellableChunkSize(M, d));
  Matrix X, S, next;
  for (int start = 0; start < M; start += B) {
    if (control.cancel && control.cancel->load()) {
      report.cancelled = true;
      return report;
    }
    const int n = std::min(B, M - start);
    X.resize(d, n);
    Matrix U(d, n);
    for (int q = 0; q < n; ++q) {
      Random rng(deriveSeed(config.seed, static_cast<uint64_t>(start + q)));
      for (int r = 0; r < d; ++r) U(r, q) = static_cast<float>(rng.normal());
    }
    const VectorD uu = model.similarity().selfSimilarity(U);
    for (int q = 0; q < n; ++q) {
      const double s = uu(q) > 0 ? target / std::sqrt(uu(q)) : 0.0;
      X.col(q) = xi.col(start + q) + static_cast<float>(s) * U.col(q);
    }
    model.similarity().scores(X, S);
    for (int q = 0; q < n; ++q) {
      const int mu = start + q;
      double runnerUp = -std::numeric_limits<double>::infinity();
      for (int nu = 0; nu < M; ++nu)
        if (nu != mu) runnerUp = std::max(runnerUp, static_cast<double>(S(nu, q)));
      MemoryTheory& t = report.memories[mu];
      t.queryGap = beta * (S(mu, q) - runnerUp);
      if (!softmax) t.exact = exactRetrievalCondition(t.queryGap, alpha);
    }
    model.weightsFromScores(S);
    next.noalias() = xi * S;
    for (int q = 0; q < n; ++q)
      report.memories[start + q].measuredError =
          (next.col(q) - xi.col(start + q)).cast<double>().norm();
    if (control.progress) control.progress(0.5 + 0.5 * double(start + n) / M);
  }
  return report;
}

}  // namespace uhop
