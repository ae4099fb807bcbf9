// OpenGL textures for memory and state images (docs/architecture.md "Images"): one texture per key,
// re-uploaded only when the caller's version number for that key changes. Pixels are floats in
// [0, 1], HWC, 1 (gray) or 3 (RGB) channels; they are clamped and converted to RGBA8.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "core/memory_set.h"

namespace uhop::ui {

class TextureCache {
 public:
  TextureCache() = default;
  ~TextureCache();
  TextureCache(const TextureCache&) = delete;
  TextureCache& operator=(const TextureCache&) = delete;

  // The texture for `key` (as an ImTextureID-compatible pointer), uploading `pixels` when the
  // key is new, its version differs or its shape changed. `nearest` = sharp pixels (large views).
  void* get(const std::string& key, uint64_t version, const float* pixels, const ImageShape& shape,
            bool nearest);
  // The same for an 8-bit RGBA raster, pixels 0xAABBGGRR (plot/plot_spec.h PlotImage), row 0
  // first; `version` must change whenever the pixels do (a hash of them will do).
  void* getRgba(const std::string& key, uint64_t version, const uint32_t* rgba, int width,
                int height, bool nearest);
  // Deletes textures not requested since the last call (call once per frame, after drawing).
  void collectUnused();
  void clear();
  size_t size() const { return entries_.size(); }
  uint64_t uploads() const { return uploads_; }

 private:
  struct Entry {
    unsigned int id = 0;
    uint64_t version = 0;
    ImageShape shape;
    bool nearest = false;
    bool used = true;
  };
  std::unordered_map<std::string, Entry> entries_;
  uint64_t uploads_ = 0;
};

}  // namespace uhop::ui
