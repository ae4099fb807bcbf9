#include "ui/panels/lesson_bar.h"

#include <cstdio>

#include "ui/widgets.h"

namespace uhop::ui {

namespace {

std::string label(const LessonBarInfo& info) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "slide %d / %d", info.slide, info.slides);
  return info.title.empty() ? std::string(buf) : info.title + " · " + buf;
}

constexpr const char* kPrev = "◀ Prev (PgUp)";
constexpr const char* kNext = "Next (PgDn) ▶";
constexpr const char* kRestart = "Restart";

}  // namespace

ImVec2 lessonBarSize(const LessonBarInfo& info) {
  const ImGuiStyle& style = ImGui::GetStyle();
  float w = ImGui::CalcTextSize(label(info).c_str()).x;
  if (info.buttons)
    w += 3 * style.ItemSpacing.x + buttonWidth(kPrev) + buttonWidth(kNext) + buttonWidth(kRestart);
  return ImVec2(w, ImGui::GetFrameHeight());
}

LessonAction drawLessonBar(const LessonBarInfo& info) {
  LessonAction action = LessonAction::None;
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("%s", label(info).c_str());
  if (!info.buttons) return action;
  ImGui::SameLine();
  ImGui::BeginDisabled(info.slide <= 1);
  if (ImGui::Button(kPrev)) action = LessonAction::Prev;
  ImGui::EndDisabled();
  tooltip("Replay the lesson from its start to the previous slide (also ← and Page Up).");
  ImGui::SameLine();
  ImGui::BeginDisabled(!info.waiting);
  if (ImGui::Button(kNext)) action = LessonAction::Next;
  ImGui::EndDisabled();
  tooltip("Run the next slide (also →, Page Down and Space).");
  ImGui::SameLine();
  if (ImGui::Button(kRestart)) action = LessonAction::Restart;
  tooltip("Reset the model and start the lesson again from slide 1.");
  return action;
}

}  // namespace uhop::ui
