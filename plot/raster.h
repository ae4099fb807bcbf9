// Raster helpers for the figures: PNG encoding (stb_image_write) and base64, so an SVG can embed a
// heat map as a data URI and the CLI can write the same pixels as a .png file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace uhop::ui {

// PNG bytes of a width × height image, colours 0xAABBGGRR (ImU32 layout), rows top-down.
// Opaque images (every alpha 255) are written as RGB. Throws std::runtime_error on a size
// mismatch or when the encoder fails.
std::string encodePng(int width, int height, const std::vector<uint32_t>& rgba);

// RFC 4648 base64 with '=' padding, no line breaks.
std::string base64(const std::string& bytes);

}  // namespace uhop::ui
