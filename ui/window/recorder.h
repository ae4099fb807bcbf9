// Animated figures (script `record start/stop`, File ▸ Export animation…): while recording, the
// window offers every frame with a signature of the model's visible state (recordSignature); a
// frame is kept only when the signature changed, i.e. after a retrieval step, a Stage I step, a
// new target or query, a new caption. stop() writes the kept frames as an animated GIF
// (plot/gif_writer.h) and/or numbered PNGs. No GL here: the window reads the pixels.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "plot/gif_writer.h"
#include "studio/app_model.h"
#include "ui/window/screenshot.h"

namespace uhop::ui {

struct RecordingOptions {
  std::string gifPath;    // empty: no GIF
  std::string framesDir;  // empty: no PNG frames; else DIR/frame-NNN.png
  int width = 0;          // 0 = the window's width; else downscaled (never upscaled) to it
  int delayCentiseconds = 20;
  bool stage2Only = false;  // crop each frame to the Stage II panel
};

// The part of `image` inside [x0, x1) × [y0, y1), clamped to the image (at least 1 × 1).
RgbImage crop(const RgbImage& image, int x0, int y0, int x1, int y1);

// The visible state a recording follows: memories, Stage I's step, both columns, the query and
// the caption. Equal signatures mean nothing worth a new frame happened.
uint64_t recordSignature(const AppModel& model, const std::string& caption);

// Box-filter downscale to `width` (height keeps the aspect ratio, at least 1): each output pixel
// is the area-weighted mean of the input pixels it covers. Same size when width ≤ 0 or ≥ the
// image's.
RgbFrame downscale(const RgbImage& image, int width);

class Recorder {
 public:
  // Starts a new recording (a running one is dropped). Throws ConfigError when neither a GIF
  // nor a frames folder is given.
  void start(const RecordingOptions& options);
  bool active() const { return active_; }
  size_t frameCount() const { return frames_.size(); }
  const RecordingOptions& options() const { return options_; }
  // Keeps a frame (read by `grab`) when `signature` differs from the last kept frame's.
  void offer(uint64_t signature, const std::function<RgbImage()>& grab);
  // Writes what was recorded and ends the recording; returns a one-line report (files, frames,
  // size in bytes). Throws std::runtime_error naming the file on failure, or with no frames.
  std::string stop();

 private:
  RecordingOptions options_;
  bool active_ = false;
  bool any_ = false;
  uint64_t last_ = 0;
  std::vector<RgbFrame> frames_;
};

}  // namespace uhop::ui
