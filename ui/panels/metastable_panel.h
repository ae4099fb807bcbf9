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

// "Fair comparison" tab of the lower right panel.
struct ComparisonPanel {
  const Matrix* seenW = nullptr;  // trace(WᵀW)/d is recomputed only when W or the scale changes
  KernelScale seenScale = KernelScale::Raw;
  bool seenNormalize = true;
  double kernelTrace = 0;
  double traceTime = -1e9;  // ImGui time of the last trace(WᵀW)/d computation
  void draw(const AppModel& model, Commands& commands, UiContext& ui);
};

}  // namespace uhop::ui
