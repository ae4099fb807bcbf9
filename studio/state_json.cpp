#include "studio/state_json.h"

#include <fstream>

#include "core/types.h"

namespace uhop::ui {

std::string outcomeName(const RetrievalColumn& column) {
  if (column.weights.size() == 0) return "none";
  if (column.outcome.metastable) return "metastable";
  return column.outcome.correct ? "correct" : "wrong";
}

namespace {

nlohmann::json columnJson(const RetrievalColumn& col, bool kernelColumn) {
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
  j["converged"] = col.converged;
  j["energy"] = col.energy.empty() ? nlohmann::json(nullptr) : nlohmann::json(col.energy.back());
  j["model_error"] = col.modelError;
  return j;
}

nlohmann::json summaryJson(const OutcomeSummary& s) {
  return {{"correct", s.correctFraction},
          {"wrong", s.wrongSingleFraction},
          {"metastable", s.metastableFraction},
          {"mean_error", s.meanError}};
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

  const Stage1Snapshot* snap = model.stage1.snapshot.get();
  nlohmann::json s1;
  s1["step"] = snap ? snap->stepsDone : 0;
  s1["loss"] = snap && !snap->history.empty() ? nlohmann::json(snap->history.back().loss)
                                              : nlohmann::json(nullptr);
  s1["running"] = model.stage1Worker->playing();
  s1["batch"] = model.stage1.config.batchSize;  // 0 = full batch
  s1["target_steps"] = model.stage1.config.steps;
  s1["optimizer"] = optimizerName(model.stage1.config.optimizer);
  s1["diverged"] = snap && snap->diverged;
  s1["message"] = snap ? snap->message : std::string();
  j["stage1"] = s1;

  j["target"] = model.query.target;
  j["corruption"] = model.query.corruption.name();
  j["query_seed"] = model.query.seed;
  j["beta_linked"] = model.betaLinked;
  j["baseline"] = columnJson(model.column(Side::Baseline), false);
  j["uhop"] = columnJson(model.column(Side::UHop), true);

  const MetastableState& m = model.metastable;
  nlohmann::json meta;
  const bool running = model.metastableWorker->running() || m.pendingAfterStage1;
  meta["done"] = m.result != nullptr && m.result->error.empty() && !running;
  meta["running"] = running;
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
  j["status"] = model.statusMessage;
  return j;
}

void writeStateJson(const AppModel& model, const std::string& path) {
  std::ofstream out(path);
  out << stateJson(model).dump(1) << "\n";
  if (!out) throw DataError("could not write the state JSON " + path);
}

}  // namespace uhop::ui
