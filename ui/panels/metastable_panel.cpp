#include "ui/panels/metastable_panel.h"

#include <algorithm>

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
  ImGui::SameLine();
  const bool running = model.metastableWorker->running();
  if (ImGui::Button(running ? "Restart" : "Run")) commands.push_back(RunMetastable{});
  tooltip(
      "Run all M memories as corrupted queries through both models (on a worker thread). "
      "It also re-runs by itself when Stage I finishes.");
  ImGui::SameLine();
  bool beforeAfter = m.compareBeforeStage1;
  if (ImGui::Checkbox("before vs after Stage I", &beforeAfter))
    commands.push_back(SetMetastableCompare{beforeAfter});
  tooltip(
      "Also retrieve with U-Hop's W at its initialisation (before Stage I; with the identity "
      "init that is the dot-product baseline), to see what the learned kernel changes.");
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
  ImGui::TextDisabled("%d queries · %s · T = %d · W of step %d · %.2f s", r->queries,
                      model.query.corruption.name().c_str(), r->steps, r->stage1Step, r->seconds);
  if (ImGui::BeginTable("outcomes", 5,
                        ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchSame)) {
    ImGui::TableSetupColumn("model", ImGuiTableColumnFlags_WidthStretch, 1.4f);
    ImGui::TableSetupColumn("correct");
    ImGui::TableSetupColumn("wrong");
    ImGui::TableSetupColumn("metastable");
    ImGui::TableSetupColumn("diffuse");
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    const char* headers[] = {"model", "correct", "wrong", "metastable", "diffuse"};
    const char* help[] = {
        "", "Retrieved the target: argmax p = target and max p ≥ 0.9.",
        "A single memory holds ≥ 0.9 of the weight, but not the target.",
        "A mixture: max p < 0.9, no memory holds 90 % of the weight. correct + wrong + "
        "metastable = 100 %.",
        "Part of the metastable share: support k = 0, every weight ≤ ε (softmax at small β), a "
        "state near the global average of the memories."};
    for (int c = 0; c < 5; ++c) {
      ImGui::TableSetColumnIndex(c);
      ImGui::TableHeader(headers[c]);
      if (help[c][0]) tooltip(help[c]);
    }
    const OutcomeSummary* sums[] = {&r->baseline, &r->uhopBefore, &r->uhop};
    const char* names[] = {"baseline", "U-Hop (init)", "U-Hop"};
    const int colors[] = {0, 2, 1};
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
  plot(ui, "metastable.histogram", spec, histogramView,
       std::max(em() * 8, ImGui::GetContentRegionAvail().y - 2));
}

void ComparisonPanel::draw(const AppModel& model, Commands& commands, UiContext&) {
  const FairnessState& f = model.fairness;
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("Make baseline and U-Hop differ only where the paper says they should.");
  ImGui::PopTextWrapPos();

  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("kernel scale");
  tooltip(
      "How the learned W is scaled before Stage II. K(x, x) = ‖Wx‖² sets how peaked "
      "sep(β·K) is, so an unscaled W acts like a different β for U-Hop than for the baseline.");
  const char* names[] = {"raw", "row-normalised", "matched"};
  const char* help[] = {
      "raw: W as learned. With the Gaussian init K(ξ, x) ≈ D_Φ·⟨ξ, x⟩ — like a ~d× larger β "
      "than the baseline gets (docs/method.md §7 item 2).",
      "row-normalised: every row of W scaled to unit norm (the paper's Algorithm 1 step 2). With "
      "D_Φ = d and the identity init, K = ⟨ξ, x⟩ exactly.",
      "matched: W scaled so trace(WᵀW)/d = 1, the dot product's scale: E‖Wx‖² = ‖x‖² for "
      "isotropic x, so the same β means the same sharpness."};
  const KernelScale values[] = {KernelScale::Raw, KernelScale::RowNormalized, KernelScale::Matched};
  for (int i = 0; i < 3; ++i) {
    ImGui::SameLine();
    // Wrap when the radio button would not fit on this line.
    if (ImGui::GetContentRegionAvail().x <
        ImGui::CalcTextSize(names[i]).x + ImGui::GetFrameHeight() * 1.5f)
      ImGui::NewLine();
    if (ImGui::RadioButton(names[i], f.kernelScale == values[i]))
      commands.push_back(SetKernelScale{values[i]});
    tooltip(help[i]);
  }
  // trace(WᵀW)/d of the W U-Hop would use now. It copies and rescales W (a few ms at d = 784), so
  // while Stage I plays it follows the newest W four times a second, not at every step.
  const Stage1Snapshot* snap = model.stage1.snapshot.get();
  if (snap && snap->W) {
    const bool settingsChanged =
        seenScale != f.kernelScale || seenNormalize != model.stage1.config.normalizeRows;
    const bool throttled = model.stage1Playing() && ImGui::GetTime() - traceTime < 0.25;
    if (settingsChanged || (seenW != snap->W.get() && !throttled)) {
      traceTime = ImGui::GetTime();
      auto W = model.scaledFeatureMap(snap);
      kernelTrace = W ? W->cast<double>().squaredNorm() / std::max<Eigen::Index>(1, W->cols()) : 0;
      seenW = snap->W.get();
      seenScale = f.kernelScale;
      seenNormalize = model.stage1.config.normalizeRows;
    }
    ImGui::Text("trace(WᵀW)/d = %.3g", kernelTrace);
    tooltip(
        "The kernel's average scale relative to the dot product (1 = same scale as ⟨ξ, x⟩ "
        "on average).");
  }

  bool ref = f.referenceCompatible;
  if (ImGui::Checkbox("reference-compatible (public scripts)", &ref))
    commands.push_back(SetReferenceCompatible{ref});
  tooltip(
      "Reproduce the public PyTorch scripts' conventions (docs/method.md, last section), to compare "
      "with their numbers: β multiplies p after the separation (x ← Ξ·β·sep(s)), W is raw "
      "N(0, 1) without row normalisation, and masking is dropout (kept pixels × 1/(1−P)). "
      "Off restores your previous settings. Not a fair comparison: use it only to match "
      "published numbers.");
  if (f.referenceCompatible) {
    ImGui::PushStyleColor(ImGuiCol_Text, colorWarn());
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(
        "Reference mode: β after sep · raw Gaussian W · no row norm · mask×2. "
        "The energy need not decrease here.");
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
  }

  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("baseline");
  tooltip("Which similarity the baseline column uses.");
  const ModelConfig& base = model.column(Side::Baseline).config;
  const char* bnames[] = {"dot", "meanproj"};
  const SimilarityKind bvalues[] = {SimilarityKind::Dot, SimilarityKind::MeanProjected};
  const char* bhelp[] = {
      "dot: ⟨ξ, x⟩, the modern Hopfield network (Ramsauer et al. 2020).",
      "meanproj: ξᵀ(I − μ̂μ̂ᵀ)x with μ̂ the unit mean memory. Images share a large mean direction "
      "that makes all dot products alike; a learned kernel can remove it, so this baseline tells "
      "how much of U-Hop's gain is just that."};
  for (int i = 0; i < 2; ++i) {
    ImGui::SameLine();
    if (ImGui::RadioButton(bnames[i], base.similarity == bvalues[i])) {
      ModelConfig c = base;
      c.similarity = bvalues[i];
      commands.push_back(SetColumnConfig{Side::Baseline, c});
    }
    tooltip(bhelp[i]);
  }
}

}  // namespace uhop::ui
