// The one plot widget of the app (docs/architecture.md "Plots"): draws a PlotSpec with ImDrawList
// inside the current ImGui window. Axes with 1-2-5 ticks (or decades on a log axis), grid, axis
// labels, several series (lines, markers, grouped bars) in palette colours, error bars, dashed
// reference lines, a legend that hides/shows a series on click, and a hover read-out of every
// visible series at the nearest x. Left-drag zooms to a box, double-click auto-fits again;
// right-click opens a menu: Log Y, Auto-fit, Export SVG / PNG / CSV (print figures in the export
// folder, see PlotExportRequest). Sizes come from ImGui::GetFontSize() and colours from the ImGui
// style, so the plot follows the app's font scale and its dark or light theme.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "plot/plot_spec.h"

namespace uhop::ui {

class TextureCache;

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
  // Outcome of the last export for the caller to show, e.g. "Wrote /home/u/Pictures/….svg".
  std::string statusMessage;
  bool statusIsError = false;
  double statusTime = -1;  // ImGui::GetTime() of the export, e.g. to fade the message

  // Box-zoom drag in progress (screen coordinates of the press).
  bool selecting = false;
  float selectX0 = 0, selectY0 = 0;
  // Tick density drawn last frame (AxisTicks::maxTicks), passed on to exports.
  int shownXTicks = 0, shownYTicks = 0;

  // A panel that edits the plot with the mouse (the energy playground moves points) sets
  // pointerEdit: left drags and hovering are then its own (no box zoom, no read-out); and
  // suppressContextMenu while a right click is its own (deleting a point), not the menu's.
  bool pointerEdit = false;
  bool suppressContextMenu = false;
  // The data rectangle on screen when last drawn (with xMin…yMax it maps mouse ↔ data).
  float frameX0 = 0, frameY0 = 0, frameX1 = 0, frameY1 = 0;
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

// "Export SVG / PNG / CSV" from a plot's menu: the plot as shown (specAsShown) and the format.
// The app writes it after the frame into the export folder (studio/export_paths.h), the SVG and
// PNG as a print figure (plot/plot_export.h PlotStyle::Print), and reports the whole path.
struct PlotExportRequest {
  PlotSpec spec;
  std::string format;             // "svg", "png" or "csv"
  PlotViewState* view = nullptr;  // gets the outcome message too
};

// Draws the plot at the cursor, full available width and `height` pixels tall including title
// and axis labels (<= 0: the remaining height of the window). `id` must be unique in the window.
// `exportRequest` is the app's one pending export: the menu sets it; the app writes it once per
// frame and resets it. The spec's images (heat maps) are drawn as textures from `textures`;
// without one they are not.
void drawPlot(const char* id, const PlotSpec& spec, PlotViewState& view, float height,
              std::optional<PlotExportRequest>& exportRequest, TextureCache* textures = nullptr);

}  // namespace uhop::ui
