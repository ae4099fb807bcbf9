#include "plot/plot_export.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "plot/palette.h"
#include "plot/plot_axes.h"
#include "plot/raster.h"
#include "plot/svg_raster.h"

namespace uhop::ui {

namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------------------------
// SVG

// Pixel coordinates with two decimals: sub-pixel exact at any zoom, without 17-digit noise.
std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

size_t codePoints(const std::string& s) {
  return size_t(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// No font metrics outside a renderer; DejaVu Sans averages ~0.6 em per character (digits 0.64).
double textWidth(const std::string& s, double fontSize) {
  return double(codePoints(s)) * 0.62 * fontSize;
}

// The figure is a print figure: white page, dark ink, independent of the app theme.
constexpr const char* kInk = "#222222";
constexpr const char* kFrame = "#444444";
constexpr const char* kGrid = "#e3e3e3";
constexpr const char* kGridMinor = "#f1f1f1";
constexpr const char* kMuted = "#666666";

struct Frame {
  double left, top, right, bottom;
  double xa, xb, ya, yb;  // axis coordinates at the frame edges
  bool logX, logY;
  double px(double x) const {
    return left + (axisCoord(x, logX) - xa) / (xb - xa) * (right - left);
  }
  double py(double y) const {
    return bottom - (axisCoord(y, logY) - ya) / (yb - ya) * (bottom - top);
  }
};

void appendStrokeStyle(std::string& out, uint32_t color, double width) {
  out += " stroke=\"" + colorToHex(color) + "\" stroke-width=\"" + num(width) + "\"";
  if (colorOpacity(color) < 1) out += " stroke-opacity=\"" + num(colorOpacity(color)) + "\"";
}

// One <path> per series whatever its style, so a figure editor can pick a whole series at once.
std::string seriesPath(const PlotSeries& s, uint32_t color, const Frame& f, const BarLayout& bars,
                       int index, double fontSize) {
  std::string d;
  const size_t n = pointCount(s);
  const double lineWidth = fontSize * 0.13, markerR = fontSize * 0.25;
  std::string out = "<path class=\"series-data\"";
  switch (s.style) {
    case SeriesStyle::Line:
    case SeriesStyle::LineMarkers: {
      // A piece of one point gets a zero-length segment, which round caps draw as a dot.
      size_t piece = 0;
      auto endPiece = [&] {
        if (piece == 1) d += " l0 0";
        piece = 0;
      };
      for (size_t i = 0; i < n; ++i) {
        const double x = pointX(s, i), y = s.y[i];
        if (!plottable(x, y, f.logX, f.logY)) {
          endPiece();  // gap: NaN, or non-positive on a log axis
          continue;
        }
        d += (piece > 0 ? " " : (d.empty() ? "M" : " M")) + num(f.px(x)) + " " + num(f.py(y));
        ++piece;
      }
      endPiece();
      if (s.style == SeriesStyle::LineMarkers) {
        for (size_t i = 0; i < n; ++i) {
          const double x = pointX(s, i), y = s.y[i];
          if (!plottable(x, y, f.logX, f.logY)) continue;
          // A closed circle as two arcs, inside the same path as the line.
          d += " M" + num(f.px(x) - markerR) + " " + num(f.py(y)) + " a" + num(markerR) + " " +
               num(markerR) + " 0 1 0 " + num(2 * markerR) + " 0 a" + num(markerR) + " " +
               num(markerR) + " 0 1 0 " + num(-2 * markerR) + " 0";
        }
      }
      out += " fill=\"none\" stroke-linejoin=\"round\" stroke-linecap=\"round\"";
      appendStrokeStyle(out, color, lineWidth);
      break;
    }
    case SeriesStyle::Markers: {
      for (size_t i = 0; i < n; ++i) {
        const double x = pointX(s, i), y = s.y[i];
        if (!plottable(x, y, f.logX, f.logY)) continue;
        d += (d.empty() ? "M" : " M") + num(f.px(x) - markerR) + " " + num(f.py(y)) + " a" +
             num(markerR) + " " + num(markerR) + " 0 1 0 " + num(2 * markerR) + " 0 a" +
             num(markerR) + " " + num(markerR) + " 0 1 0 " + num(-2 * markerR) + " 0";
      }
      if (s.hollow) {
        out += " fill=\"none\"";
        appendStrokeStyle(out, color, markerR * 0.45);
      } else {
        out += " fill=\"" + colorToHex(color) + "\" stroke=\"none\"";
      }
      break;
    }
    case SeriesStyle::Bars: {
      // Bars stand on y = 0, or on the bottom edge of a log axis.
      const double base = f.logY ? f.bottom : std::clamp(f.py(0), f.top, f.bottom);
      for (size_t i = 0; i < n; ++i) {
        const double x = pointX(s, i), y = s.y[i];
        if (!plottable(x, y, f.logX, f.logY)) continue;
        const double xc = x + bars.offset(index);
        const double x0 = f.px(xc - bars.width() / 2), x1 = f.px(xc + bars.width() / 2);
        const double top = f.py(y);
        d += (d.empty() ? "M" : " M") + num(x0) + " " + num(base) + " V" + num(top) + " H" +
             num(x1) + " V" + num(base) + " Z";
      }
      out += " fill=\"" + colorToHex(color) + "\" fill-opacity=\"" +
             num(0.8 * colorOpacity(color)) + "\" stroke-linejoin=\"miter\"";
      appendStrokeStyle(out, color, lineWidth * 0.7);
      break;
    }
  }
  return out + " d=\"" + d + "\"/>\n";
}

std::string errorBarPath(const PlotSeries& s, uint32_t color, const Frame& f, const BarLayout& bars,
                         int index, double fontSize) {
  std::string d;
  const bool isBars = s.style == SeriesStyle::Bars;
  double cap = fontSize * 0.3;
  if (isBars) cap = std::min(cap, std::fabs(f.px(bars.width()) - f.px(0)) * 0.25);
  for (size_t i = 0; i < pointCount(s); ++i) {
    const double x = pointX(s, i) + (isBars ? bars.offset(index) : 0), y = s.y[i];
    const double e = pointError(s, i);
    if (e == 0 || !plottable(x, y, f.logX, f.logY)) continue;
    const double px = f.px(x);
    const double lo = (f.logY && y - e <= 0) ? f.bottom : f.py(y - e), hi = f.py(y + e);
    d += (d.empty() ? "M" : " M") + num(px) + " " + num(lo) + " V" + num(hi) + " M" +
         num(px - cap) + " " + num(hi) + " H" + num(px + cap);
    if (!(f.logY && y - e <= 0)) d += " M" + num(px - cap) + " " + num(lo) + " H" + num(px + cap);
  }
  if (d.empty()) return "";
  std::string out = "<path class=\"error-bars\" fill=\"none\"";
  appendStrokeStyle(out, isBars ? packColor(0x22, 0x22, 0x22) : color, fontSize * 0.1);
  return out + " d=\"" + d + "\"/>\n";
}

std::string text(double x, double y, const std::string& content, const std::string& attrs) {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" " + attrs + ">" + escapeXml(content) +
         "</text>\n";
}

// Legend geometry; entry width = swatch + gap + name.
struct SvgLegend {
  double pad, swatch, row, gap;
  std::vector<double> widths;
  double boxW = 0, boxH = 0;
  SvgLegend(const PlotSpec& spec, double fs)
      : pad(fs * 0.5), swatch(fs * 1.6), row(fs * 1.35), gap(fs * 0.5) {
    double widest = 0;
    for (const PlotSeries& s : spec.series) {
      widths.push_back(swatch + gap + textWidth(s.name, fs));
      widest = std::max(widest, widths.back());
    }
    boxW = 2 * pad + widest;
    boxH = 2 * pad + row * double(widths.size()) - fs * 0.35;
  }
};

bool wantsLegend(const PlotSpec& spec) {
  return spec.series.size() >= 2 || (spec.series.size() == 1 && !spec.series[0].name.empty());
}

void appendLegendEntry(std::string& out, const PlotSeries& s, uint32_t c, double x, double cy,
                       const SvgLegend& g, double fs) {
  if (s.style == SeriesStyle::Bars) {
    out += "<rect x=\"" + num(x + g.swatch * 0.2) + "\" y=\"" + num(cy - fs * 0.4) + "\" width=\"" +
           num(g.swatch * 0.6) + "\" height=\"" + num(fs * 0.8) + "\" fill=\"" + colorToHex(c) +
           "\" fill-opacity=\"0.8\"/>\n";
  } else {
    if (s.style != SeriesStyle::Markers) {
      out += "<line x1=\"" + num(x) + "\" y1=\"" + num(cy) + "\" x2=\"" + num(x + g.swatch) +
             "\" y2=\"" + num(cy) + "\"";
      appendStrokeStyle(out, c, fs * 0.13);
      out += "/>\n";
    }
    if (s.style != SeriesStyle::Line) {
      out += "<circle cx=\"" + num(x + g.swatch / 2) + "\" cy=\"" + num(cy) + "\" r=\"" +
             num(fs * 0.25) + "\"";
      if (s.hollow) {
        out += " fill=\"none\"";
        appendStrokeStyle(out, c, fs * 0.1);
      } else {
        out += " fill=\"" + colorToHex(c) + "\"";
      }
      out += "/>\n";
    }
  }
  out += text(x + g.swatch + g.gap, cy + fs * 0.35, s.name, std::string("fill=\"") + kInk + "\"");
}

// Box in the emptiest corner of the frame, or (stripTop >= 0) rows of entries from stripTop down.
void appendLegend(std::string& out, const PlotSpec& spec, const Frame& f, const PlotRange& range,
                  double fs, double stripTop, double stripLeft, double stripWidth) {
  const SvgLegend g(spec, fs);
  out += "<g id=\"legend\">\n";
  if (stripTop >= 0) {
    const auto flow = flowLegend(g.widths, stripWidth, fs * 1.2);
    for (size_t i = 0; i < spec.series.size(); ++i) {
      const double cy = stripTop + g.row * flow[i].first + fs * 0.6;
      appendLegendEntry(out, spec.series[i], seriesColorOr(spec.series[i].color, int(i)),
                        stripLeft + flow[i].second, cy, g, fs);
    }
    out += "</g>\n";
    return;
  }
  const double pw = f.right - f.left, ph = f.bottom - f.top, inset = fs * 0.6;
  const LegendCorner corner =
      bestLegendCorner(spec, {}, range, f.logY, g.boxW / pw, g.boxH / ph, inset / pw, inset / ph);
  const bool right = corner == LegendCorner::TopRight || corner == LegendCorner::BottomRight;
  const bool top = corner == LegendCorner::TopRight || corner == LegendCorner::TopLeft;
  const double x0 = right ? f.right - inset - g.boxW : f.left + inset;
  const double y0 = top ? f.top + inset : f.bottom - inset - g.boxH;
  out += "<rect x=\"" + num(x0) + "\" y=\"" + num(y0) + "\" width=\"" + num(g.boxW) +
         "\" height=\"" + num(g.boxH) + "\" rx=\"" + num(fs * 0.25) +
         "\" fill=\"#ffffff\" fill-opacity=\"0.85\" stroke=\"#bbbbbb\" stroke-width=\"1\"/>\n";
  for (size_t i = 0; i < spec.series.size(); ++i) {
    appendLegendEntry(out, spec.series[i], seriesColorOr(spec.series[i].color, int(i)), x0 + g.pad,
                      y0 + g.pad + g.row * double(i) + fs * 0.5, g, fs);
  }
  out += "</g>\n";
}

// Print style: entries in one column right of the frame, top-aligned with it (outside the data).
void appendLegendColumn(std::string& out, const PlotSpec& spec, double x0, double y0, double fs) {
  const SvgLegend g(spec, fs);
  out += "<g id=\"legend\">\n";
  for (size_t i = 0; i < spec.series.size(); ++i) {
    appendLegendEntry(out, spec.series[i], seriesColorOr(spec.series[i].color, int(i)), x0,
                      y0 + g.pad + g.row * double(i) + fs * 0.5, g, fs);
  }
  out += "</g>\n";
}

// Greedy wrap to lines of at most `maxWidth`, breaking after a " · " separator where possible
// (so "corruption mask:0.5" stays on one line), else between words; a single longer word gets a
// line of its own. Joining the lines with spaces gives the text back (newlines become spaces).
template <typename Measure>
std::vector<std::string> wrapText(const std::string& textIn, double maxWidth, Measure measure) {
  std::string t = textIn;
  std::replace(t.begin(), t.end(), '\n', ' ');
  // Pieces: runs of words ending with a "·" word (or at the end of the text).
  std::vector<std::vector<std::string>> pieces(1);
  std::istringstream words(t);
  for (std::string word; words >> word;) {
    pieces.back().push_back(word);
    if (word == "·") pieces.emplace_back();
  }
  std::vector<std::string> lines;
  std::string line;
  auto add = [&](const std::string& unit) {
    if (line.empty()) {
      line = unit;
    } else if (measure(line + " " + unit) <= maxWidth) {
      line += " " + unit;
    } else {
      lines.push_back(line);
      line = unit;
    }
  };
  for (const auto& piece : pieces) {
    if (piece.empty()) continue;
    std::string joined;
    for (const std::string& w : piece) joined += (joined.empty() ? "" : " ") + w;
    if (measure(joined) <= maxWidth) {
      add(joined);
    } else {
      for (const std::string& w : piece) add(w);
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// CSV

bool needsQuotes(const std::string& s) {
  return s.find_first_of(",\"\r\n") != std::string::npos ||
         (!s.empty() && (s.front() == ' ' || s.back() == ' '));
}

std::string csvField(const std::string& s) {
  if (!needsQuotes(s)) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string exact(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// Splits RFC 4180 records; quoted fields may hold commas, doubled quotes and newlines.
// `lines` gets the 1-based line number where each record starts, for error messages.
std::vector<std::vector<std::string>> csvRecords(const std::string& csv, std::vector<int>& lines) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, fieldStarted = false;
  int line = 1, recordLine = 1;
  size_t i = csv.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;  // spreadsheet BOM
  auto endRecord = [&] {
    record.push_back(field);
    // A blank line (e.g. the trailing newline) is not a record.
    if (!(record.size() == 1 && record[0].empty() && !fieldStarted)) {
      records.push_back(record);
      lines.push_back(recordLine);
    }
    record.clear(), field.clear(), fieldStarted = false;
  };
  for (; i < csv.size(); ++i) {
    const char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        field += '"', ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"') {
      quoted = fieldStarted = true;
    } else if (c == ',') {
      record.push_back(field), field.clear(), fieldStarted = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') ++i;
      endRecord();
      recordLine = ++line;
    } else {
      field += c, fieldStarted = true;
    }
  }
  if (quoted) {
    throw std::runtime_error("plot CSV line " + std::to_string(recordLine) +
                             ": quoted field is never closed");
  }
  if (!field.empty() || !record.empty() || fieldStarted) endRecord();
  return records;
}

double parseNumber(const std::string& field, int line, const char* column) {
  const char* begin = field.c_str();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(begin, &end);
  // ERANGE on underflow still returns the nearest denormal/zero, which is what was written.
  if (field.empty() || end != begin + field.size()) {
    throw std::runtime_error("plot CSV line " + std::to_string(line) + ": " + column + " '" +
                             field + "' is not a number");
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Files

std::string errnoText(int err) {
  return std::strerror(err);
}

// Greek letters that appear in this app's titles (L_Φ, β, Δ, Ξ ...), spelled out for file names.
const std::map<std::string, std::string>& greekNames() {
  static const std::map<std::string, std::string> names = {
      {"α", "alpha"}, {"β", "beta"},    {"γ", "gamma"}, {"Γ", "gamma"}, {"δ", "delta"},
      {"Δ", "delta"}, {"ε", "epsilon"}, {"η", "eta"},   {"θ", "theta"}, {"λ", "lambda"},
      {"μ", "mu"},    {"ν", "nu"},      {"ξ", "xi"},    {"Ξ", "xi"},    {"π", "pi"},
      {"ρ", "rho"},   {"σ", "sigma"},   {"Σ", "sigma"}, {"τ", "tau"},   {"φ", "phi"},
      {"Φ", "phi"},   {"χ", "chi"},     {"ψ", "psi"},   {"ω", "omega"}, {"Ω", "omega"},
  };
  return names;
}

}  // namespace

std::string escapeXml(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  for (size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&apos;";
          break;
        default:
          if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += char(c);
      }
      ++i;
      continue;
    }
    // Validate one UTF-8 sequence (no overlongs, no surrogates, <= U+10FFFF).
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    }
    bool ok = len > 0 && i + len <= n && p[i + 1] >= lo && p[i + 1] <= hi;
    for (size_t k = 2; ok && k < len; ++k) ok = p[i + k] >= 0x80 && p[i + k] <= 0xBF;
    if (ok) {
      out.append(s, i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::string plotToSvg(const PlotSpec& spec, int width, int height, double fs, PlotStyle style) {
  const double W = std::max(width, 64), H = std::max(height, 48);
  fs = std::clamp(fs, 4.0, std::min(W, H) / 8);
  const bool logX = spec.xAxis.scale == AxisScale::Log10;
  const bool logY = spec.yAxis.scale == AxisScale::Log10;
  const PlotRange range = fitRange(spec, logY);
  auto measure = [fs](const std::string& s) { return textWidth(s, fs); };

  // Layout outside-in: vertical margins are fixed by the fonts, the left margin by the widest
  // y tick label, which needs the y ticks, which need the plot height.
  Frame f{};
  f.logX = logX, f.logY = logY;
  // The parameters may be long (data, M, both models, corruption, T, seeds): wrapped to the page.
  const double captionFs = fs * 0.9;
  const std::vector<std::string> caption = wrapText(
      spec.parameters, W - 2 * fs, [&](const std::string& t) { return textWidth(t, captionFs); });
  f.top = (spec.title.empty() ? fs * 1.0 : fs * 2.4) + double(caption.size()) * fs * 1.2 +
          (caption.empty() ? 0 : fs * 0.1);
  f.bottom = H - (fs * 0.45 + fs * 1.3 + (spec.xAxis.label.empty() ? 0 : fs * 1.5) + fs * 0.4);
  // Legend: a box inside the frame if it leaves the plot readable, else a strip at the bottom
  // (decided before the ticks, which depend on the frame height the strip takes away from).
  // Print style keeps the data clear: a column right of the frame, or the strip when too wide.
  double stripH = 0, columnW = 0;
  const double stripLeft = fs * 0.6, stripWidth = W - 2 * stripLeft;
  if (range.hasData && wantsLegend(spec)) {
    const SvgLegend g(spec, fs);
    const bool print = style == PlotStyle::Print;
    if (print && g.boxW <= W * 0.32 && g.boxH <= f.bottom - f.top) {
      columnW = g.boxW + fs * 0.6;
    } else if (print || !legendFitsInside(g.boxW, g.boxH, W - fs * 5, f.bottom - f.top, fs * 0.6)) {
      int rows = 1;
      for (const auto& e : flowLegend(g.widths, stripWidth, fs * 1.2))
        rows = std::max(rows, e.first + 1);
      stripH = g.row * rows + fs * 0.3;
      f.bottom -= stripH;
    }
  }
  const AxisTicks yt = chooseTicks(range.yMin, range.yMax, spec.yAxis.scale, f.bottom - f.top, fs,
                                   false, measure, spec.yAxis.maxTicks, spec.yAxis.integerTicks);
  double widestY = 0;
  for (const std::string& l : yt.labels) widestY = std::max(widestY, measure(l));
  f.left = fs * 0.6 + (spec.yAxis.label.empty() ? 0 : fs * 1.6) + widestY + fs * 0.75;
  f.right = W - fs * 1.6 - columnW;
  const AxisTicks xt = chooseTicks(range.xMin, range.xMax, spec.xAxis.scale, f.right - f.left, fs,
                                   true, measure, spec.xAxis.maxTicks, spec.xAxis.integerTicks);
  f.xa = axisCoord(range.xMin, logX), f.xb = axisCoord(range.xMax, logX);
  f.ya = axisCoord(range.yMin, logY), f.yb = axisCoord(range.yMax, logY);
  const double pw = f.right - f.left, ph = f.bottom - f.top;
  const bool xMinor = minorTicksFit(xt, range.xMin, range.xMax, logX, pw, fs);
  const bool yMinor = minorTicksFit(yt, range.yMin, range.yMax, logY, ph, fs);

  std::string out;
  out.reserve(4096);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + num(W) +
         "\" height=\"" + num(H) + "\" viewBox=\"0 0 " + num(W) + " " + num(H) +
         "\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"" + num(fs) + "\">\n";
  // The title a viewer or file manager shows names what the numbers were computed with.
  out += "<title>" +
         escapeXml(spec.title + (spec.title.empty() || spec.parameters.empty() ? "" : " — ") +
                   spec.parameters) +
         "</title>\n";
  if (!spec.tooltip.empty() || !spec.parameters.empty())
    out += "<desc>" +
           escapeXml(spec.tooltip + (spec.tooltip.empty() || spec.parameters.empty() ? "" : " ") +
                     spec.parameters) +
           "</desc>\n";
  out += "<defs><clipPath id=\"plot-area\"><rect x=\"" + num(f.left) + "\" y=\"" + num(f.top) +
         "\" width=\"" + num(pw) + "\" height=\"" + num(ph) + "\"/></clipPath></defs>\n";
  out += "<rect width=\"" + num(W) + "\" height=\"" + num(H) + "\" fill=\"#ffffff\"/>\n";

  // Grid under everything else.
  out += "<g id=\"grid\" fill=\"none\">\n";
  if (range.hasData) {
    std::string minor, major;
    if (yMinor) {
      for (double y : yt.minor)
        minor += " M" + num(f.left) + " " + num(f.py(y)) + " H" + num(f.right);
    }
    if (xMinor) {
      for (double x : xt.minor)
        minor += " M" + num(f.px(x)) + " " + num(f.top) + " V" + num(f.bottom);
    }
    for (double y : yt.major)
      major += " M" + num(f.left) + " " + num(f.py(y)) + " H" + num(f.right);
    for (double x : xt.major)
      major += " M" + num(f.px(x)) + " " + num(f.top) + " V" + num(f.bottom);
    if (!minor.empty()) {
      out += std::string("<path stroke=\"") + kGridMinor + "\" stroke-width=\"1\" d=\"" +
             minor.substr(1) + "\"/>\n";
    }
    if (!major.empty()) {
      out += std::string("<path stroke=\"") + kGrid + "\" stroke-width=\"1\" d=\"" +
             major.substr(1) + "\"/>\n";
    }
  }
  out += "</g>\n";

  // Heat maps: one embedded PNG each, stretched over their data extent and clipped to the frame.
  if (!spec.images.empty() && !logX && !logY) {
    out += "<g id=\"images\" clip-path=\"url(#plot-area)\">\n";
    for (const PlotImage& image : spec.images) {
      if (image.width <= 0 || image.height <= 0 ||
          image.rgba.size() != size_t(image.width) * size_t(image.height))
        continue;
      // PNG rows run top-down, the image's rows bottom-up (row 0 at y0).
      std::vector<uint32_t> topDown(image.rgba.size());
      for (int r = 0; r < image.height; ++r)
        std::copy_n(image.rgba.begin() + std::ptrdiff_t(r) * image.width, image.width,
                    topDown.begin() + std::ptrdiff_t(image.height - 1 - r) * image.width);
      const double x0 = f.px(image.x0), x1 = f.px(image.x1);
      const double y0 = f.py(image.y1), y1 = f.py(image.y0);
      out += "<image xmlns:xlink=\"http://www.w3.org/1999/xlink\" x=\"" + num(x0) + "\" y=\"" +
             num(y0) + "\" width=\"" + num(x1 - x0) + "\" height=\"" + num(y1 - y0) +
             "\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" "
             "xlink:href=\"data:image/png;base64," +
             base64(encodePng(image.width, image.height, topDown)) + "\"/>\n";
    }
    out += "</g>\n";
  }

  // Data, clipped to the frame (fixed axis ranges may cut series).
  const BarLayout bars = barLayout(spec);
  for (size_t i = 0; i < spec.series.size(); ++i) {
    const PlotSeries& s = spec.series[i];
    const uint32_t color = seriesColorOr(s.color, int(i));
    out += "<g id=\"series-" + std::to_string(i) +
           "\" class=\"series\" clip-path=\"url(#plot-area)\">\n";
    out += "<title>" + escapeXml(s.name) + "</title>\n";
    out += seriesPath(s, color, f, bars, int(i), fs);
    out += errorBarPath(s, color, f, bars, int(i), fs);
    out += "</g>\n";
  }

  if (range.hasData && !spec.referenceLines.empty()) {
    out += "<g id=\"reference-lines\">\n";
    for (const auto& [label, v] : spec.referenceLines) {
      if (!std::isfinite(v) || (logY && v <= 0)) continue;
      const double y = f.py(v);
      if (y < f.top - 0.5 || y > f.bottom + 0.5) continue;
      out += "<line x1=\"" + num(f.left) + "\" y1=\"" + num(y) + "\" x2=\"" + num(f.right) +
             "\" y2=\"" + num(y) + "\" stroke=\"" + kMuted + "\" stroke-width=\"" + num(fs * 0.1) +
             "\" stroke-dasharray=\"" + num(fs * 0.5) + " " + num(fs * 0.3) + "\"/>\n";
      if (!label.empty()) {
        // A light plate behind the label keeps it readable where a series runs through it.
        const double tw = textWidth(label, fs * 0.9);
        out += "<rect x=\"" + num(f.right - fs * 0.55 - tw) + "\" y=\"" + num(y - fs * 1.2) +
               "\" width=\"" + num(tw + fs * 0.3) + "\" height=\"" + num(fs * 1.05) +
               "\" fill=\"#ffffff\" fill-opacity=\"0.75\"/>\n";
        out += text(f.right - fs * 0.4, y - fs * 0.4, label,
                    std::string("text-anchor=\"end\" font-size=\"") + num(fs * 0.9) + "\" fill=\"" +
                        kMuted + "\"");
      }
    }
    out += "</g>\n";
  }

  // Axes: frame, tick marks pointing out, tick labels, axis labels.
  out += "<g id=\"axes\">\n";
  out += "<rect x=\"" + num(f.left) + "\" y=\"" + num(f.top) + "\" width=\"" + num(pw) +
         "\" height=\"" + num(ph) + "\" fill=\"none\" stroke=\"" + kFrame +
         "\" stroke-width=\"1\"/>\n";
  if (range.hasData) {
    const double tick = fs * 0.4;
    std::string marks;
    for (double x : xt.major) marks += " M" + num(f.px(x)) + " " + num(f.bottom) + " v" + num(tick);
    for (double y : yt.major) marks += " M" + num(f.left) + " " + num(f.py(y)) + " h" + num(-tick);
    if (yMinor) {
      for (double y : yt.minor)
        marks += " M" + num(f.left) + " " + num(f.py(y)) + " h" + num(-tick / 2);
    }
    if (!marks.empty()) {
      out += std::string("<path fill=\"none\" stroke=\"") + kFrame + "\" stroke-width=\"1\" d=\"" +
             marks.substr(1) + "\"/>\n";
    }
    const std::string ink = std::string("fill=\"") + kInk + "\"";
    for (size_t k = 0; k < xt.major.size(); ++k) {
      out += text(f.px(xt.major[k]), f.bottom + tick + fs * 1.05, xt.labels[k],
                  "text-anchor=\"middle\" " + ink);
    }
    for (size_t k = 0; k < yt.major.size(); ++k) {
      out += text(f.left - tick - fs * 0.3, f.py(yt.major[k]) + fs * 0.35, yt.labels[k],
                  "text-anchor=\"end\" " + ink);
    }
  } else {
    out += text((f.left + f.right) / 2, (f.top + f.bottom) / 2, "no data yet",
                std::string("text-anchor=\"middle\" fill=\"") + kMuted + "\"");
  }
  out += "</g>\n";
  if (!spec.xAxis.label.empty()) {
    out += text((f.left + f.right) / 2, H - stripH - fs * 0.55, spec.xAxis.label,
                std::string("id=\"x-label\" text-anchor=\"middle\" fill=\"") + kInk + "\"");
  }
  if (!spec.yAxis.label.empty()) {
    const double x = fs * 1.55, y = (f.top + f.bottom) / 2;
    out += text(x, y, spec.yAxis.label,
                "id=\"y-label\" text-anchor=\"middle\" transform=\"rotate(-90 " + num(x) + " " +
                    num(y) + ")\" fill=\"" + kInk + "\"");
  }
  if (range.hasData && wantsLegend(spec)) {
    if (columnW > 0)
      appendLegendColumn(out, spec, f.right + fs * 0.8, f.top, fs);
    else
      appendLegend(out, spec, f, range, fs, stripH > 0 ? H - stripH : -1, stripLeft, stripWidth);
  }
  if (!spec.title.empty()) {
    out += text(W / 2, fs * 1.6, spec.title,
                "id=\"title\" text-anchor=\"middle\" font-size=\"" + num(fs * 1.15) +
                    "\" font-weight=\"bold\" fill=\"" + kInk + "\"");
  }
  if (!caption.empty()) {
    out += "<g id=\"parameters\" text-anchor=\"middle\" font-size=\"" + num(captionFs) +
           "\" fill=\"" + kInk + "\">\n";
    for (size_t k = 0; k < caption.size(); ++k)
      out += text(W / 2, (spec.title.empty() ? fs * 1.3 : fs * 3.0) + double(k) * fs * 1.2,
                  caption[k], "");
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

std::string plotToPng(const PlotSpec& spec, int width, int height, double fontSize, double scale,
                      PlotStyle style) {
  const RasterImage image = rasterizeSvg(plotToSvg(spec, width, height, fontSize, style), scale);
  return encodePng(image.width, image.height, image.rgba);
}

std::string plotToCsv(const PlotSpec& spec) {
  // The title (which names what the numbers were computed with) as a leading comment line.
  std::string out;
  if (!spec.title.empty()) {
    std::string title = spec.title;
    std::replace(title.begin(), title.end(), '\n', ' ');
    out += "# " + title + "\n";
  }
  if (!spec.parameters.empty()) {
    std::string parameters = spec.parameters;
    std::replace(parameters.begin(), parameters.end(), '\n', ' ');
    out += "# " + parameters + "\n";
  }
  out += "series,x,y,y_error\n";
  for (const PlotSeries& s : spec.series) {
    const std::string name = csvField(s.name);
    for (size_t i = 0; i < pointCount(s); ++i) {
      out += name + "," + exact(pointX(s, i)) + "," + exact(s.y[i]) + ",";
      if (i < s.yError.size()) out += exact(s.yError[i]);
      out += "\n";
    }
  }
  return out;
}

std::vector<PlotSeries> parsePlotCsv(const std::string& csv) {
  std::vector<int> lines;
  // Leading "#" lines are comments (plotToCsv writes the title there).
  size_t start = 0;
  int comments = 0;
  while (start < csv.size() && csv[start] == '#') {
    const size_t end = csv.find('\n', start);
    start = end == std::string::npos ? csv.size() : end + 1;
    ++comments;
  }
  auto records = csvRecords(csv.substr(start), lines);
  for (int& line : lines) line += comments;
  if (records.empty() || records[0] != std::vector<std::string>{"series", "x", "y", "y_error"}) {
    throw std::runtime_error("plot CSV line " + std::to_string(comments + 1) +
                             ": expected the header 'series,x,y,y_error'");
  }
  std::vector<PlotSeries> series;
  std::map<std::string, size_t> byName;
  const double nan = std::nan("");
  for (size_t r = 1; r < records.size(); ++r) {
    const auto& rec = records[r];
    const int line = lines[r];
    if (rec.size() != 4 && rec.size() != 3) {
      throw std::runtime_error("plot CSV line " + std::to_string(line) +
                               ": expected 4 fields, got " + std::to_string(rec.size()));
    }
    auto [it, added] = byName.try_emplace(rec[0], series.size());
    if (added) {
      series.emplace_back();
      series.back().name = rec[0];
    }
    PlotSeries& s = series[it->second];
    s.x.push_back(parseNumber(rec[1], line, "x"));
    s.y.push_back(parseNumber(rec[2], line, "y"));
    const bool hasError = rec.size() == 4 && !rec[3].empty();
    if (hasError) {
      // Errors are per point; rows of this series before the first error had none.
      s.yError.resize(s.y.size() - 1, nan);
      s.yError.push_back(parseNumber(rec[3], line, "y_error"));
    } else if (!s.yError.empty()) {
      s.yError.push_back(nan);
    }
  }
  return series;
}

void writeFileAtomically(const std::string& path, const std::string& content) {
  static std::atomic<unsigned> counter{0};
  const fs::path target(path);
  if (target.filename().empty())
    throw std::runtime_error("cannot write '" + path + "': not a file name");
  const fs::path dir = target.parent_path();
  const fs::path tmp = (dir.empty() ? fs::path(".") : dir) /
                       ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) +
                        "-" + std::to_string(counter++));
  std::FILE* file = std::fopen(tmp.c_str(), "wb");
  if (!file) throw std::runtime_error("cannot write " + path + ": " + errnoText(errno));
  const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  int err = errno;
  const bool flushed = std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
  if (written && !flushed) err = errno;
  const bool closed = std::fclose(file) == 0;
  if (written && flushed && !closed) err = errno;
  if (!written || !flushed || !closed) {
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot write " + path + ": " + errnoText(err));
  }
  if (std::rename(tmp.c_str(), target.c_str()) != 0) {
    err = errno;
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot write " + path + ": " + errnoText(err));
  }
}

std::string nextFreePath(const std::string& dir, const std::string& stem, const std::string& ext) {
  const std::string dotExt = ext.empty() || ext[0] == '.' ? ext : "." + ext;
  for (long n = 1; n < 1000000; ++n) {
    const std::string name = stem + "-" + std::to_string(n) + dotExt;
    const fs::path p = dir.empty() ? fs::path(name) : fs::path(dir) / name;
    std::error_code ec;
    // symlink_status: a dangling link also counts as taken, so it is never written through.
    if (fs::symlink_status(p, ec).type() == fs::file_type::not_found) return p.string();
  }
  throw std::runtime_error("no free file name for " + stem + dotExt + " in '" + dir + "'");
}

std::string sanitizeFileStem(const std::string& title) {
  std::string out;
  bool dash = false;
  auto put = [&](const std::string& s) {
    if (dash && !out.empty()) out += '-';
    dash = false;
    out += s;
  };
  for (size_t i = 0; i < title.size();) {
    const auto c = static_cast<unsigned char>(title[i]);
    if (std::isalnum(c) && c < 0x80) {
      put(std::string(1, char(std::tolower(c))));
      ++i;
    } else if (c == '_') {
      put("_");
      ++i;
    } else if (c >= 0x80 && i + 1 < title.size() && greekNames().count(title.substr(i, 2))) {
      put(greekNames().at(title.substr(i, 2)));
      i += 2;
    } else {
      dash = true;
      ++i;
    }
  }
  if (out.size() > 60) out.resize(60);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "plot" : out;
}

std::string exportPlotFile(const PlotSpec& spec, const std::string& dir, const std::string& ext,
                           int svgWidth, int svgHeight, double svgFontSize) {
  std::string content;
  if (ext == "svg") {
    content = plotToSvg(spec, svgWidth, svgHeight, svgFontSize);
  } else if (ext == "csv") {
    content = plotToCsv(spec);
  } else {
    throw std::runtime_error("unknown plot export format '" + ext + "' (svg or csv)");
  }
  if (!dir.empty()) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error("cannot create folder " + dir + ": " + ec.message());
  }
  const std::string path = nextFreePath(dir, sanitizeFileStem(spec.title), ext);
  writeFileAtomically(path, content);
  return path;
}

}  // namespace uhop::ui
