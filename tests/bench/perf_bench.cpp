// Speed of the hot paths beside the machine's own limit.
//
//   gemm/M:<M>                    784×784 by 784×M single-precision product as an Eigen expression
//                                 (EIGEN_USE_BLAS: one OpenBLAS SGEMM on all cores, the library
//                                 core/ uses): the reference rate.
//   gemm_split/M:<M>              the same product split by columns over the cores (parallelProduct,
//                                 what core/ uses); the reference is the better of the two.
//   stage1_step/M:<M>             one Stage I step (Adam update + loss + gradient), d = D_Φ = 784.
//   stage1_step_reference/M:<M>   the same with the straightforward loss and unfused Adam (before).
//   stage1_products/M:<M>         only the four matrix products of a step as core/ runs them (WΞ, the
//                                 lower half of FᵀF, FQ, ∂F Ξᵀ): the floor of a step.
//   stage2_step/<model>/M:<M>     one retrieval step for all M memories as queries (N = M).
//   stage2_products/M:<M>         only its two products (A X and Ξ P), OpenBLAS threads;
//   stage2_products_split/M:<M>   the same with parallelProduct; the floor is the faster of the two.
//   stage2_retrieve/<model>/energy:<0|1>/M:<M>   retrieve() with 3 steps, energy recorded or not.
//   scaling/stage1_step/batch:<B>/M:<M>          Stage I step vs M (full batch B = 0, or minibatch).
//   landscape/grid:256/M:64/steps:<T>            the 2-D landscape: energy and T retrieval steps of
//                                 the 256 × 256 grid (65 536 queries, d = 2) around 64 points, dot +
//                                 softmax, one batched computeLandscape().
//   stage2_beta_step/<rebuild|reuse>/M:500       the studio's β slider on a U-Hop column: set a new β
//                                 and step one query once (reset = evaluate(), step = advance()) on
//                                 the first 500 Fashion-MNIST images (uniform memories if absent);
//                                 rebuild = a new HopfieldModel (ΞᵀWᵀW again, the studio before),
//                                 reuse = withConfig() (the operator shared, the studio now).
//
// Counters: GFLOP (rate, from the FLOP count of the matrix products: 2·m·n·k each; for Stage I
// 4·D·d·M + 4·D·M², the Gram counted in full even though only half is computed) and gemm_share
// (that rate over the gemm rate at the same M, measured once at start-up, min of 7).
// Repetitions and min-of-N are set on the command line (compare.sh uses min of 5).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <string>

#include "core/datasets.h"
#include "core/feature_map.h"
#include "core/hopfield.h"
#include "core/landscape.h"
#include "core/parallel_product.h"
#include "core/random.h"
#include "core/separation_loss.h"
#include "core/stage1.h"

namespace {

using uhop::Matrix;
constexpr int kDim = 784;

Matrix uniformMatrix(int rows, int cols, uint64_t seed) {
  uhop::Random rng(seed);
  Matrix m(rows, cols);
  for (int c = 0; c < cols; ++c)
    for (int r = 0; r < rows; ++r) m(r, c) = static_cast<float>(rng.uniform());
  return m;
}

// Image-like memories in [0, 1] and queries = memories with half of the pixels zeroed.
std::shared_ptr<const Matrix> memories(int M) { return std::make_shared<const Matrix>(uniformMatrix(kDim, M, 1000 + M)); }

Matrix maskedQueries(const Matrix& xi, uint64_t seed) {
  uhop::Random rng(seed);
  Matrix q = xi;
  for (int c = 0; c < q.cols(); ++c)
    for (int r = 0; r < q.rows(); ++r)
      if (rng.uniform() < 0.5) q(r, c) = 0.0f;
  return q;
}

double gemmFlops(int M) { return 2.0 * kDim * kDim * M; }

// GEMM rate at 784×784×M in GFLOP/s: the better of OpenBLAS's own threaded SGEMM (an Eigen product) and the
// column-split product core/ uses (parallelProduct), min time of 7 runs each, cached per M.
double gemmRate(int M) {
  static std::map<int, double> cache;
  auto it = cache.find(M);
  if (it != cache.end()) return it->second;
  Matrix A = uniformMatrix(kDim, kDim, 1), B = uniformMatrix(kDim, M, 2), C(kDim, M);
  C.noalias() = A * B;
  double best = 1e30;
  for (int r = 0; r < 14; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    if (r % 2) uhop::parallelProduct(C, A, B);
    else C.noalias() = A * B;
    benchmark::DoNotOptimize(C.data());
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return cache[M] = gemmFlops(M) / best * 1e-9;
}

void setRate(benchmark::State& state, double flops, int gemmM) {
  state.counters["GFLOP"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  // gemm_share = (flops / t) / gemm rate, with t the mean time per iteration of this run.
  state.counters["gemm_share"] =
      benchmark::Counter(flops * 1e-9 / gemmRate(gemmM), benchmark::Counter::kIsIterationInvariantRate);
}

double minOf(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

template <class B>
B* configure(B* b) {
  return b->UseRealTime()->Unit(benchmark::kMillisecond)->ComputeStatistics("min", minOf);
}

void gemm(benchmark::State& state, int M) {
  Matrix A = uniformMatrix(kDim, kDim, 1), B = uniformMatrix(kDim, M, 2), C(kDim, M);
  for (auto _ : state) {
    C.noalias() = A * B;
    benchmark::DoNotOptimize(C.data());
  }
  setRate(state, gemmFlops(M), M);
}

void gemmSplit(benchmark::State& state, int M) {
  Matrix A = uniformMatrix(kDim, kDim, 1), B = uniformMatrix(kDim, M, 2), C(kDim, M);
  for (auto _ : state) {
    uhop::parallelProduct(C, A, B);
    benchmark::DoNotOptimize(C.data());
  }
  setRate(state, gemmFlops(M), M);
}

uhop::Stage1Config stage1Config(int batch) {
  uhop::Stage1Config c;  // Adam, identity init, average loss t = 2 (the app's defaults)
  c.steps = 1000000;
  c.batchSize = batch;
  return c;
}

void stage1Step(benchmark::State& state, int M, int batch) {
  uhop::Stage1 s(memories(M), stage1Config(batch));
  for (auto _ : state) {
    if (!s.step()) state.SkipWithError("Stage I diverged");
  }
  const int effective = batch > 0 ? std::min(batch, M) : M;
  setRate(state, uhop::separationLossFlops(kDim, kDim, effective), effective);
}

// The straightforward step: separationLossReference and the Adam update as plain Eigen
// expressions with a copy of W (what core/stage1.cpp did before the fused version).
void stage1StepReference(benchmark::State& state, int M) {
  auto xi = memories(M);
  Matrix W = Matrix::Identity(kDim, kDim), m = Matrix::Zero(kDim, kDim), v = Matrix::Zero(kDim, kDim);
  uhop::LossConfig loss;
  uhop::LossEvaluation e = uhop::separationLossReference(W, *xi, loss, true);
  const double rate = 0.05 * std::sqrt(1.0 / kDim);
  int i = 0;
  for (auto _ : state) {
    Matrix previous = W;
    benchmark::DoNotOptimize(previous.data());
    m = 0.9f * m + 0.1f * e.gradient;
    v = 0.999f * v + 0.001f * e.gradient.cwiseAbs2();
    const float c1 = static_cast<float>(1 - std::pow(0.9, i + 1)), c2 = static_cast<float>(1 - std::pow(0.999, i + 1));
    W.array() -= static_cast<float>(rate) / c1 * m.array() / ((v.array() / c2).sqrt() + 1e-8f);
    ++i;
    e = uhop::separationLossReference(W, *xi, loss, true);
    double norm = e.gradient.norm();
    benchmark::DoNotOptimize(norm);
  }
  setRate(state, uhop::separationLossFlops(kDim, kDim, M), M);
}

void stage1Products(benchmark::State& state, int M) {
  auto xi = memories(M);
  Matrix W = uniformMatrix(kDim, kDim, 3), F(kDim, M), G(M, M), P(kDim, M), grad(kDim, kDim);
  for (auto _ : state) {
    uhop::parallelProduct(F, W, *xi);
    uhop::lowerGram(F, G);
    uhop::parallelProduct(P, F, G);
    uhop::parallelProduct(grad, P, xi->transpose());
    benchmark::DoNotOptimize(grad.data());
  }
  setRate(state, uhop::separationLossFlops(kDim, kDim, M), M);
}

struct Stage2Model {
  std::string name;
  uhop::SimilarityKind similarity;
  uhop::Separation separation;
};

const std::vector<Stage2Model>& stage2Models() {
  static const std::vector<Stage2Model> models = {
      {"dot+softmax", uhop::SimilarityKind::Dot, uhop::Separation::softmax()},
      {"dot+sparsemax", uhop::SimilarityKind::Dot, uhop::Separation::sparsemax()},
      {"kernel+softmax", uhop::SimilarityKind::Kernel, uhop::Separation::softmax()},
  };
  return models;
}

std::unique_ptr<uhop::HopfieldModel> makeModel(const Stage2Model& spec, std::shared_ptr<const Matrix> xi) {
  uhop::ModelConfig config;
  config.similarity = spec.similarity;
  config.separation = spec.separation;
  config.beta = 1.0;
  // The kernel's W: a Gaussian map with unit rows (what finalFeatureMap() hands to Stage II).
  Matrix W = uhop::initFeatureMap(uhop::FeatureInit::GaussianScaled, kDim, kDim, 7);
  uhop::normalizeRows(W);
  return std::make_unique<uhop::HopfieldModel>(std::move(xi), config, &W);  // caches ΞᵀWᵀW
}

double stage2Flops(int M) { return 4.0 * M * kDim * M; }  // A X (M×d×N) and Ξ P (d×M×N), N = M

void stage2Step(benchmark::State& state, const Stage2Model& spec, int M) {
  auto xi = memories(M);
  auto model = makeModel(spec, xi);
  Matrix queries = maskedQueries(*xi, 5), next, weights;
  for (auto _ : state) {
    model->step(queries, next, weights);
    benchmark::DoNotOptimize(next.data());
  }
  setRate(state, stage2Flops(M), M);
}

void stage2Products(benchmark::State& state, int M) {
  auto xi = memories(M);
  Matrix A = xi->transpose(), queries = maskedQueries(*xi, 5), S(M, M), next(kDim, M);
  for (auto _ : state) {
    S.noalias() = A * queries;
    next.noalias() = *xi * S;
    benchmark::DoNotOptimize(next.data());
  }
  setRate(state, stage2Flops(M), M);
}

void stage2ProductsSplit(benchmark::State& state, int M) {
  auto xi = memories(M);
  Matrix A = xi->transpose(), queries = maskedQueries(*xi, 5), S(M, M), next(kDim, M);
  for (auto _ : state) {
    uhop::parallelProduct(S, A, queries);
    uhop::parallelProduct(next, *xi, S);
    benchmark::DoNotOptimize(next.data());
  }
  setRate(state, stage2Flops(M), M);
}

void stage2Retrieve(benchmark::State& state, const Stage2Model& spec, int M, bool energy) {
  auto xi = memories(M);
  auto model = makeModel(spec, xi);
  Matrix queries = maskedQueries(*xi, 5);
  uhop::RetrievalOptions options;
  options.steps = 3;
  options.recordEnergy = energy;
  for (auto _ : state) {
    uhop::RetrievalTrace trace = uhop::retrieve(*model, queries, options);
    benchmark::DoNotOptimize(trace.finalStates.data());
  }
  state.counters["steps"] = options.steps;
}

void landscape(benchmark::State& state, int grid, int M, int steps) {
  auto points = std::make_shared<Matrix>(2, M);
  uhop::Random rng(11);
  for (int k = 0; k < M; ++k)
    for (int r = 0; r < 2; ++r) (*points)(r, k) = static_cast<float>(2 * rng.uniform() - 1);
  uhop::ModelConfig config;
  config.beta = 10;
  uhop::HopfieldModel model(points, config);
  for (auto _ : state) {
    uhop::Landscape l = uhop::computeLandscape(model, grid, {}, steps);
    benchmark::DoNotOptimize(l.energy.data());
  }
  state.counters["queries"] = double(grid) * grid;
}

void stage2BetaStep(benchmark::State& state, bool reuse) {
  const int M = 500;
  std::shared_ptr<const Matrix> xi;
  try {
    uhop::LoadOptions options;
    options.count = M;
    xi = std::make_shared<const Matrix>(uhop::loadDataSource("fashion-mnist", options).patterns);
  } catch (const std::exception&) {
    xi = memories(M);
  }
  uhop::ModelConfig config;
  config.similarity = uhop::SimilarityKind::Kernel;
  Matrix W = uhop::initFeatureMap(uhop::FeatureInit::GaussianScaled, kDim, kDim, 7);
  uhop::normalizeRows(W);
  const uhop::HopfieldModel base(xi, config, &W);
  const Matrix query = maskedQueries(*xi, 5).col(0);
  int frame = 0;
  for (auto _ : state) {
    config.beta = 1.0 + 0.01 * (++frame % 100);  // a new β every frame, as while dragging
    const uhop::HopfieldModel model =
        reuse ? base.withConfig(config) : uhop::HopfieldModel(xi, config, &W);
    uhop::RetrievalStep step = model.evaluate(query);
    model.advance(step);
    benchmark::DoNotOptimize(step.state.data());
  }
}

void registerAll() {
  for (int M : {100, 500, 2000}) {
    const std::string m = "/M:" + std::to_string(M);
    configure(benchmark::RegisterBenchmark(("gemm" + m).c_str(), gemm, M));
    configure(benchmark::RegisterBenchmark(("gemm_split" + m).c_str(), gemmSplit, M));
    configure(benchmark::RegisterBenchmark(("stage1_step" + m).c_str(), stage1Step, M, 0));
    configure(benchmark::RegisterBenchmark(("stage1_step_reference" + m).c_str(), stage1StepReference, M));
    configure(benchmark::RegisterBenchmark(("stage1_products" + m).c_str(), stage1Products, M));
    configure(benchmark::RegisterBenchmark(("stage2_products" + m).c_str(), stage2Products, M));
    configure(benchmark::RegisterBenchmark(("stage2_products_split" + m).c_str(), stage2ProductsSplit, M));
    for (const Stage2Model& spec : stage2Models())
      configure(benchmark::RegisterBenchmark(("stage2_step/" + spec.name + m).c_str(), stage2Step, spec, M));
    for (const Stage2Model& spec : stage2Models())
      for (bool energy : {false, true})
        configure(benchmark::RegisterBenchmark(
            ("stage2_retrieve/" + spec.name + "/energy:" + std::to_string(energy) + m).c_str(), stage2Retrieve, spec,
            M, energy));
  }
  for (int steps : {1, 5})
    configure(benchmark::RegisterBenchmark(("landscape/grid:256/M:64/steps:" + std::to_string(steps)).c_str(),
                                           landscape, 256, 64, steps));
  for (bool reuse : {false, true})
    configure(benchmark::RegisterBenchmark(
        (std::string("stage2_beta_step/") + (reuse ? "reuse" : "rebuild") + "/M:500").c_str(), stage2BetaStep,
        reuse));
  // Scaling of the Stage I step with M: full batch up to 10 000, and minibatches of 500 and 1000.
  for (int M : {100, 200, 500, 1000, 2000, 5000, 10000}) {
    for (int batch : {0, 500, 1000}) {
      if (batch > 0 && batch >= M) continue;
      auto* b = benchmark::RegisterBenchmark(
          ("scaling/stage1_step/batch:" + std::to_string(batch) + "/M:" + std::to_string(M)).c_str(), stage1Step, M,
          batch);
      configure(b);
      if (batch == 0 && M >= 5000) b->Iterations(M >= 10000 ? 1 : 2);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  registerAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
