#include "core/hopfield.h"

#include "core/parallel_product.h"

#include <cmath>
#include <limits>
#include <sstream>

namespace uhop {

void validateModelConfig(const ModelConfig& config) {
  if (!(config.beta > 0) || !std::isfinite(config.beta)) {
    std::ostringstream msg;
    msg << "beta must be a positive finite number (got " << config.beta << ")";
    throw ConfigError(msg.str());
  }
  if (config.separation.kind == SeparationKind::Polynomial && !isInnerProduct(config.similarity))
    throw ConfigError("separation '" + config.separation.name() + "' cannot be used with similarity '" +
                      similarityName(config.similarity) +
                      "': l1/l2 scores are minus a distance, never positive, and poly:N weighs every "
                      "score <= 0 with 0, so every query would return the uniform mean of the "
                      "memories. Use softmax, sparsemax or entmax with l1/l2, or poly with dot, "
                      "meanproj or kernel");
}

HopfieldModel::HopfieldModel(std::shared_ptr<const Matrix> memories, const ModelConfig& config,
                             const Matrix* featureMap)
    : config_(config), similarity_(config.similarity, std::move(memories), featureMap) {
  validateModelConfig(config_);
  if (hasEnergy())
    energyConstant_ = uniformEntropy(config_.separation, memoryCount()) / config_.beta +
                      0.5 * similarity_.maxMemorySelfSimilarity();
}

bool HopfieldModel::hasEnergy() const {
  // β after the separation (reference mode) is not the gradient of any E: report none rather
  // than a curve that rises and looks like a broken Theorem 1.
  return isInnerProduct(config_.similarity) && config_.separation.hasEnergy() && !config_.betaAfterSeparation;
}

void HopfieldModel::weights(const Matrix& states, Matrix& out) const {
  similarity_.scores(states, out);
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
  parallelProduct(next, similarity_.memories(), weightsOut);
}

VectorD HopfieldModel::energy(const Matrix& states) const {
  const int N = static_cast<int>(states.cols());
  if (!hasEnergy()) return VectorD::Constant(N, std::numeric_limits<double>::quiet_NaN());
  MatrixD scores;
  similarity_.scoresDouble(states, scores);
  const VectorD quadratic = similarity_.selfSimilarity(states);
  VectorD out(N);
  const double beta = config_.beta;
  const int M = memoryCount();
#pragma omp parallel if (worthSplitting(static_cast<long>(M) * N))
  {
    VectorD z(M);  // one buffer per thread
#pragma omp for schedule(static)
    for (int n = 0; n < N; ++n) {
      z = scores.col(n) * beta;
      out(n) = 0.5 * quadratic(n) - conjugateEntropy(config_.separation, z.data(), M) / beta + energyConstant_;
    }
  }
  return out;
}

RetrievalTrace retrieve(const HopfieldModel& model, const Matrix& queries, const RetrievalOptions& options) {
  if (options.steps < 0) throw ConfigError("the number of retrieval steps cannot be negative");
  if (queries.rows() != model.dimension())
    throw ConfigError("queries have dimension " + std::to_string(queries.rows()) +
                      " but the memories have " + std::to_string(model.dimension()));
  RetrievalTrace trace;
  Matrix state = queries, next, weights;
  if (options.recordEnergy) trace.energies.resize(options.steps + 1, queries.cols());
  if (options.recordStates) trace.states.push_back(state);
  for (int t = 0;; ++t) {
    model.similarity().scores(state, weights);  // S_t = s(Ξ, x_t)
    if (options.recordEnergy) trace.energies.row(t) = model.energy(state).transpose();
    model.weightsFromScores(weights);  // P_t = sep(β S_t)
    if (t == options.steps) break;
    next.resize(model.dimension(), weights.cols());
    parallelProduct(next, model.similarity().memories(), weights);  // x_{t+1} = Ξ P_t, as step()
    state.swap(next);
    if (options.recordStates) trace.states.push_back(state);
  }
  trace.finalWeights = std::move(weights);
  trace.finalStates = std::move(state);
  return trace;
}

}  // namespace uhop
