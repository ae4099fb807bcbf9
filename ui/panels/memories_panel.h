// MEMORIES: the data source (path field, recent list, drag-and-drop is handled
// by the app and arrives as LoadMemories), M and offset, the thumbnail grid (click = target) and
// the count, size and raw-space separation statistics Δ_μ = ⟨ξ_μ, ξ_μ⟩ − max_{ν≠μ} ⟨ξ_μ, ξ_ν⟩.
#pragma once

#include <cstdint>

#include "studio/app_model.h"
#include "ui/widgets.h"

namespace uhop::ui {

struct MemoriesPanel {
  char source[1024] = "builtin";
  int count = 64;
  int offset = 0;
  uint64_t seenVersion = ~0ull;
  bool focusSource = false;  // set by File ▸ Open… to focus the path field
  void draw(const AppModel& model, Commands& commands, UiContext& ui);
};

}  // namespace uhop::ui
