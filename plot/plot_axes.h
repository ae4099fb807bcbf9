// Axis arithmetic shared by the on-screen plot (plot_widget) and the SVG export (plot_export), so
// both pick the same ranges, ticks and tick labels for the same PlotSpec. Pure C++, no ImGui.
//
// - niceTicks: linear ticks at multiples of a 1-2-5 step (1, 2, 5, 10, 20, ...), at most maxTicks.
// - logTicks: decades (1e-3, 1e-2, ...) as major ticks with 2..9 × 10^k minor ticks; a range
//   shorter than two decades falls back to 1-2-5 mantissas so an axis never has < 2 labels.
// - fitRange: the auto-fit range of visible data (5% padding, constant and empty data handled).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "plot/plot_spec.h"

namespace uhop::ui {

// --- Point access: x may be empty (then x = 0, 1, 2, ...) and sizes may disagree. ---
size_t pointCount(const PlotSeries& s);
double pointX(const PlotSeries& s, size_t i);
// ± error of point i, or 0 when the series has none there (missing, negative or non-finite).
double pointError(const PlotSeries& s, size_t i);
// True if (x, y) can be placed on the axes: finite, and positive on a log axis.
bool plottable(double x, double y, bool logX, bool logY);

// Axis coordinate of a data value: log10(v) on a log axis, v otherwise.
double axisCoord(double v, bool log);

// --- Ticks ---
// Multiples of a 1-2-5 × 10^k step inside [lo, hi] (ends included), at most max(maxTicks, 2).
// Values are exact decimal multiples (0.6, not 0.6000000000000001); -0 becomes 0.
std::vector<double> niceTicks(double lo, double hi, int maxTicks);
// The step niceTicks uses: smallest 1-2-5 × 10^k with (hi - lo) / step <= maxTicks - 1.
double niceStep(double lo, double hi, int maxTicks);

struct LogTicks {
  std::vector<double> major;  // labelled
  std::vector<double> minor;  // unlabelled
};
// Ticks for a log axis over [lo, hi], lo > 0. At most max(maxTicks, 2) majors; when there are
// more decades than that, every k-th decade is labelled and the others become minor ticks.
LogTicks logTicks(double lo, double hi, int maxTicks);

// Labels for one axis' major ticks: same number of decimals along a linear axis ("0.0", "0.5",
// "1.0" would be "0", "0.5", "1"), scientific with a short exponent ("2.5e-5", "1e6") only
// when plain decimals would be unreadable.
std::vector<std::string> tickLabels(const std::vector<double>& ticks, AxisScale scale);

struct AxisTicks {
  std::vector<double> major, minor;
  std::vector<std::string> labels;  // one per major tick
  int maxTicks = 0;                 // the density bound that produced them
};
// Picks ticks for an axis of `lengthPx` pixels drawn with a font of `fontPx` pixels: the densest
// set whose labels (measured with `textWidth`, in pixels) do not crowd each other, starting from
// `maxTicks` if > 0 (else from the length in font sizes). With `integer` (linear axes), ticks
// sit only at whole numbers, at least 1 apart.
AxisTicks chooseTicks(double lo, double hi, AxisScale scale, double lengthPx, double fontPx,
                      bool horizontal, const std::function<double(const std::string&)>& textWidth,
                      int maxTicks = 0, bool integer = false);

// Whether the minor ticks of `t` are far enough apart (>= a quarter font size everywhere) to be
// drawn as grid lines and tick marks; a log axis squeezed into little height would otherwise turn
// into a grey texture.
bool minorTicksFit(const AxisTicks& t, double lo, double hi, bool log, double lengthPx,
                   double fontPx);

// --- Ranges ---
struct PlotRange {
  double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
  bool hasData = false;  // false: nothing plottable (the range is then a placeholder)
};

// Auto-fit to the plottable points of the visible series (hidden[i] true = skip series i; a
// shorter or empty `hidden` means visible), including error bars, bar widths and reference
// lines, plus 5% padding per side (in log space on a log axis). A single value v gets a span
// around it; on an integerTicks axis data spanning less than 1 is widened to [lo, lo + 1] first.
// Axes whose spec says autoFit = false use their min/max instead. If no visible series has data but
// a hidden one has, the hidden ones are used so axes stay put.
PlotRange fitRange(const PlotSpec& spec, bool logY, const std::vector<bool>& hidden = {});

// Bars of several visible Bars series at the same x are drawn side by side: each bar is
// `width` wide and series `slot` of `count` is offset from x by (slot - (count - 1) / 2) * width.
struct BarLayout {
  double groupWidth = 0.8;  // 80% of the smallest x spacing of all bar series
  int count = 0;            // visible Bars series
  std::vector<int> slot;    // per series index; -1 if not a visible Bars series
  double width() const { return count > 0 ? groupWidth / count : groupWidth; }
  double offset(int seriesIndex) const;
};
BarLayout barLayout(const PlotSpec& spec, const std::vector<bool>& hidden = {});

// Which corner of the frame the legend covers least data in. The legend box is given as fractions
// of the frame (w, h) with an inset (fractions too) from the frame edges; data is sampled along
// line segments, at markers, at error-bar ends and over bar rectangles. Ties prefer the earlier
// corner in the enum, so an empty plot keeps the customary top-right.
enum class LegendCorner { TopRight, TopLeft, BottomRight, BottomLeft };
LegendCorner bestLegendCorner(const PlotSpec& spec, const std::vector<bool>& hidden,
                              const PlotRange& range, bool logY, double w, double h, double insetX,
                              double insetY);

// A legend box goes inside the frame only while it leaves the plot readable: it fits with its
// inset and covers at most a fifth of the frame. Otherwise it becomes a strip under the plot.
bool legendFitsInside(double boxW, double boxH, double frameW, double frameH, double inset);

// Lays legend entries of the given widths left to right in rows of at most `maxWidth`, `gap`
// apart; returns (row, x offset) per entry. An entry wider than a row gets a row of its own.
std::vector<std::pair<int, double>> flowLegend(const std::vector<double>& entryWidths,
                                               double maxWidth, double gap);

}  // namespace uhop::ui
