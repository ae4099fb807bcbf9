// Draws the SVG figures plotToSvg writes into pixels, so a plot's PNG export has exactly the SVG's
// layout (docs/architecture.md "Plots": one description, one layout, several outputs). Not a
// general SVG renderer: it knows the subset plotToSvg emits (rect, line, circle, path with
// M/L/H/V/A/Z, text with text-anchor and rotate(), embedded PNG images, one rectangular clip
// path, fill/stroke colours and opacities, dashes, inherited font-size/fill/text-anchor on <g>).
// Shapes are filled with the non-zero rule and anti-aliased (4 sub-scanlines, exact horizontal
// coverage); strokes are unions of segment quads and round joins; text is DejaVu Sans through
// stb_truetype. Pure C++ (no window, no GL), so tests and the CLI can make PNG figures too.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace uhop::ui {

struct RasterImage {
  int width = 0, height = 0;
  std::vector<uint32_t> rgba;  // 0xAABBGGRR (ImU32 layout), rows top-down
};

// The document drawn at `scale` pixels per SVG user unit on a transparent canvas of
// round(width·scale) × round(height·scale) (the root's width/height attributes). Throws
// std::runtime_error on a document without a size, and when text is present but the font
// (`fontPath`, and its -Bold sibling for bold text) cannot be loaded.
inline constexpr const char* kRasterFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
RasterImage rasterizeSvg(const std::string& svg, double scale,
                         const std::string& fontPath = kRasterFontPath);

}  // namespace uhop::ui
