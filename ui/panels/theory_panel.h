// THEORY window (View ▸ Theory, F7; docs/method.md §6 and §10): the theory beside the
// measurement for every memory — Δ_μ of the baseline column's similarity and Δ^Φ_μ of U-Hop's,
// the radii R and R_Φ, the softmax retrieval error bound, the error one step makes from a query
// at a fraction of R from the memory, and for α > 1 whether the exact-retrieval condition holds
// at the current β — as a sortable table and a log-log scatter of bound against measured error.
// Also the one-line summary of the target under each Stage II column (drawTheoryLine).
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "studio/app_model.h"
#include "ui/widgets.h"

namespace uhop::ui {

// What the scatter drew: per series the memory of every point (for the hover), and the counts
// its caption states.
struct TheoryScatterInfo {
  std::vector<std::vector<int>> memoryOf;  // [series][point] → memory index (empty: a line)
  std::array<int, 2> vacuous{0, 0};        // per column: bounds ≥ 2m, drawn on the 2m line
  std::array<int, 2> floored{0, 0};        // per column: values under kTheoryPlotFloor
  std::array<bool, 2> hasBound{false, false};
};

// Smallest value the log-log scatter places: a measured error or bound below it (an exactly
// retrieved memory, an underflowing bound) is drawn at it and counted in the caption.
inline constexpr double kTheoryPlotFloor = 1e-12;

// Log-log scatter, y = the bound, x = the measured error, one marker series per column (softmax
// columns only: other separations have no bound), the vacuous bounds (≥ 2m) as separate series
// on the dashed 2m line, and the line y = x (points above it: the bound held).
PlotSpec theoryScatter(const TheoryViewResult& r, TheoryScatterInfo* info = nullptr);
// The caption: β, separations, W step, query fraction, M, R and R_Φ, counts of vacuous bounds.
std::string theoryParameters(const TheoryViewResult& r, const TheoryScatterInfo& info);

// Stage II: the target's numbers under column `side`, one line ("…" while computing).
void drawTheoryLine(const AppModel& model, Side side);

struct TheoryPanel {
  PlotViewState scatterView;
  // The table's row order, kept until the result or the sort changes.
  std::vector<int> order;
  std::shared_ptr<const TheoryViewResult> orderFor;
  int sortColumn = 0;
  bool sortDescending = false;
  // A floating window while model.theoryView.shown; closing it pushes SetTheoryViewShown{false}.
  void draw(const AppModel& model, Commands& commands, UiContext& ui);

 private:
  void drawContent(const AppModel& model, Commands& commands, UiContext& ui);
  void drawTable(const AppModel& model, const TheoryViewResult& r, Commands& commands,
                 UiContext& ui);
};

}  // namespace uhop::ui
