#include "ui/plot_widget.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>

#include "plot/palette.h"
#include "plot/plot_axes.h"
#include "plot/plot_export.h"
#include "ui/texture_cache.h"

namespace uhop::ui {

namespace {

ImVec4 mix(const ImVec4& a, const ImVec4& b, float t) {
  return ImVec4(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t, 1.0f);
}

// Colours derived from the current style, so the plot follows any theme: the plot area is "paper",
// the window background pushed away from the text colour (whiter on a light theme, blacker on a
// dark one) for the most contrast with the series; grid and frame are paper mixed towards text.
struct Palette {
  ImU32 text, textDim, frameFill, frameBorder, grid, gridMinor, legendFill, crosshair;
};

Palette stylePalette() {
  const ImGuiStyle& st = ImGui::GetStyle();
  const ImVec4 bg = st.Colors[ImGuiCol_WindowBg], fg = st.Colors[ImGuiCol_Text];
  const ImVec4 paper = mix(bg, ImVec4(1 - fg.x, 1 - fg.y, 1 - fg.z, 1), 0.6f);
  ImVec4 legend = st.Colors[ImGuiCol_PopupBg];
  legend.w = 0.85f;
  return Palette{
      ImGui::GetColorU32(ImGuiCol_Text),
      ImGui::GetColorU32(ImGuiCol_TextDisabled),
      ImGui::ColorConvertFloat4ToU32(paper),
      ImGui::ColorConvertFloat4ToU32(mix(paper, fg, 0.40f)),
      ImGui::ColorConvertFloat4ToU32(mix(paper, fg, 0.14f)),
      ImGui::ColorConvertFloat4ToU32(mix(paper, fg, 0.06f)),
      ImGui::ColorConvertFloat4ToU32(legend),
      ImGui::ColorConvertFloat4ToU32(mix(paper, fg, 0.55f)),
  };
}

double fromAxis(double v, bool log) {
  return log ? std::pow(10.0, v) : v;
}

// The frame (plot area) on screen and the data range it shows.
struct Canvas {
  ImDrawList* dl = nullptr;
  float F = 13;  // font size: the unit of every spacing below
  ImVec2 min, max;
  double xa = 0, xb = 1, ya = 0, yb = 1;  // axis coordinates at the frame edges
  bool logX = false, logY = false;
  Palette col{};

  // Far-off points are clamped: float vertex maths loses precision long before 1e7 px.
  float px(double x) const {
    const double t = (axisCoord(x, logX) - xa) / (xb - xa);
    return float(std::clamp(min.x + t * (max.x - min.x), -1e7, 1e7));
  }
  float py(double y) const {
    const double t = (axisCoord(y, logY) - ya) / (yb - ya);
    return float(std::clamp(max.y - t * (max.y - min.y), -1e7, 1e7));
  }
  double dataX(float sx) const {
    return fromAxis(xa + (sx - min.x) / (max.x - min.x) * (xb - xa), logX);
  }
  double dataY(float sy) const {
    return fromAxis(ya + (max.y - sy) / (max.y - min.y) * (yb - ya), logY);
  }
  bool contains(ImVec2 p) const {
    return p.x >= min.x && p.x <= max.x && p.y >= min.y && p.y <= max.y;
  }
};

bool isHidden(const PlotViewState& view, size_t i) {
  return i < view.hidden.size() && view.hidden[i];
}

float textWidth(const std::string& s) {
  return ImGui::CalcTextSize(s.c_str()).x;
}

// Strokes a polyline in pieces: ImGui's thick-line joins are miters, which turn into long spikes
// (or vanish) where the line doubles back, as noisy or decimated data does at every column; so a
// turn sharper than 90 degrees starts a new piece. Pieces also stay far below the 65536 vertices
// one AddPolyline may emit with 16-bit indices.
void strokePolyline(ImDrawList* dl, const std::vector<ImVec2>& pts, ImU32 color, float thickness) {
  constexpr size_t kMaxPiece = 2048;
  size_t start = 0;
  for (size_t i = 1; i < pts.size(); ++i) {
    const bool last = i + 1 == pts.size();
    bool sharp = false;
    if (!last) {
      const ImVec2 d0(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
      const ImVec2 d1(pts[i + 1].x - pts[i].x, pts[i + 1].y - pts[i].y);
      sharp = d0.x * d1.x + d0.y * d1.y < 0;
    }
    if (last || sharp || i - start + 1 >= kMaxPiece) {
      dl->AddPolyline(pts.data() + start, int(i - start + 1), color, ImDrawFlags_None, thickness);
      start = i;
    }
  }
}

// Screen points of a line series, split at gaps. With more than ~2 points per pixel column and
// sorted x, each column keeps only its min and max (in data order): the drawn envelope is the
// same and the vertex count stays bounded by the frame width, so 100k points still draw at 60 fps.
std::vector<std::vector<ImVec2>> linePieces(const PlotSeries& s, const Canvas& c) {
  std::vector<std::vector<ImVec2>> pieces(1);
  const size_t n = pointCount(s);
  const float width = c.max.x - c.min.x;
  const bool decimate =
      n > size_t(2 * width) && (s.x.empty() || std::is_sorted(s.x.begin(), s.x.begin() + long(n)));
  long column = std::numeric_limits<long>::min();
  ImVec2 lo, hi;
  size_t loAt = 0, hiAt = 0;
  auto flushColumn = [&] {
    if (column == std::numeric_limits<long>::min()) return;
    if (loAt <= hiAt) {
      pieces.back().push_back(lo);
      if (hiAt != loAt) pieces.back().push_back(hi);
    } else {
      pieces.back().push_back(hi);
      pieces.back().push_back(lo);
    }
    column = std::numeric_limits<long>::min();
  };
  for (size_t i = 0; i < n; ++i) {
    const double x = pointX(s, i), y = s.y[i];
    if (!plottable(x, y, c.logX, c.logY)) {
      if (decimate) flushColumn();
      if (!pieces.back().empty()) pieces.emplace_back();
      continue;
    }
    const ImVec2 p(c.px(x), c.py(y));
    if (!decimate) {
      pieces.back().push_back(p);
      continue;
    }
    // Columns off the frame collapse into one each side, keeping the lines that enter it.
    const long col = std::clamp(long(std::floor(p.x - c.min.x)), -1L, long(width) + 1);
    if (col != column) {
      flushColumn();
      column = col, lo = hi = p, loAt = hiAt = i;
    } else {
      if (p.y > lo.y) lo = p, loAt = i;  // screen y grows downwards: "lo" = lowest on screen
      if (p.y < hi.y) hi = p, hiAt = i;
    }
  }
  if (decimate) flushColumn();
  return pieces;
}

void drawDashedHLine(ImDrawList* dl, float x0, float x1, float y, ImU32 color, float dash,
                     float gap, float thickness) {
  for (float x = x0; x < x1; x += dash + gap)
    dl->AddLine(ImVec2(x, y), ImVec2(std::min(x + dash, x1), y), color, thickness);
}

void drawSeries(const PlotSpec& spec, const PlotViewState& view, const Canvas& c) {
  const float F = c.F, lineW = std::max(1.5f, F * 0.11f), markerR = std::max(2.0f, F * 0.22f);
  const float frameW = c.max.x - c.min.x;
  const BarLayout bars = barLayout(spec, view.hidden);
  for (size_t i = 0; i < spec.series.size(); ++i) {
    if (isHidden(view, i)) continue;
    const PlotSeries& s = spec.series[i];
    const ImU32 color = seriesColorOr(s.color, int(i));
    const size_t n = pointCount(s);
    if (s.style == SeriesStyle::Bars) {
      const double half = bars.width() / 2, off = bars.offset(int(i));
      const float base = c.logY ? c.max.y : std::clamp(c.py(0), c.min.y, c.max.y);
      for (size_t k = 0; k < n; ++k) {
        const double x = pointX(s, k) + off, y = s.y[k];
        if (!plottable(x, y, c.logX, c.logY)) continue;
        float x0 = c.px(x - half), x1 = c.px(x + half);
        if (x1 - x0 < 1) x1 = x0 + 1;
        const ImVec2 a(x0, std::min(base, c.py(y))), b(x1, std::max(base, c.py(y)));
        c.dl->AddRectFilled(a, b, withAlpha(color, 0.8f));
        c.dl->AddRect(a, b, color, 0, ImDrawFlags_None, std::max(1.0f, F * 0.07f));
      }
      continue;
    }
    // Markers closer than ~3 radii merge into a thick line and only cost time; skip them then.
    const bool markers = s.style == SeriesStyle::Markers ||
                         (s.style == SeriesStyle::LineMarkers && float(n) * markerR * 3 <= frameW);
    if (s.style != SeriesStyle::Markers) {
      for (const auto& piece : linePieces(s, c)) {
        if (piece.size() == 1 && !markers)  // a lone point has no segment: show it as a dot
          c.dl->AddCircleFilled(piece[0], markerR, color, 12);
        else
          strokePolyline(c.dl, piece, color, lineW);
      }
    }
    if (markers) {
      for (size_t k = 0; k < n; ++k) {
        const double x = pointX(s, k), y = s.y[k];
        if (!plottable(x, y, c.logX, c.logY)) continue;
        if (s.hollow)
          c.dl->AddCircle(ImVec2(c.px(x), c.py(y)), markerR, color, 12,
                          std::max(1.2f, markerR * 0.45f));
        else
          c.dl->AddCircleFilled(ImVec2(c.px(x), c.py(y)), markerR, color, 12);
      }
    }
  }
}

// FNV-1a over the pixels and the size: the texture is uploaded again only when they change.
uint64_t imageHash(const PlotImage& image) {
  uint64_t h = 1469598103934665603ull;
  auto mixIn = [&](uint64_t v) { h = (h ^ v) * 1099511628211ull; };
  mixIn(uint64_t(image.width));
  mixIn(uint64_t(image.height));
  for (uint32_t p : image.rgba) mixIn(p);
  return h;
}

// Heat maps under the series, each stretched over its data rectangle; linear axes only.
void drawImages(const PlotSpec& spec, const Canvas& c, TextureCache* textures, ImGuiID plotId) {
  if (!textures || c.logX || c.logY) return;
  for (size_t k = 0; k < spec.images.size(); ++k) {
    const PlotImage& image = spec.images[k];
    if (image.width <= 0 || image.height <= 0 ||
        image.rgba.size() != size_t(image.width) * size_t(image.height))
      continue;
    const std::string key = "plot-image:" + std::to_string(plotId) + ":" + std::to_string(k);
    void* tex = textures->getRgba(key, imageHash(image), image.rgba.data(), image.width,
                                  image.height, false);
    // Row 0 of the raster is at y0, the bottom: the texture's first row goes to the bottom edge.
    c.dl->AddImage(tex, ImVec2(c.px(image.x0), c.py(image.y1)),
                   ImVec2(c.px(image.x1), c.py(image.y0)), ImVec2(0, 1), ImVec2(1, 0));
  }
}

void drawErrorBars(const PlotSpec& spec, const PlotViewState& view, const Canvas& c) {
  const BarLayout bars = barLayout(spec, view.hidden);
  const float thickness = std::max(1.0f, c.F * 0.08f);
  for (size_t i = 0; i < spec.series.size(); ++i) {
    const PlotSeries& s = spec.series[i];
    if (isHidden(view, i) || s.yError.empty()) continue;
    const bool isBars = s.style == SeriesStyle::Bars;
    // On a bar the series colour would vanish into the fill; use the text colour there.
    const ImU32 color = isBars ? c.col.text : seriesColorOr(s.color, int(i));
    float cap = c.F * 0.3f;
    if (isBars) cap = std::min(cap, std::fabs(c.px(bars.width()) - c.px(0)) * 0.25f);
    for (size_t k = 0; k < pointCount(s); ++k) {
      const double x = pointX(s, k) + (isBars ? bars.offset(int(i)) : 0), y = s.y[k];
      const double e = pointError(s, k);
      if (e == 0 || !plottable(x, y, c.logX, c.logY)) continue;
      const float sx = c.px(x), top = c.py(y + e);
      const bool clipped = c.logY && y - e <= 0;  // lower end below zero: runs off the log axis
      const float bottom = clipped ? c.max.y : c.py(y - e);
      c.dl->AddLine(ImVec2(sx, bottom), ImVec2(sx, top), color, thickness);
      c.dl->AddLine(ImVec2(sx - cap, top), ImVec2(sx + cap, top), color, thickness);
      if (!clipped)
        c.dl->AddLine(ImVec2(sx - cap, bottom), ImVec2(sx + cap, bottom), color, thickness);
    }
  }
}

void drawReferenceLines(const PlotSpec& spec, const Canvas& c) {
  for (const auto& [label, v] : spec.referenceLines) {
    if (!std::isfinite(v) || (c.logY && v <= 0)) continue;
    const float y = c.py(v);
    if (y < c.min.y - 1 || y > c.max.y + 1) continue;
    drawDashedHLine(c.dl, c.min.x, c.max.x, y, c.col.crosshair, c.F * 0.5f, c.F * 0.3f,
                    std::max(1.0f, c.F * 0.08f));
    if (!label.empty()) {
      const ImVec2 size = ImGui::CalcTextSize(label.c_str());
      float ty = y - size.y - c.F * 0.1f;
      if (ty < c.min.y) ty = y + c.F * 0.1f;  // no room above: label below the line
      const ImVec2 at(c.max.x - size.x - c.F * 0.4f, ty);
      // A plate of frame colour behind the label keeps it readable where a series crosses it.
      c.dl->AddRectFilled(ImVec2(at.x - c.F * 0.15f, at.y),
                          ImVec2(at.x + size.x + c.F * 0.15f, at.y + size.y),
                          withAlpha(c.col.frameFill, 0.75f));
      c.dl->AddText(at, c.col.textDim, label.c_str());
    }
  }
}

// Tick marks, tick labels and grid lines for both axes.
void drawAxes(const Canvas& c, const AxisTicks& xt, const AxisTicks& yt, ImVec2 widgetMin,
              ImVec2 widgetMax) {
  const float F = c.F, tick = F * 0.35f;
  const auto fromAxisX = [&](double v) { return fromAxis(v, c.logX); };
  const auto fromAxisY = [&](double v) { return fromAxis(v, c.logY); };
  if (minorTicksFit(yt, fromAxisY(c.ya), fromAxisY(c.yb), c.logY, c.max.y - c.min.y, F)) {
    for (double y : yt.minor) {
      const float sy = c.py(y);
      c.dl->AddLine(ImVec2(c.min.x, sy), ImVec2(c.max.x, sy), c.col.gridMinor);
      c.dl->AddLine(ImVec2(c.min.x - tick * 0.5f, sy), ImVec2(c.min.x, sy), c.col.frameBorder);
    }
  }
  if (minorTicksFit(xt, fromAxisX(c.xa), fromAxisX(c.xb), c.logX, c.max.x - c.min.x, F)) {
    for (double x : xt.minor) {
      const float sx = c.px(x);
      c.dl->AddLine(ImVec2(sx, c.min.y), ImVec2(sx, c.max.y), c.col.gridMinor);
    }
  }
  for (size_t k = 0; k < yt.major.size(); ++k) {
    const float sy = std::round(c.py(yt.major[k])) + 0.5f;  // pixel-centred: crisp 1 px lines
    c.dl->AddLine(ImVec2(c.min.x, sy), ImVec2(c.max.x, sy), c.col.grid);
    c.dl->AddLine(ImVec2(c.min.x - tick, sy), ImVec2(c.min.x, sy), c.col.frameBorder);
    const ImVec2 size = ImGui::CalcTextSize(yt.labels[k].c_str());
    c.dl->AddText(ImVec2(c.min.x - tick - F * 0.25f - size.x, sy - size.y * 0.5f), c.col.text,
                  yt.labels[k].c_str());
  }
  for (size_t k = 0; k < xt.major.size(); ++k) {
    const float sx = std::round(c.px(xt.major[k])) + 0.5f;
    c.dl->AddLine(ImVec2(sx, c.min.y), ImVec2(sx, c.max.y), c.col.grid);
    c.dl->AddLine(ImVec2(sx, c.max.y), ImVec2(sx, c.max.y + tick), c.col.frameBorder);
    const float w = textWidth(xt.labels[k]);
    // The outermost labels may not fit centred; slide them inside the widget.
    const float lx = std::clamp(sx - w * 0.5f, widgetMin.x, widgetMax.x - w);
    c.dl->AddText(ImVec2(lx, c.max.y + tick + F * 0.1f), c.col.text, xt.labels[k].c_str());
  }
}

struct LegendHit {
  int series = -1;  // entry under the mouse
  bool overLegend = false;
};

// Where the legend goes: a box inside the frame, or a strip of rows under the plot when a box
// would hide too much of it (small plot, big font, many series). entries[i] = top-left of entry i.
struct LegendLayout {
  bool show = false, strip = false;
  ImVec2 a, b;  // background box or strip area
  std::vector<ImVec2> entries;
  std::vector<float> widths;  // swatch + gap + name, per entry
};

bool wantsLegend(const PlotSpec& spec) {
  return spec.series.size() >= 2 || (spec.series.size() == 1 && !spec.series[0].name.empty());
}

float legendSwatch(float F) {
  return F * 1.5f;
}
float legendRow(float F) {
  return F * 1.3f;
}

std::vector<float> legendEntryWidths(const PlotSpec& spec, float F) {
  std::vector<float> w;
  for (const PlotSeries& s : spec.series)
    w.push_back(legendSwatch(F) + F * 0.4f + textWidth(s.name));
  return w;
}

ImVec2 legendBoxSize(const std::vector<float>& widths, float F) {
  const float pad = F * 0.4f, row = legendRow(F);
  float widest = 0;
  for (float w : widths) widest = std::max(widest, w);
  return ImVec2(pad * 2 + widest, pad * 2 + row * float(widths.size()) - (row - F));
}

// Rows of the strip legend across `width` pixels.
std::vector<std::pair<int, double>> legendFlow(const std::vector<float>& widths, float width,
                                               float F) {
  return flowLegend(std::vector<double>(widths.begin(), widths.end()), width, F * 1.2f);
}

LegendLayout legendInside(const PlotSpec& spec, const PlotViewState& view, const Canvas& c,
                          const PlotRange& range) {
  LegendLayout l;
  const float F = c.F, pad = F * 0.4f, inset = F * 0.5f;
  l.widths = legendEntryWidths(spec, F);
  const ImVec2 size = legendBoxSize(l.widths, F);
  const float pw = c.max.x - c.min.x, ph = c.max.y - c.min.y;
  const LegendCorner corner = bestLegendCorner(spec, view.hidden, range, c.logY, size.x / pw,
                                               size.y / ph, inset / pw, inset / ph);
  const bool right = corner == LegendCorner::TopRight || corner == LegendCorner::BottomRight;
  const bool top = corner == LegendCorner::TopRight || corner == LegendCorner::TopLeft;
  l.show = true;
  l.a = ImVec2(right ? c.max.x - inset - size.x : c.min.x + inset,
               top ? c.min.y + inset : c.max.y - inset - size.y);
  l.b = ImVec2(l.a.x + size.x, l.a.y + size.y);
  for (size_t i = 0; i < l.widths.size(); ++i) {
    l.entries.emplace_back(l.a.x + pad, l.a.y + pad + legendRow(F) * float(i));
  }
  return l;
}

LegendLayout legendStrip(const PlotSpec& spec, float F, ImVec2 a, ImVec2 b) {
  LegendLayout l;
  l.show = l.strip = true;
  l.a = a, l.b = b;
  l.widths = legendEntryWidths(spec, F);
  for (const auto& [row, x] : legendFlow(l.widths, b.x - a.x, F)) {
    l.entries.emplace_back(a.x + float(x), a.y + F * 0.15f + legendRow(F) * float(row));
  }
  return l;
}

LegendHit drawLegend(const PlotSpec& spec, const PlotViewState& view, const Canvas& c,
                     const LegendLayout& l, ImVec2 mouse) {
  LegendHit hit;
  if (!l.show) return hit;
  const float F = c.F, swatch = legendSwatch(F), rowPad = (legendRow(F) - F) * 0.5f;
  if (!l.strip) {
    c.dl->AddRectFilled(l.a, l.b, c.col.legendFill, F * 0.2f);
    c.dl->AddRect(l.a, l.b, c.col.grid, F * 0.2f);
    hit.overLegend = mouse.x >= l.a.x && mouse.x <= l.b.x && mouse.y >= l.a.y && mouse.y <= l.b.y;
  }
  for (size_t i = 0; i < spec.series.size() && i < l.entries.size(); ++i) {
    const PlotSeries& s = spec.series[i];
    const bool hidden = isHidden(view, i);
    const ImU32 color = withAlpha(seriesColorOr(s.color, int(i)), hidden ? 0.25f : 1.0f);
    const ImVec2 e = l.entries[i];
    const float cy = e.y + F * 0.5f;
    // Hit area: the whole row of a box legend, the entry itself in a strip.
    const ImVec2 ra(l.strip ? e.x - F * 0.2f : l.a.x + 1, e.y - rowPad);
    const ImVec2 rb(l.strip ? e.x + l.widths[i] + F * 0.2f : l.b.x - 1, e.y + F + rowPad);
    if (mouse.x >= ra.x && mouse.x < rb.x && mouse.y >= ra.y && mouse.y < rb.y) {
      hit.series = int(i);
      hit.overLegend = true;
      // A faint highlight: the entry's own (possibly dimmed) text must stay readable on it.
      c.dl->AddRectFilled(ra, rb, ImGui::GetColorU32(ImGuiCol_HeaderHovered, 0.35f), F * 0.15f);
    }
    if (s.style == SeriesStyle::Bars) {
      c.dl->AddRectFilled(ImVec2(e.x + swatch * 0.2f, cy - F * 0.38f),
                          ImVec2(e.x + swatch * 0.8f, cy + F * 0.38f), color);
    } else {
      if (s.style != SeriesStyle::Markers) {
        c.dl->AddLine(ImVec2(e.x, cy), ImVec2(e.x + swatch, cy), color, std::max(1.5f, F * 0.11f));
      }
      if (s.style != SeriesStyle::Line && s.hollow)
        c.dl->AddCircle(ImVec2(e.x + swatch * 0.5f, cy), std::max(2.0f, F * 0.22f), color, 12,
                        std::max(1.2f, F * 0.09f));
      else if (s.style != SeriesStyle::Line)
        c.dl->AddCircleFilled(ImVec2(e.x + swatch * 0.5f, cy), std::max(2.0f, F * 0.22f), color,
                              12);
    }
    c.dl->AddText(ImVec2(e.x + swatch + F * 0.4f, e.y), hidden ? c.col.textDim : c.col.text,
                  s.name.c_str());
  }
  return hit;
}

std::string formatValue(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// Vertical crosshair at the data x nearest the mouse, a dot on each visible series there, and a
// tooltip listing their values (± error).
void drawHoverReadout(const PlotSpec& spec, const PlotViewState& view, const Canvas& c,
                      ImVec2 mouse) {
  double bestX = 0, bestDist = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < spec.series.size(); ++i) {
    if (isHidden(view, i)) continue;
    const PlotSeries& s = spec.series[i];
    for (size_t k = 0; k < pointCount(s); ++k) {
      const double x = pointX(s, k);
      if (!plottable(x, s.y[k], c.logX, c.logY)) continue;
      const double d = std::fabs(c.px(x) - mouse.x);
      if (d < bestDist) bestDist = d, bestX = x;
    }
  }
  if (!std::isfinite(bestDist) || bestDist > c.F * 3) return;
  const float sx = c.px(bestX);
  c.dl->AddLine(ImVec2(sx, c.min.y), ImVec2(sx, c.max.y), c.col.crosshair, 1.0f);

  ImGui::BeginTooltip();
  ImGui::Text("%s = %s", spec.xAxis.label.empty() ? "x" : spec.xAxis.label.c_str(),
              formatValue(bestX).c_str());
  const BarLayout bars = barLayout(spec, view.hidden);
  for (size_t i = 0; i < spec.series.size(); ++i) {
    if (isHidden(view, i)) continue;
    const PlotSeries& s = spec.series[i];
    size_t best = SIZE_MAX;
    double bestD = std::numeric_limits<double>::infinity();
    for (size_t k = 0; k < pointCount(s); ++k) {
      const double x = pointX(s, k);
      if (!plottable(x, s.y[k], c.logX, c.logY)) continue;
      const double d = std::fabs(c.px(x) - sx);
      if (d < bestD) bestD = d, best = k;
    }
    if (best == SIZE_MAX || bestD > c.F * 0.5) continue;  // this series has no point at this x
    const ImU32 color = seriesColorOr(s.color, int(i));
    const double y = s.y[best], e = pointError(s, best);
    const float dotX =
        c.px(pointX(s, best) + (s.style == SeriesStyle::Bars ? bars.offset(int(i)) : 0));
    c.dl->AddCircleFilled(ImVec2(dotX, c.py(y)), c.F * 0.28f, color, 12);
    c.dl->AddCircle(ImVec2(dotX, c.py(y)), c.F * 0.28f, c.col.frameFill, 12, 1.5f);

    // Colour swatch, then "name: value ± error".
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float F = ImGui::GetFontSize();
    ImGui::GetWindowDrawList()->AddRectFilled(
        ImVec2(at.x, at.y + F * 0.2f), ImVec2(at.x + F * 0.6f, at.y + F * 0.8f), color, F * 0.1f);
    ImGui::Dummy(ImVec2(F * 0.6f, F));
    ImGui::SameLine();
    std::string line = s.name.empty() ? "y" : s.name;
    line += ": " + formatValue(y);
    if (e > 0) line += " ± " + formatValue(e);
    ImGui::TextUnformatted(line.c_str());
  }
  ImGui::EndTooltip();
}

// The visible marker nearest the mouse on screen, within 0.6 font sizes, ringed and written to
// view.hoveredSeries / hoveredPoint (lines and bars are not points one can pick).
void pickNearestPoint(const PlotSpec& spec, PlotViewState& view, const Canvas& c, ImVec2 mouse) {
  double bestD2 = std::pow(c.F * 0.6, 2);
  for (size_t i = 0; i < spec.series.size(); ++i) {
    const PlotSeries& s = spec.series[i];
    if (isHidden(view, i) || s.style == SeriesStyle::Line || s.style == SeriesStyle::Bars) continue;
    for (size_t k = 0; k < pointCount(s); ++k) {
      const double x = pointX(s, k);
      if (!plottable(x, s.y[k], c.logX, c.logY)) continue;
      const double dx = c.px(x) - mouse.x, dy = c.py(s.y[k]) - mouse.y;
      if (dx * dx + dy * dy < bestD2) {
        bestD2 = dx * dx + dy * dy;
        view.hoveredSeries = int(i), view.hoveredPoint = int(k);
      }
    }
  }
  if (view.hoveredSeries < 0) return;
  const PlotSeries& s = spec.series[size_t(view.hoveredSeries)];
  const size_t k = size_t(view.hoveredPoint);
  c.dl->AddCircle(ImVec2(c.px(pointX(s, k)), c.py(s.y[k])), c.F * 0.45f, c.col.text, 16, 2.0f);
}

void contextMenu(const PlotSpec& spec, PlotViewState& view,
                 std::optional<PlotExportRequest>& exportRequest) {
  if (view.suppressContextMenu && !ImGui::IsPopupOpen("##plot-menu")) return;
  if (!ImGui::BeginPopupContextItem("##plot-menu")) return;
  const bool logY = effectiveLogY(spec, view);
  if (ImGui::MenuItem("Log Y", nullptr, logY)) {
    view.logY = !logY;
    view.autoFit = true;  // a zoomed linear range is meaningless on a log axis and vice versa
  }
  if (ImGui::MenuItem("Auto-fit", nullptr, view.autoFit)) view.autoFit = true;
  ImGui::Separator();
  // Figures for print: the app writes them into the export folder (File ▸ Export folder…).
  for (const char* format : {"svg", "png", "csv"}) {
    const std::string label = std::string("Export ") + (format[0] == 's'   ? "SVG"
                                                        : format[0] == 'p' ? "PNG"
                                                                           : "CSV");
    if (ImGui::MenuItem(label.c_str()))
      exportRequest = PlotExportRequest{specAsShown(spec, view), format, &view};
  }
  ImGui::EndPopup();
}

// Left-drag draws a zoom box; a mostly horizontal (vertical) box zooms x (y) only.
void handleBoxZoom(PlotViewState& view, const Canvas& c, bool hovered, bool overLegend,
                   ImVec2 mouse) {
  if (hovered && !overLegend && c.contains(mouse) &&
      ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
    view.autoFit = true;
    view.selecting = false;
    return;
  }
  if (hovered && !overLegend && c.contains(mouse) && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    view.selecting = true;
    view.selectX0 = mouse.x, view.selectY0 = mouse.y;
  }
  if (!view.selecting) return;
  const ImVec2 m(std::clamp(mouse.x, c.min.x, c.max.x), std::clamp(mouse.y, c.min.y, c.max.y));
  const float dx = std::fabs(m.x - view.selectX0), dy = std::fabs(m.y - view.selectY0);
  const bool zoomX = dx > c.F * 0.5f, zoomY = dy > c.F * 0.5f;
  if (ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    const ImVec2 a(zoomX ? std::min(m.x, view.selectX0) : c.min.x,
                   zoomY ? std::min(m.y, view.selectY0) : c.min.y);
    const ImVec2 b(zoomX ? std::max(m.x, view.selectX0) : c.max.x,
                   zoomY ? std::max(m.y, view.selectY0) : c.max.y);
    if (zoomX || zoomY) {
      c.dl->AddRectFilled(a, b, ImGui::GetColorU32(ImGuiCol_TextSelectedBg));
      c.dl->AddRect(a, b, c.col.crosshair);
    }
    return;
  }
  view.selecting = false;
  if (!zoomX && !zoomY) return;
  if (zoomX)
    view.xMin = c.dataX(std::min(m.x, view.selectX0)),
    view.xMax = c.dataX(std::max(m.x, view.selectX0));
  if (zoomY)
    view.yMin = c.dataY(std::max(m.y, view.selectY0)),
    view.yMax = c.dataY(std::min(m.y, view.selectY0));
  view.autoFit = false;
}

}  // namespace

bool effectiveLogY(const PlotSpec& spec, const PlotViewState& view) {
  return view.logY.value_or(spec.yAxis.scale == AxisScale::Log10);
}

PlotSpec specAsShown(const PlotSpec& spec, const PlotViewState& view) {
  PlotSpec out = spec;
  out.series.clear();
  for (size_t i = 0; i < spec.series.size(); ++i) {
    if (isHidden(view, i)) continue;
    out.series.push_back(spec.series[i]);
    out.series.back().color = seriesColorOr(spec.series[i].color, int(i));
  }
  out.yAxis.scale = effectiveLogY(spec, view) ? AxisScale::Log10 : AxisScale::Linear;
  // Same tick density as on screen, so the figure's ticks match what the user saw.
  if (view.shownXTicks > 0) out.xAxis.maxTicks = view.shownXTicks;
  if (view.shownYTicks > 0) out.yAxis.maxTicks = view.shownYTicks;
  if (!view.autoFit) {
    out.xAxis.autoFit = out.yAxis.autoFit = false;
    out.xAxis.min = view.xMin, out.xAxis.max = view.xMax;
    out.yAxis.min = view.yMin, out.yAxis.max = view.yMax;
  }
  return out;
}

void drawPlot(const char* id, const PlotSpec& spec, PlotViewState& view, float height,
              std::optional<PlotExportRequest>& exportRequest, TextureCache* textures) {
  ImGui::PushID(id);
  // Keys this plot's image textures (heat maps) apart from every other plot's.
  const ImGuiID plotId = ImGui::GetID("##plot");
  const float F = ImGui::GetFontSize();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 size(std::max(avail.x, F * 12), height > 0 ? height : std::max(avail.y, F * 10));
  const ImVec2 p0 = ImGui::GetCursorScreenPos(), p1(p0.x + size.x, p0.y + size.y);
  ImGui::InvisibleButton("##plot", size);
  const bool hovered = ImGui::IsItemHovered();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (view.hidden.size() < spec.series.size()) view.hidden.resize(spec.series.size(), false);
  view.hoveredSeries = view.hoveredPoint = -1;

  Canvas c;
  c.dl = ImGui::GetWindowDrawList();
  c.F = F;
  c.col = stylePalette();
  c.logX = spec.xAxis.scale == AxisScale::Log10;
  c.logY = effectiveLogY(spec, view);
  c.dl->PushClipRect(p0, p1, true);

  // Title centred on the first row; the y-axis label (ImGui cannot rotate text) sits above the
  // axis, on the title row if it fits beside the title, else on a row of its own.
  const std::string hint = spec.tooltip.empty() ? "" : " (?)";
  const float titleW = textWidth(spec.title) + textWidth(hint);
  const ImVec2 titlePos(p0.x + std::max(0.0f, (size.x - titleW) * 0.5f), p0.y);
  const float yLabelW = textWidth(spec.yAxis.label);
  const bool shareRow = spec.title.empty() || p0.x + yLabelW + F < titlePos.x;
  const int rows = (spec.title.empty() ? 0 : 1) + (spec.yAxis.label.empty() || shareRow ? 0 : 1) +
                   (spec.title.empty() && !spec.yAxis.label.empty() ? 1 : 0);
  const float rowH = F * 1.3f;
  c.min.y = p0.y + rows * rowH + F * 0.6f;
  c.max.y = p1.y - (F * 0.35f + F * 1.25f + (spec.xAxis.label.empty() ? 0 : F * 1.3f));

  // Legend box inside, or a strip under the x label; decided on the frame size before ticks
  // (a typical y-tick margin is assumed) since the strip itself changes the frame height.
  float stripH = 0;
  const float stripX0 = p0.x + F * 0.3f;
  bool legendStripped = false;
  if (wantsLegend(spec)) {
    const std::vector<float> widths = legendEntryWidths(spec, F);
    const ImVec2 box = legendBoxSize(widths, F);
    // A plot edited with the mouse keeps its frame free: the legend goes under it.
    if (view.pointerEdit ||
        !legendFitsInside(box.x, box.y, size.x - F * 4.5f, c.max.y - c.min.y, F * 0.5f)) {
      int stripRows = 1;
      for (const auto& e : legendFlow(widths, p1.x - stripX0, F))
        stripRows = std::max(stripRows, e.first + 1);
      const float h = float(stripRows) * legendRow(F) + F * 0.3f;
      // A strip that would leave too little frame to draw (a short panel at 1280 × 800) is not
      // taken: the legend then sits inside the frame, over the data, rather than no plot at all.
      if (c.max.y - h - c.min.y >= F * 3) {
        stripH = h;
        c.max.y -= stripH;
        legendStripped = true;
      }
    }
  }

  PlotRange r = fitRange(spec, c.logY, view.hidden);
  const bool manualOk = !view.autoFit && view.xMax > view.xMin && view.yMax > view.yMin &&
                        (!c.logY || view.yMin > 0) && (!c.logX || view.xMin > 0);
  if (manualOk) {
    r.xMin = view.xMin, r.xMax = view.xMax, r.yMin = view.yMin, r.yMax = view.yMax;
  } else {
    view.autoFit = true;
    view.xMin = r.xMin, view.xMax = r.xMax, view.yMin = r.yMin, view.yMax = r.yMax;
  }
  const auto measure = [](const std::string& s) { return double(textWidth(s)); };
  const AxisTicks yt =
      chooseTicks(r.yMin, r.yMax, c.logY ? AxisScale::Log10 : AxisScale::Linear, c.max.y - c.min.y,
                  F, false, measure, spec.yAxis.maxTicks, spec.yAxis.integerTicks);
  float widestY = 0;
  for (const std::string& l : yt.labels) widestY = std::max(widestY, textWidth(l));
  c.min.x = p0.x + widestY + F * 0.6f;
  c.max.x = p1.x - F * 1.0f;
  if (c.max.x - c.min.x < F * 4 || c.max.y - c.min.y < F * 2) {  // too small to draw axes into
    c.dl->PopClipRect();
    ImGui::PopID();
    return;
  }
  const AxisTicks xt = chooseTicks(r.xMin, r.xMax, spec.xAxis.scale, c.max.x - c.min.x, F, true,
                                   measure, spec.xAxis.maxTicks, spec.xAxis.integerTicks);
  view.shownXTicks = xt.maxTicks, view.shownYTicks = yt.maxTicks;
  c.xa = axisCoord(r.xMin, c.logX), c.xb = axisCoord(r.xMax, c.logX);
  c.ya = axisCoord(r.yMin, c.logY), c.yb = axisCoord(r.yMax, c.logY);
  view.frameX0 = c.min.x, view.frameY0 = c.min.y, view.frameX1 = c.max.x, view.frameY1 = c.max.y;

  c.dl->AddRectFilled(c.min, c.max, c.col.frameFill);
  LegendHit legend;
  if (r.hasData) {
    drawAxes(c, xt, yt, p0, p1);
    c.dl->PushClipRect(c.min, c.max, true);
    drawImages(spec, c, textures, plotId);
    drawReferenceLines(spec, c);
    drawSeries(spec, view, c);
    drawErrorBars(spec, view, c);
    c.dl->PopClipRect();
    const LegendLayout layout = legendStripped
                                    ? legendStrip(spec, F, ImVec2(stripX0, p1.y - stripH), p1)
                                    : legendInside(spec, view, c, r);
    if (wantsLegend(spec)) legend = drawLegend(spec, view, c, layout, mouse);
    bool anyVisible = false;
    for (size_t i = 0; i < spec.series.size(); ++i) anyVisible |= !isHidden(view, i);
    if (!anyVisible) {
      const char* msg = "all series hidden: click the legend";
      const ImVec2 ts = ImGui::CalcTextSize(msg);
      c.dl->AddText(ImVec2((c.min.x + c.max.x - ts.x) * 0.5f, (c.min.y + c.max.y - ts.y) * 0.5f),
                    c.col.textDim, msg);
    }
  } else {
    const char* msg = "no data yet";
    const ImVec2 ts = ImGui::CalcTextSize(msg);
    c.dl->AddText(ImVec2((c.min.x + c.max.x - ts.x) * 0.5f, (c.min.y + c.max.y - ts.y) * 0.5f),
                  c.col.textDim, msg);
  }
  c.dl->AddRect(ImVec2(c.min.x - 0.5f, c.min.y - 0.5f), ImVec2(c.max.x + 0.5f, c.max.y + 0.5f),
                c.col.frameBorder);

  // Labels and title.
  if (!spec.xAxis.label.empty()) {
    const float w = textWidth(spec.xAxis.label);
    c.dl->AddText(ImVec2(std::max(p0.x, (c.min.x + c.max.x - w) * 0.5f), p1.y - stripH - F * 1.2f),
                  c.col.text, spec.xAxis.label.c_str());
  }
  if (!spec.yAxis.label.empty()) {
    c.dl->AddText(ImVec2(p0.x, c.min.y - F * 0.6f - F * 1.1f), c.col.text,
                  spec.yAxis.label.c_str());
  }
  const bool overTitle = hovered && !spec.title.empty() && mouse.y < titlePos.y + rowH &&
                         mouse.x >= titlePos.x && mouse.x <= titlePos.x + titleW;
  if (!spec.title.empty()) {
    // One font only (no bold face in 1.86's default setup): a second pass 1 px to the right sets
    // the title apart from the axis labels without blurring it the way scaling would.
    c.dl->AddText(titlePos, c.col.text, spec.title.c_str());
    c.dl->AddText(ImVec2(titlePos.x + 1, titlePos.y), c.col.text, spec.title.c_str());
    if (!hint.empty())
      c.dl->AddText(ImVec2(titlePos.x + textWidth(spec.title), titlePos.y), c.col.textDim,
                    hint.c_str());
  }

  // Interaction: legend toggles, box zoom, hover read-out, tooltips, context menu.
  if (hovered && legend.series >= 0 && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    view.hidden[size_t(legend.series)] = !view.hidden[size_t(legend.series)];
  }
  if (r.hasData && !view.pointerEdit) handleBoxZoom(view, c, hovered, legend.overLegend, mouse);
  if (hovered && overTitle && !spec.tooltip.empty()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(F * 28);
    ImGui::TextUnformatted(spec.tooltip.c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  } else if (hovered && r.hasData && !view.pointerEdit && !view.selecting && !legend.overLegend &&
             c.contains(mouse)) {
    c.dl->PushClipRect(c.min, c.max, true);
    if (view.pickPoints)
      pickNearestPoint(spec, view, c, mouse);
    else
      drawHoverReadout(spec, view, c, mouse);
    c.dl->PopClipRect();
  } else if (hovered && legend.series >= 0) {
    ImGui::SetTooltip("click to %s", view.hidden[size_t(legend.series)] ? "show" : "hide");
  }
  c.dl->PopClipRect();
  contextMenu(spec, view, exportRequest);
  ImGui::PopID();
}

}  // namespace uhop::ui
