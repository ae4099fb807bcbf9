#include "ui/panels/experiments_panel.h"

#include <algorithm>
#include <cstdio>

#include "ui/theme.h"

namespace uhop::ui {

namespace {

const char* kKindNames[] = {"capacity (M)", "noise (σ)", "Stage I (N)", "β sweep"};
const SweepKind kKinds[] = {SweepKind::Capacity, SweepKind::Noise, SweepKind::Stage1Steps,
                            SweepKind::Beta};
const char* kMetricNames[] = {"retrieval error", "correct fraction", "metastable fraction"};

// Where the figure's models are listed (cached: defaultModels() builds configs).
const std::vector<ModelSpec>& allModels() {
  static const std::vector<ModelSpec> all = defaultModels();
  return all;
}

}  // namespace

StartExperiment ExperimentsPanel::startCommand() const {
  StartExperiment c;
  c.kind = kKinds[kind];
  c.grid = gridText[kind];
  for (size_t i = 0; i < models.size(); ++i)
    if (models[i]) c.models.push_back(static_cast<int>(i));
  if (c.models.empty()) c.models.push_back(-1);  // refused with a message: choose a model
  c.seeds = seeds;
  c.memories = memories;
  c.corruption = corruption;
  c.steps = steps;
  return c;
}

void ExperimentsPanel::draw(const AppModel& model, Commands& commands, UiContext& ui) {
  const int loaded = model.memories.count();
  if (models.size() != allModels().size()) models.assign(allModels().size(), true);
  if (loaded != seenLoaded) {  // default grids follow the loaded M until the user edits them
    for (int k = 0; k < 4; ++k)
      if (!gridEdited[k] || gridText[k].empty())
        gridText[k] = gridToText(defaultGridFor(kKinds[k], loaded));
    seenLoaded = loaded;
  }
  const bool running = model.experimentWorker->running();

  // Row 1: sweep kind · models · seeds · Run / Cancel, wrapping where the panel ends.
  ImGui::SetNextItemWidth(em() * 8.5f);
  ImGui::Combo("##kind", &kind, kKindNames, 4);
  tooltip(
      "capacity: error vs the number of stored memories M (memories 0..M−1).\n"
      "noise: error vs σ of Gaussian noise added to the query, M fixed.\n"
      "Stage I steps: error vs N, the number of Stage I steps (N = 0 is W at its init).\n"
      "β: error vs the inverse temperature β for every model (a fair comparison picks β per "
      "model).");
  sameLineIfFits(em() * 6.5f);
  const int chosen = static_cast<int>(std::count(models.begin(), models.end(), true));
  char preview[32];
  std::snprintf(preview, sizeof preview, "%d model%s", chosen, chosen == 1 ? "" : "s");
  ImGui::SetNextItemWidth(em() * 6.5f);
  if (ImGui::BeginCombo("##models", preview, ImGuiComboFlags_HeightLarge)) {
    for (size_t i = 0; i < models.size(); ++i) {
      bool on = models[i];
      if (ImGui::Checkbox(allModels()[i].name.c_str(), &on)) models[i] = on;
    }
    ImGui::EndCombo();
  }
  tooltip("Which models to compare (one curve each).");
  sameLineIfFits(labeledWidth(em() * 2.5f, "seeds"));
  ImGui::SetNextItemWidth(em() * 2.5f);
  if (ImGui::InputInt("seeds", &seeds, 0, 0)) seeds = std::clamp(seeds, 1, 100);
  tooltip("Independent corruption draws per point; error bars are the std over seeds.");
  recordItem(ui, "experiments.seeds");
  const char* runLabel = running ? "Cancel" : "Run";
  sameLineIfFits(buttonWidth(runLabel));
  if (ImGui::Button(runLabel)) {
    if (running)
      commands.push_back(CancelExperiment{});
    else
      commands.push_back(startCommand());
  }
  tooltip(running ? "Stop the sweep; the points finished so far stay on the figure."
                  : "Run the sweep on worker threads; the figure fills in as points finish.");
  recordItem(ui, "experiments.run");

  // Row 2: M (fixed-M sweeps) and the grid.
  if (kKinds[kind] != SweepKind::Capacity) {
    ImGui::SetNextItemWidth(em() * 2.5f);
    int m = memories > 0 ? memories : std::min(100, loaded);
    if (ImGui::InputInt("M", &m, 0, 0)) memories = std::clamp(m, 2, std::max(2, loaded));
    tooltip("Memories stored in every cell of this sweep (at most the loaded M).");
    ImGui::SameLine();
  }
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("grid");
  ImGui::SameLine();
  char buf[512];
  std::snprintf(buf, sizeof buf, "%s", gridText[kind].c_str());
  // The field takes what "default" leaves; when that is under 8 em, "default" wraps instead.
  const float defaultW = buttonWidth("default") + ImGui::GetStyle().ItemSpacing.x;
  ImGui::SetNextItemWidth(std::max(em() * 8, ImGui::GetContentRegionAvail().x - defaultW));
  if (ImGui::InputText("##grid", buf, sizeof buf)) {
    gridText[kind] = buf;
    gridEdited[kind] = true;
  }
  std::string gridError;
  try {
    const std::vector<double> grid = parseGridText(gridText[kind]);
    validateGrid(kKinds[kind], grid);
    if (kKinds[kind] == SweepKind::Capacity)
      for (double m : grid)
        if (m > loaded) {
          gridError =
              "M = " + gridToText({m}) + " > the " + std::to_string(loaded) + " memories loaded";
          break;
        }
  } catch (const std::exception& e) {
    gridError = e.what();
  }
  tooltip("Comma-separated x values of the sweep.");
  recordItem(ui, "experiments.grid");
  sameLineIfFits(defaultW - ImGui::GetStyle().ItemSpacing.x);
  if (ImGui::SmallButton("default")) {
    gridText[kind] = gridToText(defaultGridFor(kKinds[kind], loaded));
    gridEdited[kind] = false;
  }
  tooltip("The paper's grid (capacity: only M up to the loaded memories).");

  // Row 3: how every query is corrupted, and the retrieval steps T.
  if (kKinds[kind] == SweepKind::Noise) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("corrupt: noise:σ (σ = the grid)");
  } else {
    int k = indexOf(kCorruptionKinds, corruption.kind);
    ImGui::SetNextItemWidth(em() * 7.5f);
    if (ImGui::Combo("##xcorrupt", &k, kCorruptionNames, kCorruptionChoices)) {
      corruption.kind = kCorruptionKinds[k];
      corruption.amount =
          std::min(corruption.amount, static_cast<double>(maxCorruptionStrength(corruption.kind)));
    }
    tooltip(kCorruptionHelp);
    sameLineIfFits(em() * 4);
    ImGui::BeginDisabled(corruption.kind == CorruptionKind::None);
    float amount = static_cast<float>(corruption.amount);
    ImGui::SetNextItemWidth(em() * 4);
    if (ImGui::DragFloat("##xamount", &amount, 0.01f, 0.0f, maxCorruptionStrength(corruption.kind),
                         "%.2f"))
      corruption.amount = amount;
    ImGui::EndDisabled();
    tooltip("Strength: P (mask, salt & pepper), σ (noise) or the occluded fraction F.");
  }
  sameLineIfFits(labeledWidth(em() * 2.5f, "T"));
  ImGui::SetNextItemWidth(em() * 2.5f);
  if (ImGui::InputInt("T", &steps, 0, 0)) steps = std::clamp(steps, 1, 1000);
  tooltip("Retrieval steps per query (the paper's experiments use T = 1).");

  const std::string& error = !gridError.empty() ? gridError : model.experiments.error;
  if (!error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, colorBad());
    ImGui::TextWrapped("%s", error.c_str());
    ImGui::PopStyleColor();
  }

  // Progress with ETA.
  const ExperimentSnapshot* snap = model.experiments.snapshot.get();
  if (running) {
    const double p = model.experimentWorker->progress();
    const double eta = model.experimentWorker->etaSeconds();
    char text[96];
    std::snprintf(text, sizeof text, "%d/%d cells · %.0f %% · ETA %s", snap ? snap->cellsDone : 0,
                  snap ? snap->totalCells : 0, 100 * p,
                  eta < 0 ? "…" : formatDuration(eta).c_str());
    ImGui::ProgressBar(static_cast<float>(p), ImVec2(-1, 0), text);
  } else if (snap) {
    if (!snap->error.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, colorBad());
      ImGui::TextWrapped("sweep failed: %s", snap->error.c_str());
      ImGui::PopStyleColor();
    }
  }
  if (!snap) {
    ImGui::TextDisabled("Press Run: the figure fills in here as points finish.");
    return;
  }
  // What the figure was computed with (which may differ from the knobs above once edited; the
  // exported SVG's title carries the same line), and how long it took. On a short panel
  // (1280 × 800) both fold under a header beside the metric, leaving the figure the ~10 lines
  // its title, axes and legend need.
  const std::string& parameters = model.experiments.parameters;
  const float parametersH =
      ImGui::CalcTextSize(parameters.c_str(), nullptr, false, ImGui::GetContentRegionAvail().x).y;
  const bool fold = ImGui::GetContentRegionAvail().y <
                    parametersH + ImGui::GetFrameHeightWithSpacing() + em() * 10;
  ImGui::SetNextItemWidth(em() * 9);
  ImGui::Combo("##metric", &metric, kMetricNames, 3);
  tooltip(
      "retrieval error: mean Σ px² between the final state and the target.\n"
      "correct: share of queries ending on their own memory (max p ≥ 0.9).\n"
      "metastable: share ending on a mixture (max p < 0.9).");
  bool details = true;
  if (fold) {
    const char* header = "computed with…";
    sameLineIfFits(ImGui::CalcTextSize(header).x + ImGui::GetFrameHeight() * 1.5f);
    details = ImGui::TreeNodeEx(header, ImGuiTreeNodeFlags_SpanAvailWidth);
    tooltip(parameters.c_str());
    if (details) ImGui::TreePop();  // only the header's state is wanted: no indent
  }
  if (details && !running) {
    if (!fold) ImGui::SameLine();
    ImGui::TextDisabled("%d/%d cells · %s%s", snap->cellsDone, snap->totalCells,
                        formatDuration(snap->seconds).c_str(),
                        snap->cancelled ? " · cancelled" : "");
  }
  if (details) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", parameters.c_str());
    ImGui::PopTextWrapPos();
  }
  PlotSpec spec = sweepPlotSpec(snap->config, snap->points, static_cast<SweepMetric>(metric));
  spec.parameters = model.experiments.parameters;
  plot(ui, "experiments.figure", spec, view,
       std::max(em() * 8, ImGui::GetContentRegionAvail().y - 2));
}

}  // namespace uhop::ui
