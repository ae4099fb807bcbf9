// Series colours shared by the on-screen plot and its SVG export, so a series keeps its colour
// everywhere. The palette is Okabe & Ito's (2008) colour-blind-safe set, reordered so that the
// first colours read well on both the dark and the light theme and on a white SVG page; Okabe–Ito
// black is replaced by a mid grey because black lines vanish on the dark theme.
// Colours are uint32_t in ImU32 layout (0xAABBGGRR) so ImDrawList takes them directly, while this
// file stays free of ImGui for the pure-C++ SVG/CSV export and its tests.
#pragma once

#include <cstdint>
#include <string>

namespace uhop::ui {

// Number of distinct colours before seriesColor() repeats.
inline constexpr int kPaletteSize = 8;

// Colour of the series at `index` (0-based; any int, wraps around; negative counts as 0).
uint32_t seriesColor(int index);

// `explicitColor` unless it is 0 ("use the palette"), in which case seriesColor(index).
uint32_t seriesColorOr(uint32_t explicitColor, int index);

// Packs 8-bit channels into 0xAABBGGRR.
constexpr uint32_t packColor(uint8_t r, uint8_t g, uint8_t b, uint8_t a = 255) {
  return uint32_t(r) | (uint32_t(g) << 8) | (uint32_t(b) << 16) | (uint32_t(a) << 24);
}

// Same colour with its alpha replaced by `alpha` in [0, 1] (clamped).
uint32_t withAlpha(uint32_t color, float alpha);

// "#rrggbb" for SVG/CSS (alpha dropped; see colorOpacity).
std::string colorToHex(uint32_t color);

// Alpha as an opacity in [0, 1] for SVG's fill-opacity / stroke-opacity.
double colorOpacity(uint32_t color);

}  // namespace uhop::ui
