#include "ui/panels/metastable_panel.h"

#include <algorithm>
#include <cstdio>

#include "plot/palette.h"
#include "ui/theme.h"

namespace uhop::ui {

void MetastablePanel::draw(const AppModel& model, Commands& commands, UiContext& ui) {
  heading("METASTABLE STATES",
          "A fixed point of retrieval is near one memory, a metastable state (a mixture of several "
          "memories), or the global average. Here every memory, corrupted like the query, is "
          "retrieved by both models; the histogram counts the support size k = |{μ : p_μ > ε}| "
          "of the final weights p (ε = 0, the exact non-zeros, for sparsemax and entmax; "
          "ε = 0.01 for softmax and poly). A query with every weight ≤ ε is diffuse (k = 0, "
          "near the global average) and has its own bar.");
  const MetastableState& m = model.metastable;
  int steps = m.steps;
  ImGui::SetNextItemWidth(em() * 5);
  if (ImGui::InputInt("T steps", &steps, 1, 5))
    commands.push_back(SetMetastableSteps{std::clamp(steps, 1, 1000)});
  tooltip("T, the number of retrieval steps each query takes before it is classified.");
  const bool running = model.metastableWorker->running();
  const char* runLabel = running ? "Restart" : "Run";
  sameLineIfFits(buttonWidth(runLabel));
  if (ImGui::Button(runLabel)) commands.push_back(RunMetastable{});
  tooltip(
      "Run all M memories as corrupted queries through both models (on a worker thread). "
      "It also re-runs by itself when Stage I finishes.");
  recordItem(ui, "metastable.run");
  const char* compareLabel = "before vs after Stage I";
  if (!ui.presenter) sameLineIfFits(labeledWidth(ImGui::GetFrameHeight(), compareLabel));
  const bool more = beginMoreSettings(ui, "metastable");
  if (more) {
    bool beforeAfter = m.compareBeforeStage1;
    if (ImGui::Checkbox(compareLabel, &beforeAfter))
      commands.push_back(SetMetastableCompare{beforeAfter});
    tooltip(
        "Also retrieve with U-Hop's W at its initialisation (before Stage I; with the identity "
        "init that is the dot-product baseline), to see what the learned kernel changes.");
  }
  endMoreSettings(ui, more);
  if (running) {
    // Beside the controls when there is room for a readable bar, else on its own line.
    const float room = ImGui::GetContentRegionAvail().x - ImGui::GetItemRectMax().x +
                       ImGui::GetCursorScreenPos().x - ImGui::GetStyle().ItemSpacing.x;
    if (room >= 6 * ImGui::GetFontSize()) ImGui::SameLine();
    ImGui::ProgressBar(static_cast<float>(model.metastableWorker->progress()), ImVec2(-1, 0));
  }
  const MetastableResult* r = m.result.get();
  if (!r) {
    ImGui::TextDisabled(running ? "running…" : "not run yet");
    return;
  }
  if (!r->error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, colorBad());
    ImGui::TextWrapped("%s", r->error.c_str());
    ImGui::PopStyleColor();
    return;
  }
  // The result's own parameters, not today's settings (which may have changed since the run).
  // On a short panel (1280 × 800) the parameters fold under a header, so that the histogram
  // keeps the ~16 lines it and the outcomes need.
  const std::string caption = metastableCaption(*r);
  const float captionH =
      ImGui::CalcTextSize(caption.c_str(), nullptr, false, ImGui::GetContentRegionAvail().x).y;
  bool showCaption = true;
  if (ImGui::GetContentRegionAvail().y < captionH + em() * 16) {
    showCaption = ImGui::TreeNodeEx("computed with…", ImGuiTreeNodeFlags_SpanAvailWidth);
    tooltip(caption.c_str());
    if (showCaption) ImGui::TreePop();  // only the header's state is wanted: no indent
  }
  ImGui::PushTextWrapPos(0);
  if (showCaption) ImGui::TextDisabled("%s", caption.c_str());
  if (r->corruption.name() != model.query.corruption.name() || r->seed != model.query.seed ||
      r->steps != m.steps || r->baselineConfig.beta != model.column(Side::Baseline).config.beta ||
      r->uhopConfig.beta != model.column(Side::UHop).config.beta) {
    ImGui::PushStyleColor(ImGuiCol_Text, colorWarn());
    ImGui::TextUnformatted("The settings changed since this run: press Run for the current ones.");
    ImGui::PopStyleColor();
  }
  ImGui::PopTextWrapPos();
  const char* headers[] = {"model", "correct", "wrong", "metastable", "diffuse"};
  const char* help[] = {
      "", "Retrieved the target: argmax p = target and max p ≥ 0.9.",
      "A single memory holds ≥ 0.9 of the weight, but not the target.",
      "A mixture: max p < 0.9, no memory holds 90 % of the weight. correct + wrong + "
      "metastable = 100 %.",
      "Part of the metastable share: support k = 0, every weight ≤ ε (softmax at small β), a "
      "state near the global average of the memories."};
  const OutcomeSummary* sums[] = {&r->baseline, &r->uhopBefore, &r->uhop};
  const char* names[] = {"baseline", "U-Hop (init)", "U-Hop"};
  const int colors[] = {0, 2, 1};
  // The table needs its widest name and, per outcome column, the wider of its header and
  // "100.0 %"; narrower than that its cells would cut the texts, so each model gets a wrapped
  // line of outcomes instead.
  const ImGuiStyle& style = ImGui::GetStyle();
  float tableNeed = ImGui::CalcTextSize(names[1]).x + 2 * style.CellPadding.x;
  for (int c = 1; c < 5; ++c)
    tableNeed += std::max(ImGui::CalcTextSize(headers[c]).x, ImGui::CalcTextSize("100.0 %").x) +
                 2 * style.CellPadding.x + em() * 0.3f;
  if (ImGui::GetContentRegionAvail().x < tableNeed) {
    const unsigned outcomeColors[] = {0, colorGood(), colorBad(), colorWarn(), colorWarn()};
    ImGui::BeginGroup();
    for (int s = 0; s < 3; ++s) {
      if (s == 1 && !r->hasBefore) continue;
      textColored(seriesColor(colors[s]), "%s:", names[s]);
      const double values[] = {0, sums[s]->correctFraction, sums[s]->wrongSingleFraction,
                               sums[s]->metastableFraction, sums[s]->diffuseFraction};
      for (int c = 1; c < 5; ++c) {
        char cell[48];
        std::snprintf(cell, sizeof cell, "%s %.1f %%%s", headers[c], 100 * values[c],
                      c < 4 ? " ·" : "");
        sameLineIfFits(ImGui::CalcTextSize(cell).x);
        textColored(outcomeColors[c], "%s", cell);
        tooltip(help[c]);
      }
    }
    ImGui::EndGroup();
    recordItem(ui, "metastable.outcomes");
  } else {
    ImGui::BeginGroup();  // for the table's rectangle
    if (ImGui::BeginTable("outcomes", 5, ImGuiTableFlags_BordersInnerH)) {
      // Outcome columns as wide as their texts; the names take the rest.
      ImGui::TableSetupColumn("model", ImGuiTableColumnFlags_WidthStretch);
      for (int c = 1; c < 5; ++c)
        ImGui::TableSetupColumn(
            headers[c], ImGuiTableColumnFlags_WidthFixed,
            std::max(ImGui::CalcTextSize(headers[c]).x, ImGui::CalcTextSize("100.0 %").x) +
                em() * 0.3f);
      ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
      for (int c = 0; c < 5; ++c) {
        ImGui::TableSetColumnIndex(c);
        ImGui::TableHeader(headers[c]);
        if (help[c][0]) tooltip(help[c]);
      }
      for (int s = 0; s < 3; ++s) {
        if (s == 1 && !r->hasBefore) continue;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        textColored(seriesColor(colors[s]), "%s", names[s]);
        if (s == 1) tooltip("U-Hop before Stage I: the kernel with W at its initialisation.");
        if (s == 2 && r->hasBefore) tooltip("U-Hop after Stage I: the kernel with the learned W.");
        ImGui::TableNextColumn();
        textColored(colorGood(), "%.1f %%", 100 * sums[s]->correctFraction);
        ImGui::TableNextColumn();
        textColored(colorBad(), "%.1f %%", 100 * sums[s]->wrongSingleFraction);
        ImGui::TableNextColumn();
        textColored(colorWarn(), "%.1f %%", 100 * sums[s]->metastableFraction);
        ImGui::TableNextColumn();
        textColored(colorWarn(), "%.1f %%", 100 * sums[s]->diffuseFraction);
      }
      ImGui::EndTable();
    }
    ImGui::EndGroup();
    recordItem(ui, "metastable.outcomes");
  }
  PlotSpec spec;
  spec.title = "support size of the final state";
  spec.xAxis.label = "support size k (0 = diffuse, 10 = ≥10)";
  spec.yAxis.label = "share of queries";
  spec.tooltip =
      "Share of queries whose final weights have support k = |{μ : p_μ > ε}| (ε = 0, the exact "
      "non-zeros, for sparsemax and entmax; ε = 0.01 for softmax and poly). k = 1 is a single "
      "memory, k > 1 a mixture; the bar at 0 is the diffuse queries, whose weights are all ≤ ε "
      "(a state near the global average, not a single memory). Baseline and U-Hop side by side "
      "(and U-Hop before Stage I, W at its init, with \"before vs after Stage I\").";
  for (int s = 0; s < 3; ++s) {
    if (s == 1 && !r->hasBefore) continue;
    const OutcomeSummary& sum = s == 0 ? r->baseline : s == 1 ? r->uhopBefore : r->uhop;
    const char* name = s == 0         ? "baseline"
                       : s == 1       ? "U-Hop before Stage I"
                       : r->hasBefore ? "U-Hop after Stage I"
                                      : "U-Hop";
    PlotSeries series{name, seriesColor(s == 0 ? 0 : s == 1 ? 2 : 1), SeriesStyle::Bars, {}, {},
                      {}};
    // The diffuse bar sits at k = 0, apart from k = 1 (single memory) where it used to fall.
    series.x.push_back(0.0);
    series.y.push_back(r->queries > 0 ? static_cast<double>(sum.diffuseCount) / r->queries : 0);
    for (size_t k = 0; k < sum.supportHistogram.size(); ++k) {
      series.x.push_back(static_cast<double>(k + 1));
      series.y.push_back(r->queries > 0 ? static_cast<double>(sum.supportHistogram[k]) / r->queries
                                        : 0);
    }
    spec.series.push_back(std::move(series));
  }
  // An exported figure names this run's settings (not today's); the run time is no parameter.
  spec.parameters = metastableCaption(*r);
  if (const size_t cut = spec.parameters.rfind(" · "); cut != std::string::npos &&
                                                       spec.parameters.back() == 's')
    spec.parameters.resize(cut);
  // 6.5 lines hold its title, axes and bars (the legend goes inside), which at 1280 × 800 is
  // what the right column leaves it.
  plot(ui, "metastable.histogram", spec, histogramView,
       std::max(em() * 6.5f, ImGui::GetContentRegionAvail().y - 2));
}

}  // namespace uhop::ui
