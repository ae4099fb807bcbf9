// FEATURE SPACE window (View ▸ Feature space; docs/method.md §4.3): the memories as points, raw
// (PCA of ξ) beside U-Hop's feature space (PCA of the normalised Wξ, aligned step to step) while
// Stage I plays, coloured by label; the raw and kernel similarity maps; and histograms of the
// separations Δ_μ and Δ^Φ_μ.
#pragma once

#include "studio/app_model.h"
#include "ui/widgets.h"

namespace uhop::ui {

struct FeatureSpacePanel {
  PlotViewState rawView, featureView, marginView;
  // A floating window while model.featureView.shown; closing it pushes SetFeatureViewShown{false}.
  void draw(const AppModel& model, Commands& commands, UiContext& ui);

 private:
  void drawContent(const AppModel& model, UiContext& ui);
};

// The tooltip of a hovered memory: its thumbnail (the texture cache's "mem<i>" key, shared with
// the memories panel), index and label. Used by the Feature space and Theory windows.
void memoryTooltip(const AppModel& model, UiContext& ui, int memory);

// The plot of one layout: one marker series per label (or one series without labels).
// `memoryOf`, if given, gets the memory index of every point: (*memoryOf)[series][point].
PlotSpec layoutPlot(const FeatureViewResult& r, const PlaneLayout& layout, const std::string& title,
                    const std::string& source,
                    std::vector<std::vector<int>>* memoryOf = nullptr);
// Grouped bars of Δ_μ and Δ^Φ_μ over common bins.
PlotSpec marginHistogram(const FeatureViewResult& r, int bins = 20);

}  // namespace uhop::ui
