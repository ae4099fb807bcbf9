// The figures of the 2-D landscape (core/landscape.h, docs/method.md §9): the energy as a heat map,
// and the basins (each grid cell in its memory's colour, paler where max p is lower, grey where no
// memory holds 90 % of the weight), both with the memories marked. One builder for
// `uhop landscape --svg/--png` and, later, the studio. Pure data, no ImGui.
#pragma once

#include <cstdint>
#include <string>

#include "core/landscape.h"
#include "plot/plot_spec.h"

namespace uhop::ui {

// The colour of a grid cell in the basin map: memory `basin`'s colour (the series palette, then
// golden-angle hues past it) blended towards white as max p falls from 1 to 0.9; basin −1
// (metastable) is grey, lighter the more diffuse the mixture.
uint32_t basinColor(int basin, double maxWeight);
// The energy colour ramp at t ∈ [0, 1] (dark blue low, yellow high); NaN gives light grey.
uint32_t energyColor(double t);

// Heat map specs on the grid's range (fixed axes), with the memories as a marker series.
// The energy colours span [min E, 90th percentile of E] so the structure near the memories shows.
PlotSpec landscapeEnergySpec(const Landscape& land, const Matrix& memories,
                             const std::string& parameters);
PlotSpec landscapeBasinSpec(const Landscape& land, const Matrix& memories,
                            const std::string& parameters);

// One SVG document with the two panels side by side (energy left, basins right).
std::string landscapeSvg(const Landscape& land, const Matrix& memories,
                         const std::string& parameters);
// PNG bytes of the same two heat maps without axes: each grid cell a square of pixels (panels
// at least 512 px wide), the memories as black dots ringed in white, an 8 px white gap between.
std::string landscapePng(const Landscape& land, const Matrix& memories);

}  // namespace uhop::ui
