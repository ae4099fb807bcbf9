#include "ui/window/recorder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>

#include "core/types.h"

namespace uhop::ui {

namespace fs = std::filesystem;

uint64_t recordSignature(const AppModel& model, const std::string& caption) {
  // FNV-1a over the counters that bump when something visible changes.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xff;
      h *= 1099511628211ull;
    }
  };
  mix(model.memories.version);
  const Stage1Snapshot* snap = model.stage1.snapshot.get();
  mix(snap ? snap->generation : 0);
  mix(snap ? static_cast<uint64_t>(snap->stepsDone) : 0);
  for (const RetrievalColumn& col : model.columns) mix(col.version);
  mix(model.query.version);
  mix(std::hash<std::string>{}(caption));
  return h;
}

RgbFrame downscale(const RgbImage& image, int width) {
  RgbFrame out;
  if (width <= 0 || width >= image.width) {
    out.width = image.width;
    out.height = image.height;
    out.rgb = image.pixels;
    return out;
  }
  out.width = width;
  out.height = std::max(
      1, static_cast<int>(std::lround(static_cast<double>(image.height) * width / image.width)));
  out.rgb.assign(static_cast<size_t>(out.width) * out.height * 3, 0);
  const double sx = static_cast<double>(image.width) / out.width;
  const double sy = static_cast<double>(image.height) / out.height;
  std::vector<double> acc(3);
  for (int oy = 0; oy < out.height; ++oy) {
    const double y0 = oy * sy, y1 = (oy + 1) * sy;
    for (int ox = 0; ox < out.width; ++ox) {
      const double x0 = ox * sx, x1 = (ox + 1) * sx;
      std::fill(acc.begin(), acc.end(), 0.0);
      double area = 0;
      for (int y = static_cast<int>(y0); y < std::min<double>(y1, image.height); ++y) {
        // Overlap of input row y ([y, y+1)) with the output pixel's span [y0, y1).
        const double wy = std::min<double>(y + 1, y1) - std::max<double>(y, y0);
        if (wy <= 0) continue;
        for (int x = static_cast<int>(x0); x < std::min<double>(x1, image.width); ++x) {
          const double wx = std::min<double>(x + 1, x1) - std::max<double>(x, x0);
          if (wx <= 0) continue;
          const uint8_t* p = &image.pixels[(static_cast<size_t>(y) * image.width + x) * 3];
          for (int c = 0; c < 3; ++c) acc[c] += wx * wy * p[c];
          area += wx * wy;
        }
      }
      uint8_t* q = &out.rgb[(static_cast<size_t>(oy) * out.width + ox) * 3];
      for (int c = 0; c < 3; ++c)
        q[c] = static_cast<uint8_t>(std::clamp(std::lround(acc[c] / area), 0L, 255L));
    }
  }
  return out;
}

RgbImage crop(const RgbImage& image, int x0, int y0, int x1, int y1) {
  x0 = std::clamp(x0, 0, image.width - 1);
  y0 = std::clamp(y0, 0, image.height - 1);
  x1 = std::clamp(x1, x0 + 1, image.width);
  y1 = std::clamp(y1, y0 + 1, image.height);
  RgbImage out{x1 - x0, y1 - y0, {}};
  out.pixels.resize(static_cast<size_t>(out.width) * out.height * 3);
  for (int y = 0; y < out.height; ++y)
    std::copy_n(image.pixels.begin() + ((static_cast<size_t>(y0 + y) * image.width) + x0) * 3,
                static_cast<size_t>(out.width) * 3,
                out.pixels.begin() + static_cast<size_t>(y) * out.width * 3);
  return out;
}

void Recorder::start(const RecordingOptions& options) {
  if (options.gifPath.empty() && options.framesDir.empty())
    throw ConfigError("record: give a FILE.gif or a frames folder");
  options_ = options;
  frames_.clear();
  any_ = false;
  active_ = true;
}

void Recorder::offer(uint64_t signature, const std::function<RgbImage()>& grab) {
  if (!active_ || (any_ && signature == last_)) return;
  frames_.push_back(downscale(grab(), options_.width));
  last_ = signature;
  any_ = true;
}

std::string Recorder::stop() {
  active_ = false;
  std::vector<RgbFrame> frames = std::move(frames_);
  frames_.clear();
  if (frames.empty()) throw std::runtime_error("the recording has no frames");
  std::string report;
  if (!options_.framesDir.empty()) {
    fs::create_directories(options_.framesDir);
    for (size_t i = 0; i < frames.size(); ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "frame-%03zu.png", i + 1);
      RgbImage image{frames[i].width, frames[i].height, frames[i].rgb};
      writePng((fs::path(options_.framesDir) / name).string(), image);
    }
    report = "Saved " + std::to_string(frames.size()) + " PNG frames in " + options_.framesDir;
  }
  if (!options_.gifPath.empty()) {
    const fs::path parent = fs::path(options_.gifPath).parent_path();
    if (!parent.empty()) fs::create_directories(parent);
    GifOptions gif;
    gif.delayCentiseconds = options_.delayCentiseconds;
    const std::uintmax_t bytes = writeAnimatedGif(options_.gifPath, frames, gif);
    char size[64];
    std::snprintf(size, sizeof size, "%.1f KB", static_cast<double>(bytes) / 1024.0);
    report += (report.empty() ? "Saved " : "; ") + options_.gifPath + " (" +
              std::to_string(frames.size()) + " frames, " + std::to_string(frames[0].width) + "×" +
              std::to_string(frames[0].height) + ", " + size + ")";
  }
  return report;
}

}  // namespace uhop::ui
