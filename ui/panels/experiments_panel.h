// EXPERIMENTS tab of the lower right panel: pick a sweep (capacity, noise,
// Stage I steps, β), its grid, models and seeds; Run starts it on the ExperimentWorker, a
// progress bar with ETA and Cancel follow it, and the figure (mean over seeds ± std, one series
// per model) fills in live as cells finish. The metric plotted is selectable.
#pragma once

#include <string>
#include <vector>

#include "studio/app_model.h"
#include "plot/sweep_plot.h"
#include "ui/widgets.h"

namespace uhop::ui {

struct ExperimentsPanel {
  int kind = 0;  // SweepKind
  std::string gridText[4];
  bool gridEdited[4] = {false, false, false, false};
  std::vector<bool> models;  // over defaultModels()
  int seeds = 3;
  int memories = 0;  // M of noise / Stage I / β sweeps (0 = min(100, loaded))
  int metric = 0;    // SweepMetric
  // The tab's own query corruption (capacity, Stage I and β sweeps; the noise sweep adds noise:σ)
  // and retrieval steps T, independent of the Stage II query.
  Corruption corruption{CorruptionKind::Mask, 0.5};
  int steps = 1;
  int seenLoaded = -1;
  PlotViewState view;
  void draw(const AppModel& model, Commands& commands, UiContext& ui);
  // The command Run pushes (also used by --run-sweep).
  StartExperiment startCommand() const;
};

}  // namespace uhop::ui
