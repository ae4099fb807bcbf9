#include "core/hopfield.h"

#include <cmath>
#include <limits>
#include <sstream>

namespace uhop {

HopfieldModel::HopfieldModel(std::shared_ptr<const Matrix> memories, const ModelConfig& config,
                             const Matrix* featureMap)
    : config_(config), similarity_(config.similarity, std::move(memories), featureMap) {
  if (!(config_.beta > 0) || !std::isfinite(config_.beta)) {
    std::ostringstream msg;
    msg << "beta must be a positive finite number (got " << config_.beta << ")";
    throw ConfigError(msg.str());
  }
  if (hasEnergy())
    energyConstant_ = uniformEntropy(config_.separation, memoryCount()) / config_.beta +
                      0.5 * similarity_.maxMemorySelfSimilarity();
}

bool HopfieldModel::hasEnergy() const {
  return isInnerProduct(config_.similarity) && config_.separation.hasEnergy();
}

void HopfieldModel::weights(const Matrix& states, Matrix& out) const {
  similarity_.scores(states, out);
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
  next.noalias() = similarity_.memories() * weightsOut;
}

VectorD HopfieldModel::energy(const Matrix& states) const {
  const int N = static_cast<int>(states.cols());
  if (!hasEnergy()) return VectorD::Constant(N, std::numeric_limits<double>::quiet_NaN());
  Matrix scores;
  similarity_.scores(states, scores);
  VectorD quadratic = similarity_.selfSimilarity(states);
  VectorD out(N);
  const double beta = config_.beta;
  const int M = memoryCount();
#pragma omp parallel for schedule(static)
  for (int n = 0; n < N; ++n) {
    VectorD z = scores.col(n).cast<double>() * beta;
    out(n) = 0.5 * quadratic(n) - conjugateEntropy(config_.separation, z.data(), M) / beta +
             energyConstant_;
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
  if (options.recordEnergy) {
    trace.energies.resize(options.steps + 1, queries.cols());
    trace.energies.row(0) = model.energy(state).transpose();
  }
  if (options.recordStates) trace.states.push_back(state);
  for (int t = 1; t <= options.steps; ++t) {
    model.step(state, next, weights);
    state.swap(next);
    if (options.recordEnergy) trace.energies.row(t) = model.energy(state).transpose();
    if (options.recordStates) trace.states.push_back(state);
  }
  model.weights(state, trace.finalWeights);
  trace.finalStates = std::move(state);
  return trace;
}

}  // namespace uhop
