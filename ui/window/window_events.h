// What the window's GLFW callbacks received since the last frame: key presses and dropped paths,
// queued in order. Dear ImGui 1.86 only sees which keys are down when a frame starts, so a key
// pressed and released between two frames (a quick tap, a presentation clicker) would be lost;
// the queue keeps every press. The queue belongs to one window (its GLFW user pointer), not to
// the process.
#pragma once

#include <string>
#include <vector>

struct GLFWwindow;

namespace uhop::ui {

struct KeyPress {
  int key = 0;   // GLFW_KEY_*
  int mods = 0;  // GLFW_MOD_* bits held at the press
  bool repeat = false;
};

struct WindowEvents {
  std::vector<KeyPress> keys;
  std::vector<std::string> droppedPaths;

  // Installs the key and drop callbacks on `window` and points its user pointer here. Call it
  // before ImGui_ImplGlfw_InitForOpenGL(window, true), which then chains its own key callback to
  // this one. `this` must outlive the window's callbacks.
  void attach(GLFWwindow* window);
  void clear() {
    keys.clear();
    droppedPaths.clear();
  }
};

}  // namespace uhop::ui
