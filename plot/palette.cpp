#include "plot/palette.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace uhop::ui {

namespace {

// Okabe–Ito: blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow; then grey
// instead of black. Blue/orange/green/vermillion come first: they keep at least ~2.3:1 contrast
// against both a white and a near-black background; yellow (poor on white) comes last but one.
constexpr std::array<uint32_t, kPaletteSize> kOkabeIto = {
    packColor(0x00, 0x72, 0xB2), packColor(0xE6, 0x9F, 0x00), packColor(0x00, 0x9E, 0x73),
    packColor(0xD5, 0x5E, 0x00), packColor(0xCC, 0x79, 0xA7), packColor(0x56, 0xB4, 0xE9),
    packColor(0xF0, 0xE4, 0x42), packColor(0x99, 0x99, 0x99),
};

}  // namespace

uint32_t seriesColor(int index) {
  return kOkabeIto[size_t(std::max(index, 0) % kPaletteSize)];
}

uint32_t seriesColorOr(uint32_t explicitColor, int index) {
  return explicitColor != 0 ? explicitColor : seriesColor(index);
}

uint32_t withAlpha(uint32_t color, float alpha) {
  const auto a = uint32_t(std::clamp(alpha, 0.0f, 1.0f) * 255.0f + 0.5f);
  return (color & 0x00FFFFFFu) | (a << 24);
}

std::string colorToHex(uint32_t color) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", unsigned(color & 0xFF),
                unsigned((color >> 8) & 0xFF), unsigned((color >> 16) & 0xFF));
  return buf;
}

double colorOpacity(uint32_t color) {
  return double((color >> 24) & 0xFF) / 255.0;
}

}  // namespace uhop::ui
