#include "plot/svg_raster.h"

#include <stb_image.h>
#include <stb_truetype.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace uhop::ui {

namespace {

constexpr double kPi = 3.14159265358979323846;

struct Pt {
  double x, y;
};
using Poly = std::vector<Pt>;

struct ClipRect {
  double x0 = -1e30, y0 = -1e30, x1 = 1e30, y1 = 1e30;  // pixels
};

// ---------------------------------------------------------------------------------------------
// Pixels

struct Canvas {
  int w = 0, h = 0;
  std::vector<uint32_t> px;

  // Source-over of an opaque colour at coverage × opacity `a` onto a straight-alpha pixel.
  void blend(int x, int y, uint32_t color, double a) {
    if (x < 0 || y < 0 || x >= w || y >= h || !(a > 0)) return;
    a = std::min(a, 1.0);
    uint32_t& d = px[size_t(y) * size_t(w) + size_t(x)];
    const double da = double(d >> 24) / 255.0;
    const double oa = a + da * (1 - a);
    uint32_t out = uint32_t(std::lround(oa * 255)) << 24;
    for (int c = 0; c < 3; ++c) {
      const double s = double((color >> (8 * c)) & 0xFF), t = double((d >> (8 * c)) & 0xFF);
      const double v = oa > 0 ? (s * a + t * da * (1 - a)) / oa : 0;
      out |= uint32_t(std::clamp(std::lround(v), 0L, 255L)) << (8 * c);
    }
    d = out;
  }
};

// Non-zero fill of a set of polygons, anti-aliased: kSub sub-scanlines per pixel row, each span's
// horizontal coverage exact (partial pixels at both ends).
void fillPolygons(Canvas& c, const std::vector<Poly>& polys, uint32_t color, double opacity,
                  const ClipRect& clip) {
  struct Edge {
    double x0, y0, x1, y1;
    int dir;
  };
  std::vector<Edge> edges;
  double xmin = 1e30, xmax = -1e30, ymin = 1e30, ymax = -1e30;
  for (const Poly& p : polys) {
    for (size_t i = 0; i < p.size(); ++i) {
      const Pt a = p[i], b = p[(i + 1) % p.size()];
      if (!std::isfinite(a.x) || !std::isfinite(a.y) || !std::isfinite(b.x) || !std::isfinite(b.y))
        continue;
      xmin = std::min({xmin, a.x, b.x}), xmax = std::max({xmax, a.x, b.x});
      if (a.y == b.y) continue;
      ymin = std::min({ymin, a.y, b.y}), ymax = std::max({ymax, a.y, b.y});
      edges.push_back(a.y < b.y ? Edge{a.x, a.y, b.x, b.y, 1} : Edge{b.x, b.y, a.x, a.y, -1});
    }
  }
  if (edges.empty() || !(opacity > 0)) return;
  const double cx0 = std::max({clip.x0, 0.0, xmin}), cx1 = std::min({clip.x1, double(c.w), xmax});
  const int row0 = std::max({int(std::floor(ymin)), int(std::floor(std::max(clip.y0, -1.0))), 0});
  const int row1 = std::min({int(std::ceil(ymax)), int(std::ceil(std::min(clip.y1, 1e9))), c.h});
  if (cx1 <= cx0 || row1 <= row0) return;
  const int col0 = int(std::floor(cx0)), col1 = int(std::ceil(cx1));
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.y0 < b.y0; });

  constexpr int kSub = 4;
  constexpr double kWeight = 1.0 / kSub;
  std::vector<double> cov(size_t(col1 - col0) + 1);
  std::vector<size_t> active;
  std::vector<std::pair<double, int>> cross;
  size_t next = 0;
  auto addSpan = [&](double a, double b) {
    a = std::max(a, cx0), b = std::min(b, cx1);
    if (b <= a) return;
    const int ia = int(std::floor(a)), ib = int(std::floor(b));
    if (ia == ib) {
      cov[size_t(ia - col0)] += (b - a) * kWeight;
      return;
    }
    cov[size_t(ia - col0)] += (double(ia + 1) - a) * kWeight;
    for (int x = ia + 1; x < ib; ++x) cov[size_t(x - col0)] += kWeight;
    if (ib < col1) cov[size_t(ib - col0)] += (b - double(ib)) * kWeight;
  };
  for (int row = row0; row < row1; ++row) {
    std::fill(cov.begin(), cov.end(), 0.0);
    bool any = false;
    for (int k = 0; k < kSub; ++k) {
      const double sy = row + (k + 0.5) / kSub;
      if (sy < clip.y0 || sy >= clip.y1) continue;
      while (next < edges.size() && edges[next].y0 <= sy) active.push_back(next++);
      std::erase_if(active, [&](size_t e) { return edges[e].y1 <= sy; });
      cross.clear();
      for (size_t e : active) {
        const Edge& g = edges[e];
        cross.emplace_back(g.x0 + (sy - g.y0) * (g.x1 - g.x0) / (g.y1 - g.y0), g.dir);
      }
      std::sort(cross.begin(), cross.end());
      int winding = 0;
      double start = 0;
      for (const auto& [x, dir] : cross) {
        const int before = winding;
        winding += dir;
        if (before == 0 && winding != 0) start = x;
        if (before != 0 && winding == 0) addSpan(start, x), any = true;
      }
    }
    if (!any) continue;
    for (int x = col0; x < col1; ++x)
      if (cov[size_t(x - col0)] > 0)
        c.blend(x, row, color, std::min(1.0, cov[size_t(x - col0)]) * opacity);
  }
}

// Every polygon of a union is given the same (positive) orientation, so non-zero = union.
void orient(Poly& p) {
  double area = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const Pt a = p[i], b = p[(i + 1) % p.size()];
    area += a.x * b.y - b.x * a.y;
  }
  if (area < 0) std::reverse(p.begin(), p.end());
}

Poly circlePoly(Pt c, double r) {
  const int n = std::clamp(int(std::ceil(2 * kPi * r / 1.5)), 8, 96);
  Poly p;
  p.reserve(size_t(n));
  for (int k = 0; k < n; ++k) {
    const double t = 2 * kPi * k / n;
    p.push_back({c.x + r * std::cos(t), c.y + r * std::sin(t)});
  }
  orient(p);
  return p;
}

// A stroke as the union of one quad per segment and a disc at every join (round joins; at the
// figure's line widths a miter join differs by a fraction of a pixel), plus discs at the ends for
// round caps. A zero-length piece with round caps is a dot.
void strokePolyline(std::vector<Poly>& out, const Poly& pts, bool closed, double halfWidth,
                    bool roundCaps) {
  if (pts.empty() || !(halfWidth > 0)) return;
  const size_t n = pts.size();
  const size_t segments = closed ? n : n - 1;
  bool drewSegment = false;
  for (size_t i = 0; i < segments; ++i) {
    const Pt a = pts[i], b = pts[(i + 1) % n];
    const double dx = b.x - a.x, dy = b.y - a.y, len = std::hypot(dx, dy);
    if (len < 1e-9) continue;
    const double nx = -dy / len * halfWidth, ny = dx / len * halfWidth;
    Poly q{{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}};
    orient(q);
    out.push_back(std::move(q));
    drewSegment = true;
  }
  for (size_t i = 0; i < n; ++i) {
    const bool end = !closed && (i == 0 || i + 1 == n);
    if (end ? roundCaps : (drewSegment && n > 2)) out.push_back(circlePoly(pts[i], halfWidth));
  }
}

// Splits a polyline into its dashes (pattern in pixels, on/off alternating, starting "on").
std::vector<Poly> dashPolyline(const Poly& pts, const std::vector<double>& pattern) {
  double total = 0;
  for (double v : pattern) total += v;
  if (pattern.empty() || !(total > 0) || pts.size() < 2) return {pts};
  std::vector<Poly> dashes;
  size_t k = 0;
  double left = pattern[0];
  bool on = true;
  Poly current{pts[0]};
  for (size_t i = 0; i + 1 < pts.size(); ++i) {
    Pt a = pts[i];
    const Pt b = pts[i + 1];
    double len = std::hypot(b.x - a.x, b.y - a.y);
    while (len > left) {
      const double t = left / len;
      const Pt m{a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
      if (on) {
        current.push_back(m);
        dashes.push_back(current);
      }
      current = {m};
      on = !on;
      len -= left;
      a = m;
      k = (k + 1) % pattern.size();
      left = pattern[k];
    }
    left -= len;
    if (on) current.push_back(b);
  }
  if (on && current.size() >= 2) dashes.push_back(current);
  return dashes;
}

// ---------------------------------------------------------------------------------------------
// SVG attribute values

std::optional<uint32_t> parseColor(const std::string& v) {
  if (v.empty() || v == "none") return std::nullopt;
  if (v[0] == '#' && (v.size() == 7 || v.size() == 4)) {
    unsigned r, g, b;
    if (v.size() == 7) {
      if (std::sscanf(v.c_str() + 1, "%2x%2x%2x", &r, &g, &b) != 3) return std::nullopt;
    } else {
      if (std::sscanf(v.c_str() + 1, "%1x%1x%1x", &r, &g, &b) != 3) return std::nullopt;
      r *= 17, g *= 17, b *= 17;
    }
    return r | (g << 8) | (b << 16) | (0xFFu << 24);
  }
  if (v == "white") return 0xFFFFFFFFu;
  if (v == "black") return 0xFF000000u;
  return std::nullopt;
}

double number(const std::string& v, double fallback = 0) {
  if (v.empty()) return fallback;
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  return end == v.c_str() ? fallback : x;
}

std::vector<double> numberList(const std::string& v) {
  std::vector<double> out;
  const char* p = v.c_str();
  while (*p) {
    while (*p == ' ' || *p == ',' || *p == '\t' || *p == '\n') ++p;
    if (!*p) break;
    char* end = nullptr;
    const double x = std::strtod(p, &end);
    if (end == p) break;
    out.push_back(x);
    p = end;
  }
  return out;
}

struct Subpath {
  Poly pts;
  bool closed = false;
};

// The arc of SVG's endpoint parameterisation (SVG 1.1 appendix F.6.5) as a polyline, `from`
// excluded, in pixels.
void appendArc(Poly& out, Pt from, double rx, double ry, double phiDeg, bool large, bool sweep,
               Pt to) {
  rx = std::fabs(rx), ry = std::fabs(ry);
  if (rx < 1e-12 || ry < 1e-12) {
    out.push_back(to);
    return;
  }
  const double phi = phiDeg * kPi / 180, cs = std::cos(phi), sn = std::sin(phi);
  const double dx2 = (from.x - to.x) / 2, dy2 = (from.y - to.y) / 2;
  const double x1 = cs * dx2 + sn * dy2, y1 = -sn * dx2 + cs * dy2;
  const double lambda = x1 * x1 / (rx * rx) + y1 * y1 / (ry * ry);
  if (lambda > 1) rx *= std::sqrt(lambda), ry *= std::sqrt(lambda);
  const double num = rx * rx * ry * ry - rx * rx * y1 * y1 - ry * ry * x1 * x1;
  const double den = rx * rx * y1 * y1 + ry * ry * x1 * x1;
  double coef = den > 0 ? std::sqrt(std::max(0.0, num / den)) : 0;
  if (large == sweep) coef = -coef;
  const double cxp = coef * rx * y1 / ry, cyp = -coef * ry * x1 / rx;
  const double cx = cs * cxp - sn * cyp + (from.x + to.x) / 2;
  const double cy = sn * cxp + cs * cyp + (from.y + to.y) / 2;
  auto angle = [](double ux, double uy, double vx, double vy) {
    return std::atan2(ux * vy - uy * vx, ux * vx + uy * vy);
  };
  const double t1 = angle(1, 0, (x1 - cxp) / rx, (y1 - cyp) / ry);
  double dt = angle((x1 - cxp) / rx, (y1 - cyp) / ry, (-x1 - cxp) / rx, (-y1 - cyp) / ry);
  if (!sweep && dt > 0) dt -= 2 * kPi;
  if (sweep && dt < 0) dt += 2 * kPi;
  const int n = std::clamp(int(std::ceil(std::fabs(dt) * std::max(rx, ry) / 1.5)), 4, 96);
  for (int k = 1; k <= n; ++k) {
    const double t = t1 + dt * k / n;
    out.push_back({cx + rx * std::cos(t) * cs - ry * std::sin(t) * sn,
                   cy + rx * std::cos(t) * sn + ry * std::sin(t) * cs});
  }
  out.back() = to;
}

// Path data with M/L/H/V/A/Z (absolute and relative), scaled to pixels.
std::vector<Subpath> parsePath(const std::string& d, double scale) {
  std::vector<Subpath> paths;
  Pt cur{0, 0}, start{0, 0};
  char cmd = 0;
  const char* p = d.c_str();
  auto skip = [&] {
    while (*p == ' ' || *p == ',' || *p == '\t' || *p == '\n' || *p == '\r') ++p;
  };
  auto readNumber = [&](double& v) {
    skip();
    char* end = nullptr;
    v = std::strtod(p, &end);
    if (end == p) return false;
    p = end;
    return true;
  };
  auto lineTo = [&](Pt q) {
    if (paths.empty()) paths.push_back({{cur}, false});
    paths.back().pts.push_back({q.x * scale, q.y * scale});
    cur = q;
  };
  for (;;) {
    skip();
    if (!*p) break;
    if (std::isalpha(static_cast<unsigned char>(*p))) cmd = *p++;
    const bool rel = std::islower(static_cast<unsigned char>(cmd));
    switch (std::toupper(static_cast<unsigned char>(cmd))) {
      case 'M': {
        double x, y;
        if (!readNumber(x) || !readNumber(y)) return paths;
        cur = rel ? Pt{cur.x + x, cur.y + y} : Pt{x, y};
        start = cur;
        paths.push_back({{{cur.x * scale, cur.y * scale}}, false});
        cmd = rel ? 'l' : 'L';  // further pairs are line-tos
        break;
      }
      case 'L': {
        double x, y;
        if (!readNumber(x) || !readNumber(y)) return paths;
        lineTo(rel ? Pt{cur.x + x, cur.y + y} : Pt{x, y});
        break;
      }
      case 'H': {
        double x;
        if (!readNumber(x)) return paths;
        lineTo({rel ? cur.x + x : x, cur.y});
        break;
      }
      case 'V': {
        double y;
        if (!readNumber(y)) return paths;
        lineTo({cur.x, rel ? cur.y + y : y});
        break;
      }
      case 'A': {
        double rx, ry, rot, large, sweep, x, y;
        if (!readNumber(rx) || !readNumber(ry) || !readNumber(rot) || !readNumber(large) ||
            !readNumber(sweep) || !readNumber(x) || !readNumber(y))
          return paths;
        const Pt to = rel ? Pt{cur.x + x, cur.y + y} : Pt{x, y};
        if (paths.empty()) paths.push_back({{{cur.x * scale, cur.y * scale}}, false});
        appendArc(paths.back().pts, {cur.x * scale, cur.y * scale}, rx * scale, ry * scale, rot,
                  large != 0, sweep != 0, {to.x * scale, to.y * scale});
        cur = to;
        break;
      }
      case 'Z':
        if (!paths.empty()) paths.back().closed = true;
        cur = start;
        cmd = 0;
        break;
      default:
        return paths;  // a command plotToSvg never writes
    }
  }
  return paths;
}

// ---------------------------------------------------------------------------------------------
// Text

struct Font {
  std::vector<unsigned char> data;
  stbtt_fontinfo info{};
};

const Font* loadFont(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<Font>> fonts;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = fonts.find(path);
  if (it != fonts.end()) return it->second.get();
  auto font = std::make_unique<Font>();
  std::ifstream in(path, std::ios::binary);
  font->data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  const bool ok =
      !font->data.empty() && stbtt_InitFont(&font->info, font->data.data(),
                                            stbtt_GetFontOffsetForIndex(font->data.data(), 0)) != 0;
  return (fonts[path] = ok ? std::move(font) : nullptr).get();
}

std::vector<int> codePoints(const std::string& s) {
  std::vector<int> out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    int cp = len == 1 ? c : c & (0x3F >> (len - 1));
    for (int k = 1; k < len; ++k)
      cp = (cp << 6) |
           (i + size_t(k) < s.size() ? static_cast<unsigned char>(s[i + size_t(k)]) & 0x3F : 0);
    out.push_back(cp);
    i += size_t(len);
  }
  return out;
}

std::string unescapeXml(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    static const std::pair<const char*, char> entities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    bool matched = false;
    for (const auto& [name, ch] : entities) {
      const size_t n = std::strlen(name);
      if (s.compare(i, n, name) == 0) {
        out += ch;
        i += n - 1;
        matched = true;
        break;
      }
    }
    if (!matched) out += '&';
  }
  return out;
}

struct TextStyle {
  double size = 16;  // px
  int anchor = 0;    // 0 start, 1 middle, 2 end
  uint32_t color = 0xFF000000u;
  double opacity = 1;
  double rotateDeg = 0, rcx = 0, rcy = 0;  // rotate(deg cx cy), pixels
};

// Renders the line into a coverage buffer along its baseline, then maps every covered pixel
// through the rotation onto the canvas.
void drawText(Canvas& c, const Font& font, const std::string& text, double x, double y,
              const TextStyle& st, const ClipRect& clip) {
  const std::vector<int> cps = codePoints(text);
  if (cps.empty()) return;
  const float scale = stbtt_ScaleForMappingEmToPixels(&font.info, float(st.size));
  int ascent, descent, lineGap;
  stbtt_GetFontVMetrics(&font.info, &ascent, &descent, &lineGap);
  double width = 0;
  for (size_t i = 0; i < cps.size(); ++i) {
    int advance, lsb;
    stbtt_GetCodepointHMetrics(&font.info, cps[i], &advance, &lsb);
    width += advance * scale;
    if (i + 1 < cps.size())
      width += stbtt_GetCodepointKernAdvance(&font.info, cps[i], cps[i + 1]) * scale;
  }
  const int baseRow = int(std::ceil(ascent * scale)) + 1;
  const int bw = int(std::ceil(width)) + 4, bh = baseRow + int(std::ceil(-descent * scale)) + 2;
  std::vector<float> buf(size_t(bw) * size_t(bh), 0.0f);
  double pen = 1;
  for (size_t i = 0; i < cps.size(); ++i) {
    const int ix = int(std::floor(pen));
    const float shift = float(pen - ix);
    int x0, y0, x1, y1;
    stbtt_GetCodepointBitmapBoxSubpixel(&font.info, cps[i], scale, scale, shift, 0, &x0, &y0, &x1,
                                        &y1);
    const int gw = x1 - x0, gh = y1 - y0;
    if (gw > 0 && gh > 0) {
      std::vector<unsigned char> glyph(size_t(gw) * size_t(gh));
      stbtt_MakeCodepointBitmapSubpixel(&font.info, glyph.data(), gw, gh, gw, scale, scale, shift,
                                        0, cps[i]);
      for (int gy = 0; gy < gh; ++gy)
        for (int gx = 0; gx < gw; ++gx) {
          const int bx = ix + x0 + gx, by = baseRow + y0 + gy;
          if (bx < 0 || by < 0 || bx >= bw || by >= bh) continue;
          float& v = buf[size_t(by) * size_t(bw) + size_t(bx)];
          v = std::min(1.0f, v + glyph[size_t(gy) * size_t(gw) + size_t(gx)] / 255.0f);
        }
    }
    int advance, lsb;
    stbtt_GetCodepointHMetrics(&font.info, cps[i], &advance, &lsb);
    pen += advance * scale;
    if (i + 1 < cps.size())
      pen += stbtt_GetCodepointKernAdvance(&font.info, cps[i], cps[i + 1]) * scale;
  }
  const double left = x - (st.anchor == 1 ? width / 2 : st.anchor == 2 ? width : 0) - 1;
  const double top = y - baseRow;
  const double t = st.rotateDeg * kPi / 180, cs = std::cos(t), sn = std::sin(t);
  for (int by = 0; by < bh; ++by)
    for (int bx = 0; bx < bw; ++bx) {
      const float v = buf[size_t(by) * size_t(bw) + size_t(bx)];
      if (v <= 0) continue;
      double ux = std::round(left) + bx + 0.5, uy = std::round(top) + by + 0.5;
      if (st.rotateDeg != 0) {
        const double dx = ux - st.rcx, dy = uy - st.rcy;
        ux = st.rcx + dx * cs - dy * sn, uy = st.rcy + dx * sn + dy * cs;
      }
      if (ux < clip.x0 || ux >= clip.x1 || uy < clip.y0 || uy >= clip.y1) continue;
      c.blend(int(std::floor(ux)), int(std::floor(uy)), st.color, v * st.opacity);
    }
}

// ---------------------------------------------------------------------------------------------
// Images

std::string decodeBase64(const std::string& s) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char ch : s) {
    int v;
    if (ch >= 'A' && ch <= 'Z')
      v = ch - 'A';
    else if (ch >= 'a' && ch <= 'z')
      v = ch - 'a' + 26;
    else if (ch >= '0' && ch <= '9')
      v = ch - '0' + 52;
    else if (ch == '+')
      v = 62;
    else if (ch == '/')
      v = 63;
    else
      continue;  // padding, whitespace
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xFF);
    }
  }
  return out;
}

// Nearest-neighbour (the figures' heat maps are drawn "pixelated").
void drawImage(Canvas& c, const std::string& href, double x, double y, double w, double h,
               const ClipRect& clip) {
  const std::string prefix = "data:image/png;base64,";
  if (href.compare(0, prefix.size(), prefix) != 0 || !(w > 0) || !(h > 0)) return;
  const std::string png = decodeBase64(href.substr(prefix.size()));
  int iw = 0, ih = 0, channels = 0;
  unsigned char* pixels = stbi_load_from_memory(reinterpret_cast<const unsigned char*>(png.data()),
                                                int(png.size()), &iw, &ih, &channels, 4);
  if (!pixels) return;
  const int px0 = std::max({0, int(std::floor(x)), int(std::floor(std::max(clip.x0, -1.0)))});
  const int py0 = std::max({0, int(std::floor(y)), int(std::floor(std::max(clip.y0, -1.0)))});
  const int px1 = std::min({c.w, int(std::ceil(x + w)), int(std::ceil(std::min(clip.x1, 1e9)))});
  const int py1 = std::min({c.h, int(std::ceil(y + h)), int(std::ceil(std::min(clip.y1, 1e9)))});
  for (int py = py0; py < py1; ++py)
    for (int px = px0; px < px1; ++px) {
      const double u = (px + 0.5 - x) / w, v = (py + 0.5 - y) / h;
      if (u < 0 || u >= 1 || v < 0 || v >= 1) continue;
      const unsigned char* s =
          pixels + 4 * (size_t(int(v * ih)) * size_t(iw) + size_t(int(u * iw)));
      c.blend(px, py, uint32_t(s[0]) | uint32_t(s[1]) << 8 | uint32_t(s[2]) << 16 | 0xFF000000u,
              s[3] / 255.0);
    }
  stbi_image_free(pixels);
}

// ---------------------------------------------------------------------------------------------
// The document

using Attrs = std::map<std::string, std::string>;

// What a <g> passes on to its children.
struct Inherited {
  std::string fill = "#000000", fontSize = "16", anchor = "start", fontWeight, clip;
  bool inDefs = false, skipText = false;
  std::string clipPathId;  // inside <clipPath id=…>
};

class Renderer {
 public:
  Renderer(double scale, std::string fontPath) : scale_(scale), fontPath_(std::move(fontPath)) {}

  RasterImage run(const std::string& svg) {
    std::vector<Inherited> stack{Inherited{}};
    std::string pendingText;
    Attrs textAttrs;
    bool inText = false;
    size_t i = 0;
    while (i < svg.size()) {
      if (svg[i] != '<') {
        const size_t end = svg.find('<', i);
        if (inText)
          pendingText += svg.substr(i, end == std::string::npos ? std::string::npos : end - i);
        i = end == std::string::npos ? svg.size() : end;
        continue;
      }
      if (svg.compare(i, 4, "<!--") == 0) {
        const size_t end = svg.find("-->", i);
        i = end == std::string::npos ? svg.size() : end + 3;
        continue;
      }
      if (svg.compare(i, 2, "<?") == 0 || svg.compare(i, 2, "<!") == 0) {
        const size_t end = svg.find('>', i);
        i = end == std::string::npos ? svg.size() : end + 1;
        continue;
      }
      const size_t close = svg.find('>', i);
      if (close == std::string::npos) break;
      std::string tag = svg.substr(i + 1, close - i - 1);
      i = close + 1;
      if (!tag.empty() && tag[0] == '/') {
        const std::string name = tag.substr(1);
        if (name == "text" && inText) {
          inText = false;
          if (!stack.back().skipText && !stack.back().inDefs)
            text(textAttrs, stack.back(), unescapeXml(pendingText));
        }
        if (stack.size() > 1) stack.pop_back();
        continue;
      }
      const bool selfClosing = !tag.empty() && tag.back() == '/';
      if (selfClosing) tag.pop_back();
      std::string name;
      Attrs attrs = parseTag(tag, name);
      Inherited here = stack.back();
      inheritFrom(attrs, here);
      if (name == "svg") begin(attrs);
      if (name == "defs") here.inDefs = true;
      if (name == "clipPath") here.clipPathId = attrValue(attrs, "id");
      if (name == "title" || name == "desc") here.skipText = true;
      if (name == "text") {
        inText = !selfClosing;
        pendingText.clear();
        textAttrs = attrs;
      } else if (!here.inDefs) {
        shape(name, attrs, here);
      } else if (name == "rect" && !here.clipPathId.empty()) {
        clips_[here.clipPathId] = {
            number(attrValue(attrs, "x")) * scale_, number(attrValue(attrs, "y")) * scale_,
            (number(attrValue(attrs, "x")) + number(attrValue(attrs, "width"))) * scale_,
            (number(attrValue(attrs, "y")) + number(attrValue(attrs, "height"))) * scale_};
      }
      if (!selfClosing) stack.push_back(here);
    }
    if (canvas_.w == 0) throw std::runtime_error("SVG raster: the document has no width/height");
    return RasterImage{canvas_.w, canvas_.h, std::move(canvas_.px)};
  }

 private:
  double scale_;
  std::string fontPath_;
  Canvas canvas_;
  std::map<std::string, ClipRect> clips_;

  static std::string attrValue(const Attrs& a, const std::string& key) {
    auto it = a.find(key);
    return it == a.end() ? std::string() : it->second;
  }

  static Attrs parseTag(const std::string& tag, std::string& name) {
    Attrs attrs;
    size_t i = 0;
    while (i < tag.size() && !std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
    name = tag.substr(0, i);
    for (;;) {
      while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
      const size_t eq = tag.find('=', i);
      if (eq == std::string::npos) break;
      const std::string key = tag.substr(i, eq - i);
      if (eq + 1 >= tag.size()) break;
      const char quote = tag[eq + 1];
      const size_t end = tag.find(quote, eq + 2);
      if (end == std::string::npos) break;
      attrs[key] = unescapeXml(tag.substr(eq + 2, end - eq - 2));
      i = end + 1;
    }
    return attrs;
  }

  static void inheritFrom(const Attrs& a, Inherited& h) {
    if (auto it = a.find("fill"); it != a.end()) h.fill = it->second;
    if (auto it = a.find("font-size"); it != a.end()) h.fontSize = it->second;
    if (auto it = a.find("text-anchor"); it != a.end()) h.anchor = it->second;
    if (auto it = a.find("font-weight"); it != a.end()) h.fontWeight = it->second;
    if (auto it = a.find("clip-path"); it != a.end()) h.clip = it->second;
  }

  ClipRect clipOf(const Inherited& h) const {
    // clip-path="url(#id)"
    if (h.clip.size() > 6 && h.clip.compare(0, 5, "url(#") == 0) {
      auto it = clips_.find(h.clip.substr(5, h.clip.size() - 6));
      if (it != clips_.end()) return it->second;
    }
    return {};
  }

  void begin(const Attrs& a) {
    const double w = number(attrValue(a, "width")), h = number(attrValue(a, "height"));
    if (!(w > 0) || !(h > 0))
      throw std::runtime_error("SVG raster: the document has no width/height");
    canvas_.w = std::max(1, int(std::lround(w * scale_)));
    canvas_.h = std::max(1, int(std::lround(h * scale_)));
    canvas_.px.assign(size_t(canvas_.w) * size_t(canvas_.h), 0u);
  }

  void paint(const std::vector<Subpath>& paths, const Attrs& a, const Inherited& h) {
    const ClipRect clip = clipOf(h);
    if (auto fill = parseColor(h.fill)) {
      std::vector<Poly> polys;
      for (const Subpath& s : paths)
        if (s.pts.size() >= 3) polys.push_back(s.pts);
      fillPolygons(canvas_, polys, *fill, number(attrValue(a, "fill-opacity"), 1), clip);
    }
    if (auto stroke = parseColor(attrValue(a, "stroke"))) {
      const double half = number(attrValue(a, "stroke-width"), 1) * scale_ / 2;
      const bool round = attrValue(a, "stroke-linecap") == "round";
      std::vector<double> dashes = numberList(attrValue(a, "stroke-dasharray"));
      for (double& d : dashes) d *= scale_;
      std::vector<Poly> polys;
      for (const Subpath& s : paths) {
        if (dashes.empty() || s.closed) {
          strokePolyline(polys, s.pts, s.closed, half, round);
        } else {
          for (const Poly& dash : dashPolyline(s.pts, dashes))
            strokePolyline(polys, dash, false, half, round);
        }
      }
      fillPolygons(canvas_, polys, *stroke, number(attrValue(a, "stroke-opacity"), 1), clip);
    }
  }

  void shape(const std::string& name, const Attrs& a, const Inherited& h) {
    auto n = [&](const char* key) { return number(attrValue(a, key)) * scale_; };
    if (name == "rect") {
      const double x = n("x"), y = n("y"), w = n("width"), hh = n("height");
      if (!(w > 0) || !(hh > 0)) return;
      paint({{{{x, y}, {x + w, y}, {x + w, y + hh}, {x, y + hh}}, true}}, a, h);
    } else if (name == "line") {
      Inherited noFill = h;
      noFill.fill = "none";  // a line has no inside
      paint({{{{n("x1"), n("y1")}, {n("x2"), n("y2")}}, false}}, a, noFill);
    } else if (name == "circle") {
      paint({{circlePoly({n("cx"), n("cy")}, n("r")), true}}, a, h);
    } else if (name == "path") {
      paint(parsePath(attrValue(a, "d"), scale_), a, h);
    } else if (name == "image") {
      std::string href = attrValue(a, "xlink:href");
      if (href.empty()) href = attrValue(a, "href");
      drawImage(canvas_, href, n("x"), n("y"), n("width"), n("height"), clipOf(h));
    }
  }

  void text(const Attrs& a, const Inherited& inherited, const std::string& content) {
    Inherited h = inherited;
    inheritFrom(a, h);
    const auto color = parseColor(h.fill);
    if (!color || content.empty()) return;
    std::string path = fontPath_;
    if (h.fontWeight == "bold") {
      const size_t dot = path.rfind(".ttf");
      if (dot != std::string::npos) {
        const std::string bold = path.substr(0, dot) + "-Bold.ttf";
        if (loadFont(bold)) path = bold;
      }
    }
    const Font* font = loadFont(path);
    if (!font) throw std::runtime_error("PNG figure: cannot load the font " + path);
    TextStyle st;
    st.size = number(h.fontSize, 16) * scale_;
    st.anchor = h.anchor == "middle" ? 1 : h.anchor == "end" ? 2 : 0;
    st.color = *color;
    st.opacity = number(attrValue(a, "fill-opacity"), 1);
    const std::string transform = attrValue(a, "transform");
    if (transform.rfind("rotate(", 0) == 0) {
      const std::vector<double> r = numberList(transform.substr(7));
      if (!r.empty()) st.rotateDeg = r[0];
      if (r.size() >= 3) st.rcx = r[1] * scale_, st.rcy = r[2] * scale_;
    }
    drawText(canvas_, *font, content, number(attrValue(a, "x")) * scale_,
             number(attrValue(a, "y")) * scale_, st, clipOf(h));
  }
};

}  // namespace

RasterImage rasterizeSvg(const std::string& svg, double scale, const std::string& fontPath) {
  if (!(scale > 0) || scale > 16) throw std::runtime_error("SVG raster: scale must be in (0, 16]");
  return Renderer(scale, fontPath).run(svg);
}

}  // namespace uhop::ui
