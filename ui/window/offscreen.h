// An offscreen OpenGL framebuffer (RGBA8 colour renderbuffer), for the 2× whole-window PNG
// export: the app re-renders one frame with fonts and style scaled by 2 into it and
// reads it back. GL 3.0 framebuffer entry points come from glfwGetProcAddress (GL context needed).
#pragma once

#include <cstdint>

#include "ui/window/screenshot.h"

namespace uhop::ui {

class OffscreenTarget {
 public:
  // Throws std::runtime_error when the framebuffer cannot be created (e.g. too large).
  OffscreenTarget(int width, int height);
  ~OffscreenTarget();
  OffscreenTarget(const OffscreenTarget&) = delete;
  OffscreenTarget& operator=(const OffscreenTarget&) = delete;

  void bind();            // render into it (sets the viewport)
  void unbind();          // back to the window's framebuffer
  RgbImage read() const;  // top row first
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  int width_, height_;
  uint32_t fbo_ = 0, color_ = 0;
};

}  // namespace uhop::ui
