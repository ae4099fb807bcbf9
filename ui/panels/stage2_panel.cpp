#include "ui/panels/stage2_panel.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "plot/palette.h"
#include "ui/panels/theory_panel.h"
#include "ui/theme.h"

namespace uhop::ui {

namespace {

const char* const kSimilarities[] = {"dot", "meanproj", "−L2", "−L1", "kernel"};
const SimilarityKind kSimilarityValues[] = {SimilarityKind::Dot, SimilarityKind::MeanProjected,
                                            SimilarityKind::NegL2, SimilarityKind::NegL1,
                                            SimilarityKind::Kernel};
const char* const kSimilarityHelp =
    "s(ξ, x), the similarity of the state to each memory:\n"
    "dot: ⟨ξ, x⟩ (modern Hopfield, Ramsauer et al.).\n"
    "meanproj: ξᵀ(I − μ̂μ̂ᵀ)x, the dot product without the direction μ̂ shared by all memories — a "
    "fair control for the learned kernel.\n"
    "−L2: −‖ξ − x‖₂, −L1: −‖ξ − x‖₁ (Universal Hopfield Networks; no energy).\n"
    "kernel: K(ξ, x) = ⟨Wξ, Wx⟩ with W from Stage I (U-Hop).";

const char* const kSeparations[] = {"softmax", "sparsemax", "α-entmax", "polynomial"};
const char* const kSeparationHelp =
    "sep(z), which turns the scores z = β·s(Ξ, x) into weights p on the simplex:\n"
    "softmax: p_i = exp(z_i)/Σ_j exp(z_j) (α = 1).\n"
    "sparsemax: Euclidean projection of z onto the simplex (α = 2); exact zeros.\n"
    "α-entmax: p_i = [(α−1)z_i − τ]₊^{1/(α−1)}, Σp = 1; between the two.\n"
    "polynomial-n: p_i ∝ max(z_i, 0)^n (Krotov–Hopfield; no energy).";

int sepIndex(const Separation& s) {
  return static_cast<int>(s.kind);
}

}  // namespace

Stage2Arrangement stage2Arrangement(float widthEm) {
  if (widthEm >= 3 * kStage2ColumnEm) return Stage2Arrangement::SideBySide;
  if (widthEm >= 2 * kStage2ColumnEm) return Stage2Arrangement::QueryAbove;
  return Stage2Arrangement::Stacked;
}

void Stage2Panel::draw(const AppModel& model, Commands& commands, UiContext& ui) {
  heading("STAGE II — retrieval",
          "One step: x ← Ξ·sep(β·s(Ξ, x)). The query starts both models; each column iterates its "
          "own dynamics. Step (or Run to convergence) and compare where they end up.");
  if (!model.memories.set) {
    ImGui::TextDisabled("Load memories first.");
    return;
  }
  // Columns at their natural height, then the energy plot in the rest (at least 10.5 lines, the
  // least its title, axes and legend need); when the panel is too short it scrolls as a whole
  // instead of squashing a plot away. A panel too short for both but wide enough for a fourth
  // column (the presenter layout's Stage II page at 2×) gets the energy plot beside the columns.
  const float width = ImGui::GetContentRegionAvail().x;
  const float energyMin = em() * 10.5f;
  const Stage2Arrangement arrangement = stage2Arrangement(width / em());
  // The columns' height with their top-k weights shown (they fold away on short panels).
  const float fullHeight = em() * (columnsHeight + (foldTopK ? topKHeight : 0));
  const float availH = ImGui::GetContentRegionAvail().y;
  const bool energyBeside = arrangement == Stage2Arrangement::SideBySide &&
                            width / em() >= 4 * kStage2ColumnEm && availH < fullHeight + energyMin;
  // Still too short (1280 × 800 at 1×, or a lesson's caption below the page): the top-k weights
  // fold under a header of their own, so the columns and the energy plot are on screen without
  // scrolling.
  foldTopK = availH < fullHeight + (energyBeside ? 0 : energyMin);
  const float top = ImGui::GetCursorPosY();
  const ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;
  if (arrangement == Stage2Arrangement::SideBySide) {
    if (ImGui::BeginTable("stage2cols", energyBeside ? 4 : 3, flags)) {
      ImGui::TableSetupColumn("query", ImGuiTableColumnFlags_WidthStretch, 0.9f);
      ImGui::TableSetupColumn("baseline", ImGuiTableColumnFlags_WidthStretch, 1.0f);
      ImGui::TableSetupColumn("uhop", ImGuiTableColumnFlags_WidthStretch, 1.0f);
      if (energyBeside) ImGui::TableSetupColumn("energy", ImGuiTableColumnFlags_WidthStretch, 1.3f);
      // The columns' own height, without the energy plot beside them.
      float bottom = top;
      ImGui::TableNextColumn();
      drawQuery(model, commands, ui);
      bottom = std::max(bottom, ImGui::GetCursorPosY());
      ImGui::TableNextColumn();
      drawColumn(model, Side::Baseline, commands, ui);
      bottom = std::max(bottom, ImGui::GetCursorPosY());
      ImGui::TableNextColumn();
      drawColumn(model, Side::UHop, commands, ui);
      bottom = std::max(bottom, ImGui::GetCursorPosY());
      columnsHeight = (bottom - top) / em();
      if (energyBeside) {
        ImGui::TableNextColumn();
        // The row's cell padding comes on top of the plot's height.
        drawEnergy(model, ui,
                   std::max(energyMin, ImGui::GetContentRegionAvail().y - 2 -
                                           2 * ImGui::GetStyle().CellPadding.y));
      }
      ImGui::EndTable();
    }
  } else {
    drawQuery(model, commands, ui);
    ImGui::Separator();
    if (arrangement == Stage2Arrangement::QueryAbove) {
      if (ImGui::BeginTable("stage2cols", 2, flags)) {
        ImGui::TableNextColumn();
        drawColumn(model, Side::Baseline, commands, ui);
        ImGui::TableNextColumn();
        drawColumn(model, Side::UHop, commands, ui);
        ImGui::EndTable();
      }
    } else {
      drawColumn(model, Side::Baseline, commands, ui);
      ImGui::Separator();
      drawColumn(model, Side::UHop, commands, ui);
    }
  }
  if (arrangement != Stage2Arrangement::SideBySide)
    columnsHeight = (ImGui::GetCursorPosY() - top) / em();
  // Folded, the plot takes what is left down to 8.5 lines (title, axes, legend inside).
  if (!energyBeside)
    drawEnergy(model, ui,
               std::max(foldTopK ? em() * 8.5f : energyMin, ImGui::GetContentRegionAvail().y - 2));
}

void Stage2Panel::drawQuery(const AppModel& model, Commands& commands, UiContext& ui) {
  const QueryState& q = model.query;
  const MemorySet& set = *model.memories.set;
  const float colW = ImGui::GetContentRegionAvail().x;
  textColored(colorAccent(), "QUERY");
  tooltip(
      "The query x₀: the target memory, corrupted, plus your painting. Click a memory on the "
      "left to change the target.");
  char targetText[32];
  std::snprintf(targetText, sizeof targetText, "target #%d", q.target);
  sameLineIfFits(ImGui::CalcTextSize(targetText).x);
  ImGui::TextDisabled("%s", targetText);

  // Target (small) beside the enlarged, paintable query.
  const float small = std::min(em() * 3.6f, colW * 0.28f);
  // On a short panel (foldTopK) the query is drawn smaller and the brush folds away, so the
  // energy plot stays on screen.
  const float large = std::max(em() * 4, std::min(colW - small - ImGui::GetStyle().ItemSpacing.x,
                                                  em() * (foldTopK ? 8.0f : 10.5f)));
  ImGui::BeginGroup();
  image(ui, "target", model.memories.version * 100000 + q.target, set.patterns.col(q.target).data(),
        set.shape, small, true);
  tooltip("The target memory ξ_target (what retrieval should return).");
  ImGui::TextDisabled("target");
  ImGui::EndGroup();
  ImGui::SameLine();
  if (q.pixels.size() == set.dimension()) {
    imageButton(ui, "query", q.version, q.pixels.data(), set.shape, large, true);
    recordItem(ui, "stage2.query");
    const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const float px = (mouse.x - min.x) / (max.x - min.x) * set.shape.width;
    const float py = (mouse.y - min.y) / (max.y - min.y) * set.shape.height;
    if (ImGui::IsItemActivated()) {
      painting = true;
      commands.push_back(PaintStroke{px, py, px, py, true});
      lastX = px;
      lastY = py;
    } else if (painting && ImGui::IsItemActive()) {
      if (px != lastX || py != lastY) commands.push_back(PaintStroke{lastX, lastY, px, py, false});
      lastX = px;
      lastY = py;
    } else {
      painting = false;
    }
    if (ImGui::IsItemHovered()) {
      const float r = q.brushRadius * (max.x - min.x) / set.shape.width;
      ImGui::GetWindowDrawList()->AddCircle(mouse, r, colorAccent(), 24, 1.5f);
      ImGui::SetTooltip("Paint with the mouse (%s, radius %.1f px); Ctrl+Z undoes a stroke.",
                        q.erase ? "erase → 0" : "draw the brush colour", q.brushRadius);
    }
  }

  // Corruption.
  int kind = indexOf(kCorruptionKinds, q.corruption.kind);
  ImGui::SetNextItemWidth(-em() * 4.2f);
  if (ImGui::Combo("corrupt", &kind, kCorruptionNames, kCorruptionChoices)) {
    Corruption c{kCorruptionKinds[kind], q.corruption.amount};
    c.amount = std::min(c.amount, static_cast<double>(maxCorruptionStrength(c.kind)));
    if (c.kind == CorruptionKind::Noise && q.corruption.kind != CorruptionKind::Noise)
      c.amount = 0.3;
    commands.push_back(SetCorruption{c, q.seed});
  }
  tooltip(kCorruptionHelp);
  ImGui::SetNextItemWidth(-em() * 4.2f);
  const char* strengthLabel = q.corruption.kind == CorruptionKind::Noise     ? "σ"
                              : q.corruption.kind == CorruptionKind::Occlude ? "fraction"
                                                                             : "P";
  ImGui::BeginDisabled(q.corruption.kind == CorruptionKind::None);
  if (draftSlider(strengthLabel, strength, q.corruption.amount, 0.0f,
                  maxCorruptionStrength(q.corruption.kind), "%.2f", ApplyWhen::Dragging))
    commands.push_back(SetCorruption{Corruption{q.corruption.kind, strength.value}, q.seed});
  ImGui::EndDisabled();
  tooltip(
      "Strength of the corruption: the probability P (mask, salt & pepper), the noise σ, or "
      "the occluded fraction F of the rows.");
  int seed = static_cast<int>(q.seed);
  ImGui::SetNextItemWidth(-em() * 4.2f);
  if (ImGui::InputInt("seed##q", &seed, 1, 10))
    commands.push_back(SetCorruption{q.corruption, static_cast<uint64_t>(std::max(0, seed))});
  tooltip(
      "Seed of the corruption. Memory μ uses the stream deriveSeed(seed, μ), the same one the "
      "metastable-states run uses for it.");

  // Brush.
  if (foldTopK) {
    const bool open = ImGui::TreeNodeEx("brush", ImGuiTreeNodeFlags_SpanAvailWidth);
    tooltip("Painting on the query: brush size and colour, undo: folded while the panel is short.");
    if (!open) return;
    ImGui::TreePop();  // only the header's state is wanted: no indent below it
  }
  float radius = q.brushRadius;
  ImGui::SetNextItemWidth(-em() * 4.2f);
  if (ImGui::SliderFloat("brush", &radius, 0.5f, 6.0f, "%.1f px"))
    commands.push_back(SetBrush{radius, q.erase, q.brushColor});
  tooltip("Brush radius in image pixels.");
  if (ImGui::RadioButton("draw", !q.erase))
    commands.push_back(SetBrush{q.brushRadius, false, q.brushColor});
  tooltip("Paint sets pixels to the brush colour (white = 1 by default).");
  sameLineIfFits(labeledWidth(ImGui::GetFrameHeight(), "erase"));
  if (ImGui::RadioButton("erase", q.erase))
    commands.push_back(SetBrush{q.brushRadius, true, q.brushColor});
  tooltip("Paint sets pixels to 0 (black).");
  sameLineIfFits(ImGui::GetFrameHeight());
  std::array<float, 3> color = q.brushColor;
  if (ImGui::ColorEdit3("##brushcolor", color.data(),
                        ImGuiColorEditFlags_NoInputs | ImGuiColorEditFlags_Float))
    commands.push_back(SetBrush{q.brushRadius, false, color});
  tooltip(set.shape.channels == 3
              ? "Brush colour (RGB): painting writes it into every channel of a pixel."
              : "Brush colour: grey images take its luma 0.299 R + 0.587 G + 0.114 B.");
  ImGui::BeginDisabled(q.undo.empty());
  if (ImGui::Button("Undo")) commands.push_back(UndoPaint{});
  tooltip("Undo the last brush stroke (Ctrl+Z).");
  ImGui::EndDisabled();
  sameLineIfFits(buttonWidth("Clear paint"));
  if (ImGui::Button("Clear paint")) commands.push_back(ClearPaint{});
  tooltip("Back to the corrupted target without painting.");
  recordItem(ui, "stage2.clearpaint");
}

void Stage2Panel::drawColumn(const AppModel& model, Side side, Commands& commands, UiContext& ui) {
  const RetrievalColumn& col = model.column(side);
  const MemorySet& set = *model.memories.set;
  const int s = index(side);
  const std::string name = side == Side::Baseline ? "baseline" : "uhop";
  // The column's rectangle (the texts and buttons below must lie inside it).
  const ImVec2 columnMin = ImGui::GetCursorScreenPos();
  const float columnW = ImGui::GetContentRegionAvail().x;
  ImGui::PushID(s);
  textColored(seriesColor(s), side == Side::Baseline ? "BASELINE" : "U-HOP");
  tooltip(side == Side::Baseline
              ? "The comparison model; default dot similarity + softmax = modern Hopfield network."
              : "U-Hop: the kernel K(ξ, x) = ⟨Wξ, Wx⟩ with W learned in Stage I (scaled as chosen "
                "under Fair comparison) + its own separation.");
  if (col.config.similarity == SimilarityKind::Kernel && col.wStep >= 0 && !col.building()) {
    ImGui::SameLine();
    const Stage1Snapshot* snap = model.stage1.snapshot.get();
    const bool stale =
        snap && (snap->stepsDone != col.wStep || snap->generation != col.wGeneration);
    char wText[64];
    if (stale)
      std::snprintf(wText, sizeof wText, "W of step %d (newest: %d)", col.wStep, snap->stepsDone);
    else
      std::snprintf(wText, sizeof wText, "W of step %d", col.wStep);
    if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(wText).x) ImGui::NewLine();
    if (stale)
      textColored(colorWarn(), "%s", wText);
    else
      ImGui::TextDisabled("%s", wText);
    tooltip(stale ? "Stage I is playing and has moved on since this column took its W. The next "
                    "Step or Run starts again from the query with the newest W (a trajectory keeps "
                    "one W, so its energy stays one function); when Stage I stops, the column "
                    "takes the newest W at once."
                  : "This column retrieves with the W of this Stage I step.");
  }

  const float fieldW = -em() * 1.2f;
  ModelConfig cfg = col.config;
  int sim = indexOf(kSimilarityValues, cfg.similarity);
  const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
  ImGui::SetNextItemWidth(half);
  if (ImGui::Combo("##s", &sim, kSimilarities, 5)) {
    cfg.similarity = kSimilarityValues[sim];
    commands.push_back(SetColumnConfig{side, cfg});
  }
  tooltip(kSimilarityHelp);
  ImGui::SameLine();
  int sep = sepIndex(cfg.separation);
  ImGui::SetNextItemWidth(half);
  if (ImGui::Combo("##sep", &sep, kSeparations, 4)) {
    cfg.separation = sep == 0   ? Separation::softmax()
                     : sep == 1 ? Separation::sparsemax()
                     : sep == 2 ? Separation::entmax(1.5)
                                : Separation::polynomial(3);
    commands.push_back(SetColumnConfig{side, cfg});
  }
  tooltip(kSeparationHelp);
  if (cfg.separation.kind == SeparationKind::Entmax) {
    ImGui::SetNextItemWidth(fieldW);
    if (draftSlider("α", alpha[s], cfg.separation.alpha, 1.05f, 2.0f, "%.2f", ApplyWhen::Release)) {
      cfg.separation = Separation::entmax(std::clamp<double>(alpha[s].value, 1.01, 2.0));
      commands.push_back(SetColumnConfig{side, cfg});
    }
    tooltip(
        "Tsallis α of α-entmax: 1 → softmax, 2 → sparsemax. One step retrieves ξ_μ exactly "
        "when β(s_μ − max_{ν≠μ} s_ν) ≥ 1/(α−1).");
  } else if (cfg.separation.kind == SeparationKind::Polynomial) {
    int n = cfg.separation.degree;
    ImGui::SetNextItemWidth(fieldW);
    if (ImGui::InputInt("n", &n, 1, 1)) {
      cfg.separation = Separation::polynomial(std::clamp(n, 1, 64));
      commands.push_back(SetColumnConfig{side, cfg});
    }
    tooltip("Exponent n of p_i ∝ max(z_i, 0)^n.");
  }
  ImGui::SetNextItemWidth(side == Side::UHop ? fieldW - ImGui::GetFrameHeight() - em() * 0.4f
                                             : fieldW);
  // Live: a β change keeps the column's score operator (core HopfieldModel::withConfig).
  if (draftSlider("β", beta[s], col.config.beta, 0.001f, 100.0f, "%.3g", ApplyWhen::Dragging,
                  ImGuiSliderFlags_Logarithmic))
    commands.push_back(SetBeta{side, beta[s].value});
  tooltip(
      "Inverse temperature β in p = sep(β·s(Ξ, x)). Larger β → sharper weights, fewer "
      "metastable mixtures; β sets the exponent of the error bound "
      "2m(M−1)·exp(−β(Δ − 2mR)). Ctrl+click to type a value.");
  if (side == Side::UHop) {
    bool linked = model.betaLinked;
    ImGui::SameLine(0, 0);
    if (ImGui::Checkbox("##link", &linked)) commands.push_back(SetBetaLinked{linked});
    tooltip(
        "Ticked: one β for baseline and U-Hop (the fair default; moving either slider moves "
        "both). Untick to give each model its own β.");
  }

  // Transport.
  const float bw = (ImGui::GetContentRegionAvail().x - 2 * ImGui::GetStyle().ItemSpacing.x) / 3;
  if (ImGui::Button("Step", ImVec2(bw, 0))) commands.push_back(StepRetrieval{side});
  tooltip("One retrieval step x ← Ξ·sep(β·s(Ξ, x)).");
  recordItem(ui, "stage2.step." + name);
  ImGui::SameLine();
  if (ImGui::Button("Run", ImVec2(bw, 0))) commands.push_back(RunRetrieval{side, 200});
  tooltip("Step until max|x_{t+1} − x_t| < 1e-5 (at most 200 steps).");
  ImGui::SameLine();
  if (ImGui::Button("Reset", ImVec2(bw, 0))) commands.push_back(ResetRetrieval{side});
  tooltip("Back to the query x₀ (and to the newest Stage I W).");
  recordItem(ui, "stage2.reset." + name);

  if (col.building()) {
    drawBuilding(model, side, ui);
    ImGui::PopID();
    return;
  }
  if (!col.modelError.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, colorBad());
    ImGui::TextWrapped("%s", col.modelError.c_str());
    ImGui::PopStyleColor();
    ImGui::PopID();
    return;
  }
  if (col.state.size() != set.dimension()) {
    ImGui::PopID();
    return;
  }

  // State image + outcome: the outcome texts beside the image when the column holds them (the
  // image shrinks to make room, down to 3.5 em), else under it.
  const QueryOutcome& o = col.outcome;
  char stepText[32], closestText[32];
  std::snprintf(stepText, sizeof stepText, "step %d%s", col.steps, col.converged ? " ✓" : "");
  std::snprintf(closestText, sizeof closestText, "closest #%d", o.retrieved);
  const ImGuiStyle& style = ImGui::GetStyle();
  const float textW =
      std::max({ImGui::CalcTextSize(stepText).x, ImGui::CalcTextSize("error 0000.00").x,
                ImGui::CalcTextSize(closestText).x + style.ItemSpacing.x + ImGui::GetFrameHeight(),
                ImGui::CalcTextSize("wrong memory").x, ImGui::CalcTextSize("METASTABLE").x});
  const float avail = ImGui::GetContentRegionAvail().x;
  const float room = avail - textW - style.ItemSpacing.x;
  const bool beside = room >= em() * 3.5f;
  const float imgSize = beside ? std::min(em() * 5.5f, room) : std::min(em() * 5.5f, avail);
  char key[32];
  std::snprintf(key, sizeof key, "state%d", s);
  image(ui, key, col.version, col.state.data(), set.shape, imgSize, true);
  tooltip("The current state x_t (clipped to [0, 1] for display).");
  if (beside) ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::TextUnformatted(stepText);
  tooltip("Retrieval steps taken from the query; ✓ = converged (max|Δx| < 1e-5).");
  ImGui::Text("error %.2f", o.error);
  tooltip("Error to the target: Σ_pixels (clip(x_t) − clip(ξ_target))², clip to [0, 1].");
  if (o.retrieved >= 0) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(closestText);
    tooltip("argmax_μ p_μ: the memory with the largest weight at x_t.");
    ImGui::SameLine();
    std::snprintf(key, sizeof key, "mem%d", o.retrieved);
    image(ui, key, model.memories.version, set.patterns.col(o.retrieved).data(), set.shape,
          ImGui::GetFrameHeight(), false);
    if (o.metastable)
      textColored(colorWarn(), "METASTABLE");
    else if (o.correct)
      textColored(colorGood(), "correct");
    else
      textColored(colorBad(), "wrong memory");
    tooltip(
        "METASTABLE: max p < 0.9, no memory holds 90 % of the weight: a mixture. Otherwise one "
        "memory holds ≥ 0.9: correct when it is the target (argmax p = target), wrong when it is "
        "another memory.");
  }
  ImGui::EndGroup();
  recordItem(ui, "stage2.outcome." + name);
  ImGui::PushTextWrapPos(0);
  if (o.support > 0)
    ImGui::Text("max p %.3f · support %d · k₉₀ %d", o.maxWeight, o.support, o.k90);
  else
    ImGui::Text("max p %.3f · support 0 (diffuse) · k₉₀ %d", o.maxWeight, o.k90);
  ImGui::PopTextWrapPos();
  tooltip(
      "max p: the largest weight. support k: |{μ : p_μ > ε}|, the exact non-zeros (ε = 0) for "
      "sparsemax and entmax, ε = 0.01 for softmax and poly. Diffuse: k = 0, every weight ≤ ε, "
      "a state near the global average (never a single memory). k₉₀: the fewest memories whose "
      "weights sum to 0.9 (Ramsauer et al.). A single memory has k₉₀ = 1.");
  drawTheoryLine(model, side);

  // Top-k weights: bars plus the memories' thumbnails underneath, in the same order.
  bool topK = col.weights.size() == set.count();
  if (topK && foldTopK) {
    topK = ImGui::TreeNodeEx("top-k weights", ImGuiTreeNodeFlags_SpanAvailWidth);
    tooltip("The largest weights p_μ and their memories: folded away while the panel is short.");
    if (topK) ImGui::TreePop();  // only the header's state is wanted: no indent below it
  }
  const float topKTop = ImGui::GetCursorPosY();
  if (topK) {
    const int k = std::min(6, set.count());
    std::vector<int> order(set.count());
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + k, order.end(),
                      [&](int a, int b) { return col.weights[a] > col.weights[b]; });
    PlotSpec spec;
    spec.title = "top-" + std::to_string(k) + " weights p";
    spec.yAxis.label = "p";
    spec.yAxis.autoFit = false;
    spec.yAxis.min = 0;
    spec.yAxis.max = 1;
    spec.tooltip =
        "The k largest weights p_μ of p = sep(β·s(Ξ, x_t)); the thumbnails below show "
        "which memories they belong to. Dashed: the metastability threshold 0.9.";
    spec.referenceLines.push_back({"0.9", kMetastableThreshold});
    PlotSeries bars{"p", seriesColor(s), SeriesStyle::Bars, {}, {}, {}};
    for (int r = 0; r < k; ++r) {
      bars.x.push_back(r + 1);
      bars.y.push_back(col.weights[order[r]]);
    }
    spec.series.push_back(std::move(bars));
    plot(ui, s == 0 ? "stage2.weights.baseline" : "stage2.weights.uhop", spec, weightViews[s],
         em() * 7.0f);
    const float avail = ImGui::GetContentRegionAvail().x;
    const float gap = std::max(2.0f, em() * 0.25f);
    const float thumb = std::min(em() * 2.4f, (avail - gap * (k - 1)) / k);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(gap, gap));
    for (int r = 0; r < k; ++r) {
      if (r) ImGui::SameLine();
      std::snprintf(key, sizeof key, "mem%d", order[r]);
      if (imageButton(ui, key, model.memories.version, set.patterns.col(order[r]).data(), set.shape,
                      thumb, false, order[r] == model.query.target))
        commands.push_back(SelectTarget{order[r]});
      if (order[r] < static_cast<int>(set.labels.size())) {
        // The memory's label in the thumbnail's corner (CIFAR, IDX with a label file): on the
        // image rather than under it, so the column keeps its height.
        const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
        char label[16];
        std::snprintf(label, sizeof label, "%d", set.labels[order[r]]);
        const ImVec2 size = ImGui::CalcTextSize(label);
        const ImVec2 at(min.x + 1, max.y - size.y);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddRectFilled(at, ImVec2(at.x + size.x + 2, max.y - 1), IM_COL32(0, 0, 0, 170));
        dl->AddText(ImVec2(at.x + 1, at.y), IM_COL32(255, 255, 255, 235), label);
      }
      if (ImGui::IsItemHovered()) {
        const int m = order[r];
        std::string extra;
        if (m < static_cast<int>(set.labels.size()))
          extra += ", label " + std::to_string(set.labels[m]);
        if (m < static_cast<int>(set.names.size())) extra += ", " + set.names[m];
        ImGui::SetTooltip("rank %d: memory #%d%s, p = %.4f%s", r + 1, m, extra.c_str(),
                          col.weights[m], m == model.query.target ? " (the target)" : "");
      }
    }
    ImGui::PopStyleVar();
    topKHeight = (ImGui::GetCursorPosY() - topKTop) / em();
  }
  ui.record("stage2.column." + name, columnMin,
            ImVec2(columnMin.x + columnW, ImGui::GetCursorScreenPos().y));
  ImGui::PopID();
}

// A column whose model builds on its worker: what it is building, for how long (against the
// time the last build's rate predicts), what is queued, and the query it will start from.
void Stage2Panel::drawBuilding(const AppModel& model, Side side, UiContext& ui) {
  const RetrievalColumn& col = model.column(side);
  const MemorySet& set = *model.memories.set;
  const int s = index(side);
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - col.buildStarted).count();
  const double expected =
      model.columnWorkers[static_cast<size_t>(s)]->expectedSeconds(col.buildWork);
  char what[96];
  if (col.buildTag.similarity == SimilarityKind::Kernel)
    std::snprintf(what, sizeof what, "building the %s model for W step %d…",
                  side == Side::UHop ? "U-Hop" : "kernel", col.buildTag.wStep);
  else
    std::snprintf(what, sizeof what, "building the %s model…",
                  side == Side::UHop ? "U-Hop" : "baseline");
  ImGui::PushStyleColor(ImGuiCol_Text, colorWarn());
  ImGui::TextWrapped("%s", what);  // the column is narrow: wrap rather than cut "W step N"
  ImGui::PopStyleColor();
  tooltip(
      "The model's score operator (for the kernel ΞᵀWᵀW, two D·d·M products) is built off the "
      "UI thread for a set this large. Step and Run pressed meanwhile are carried out when it "
      "arrives; until then nothing is shown as this column's result.");
  char overlay[64];
  if (expected > 0)
    std::snprintf(overlay, sizeof overlay, "%.1f s of ~%.1f s", elapsed, expected);
  else
    std::snprintf(overlay, sizeof overlay, "%.1f s", elapsed);
  // Without an estimate (the first build) the bar only shows that time passes.
  const float fraction = expected > 0 ? static_cast<float>(std::min(0.99, elapsed / expected))
                                      : static_cast<float>(std::fmod(elapsed, 1.0));
  ImGui::ProgressBar(fraction, ImVec2(-1, 0), overlay);
  if (col.queuedSteps > 0 || col.queuedRunSteps > 0) {
    if (col.queuedRunSteps > 0 && col.queuedSteps > 0)
      ImGui::TextDisabled("queued: %d step%s, then Run", col.queuedSteps,
                          col.queuedSteps == 1 ? "" : "s");
    else if (col.queuedRunSteps > 0)
      ImGui::TextDisabled("queued: Run");
    else
      ImGui::TextDisabled("queued: %d step%s", col.queuedSteps, col.queuedSteps == 1 ? "" : "s");
    tooltip("Carried out as soon as the model is built. Reset drops them.");
  }
  if (col.state.size() == set.dimension()) {
    const float imgSize = std::min(em() * 5.5f, ImGui::GetContentRegionAvail().x * 0.42f);
    char key[32];
    std::snprintf(key, sizeof key, "state%d", s);
    image(ui, key, col.version, col.state.data(), set.shape, imgSize, true);
    tooltip("x₀, the query: where this column starts once its model is built.");
  }
}

void Stage2Panel::drawEnergy(const AppModel& model, UiContext& ui, float height) {
  PlotSpec spec;
  spec.title = "energy per retrieval step";
  spec.xAxis.label = "step t";
  spec.xAxis.integerTicks = true;
  spec.yAxis.label = "E(x_t)";
  spec.tooltip =
      "Baseline: E(x) = ½⟨x, x⟩ − β⁻¹Ψ*_α(β Ξᵀx) + const; U-Hop: E_K(x) = ½K(x, x) − "
      "β⁻¹Ψ*_α(β K(Ξ, x)) + const. Each step is a concave–convex procedure step, so the energy "
      "never rises along retrieval (the paper's Theorem 1). Models without an energy (−L1, −L2, "
      "polynomial) have no curve.";
  if (model.fairness.referenceCompatible) {
    // The curves are empty in this mode; say why instead of leaving a blank plot.
    spec.parameters =
        "no energy in reference-compatible mode: β multiplies p after the separation "
        "(x ← Ξ·β·sep(s)), a dynamics without an energy function (docs/method.md §7 item 1)";
    const float before = ImGui::GetCursorPosY();
    ImGui::PushStyleColor(ImGuiCol_Text, colorWarn());
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(spec.parameters.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    height = std::max(em() * 6, height - (ImGui::GetCursorPosY() - before));
  }
  for (int s = 0; s < 2; ++s) {
    const RetrievalColumn& col = model.columns[s];
    PlotSeries series{
        s == 0 ? "baseline E" : "U-Hop E_K", seriesColor(s), SeriesStyle::LineMarkers, {}, {}, {}};
    for (size_t i = 0; i < col.energy.size(); ++i) {
      if (!std::isfinite(col.energy[i])) continue;
      series.x.push_back(static_cast<double>(i));
      series.y.push_back(col.energy[i]);
    }
    spec.series.push_back(std::move(series));
  }
  plot(ui, "stage2.energy", spec, energyView, height);
}

}  // namespace uhop::ui
