#include "studio/state_json.h"

#include <cmath>
#include <fstream>

#include "core/types.h"

namespace uhop::ui {

std::string outcomeName(const RetrievalColumn& column) {
  if (column.weights.size() == 0) return "none";
  if (column.outcome.metastable) return "metastable";
  return column.outcome.correct ? "correct" : "wrong";
}

namespace {

// An image's brightness: the sum of its pixel values (0..1 each), the ‖ξ‖₁ that makes ⟨ξ, x⟩
// favour bright memories (docs/method.md).
double brightness(const MemoryState& mem, int index) {
  if (!mem.set || index < 0 || index >= mem.count()) return 0;
  return mem.set->patterns.col(index).sum();
}

nlohmann::json columnJson(const RetrievalColumn& col, bool kernelColumn, const MemoryState& mem) {
  nlohmann::json j;
  j["similarity"] = similarityName(col.config.similarity);
  j["separation"] = col.config.separation.name();
  j["beta"] = col.config.beta;
  j["steps"] = col.steps;
  if (kernelColumn) j["w_step"] = col.wStep;
  const bool assessed = col.weights.size() > 0;
  j["outcome"] = outcomeName(col);
  // Retrieval error Σ_i (clip(x_t,i) − clip(ξ_target,i))² (core/metrics.h); null before a state.
  j["error"] = assessed ? nlohmann::json(col.outcome.error) : nlohmann::json(nullptr);
  j["max_weight"] = assessed ? nlohmann::json(col.outcome.maxWeight) : nlohmann::json(nullptr);
  j["support"] = assessed ? nlohmann::json(col.outcome.support) : nlohmann::json(nullptr);
  j["retrieved"] = assessed ? nlohmann::json(col.outcome.retrieved) : nlohmann::json(nullptr);
  j["retrieved_brightness"] =
      assessed ? nlohmann::json(brightness(mem, col.outcome.retrieved)) : nlohmann::json(nullptr);
  j["converged"] = col.converged;
  j["energy"] = col.energy.empty() ? nlohmann::json(nullptr) : nlohmann::json(col.energy.back());
  j["model_error"] = col.modelError;
  j["building"] = col.building();  // the model is being built on the column's worker
  return j;
}

nlohmann::json summaryJson(const OutcomeSummary& s) {
  return {{"correct", s.correctFraction},
          {"wrong", s.wrongSingleFraction},
          {"metastable", s.metastableFraction},
          {"mean_error", s.meanError}};
}

// The energy playground: its points, the grid's time and the query's trajectory energies.
nlohmann::json playgroundJson(const PlaygroundState& s) {
  nlohmann::json j;
  j["shown"] = s.shown;
  nlohmann::json points = nlohmann::json::array();
  for (int k = 0; k < s.count(); ++k) points.push_back({(*s.points)(0, k), (*s.points)(1, k)});
  j["points"] = points;
  j["grid"] = s.grid;
  j["stage1_step"] = s.run ? s.run->stepsDone() : 0;
  const bool current = s.result && s.result->version == s.version;
  j["grid_ms"] =
      current ? nlohmann::json({s.result->sides[0].milliseconds, s.result->sides[1].milliseconds})
              : nlohmann::json(nullptr);
  j["fixed_points"] = current ? nlohmann::json({s.result->sides[0].fixedPoints.size(),
                                                s.result->sides[1].fixedPoints.size()})
                              : nlohmann::json(nullptr);
  nlohmann::json energies = nlohmann::json::array();
  for (const PlaygroundTrajectory& t : s.trajectories) energies.push_back(t.energy);
  j["trajectory_energy"] = energies;  // [baseline, U-Hop], E(x_0) … E(x_T); empty without query
  j["message"] = s.message;
  return j;
}

// The theory of the target (studio/theory_view.h) for the current settings; null numbers while it
// is being computed or where a column has no report (no feature space, no W yet).
nlohmann::json theoryJson(const AppModel& model) {
  const TheoryViewResult* r = currentTheory(model);
  nlohmann::json t;
  t["shown"] = model.theoryView.shown;
  t["done"] = r != nullptr;
  t["running"] = model.theoryView.busy();
  const int target = model.query.target;
  auto memory = [&](int side) -> const MemoryTheory* {
    if (!r || !r->reports[side] || target < 0 ||
        target >= static_cast<int>(r->reports[side]->memories.size()))
      return nullptr;
    return &r->reports[side]->memories[target];
  };
  auto number = [](const MemoryTheory* m, double MemoryTheory::*field) {
    // NaN (a bound of a separation that has none) and ±inf (an overflowing bound) are null in JSON.
    return m && std::isfinite(m->*field) ? nlohmann::json(m->*field) : nlohmann::json(nullptr);
  };
  auto radius = [&](int side) {
    return r && r->reports[side] ? nlohmann::json(r->reports[side]->radius)
                                 : nlohmann::json(nullptr);
  };
  auto exact = [&](const MemoryTheory* m) {
    return m && m->exact ? nlohmann::json(*m->exact) : nlohmann::json(nullptr);
  };
  const MemoryTheory* base = memory(0);
  const MemoryTheory* uhop = memory(1);
  t["target"] = {
      {"index", target},
      {"delta", number(base, &MemoryTheory::delta)},
      {"delta_kernel", number(uhop, &MemoryTheory::delta)},
      {"radius", radius(0)},
      {"radius_kernel", radius(1)},
      {"bound_baseline", number(base, &MemoryTheory::bound)},
      {"bound_uhop", number(uhop, &MemoryTheory::bound)},
      {"vacuous_baseline", base ? nlohmann::json(base->vacuous) : nlohmann::json(nullptr)},
      {"vacuous_uhop", uhop ? nlohmann::json(uhop->vacuous) : nlohmann::json(nullptr)},
      {"measured_baseline", number(base, &MemoryTheory::measuredError)},
      {"measured_uhop", number(uhop, &MemoryTheory::measuredError)},
      {"exact_baseline", exact(base)},
      {"exact_uhop", exact(uhop)}};
  t["error_baseline"] = r ? r->errors[0] : std::string();
  t["error_uhop"] = r ? r->errors[1] : std::string();
  return t;
}

}  // namespace

nlohmann::json stateJson(const AppModel& model) {
  nlohmann::json j;
  const MemoryState& mem = model.memories;
  j["memories"] = {{"count", mem.count()},
                   {"width", mem.set ? mem.set->shape.width : 0},
                   {"height", mem.set ? mem.set->shape.height : 0},
                   {"channels", mem.set ? mem.set->shape.channels : 0},
                   {"source", mem.source},
                   {"offset", mem.offset},
                   {"error", mem.error}};
  if (mem.set && mem.count() > 0) {
    const Eigen::VectorXd sums = mem.set->patterns.colwise().sum().transpose().cast<double>();
    Eigen::Index brightest = 0;
    sums.maxCoeff(&brightest);
    j["memories"]["mean_brightness"] = sums.mean();
    j["memories"]["brightest"] = static_cast<int>(brightest);
    j["memories"]["max_brightness"] = sums(brightest);
  }

  const Stage1Snapshot* snap = model.stage1.snapshot.get();
  nlohmann::json s1;
  s1["step"] = snap ? snap->stepsDone : 0;
  s1["loss"] = snap && !snap->history.empty() ? nlohmann::json(snap->history.back().loss)
                                              : nlohmann::json(nullptr);
  // Pairwise distances of the feature-mapped memories on the sphere (core/stage1.h,
  // Stage1Record): now and at W's initialisation, so a caption can say how far Stage I spread them.
  auto record = [&](const Stage1Record* r) {
    if (!r) return nlohmann::json(nullptr);
    return nlohmann::json{
        {"loss", r->loss}, {"min_distance", r->minDistance}, {"mean_distance", r->meanDistance}};
  };
  const bool hasHistory = snap && !snap->history.empty();
  s1["min_distance"] =
      hasHistory ? nlohmann::json(snap->history.back().minDistance) : nlohmann::json(nullptr);
  s1["mean_distance"] =
      hasHistory ? nlohmann::json(snap->history.back().meanDistance) : nlohmann::json(nullptr);
  s1["initial"] = record(hasHistory ? &snap->history.front() : nullptr);
  s1["running"] = model.stage1Worker->playing();
  // The memories per step Stage I actually uses (0 = full batch): the "auto" setting resolved for
  // this M; batch_setting is the setting itself (−1 = auto).
  s1["batch"] = resolveStage1Batch(model.stage1.config.batchSize, model.memories.count());
  s1["batch_setting"] = model.stage1.config.batchSize;
  s1["target_steps"] = model.stage1.config.steps;
  s1["optimizer"] = optimizerName(model.stage1.config.optimizer);
  s1["diverged"] = snap && snap->diverged;
  s1["message"] = snap ? snap->message : std::string();
  j["stage1"] = s1;

  j["target"] = model.query.target;
  j["target_brightness"] = brightness(mem, model.query.target);
  j["corruption"] = model.query.corruption.name();
  j["query_seed"] = model.query.seed;
  j["beta_linked"] = model.betaLinked;
  j["baseline"] = columnJson(model.column(Side::Baseline), false, mem);
  j["uhop"] = columnJson(model.column(Side::UHop), true, mem);

  const MetastableState& m = model.metastable;
  nlohmann::json meta;
  const bool running = model.metastableWorker->running() || m.pendingAfterStage1;
  meta["done"] = m.result != nullptr && m.result->error.empty() && !running;
  meta["running"] = running;
  meta["progress"] = model.metastableWorker->progress();  // 0..1 of the run under way
  meta["steps"] = m.steps;
  if (m.result) {
    meta["queries"] = m.result->queries;
    meta["stage1_step"] = m.result->stage1Step;
    meta["error"] = m.result->error;
    meta["models"] = {{"baseline", summaryJson(m.result->baseline)},
                      {"uhop", summaryJson(m.result->uhop)}};
    if (m.result->hasBefore)
      meta["models"]["uhop_before_stage1"] = summaryJson(m.result->uhopBefore);
  } else {
    meta["queries"] = 0;
    meta["models"] = nlohmann::json::object();
  }
  j["metastable"] = meta;

  nlohmann::json exp;
  const ExperimentSnapshot* e = model.experiments.snapshot.get();
  exp["running"] = model.experimentWorker->running();
  exp["done"] = e != nullptr && e->finished;
  exp["cells_done"] = e ? e->cellsDone : 0;
  exp["total_cells"] = e ? e->totalCells : 0;
  exp["error"] = !model.experiments.error.empty() ? model.experiments.error
                 : e                              ? e->error
                                                  : std::string();
  j["experiment"] = exp;
  j["theory"] = theoryJson(model);
  j["status"] = model.statusMessage;
  j["playground"] = playgroundJson(model.playground);
  return j;
}

void writeStateJson(const AppModel& model, const std::string& path) {
  std::ofstream out(path);
  out << stateJson(model).dump(1) << "\n";
  if (!out) throw DataError("could not write the state JSON " + path);
}

}  // namespace uhop::ui
