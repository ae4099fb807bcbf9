#include "ui/window/offscreen.h"

#define GLFW_INCLUDE_NONE
#include <GL/gl.h>
#include <GLFW/glfw3.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace uhop::ui {

namespace {

// GL 3.0 framebuffer objects, loaded once from the current context.
struct FboApi {
  using Gen = void (*)(GLsizei, GLuint*);
  using Del = void (*)(GLsizei, const GLuint*);
  using Bind = void (*)(GLenum, GLuint);
  using Storage = void (*)(GLenum, GLenum, GLsizei, GLsizei);
  using Attach = void (*)(GLenum, GLenum, GLenum, GLuint);
  using Status = GLenum (*)(GLenum);
  Gen genFramebuffers = nullptr, genRenderbuffers = nullptr;
  Del deleteFramebuffers = nullptr, deleteRenderbuffers = nullptr;
  Bind bindFramebuffer = nullptr, bindRenderbuffer = nullptr;
  Storage renderbufferStorage = nullptr;
  Attach framebufferRenderbuffer = nullptr;
  Status checkFramebufferStatus = nullptr;

  static const FboApi& get() {
    static const FboApi api = [] {
      FboApi a;
      auto load = [](auto& fn, const char* name) {
        fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(glfwGetProcAddress(name));
        if (!fn) throw std::runtime_error(std::string("OpenGL lacks ") + name);
      };
      load(a.genFramebuffers, "glGenFramebuffers");
      load(a.genRenderbuffers, "glGenRenderbuffers");
      load(a.deleteFramebuffers, "glDeleteFramebuffers");
      load(a.deleteRenderbuffers, "glDeleteRenderbuffers");
      load(a.bindFramebuffer, "glBindFramebuffer");
      load(a.bindRenderbuffer, "glBindRenderbuffer");
      load(a.renderbufferStorage, "glRenderbufferStorage");
      load(a.framebufferRenderbuffer, "glFramebufferRenderbuffer");
      load(a.checkFramebufferStatus, "glCheckFramebufferStatus");
      return a;
    }();
    return api;
  }
};

constexpr GLenum kFramebuffer = 0x8D40;       // GL_FRAMEBUFFER
constexpr GLenum kRenderbuffer = 0x8D41;      // GL_RENDERBUFFER
constexpr GLenum kColorAttachment0 = 0x8CE0;  // GL_COLOR_ATTACHMENT0
constexpr GLenum kComplete = 0x8CD5;          // GL_FRAMEBUFFER_COMPLETE
constexpr GLenum kRgba8 = 0x8058;             // GL_RGBA8

}  // namespace

OffscreenTarget::OffscreenTarget(int width, int height) : width_(width), height_(height) {
  const FboApi& gl = FboApi::get();
  GLint maxSize = 0;
  glGetIntegerv(0x84E8 /* GL_MAX_RENDERBUFFER_SIZE */, &maxSize);
  if (width <= 0 || height <= 0 || width > maxSize || height > maxSize)
    throw std::runtime_error("a " + std::to_string(width) + "×" + std::to_string(height) +
                             " image exceeds this GPU's limit of " + std::to_string(maxSize) +
                             " px");
  GLuint fbo = 0, color = 0;
  gl.genFramebuffers(1, &fbo);
  gl.genRenderbuffers(1, &color);
  fbo_ = fbo;
  color_ = color;
  gl.bindRenderbuffer(kRenderbuffer, color);
  gl.renderbufferStorage(kRenderbuffer, kRgba8, width, height);
  gl.bindFramebuffer(kFramebuffer, fbo);
  gl.framebufferRenderbuffer(kFramebuffer, kColorAttachment0, kRenderbuffer, color);
  const GLenum status = gl.checkFramebufferStatus(kFramebuffer);
  gl.bindFramebuffer(kFramebuffer, 0);
  if (status != kComplete) throw std::runtime_error("offscreen framebuffer incomplete");
}

OffscreenTarget::~OffscreenTarget() {
  const FboApi& gl = FboApi::get();
  GLuint fbo = fbo_, color = color_;
  if (gl.deleteFramebuffers && fbo) gl.deleteFramebuffers(1, &fbo);
  if (gl.deleteRenderbuffers && color) gl.deleteRenderbuffers(1, &color);
}

void OffscreenTarget::bind() {
  FboApi::get().bindFramebuffer(kFramebuffer, fbo_);
  glViewport(0, 0, width_, height_);
}

void OffscreenTarget::unbind() {
  FboApi::get().bindFramebuffer(kFramebuffer, 0);
}

RgbImage OffscreenTarget::read() const {
  FboApi::get().bindFramebuffer(kFramebuffer, fbo_);
  std::vector<uint8_t> raw(static_cast<size_t>(width_) * height_ * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width_, height_, GL_RGB, GL_UNSIGNED_BYTE, raw.data());
  FboApi::get().bindFramebuffer(kFramebuffer, 0);
  RgbImage image;
  image.width = width_;
  image.height = height_;
  image.pixels.resize(raw.size());
  const size_t row = static_cast<size_t>(width_) * 3;
  for (int y = 0; y < height_; ++y)
    std::memcpy(image.pixels.data() + static_cast<size_t>(y) * row,
                raw.data() + static_cast<size_t>(height_ - 1 - y) * row, row);
  return image;
}

}  // namespace uhop::ui
