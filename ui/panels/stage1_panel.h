// STAGE I — separation: the knobs of the feature-map optimiser, Play / Pause /
// Step / Reset, and two live plots fed by the worker's snapshots: L_Φ per step, and the min and
// mean pairwise distance of the normalised features Wξ_μ / ‖Wξ_μ‖.
#pragma once

#include "studio/app_model.h"
#include "ui/widgets.h"

namespace uhop::ui {

struct Stage1Panel {
  PlotViewState lossView, distanceView;
  DraftFloat t;  // t while it is being dragged (applied on release: a change restarts Stage I)
  void draw(const AppModel& model, Commands& commands, UiContext& ui);
};

}  // namespace uhop::ui
