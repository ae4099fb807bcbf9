#include "ui/panels/comparison_panel.h"

#include <algorithm>

#include "ui/theme.h"

namespace uhop::ui {

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
      "Reproduce the public PyTorch scripts' conventions (docs/method.md §7), to compare with "
      "their numbers: β multiplies p after the separation (x ← Ξ·β·sep(s)), W is used raw "
      "(no row normalisation, raw kernel scale), and masking is dropout (kept pixels × "
      "1/(1−P)). The trained W is kept (for the scripts' Gaussian W pick init gaussian in "
      "Stage I). Off restores every setting it changed. Not a fair comparison: use it only to "
      "match published numbers.");
  if (f.referenceCompatible) {
    ImGui::PushStyleColor(ImGuiCol_Text, colorWarn());
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(
        "Reference mode: β after sep · raw W (trained W kept) · no row norm · mask×2. "
        "This dynamics has no energy.");
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
