// The lesson bar under a lesson's caption: the lesson's title, "slide k / n", and Prev / Next /
// Restart (docs/architecture.md, "Scripts"). It only draws and reports the click; the window
// replays the script (Prev, Restart) or lets it run on (Next).
#pragma once

#include <string>

#include "imgui.h"

namespace uhop::ui {

enum class LessonAction { None, Prev, Next, Restart };

struct LessonBarInfo {
  std::string title;
  int slide = 1;         // 1-based
  int slides = 1;        // total
  bool waiting = false;  // at a pause: Next continues
  bool buttons = true;   // false in headless slides (a talk's PNG needs no buttons)
};

// The bar's size at the current font, so the caption window can be sized before it is drawn.
ImVec2 lessonBarSize(const LessonBarInfo& info);
// Draws the bar at the cursor; returns the button clicked this frame.
LessonAction drawLessonBar(const LessonBarInfo& info);

}  // namespace uhop::ui
