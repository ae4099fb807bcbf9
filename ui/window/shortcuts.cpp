#include "ui/window/shortcuts.h"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

namespace uhop::ui {

void shortcutCommands(const std::vector<KeyPress>& presses, bool typing, Commands& commands) {
  for (const KeyPress& p : presses) {
    const bool ctrl = (p.mods & GLFW_MOD_CONTROL) != 0, shift = (p.mods & GLFW_MOD_SHIFT) != 0;
    if (p.key == GLFW_KEY_F12 && !p.repeat) {
      commands.push_back(RequestScreenshot{shift});
      continue;
    }
    if (ctrl && p.key == GLFW_KEY_Q && !p.repeat) {
      commands.push_back(Quit{});
      continue;
    }
    if (p.key == GLFW_KEY_F4 && !p.repeat) {
      commands.push_back(ToggleFeatureView{});
      continue;
    }
    if (p.key == GLFW_KEY_F6 && !p.repeat) {
      commands.push_back(PlaygroundCommand{PlaygroundToggle{}});
      continue;
    }
    if (p.key == GLFW_KEY_F7 && !p.repeat) {
      commands.push_back(ToggleTheoryView{});
      continue;
    }
    if (typing) continue;
    if (ctrl) {
      if (p.key == GLFW_KEY_Z) commands.push_back(UndoPaint{});
      continue;
    }
    if (p.key == GLFW_KEY_SPACE && !p.repeat) commands.push_back(Stage1TogglePlay{});
    if (p.key == GLFW_KEY_N) commands.push_back(Stage1Step{});
    if (p.key == GLFW_KEY_R && !p.repeat) commands.push_back(Stage1Reset{});
  }
}

}  // namespace uhop::ui
