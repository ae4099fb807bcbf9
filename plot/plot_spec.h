// One plot description, three outputs (docs/architecture.md "Plots"): a PlotSpec is drawn on screen by
// drawPlot (ui/plot_widget.h), written as SVG by plotToSvg and as CSV by plotToCsv
// (plot/plot_export.h), so the screen, the figure and the numbers cannot disagree.
// Pure data: no ImGui types, so core-side code and tests can build specs without a window.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace uhop::ui {

enum class AxisScale { Linear, Log10 };

struct PlotAxis {
  std::string label;  // with units, e.g. "step", "L_Φ", "error (Σ px²)"
  AxisScale scale = AxisScale::Linear;
  bool autoFit = true;
  double min = 0, max = 1;  // used when autoFit is false
  // Upper bound on labelled ticks; 0 = from the axis length and font size. The plot widget sets it
  // on exported copies so the SVG shows the ticks the screen showed.
  int maxTicks = 0;
  // Ticks only at whole numbers (retrieval or Stage I steps, counts): a step axis never reads 0.5.
  bool integerTicks = false;
};

enum class SeriesStyle { Line, LineMarkers, Markers, Bars };

struct PlotSeries {
  std::string name;
  uint32_t color = 0;  // 0xAABBGGRR like ImU32; 0 = next colour of the palette
  SeriesStyle style = SeriesStyle::Line;
  std::vector<double> x, y;
  std::vector<double> yError;  // empty, or ± error bar per point (e.g. std over seeds)
  // Markers drawn as rings, not discs: points that stand in for a value off the scale (a vacuous
  // bound placed on its limit line), set apart from the series' real points.
  bool hollow = false;
};

// A raster drawn under the series (a heat map): `width` × `height` cells covering
// [x0, x1] × [y0, y1] in data units, colours 0xAABBGGRR row-major with row 0 at y0 (the bottom).
// Linear axes only. The SVG embeds it as one PNG image; the screen widget draws it as a texture.
struct PlotImage {
  int width = 0, height = 0;
  std::vector<uint32_t> rgba;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
};

struct PlotSpec {
  std::string title;
  PlotAxis xAxis, yAxis;
  std::vector<PlotSeries> series;
  std::string tooltip;  // shown when hovering the title: what the plot means
  // What the numbers were computed with (data, M, corruption, β, T, seeds). Exports carry it (an
  // SVG subtitle, a CSV comment); on screen the panel shows it as its caption.
  std::string parameters;
  // Horizontal reference line(s), e.g. the theoretical minimum of L_Φ (drawn dashed).
  std::vector<std::pair<std::string, double>> referenceLines;
  // Heat maps, drawn over the grid and under the series (e.g. the landscape's energy, basins).
  std::vector<PlotImage> images;
};

}  // namespace uhop::ui
