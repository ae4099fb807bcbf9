// Which arrangement of the panels the window draws, and the presenter layout's pages. Pure
// decisions (no ImGui calls), so they are tested without a window; studio_app.cpp draws them.
//
// Columns: memories | Stage I over Stage II | metastable over the Fair comparison / Experiments
// tabs. Presenter: a row of page tabs and one page at a time, as big as the window, for UI
// scales of 1.5–2 on a projector (View ▸ Presenter layout, F11 with full screen). The columns
// need about kColumnsMinWidthEm × kColumnsMinHeightEm font heights: Stage II's three columns
// side by side with the energy plot under them, and the right column's Run, seeds and grid row
// on one line. A smaller window (or a larger UI scale on the same window) gets the pages instead
// while automatic reflow is on.
#pragma once

#include <optional>
#include <string>

#include "studio/app_model.h"

namespace uhop::ui {

enum class LayoutMode { Columns, Presenter };

// 1280 px at 1× is 80 em (16 px fonts) and keeps the columns; 1600 px at 1.5× (66 em) and
// 1920 px at 2× (60 em) get the pages.
inline constexpr float kColumnsMinWidthEm = 76.0f;
inline constexpr float kColumnsMinHeightEm = 40.0f;

// `presenter` is View ▸ Presenter layout; `autoReflow` lets a window too small for the columns
// (width × height in pixels, `em` the font height in pixels) use the pages too.
LayoutMode chooseLayout(bool presenter, bool autoReflow, float width, float height, float em);

enum class Page { Memories, Stage1, Stage2, Metastable, Comparison, Experiments };
inline constexpr int kPageCount = 6;

// The tab title ("Stage II") and the --tab name ("stage2").
const char* pageTitle(Page page);
const char* pageName(Page page);
std::optional<Page> parsePage(const std::string& name);

// The page where a command's effect shows (a Stage I step: Stage I; a retrieval step: Stage II),
// so that the pages follow a running lesson; nullopt for commands that belong to no page.
std::optional<Page> pageShowing(const Command& command);

}  // namespace uhop::ui
