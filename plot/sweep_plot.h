// The figure of a sweep: one LineMarkers series per model, y = the metric's mean over
// seeds with yError = its sample standard deviation, log x where sweepLogX. One builder for the
// Experiments tab and `uhop sweep --svg`. Pure data, no ImGui (the CLI compiles it too).
#pragma once

#include <string>
#include <vector>

#include "core/experiments.h"
#include "plot/plot_spec.h"

namespace uhop::ui {

enum class SweepMetric { Error = 0, Correct = 1, Metastable = 2 };

// `context`, when given, follows the title in parentheses (the CLI's data source, corruption, T
// and seeds; the app shows those beside the figure).
PlotSpec sweepPlotSpec(const SweepConfig& config, const std::vector<SweepPoint>& points,
                       SweepMetric metric, const std::string& context = "");

// What every cell of the sweep was computed with, in one line for a caption or a figure's title:
// data source, M (or "M = x" for capacity), corruption (noise:σ for the noise sweep), T, seeds and
// β (or "β = x" for the β sweep), e.g. "builtin · M = 64 · mask:0.5 · T = 1 · 3 seeds · β = 1".
std::string sweepParameters(const SweepConfig& config, const std::string& source);

}  // namespace uhop::ui
