#include "ui/texture_cache.h"

#include <GL/gl.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace uhop::ui {
namespace {

// Fills texture `id` with `width` × `height` RGBA bytes, keeping whichever texture was bound.
void upload(GLuint id, int width, int height, bool nearest, const void* rgba) {
  GLint previous = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &previous);
  glBindTexture(GL_TEXTURE_2D, id);
  const GLint filter = nearest ? GL_NEAREST : GL_LINEAR;
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, 0x812F /* GL_CLAMP_TO_EDGE */);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, 0x812F);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(previous));
}

}  // namespace

TextureCache::~TextureCache() {
  clear();
}

void* TextureCache::get(const std::string& key, uint64_t version, const float* pixels,
                        const ImageShape& shape, bool nearest) {
  Entry& e = entries_[key];
  e.used = true;
  const bool fresh = e.id == 0;
  if (fresh) glGenTextures(1, &e.id);
  if (fresh || e.version != version || !(e.shape == shape) || e.nearest != nearest) {
    std::vector<uint8_t> rgba(static_cast<size_t>(shape.width) * shape.height * 4);
    const int c = shape.channels;
    for (int i = 0; i < shape.width * shape.height; ++i) {
      for (int k = 0; k < 3; ++k) {
        const float v = pixels[i * c + (c >= 3 ? k : 0)];
        rgba[i * 4 + k] = static_cast<uint8_t>(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f);
      }
      rgba[i * 4 + 3] = 255;
    }
    upload(e.id, shape.width, shape.height, nearest, rgba.data());
    e.version = version;
    e.shape = shape;
    e.nearest = nearest;
    ++uploads_;
  }
  return reinterpret_cast<void*>(static_cast<intptr_t>(e.id));
}

void* TextureCache::getRgba(const std::string& key, uint64_t version, const uint32_t* rgba,
                            int width, int height, bool nearest) {
  Entry& e = entries_[key];
  e.used = true;
  const bool fresh = e.id == 0;
  if (fresh) glGenTextures(1, &e.id);
  const ImageShape shape{width, height, 4};  // 4 channels: never equal to a float image's shape
  if (fresh || e.version != version || !(e.shape == shape) || e.nearest != nearest) {
    // 0xAABBGGRR read as bytes on a little-endian machine is R, G, B, A: GL_RGBA as it is.
    upload(e.id, width, height, nearest, rgba);
    e.version = version;
    e.shape = shape;
    e.nearest = nearest;
    ++uploads_;
  }
  return reinterpret_cast<void*>(static_cast<intptr_t>(e.id));
}

void TextureCache::collectUnused() {
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (!it->second.used) {
      glDeleteTextures(1, &it->second.id);
      it = entries_.erase(it);
    } else {
      it->second.used = false;
      ++it;
    }
  }
}

void TextureCache::clear() {
  for (auto& [key, e] : entries_)
    if (e.id) glDeleteTextures(1, &e.id);
  entries_.clear();
}

}  // namespace uhop::ui
