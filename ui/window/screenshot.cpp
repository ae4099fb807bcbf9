#include "ui/window/screenshot.h"

#include <GL/gl.h>
#include <fcntl.h>
#include <stb_image_write.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace uhop::ui {

namespace fs = std::filesystem;

RgbImage readFramebuffer(int width, int height) {
  RgbImage image;
  image.width = width;
  image.height = height;
  std::vector<uint8_t> raw(static_cast<size_t>(width) * height * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, raw.data());
  // OpenGL rows run bottom-up; PNG rows top-down.
  image.pixels.resize(raw.size());
  const size_t row = static_cast<size_t>(width) * 3;
  for (int y = 0; y < height; ++y)
    std::memcpy(image.pixels.data() + y * row, raw.data() + (height - 1 - y) * row, row);
  return image;
}

std::vector<uint8_t> encodePng(const RgbImage& image) {
  std::vector<uint8_t> out;
  auto sink = [](void* context, void* data, int size) {
    auto* bytes = static_cast<std::vector<uint8_t>*>(context);
    bytes->insert(bytes->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
  };
  if (!stbi_write_png_to_func(sink, &out, image.width, image.height, 3, image.pixels.data(),
                              image.width * 3))
    throw std::runtime_error("PNG encoding failed");
  return out;
}

static void writeAll(int fd, const std::vector<uint8_t>& bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("could not write " + path + ": " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
}

void writePng(const std::string& path, const RgbImage& image) {
  const std::vector<uint8_t> bytes = encodePng(image);
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("could not create " + temp + ": " + std::strerror(errno));
  try {
    writeAll(fd, bytes, temp);
  } catch (...) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  ::close(fd);
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) {
    ::unlink(temp.c_str());
    throw std::runtime_error("could not write " + path + ": " + ec.message());
  }
}

}  // namespace uhop::ui
