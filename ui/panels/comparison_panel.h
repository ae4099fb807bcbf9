// FAIR COMPARISON (the "Fair comparison" tab of the lower right panel): the kernel scale, the
// reference-compatible switch and the baseline's similarity (docs/method.md §7), so that baseline
// and U-Hop differ only where the paper says they should.
#pragma once

#include "studio/app_model.h"
#include "ui/widgets.h"

namespace uhop::ui {

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
