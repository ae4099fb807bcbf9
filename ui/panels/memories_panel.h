// MEMORIES: the data source (path field, recent list, drag-and-drop is handled
// by the app and arrives as LoadMemories), M and offset, grayscale and the common image size,
// the load's warnings (skipped files, fewer than M), the thumbnail grid (click = target) and
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
  bool grayscale = false;     // load colour images as one channel (luma)
  int width = 0, height = 0;  // common size of a mixed-size folder; 0 = the first image's
  uint64_t seenVersion = ~0ull;
  bool focusSource = false;  // set by File ▸ Open… to focus the path field
  void draw(const AppModel& model, Commands& commands, UiContext& ui);
  // What the panel's fields ask to load from `path` (also File ▸ Recent and dropped paths).
  LoadMemories loadCommand(const std::string& path, int memories) const {
    return LoadMemories{path, memories, offset, grayscale, width, height};
  }
};

}  // namespace uhop::ui
