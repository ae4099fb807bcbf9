// METASTABLE STATES: every memory, corrupted with the current query settings,
// is retrieved by both models for T steps on a worker; the panel shows the fractions ending
// correct / on a wrong single memory / metastable (max p < 0.9), and the support-size histogram.
#pragma once

#include "studio/app_model.h"
#include "ui/widgets.h"

namespace uhop::ui {

struct MetastablePanel {
  PlotViewState histogramView;
  void draw(const AppModel& model, Commands& commands, UiContext& ui);
};

}  // namespace uhop::ui
