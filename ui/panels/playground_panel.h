// ENERGY PLAYGROUND window (View ▸ Energy playground, F6; studio/playground.h): memories as points
// in the plane, the baseline's and U-Hop's energy (heat map with contour lines) or basins side by
// side, the fixed points, and the trajectory of a query, while Stage I learns the kernel's W on the
// points. Left click adds a point, drag moves one, right click deletes one; Shift+click (or the
// "query" mode) sets the query. Right click on an empty spot opens the plot menu (SVG, CSV, PNG).
#pragma once

#include <memory>

#include "studio/app_model.h"
#include "ui/widgets.h"

namespace uhop::ui {

// The figure of one side (0 baseline, 1 U-Hop): the heat map of `cached` (energy or basins of the
// result) under the contour lines, the memories, the fixed points and the trajectory.
PlotSpec playgroundSpec(const PlaygroundState& state, int side, const PlotImage* heatMap);

struct PlaygroundPanel {
  PlotViewState views[2];
  bool queryMode = false;
  int dragIndex = -1;  // the point being dragged, −1 = none
  bool rightPressOnPoint = false;
  // The heat maps of the result shown (rebuilt when the result or the energy/basins view changes).
  std::shared_ptr<const PlaygroundResult> cachedResult;
  bool cachedBasins = false;
  PlotImage heatMaps[2];
  DraftFloat betaDraft, tDraft;

  // A floating window while model.playground.shown; closing it hides the playground.
  void draw(const AppModel& model, Commands& commands, UiContext& ui);

 private:
  void drawKnobs(const PlaygroundState& s, Commands& commands);
  void drawMap(const PlaygroundState& s, int side, Commands& commands, UiContext& ui, float height);
};

}  // namespace uhop::ui
