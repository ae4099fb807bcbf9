// STAGE II — retrieval: the query editor (target, corruption, painting with
// undo) and the baseline | U-Hop columns side by side, each with its own similarity and
// separation, shared (linkable) β, Step / Run / Reset, state image and outcome, the top-k weights
// with the memories' thumbnails, and one energy plot holding both models' E per step.
#pragma once

#include <array>

#include "studio/app_model.h"
#include "ui/widgets.h"

namespace uhop::ui {

// Stage II's query, baseline and U-Hop columns: side by side when each gets at least
// kStage2ColumnEm font heights, else the query above and the two models side by side, and below
// 2 × kStage2ColumnEm everything stacked.
enum class Stage2Arrangement { SideBySide, QueryAbove, Stacked };
inline constexpr float kStage2ColumnEm = 13.0f;
Stage2Arrangement stage2Arrangement(float widthEm);

struct Stage2Panel {
  // Painting: last brush position in image pixels while the mouse is held on the query.
  bool painting = false;
  float lastX = 0, lastY = 0;
  DraftFloat strength;              // corruption strength, applied while dragging
  std::array<DraftFloat, 2> alpha;  // entmax α per column, applied on release
  std::array<DraftFloat, 2> beta;   // β per column, applied while dragging (reuses the operator)
  PlotViewState energyView;
  std::array<PlotViewState, 2> weightViews;
  void draw(const AppModel& model, Commands& commands, UiContext& ui);

 private:
  void drawQuery(const AppModel& model, Commands& commands, UiContext& ui);
  void drawColumn(const AppModel& model, Side side, Commands& commands, UiContext& ui);
  void drawBuilding(const AppModel& model, Side side, UiContext& ui);
  void drawEnergy(const AppModel& model, UiContext& ui, float height);
  // Heights in font heights (em), so that a 2× re-render of the frame decides as the frame did:
  // of the query and model columns last frame (where the energy goes), and of a column's top-k
  // weights plot and thumbnails when last drawn.
  float columnsHeight = 0;
  float topKHeight = 0;
  bool foldTopK = false;  // the panel is too short for them: they fold under a header
};

}  // namespace uhop::ui
