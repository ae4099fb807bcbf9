#include "ui/theme.h"

#include <imgui.h>

#include <cstdio>
#include <filesystem>

namespace uhop::ui {

const char* const kDefaultFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

static Theme gTheme = Theme::Dark;
static ImVec4 gPanel(0.11f, 0.11f, 0.12f, 1.0f);

ImVec4 panelColor() {
  return gPanel;
}

Theme currentTheme() {
  return gTheme;
}

void applyTheme(Theme theme, float scale) {
  gTheme = theme;
  ImGuiStyle style;
  if (theme == Theme::Dark) {
    ImGui::StyleColorsDark(&style);
    style.Colors[ImGuiCol_WindowBg] = ImVec4(0.09f, 0.09f, 0.10f, 1.0f);
    gPanel = ImVec4(0.11f, 0.11f, 0.12f, 1.0f);
    style.Colors[ImGuiCol_Separator] = ImVec4(0.35f, 0.35f, 0.40f, 1.0f);
  } else {
    ImGui::StyleColorsLight(&style);
    style.Colors[ImGuiCol_WindowBg] = ImVec4(0.96f, 0.96f, 0.96f, 1.0f);
    gPanel = ImVec4(1.0f, 1.0f, 1.0f, 1.0f);
    // Fields must stand out from the white panels.
    style.Colors[ImGuiCol_FrameBg] = ImVec4(0.88f, 0.89f, 0.91f, 1.0f);
    style.Colors[ImGuiCol_FrameBgHovered] = ImVec4(0.80f, 0.86f, 0.95f, 1.0f);
    style.Colors[ImGuiCol_FrameBgActive] = ImVec4(0.72f, 0.82f, 0.95f, 1.0f);
    style.Colors[ImGuiCol_Border] = ImVec4(0.0f, 0.0f, 0.0f, 0.22f);
  }
  // Panels are painted by glClear (studio_app.cpp, clearBackground), hence square and without
  // an ImGui background of their own.
  style.Colors[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
  style.WindowRounding = 0;
  style.ChildRounding = 0;
  style.FrameRounding = 3;
  style.GrabRounding = 3;
  style.ChildBorderSize = 1;
  style.FramePadding = ImVec2(6, 3);
  style.ItemSpacing = ImVec2(8, 5);
  style.WindowPadding = ImVec2(8, 8);
  style.ScaleAllSizes(scale);
  ImGui::GetStyle() = style;
}

const ImWchar* fontGlyphRanges() {
  // Latin-1, combining marks (the hat of μ̂), Greek, phonetic ext. (ᵀ), punctuation (‖ − …),
  // sub/superscripts, letterlike symbols (ℝ), arrows, maths operators (∈ ≤ ≥ Σ √), misc
  // technical, geometric shapes (▶ ■), dingbats (❚ ✓), ⟨ ⟩. A character outside these ranges
  // draws as '?': tests/ui/theme_test.cpp checks every one the sources use.
  static const ImWchar ranges[] = {0x0020, 0x00FF, 0x0300, 0x036F, 0x0370, 0x03FF, 0x1D00,
                                   0x1D7F, 0x2000, 0x206F, 0x2070, 0x209F, 0x2100, 0x214F,
                                   0x2190, 0x21FF, 0x2200, 0x22FF, 0x2300, 0x23FF, 0x25A0,
                                   0x25FF, 0x2700, 0x27EF, 0};
  return ranges;
}

std::string loadFonts(float scale, const std::string& fontPath) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const ImWchar* ranges = fontGlyphRanges();
  const float size = kBaseFontSize * scale;
  std::error_code ec;
  if (std::filesystem::exists(fontPath, ec)) {
    ImFontConfig config;
    config.OversampleH = 2;
    config.OversampleV = 1;
    if (io.Fonts->AddFontFromFileTTF(fontPath.c_str(), size, &config, ranges)) return "";
  }
  ImFontConfig config;
  config.SizePixels = size;
  io.Fonts->AddFontDefault(&config);
  std::string message = "font " + fontPath +
                        " not found (install fonts-dejavu-core): using ImGui's built-in font; "
                        "Greek letters in formulas will show as '?'";
  std::fprintf(stderr, "uhop-studio: %s\n", message.c_str());
  return message;
}

unsigned int colorGood() {
  return gTheme == Theme::Dark ? IM_COL32(0, 158, 115, 255) : IM_COL32(0, 120, 90, 255);
}
unsigned int colorBad() {
  return gTheme == Theme::Dark ? IM_COL32(230, 120, 60, 255) : IM_COL32(190, 80, 0, 255);
}
unsigned int colorWarn() {
  return gTheme == Theme::Dark ? IM_COL32(240, 200, 60, 255) : IM_COL32(160, 110, 0, 255);
}
unsigned int colorAccent() {
  return gTheme == Theme::Dark ? IM_COL32(86, 180, 233, 255) : IM_COL32(0, 114, 178, 255);
}

}  // namespace uhop::ui
