// The one plot widget of the app (docs/architecture.md "Plots"): draws a PlotSpec with ImDrawList inside the
// current ImGui window. Axes with 1-2-5 ticks (or decades on a log axis), grid, axis labels,
// several series (lines, markers, grouped bars) in palette colours, error bars, dashed reference
// lines, a legend that hides/shows a series on click, and a hover read-out of every visible
// series at the nearest x. Left-drag zooms to a box, double-click auto-fits again; right-click
// opens a menu: Log Y, Auto-fit, Export SVG, Export CSV (see plot/plot_export.h), Export PNG (2×:
// the app re-renders the window at twice the resolution and crops the plot).
// Sizes come from ImGui::GetFontSize() and colours from the ImGui style, so the plot follows the
// app's font scale and its dark or light theme.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "plot/plot_spec.h"

namespace uhop::ui {

// What the user changed about one plot on screen; owned by the panel, one per plot.
struct PlotViewState {
  // Log Y from the context menu; unset = follow spec.yAxis.scale.
  std::optional<bool> logY;
  // True: the range follows the data every frame (live plots keep up with new points).
  // False after a box zoom; "Auto-fit" or a double-click sets it back.
  bool autoFit = true;
  // The range shown last frame (written while autoFit, read while not).
  double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
  // hidden[i]: series i toggled off in the legend (resized to the series count as needed).
  std::vector<bool> hidden;
  // Where "Export SVG/CSV" writes; empty = current directory. Created if missing.
  std::string exportDirectory;
  // Outcome of the last export for the caller to show, e.g. "saved plots/loss-3.svg".
  std::string statusMessage;
  bool statusIsError = false;
  double statusTime = -1;  // ImGui::GetTime() of the export, e.g. to fade the message

  // Box-zoom drag in progress (screen coordinates of the press).
  bool selecting = false;
  float selectX0 = 0, selectY0 = 0;
  // Tick density drawn last frame (AxisTicks::maxTicks), passed on to exports.
  int shownXTicks = 0, shownYTicks = 0;

  // Scatter plots whose points stand for things (memories): with pickPoints, hovering picks the
  // visible marker nearest the mouse (within about half a font size) instead of the x read-out,
  // rings it, and reports it here for the caller's own tooltip; −1 when none this frame.
  bool pickPoints = false;
  int hoveredSeries = -1, hoveredPoint = -1;
};

// Whether y is drawn on a log axis: the user's toggle if set, else the spec's scale.
bool effectiveLogY(const PlotSpec& spec, const PlotViewState& view);

// The plot as the user sees it, for export: hidden series dropped (palette colours resolved
// first, so the others keep theirs), log-y toggle and box zoom applied to the axes.
PlotSpec specAsShown(const PlotSpec& spec, const PlotViewState& view);

// "Export PNG (2×)" from a plot's menu: the app re-renders the window at 2× (sharp text), and
// the plot widget records where this plot was drawn in that frame so the app can crop it.
struct PlotPngRequest {
  unsigned int id = 0;                   // ImGui ID of the plot
  std::string directory, stem;           // where to write (nextFreePath(directory, stem, "png"))
  PlotViewState* view = nullptr;         // gets the "saved …" message
  bool seen = false;                     // drawn since markPlotPngRequestUnseen()
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // screen rectangle when last drawn
};

// Draws the plot at the cursor, full available width and `height` pixels tall including title
// and axis labels (<= 0: the remaining height of the window). `id` must be unique in the window.
// `pngRequest` is the app's one pending "Export PNG (2×)": the menu sets it, and the plot it names
// records where it was drawn; the app checks it once per frame and resets it.
void drawPlot(const char* id, const PlotSpec& spec, PlotViewState& view, float height,
              std::optional<PlotPngRequest>& pngRequest);

}  // namespace uhop::ui
