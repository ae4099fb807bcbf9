#include "ui/panels/theory_panel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "plot/palette.h"
#include "ui/panels/feature_space_panel.h"
#include "ui/theme.h"

namespace uhop::ui {
namespace {

const char* const kColumnNames[2] = {"baseline", "U-Hop"};

// The side's colour half-way to grey: the same hue, clearly not the column's real points.
uint32_t muted(uint32_t c) {
  auto mix = [](uint32_t v) { return static_cast<uint8_t>((v + 150) / 2); };
  return packColor(mix(c & 0xff), mix((c >> 8) & 0xff), mix((c >> 16) & 0xff));
}

std::string format(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string columnName(const TheoryViewResult& r, int side) {
  const ModelConfig& c = r.key.configs[side];
  return std::string(kColumnNames[side]) + " (" + similarityName(c.similarity) + ", " +
         c.separation.name() + ")";
}

bool alphaAbove1(const ModelConfig& c) {
  return c.separation.kind == SeparationKind::Sparsemax ||
         c.separation.kind == SeparationKind::Entmax;
}

// Table columns: what row `memory` shows in column `column` as a number to sort by.
enum TheoryColumn {
  kIndex,
  kLabel,
  kDelta,
  kDeltaKernel,
  kBound,
  kBoundKernel,
  kError,
  kErrorKernel,
  kExact,
  kExactKernel,
  kColumnCount
};

double sortValue(const TheoryViewResult& r, const std::vector<int>& labels, int column,
                 int memory) {
  if (column == kIndex) return memory;
  if (column == kLabel) return memory < static_cast<int>(labels.size()) ? labels[memory] : -1;
  const int side = (column - kDelta) % 2;
  if (!r.reports[side]) return -INFINITY;
  const MemoryTheory& t = r.reports[side]->memories[memory];
  switch (column - side) {
    case kDelta:
      return t.delta;
    case kBound:
      return std::isnan(t.logBound) ? -INFINITY : t.logBound;  // the log orders overflows too
    case kError:
      return t.measuredError;
    case kExact:
      return t.exact ? (*t.exact ? 1 : 0) : -1;
  }
  return 0;
}

}  // namespace

PlotSpec theoryScatter(const TheoryViewResult& r, TheoryScatterInfo* infoOut) {
  TheoryScatterInfo info;
  PlotSpec spec;
  spec.title = "Error bound vs measured error, per memory";
  spec.xAxis.label = "measured error ‖T(x) − ξ_μ‖ (one step)";
  spec.yAxis.label = "bound 2m(M−1)·exp(−β(Δ − 2m_Φ R))";
  spec.xAxis.scale = spec.yAxis.scale = AxisScale::Log10;
  spec.tooltip =
      "One point per memory and column: the softmax error bound of docs/method.md §10 (y) against "
      "the error one step actually makes from a query inside the sphere of radius R around the "
      "memory (x). Points above the line y = x: the bound held. Bounds ≥ 2m say nothing (every "
      "state of the dynamics is within 2m of every memory): they are drawn on the dashed 2m line "
      "in the column's muted colour and counted in the caption.";
  double lo = INFINITY, hi = -INFINITY;
  double maxError = 0;
  for (int side = 0; side < 2; ++side) {
    if (!r.reports[side] || r.key.configs[side].separation.kind != SeparationKind::Softmax)
      continue;
    const TheoryReport& report = *r.reports[side];
    info.hasBound[side] = true;
    maxError = std::max(maxError, report.maxError);
    PlotSeries held, vacuous;
    held.name = columnName(r, side);
    held.style = vacuous.style = SeriesStyle::Markers;
    held.color = seriesColor(side);
    vacuous.color = muted(held.color);
    vacuous.hollow = true;
    std::vector<int> heldOf, vacuousOf;
    for (const MemoryTheory& t : report.memories) {
      double x = t.measuredError;
      if (!(x >= kTheoryPlotFloor)) x = kTheoryPlotFloor, ++info.floored[side];
      if (t.vacuous) {
        ++info.vacuous[side];
        vacuous.x.push_back(x);
        vacuous.y.push_back(report.maxError);
        vacuousOf.push_back(t.index);
      } else {
        double y = std::exp(t.logBound);
        if (!(y >= kTheoryPlotFloor)) y = kTheoryPlotFloor, ++info.floored[side];
        held.x.push_back(x);
        held.y.push_back(y);
        heldOf.push_back(t.index);
        lo = std::min(lo, y), hi = std::max(hi, y);
      }
      lo = std::min(lo, x), hi = std::max(hi, x);
    }
    vacuous.name =
        std::string(kColumnNames[side]) + ": vacuous (" + std::to_string(info.vacuous[side]) + ")";
    spec.series.push_back(std::move(held));
    info.memoryOf.push_back(std::move(heldOf));
    spec.series.push_back(std::move(vacuous));
    info.memoryOf.push_back(std::move(vacuousOf));
  }
  if (maxError > 0) {
    // A named label: GCC 12 at -O3 reports a false out-of-bounds copy when the pair is built
    // from a string literal in place here.
    const std::string label = "2m: vacuous from here up";
    spec.referenceLines.emplace_back(label, maxError);
    hi = std::max(hi, maxError);
  }
  if (hi >= lo) {
    PlotSeries diagonal;
    diagonal.name = "y = x";
    diagonal.style = SeriesStyle::Line;
    diagonal.color = packColor(140, 140, 140);
    diagonal.x = {lo, hi};
    diagonal.y = {lo, hi};
    spec.series.push_back(std::move(diagonal));
    info.memoryOf.emplace_back();
  }
  if (infoOut) *infoOut = std::move(info);
  return spec;
}

std::string theoryParameters(const TheoryViewResult& r, const TheoryScatterInfo& info) {
  std::string p;
  const int M = r.reports[0]   ? static_cast<int>(r.reports[0]->memories.size())
                : r.reports[1] ? static_cast<int>(r.reports[1]->memories.size())
                               : 0;
  p += "M = " + std::to_string(M);
  if (r.key.configs[0].beta == r.key.configs[1].beta)
    p += ", β = " + format("%.4g", r.key.configs[0].beta);
  else
    p += ", β = " + format("%.4g", r.key.configs[0].beta) + " | " +
         format("%.4g", r.key.configs[1].beta);
  p += ", " + columnName(r, 0) + " vs " + columnName(r, 1);
  if (r.key.wStep >= 0) p += ", W of Stage I step " + std::to_string(r.key.wStep);
  p += ", query at " + format("%.2g", r.key.queryFraction) + "·R from ξ_μ (seed " +
       std::to_string(kTheorySeed) + ")";
  for (int side = 0; side < 2; ++side) {
    if (!r.reports[side]) continue;
    const TheoryReport& t = *r.reports[side];
    p += side == 0 ? "; R = " : ", R_Φ = ";
    p += format("%.4g", t.radius);
  }
  for (int side = 0; side < 2; ++side) {
    if (!info.hasBound[side]) continue;
    p += "; " + std::string(kColumnNames[side]) + ": " + std::to_string(info.vacuous[side]) +
         " of " + std::to_string(M) + " bounds vacuous";
    if (info.floored[side] > 0)
      p += ", " + std::to_string(info.floored[side]) + " values below " +
           format("%.0e", kTheoryPlotFloor) + " drawn at it";
  }
  return p;
}

void drawTheoryLine(const AppModel& model, Side side) {
  const int s = index(side);
  const char* delta = s == 0 ? "Δ" : "Δ^Φ";
  if (!theoryWanted(model)) {
    ImGui::TextDisabled("theory: open View ▸ Theory (F7) at M > %d", kTheoryStage2MaxMemories);
    tooltip(
        "The bound needs the nearest pair of all M memories (O(M²) work): at this M it is "
        "computed only while the Theory window is open.");
    return;
  }
  const TheoryViewResult* r = currentTheory(model);
  if (!r) {
    ImGui::TextDisabled("%s …  bound …  measured …", delta);
    tooltip("The theory of the target is being computed for the current settings.");
    return;
  }
  if (!r->reports[s]) {
    ImGui::TextDisabled("theory: %s", r->errors[s].c_str());
    return;
  }
  const TheoryReport& report = *r->reports[s];
  const int target = model.query.target;
  if (target < 0 || target >= static_cast<int>(report.memories.size())) return;
  const MemoryTheory& t = report.memories[target];
  const ModelConfig& c = r->key.configs[s];
  // One short line, so both columns keep the same height; the tooltip says what each part is.
  std::string line = std::string(delta) + " " + format("%.3g", t.delta);
  if (c.separation.kind == SeparationKind::Softmax)
    line += t.vacuous ? " · vacuous" : " · bound " + format("%.2g", std::exp(t.logBound));
  else if (alphaAbove1(c) && t.exact)
    line += *t.exact ? " · exact: yes" : " · exact: no";
  line += " · err " + format("%.2g", t.measuredError);
  if (t.vacuous)
    textColored(colorWarn(), "%s", line.c_str());
  else
    ImGui::TextUnformatted(line.c_str());
  tooltip(
      "The theory of the target memory in this column's feature space (docs/method.md §10): Δ = "
      "K(ξ_μ, ξ_μ) − max_{ν≠μ} K(ξ_ν, ξ_μ); for softmax the bound 2m(M−1)·exp(−β(Δ − 2m_Φ R)) "
      "on the error of one step from any query within R of ξ_μ (vacuous when ≥ 2m: it then says "
      "nothing); for α > 1 whether the exact-retrieval condition β·gap ≥ 1/(α−1) holds at that "
      "query. 'err' is the measured error ‖T(x) − ξ_μ‖ of one step from a seeded query at R/2 from "
      "ξ_μ — not the corrupted query above. All memories: View ▸ Theory (F7).");
}

void TheoryPanel::draw(const AppModel& model, Commands& commands, UiContext& ui) {
  if (!model.theoryView.shown) return;
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowSize(ImVec2(viewport->WorkSize.x * 0.8f, viewport->WorkSize.y * 0.8f),
                           ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos(ImVec2(viewport->WorkPos.x + viewport->WorkSize.x * 0.1f,
                                 viewport->WorkPos.y + viewport->WorkSize.y * 0.1f),
                          ImGuiCond_FirstUseEver);
  bool open = true;
  if (ImGui::Begin("Theory", &open, ImGuiWindowFlags_NoCollapse)) {
    const ImVec2 min = ImGui::GetWindowPos();
    ui.record("window.theory", min,
              ImVec2(min.x + ImGui::GetWindowWidth(), min.y + ImGui::GetWindowHeight()));
    drawContent(model, commands, ui);
  }
  ImGui::End();
  if (!open) commands.push_back(SetTheoryViewShown{false});
}

void TheoryPanel::drawContent(const AppModel& model, Commands& commands, UiContext& ui) {
  if (!model.memories.set) {
    ImGui::TextDisabled("no memories loaded");
    return;
  }
  const TheoryViewResult* r = model.theoryView.result.get();
  const bool current = currentTheory(model) != nullptr;
  if (!current) {
    const float p = static_cast<float>(model.theoryView.progress());
    char overlay[64];
    std::snprintf(overlay, sizeof overlay, "computing the theory of %d memories… %.0f%%",
                  model.memories.count(), 100 * p);
    ImGui::ProgressBar(p, ImVec2(-1, 0), overlay);
    tooltip(
        "On a worker: the nearest pair and every Δ_μ from blocks of the Gram matrix, then "
        "one step from a query near each memory. Changing β, a column or W starts it again.");
    if (!r) return;
    ImGui::TextDisabled("showing the numbers of the previous settings");
  }
  TheoryScatterInfo info;
  PlotSpec spec = theoryScatter(*r, &info);
  spec.parameters = theoryParameters(*r, info);
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("%s (%.2f s)", spec.parameters.c_str(), r->seconds);
  for (int side = 0; side < 2; ++side)
    if (!r->errors[side].empty())
      textColored(colorWarn(), "%s: %s", kColumnNames[side], r->errors[side].c_str());
  ImGui::PopTextWrapPos();

  if (ImGui::BeginTable("theory-layout", 2,
                        ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_Resizable)) {
    ImGui::TableSetupColumn("table", ImGuiTableColumnFlags_WidthStretch, 1.15f);
    ImGui::TableSetupColumn("plot", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableNextColumn();
    drawTable(model, *r, commands, ui);
    ImGui::TableNextColumn();
    if (info.hasBound[0] || info.hasBound[1]) {
      scatterView.pickPoints = true;
      plot(ui, "plot.theory.scatter", spec, scatterView,
           std::max(em() * 14, ImGui::GetContentRegionAvail().y));
      const int series = scatterView.hoveredSeries;
      if (series >= 0 && series < static_cast<int>(info.memoryOf.size()) &&
          scatterView.hoveredPoint < static_cast<int>(info.memoryOf[series].size()))
        memoryTooltip(model, ui, info.memoryOf[series][scatterView.hoveredPoint]);
    } else {
      ImGui::PushTextWrapPos(0);
      ImGui::TextDisabled(
          "The error bound is stated for softmax; with sparsemax or α-entmax (α > 1) the table's "
          "'exact' columns say whether one step retrieves each memory exactly at the current β.");
      ImGui::PopTextWrapPos();
    }
    ImGui::EndTable();
  }
}

void TheoryPanel::drawTable(const AppModel& model, const TheoryViewResult& r, Commands& commands,
                            UiContext& ui) {
  const MemorySet& set = *model.memories.set;
  const int M = r.reports[0]   ? static_cast<int>(r.reports[0]->memories.size())
                : r.reports[1] ? static_cast<int>(r.reports[1]->memories.size())
                               : 0;
  if (M == 0 || M != set.count()) return;
  const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg |
                                ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX |
                                ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit |
                                ImGuiTableFlags_Hideable;
  if (!ImGui::BeginTable("theory-memories", kColumnCount, flags,
                         ImVec2(0, ImGui::GetContentRegionAvail().y)))
    return;
  ImGui::TableSetupScrollFreeze(1, 1);
  ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_DefaultSort);
  ImGui::TableSetupColumn("label");
  ImGui::TableSetupColumn("Δ");
  ImGui::TableSetupColumn("Δ^Φ");
  ImGui::TableSetupColumn("bound");
  ImGui::TableSetupColumn("bound^Φ");
  ImGui::TableSetupColumn("error");
  ImGui::TableSetupColumn("error^Φ");
  ImGui::TableSetupColumn("exact");
  ImGui::TableSetupColumn("exact^Φ");
  ImGui::TableHeadersRow();
  if (ImGuiTableSortSpecs* sort = ImGui::TableGetSortSpecs()) {
    if (sort->SpecsDirty && sort->SpecsCount > 0) {
      sortColumn = sort->Specs[0].ColumnIndex;
      sortDescending = sort->Specs[0].SortDirection == ImGuiSortDirection_Descending;
      orderFor.reset();
    }
    sort->SpecsDirty = false;
  }
  if (orderFor != model.theoryView.result || static_cast<int>(order.size()) != M) {
    order.resize(M);
    std::iota(order.begin(), order.end(), 0);
    std::vector<double> key(M);
    for (int i = 0; i < M; ++i) key[i] = sortValue(r, set.labels, sortColumn, i);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return sortDescending ? key[a] > key[b] : key[a] < key[b];
    });
    orderFor = model.theoryView.result;
  }

  auto cell = [&](int side, int column, int memory) {
    if (!r.reports[side]) {
      ImGui::TextDisabled("—");
      return;
    }
    const MemoryTheory& t = r.reports[side]->memories[memory];
    switch (column) {
      case kDelta:
        ImGui::Text("%.4g", t.delta);
        break;
      case kBound:
        if (std::isnan(t.logBound))
          ImGui::TextDisabled("—");
        else if (t.vacuous)
          textColored(colorWarn(), "vacuous");
        else
          ImGui::Text("%.3g", std::exp(t.logBound));
        break;
      case kError:
        ImGui::Text("%.3g", t.measuredError);
        break;
      case kExact:
        if (!t.exact)
          ImGui::TextDisabled("—");
        else if (*t.exact)
          textColored(colorGood(), "yes");
        else
          textColored(colorBad(), "no");
        break;
    }
  };
  ImGuiListClipper clipper;
  clipper.Begin(M);
  while (clipper.Step()) {
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
      const int memory = order[row];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      char id[32];
      std::snprintf(id, sizeof id, "%d", memory);
      if (ImGui::Selectable(id, memory == model.query.target, ImGuiSelectableFlags_SpanAllColumns))
        commands.push_back(SelectTarget{memory});
      if (ImGui::IsItemHovered()) memoryTooltip(model, ui, memory);
      ImGui::TableNextColumn();
      if (memory < static_cast<int>(set.labels.size()))
        ImGui::Text("%d", set.labels[memory]);
      else
        ImGui::TextDisabled("—");
      for (int column = kDelta; column < kColumnCount; ++column) {
        ImGui::TableNextColumn();
        cell((column - kDelta) % 2, column - (column - kDelta) % 2, memory);
      }
    }
  }
  ImGui::EndTable();
}

}  // namespace uhop::ui
