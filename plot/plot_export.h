// The file outputs of a PlotSpec (docs/architecture.md "Plots": "One plot description, three
// outputs"): a standalone SVG 1.1 figure and a long-format CSV of the numbers, plus the small file
// utilities the plot widget's "Export SVG" / "Export CSV" menu uses. Pure C++ (no ImGui, no
// window), so tests and the CLI can export figures too. Axis ranges and ticks come from
// plot/plot_axes.h, the same code the on-screen widget uses.
#pragma once

#include <string>
#include <vector>

#include "plot/plot_spec.h"

namespace uhop::ui {

// A standalone SVG 1.1 document of `width` × `height` user units (pixels) with text at
// `fontSize`. Title, framed plot area, grid, ticks with labels, axis labels, one <g
// id="series-N" class="series"> per series holding a <title> with the series name and exactly one
// <path class="series-data"> (line, markers or bars) plus an optional <path class="error-bars">,
// dashed reference lines, a legend, and log-y when spec.yAxis.scale is Log10 (non-positive values
// are left out there). All text is real <text>, XML-escaped; UTF-8 (e.g. "Φ") is kept as is.
//
// PlotStyle::Print (the studio's figure exports) keeps the data rectangle clear: the legend is a
// column right of the frame (or a strip below it when a column would take over a third of the
// width), never a box over the data. Both styles are a white page with dark ink; the parameters
// are a wrapped caption under the title and part of the document's <title>.
enum class PlotStyle { Screen, Print };
std::string plotToSvg(const PlotSpec& spec, int width = 720, int height = 450, double fontSize = 13,
                      PlotStyle style = PlotStyle::Screen);

// The studio's print figure: SVG of kPrintWidth × kPrintHeight user units (16:10) at
// kPrintFontSize, whatever the on-screen panel's shape; the PNG is the same figure at
// kPrintPngScale (1200 × 750 px).
inline constexpr int kPrintWidth = 800, kPrintHeight = 500;
inline constexpr double kPrintFontSize = 13, kPrintPngScale = 1.5;

// PNG bytes of plotToSvg(spec, width, height, fontSize, style) drawn at `scale` px per unit by
// the SVG rasteriser (plot/svg_raster.h), so the PNG and the SVG have one layout. Throws
// std::runtime_error when the font (DejaVu Sans) cannot be loaded.
std::string plotToPng(const PlotSpec& spec, int width = kPrintWidth, int height = kPrintHeight,
                      double fontSize = kPrintFontSize, double scale = kPrintPngScale,
                      PlotStyle style = PlotStyle::Print);

// Long-format CSV: optional "# " comment lines (the title, then the parameters), the header
// "series,x,y,y_error", then one row per point of every series, in series order. Numbers are
// printed with %.17g so they read back bit-exactly; y_error is empty for points without one. Names
// with commas, quotes, newlines or edge spaces are quoted RFC 4180 style.
std::string plotToCsv(const PlotSpec& spec);

// Reads plotToCsv output back: one PlotSeries per distinct name, in order of first appearance,
// with x, y and (if any row of the series has one) yError, NaN where a row had none. Style and
// colour are not part of the CSV and come back as defaults. Throws std::runtime_error naming the
// line on a wrong header, a wrong field count, a bad number or an unterminated quote.
std::vector<PlotSeries> parsePlotCsv(const std::string& csv);

// Writes `content` to a temporary file in the same directory and renames it onto `path`, so a
// reader never sees a half-written file. Throws std::runtime_error mentioning `path` on failure
// and removes the temporary file.
void writeFileAtomically(const std::string& path, const std::string& content);

// "<dir>/<stem>-<N>.<ext>" with the smallest N >= 1 that names no existing file (or link);
// `dir` empty = current directory (the result is then relative), `ext` with or without the dot.
std::string nextFreePath(const std::string& dir, const std::string& stem, const std::string& ext);

// A file-name stem from a plot title: lower-case ASCII letters, digits and '_' kept, common Greek
// letters spelled out ("L_Φ vs step" -> "l_phi-vs-step"), everything else collapsed to '-'.
// Never empty ("plot").
std::string sanitizeFileStem(const std::string& title);

// Exports `spec` as "svg" or "csv" to nextFreePath(dir, sanitizeFileStem(title), ext), creating
// `dir` if needed, and returns the path written. Throws std::runtime_error on any failure.
std::string exportPlotFile(const PlotSpec& spec, const std::string& dir, const std::string& ext,
                           int svgWidth = 720, int svgHeight = 450, double svgFontSize = 13);

// XML character data / attribute escaping (& < > " '); drops control characters XML 1.0
// forbids and replaces invalid UTF-8 with U+FFFD so the document always parses.
std::string escapeXml(const std::string& text);

}  // namespace uhop::ui
