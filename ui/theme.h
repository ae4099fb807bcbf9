// Look of the studio: dark / light theme, UI scale (presenter mode) and the font.
// The font is DejaVu Sans (fonts-dejavu-core) with glyph ranges for the formulas in tooltips:
// Latin-1, Greek, subscripts/superscripts, arrows, mathematical operators, ⟨ ⟩ and ᵀ. Without
// the file the app falls back to ImGui's built-in font (ASCII only) and says so once.
#pragma once

#include <imgui.h>

#include <string>

#include "studio/settings.h"

namespace uhop::ui {

constexpr float kBaseFontSize = 16.0f;
extern const char* const kDefaultFontPath;

// Restyles ImGui for the theme at `scale` (colours, rounding, spacing scaled).
void applyTheme(Theme theme, float scale);

// The code point ranges loadFonts loads (pairs, 0-terminated).
const ImWchar* fontGlyphRanges();

// Rebuilds the font atlas at kBaseFontSize × scale. Returns a message when the fallback font is
// used, else "". The renderer's font texture must be recreated afterwards.
std::string loadFonts(float scale, const std::string& fontPath = kDefaultFontPath);

// Colours that depend on the theme (ImU32): good/bad/warning text and the target highlight.
unsigned int colorGood();
unsigned int colorBad();
unsigned int colorWarn();
unsigned int colorAccent();
Theme currentTheme();
// Background of the panel cards (ImGui's ChildBg is transparent: the app clears the cards itself).
ImVec4 panelColor();

}  // namespace uhop::ui
