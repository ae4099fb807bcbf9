#include "plot/sweep_plot.h"

#include <cstdio>

namespace uhop::ui {

PlotSpec sweepPlotSpec(const SweepConfig& config, const std::vector<SweepPoint>& points,
                       SweepMetric metric, const std::string& context) {
  PlotSpec spec;
  const char* what = metric == SweepMetric::Error     ? "Retrieval error"
                     : metric == SweepMetric::Correct ? "Correct retrievals"
                                                      : "Metastable queries";
  spec.title = std::string(what) + " vs " + sweepAxisLabel(config.kind);
  if (!context.empty()) spec.title += " (" + context + ")";
  spec.xAxis.label = sweepAxisLabel(config.kind);
  // A log axis cannot show x = 0 (σ = 0, N = 0), so only capacity and β use one.
  spec.xAxis.scale = sweepLogX(config.kind) ? AxisScale::Log10 : AxisScale::Linear;
  spec.yAxis.label = metric == SweepMetric::Error     ? "mean error (Σ px² per query)"
                     : metric == SweepMetric::Correct ? "fraction correct"
                                                      : "fraction metastable";
  spec.tooltip =
      "Every memory as a corrupted query, per model and seed; points are the mean over seeds, "
      "error bars ± one sample standard deviation (n − 1).";
  for (size_t m = 0; m < config.models.size(); ++m) {
    PlotSeries s;
    s.name = config.models[m].name;
    s.style = SeriesStyle::LineMarkers;
    for (const SweepPoint& p : points) {
      if (p.modelIndex != static_cast<int>(m) || p.seeds == 0) continue;
      s.x.push_back(p.x);
      switch (metric) {
        case SweepMetric::Error:
          s.y.push_back(p.meanError), s.yError.push_back(p.stdError);
          break;
        case SweepMetric::Correct:
          s.y.push_back(p.meanCorrect), s.yError.push_back(p.stdCorrect);
          break;
        case SweepMetric::Metastable:
          s.y.push_back(p.meanMetastable), s.yError.push_back(p.stdMetastable);
          break;
      }
    }
    spec.series.push_back(std::move(s));
  }
  return spec;
}

namespace {

std::string shortNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::string sweepParameters(const SweepConfig& config, const std::string& source) {
  std::string out = source.empty() ? std::string("memories") : source;
  out +=
      config.kind == SweepKind::Capacity ? " · M = x" : " · M = " + std::to_string(config.memories);
  out += " · " +
         (config.kind == SweepKind::Noise ? std::string("noise:σ = x") : config.corruption.name());
  out += " · T = " + std::to_string(config.steps);
  out += " · " + std::to_string(config.seeds) + (config.seeds == 1 ? " seed" : " seeds");
  if (config.kind == SweepKind::Beta) {
    out += " · β = x";
  } else if (!config.models.empty()) {
    // One β for the whole figure when every model shares it (the default), else "β per model".
    const double beta = config.models.front().model.beta;
    bool shared = true;
    for (const ModelSpec& m : config.models) shared = shared && m.model.beta == beta;
    out += shared ? " · β = " + shortNumber(beta) : std::string(" · β per model");
  }
  return out;
}

}  // namespace uhop::ui
