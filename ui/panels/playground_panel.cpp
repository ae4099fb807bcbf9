#include "ui/panels/playground_panel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "plot/landscape_plot.h"
#include "plot/palette.h"
#include "ui/theme.h"

namespace uhop::ui {

namespace {

constexpr const char* kSideNames[2] = {"Baseline", "U-Hop"};

std::string fmt(const char* format, double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string title(const PlaygroundState& s, int side) {
  std::string t = kSideNames[side];
  if (side == 0) {
    t += s.baselineSimilarity == SimilarityKind::Dot ? " (dot)" : " (−L2)";
  } else {
    t += " (kernel, ";
    t += s.showBefore
             ? "W₀ before Stage I)"
             : "W after " + std::to_string(s.run ? s.run->stepsDone() : 0) + " Stage I steps)";
  }
  return t + (s.basins ? ": basins" : ": energy");
}

std::string parameters(const PlaygroundState& s) {
  return s.separation.name() + " · β = " + fmt("%g", s.beta) + " · T = " + std::to_string(s.steps) +
         " · M = " + std::to_string(s.count()) + " · grid " + std::to_string(s.grid) + "²";
}

// The nearest of `xs, ys` to the mouse within `radius` screen pixels, or −1.
int nearest(const std::vector<std::array<double, 2>>& points, ImVec2 mouse, const PlotViewState& v,
            float radius) {
  int best = -1;
  float bestD = radius;
  for (size_t k = 0; k < points.size(); ++k) {
    const float sx =
        v.frameX0 + float((points[k][0] - v.xMin) / (v.xMax - v.xMin)) * (v.frameX1 - v.frameX0);
    const float sy =
        v.frameY1 - float((points[k][1] - v.yMin) / (v.yMax - v.yMin)) * (v.frameY1 - v.frameY0);
    const float d = std::hypot(sx - mouse.x, sy - mouse.y);
    if (d <= bestD) bestD = d, best = int(k);
  }
  return best;
}

std::vector<std::array<double, 2>> pointList(const PlaygroundState& s) {
  std::vector<std::array<double, 2>> out;
  for (int k = 0; k < s.count(); ++k) out.push_back({(*s.points)(0, k), (*s.points)(1, k)});
  return out;
}

}  // namespace

PlotSpec playgroundSpec(const PlaygroundState& s, int side, const PlotImage* heatMap) {
  PlotSpec spec;
  spec.title = title(s, side);
  spec.parameters = parameters(s);
  spec.tooltip =
      s.basins ? "Each grid point in the colour of the memory holding max p ≥ 0.9 after T steps "
                 "(paler as max p falls to 0.9); grey: metastable. Red rings: fixed points."
               : "E(x) at each grid point (dark = low; colours span the lowest energy to the 90th "
                 "percentile) with contour lines. Red rings: fixed points of the dynamics.";
  spec.xAxis.label = "x₁";
  spec.yAxis.label = "x₂";
  spec.xAxis.autoFit = spec.yAxis.autoFit = false;
  spec.xAxis.min = s.range.x0, spec.xAxis.max = s.range.x1;
  spec.yAxis.min = s.range.y0, spec.yAxis.max = s.range.y1;
  if (heatMap && heatMap->width > 0) spec.images.push_back(*heatMap);
  const PlaygroundSide* r = s.result ? &s.result->sides[side] : nullptr;
  if (r && !s.basins && !r->contourX.empty()) {
    PlotSeries c;
    c.name = "E contours";
    c.style = SeriesStyle::Line;
    c.color = 0x99FFFFFFu;  // translucent white: visible on every colour of the ramp
    c.x = r->contourX, c.y = r->contourY;
    spec.series.push_back(std::move(c));
  }
  PlotSeries mem;
  mem.name = "memories";
  mem.style = SeriesStyle::Markers;
  mem.color = s.basins ? packColor(0, 0, 0) : packColor(255, 255, 255);
  for (const auto& p : pointList(s)) mem.x.push_back(p[0]), mem.y.push_back(p[1]);
  spec.series.push_back(std::move(mem));
  if (r && !r->fixedPoints.empty()) {
    PlotSeries f;
    f.name = "fixed points";
    f.style = SeriesStyle::Markers;
    f.color = packColor(230, 40, 40);
    for (const auto& p : r->fixedPoints) f.x.push_back(p[0]), f.y.push_back(p[1]);
    spec.series.push_back(std::move(f));
  }
  const PlaygroundTrajectory& tr = s.trajectories[side];
  if (s.query && !tr.states.empty()) {
    PlotSeries t;
    t.name = "trajectory (T steps)";
    t.style = SeriesStyle::LineMarkers;
    t.color = packColor(255, 140, 0);
    for (const auto& p : tr.states) t.x.push_back(p[0]), t.y.push_back(p[1]);
    spec.series.push_back(std::move(t));
  }
  return spec;
}

void PlaygroundPanel::draw(const AppModel& model, Commands& commands, UiContext& ui) {
  const PlaygroundState& s = model.playground;
  if (!s.shown) return;
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowSize(ImVec2(viewport->WorkSize.x * 0.8f, viewport->WorkSize.y * 0.85f),
                           ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos(ImVec2(viewport->WorkPos.x + viewport->WorkSize.x * 0.1f,
                                 viewport->WorkPos.y + viewport->WorkSize.y * 0.07f),
                          ImGuiCond_FirstUseEver);
  bool open = true;
  if (ImGui::Begin("Energy playground", &open, ImGuiWindowFlags_NoCollapse)) {
    const ImVec2 min = ImGui::GetWindowPos();
    ui.record("window.playground", min,
              ImVec2(min.x + ImGui::GetWindowWidth(), min.y + ImGui::GetWindowHeight()));
    drawKnobs(s, commands);
    if (s.result != cachedResult || s.basins != cachedBasins) {
      cachedResult = s.result;
      cachedBasins = s.basins;
      for (int side = 0; side < 2; ++side) {
        heatMaps[side] = PlotImage{};
        if (!s.result || !s.result->sides[side].error.empty()) continue;
        const Landscape& land = s.result->sides[side].land;
        const Matrix none(2, 0);
        const PlotSpec spec =
            s.basins ? landscapeBasinSpec(land, none, "") : landscapeEnergySpec(land, none, "");
        if (!spec.images.empty()) heatMaps[side] = spec.images.front();
      }
    }
    const float height = std::max(em() * 14, ImGui::GetContentRegionAvail().y - em() * 3.2f);
    if (ImGui::BeginTable("playground-maps", 2, ImGuiTableFlags_SizingStretchSame)) {
      for (int side = 0; side < 2; ++side) {
        ImGui::TableNextColumn();
        drawMap(s, side, commands, ui, height);
      }
      ImGui::EndTable();
    }
  }
  ImGui::End();
  if (!open) commands.push_back(PlaygroundCommand{PlaygroundShow{false}});
}

void PlaygroundPanel::drawKnobs(const PlaygroundState& s, Commands& commands) {
  auto push = [&](PlaygroundAction a) { commands.push_back(PlaygroundCommand{std::move(a)}); };
  const float w = em() * 7;
  // Row 1: memories and the model.
  ImGui::SetNextItemWidth(w);
  if (ImGui::BeginCombo("preset", s.preset.c_str())) {
    for (const std::string& name : landscapePresetNames())
      if (ImGui::Selectable(name.c_str(), name == s.preset)) push(PlaygroundPreset{name, 0});
    ImGui::EndCombo();
  }
  tooltip(
      "A preset memory set (replaces the points). Then: left click adds a point, drag moves "
      "one, right click deletes one (at most 64).");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  const char* sims[] = {"dot", "−L2"};
  int sim = s.baselineSimilarity == SimilarityKind::Dot ? 0 : 1;
  if (ImGui::Combo("baseline", &sim, sims, 2)) {
    PlaygroundSet set;
    set.similarity = sim == 0 ? SimilarityKind::Dot : SimilarityKind::NegL2;
    push(set);
  }
  tooltip(
      "The baseline's similarity: ⟨ξ, x⟩ or −‖ξ − x‖ (−L2 has no energy: its energy map is "
      "grey, the basins still show). U-Hop uses the kernel ⟨Wξ, Wx⟩.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  const char* seps[] = {"softmax", "sparsemax", "entmax:1.5"};
  int sep = 0;
  for (int k = 0; k < 3; ++k)
    if (s.separation.name() == seps[k]) sep = k;
  if (ImGui::Combo("separation", &sep, seps, 3)) {
    PlaygroundSet set;
    set.separation = Separation::parse(seps[sep]);
    push(set);
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 1.3f);
  if (draftSlider("β", betaDraft, s.beta, 0.1f, 1000.0f, "%.3g", ApplyWhen::Dragging,
                  ImGuiSliderFlags_Logarithmic)) {
    PlaygroundSet set;
    set.beta = betaDraft.value;
    push(set);
  }
  tooltip("Inverse temperature β (log scale): large β splits the plane into basins.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  int steps = s.steps;
  if (ImGui::SliderInt("T", &steps, 0, 50)) {
    PlaygroundSet set;
    set.steps = steps;
    push(set);
  }
  tooltip("Retrieval steps T: the basins are where each grid point is after T steps.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 0.8f);
  const int grids[] = {64, 128, 256, 512};
  const char* gridNames[] = {"64²", "128²", "256²", "512²"};
  int g = 2;
  for (int k = 0; k < 4; ++k)
    if (grids[k] == s.grid) g = k;
  if (ImGui::Combo("grid", &g, gridNames, 4)) {
    PlaygroundSet set;
    set.grid = grids[g];
    push(set);
  }
  ImGui::SameLine();
  int view = s.basins ? 1 : 0;
  bool viewChanged = ImGui::RadioButton("energy", &view, 0);
  ImGui::SameLine();
  viewChanged |= ImGui::RadioButton("basins", &view, 1);
  if (viewChanged) {
    PlaygroundSet set;
    set.basins = view == 1;
    push(set);
  }

  // Row 2: Stage I and the query.
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Stage I");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 1.2f);
  const OptimizerKind opts[] = {OptimizerKind::Backtracking, OptimizerKind::Adam,
                                OptimizerKind::GradientDescent};
  const char* optNames[] = {"backtracking", "adam", "gd"};
  int opt = 0;
  for (int k = 0; k < 3; ++k)
    if (opts[k] == s.stage1.optimizer) opt = k;
  if (ImGui::Combo("optimizer", &opt, optNames, 3)) {
    PlaygroundSet set;
    set.optimizer = opts[opt];
    push(set);
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  if (draftSlider("t", tDraft, s.stage1.loss.t, 0.1f, 50.0f, "%.3g", ApplyWhen::Release,
                  ImGuiSliderFlags_Logarithmic)) {
    PlaygroundSet set;
    set.t = tDraft.value;
    push(set);
  }
  tooltip("The separation loss's t (docs/method.md §4); changing it restarts Stage I.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  int target = s.stage1.steps;
  if (ImGui::InputInt("steps", &target, 10, 100, ImGuiInputTextFlags_EnterReturnsTrue)) {
    PlaygroundSet set;
    set.stage1Steps = std::max(0, target);
    push(set);
  }
  ImGui::SameLine();
  if (ImGui::Button(s.playing ? "Pause" : "Play"))
    push(PlaygroundStage1{s.playing ? PlaygroundStage1::Op::Pause : PlaygroundStage1::Op::Play});
  ImGui::SameLine();
  if (ImGui::Button("Step")) push(PlaygroundStage1{PlaygroundStage1::Op::Step, 1});
  ImGui::SameLine();
  if (ImGui::Button("Reset")) push(PlaygroundStage1{PlaygroundStage1::Op::Reset});
  ImGui::SameLine();
  bool before = s.showBefore;
  if (ImGui::Checkbox("before Stage I", &before)) {
    PlaygroundSet set;
    set.before = before;
    push(set);
  }
  tooltip("U-Hop with W₀ (before any Stage I step) instead of the current W.");
  ImGui::SameLine();
  ImGui::TextDisabled("|");
  ImGui::SameLine();
  ImGui::Checkbox("click sets query", &queryMode);
  tooltip("Left click sets the query whose trajectory is drawn (Shift+click does too).");
  if (s.query) {
    ImGui::SameLine();
    if (ImGui::SmallButton("clear query")) push(PlaygroundQuery{});
  }

  // Status: Stage I, the grid's time, the last refusal.
  std::string status;
  if (s.run) {
    const Stage1Record& rec = s.run->history().back();
    status = "Stage I step " + std::to_string(s.run->stepsDone()) + "/" +
             std::to_string(s.stage1.steps) + ", L = " + fmt("%.4g", rec.loss) +
             ", D_Φ = " + std::to_string(s.wAfter ? s.wAfter->rows() : 0);
  }
  if (!s.stage1Error.empty()) status += (status.empty() ? "" : " · ") + s.stage1Error;
  if (s.result) {
    const auto& r = *s.result;
    auto time = [&](int side) {
      return r.sides[side].reused ? std::string("kept")
                                  : fmt("%.0f ms", r.sides[side].milliseconds);
    };
    status += " · grid " + std::to_string(r.grid) + "²: " + time(0) + " + " + time(1) +
              " (job with contours and fixed points " + fmt("%.0f", r.milliseconds) + " ms)";
  }
  if (s.worker->busy()) status += " · computing…";
  ImGui::TextDisabled("%s", status.c_str());
  if (!s.message.empty()) textColored(colorBad(), "%s", s.message.c_str());
}

void PlaygroundPanel::drawMap(const PlaygroundState& s, int side, Commands& commands, UiContext& ui,
                              float height) {
  PlotViewState& view = views[side];
  view.pointerEdit = true;
  view.suppressContextMenu = rightPressOnPoint;
  const PlotSpec spec = playgroundSpec(s, side, &heatMaps[side]);
  const std::string name = side == 0 ? "plot.playground.baseline" : "plot.playground.uhop";
  plot(ui, name.c_str(), spec, view, height);
  if (s.result && !s.result->sides[side].error.empty())
    textColored(colorBad(), "%s", s.result->sides[side].error.c_str());

  // The trajectory's energies, step by step.
  const PlaygroundTrajectory& tr = s.trajectories[side];
  if (s.query && !tr.energy.empty()) {
    std::string line = "E:";
    for (size_t k = 0; k < tr.energy.size() && k < 12; ++k)
      line += (k ? " → " : " ") + fmt("%.4g", tr.energy[k]);
    if (tr.energy.size() > 12) line += " … " + fmt("%.4g", tr.energy.back());
    ImGui::TextDisabled("%s", line.c_str());
  } else if (!tr.error.empty()) {
    textColored(colorBad(), "%s", tr.error.c_str());
  }

  // Mouse: the frame rectangle and range drawn this frame map the mouse to data.
  if (!(view.frameX1 > view.frameX0) || !(view.xMax > view.xMin)) return;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool inFrame = mouse.x >= view.frameX0 && mouse.x <= view.frameX1 &&
                       mouse.y >= view.frameY0 && mouse.y <= view.frameY1;
  const double x = view.xMin + (mouse.x - view.frameX0) / (view.frameX1 - view.frameX0) *
                                   (view.xMax - view.xMin);
  const double y = view.yMax - (mouse.y - view.frameY0) / (view.frameY1 - view.frameY0) *
                                   (view.yMax - view.yMin);
  // The plot's own button turns active on the very press we handle here, which plain
  // IsWindowHovered() would read as "blocked".
  const bool hovered =
      inFrame && ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem) &&
      !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel);
  const float pick = em() * 0.6f;
  const std::vector<std::array<double, 2>> points = pointList(s);
  if (dragIndex >= 0) {
    if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
      dragIndex = -1;
    } else if (inFrame && dragIndex < s.count() &&
               (std::fabs(x - points[dragIndex][0]) > 1e-6 ||
                std::fabs(y - points[dragIndex][1]) > 1e-6) &&
               (ImGui::GetIO().MouseDelta.x != 0 || ImGui::GetIO().MouseDelta.y != 0)) {
      commands.push_back(PlaygroundCommand{PlaygroundMovePoint{dragIndex, x, y}});
    }
  }
  if (rightPressOnPoint && !ImGui::IsMouseDown(ImGuiMouseButton_Right) &&
      !ImGui::IsMouseReleased(ImGuiMouseButton_Right))
    rightPressOnPoint = false;
  if (!hovered) return;
  const int onPoint = nearest(points, mouse, view, pick);
  if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    if (queryMode || ImGui::GetIO().KeyShift)
      commands.push_back(PlaygroundCommand{PlaygroundQuery{std::array<double, 2>{x, y}}});
    else if (onPoint >= 0)
      dragIndex = onPoint;
    else
      commands.push_back(PlaygroundCommand{PlaygroundAddPoint{x, y}});
  }
  if (ImGui::IsMouseClicked(ImGuiMouseButton_Right) && onPoint >= 0) {
    commands.push_back(PlaygroundCommand{PlaygroundDeletePoint{onPoint}});
    rightPressOnPoint = true;
  }
  if (dragIndex >= 0) return;
  // Tooltip: a trajectory step (its energy), else the grid point under the mouse.
  const int step = s.query ? nearest(tr.states, mouse, view, pick) : -1;
  ImGui::BeginTooltip();
  if (step >= 0) {
    ImGui::Text("step %d: x = (%.4g, %.4g), E = %.6g", step, tr.states[step][0], tr.states[step][1],
                tr.energy[step]);
  } else {
    ImGui::Text("x = (%.3f, %.3f)", x, y);
    if (onPoint >= 0) ImGui::Text("memory %d (drag to move, right click to delete)", onPoint);
    if (s.result && s.result->sides[side].error.empty()) {
      const Landscape& land = s.result->sides[side].land;
      const int n = land.grid;
      const int i =
          int(std::lround((x - land.range.x0) / (land.range.x1 - land.range.x0) * (n - 1)));
      const int j =
          int(std::lround((y - land.range.y0) / (land.range.y1 - land.range.y0) * (n - 1)));
      if (i >= 0 && i < n && j >= 0 && j < n) {
        const size_t k = size_t(j) * size_t(n) + size_t(i);
        ImGui::Text("E = %.5g", land.energy[k]);
        if (land.basin[k] >= 0)
          ImGui::Text("after T steps: memory %d (max p = %.3f)", land.basin[k], land.maxWeight[k]);
        else
          ImGui::Text("after T steps: metastable (max p = %.3f)", land.maxWeight[k]);
      }
    }
  }
  ImGui::EndTooltip();
}

}  // namespace uhop::ui
