#include "ui/window/background.h"

#include <GL/gl.h>

#include <algorithm>
#include <cmath>

#include "ui/theme.h"

namespace uhop::ui {

std::vector<ImVec4> uncoveredRects(const std::vector<ImVec4>& panels, float width, float height) {
  std::vector<ImVec4> out;
  if (width <= 0 || height <= 0) return out;
  // Horizontal bands between consecutive panel edges; within a band every panel either covers
  // it fully in y or not at all.
  std::vector<float> ys = {0.0f, height};
  for (const ImVec4& r : panels)
    for (float y : {r.y, r.w}) ys.push_back(std::clamp(y, 0.0f, height));
  std::sort(ys.begin(), ys.end());
  ys.erase(std::unique(ys.begin(), ys.end()), ys.end());
  for (size_t b = 0; b + 1 < ys.size(); ++b) {
    const float y0 = ys[b], y1 = ys[b + 1];
    std::vector<std::pair<float, float>> covered;
    for (const ImVec4& r : panels)
      if (r.y <= y0 && r.w >= y1 && r.z > r.x) covered.emplace_back(r.x, r.z);
    std::sort(covered.begin(), covered.end());
    float x = 0;
    for (const auto& [x0, x1] : covered) {
      if (x0 > x) out.push_back(ImVec4(x, y0, std::min(x0, width), y1));
      x = std::max(x, x1);
      if (x >= width) break;
    }
    if (x < width) out.push_back(ImVec4(x, y0, width, y1));
  }
  // Drop slivers produced by clamping (zero width).
  out.erase(std::remove_if(out.begin(), out.end(),
                           [](const ImVec4& r) { return r.z <= r.x || r.w <= r.y; }),
            out.end());
  return out;
}

void clearBackground(const std::vector<ImVec4>& panels, int width, int height) {
  const ImGuiIO& io = ImGui::GetIO();
  const float sx = io.DisplaySize.x > 0 ? static_cast<float>(width) / io.DisplaySize.x : 1.0f;
  const float sy = io.DisplaySize.y > 0 ? static_cast<float>(height) / io.DisplaySize.y : 1.0f;
  glDisable(GL_SCISSOR_TEST);
  const ImVec4 card = panelColor();
  glClearColor(card.x, card.y, card.z, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  glClearColor(bg.x, bg.y, bg.z, 1);
  glEnable(GL_SCISSOR_TEST);
  for (const ImVec4& r : uncoveredRects(panels, io.DisplaySize.x, io.DisplaySize.y)) {
    const int x0 = static_cast<int>(std::lround(r.x * sx)),
              x1 = static_cast<int>(std::lround(r.z * sx));
    const int y0 = static_cast<int>(std::lround(r.y * sy)),
              y1 = static_cast<int>(std::lround(r.w * sy));
    if (x1 <= x0 || y1 <= y0) continue;
    glScissor(x0, height - y1, x1 - x0, y1 - y0);  // GL's origin is bottom-left
    glClear(GL_COLOR_BUFFER_BIT);
  }
  glDisable(GL_SCISSOR_TEST);
}

}  // namespace uhop::ui
