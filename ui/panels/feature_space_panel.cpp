#include "ui/panels/feature_space_panel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "plot/palette.h"
#include "ui/theme.h"

namespace uhop::ui {
namespace {

// Fashion-MNIST's ten classes, in label order (the data set's documentation).
const char* const kFashionClasses[] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                       "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

// Ten well-separated hues for class labels (the 8-colour series palette would repeat two of
// Fashion-MNIST's and CIFAR-10's classes); beyond ten they repeat.
uint32_t labelColour(int label) {
  static const uint8_t kRgb[10][3] = {
      {31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
      {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
  const auto& c = kRgb[((label % 10) + 10) % 10];
  return packColor(c[0], c[1], c[2]);
}

std::string labelName(int label, const std::string& source) {
  if (source.rfind("fashion-mnist", 0) == 0 && label >= 0 && label < 10)
    return kFashionClasses[label];
  return "class " + std::to_string(label);
}

}  // namespace

PlotSpec layoutPlot(const FeatureViewResult& r, const PlaneLayout& layout, const std::string& title,
                    const std::string& source, std::vector<std::vector<int>>* memoryOf) {
  PlotSpec spec;
  spec.title = title;
  spec.xAxis.label = "principal axis 1";
  spec.yAxis.label = "principal axis 2";
  // One series per label, in label order (the legend reads 0, 1, 2, …).
  std::map<int, PlotSeries> byLabel;
  std::map<int, std::vector<int>> memoriesByLabel;
  for (Eigen::Index n = 0; n < layout.cols(); ++n) {
    const int label = r.labels.empty() ? -1 : r.labels[n];
    if (n < static_cast<Eigen::Index>(r.shown.size())) memoriesByLabel[label].push_back(r.shown[n]);
    PlotSeries& s = byLabel[label];
    if (s.name.empty()) {
      s.name = label < 0 ? "memories" : labelName(label, source);
      s.style = SeriesStyle::Markers;
      if (label >= 0) s.color = labelColour(label);
    }
    s.x.push_back(layout(0, n));
    s.y.push_back(layout(1, n));
  }
  for (auto& [label, s] : byLabel) {
    spec.series.push_back(std::move(s));
    if (memoryOf) memoryOf->push_back(std::move(memoriesByLabel[label]));
  }
  return spec;
}

PlotSpec marginHistogram(const FeatureViewResult& r, int bins) {
  PlotSpec spec;
  spec.title = "Separation of each memory";
  spec.xAxis.label = "Δ_μ = K(ξ_μ, ξ_μ) − max_{ν≠μ} K(ξ_μ, ξ_ν)";
  spec.yAxis.label = "memories";
  spec.yAxis.integerTicks = true;
  double lo = INFINITY, hi = -INFINITY;
  for (const auto* v : {&r.rawMargins, &r.kernelMargins})
    for (double x : *v) lo = std::min(lo, x), hi = std::max(hi, x);
  if (!(hi >= lo)) return spec;
  if (hi == lo) hi = lo + 1;
  const double width = (hi - lo) / bins;
  auto histogram = [&](const std::vector<double>& values, const char* name) {
    PlotSeries s;
    s.name = name;
    s.style = SeriesStyle::Bars;
    std::vector<double> counts(bins, 0);
    for (double x : values)
      counts[std::clamp(static_cast<int>((x - lo) / width), 0, bins - 1)] += 1;
    for (int b = 0; b < bins; ++b) {
      s.x.push_back(lo + (b + 0.5) * width);
      s.y.push_back(counts[b]);
    }
    spec.series.push_back(std::move(s));
  };
  histogram(r.rawMargins, "Δ_μ raw (dot product)");
  if (!r.kernelMargins.empty()) histogram(r.kernelMargins, "Δ^Φ_μ kernel (U-Hop)");
  return spec;
}

void memoryTooltip(const AppModel& model, UiContext& ui, int memory) {
  const MemorySet* set = model.memories.set.get();
  if (!set || memory < 0 || memory >= set->count()) return;
  ImGui::BeginTooltip();
  char key[32];
  std::snprintf(key, sizeof key, "mem%d", memory);
  image(ui, key, model.memories.version, set->patterns.col(memory).data(), set->shape, em() * 5,
        false);
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::Text("memory #%d", memory);
  if (memory < static_cast<int>(set->labels.size())) {
    const int label = set->labels[memory];
    const std::string name = labelName(label, model.memories.source);
    if (name == "class " + std::to_string(label))
      ImGui::Text("label %d", label);
    else
      ImGui::Text("label %d (%s)", label, name.c_str());
  }
  if (memory < static_cast<int>(set->names.size()))
    ImGui::TextUnformatted(set->names[memory].c_str());
  ImGui::EndGroup();
  ImGui::EndTooltip();
}

void FeatureSpacePanel::draw(const AppModel& model, Commands& commands, UiContext& ui) {
  if (!model.featureView.shown) return;
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowSize(ImVec2(viewport->WorkSize.x * 0.7f, viewport->WorkSize.y * 0.8f),
                           ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos(ImVec2(viewport->WorkPos.x + viewport->WorkSize.x * 0.15f,
                                 viewport->WorkPos.y + viewport->WorkSize.y * 0.1f),
                          ImGuiCond_FirstUseEver);
  bool open = true;
  if (ImGui::Begin("Feature space", &open, ImGuiWindowFlags_NoCollapse)) {
    const ImVec2 min = ImGui::GetWindowPos();
    ui.record("window.feature-space", min,
              ImVec2(min.x + ImGui::GetWindowWidth(), min.y + ImGui::GetWindowHeight()));
    drawContent(model, ui);
  }
  ImGui::End();
  if (!open) commands.push_back(SetFeatureViewShown{false});
}

void FeatureSpacePanel::drawContent(const AppModel& model, UiContext& ui) {
  const FeatureViewResult* r = model.featureView.result.get();
  if (!r || r->memoriesVersion != model.memories.version) {
    ImGui::TextDisabled(model.memories.set ? "laying out the memories…" : "no memories loaded");
    return;
  }
  if (!r->error.empty()) {
    textColored(colorBad(), "%s", r->error.c_str());
    return;
  }
  const int count = model.memories.count();
  ImGui::PushTextWrapPos(0);
  if (static_cast<int>(r->shown.size()) < count)
    ImGui::TextDisabled("Showing %d of %d memories, evenly spaced; Δ among those shown.",
                        static_cast<int>(r->shown.size()), count);
  ImGui::PopTextWrapPos();

  const float avail = ImGui::GetContentRegionAvail().y;
  const float plotH = std::max(em() * 12, avail * 0.5f);
  if (ImGui::BeginTable("feature-layouts", 2, ImGuiTableFlags_SizingStretchSame)) {
    // Hovering a point shows that memory (the plot picks the nearest marker).
    auto hoverMemory = [&](const PlotViewState& view, const std::vector<std::vector<int>>& of) {
      if (view.hoveredSeries >= 0 && view.hoveredSeries < static_cast<int>(of.size()) &&
          view.hoveredPoint < static_cast<int>(of[view.hoveredSeries].size()))
        memoryTooltip(model, ui, of[view.hoveredSeries][view.hoveredPoint]);
    };
    std::vector<std::vector<int>> memoryOf;
    ImGui::TableNextColumn();
    rawView.pickPoints = true;
    plot(ui, "plot.feature.raw",
         layoutPlot(*r, r->raw, "Raw memories ξ (PCA)", model.memories.source, &memoryOf), rawView,
         plotH);
    hoverMemory(rawView, memoryOf);
    if (rawView.hoveredSeries < 0)
      tooltip(
          "The memories on the two directions along which they vary most. Fixed per memory set. "
          "Hover a point to see that memory.");
    ImGui::TableNextColumn();
    if (r->feature.cols() > 0) {
      const std::string title = "Feature space Wξ/‖Wξ‖ at Stage I step " + std::to_string(r->wStep);
      memoryOf.clear();
      featureView.pickPoints = true;
      plot(ui, "plot.feature.kernel",
           layoutPlot(*r, r->feature, title, model.memories.source, &memoryOf), featureView, plotH);
      hoverMemory(featureView, memoryOf);
      if (featureView.hoveredSeries < 0)
        tooltip(
            "The normalised features on their two main directions, turned each step to best "
            "match the previous picture (Procrustes), so motion means the geometry changed. "
            "Stage I spreads them. Hover a point to see that memory.");
    } else {
      ImGui::TextDisabled("waiting for Stage I's W");
    }
    ImGui::EndTable();
  }

  if (ImGui::BeginTable("feature-maps", 2, ImGuiTableFlags_SizingStretchSame)) {
    ImGui::TableNextColumn();
    const float side = std::max(em() * 6, std::min(ImGui::GetContentRegionAvail().x * 0.48f,
                                                   ImGui::GetContentRegionAvail().y - em() * 2));
    if (!r->mapOrder.empty()) {
      const int m = static_cast<int>(r->mapOrder.size());
      const ImageShape shape{m, m, 3};
      const uint64_t version =
          model.memories.version * 1000003ull + static_cast<uint64_t>(r->wStep + 1);
      ImGui::BeginGroup();
      ImGui::TextUnformatted("⟨ξ_μ, ξ_ν⟩");
      image(ui, "feature.rawmap", model.memories.version, r->rawMap.data(), shape, side * 0.5f,
            true);
      ImGui::EndGroup();
      tooltip(
          "Raw similarity of every pair (dark = low, yellow = high), memories ordered by label.");
      if (!r->kernelMap.empty()) {
        ImGui::SameLine();
        ImGui::BeginGroup();
        ImGui::TextUnformatted("⟨Wξ_μ, Wξ_ν⟩");
        image(ui, "feature.kernelmap", version, r->kernelMap.data(), shape, side * 0.5f, true);
        ImGui::EndGroup();
        tooltip(
            "The kernel's similarity of every pair. After Stage I the off-diagonal darkens: the "
            "memories are spread apart.");
      }
    } else {
      ImGui::PushTextWrapPos(0);
      ImGui::TextDisabled("Similarity maps are drawn for up to %d memories.",
                          kSimilarityMapMaxMemories);
      ImGui::PopTextWrapPos();
    }
    ImGui::TableNextColumn();
    plot(ui, "plot.feature.margins", marginHistogram(*r), marginView,
         std::max(em() * 8, ImGui::GetContentRegionAvail().y));
    tooltip(
        "Larger Δ means a memory stands out from its nearest rival: the retrieval error bound "
        "shrinks like exp(−βΔ). Stage I exists to move the kernel's histogram to the right.");
    ImGui::EndTable();
  }
}

}  // namespace uhop::ui
