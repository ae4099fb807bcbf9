#include "ui/panels/stage1_panel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/theme.h"

namespace uhop::ui {

namespace {

const char* const kInits[] = {"identity", "gaussian", "gaussian-scaled"};
const FeatureInit kInitValues[] = {FeatureInit::Identity, FeatureInit::Gaussian,
                                   FeatureInit::GaussianScaled};
const char* const kOptimizers[] = {"backtracking", "adam", "gd", "reference"};
const OptimizerKind kOptimizerValues[] = {OptimizerKind::Backtracking, OptimizerKind::Adam,
                                          OptimizerKind::GradientDescent, OptimizerKind::Reference};

// The "batch" knob: auto (full batch up to kAutoFullBatchLimit memories, minibatches of
// kAutoBatch above), full, or B memories per step. Returns whether it changed c.batchSize.
template <class Next>
bool drawBatch(Stage1Config& c, int M, float w, Next& next) {
  const char* const modes[] = {"auto", "full", "B ="};
  int mode = c.batchSize < 0 ? 0 : c.batchSize == 0 ? 1 : 2;
  bool changed = false;
  next(w * 0.9f, "batch");
  ImGui::SetNextItemWidth(w * 0.9f);
  if (ImGui::Combo("batch", &mode, modes, 3)) {
    c.batchSize = mode == 0 ? kStage1BatchAuto : mode == 1 ? 0 : std::min(kAutoBatch, M);
    changed = true;
  }
  char help[512];
  std::snprintf(help, sizeof help,
                "Memories per Stage I step. A full-batch step costs O(D_Φ·d·M + D_Φ·M²) and holds "
                "an M × M matrix. auto: the full batch up to M = %d, above that %d memories drawn "
                "at random per step (now: %s). full: all M (at most %d). B: B per step, at most "
                "%d. Changing it restarts Stage I.",
                kAutoFullBatchLimit, kAutoBatch,
                resolveStage1Batch(c.batchSize, M) > 0 ? "minibatches" : "full batch",
                kMaxStage1Batch, kMaxStage1Batch);
  tooltip(help);
  if (mode == 2) {
    int b = c.batchSize;
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w * 0.8f);
    if (ImGui::InputInt("##batchB", &b, 0, 0, ImGuiInputTextFlags_EnterReturnsTrue)) {
      c.batchSize = std::clamp(b, 2, kMaxStage1Batch);
      changed = true;
    }
    tooltip(help);
  }
  return changed;
}

}  // namespace

void Stage1Panel::draw(const AppModel& model, Commands& commands, UiContext& ui) {
  const Stage1State& s1 = model.stage1;
  const Stage1Snapshot* snap = s1.snapshot.get();
  heading(
      "STAGE I — separation",
      "Learn the feature map Φ(x) = Wx, W ∈ ℝ^{D_Φ×d}, that spreads the memories uniformly over "
      "the unit sphere: minimise L_Φ = log mean_{μ<ν} exp(−t‖u_μ − u_ν‖²) with "
      "u_μ = Wξ_μ/‖Wξ_μ‖ (docs/method.md §4). Runs on a worker thread.");

  // Transport: Play/Pause, Step, Reset + status.
  const bool playing = model.stage1Playing();
  const float buttonW = em() * 5.2f;
  if (ImGui::Button(playing ? "❚❚ Pause" : "▶ Play", ImVec2(buttonW, 0)))
    commands.push_back(Stage1TogglePlay{});
  tooltip(
      "Run / pause Stage I gradient steps (key: Space). Pause takes effect before the next step.");
  recordItem(ui, "stage1.play");
  ImGui::SameLine();
  if (ImGui::Button("Step", ImVec2(buttonW * 0.8f, 0))) commands.push_back(Stage1Step{});
  tooltip("One gradient step W ← W − γ·∇_W L_Φ (key: N).");
  ImGui::SameLine();
  if (ImGui::Button("Reset", ImVec2(buttonW * 0.8f, 0))) commands.push_back(Stage1Reset{});
  tooltip("Re-initialise W with the current init and seed; clears the curves (key: R).");
  recordItem(ui, "stage1.reset");
  if (!snap) {
    const char* text = model.memories.set ? "initialising W…" : "load memories first";
    sameLineIfFits(ImGui::CalcTextSize(text).x);
    ImGui::TextDisabled("%s", text);
  } else if (!snap->message.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, colorBad());
    ImGui::TextWrapped("%s", snap->message.c_str());
    ImGui::PopStyleColor();
  } else {
    // The status flows after the buttons, a piece at a time, wrapping where the panel ends.
    const Stage1Record& last = snap->history.back();
    char text[96];
    std::snprintf(text, sizeof text, "step %d / %d", snap->stepsDone, s1.config.steps);
    sameLineIfFits(ImGui::CalcTextSize(text).x);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(text);
    recordItem(ui, "stage1.status");
    std::snprintf(text, sizeof text, "· L_Φ = %.4f · min dist %.3f", last.loss, last.minDistance);
    sameLineIfFits(ImGui::CalcTextSize(text).x);
    ImGui::TextUnformatted(text);
    if (snap->batchSize > 0) {
      std::snprintf(text, sizeof text, "· minibatch %d of %d", snap->batchSize,
                    model.memories.count());
      sameLineIfFits(ImGui::CalcTextSize(text).x);
      ImGui::TextDisabled("%s", text);
      tooltip(
          "Each step uses this many memories drawn at random (seeded by the step), so a step "
          "costs the same whatever M is; loss and distances are those of the batch. Change it "
          "with 'batch'.");
    }
    sameLineIfFits(ImGui::CalcTextSize("paused").x);
    if (playing)
      textColored(colorGood(), "running");
    else if (snap->stepsDone >= s1.config.steps)
      ImGui::TextDisabled("done");
    else
      ImGui::TextDisabled("paused");
    if (!snap->stall.empty()) {
      sameLineIfFits(ImGui::CalcTextSize("· stalled").x);
      ImGui::TextDisabled("· stalled");
      tooltip(snap->stall.c_str());
    }
  }

  // Knobs, flowed over as many rows as the width needs. Changing a knob restarts Stage I with
  // it (steps only moves the goal). The presenter layout shows loss, steps and row normalisation
  // and folds the rest under "More settings".
  Stage1Config c = s1.config;
  bool changed = false;
  const float w = em() * 6.5f;
  const float labelGap = em() * 0.3f;
  bool lineStart = true;  // the next knob starts a line (the first, or the first after a header)
  // Flow layout: the next knob goes on this line if it fits, else on the next one.
  auto next = [&](float widgetW, const char* label) {
    if (lineStart) {
      lineStart = false;
      return;
    }
    ImGui::SameLine(0, em() * 0.9f);
    const float need = widgetW + labelGap + ImGui::CalcTextSize(label).x;
    if (ImGui::GetContentRegionAvail().x < need) ImGui::NewLine();
  };
  ImGui::PushStyleVar(ImGuiStyleVar_ItemInnerSpacing, ImVec2(labelGap, labelGap));

  auto knobDim = [&] {
    next(w * 0.8f, "D_Φ");
    ImGui::SetNextItemWidth(w * 0.8f);
    int dim = c.featureDim;
    if (ImGui::InputInt("D_Φ", &dim, 0, 0, ImGuiInputTextFlags_EnterReturnsTrue)) {
      c.featureDim = std::clamp(dim, 0, 16384);
      changed = true;
    }
    tooltip(
        "D_Φ, the feature dimension: W ∈ ℝ^{D_Φ×d}. 0 = d (the paper's choice). Theorem 1's "
        "x_new = Ξp needs W of full column rank, i.e. D_Φ ≥ d; the identity init needs D_Φ ≥ d.");
  };
  auto knobInit = [&] {
    next(w * 1.25f, "init");
    int init = indexOf(kInitValues, c.init);
    ImGui::SetNextItemWidth(w * 1.25f);
    if (ImGui::Combo("init", &init, kInits, 3)) {
      c.init = kInitValues[init];
      changed = true;
    }
    tooltip(
        "Initial W. identity: W = [I; 0], so U-Hop starts exactly at the dot-product baseline. "
        "gaussian: W_ij ~ N(0, 1), as the public scripts (K(ξ,x) ≈ D_Φ·⟨ξ,x⟩ at the start). "
        "gaussian-scaled: W_ij ~ N(0, 1/D_Φ), so E[WᵀW] = I.");
  };
  auto knobLoss = [&] {
    next(w * 1.1f, "loss");
    int loss = c.loss.kind == LossKind::Average ? 0 : 1;
    const char* losses[] = {"average", "worst pair"};
    ImGui::SetNextItemWidth(w * 1.1f);
    if (ImGui::Combo("loss", &loss, losses, 2)) {
      c.loss.kind = loss == 0 ? LossKind::Average : LossKind::WorstPair;
      changed = true;
    }
    tooltip(
        "average: L_Φ = log mean_{μ<ν} exp(−t‖u_μ − u_ν‖²), all pairs pushed apart (uniformity).\n"
        "worst pair: L_max = max_{μ<ν} −t‖u_μ − u_ν‖², only the closest pair moves; it maximises "
        "the minimum separation.");
  };
  auto knobT = [&] {
    next(w * 0.7f, "t");
    ImGui::SetNextItemWidth(w * 0.7f);
    if (draftSlider("t", t, c.loss.t, 0.1f, 20.0f, "%.2f", ApplyWhen::Release,
                    ImGuiSliderFlags_AlwaysClamp, 0.05f)) {
      c.loss.t = t.value;
      changed = true;
    }
    tooltip(
        "Temperature t of the uniformity loss exp(−t‖u_μ − u_ν‖²); t = 2 by default. Larger t "
        "focuses the loss on the closest pairs.");
  };
  auto knobOptimizer = [&] {
    next(w * 1.45f, "optimiser");
    int opt = indexOf(kOptimizerValues, c.optimizer);
    ImGui::SetNextItemWidth(w * 1.45f);
    if (ImGui::Combo("optimiser", &opt, kOptimizers, IM_ARRAYSIZE(kOptimizers))) {
      c.optimizer = kOptimizerValues[opt];
      c.learningRate = 0;
      changed = true;
    }
    tooltip(
        "backtracking (default): W ← W − γ∇_W L_Φ (Algorithm 1) with γ found at every step by "
        "an Armijo line search (twice the last γ, halved until the loss drops enough); nothing to "
        "tune, the loss never rises, and W stays robust to noise on rarely active pixels.\n"
        "adam: Adam with step lr·rms(W₀) (the former default, CLI name 'default'); it inflates "
        "W's columns of rarely active pixels, so the kernel becomes brittle under additive "
        "noise.\n"
        "gd: W ← W − γ∇_W L_Φ with constant γ.\n"
        "reference: the public scripts' schedule γ_{i+1} = γ_i/√(i+1), cumulative, which stalls "
        "after about a dozen steps (docs/method.md §7 item 3).");
    if (c.optimizer == OptimizerKind::Backtracking) {
      // No rate to set: show the step the line search settled on instead.
      next(w * 0.9f, "γ = 0.0000");
      ImGui::AlignTextToFramePadding();
      if (snap && snap->stepsDone > 0)
        ImGui::Text("γ = %.4g", snap->history.back().rate);
      else
        ImGui::TextDisabled("γ = auto");
      tooltip(
          "The step γ the Armijo line search accepted at the last step (the first trial is "
          "‖W₀‖/‖∇L(W₀)‖). γ = 0 marks a stalled step: no step lowered the loss.");
    } else {
      next(w * 0.9f, "lr");
      double lr = c.learningRate > 0 ? c.learningRate : defaultLearningRate(c.optimizer);
      ImGui::SetNextItemWidth(w * 0.9f);
      if (ImGui::InputDouble("lr", &lr, 0, 0, "%.4g", ImGuiInputTextFlags_EnterReturnsTrue) &&
          lr > 0) {
        c.learningRate = lr;
        changed = true;
      }
      tooltip("Learning rate γ of W ← W − γ·∇_W L_Φ (Adam: relative step size per entry).");
    }
  };
  auto knobSteps = [&] {
    next(w * 0.8f, "steps");
    int steps = c.steps;
    ImGui::SetNextItemWidth(w * 0.8f);
    if (ImGui::InputInt("steps", &steps, 0, 0, ImGuiInputTextFlags_EnterReturnsTrue)) {
      c.steps = std::clamp(steps, 0, 100000);
      changed = true;
    }
    tooltip(
        "N, the number of gradient steps Play runs to (Algorithm 1 step 1). Raising it continues "
        "the current run.");
  };
  auto knobSeed = [&] {
    next(w * 0.7f, "seed");
    int seed = static_cast<int>(c.seed);
    ImGui::SetNextItemWidth(w * 0.7f);
    if (ImGui::InputInt("seed", &seed, 0, 0, ImGuiInputTextFlags_EnterReturnsTrue)) {
      c.seed = static_cast<uint64_t>(std::max(0, seed));
      changed = true;
    }
    tooltip("Seed of the Gaussian initialisations (same seed, same W, same curve).");
  };
  auto knobRows = [&] {
    next(ImGui::GetFrameHeight(), "normalise rows");
    bool rows = c.normalizeRows;
    if (ImGui::Checkbox("normalise rows", &rows)) {
      c.normalizeRows = rows;
      changed = true;
    }
    tooltip(
        "Algorithm 1 step 2: W_i ← W_i/‖W_i‖ for every row before retrieval. It fixes the "
        "kernel's scale K(x, x) = ‖Wx‖², so β means the same for U-Hop and the baseline.");
  };
  auto knobBatch = [&] { changed = drawBatch(c, model.memories.count(), w, next) || changed; };
  if (!ui.presenter) {
    knobDim();
    knobInit();
    knobLoss();
    knobT();
    knobOptimizer();
    knobSteps();
    knobSeed();
    knobRows();
    knobBatch();
  } else {
    knobLoss();
    knobSteps();
    knobRows();
    const bool more = beginMoreSettings(ui, "stage1");
    lineStart = true;
    if (more) {
      knobDim();
      knobInit();
      knobT();
      knobOptimizer();
      knobSeed();
      knobBatch();
    }
    endMoreSettings(ui, more);
  }
  ImGui::PopStyleVar();
  if (changed) commands.push_back(SetStage1Config{c});

  // Live plots, side by side.
  const float plotH =
      std::max(em() * 6, ImGui::GetContentRegionAvail().y - ImGui::GetStyle().ItemSpacing.y);
  const int M = model.memories.count();
  PlotSpec lossSpec;
  lossSpec.title = c.loss.kind == LossKind::Average ? "loss L_Φ per step" : "loss L_max per step";
  lossSpec.xAxis.label = "";
  lossSpec.xAxis.integerTicks = true;  // Stage I steps
  lossSpec.yAxis.label = c.loss.kind == LossKind::Average ? "L_Φ" : "L_max";
  lossSpec.tooltip =
      "L_Φ after each Stage I step (lower = memories more uniformly spread in feature space). The "
      "dashed line is the optimum −2t·M/(M−1), reached when the normalised features form a regular "
      "simplex (possible when D_Φ ≥ M−1).";
  PlotSpec distSpec;
  distSpec.title = "feature distances per step";
  distSpec.xAxis.label = "";
  distSpec.xAxis.integerTicks = true;
  distSpec.yAxis.label = "";
  distSpec.tooltip =
      "Min and mean of ‖u_μ − u_ν‖ over pairs of normalised features u_μ = Wξ_μ/‖Wξ_μ‖. "
      "Stage I should raise the minimum; dashed: the regular-simplex distance √(2M/(M−1)).";
  PlotSeries lossSeries{"L_Φ", 0, SeriesStyle::Line, {}, {}, {}};
  PlotSeries minSeries{"min", 0, SeriesStyle::Line, {}, {}, {}};
  PlotSeries meanSeries{"mean", 0, SeriesStyle::Line, {}, {}, {}};
  if (snap) {
    const size_t n = snap->history.size();
    for (size_t i = 0; i < n; ++i) {
      const Stage1Record& r = snap->history[i];
      lossSeries.x.push_back(static_cast<double>(i));
      lossSeries.y.push_back(r.loss);
      minSeries.x.push_back(static_cast<double>(i));
      minSeries.y.push_back(r.minDistance);
      meanSeries.x.push_back(static_cast<double>(i));
      meanSeries.y.push_back(r.meanDistance);
    }
  }
  lossSpec.series.push_back(std::move(lossSeries));
  distSpec.series.push_back(std::move(minSeries));
  distSpec.series.push_back(std::move(meanSeries));
  if (M >= 2) {
    const double simplex2 = 2.0 * M / (M - 1.0);
    lossSpec.referenceLines.push_back({"simplex optimum", -c.loss.t * simplex2});
    distSpec.referenceLines.push_back({"simplex", std::sqrt(simplex2)});
  }
  if (ImGui::BeginTable("stage1plots", 2, ImGuiTableFlags_SizingStretchSame)) {
    ImGui::TableNextColumn();
    plot(ui, "stage1.loss", lossSpec, lossView, plotH);
    ImGui::TableNextColumn();
    plot(ui, "stage1.distance", distSpec, distanceView, plotH);
    ImGui::EndTable();
  }
}

}  // namespace uhop::ui
