#include "ui/panels/memories_panel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "ui/theme.h"

namespace uhop::ui {

// While the load worker reads a source or computes its statistics: what it does, how far, and
// Cancel (the memories shown stay).
static void drawLoadProgress(const AppModel& model, Commands& commands) {
  if (!model.loading()) return;
  const LoadWorker& worker = *model.loadWorker;
  const bool stats = worker.phase() == LoadWorker::Phase::Statistics;
  char label[160];
  if (stats)
    std::snprintf(label, sizeof label, "separation statistics %.0f %%", worker.progress() * 100);
  else
    std::snprintf(label, sizeof label, "reading %s…", model.memories.loading.source.c_str());
  // Reading has no progress of its own (the loaders read in one go): an empty bar.
  ImGui::ProgressBar(stats ? static_cast<float>(worker.progress()) : 0.0f, ImVec2(-em() * 5.0f, 0),
                     label);
  ImGui::SameLine();
  if (ImGui::Button("Cancel##load", ImVec2(-1, 0))) commands.push_back(CancelLoad{});
  tooltip(
      "Loading runs off the UI thread. Δ_μ needs every pair of memories: at M = 60,000 that is "
      "1.8·10⁹ pairs, computed in blocks. Cancel keeps the memories shown.");
}

void MemoriesPanel::draw(const AppModel& model, Commands& commands, UiContext& ui) {
  const MemoryState& mem = model.memories;
  if (seenVersion != mem.version && mem.set) {
    std::snprintf(source, sizeof source, "%s", mem.source.c_str());
    count = mem.requestedCount;
    offset = mem.offset;
    grayscale = mem.grayscale;
    width = mem.width;
    height = mem.height;
    seenVersion = mem.version;
  }
  heading("MEMORIES",
          "The stored patterns ξ_1 … ξ_M (columns of Ξ ∈ ℝ^{d×M}), pixels in [0, 1]. "
          "Click a thumbnail to make it the target of the query in Stage II.");

  auto load = [&] { commands.push_back(loadCommand(source, count)); };
  ImGui::SetNextItemWidth(-em() * 3.6f);
  if (focusSource) {
    ImGui::SetKeyboardFocusHere();
    focusSource = false;
  }
  if (ImGui::InputTextWithHint("##source", "builtin | fashion-mnist | path", source, sizeof source,
                               ImGuiInputTextFlags_EnterReturnsTrue))
    load();
  tooltip(
      "Data source: builtin (64 Fashion-MNIST images shipped with the app), fashion-mnist, "
      "fashion-mnist-test, a path to an IDX / IDX.gz file, a CIFAR-10/100 .bin batch, or a "
      "folder of PNG/JPG/BMP images. You can also drop a file or folder onto the window. "
      "Press Enter or Load.");
  ImGui::SameLine();
  if (ImGui::Button("Load", ImVec2(-1, 0))) load();

  ImGui::SetNextItemWidth(-1);
  if (ImGui::BeginCombo("##recent", "Recent sources…")) {
    for (const std::string& r : model.settings.recentSources) {
      const int m = recentCount(model.settings, r, 0);
      char label[1100];
      if (m > 0)
        std::snprintf(label, sizeof label, "%s  (M = %d)", r.c_str(), m);
      else
        std::snprintf(label, sizeof label, "%s", r.c_str());
      ImGui::PushID(r.c_str());
      if (ImGui::Selectable(label)) {
        std::snprintf(source, sizeof source, "%s", r.c_str());
        if (m > 0) count = m;  // as many memories as the last load of this source
        load();
      }
      ImGui::PopID();
    }
    ImGui::Separator();
    if (ImGui::Selectable("builtin")) {
      std::snprintf(source, sizeof source, "builtin");
      count = 64;
      offset = 0;
      load();
    }
    if (ImGui::Selectable("fashion-mnist (M = 500)")) {
      std::snprintf(source, sizeof source, "fashion-mnist");
      count = 500;
      load();
    }
    ImGui::EndCombo();
  }

  const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
  ImGui::SetNextItemWidth(half - em() * 1.4f);
  ImGui::InputInt("M##count", &count, 0, 0);
  if (ImGui::IsItemDeactivatedAfterEdit()) load();
  count = std::clamp(count, 2, 60000);
  tooltip(
      "M, the number of memories (columns of Ξ). Stage I costs O(D_Φ·d·M + D_Φ·M²) per "
      "step; M = 500 Fashion-MNIST runs at a few steps per second.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(half - em() * 2.8f);
  ImGui::InputInt("offset", &offset, 0, 0);
  if (ImGui::IsItemDeactivatedAfterEdit()) load();
  offset = std::max(offset, 0);
  tooltip("Index of the first item of the source to use: memories are items offset … offset+M−1.");

  if (ImGui::Checkbox("grayscale", &grayscale)) load();
  tooltip(
      "Convert colour images (folders, CIFAR, (M, h, w, 3) .npy) to one channel, the luma "
      "0.299 R + 0.587 G + 0.114 B (d = w·h). Off: colour is kept, d = w·h·3 (RGB per pixel).");
  // The two size fields need 6 em beside their label, else they go on a line of their own.
  sameLineIfFits(labeledWidth(em() * 6, "size"));
  int wh[2] = {width, height};
  ImGui::SetNextItemWidth(-em() * 3.2f);
  ImGui::InputInt2("size##wh", wh);
  if (ImGui::IsItemDeactivatedAfterEdit()) {
    // Both or neither: 0 in either field means "the first image's size".
    const bool given = wh[0] > 0 && wh[1] > 0;
    width = given ? std::min(wh[0], 4096) : 0;
    height = given ? std::min(wh[1], 4096) : 0;
    load();
  }
  tooltip(
      "Width × height every image of a folder is resized to (bilinear). 0 × 0 = the size of the "
      "first image; images of other sizes are resized to it and the panel says how many.");

  if (!mem.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, colorBad());
    ImGui::TextWrapped("%s", mem.error.c_str());
    ImGui::PopStyleColor();
  }
  drawLoadProgress(model, commands);
  if (!mem.set) {
    if (!model.loading()) ImGui::TextDisabled("No memories loaded.");
    return;
  }
  const MemorySet& set = *mem.set;
  if (!set.warnings.empty()) {
    // Skipped files, fewer memories than asked for, resized images: the load went on, so these
    // are warnings, listed in full (a long list scrolls).
    ImGui::PushStyleColor(ImGuiCol_Text, colorWarn());
    ImGui::TextWrapped("%zu load warning%s:", set.warnings.size(),
                       set.warnings.size() == 1 ? "" : "s");
    ImGui::PopStyleColor();
    const float lineHeight = ImGui::GetTextLineHeightWithSpacing();
    const float listHeight =
        std::min(static_cast<float>(set.warnings.size()) * 2.2f, 6.5f) * lineHeight;
    ImGui::BeginChild("warnings", ImVec2(0, listHeight), true);
    for (const std::string& w : set.warnings) ImGui::TextWrapped("%s", w.c_str());
    ImGui::EndChild();
  }
  ImGui::TextWrapped("%d memories · %d×%d%s · d = %d", set.count(), set.shape.width,
                     set.shape.height, set.shape.channels == 3 ? " RGB" : " grey", set.dimension());
  tooltip(
      "Count M, image size (width × height, channels) and the dimension d = w·h·c of each "
      "memory vector.");
  ImGui::TextDisabled("%s", set.source.c_str());
  if (mem.statsReady)
    ImGui::TextWrapped("raw Δ min %.2f · mean %.2f", mem.raw.minMargin, mem.raw.meanMargin);
  else
    ImGui::TextDisabled(model.loading() ? "raw Δ: computing…" : "raw Δ: not computed");
  tooltip(
      "Raw-space separation of each memory: Δ_μ = ⟨ξ_μ, ξ_μ⟩ − max_{ν≠μ} ⟨ξ_μ, ξ_ν⟩. "
      "Δ_μ ≤ 0 means some other memory scores at least as high as ξ_μ itself, so dot-product "
      "retrieval of ξ_μ cannot be exact. Stage I exists to make the feature-space Δ^Φ large.");
  if (mem.statsReady)
    ImGui::TextWrapped("min ‖ξ_μ − ξ_ν‖ %.2f · max ‖ξ‖ %.2f", mem.raw.minPairDistance,
                       mem.raw.maxNorm);
  tooltip(
      "Smallest distance between two memories (R = half of it) and the largest norm m: "
      "the retrieval error bound 2m(M−1)·exp(−β(Δ − 2mR)) uses both (docs/method.md).");
  ImGui::Separator();

  // Thumbnail grid: only visible rows are drawn (clipper), so M = 500 costs what a screenful does.
  ImGui::BeginChild("thumbs", ImVec2(0, 0), false);
  const float spacing = std::max(2.0f, em() * 0.2f);
  const float avail = ImGui::GetContentRegionAvail().x;
  const float target = em() * 2.6f;
  const int perRow = std::max(1, static_cast<int>((avail + spacing) / (target + spacing)));
  const float size = std::floor((avail - spacing * (perRow - 1)) / perRow) - 1;
  const int rows = (set.count() + perRow - 1) / perRow;
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(spacing, spacing));
  ImGuiListClipper clipper;
  clipper.Begin(rows, size + spacing);
  while (clipper.Step()) {
    for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
      for (int c = 0; c < perRow; ++c) {
        const int i = r * perRow + c;
        if (i >= set.count()) break;
        if (c) ImGui::SameLine();
        char key[32];
        std::snprintf(key, sizeof key, "mem%d", i);
        if (imageButton(ui, key, mem.version, set.patterns.col(i).data(), set.shape, size, false,
                        i == model.query.target))
          commands.push_back(SelectTarget{i});
        if (ImGui::IsItemHovered()) {
          ImGui::BeginTooltip();
          ImGui::Text("memory #%d", i);
          if (i < static_cast<int>(set.labels.size())) ImGui::Text("label %d", set.labels[i]);
          if (!set.names.empty()) ImGui::TextUnformatted(set.names[i].c_str());
          if (mem.statsReady && mem.raw.margins.size() > i)
            ImGui::Text("Δ_μ = %.2f", mem.raw.margins[i]);
          ImGui::TextDisabled("click: make it the target");
          ImGui::EndTooltip();
        }
      }
    }
  }
  ImGui::PopStyleVar();
  ImGui::EndChild();
}

}  // namespace uhop::ui
