// The studio's keyboard shortcuts as Commands: one function from the frame's queued key presses
// (ui/window/window_events.h) to what they ask for, so every press counts once and tests can check the
// mapping without a window.
//   Space      play / pause Stage I          N        one Stage I step (repeats while held)
//   R          reset Stage I                 Ctrl+Z   undo the last brush stroke (repeats)
//   F12        save the window as PNG        Shift+F12  the same at 2× resolution
//   Ctrl+Q     quit
// While the user types in a text field only F12 and Ctrl+Q act: letters are text then.
#pragma once

#include <vector>

#include "studio/app_model.h"
#include "ui/window/window_events.h"

namespace uhop::ui {

void shortcutCommands(const std::vector<KeyPress>& presses, bool typing, Commands& commands);

}  // namespace uhop::ui
