#include "ui/widgets.h"

#include <cstdarg>

#include "ui/theme.h"

namespace uhop::ui {

const char* const kCorruptionNames[kCorruptionChoices] = {"none",  "mask",    "mask×2 (reference)",
                                                          "noise", "occlude", "salt & pepper"};
const CorruptionKind kCorruptionKinds[kCorruptionChoices] = {
    CorruptionKind::None,  CorruptionKind::Mask,    CorruptionKind::MaskRescale,
    CorruptionKind::Noise, CorruptionKind::Occlude, CorruptionKind::SaltPepper};
const char* const kCorruptionHelp =
    "How the target is corrupted into the query (seeded, reproducible):\n"
    "mask: each pixel zeroed with probability P.\n"
    "mask×2 (reference): the public scripts' dropout, zeroed with probability P and kept pixels "
    "× 1/(1−P) (×2 at P = 0.5).\n"
    "noise: clip(|x + N(0, σ²)|, 0, 1).\n"
    "occlude: the bottom fraction F of the rows zeroed.\n"
    "salt & pepper: each pixel set to 0 or 1 with probability P.";

float maxCorruptionStrength(CorruptionKind kind) {
  switch (kind) {
    case CorruptionKind::Noise:
      return 4.0f;
    case CorruptionKind::MaskRescale:
      return 0.95f;
    default:
      return 1.0f;
  }
}

void tooltip(const char* text) {
  if (!ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(em() * 30);
  ImGui::TextUnformatted(text);
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

void helpMarker(const char* text) {
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  tooltip(text);
}

void heading(const char* title, const char* help) {
  ImGui::PushStyleColor(ImGuiCol_Text, colorAccent());
  ImGui::TextUnformatted(title);
  ImGui::PopStyleColor();
  if (help) tooltip(help);
}

void textColored(unsigned int color, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::TextV(fmt, args);
  ImGui::PopStyleColor();
  va_end(args);
}

static void drawFrame(ImVec2 min, ImVec2 max, bool highlight) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (highlight)
    dl->AddRect(ImVec2(min.x - 2, min.y - 2), ImVec2(max.x + 2, max.y + 2), colorAccent(), 0, 0, 3);
  else
    dl->AddRect(min, max, ImGui::GetColorU32(ImGuiCol_Border));
}

bool imageButton(UiContext& ui, const std::string& key, uint64_t version, const float* pixels,
                 const ImageShape& shape, float size, bool nearest, bool highlight) {
  const float aspect = shape.height > 0 ? static_cast<float>(shape.width) / shape.height : 1;
  const ImVec2 extent(aspect >= 1 ? size : size * aspect, aspect >= 1 ? size / aspect : size);
  ImGui::PushID(key.c_str());
  const bool clicked = ImGui::InvisibleButton("img", extent);
  const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
  if (ImGui::IsRectVisible(min, max)) {
    void* tex = ui.textures.get(key, version, pixels, shape, nearest);
    ImGui::GetWindowDrawList()->AddImage(tex, min, max);
    drawFrame(min, max, highlight);
    if (ImGui::IsItemHovered())
      ImGui::GetWindowDrawList()->AddRect(min, max, ImGui::GetColorU32(ImGuiCol_ButtonHovered), 0,
                                          0, 2);
  }
  ImGui::PopID();
  return clicked;
}

void image(UiContext& ui, const std::string& key, uint64_t version, const float* pixels,
           const ImageShape& shape, float size, bool nearest) {
  const float aspect = shape.height > 0 ? static_cast<float>(shape.width) / shape.height : 1;
  const ImVec2 extent(aspect >= 1 ? size : size * aspect, aspect >= 1 ? size / aspect : size);
  void* tex = ui.textures.get(key, version, pixels, shape, nearest);
  ImGui::Image(tex, extent);
  drawFrame(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), false);
}

void plot(UiContext& ui, const char* name, const PlotSpec& spec, PlotViewState& view,
          float height) {
  const ImVec2 start = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  drawPlot(name, spec, view, height, ui.plotExport, &ui.textures);
  if (ui.exportByName && ui.exportByName->first == name) {
    ui.plotExport = PlotExportRequest{specAsShown(spec, view), ui.exportByName->second, &view};
    ui.exportByName.reset();
  }
  const float endY = ImGui::GetCursorScreenPos().y - ImGui::GetStyle().ItemSpacing.y;
  ui.record(name, start, ImVec2(start.x + width, std::max(endY, start.y + height)));
}

float buttonWidth(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
}

float labeledWidth(float fieldWidth, const char* label) {
  const float text = ImGui::CalcTextSize(label, nullptr, true).x;
  return fieldWidth + (text > 0 ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0);
}

void sameLineIfFits(float width) {
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < width) ImGui::NewLine();
}

void recordItem(UiContext& ui, const std::string& name) {
  ui.record(name, ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
}

bool beginMoreSettings(UiContext& ui, const char* id) {
  if (!ui.presenter) return true;
  ImGui::PushID(id);
  const bool open = ImGui::TreeNodeEx("More settings", ImGuiTreeNodeFlags_SpanAvailWidth);
  tooltip("The panel's advanced knobs, folded away in the presenter layout.");
  if (!open) ImGui::PopID();
  return open;
}

void endMoreSettings(UiContext& ui, bool open) {
  if (!ui.presenter || !open) return;
  ImGui::TreePop();
  ImGui::PopID();
}

void labelAt(const char* label, float xEm) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(label);
  ImGui::SameLine(em() * xEm);
}

bool draftSlider(const char* label, DraftFloat& draft, double current, float min, float max,
                 const char* format, ApplyWhen when, ImGuiSliderFlags flags, float dragSpeed) {
  if (!draft.active) draft.value = static_cast<float>(current);
  const bool changed =
      dragSpeed > 0 ? ImGui::DragFloat(label, &draft.value, dragSpeed, min, max, format, flags)
                    : ImGui::SliderFloat(label, &draft.value, min, max, format, flags);
  draft.active = ImGui::IsItemActive();
  return when == ApplyWhen::Release ? ImGui::IsItemDeactivatedAfterEdit() : changed;
}

}  // namespace uhop::ui
