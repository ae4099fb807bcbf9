#include "core/hopfield.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <vector>

#include "core/parallel_product.h"

namespace uhop {

void validateModelConfig(const ModelConfig& config) {
  if (!(config.beta > 0) || !std::isfinite(config.beta)) {
    std::ostringstream msg;
    msg << "beta must be a positive finite number (got " << config.beta << ")";
    throw ConfigError(msg.str());
  }
  if (config.separation.kind == SeparationKind::Polynomial && !isInnerProduct(config.similarity))
    throw ConfigError(
        "separation '" + config.separation.name() + "' cannot be used with similarity '" +
        similarityName(config.similarity) +
        "': l1/l2 scores are minus a distance, never positive, and poly:N weighs every "
        "score <= 0 with 0, so every query would return the uniform mean of the "
        "memories. Use softmax, sparsemax or entmax with l1/l2, or poly with dot, "
        "meanproj or kernel");
}

HopfieldModel::HopfieldModel(std::shared_ptr<const Matrix> memories, const ModelConfig& config,
                             const Matrix* featureMap)
    : config_(config) {
  validateModelConfig(config_);
  similarity_ = std::make_shared<const SimilarityOperator>(config.similarity, std::move(memories),
                                                           featureMap);
  maxMemorySelfSimilarity_ = similarity_->maxMemorySelfSimilarity();
  if (hasEnergy())
    energyConstant_ = uniformEntropy(config_.separation, memoryCount()) / config_.beta +
                      0.5 * maxMemorySelfSimilarity_;
}

HopfieldModel::HopfieldModel(std::shared_ptr<const SimilarityOperator> similarity,
                             const ModelConfig& config, double maxMemorySelfSimilarity)
    : config_(config),
      similarity_(std::move(similarity)),
      maxMemorySelfSimilarity_(maxMemorySelfSimilarity) {
  validateModelConfig(config_);
  if (hasEnergy())
    energyConstant_ = uniformEntropy(config_.separation, memoryCount()) / config_.beta +
                      0.5 * maxMemorySelfSimilarity_;
}

HopfieldModel HopfieldModel::withConfig(const ModelConfig& config) const {
  if (config.similarity != config_.similarity)
    throw ConfigError("a model with similarity '" + similarityName(config_.similarity) +
                      "' cannot be reused for similarity '" + similarityName(config.similarity) +
                      "': its score operator is another matrix");
  return HopfieldModel(similarity_, config, maxMemorySelfSimilarity_);
}

bool HopfieldModel::hasEnergy() const {
  // β after the separation (reference mode) is not the gradient of any E: report none rather
  // than a curve that rises and looks like a broken Theorem 1.
  return isInnerProduct(config_.similarity) && config_.separation.hasEnergy() &&
         !config_.betaAfterSeparation;
}

void HopfieldModel::weights(const Matrix& states, Matrix& out) const {
  similarity_->scores(states, out);
  weightsFromScores(out);
}

void HopfieldModel::weightsFromScores(Matrix& out) const {
  if (config_.betaAfterSeparation) {
    separateColumns(config_.separation, out);
    out *= static_cast<float>(config_.beta);
  } else {
    out *= static_cast<float>(config_.beta);
    separateColumns(config_.separation, out);
  }
}

void HopfieldModel::step(const Matrix& states, Matrix& next, Matrix& weightsOut) const {
  weights(states, weightsOut);
  next.resize(dimension(), weightsOut.cols());
  parallelProduct(next, similarity_->memories(), weightsOut);
}

void HopfieldModel::scoreState(RetrievalStep& step, bool withEnergy) const {
  similarity_->scores(step.state, step.weights);  // S_t = s(Ξ, x_t)
  if (withEnergy)
    step.energy = energyFromScores(step.state, step.weights);
  else
    step.energy.resize(0);
  weightsFromScores(step.weights);  // P_t = sep(β S_t)
}

RetrievalStep HopfieldModel::evaluate(Matrix states, bool withEnergy) const {
  if (states.rows() != dimension())
    throw ConfigError("queries have dimension " + std::to_string(states.rows()) +
                      " but the memories have " + std::to_string(dimension()));
  RetrievalStep step;
  step.state = std::move(states);
  scoreState(step, withEnergy);
  return step;
}

void HopfieldModel::advance(RetrievalStep& step, bool withEnergy) const {
  Matrix next(dimension(), step.weights.cols());
  parallelProduct(next, similarity_->memories(), step.weights);  // x_{t+1} = Ξ P_t
  step.state.swap(next);
  scoreState(step, withEnergy);
}

VectorD HopfieldModel::energy(const Matrix& states) const {
  if (!hasEnergy())
    return VectorD::Constant(states.cols(), std::numeric_limits<double>::quiet_NaN());
  Matrix scores;
  similarity_->scores(states, scores);
  return energyFromScores(states, scores);
}

// E = ½K(x, x) − β⁻¹Ψ*(β s) + const in double. At a converged state the first two terms are both
// ≈ ½‖ξ‖² and cancel, so the float scores (error ~1e-7·‖ξ‖²) cannot be used for Ψ*: they made E
// rise by ~1e-4 relative along the dynamics. Only the scores that reach Ψ* are recomputed in
// double from the float state: for softmax those with β(max s − s) < 40 (the others add less
// than e⁻⁴⁰ of the sum, below double rounding), for sparsemax/entmax the support, where
// β(max s − s) < 1/(α − 1) (Ψ* = ⟨p*, z⟩ + H(p*) is exact over any set that holds it). The float
// scores pick them with a margin of 1e-3 of the largest |s|, far above their rounding. Near a
// memory that is a handful of dot products; a column where many memories reach Ψ* (small β)
// takes a DGEMM with the others instead.
VectorD HopfieldModel::energyFromScores(const Matrix& states, const Matrix& scores) const {
  const int N = static_cast<int>(states.cols());
  if (!hasEnergy()) return VectorD::Constant(N, std::numeric_limits<double>::quiet_NaN());
  const VectorD quadratic = similarity_->selfSimilarity(states);
  const Matrix& A = similarity_->scoreMatrix();
  const double beta = config_.beta;
  const int M = memoryCount();
  const double reach = config_.separation.kind == SeparationKind::Softmax
                           ? 40.0
                           : 1.0 / (config_.separation.alpha - 1.0);
  const int denseAbove =
      std::max(16, M / 8);  // candidates per column beyond which a DGEMM is cheaper
  VectorD out(N);
  std::vector<char> dense(N, 0);
#pragma omp parallel if (worthSplitting(static_cast <long>(M) * N))
  {
    std::vector<int> chosen;
    VectorD z, x;
#pragma omp for schedule(static)
    for (int n = 0; n < N; ++n) {
      const auto s = scores.col(n);
      const double top = s.maxCoeff(), largest = s.cwiseAbs().maxCoeff();
      const double floor = top - reach / beta - 1e-3 * largest - 1e-6;
      chosen.clear();
      for (int m = 0; m < M && static_cast<int>(chosen.size()) <= denseAbove; ++m)
        if (s(m) >= floor) chosen.push_back(m);
      if (static_cast<int>(chosen.size()) > denseAbove) {
        dense[n] = 1;
        continue;
      }
      x = states.col(n).cast<double>();
      z.resize(static_cast<Eigen::Index>(chosen.size()));
      for (size_t k = 0; k < chosen.size(); ++k)
        z(k) = beta * A.row(chosen[k]).cast<double>().dot(x);
      out(n) = 0.5 * quadratic(n) -
               conjugateEntropy(config_.separation, z.data(), static_cast<int>(z.size())) / beta +
               energyConstant_;
    }
  }
  std::vector<int> rest;
  for (int n = 0; n < N; ++n)
    if (dense[n]) rest.push_back(n);
  if (rest.empty()) return out;
  Matrix restStates(states.rows(), static_cast<Eigen::Index>(rest.size()));
  for (size_t k = 0; k < rest.size(); ++k)
    restStates.col(static_cast<Eigen::Index>(k)) = states.col(rest[k]);
  MatrixD exact;
  similarity_->scoresDouble(restStates, exact);
  const int R = static_cast<int>(rest.size());
#pragma omp parallel if (worthSplitting(static_cast <long>(M) * R))
  {
    VectorD z(M);  // one buffer per thread
#pragma omp for schedule(static)
    for (int k = 0; k < R; ++k) {
      z = exact.col(k) * beta;
      out(rest[k]) = 0.5 * quadratic(rest[k]) -
                     conjugateEntropy(config_.separation, z.data(), M) / beta + energyConstant_;
    }
  }
  return out;
}

namespace {

std::string formatBytes(double bytes) {
  char text[32];
  if (bytes >= double(1 << 30))
    std::snprintf(text, sizeof text, "%.1f GiB", bytes / double(1 << 30));
  else
    std::snprintf(text, sizeof text, "%.1f MiB", bytes / double(1 << 20));
  return text;
}

}  // namespace

void checkTraceBudget(long long queryCount, long long dimension, const RetrievalOptions& options) {
  if (options.steps < 0) throw ConfigError("the number of retrieval steps cannot be negative");
  // In double: 100001 steps × 60000 queries × 784 pixels overflows no integer type we would use.
  const double states = double(options.steps) + 1;
  auto refuse = [&](const std::string& what, double bytes) {
    throw UhopError(what + " of " + std::to_string(queryCount) + " queries × " +
                    std::to_string(options.steps + 1LL) + " steps needs " + formatBytes(bytes) +
                    ", limit " + formatBytes(double(options.memoryBudgetBytes)) +
                    "; use fewer --steps or --memories, or raise --memory-budget");
  };
  if (options.recordEnergy) {
    const double bytes = states * double(queryCount) * sizeof(double);
    if (bytes > double(options.memoryBudgetBytes)) refuse("energy trace", bytes);
  }
  if (options.recordStates) {
    const double bytes = states * double(queryCount) * double(dimension) * sizeof(float);
    if (bytes > double(options.memoryBudgetBytes)) refuse("state trace", bytes);
  }
}

RetrievalTrace retrieve(const HopfieldModel& model, const Matrix& queries,
                        const RetrievalOptions& options, const RetrievalControl& control) {
  checkTraceBudget(queries.cols(), queries.rows(), options);
  if (queries.rows() != model.dimension())
    throw ConfigError("queries have dimension " + std::to_string(queries.rows()) +
                      " but the memories have " + std::to_string(model.dimension()));
  RetrievalTrace trace;
  auto cancelled = [&] {
    trace.cancelled = control.cancel && control.cancel->load(std::memory_order_relaxed);
    return trace.cancelled;
  };
  auto done = [&](int t) {
    if (control.progress) control.progress(double(t + 1) / double(options.steps + 1));
  };
  if (options.recordEnergy) trace.energies.resize(options.steps + 1, queries.cols());
  if (options.recordStates) trace.states.push_back(queries);
  if (cancelled()) return trace;
  RetrievalStep current = model.evaluate(queries, options.recordEnergy);
  for (int t = 0;; ++t) {
    if (options.recordEnergy) trace.energies.row(t) = current.energy.transpose();
    done(t);
    if (t == options.steps) break;
    if (cancelled()) return trace;
    model.advance(current, options.recordEnergy);
    if (options.recordStates) trace.states.push_back(current.state);
  }
  trace.finalWeights = std::move(current.weights);
  trace.finalStates = std::move(current.state);
  return trace;
}

}  // namespace uhop
