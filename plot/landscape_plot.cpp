#include "plot/landscape_plot.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "plot/palette.h"
#include "plot/plot_export.h"
#include "plot/raster.h"

namespace uhop::ui {

namespace {

constexpr uint32_t kWhite = packColor(255, 255, 255);
constexpr uint32_t kBlack = packColor(0, 0, 0);

uint32_t mix(uint32_t a, uint32_t b, double t) {  // (1 − t)·a + t·b per channel, opaque
  auto ch = [&](int s) {
    const double v = (1 - t) * ((a >> s) & 0xFF) + t * ((b >> s) & 0xFF);
    return uint8_t(std::clamp(std::lround(v), 0L, 255L));
  };
  return packColor(ch(0), ch(8), ch(16));
}

uint32_t hsv(double h, double s, double v) {
  const double c = v * s, hp = std::fmod(h, 1.0) * 6, x = c * (1 - std::fabs(std::fmod(hp, 2) - 1));
  double r = 0, g = 0, b = 0;
  if (hp < 1)
    r = c, g = x;
  else if (hp < 2)
    r = x, g = c;
  else if (hp < 3)
    g = c, b = x;
  else if (hp < 4)
    g = x, b = c;
  else if (hp < 5)
    r = x, b = c;
  else
    r = c, b = x;
  const double m = v - c;
  return packColor(uint8_t(255 * (r + m)), uint8_t(255 * (g + m)), uint8_t(255 * (b + m)));
}

// The colour span of the energy: [min, 90th percentile] of the finite values.
std::pair<double, double> energySpan(const std::vector<double>& energy) {
  std::vector<double> finite;
  for (double e : energy)
    if (std::isfinite(e)) finite.push_back(e);
  if (finite.empty()) return {0, 1};
  const size_t k = std::min(finite.size() - 1, size_t(0.9 * double(finite.size())));
  std::nth_element(finite.begin(), finite.begin() + std::ptrdiff_t(k), finite.end());
  const double hi = finite[k];
  const double lo = *std::min_element(finite.begin(), finite.end());
  return {lo, hi > lo ? hi : lo + 1};
}

PlotSpec baseSpec(const Landscape& land, const Matrix& memories, const std::string& title,
                  const std::string& parameters) {
  PlotSpec spec;
  spec.title = title;
  spec.parameters = parameters;
  spec.xAxis.label = "x₁";
  spec.yAxis.label = "x₂";
  spec.xAxis.autoFit = spec.yAxis.autoFit = false;
  spec.xAxis.min = land.range.x0, spec.xAxis.max = land.range.x1;
  spec.yAxis.min = land.range.y0, spec.yAxis.max = land.range.y1;
  PlotSeries points;
  points.style = SeriesStyle::Markers;
  points.color = kBlack;
  for (int k = 0; k < memories.cols(); ++k) {
    points.x.push_back(memories(0, k));
    points.y.push_back(memories(1, k));
  }
  spec.series.push_back(points);
  return spec;
}

// Cell (i, j) is centred on its grid point, so the image overhangs the range by half a cell.
PlotImage gridImage(const Landscape& land, std::vector<uint32_t> rgba) {
  PlotImage image;
  image.width = image.height = land.grid;
  image.rgba = std::move(rgba);
  const double hx = (land.range.x1 - land.range.x0) / (land.grid - 1) / 2;
  const double hy = (land.range.y1 - land.range.y0) / (land.grid - 1) / 2;
  image.x0 = land.range.x0 - hx, image.x1 = land.range.x1 + hx;
  image.y0 = land.range.y0 - hy, image.y1 = land.range.y1 + hy;
  return image;
}

std::vector<uint32_t> energyPixels(const Landscape& land) {
  const auto [lo, hi] = energySpan(land.energy);
  std::vector<uint32_t> rgba(land.energy.size());
  for (size_t k = 0; k < rgba.size(); ++k)
    rgba[k] = energyColor(std::clamp((land.energy[k] - lo) / (hi - lo), 0.0, 1.0));
  return rgba;
}

std::vector<uint32_t> basinPixels(const Landscape& land) {
  std::vector<uint32_t> rgba(land.basin.size());
  for (size_t k = 0; k < rgba.size(); ++k) rgba[k] = basinColor(land.basin[k], land.maxWeight[k]);
  return rgba;
}

// Gives the ids of one panel a prefix so two panels can share a document.
std::string prefixIds(std::string svg, const std::string& prefix) {
  auto replaceAll = [&](const std::string& from, const std::string& to) {
    for (size_t at = svg.find(from); at != std::string::npos; at = svg.find(from, at + to.size()))
      svg.replace(at, from.size(), to);
  };
  replaceAll("id=\"", "id=\"" + prefix);
  replaceAll("url(#", "url(#" + prefix);
  const size_t body = svg.find("<svg");
  return body == std::string::npos ? svg : svg.substr(body);
}

}  // namespace

uint32_t basinColor(int basin, double maxWeight) {
  if (basin < 0) {
    // max p < 0.9: from mid grey (0.9) to light grey (uniform weights).
    const double t = std::clamp((0.9 - maxWeight) / 0.9, 0.0, 1.0);
    const uint8_t g = uint8_t(std::lround(120 + 90 * t));
    return packColor(g, g, g);
  }
  const uint32_t base = basin < kPaletteSize ? seriesColor(basin)
                                             : hsv(0.61803398875 * basin, 0.6,
                                                   0.85);  // golden-angle steps stay apart
  const double t = std::clamp((maxWeight - 0.9) / 0.1, 0.0, 1.0);
  return mix(kWhite, base | 0xFF000000u, 0.45 + 0.55 * t);
}

uint32_t energyColor(double t) {
  if (!std::isfinite(t)) return packColor(220, 220, 220);
  // Dark blue → teal → green → yellow: monotone in lightness, readable in grey print.
  static const uint32_t stops[] = {packColor(28, 16, 68), packColor(33, 102, 140),
                                   packColor(40, 160, 120), packColor(150, 205, 70),
                                   packColor(250, 230, 60)};
  const double u = std::clamp(t, 0.0, 1.0) * 4;
  const int k = std::min(3, int(u));
  return mix(stops[k], stops[k + 1], u - k);
}

PlotSpec landscapeEnergySpec(const Landscape& land, const Matrix& memories,
                             const std::string& parameters) {
  PlotSpec spec = baseSpec(land, memories, "energy E(x)", parameters);
  spec.tooltip =
      "The energy at each grid point with the model's constant; dark is low. Colours "
      "span the lowest energy to the 90th percentile.";
  spec.images.push_back(gridImage(land, energyPixels(land)));
  return spec;
}

PlotSpec landscapeBasinSpec(const Landscape& land, const Matrix& memories,
                            const std::string& parameters) {
  PlotSpec spec = baseSpec(land, memories, "basins after T steps", parameters);
  spec.tooltip =
      "Each grid point in the colour of the memory holding max p ≥ 0.9 after T steps "
      "(paler as max p falls to 0.9); grey: metastable, no memory holds 90 %.";
  spec.images.push_back(gridImage(land, basinPixels(land)));
  return spec;
}

std::string landscapeSvg(const Landscape& land, const Matrix& memories,
                         const std::string& parameters) {
  constexpr int kW = 540, kH = 520;
  const std::string left =
      prefixIds(plotToSvg(landscapeEnergySpec(land, memories, parameters), kW, kH), "energy-");
  const std::string right =
      prefixIds(plotToSvg(landscapeBasinSpec(land, memories, parameters), kW, kH), "basins-");
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" +
         std::to_string(2 * kW) + "\" height=\"" + std::to_string(kH) + "\" viewBox=\"0 0 " +
         std::to_string(2 * kW) + " " + std::to_string(kH) + "\">\n";
  out += "<title>" + escapeXml("landscape: " + parameters) + "</title>\n";
  out += left;
  out += "<g transform=\"translate(" + std::to_string(kW) + ",0)\">\n" + right + "</g>\n";
  return out + "</svg>\n";
}

std::string landscapePng(const Landscape& land, const Matrix& memories) {
  const int n = land.grid, s = std::max(1, 512 / n), side = n * s, gap = 8;
  const int width = 2 * side + gap;
  std::vector<uint32_t> rgba(size_t(width) * size_t(side), kWhite);
  const std::vector<uint32_t> panels[2] = {energyPixels(land), basinPixels(land)};
  for (int p = 0; p < 2; ++p)
    for (int row = 0; row < side; ++row) {
      const int j = n - 1 - row / s;  // PNG rows run top-down, grid rows bottom-up
      for (int col = 0; col < side; ++col)
        rgba[size_t(row) * width + size_t(p * (side + gap) + col)] =
            panels[p][size_t(j) * n + size_t(col / s)];
    }
  // The memories: a black disc of radius 3.5 px in a white ring out to 5 px.
  const double dx = (land.range.x1 - land.range.x0) / (n - 1);
  const double dy = (land.range.y1 - land.range.y0) / (n - 1);
  for (int k = 0; k < memories.cols(); ++k) {
    const double cx = ((memories(0, k) - land.range.x0) / dx + 0.5) * s;
    const double cy = (n - 0.5 - (memories(1, k) - land.range.y0) / dy) * s;
    for (int p = 0; p < 2; ++p)
      for (int row = int(cy) - 6; row <= int(cy) + 6; ++row)
        for (int col = int(cx) - 6; col <= int(cx) + 6; ++col) {
          if (row < 0 || row >= side || col < 0 || col >= side) continue;
          const double r = std::hypot(col + 0.5 - cx, row + 0.5 - cy);
          if (r <= 5)
            rgba[size_t(row) * width + size_t(p * (side + gap) + col)] = r <= 3.5 ? kBlack : kWhite;
        }
  }
  return encodePng(width, side, rgba);
}

}  // namespace uhop::ui
