#include "ui/window/window_events.h"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

namespace uhop::ui {
namespace {

WindowEvents* eventsOf(GLFWwindow* window) {
  return static_cast<WindowEvents*>(glfwGetWindowUserPointer(window));
}

void onKey(GLFWwindow* window, int key, int /*scancode*/, int action, int mods) {
  if (action == GLFW_RELEASE) return;
  if (WindowEvents* events = eventsOf(window))
    events->keys.push_back(KeyPress{key, mods, action == GLFW_REPEAT});
}

void onDrop(GLFWwindow* window, int count, const char** paths) {
  if (WindowEvents* events = eventsOf(window))
    for (int i = 0; i < count; ++i) events->droppedPaths.emplace_back(paths[i]);
}

}  // namespace

void WindowEvents::attach(GLFWwindow* window) {
  glfwSetWindowUserPointer(window, this);
  glfwSetKeyCallback(window, onKey);
  glfwSetDropCallback(window, onDrop);
}

}  // namespace uhop::ui
