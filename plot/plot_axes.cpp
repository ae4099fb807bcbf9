#include "plot/plot_axes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace uhop::ui {

namespace {

bool isHidden(const std::vector<bool>& hidden, size_t i) {
  return i < hidden.size() && hidden[i];
}

// 10^e as the double nearest to the decimal value, so 1e-3 prints and compares as 0.001.
double pow10(int e) {
  if (e >= 0) return std::pow(10.0, e);
  if (e >= -308) return 1.0 / std::pow(10.0, -e);
  return std::pow(10.0, e);
}

// m × 10^e, computed so that e.g. 3 × 2 / 10 gives exactly the double nearest 0.6.
double scaled(double m, int e) {
  return e >= 0 ? m * pow10(e) : (e >= -300 ? m / pow10(-e) : m * pow10(e));
}

struct Step {
  int mantissa = 1;  // 1, 2 or 5
  int exponent = 0;
  double value() const { return scaled(mantissa, exponent); }
};

Step niceStepParts(double range, int maxTicks) {
  const double raw = range / std::max(maxTicks - 1, 1);
  int e = int(std::floor(std::log10(raw)));
  for (;;) {
    for (int m : {1, 2, 5}) {
      // Relative slack so that a range of exactly 5 steps is not pushed to the next step by
      // rounding in range / (maxTicks - 1).
      if (scaled(m, e) >= raw * (1 - 1e-9)) return {m, e};
    }
    ++e;
  }
}

// "1.5e-05" -> "1.5e-5", "1e+06" -> "1e6": the C exponent padding only adds noise on an axis.
std::string compactExponent(std::string s) {
  const size_t e = s.find('e');
  if (e == std::string::npos) return s;
  std::string mant = s.substr(0, e);
  const char* p = s.c_str() + e + 1;
  const bool neg = *p == '-';
  if (*p == '+' || *p == '-') ++p;
  while (*p == '0' && p[1] != '\0') ++p;
  return mant + "e" + (neg ? "-" : "") + p;
}

// Shortest printf rendering (fixed or scientific) that reads back as v to 12 significant digits.
std::string shortest(double v, bool scientific) {
  char buf[64];
  for (int digits = 0; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, scientific ? "%.*e" : "%.*f", digits, v);
    const double back = std::strtod(buf, nullptr);
    if (std::fabs(back - v) <= 1e-12 * std::fabs(v)) break;
  }
  return scientific ? compactExponent(buf) : std::string(buf);
}

// Pads [lo, hi] (axis coordinates) by 5% per side; a zero-width range gets a span around it.
// `stickyZero`: bars stand on y = 0, so no padding below (or above) a 0 that came from a bar.
void padRange(double& lo, double& hi, bool log, bool stickyZero) {
  if (log) {
    double a = std::log10(lo), b = std::log10(hi);
    if (b - a < 1e-12) {
      a -= 0.5, b += 0.5;
    } else {
      const double pad = 0.05 * (b - a);
      a -= pad, b += pad;
    }
    lo = std::pow(10.0, a), hi = std::pow(10.0, b);
    return;
  }
  if (hi - lo <= std::fabs(hi) * 1e-12 || hi == lo) {
    const double half = lo != 0 ? std::fabs(lo) * 0.1 : 0.5;
    lo -= half, hi += half;
    return;
  }
  const double pad = 0.05 * (hi - lo);
  if (!(stickyZero && lo == 0)) lo -= pad;
  if (!(stickyZero && hi == 0)) hi += pad;
}

}  // namespace

size_t pointCount(const PlotSeries& s) {
  return s.x.empty() ? s.y.size() : std::min(s.x.size(), s.y.size());
}

double pointX(const PlotSeries& s, size_t i) {
  return s.x.empty() ? double(i) : s.x[i];
}

double pointError(const PlotSeries& s, size_t i) {
  if (i >= s.yError.size()) return 0;
  const double e = s.yError[i];
  return std::isfinite(e) && e > 0 ? e : 0;
}

bool plottable(double x, double y, bool logX, bool logY) {
  return std::isfinite(x) && std::isfinite(y) && (!logX || x > 0) && (!logY || y > 0);
}

double axisCoord(double v, bool log) {
  return log ? std::log10(v) : v;
}

double niceStep(double lo, double hi, int maxTicks) {
  const double range = std::fabs(hi - lo);
  if (!std::isfinite(range) || range == 0) return 0;
  return niceStepParts(range, std::max(maxTicks, 2)).value();
}

std::vector<double> niceTicks(double lo, double hi, int maxTicks) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
  if (lo > hi) std::swap(lo, hi);
  if (lo == hi) return {lo};
  const Step step = niceStepParts(hi - lo, std::max(maxTicks, 2));
  const double s = step.value();
  // Slack of 1e-9 steps keeps ends that are multiples of the step despite rounding (0.3 / 0.1).
  const double first = std::ceil(lo / s - 1e-9), last = std::floor(hi / s + 1e-9);
  std::vector<double> ticks;
  for (double i = first; i <= last; ++i) {
    const double v = scaled(i * step.mantissa, step.exponent);
    ticks.push_back(v == 0 ? 0.0 : v);  // no "-0" label
  }
  return ticks;
}

LogTicks logTicks(double lo, double hi, int maxTicks) {
  LogTicks t;
  if (!(lo > 0) || !std::isfinite(lo) || !std::isfinite(hi)) return t;
  if (lo > hi) std::swap(lo, hi);
  if (lo == hi) {
    t.major = {lo};
    return t;
  }
  maxTicks = std::max(maxTicks, 2);
  auto inside = [&](double v) { return v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12); };
  const int e0 = int(std::ceil(std::log10(lo) - 1e-9)), e1 = int(std::floor(std::log10(hi) + 1e-9));
  const int firstDecade = e0 - 1;  // partial decade below the first full one (for minors)

  if (e1 - e0 + 1 >= 2) {
    // Label every `stride`-th decade (1, 2, 3, 5, 10, 20, ...) so labels never crowd.
    static const int kStrides[] = {1, 2, 3, 5};
    int stride = 1;
    for (int scale = 1, k = 0;; ++k) {
      stride = kStrides[k % 4] * scale;
      if (k % 4 == 3) scale *= 10;
      int count = 0;
      for (int e = e0; e <= e1; ++e) count += (e % stride == 0);
      if (count <= maxTicks && count >= 1) break;
    }
    for (int e = e0; e <= e1; ++e) {
      if (e % stride == 0) {
        t.major.push_back(pow10(e));
      } else if (e1 - e0 < 60) {
        t.minor.push_back(pow10(e));
      }
    }
    if (stride == 1 && e1 - e0 < 30) {
      for (int e = firstDecade; e <= e1; ++e) {
        for (int m = 2; m <= 9; ++m) {
          const double v = scaled(m, e);
          if (inside(v)) t.minor.push_back(v);
        }
      }
      std::sort(t.minor.begin(), t.minor.end());
    }
    return t;
  }

  // Less than two decades: label 1, 2, 5 × 10^k; the rest of 1..9 × 10^k become minors.
  for (int e = firstDecade; e <= e1 + 1; ++e) {
    for (int m = 1; m <= 9; ++m) {
      const double v = scaled(m, e);
      if (!inside(v)) continue;
      (m == 1 || m == 2 || m == 5 ? t.major : t.minor).push_back(v);
    }
  }
  if (t.major.size() < 2) {
    // Narrower than a factor ~2.5: linear steps read better than a lone "2".
    t.major = niceTicks(lo, hi, maxTicks);
    t.major.erase(std::remove_if(t.major.begin(), t.major.end(), [](double v) { return v <= 0; }),
                  t.major.end());
    t.minor.clear();
  }
  return t;
}

std::vector<std::string> tickLabels(const std::vector<double>& ticks, AxisScale scale) {
  std::vector<std::string> labels;
  if (ticks.empty()) return labels;
  double maxAbs = 0;
  for (double v : ticks) maxAbs = std::max(maxAbs, std::fabs(v));

  if (scale == AxisScale::Log10) {
    double minAbs = std::numeric_limits<double>::infinity();
    for (double v : ticks) minAbs = std::min(minAbs, std::fabs(v));
    // One notation per axis: decimals while they stay short, else all scientific.
    const bool sci = maxAbs >= 1e5 || minAbs < 1e-3;
    for (double v : ticks) labels.push_back(shortest(v, sci));
    return labels;
  }

  double step = ticks.size() >= 2 ? std::fabs(ticks[1] - ticks[0]) : std::fabs(ticks[0]);
  if (step == 0) step = 1;
  const int stepExp = int(std::floor(std::log10(step) + 1e-6));
  const int decimals = std::max(0, -stepExp);
  const bool fixed = maxAbs < 1e6 && decimals <= 4;
  char buf[64];
  for (double v : ticks) {
    if (fixed) {
      std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
      labels.push_back(buf);
    } else if (v == 0) {
      labels.push_back("0");
    } else {
      // As many mantissa digits as the step needs: 1.5e-5 next to 2e-5 and 2.5e-5.
      const int e = int(std::floor(std::log10(std::fabs(v)) + 1e-9));
      std::snprintf(buf, sizeof buf, "%.*e", std::clamp(e - stepExp, 0, 15), v);
      std::string label = buf;
      // "1.0e7" next to "5e6" reads as a different precision; drop zeros the step does not need.
      const size_t ePos = label.find('e'), dot = label.find('.');
      if (dot != std::string::npos && dot < ePos) {
        size_t end = ePos;
        while (label[end - 1] == '0') --end;
        if (label[end - 1] == '.') --end;
        label.erase(end, ePos - end);
      }
      labels.push_back(compactExponent(label));
    }
  }
  return labels;
}

AxisTicks chooseTicks(double lo, double hi, AxisScale scale, double lengthPx, double fontPx,
                      bool horizontal, const std::function<double(const std::string&)>& textWidth,
                      int requestedMaxTicks, bool integer) {
  AxisTicks out;
  const bool log = scale == AxisScale::Log10 && lo > 0 && hi > 0;
  // Start from the density a reader expects (a label every ~3.5 em across, ~2.2 em up) and thin
  // out until the widest label fits between neighbours.
  const double perTick = horizontal ? 3.5 : 2.2;
  int maxTicks = requestedMaxTicks > 0
                     ? std::max(requestedMaxTicks, 2)
                     : std::clamp(int(lengthPx / std::max(fontPx * perTick, 1.0)), 2, 25);
  const double a = axisCoord(lo, log), b = axisCoord(hi, log);
  auto compute = [&](int m) {
    AxisTicks t;
    if (log) {
      LogTicks lt = logTicks(lo, hi, m);
      t.major = std::move(lt.major);
      t.minor = std::move(lt.minor);
    } else if (integer) {
      const double step = std::max(1.0, niceStep(lo, hi, m));
      for (double k = std::ceil(lo / step); k * step <= hi; ++k) t.major.push_back(k * step + 0.0);
    } else {
      t.major = niceTicks(lo, hi, m);
    }
    t.labels = tickLabels(t.major, log ? AxisScale::Log10 : AxisScale::Linear);
    return t;
  };
  // A single labelled tick says nothing about scale: on a short axis (0.09..3.4 with room for
  // 3 ticks gives only "2") allow a denser step until there are two.
  out = compute(maxTicks);
  for (int extra = 1; out.major.size() < 2 && extra <= 4; ++extra) {
    AxisTicks denser = compute(maxTicks + extra);
    if (denser.major.size() >= 2) {
      out = std::move(denser);
      maxTicks += extra;
    }
  }
  out.maxTicks = maxTicks;
  for (;;) {
    const int n = int(out.major.size());
    if (n < 2 || maxTicks <= 2 || b == a) break;
    double widest = 0, minGap = std::numeric_limits<double>::infinity();
    for (int i = 0; i < n; ++i) {
      widest = std::max(widest, textWidth(out.labels[size_t(i)]));
      if (i > 0) {
        const double gap =
            (axisCoord(out.major[size_t(i)], log) - axisCoord(out.major[size_t(i - 1)], log)) /
            (b - a) * lengthPx;
        minGap = std::min(minGap, std::fabs(gap));
      }
    }
    const double need = horizontal ? widest + fontPx : fontPx * 1.3;
    if (minGap >= need) break;
    maxTicks = std::min(maxTicks - 1, n - 1);
    AxisTicks thinner = compute(maxTicks);
    if (thinner.major.size() < 2) break;  // keep two crowded labels rather than one
    out = std::move(thinner);
    out.maxTicks = maxTicks;
  }
  return out;
}

bool minorTicksFit(const AxisTicks& t, double lo, double hi, bool log, double lengthPx,
                   double fontPx) {
  if (t.minor.empty()) return false;
  const double a = axisCoord(lo, log), b = axisCoord(hi, log);
  if (!(b > a)) return false;
  std::vector<double> all = t.minor;
  all.insert(all.end(), t.major.begin(), t.major.end());
  std::sort(all.begin(), all.end());
  for (size_t i = 1; i < all.size(); ++i) {
    const double gap = (axisCoord(all[i], log) - axisCoord(all[i - 1], log)) / (b - a) * lengthPx;
    if (gap < fontPx * 0.25) return false;
  }
  return true;
}

double BarLayout::offset(int seriesIndex) const {
  if (seriesIndex < 0 || size_t(seriesIndex) >= slot.size() || slot[size_t(seriesIndex)] < 0) {
    return 0;
  }
  return (slot[size_t(seriesIndex)] - (count - 1) / 2.0) * width();
}

BarLayout barLayout(const PlotSpec& spec, const std::vector<bool>& hidden) {
  BarLayout layout;
  std::vector<double> xs;
  layout.slot.assign(spec.series.size(), -1);
  for (size_t i = 0; i < spec.series.size(); ++i) {
    const PlotSeries& s = spec.series[i];
    if (s.style != SeriesStyle::Bars || isHidden(hidden, i)) continue;
    layout.slot[i] = layout.count++;
    for (size_t k = 0; k < pointCount(s); ++k) {
      if (std::isfinite(pointX(s, k))) xs.push_back(pointX(s, k));
    }
  }
  std::sort(xs.begin(), xs.end());
  double minGap = std::numeric_limits<double>::infinity();
  for (size_t k = 1; k < xs.size(); ++k) {
    if (xs[k] > xs[k - 1]) minGap = std::min(minGap, xs[k] - xs[k - 1]);
  }
  layout.groupWidth = 0.8 * (std::isfinite(minGap) ? minGap : 1.0);
  return layout;
}

PlotRange fitRange(const PlotSpec& spec, bool logY, const std::vector<bool>& hidden) {
  const bool logX = spec.xAxis.scale == AxisScale::Log10;
  const double inf = std::numeric_limits<double>::infinity();
  PlotRange r;
  double x0 = inf, x1 = -inf, y0 = inf, y1 = -inf;
  bool barsOnZero = false;

  auto scan = [&](bool useHidden) {
    const BarLayout bars = barLayout(spec, useHidden ? std::vector<bool>{} : hidden);
    for (size_t i = 0; i < spec.series.size(); ++i) {
      if (!useHidden && isHidden(hidden, i)) continue;
      const PlotSeries& s = spec.series[i];
      const bool isBars = s.style == SeriesStyle::Bars;
      const double half = isBars && !logX ? bars.groupWidth / 2 : 0;
      // Local extremes (not the captured ones) keep the loop in registers: it runs every frame
      // over every point of a live plot.
      double a0 = inf, a1 = -inf, b0 = inf, b1 = -inf;
      const size_t n = pointCount(s);
      for (size_t k = 0; k < n; ++k) {
        const double x = pointX(s, k), y = s.y[k];
        if (!plottable(x, y, logX, logY)) continue;
        const double e = pointError(s, k);
        a0 = std::min(a0, x), a1 = std::max(a1, x);
        b0 = std::min(b0, (logY && y - e <= 0) ? y : y - e);
        b1 = std::max(b1, y + e);
      }
      if (a0 > a1) continue;  // nothing plottable in this series
      r.hasData = true;
      x0 = std::min(x0, a0 - half), x1 = std::max(x1, a1 + half);
      y0 = std::min(y0, b0), y1 = std::max(y1, b1);
      if (isBars && !logY) {
        y0 = std::min(y0, 0.0), y1 = std::max(y1, 0.0);
        barsOnZero = true;
      }
    }
  };
  scan(false);
  if (!r.hasData) scan(true);

  if (r.hasData) {
    for (const auto& [label, v] : spec.referenceLines) {
      if (std::isfinite(v) && (!logY || v > 0)) y0 = std::min(y0, v), y1 = std::max(y1, v);
    }
    // An axis of whole numbers (steps) spans at least one unit, so that it has two integer
    // ticks: one point at step 0 gets 0 and 1, not −0.4 … 0.4 around it.
    if (spec.xAxis.integerTicks && !logX && x1 - x0 < 1) x1 = x0 + 1;
    if (spec.yAxis.integerTicks && !logY && y1 - y0 < 1) y1 = y0 + 1;
    padRange(x0, x1, logX, false);
    padRange(y0, y1, logY, barsOnZero);
    r.xMin = x0, r.xMax = x1, r.yMin = y0, r.yMax = y1;
  } else {
    r.xMin = logX ? 1 : 0, r.xMax = logX ? 10 : 1;
    r.yMin = logY ? 1 : 0, r.yMax = logY ? 10 : 1;
  }

  // A fixed axis wins over the fit, as long as it is usable on its scale.
  auto fixedOk = [](const PlotAxis& a, bool log) {
    return !a.autoFit && std::isfinite(a.min) && std::isfinite(a.max) && a.min < a.max &&
           (!log || a.min > 0);
  };
  if (fixedOk(spec.xAxis, logX)) r.xMin = spec.xAxis.min, r.xMax = spec.xAxis.max;
  if (fixedOk(spec.yAxis, logY)) r.yMin = spec.yAxis.min, r.yMax = spec.yAxis.max;
  return r;
}

LegendCorner bestLegendCorner(const PlotSpec& spec, const std::vector<bool>& hidden,
                              const PlotRange& range, bool logY, double w, double h, double insetX,
                              double insetY) {
  const bool logX = spec.xAxis.scale == AxisScale::Log10;
  const double xa = axisCoord(range.xMin, logX), xb = axisCoord(range.xMax, logX);
  const double ya = axisCoord(range.yMin, logY), yb = axisCoord(range.yMax, logY);
  if (!(xb > xa) || !(yb > ya)) return LegendCorner::TopRight;
  auto u = [&](double x) { return (axisCoord(x, logX) - xa) / (xb - xa); };
  auto v = [&](double y) { return (axisCoord(y, logY) - ya) / (yb - ya); };
  struct Box {
    double u0, v0, u1, v1;
  };
  const Box boxes[4] = {
      {1 - insetX - w, 1 - insetY - h, 1 - insetX, 1 - insetY},  // top right
      {insetX, 1 - insetY - h, insetX + w, 1 - insetY},          // top left
      {1 - insetX - w, insetY, 1 - insetX, insetY + h},          // bottom right
      {insetX, insetY, insetX + w, insetY + h},                  // bottom left
  };
  int count[4] = {0, 0, 0, 0};
  auto point = [&](double pu, double pv, int weight) {
    for (int b = 0; b < 4; ++b) {
      if (pu >= boxes[b].u0 && pu <= boxes[b].u1 && pv >= boxes[b].v0 && pv <= boxes[b].v1) {
        count[b] += weight;
      }
    }
  };
  const BarLayout bars = barLayout(spec, hidden);
  for (size_t i = 0; i < spec.series.size(); ++i) {
    if (isHidden(hidden, i)) continue;
    const PlotSeries& s = spec.series[i];
    const size_t n = pointCount(s);
    // Sample segments too, so a sparse line running through a corner counts; a dense series is
    // strided to ~4000 points, which still finds its empty corners, to keep this cheap per frame.
    const int perSegment = int(std::clamp<size_t>(4000 / std::max<size_t>(n, 1), 1, 16));
    const size_t stride = s.style == SeriesStyle::Bars ? 1 : std::max<size_t>(1, n / 4000);
    bool havePrev = false;
    double pu = 0, pv = 0;
    for (size_t k = 0; k < n; k += stride) {
      const double x = pointX(s, k), y = s.y[k];
      if (!plottable(x, y, logX, logY)) {
        havePrev = false;
        continue;
      }
      const double e = pointError(s, k);
      if (s.style == SeriesStyle::Bars) {
        const double xc = x + bars.offset(int(i)), half = bars.width() / 2;
        const double bu0 = u(xc - half), bu1 = u(xc + half);
        const double bv0 = logY ? 0.0 : v(0.0), bv1 = v(y);
        for (int b = 0; b < 4; ++b) {
          const bool overlap = std::max(bu0, boxes[b].u0) <= std::min(bu1, boxes[b].u1) &&
                               std::max(std::min(bv0, bv1), boxes[b].v0) <=
                                   std::min(std::max(bv0, bv1), boxes[b].v1);
          count[b] += overlap ? 20 : 0;
        }
      }
      const double cu = u(x), cv = v(y);
      point(cu, cv, 1);
      if (e > 0) {
        point(cu, v(y + e), 1);
        if (!logY || y - e > 0) point(cu, v(y - e), 1);
      }
      if (havePrev && s.style != SeriesStyle::Markers && s.style != SeriesStyle::Bars) {
        for (int t = 1; t < perSegment; ++t) {
          const double f = double(t) / perSegment;
          point(pu + (cu - pu) * f, pv + (cv - pv) * f, 1);
        }
      }
      havePrev = true, pu = cu, pv = cv;
    }
  }
  int best = 0;
  for (int b = 1; b < 4; ++b) {
    if (count[b] < count[best]) best = b;
  }
  return LegendCorner(best);
}

bool legendFitsInside(double boxW, double boxH, double frameW, double frameH, double inset) {
  return boxW + 2 * inset <= frameW && boxH + 2 * inset <= frameH &&
         boxW * boxH <= 0.2 * frameW * frameH;
}

std::vector<std::pair<int, double>> flowLegend(const std::vector<double>& entryWidths,
                                               double maxWidth, double gap) {
  std::vector<std::pair<int, double>> out;
  int row = 0;
  double x = 0;
  for (double w : entryWidths) {
    if (x > 0 && x + w > maxWidth) ++row, x = 0;
    out.emplace_back(row, x);
    x += w + gap;
  }
  return out;
}

}  // namespace uhop::ui
