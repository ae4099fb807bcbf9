#include "plot/raster.h"

#include <stb_image_write.h>

#include <algorithm>
#include <stdexcept>

namespace uhop::ui {

namespace {

void appendBytes(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), size_t(size));
}

}  // namespace

std::string encodePng(int width, int height, const std::vector<uint32_t>& rgba) {
  if (width <= 0 || height <= 0 || rgba.size() != size_t(width) * size_t(height))
    throw std::runtime_error("PNG: " + std::to_string(rgba.size()) + " pixels for a " +
                             std::to_string(width) + " x " + std::to_string(height) + " image");
  const bool opaque =
      std::all_of(rgba.begin(), rgba.end(), [](uint32_t c) { return (c >> 24) == 255; });
  const int channels = opaque ? 3 : 4;
  std::vector<unsigned char> pixels(rgba.size() * size_t(channels));
  for (size_t k = 0; k < rgba.size(); ++k)
    for (int c = 0; c < channels; ++c) pixels[k * channels + c] = (rgba[k] >> (8 * c)) & 0xFF;
  std::string png;
  if (!stbi_write_png_to_func(appendBytes, &png, width, height, channels, pixels.data(),
                              width * channels))
    throw std::runtime_error("PNG: the encoder failed");
  return png;
}

std::string base64(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t k = 0;
  for (; k + 3 <= bytes.size(); k += 3) {
    const uint32_t v = uint32_t(uint8_t(bytes[k])) << 16 | uint32_t(uint8_t(bytes[k + 1])) << 8 |
                       uint8_t(bytes[k + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  const size_t rest = bytes.size() - k;
  if (rest > 0) {
    uint32_t v = uint32_t(uint8_t(bytes[k])) << 16;
    if (rest == 2) v |= uint32_t(uint8_t(bytes[k + 1])) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace uhop::ui
