#include "core/landscape.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <numbers>

#include "core/random.h"

namespace uhop {

namespace {

Matrix fromPoints(const std::vector<std::pair<double, double>>& points) {
  Matrix m(2, static_cast<int>(points.size()));
  for (size_t k = 0; k < points.size(); ++k) {
    m(0, static_cast<int>(k)) = static_cast<float>(points[k].first);
    m(1, static_cast<int>(k)) = static_cast<float>(points[k].second);
  }
  return m;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

// A finite number spelling the whole of `text`, or false.
bool parseNumber(const std::string& text, double& value) {
  const std::string t = trim(text);
  if (t.empty()) return false;
  char* end = nullptr;
  errno = 0;
  value = std::strtod(t.c_str(), &end);
  return errno == 0 && end == t.c_str() + t.size() && std::isfinite(value);
}

}  // namespace

const std::vector<std::string>& landscapePresetNames() {
  static const std::vector<std::string> names = {"pairs", "cluster-outlier", "ring8", "random12"};
  return names;
}

Matrix landscapePreset(const std::string& name, uint64_t seed) {
  if (name == "pairs")  // two pairs whose members sit 0.25 apart, the pairs far from each other
    return fromPoints({{-0.8, 0.5}, {-0.55, 0.5}, {0.6, -0.5}, {0.6, -0.25}});
  if (name == "cluster-outlier")
    return fromPoints(
        {{-0.5, -0.4}, {-0.3, -0.4}, {-0.4, -0.2}, {-0.6, -0.2}, {-0.4, -0.55}, {0.9, 0.9}});
  if (name == "ring8") {
    std::vector<std::pair<double, double>> ring;
    for (int k = 0; k < 8; ++k) {
      const double angle = 2 * std::numbers::pi * k / 8;
      ring.emplace_back(std::cos(angle), std::sin(angle));
    }
    return fromPoints(ring);
  }
  if (name == "random12") {
    Random rng(seed);
    std::vector<std::pair<double, double>> points;
    for (int k = 0; k < 12; ++k) {
      const double x = 2 * rng.uniform() - 1;
      points.emplace_back(x, 2 * rng.uniform() - 1);
    }
    return fromPoints(points);
  }
  std::string known;
  for (const std::string& n : landscapePresetNames()) known += (known.empty() ? "" : ", ") + n;
  throw ConfigError("unknown landscape preset '" + name + "' (known: " + known + ")");
}

Matrix parseLandscapePoints(const std::string& text) {
  std::vector<std::pair<double, double>> points;
  if (trim(text).empty())
    throw ConfigError("--points: no point given (expected \"x1,y1;x2,y2;...\")");
  for (const std::string& entry : split(text, ';')) {
    const std::vector<std::string> xy = split(entry, ',');
    double x = 0, y = 0;
    if (xy.size() != 2 || !parseNumber(xy[0], x) || !parseNumber(xy[1], y))
      throw ConfigError("--points: entry " + std::to_string(points.size() + 1) + " '" + entry +
                        "' is not two finite numbers \"x,y\"");
    points.emplace_back(x, y);
  }
  if (points.size() > static_cast<size_t>(kLandscapeMaxMemories))
    throw ConfigError("--points: " + std::to_string(points.size()) + " points, at most " +
                      std::to_string(kLandscapeMaxMemories) + " are allowed");
  return fromPoints(points);
}

LandscapeRange parseLandscapeRange(const std::string& text) {
  const std::vector<std::string> parts = split(text, ',');
  double v[4];
  if (parts.size() != 4)
    throw ConfigError("--range '" + text + "': expected four numbers x0,x1,y0,y1");
  for (int k = 0; k < 4; ++k)
    if (!parseNumber(parts[k], v[k]))
      throw ConfigError("--range '" + text + "': '" + parts[k] + "' is not a finite number");
  if (!(v[0] < v[1]) || !(v[2] < v[3]))
    throw ConfigError("--range '" + text + "': needs x0 < x1 and y0 < y1");
  return {v[0], v[1], v[2], v[3]};
}

Matrix landscapeGrid(int grid, const LandscapeRange& r) {
  if (grid < 2 || grid > kLandscapeMaxGrid)
    throw ConfigError("--grid " + std::to_string(grid) + ": must be between 2 and " +
                      std::to_string(kLandscapeMaxGrid));
  if (!(std::isfinite(r.x0) && std::isfinite(r.x1) && std::isfinite(r.y0) && std::isfinite(r.y1)) ||
      !(r.x0 < r.x1) || !(r.y0 < r.y1))
    throw ConfigError("landscape range: needs finite x0 < x1 and y0 < y1");
  Matrix q(2, grid * grid);
  const double dx = (r.x1 - r.x0) / (grid - 1), dy = (r.y1 - r.y0) / (grid - 1);
  for (int j = 0; j < grid; ++j)
    for (int i = 0; i < grid; ++i) {
      q(0, j * grid + i) = static_cast<float>(r.x0 + i * dx);
      q(1, j * grid + i) = static_cast<float>(r.y0 + j * dy);
    }
  return q;
}

Landscape computeLandscape(const HopfieldModel& model, int grid, const LandscapeRange& range,
                           int steps) {
  if (model.dimension() != 2)
    throw ConfigError("landscape: the memories must be points in the plane (d = 2), got d = " +
                      std::to_string(model.dimension()));
  if (model.memoryCount() < 1 || model.memoryCount() > kLandscapeMaxMemories)
    throw ConfigError("landscape: " + std::to_string(model.memoryCount()) +
                      " memories, between 1 and " + std::to_string(kLandscapeMaxMemories) +
                      " are allowed");
  if (steps < 0) throw ConfigError("landscape: the number of steps must be ≥ 0");
  Landscape out;
  out.grid = grid;
  out.range = range;
  const Matrix queries = landscapeGrid(grid, range);
  const long long n = queries.cols();

  // E(x_0) comes from its own pass: retrieve() would evaluate E at every step, and only the
  // energy of the grid point itself is shown.
  const VectorD energy = model.energy(queries);
  out.energy.assign(energy.data(), energy.data() + n);

  RetrievalOptions options;
  options.steps = steps;
  options.recordEnergy = false;
  const RetrievalTrace trace = retrieve(model, queries, options);
  out.basin.resize(n);
  out.maxWeight.resize(n);
  for (long long q = 0; q < n; ++q) {
    int best = 0;
    const float maxP = trace.finalWeights.col(q).maxCoeff(&best);
    out.maxWeight[q] = maxP;
    out.basin[q] = maxP >= kBasinWeight ? best : -1;
  }
  return out;
}

}  // namespace uhop
