// The window background and the panel cards, painted with glClear before ImGui draws.
//
// Why: under Xvfb, Mesa's llvmpipe shades and blends every pixel of an ImGui rectangle, and a
// full-window background plus the panel cards drawn that way were 3.2 of the 4.2 million pixels a
// 1600 × 1000 frame rasterised. An unscissored glClear is llvmpipe's fast path (a tile fill); a
// scissored one is drawn as a plain quad. So the whole framebuffer is cleared to the card colour
// and only the thin gaps between the cards are cleared, scissored, to the window colour.
#pragma once

#include <imgui.h>

#include <vector>

namespace uhop::ui {

// The parts of the rectangle [0, width) × [0, height) that no panel covers, as disjoint
// rectangles (x0, y0, x1, y1) in the panels' coordinates, banded top to bottom, left to right.
std::vector<ImVec4> uncoveredRects(const std::vector<ImVec4>& panels, float width, float height);

// Clears the current framebuffer (width × height pixels, showing ImGui's whole display) to the
// card colour and the gaps between `panels` (ImGui coordinates) to the window background.
void clearBackground(const std::vector<ImVec4>& panels, int width, int height);

}  // namespace uhop::ui
