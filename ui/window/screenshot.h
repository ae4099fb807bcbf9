// Whole-window PNG export: the back buffer read with glReadPixels after
// rendering and before the buffer swap, flipped to top-down rows, written with stb_image_write.
// Numbered files are reserved with O_EXCL, so a screenshot never overwrites an existing file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace uhop::ui {

struct RgbImage {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels;  // RGB, top row first
};

// Reads the current framebuffer (GL context required).
RgbImage readFramebuffer(int width, int height);
// PNG bytes of the image (no GL needed).
std::vector<uint8_t> encodePng(const RgbImage& image);
// Writes `path` (temp file + rename). Throws std::runtime_error naming the path.
void writePng(const std::string& path, const RgbImage& image);

}  // namespace uhop::ui
