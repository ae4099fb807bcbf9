// Animated GIF encoding for exported runs (retrieval steps, Stage I curves growing): frames of
// 8-bit RGB pixels in, a looping GIF89a out. Each frame gets its own palette of up to 256 colours:
// exact when the frame has no more, otherwise seeded by giflib's median cut and refined at 8 bits
// per channel (gif_writer.cpp), so smooth greys are not banded. Pure C++ on giflib; no window.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace uhop::ui {

// One frame: width × height pixels, row-major from the top, three bytes (R, G, B) each.
struct RgbFrame {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;
};

struct GifOptions {
  int delayCentiseconds = 50;           // how long each frame shows (GIF counts in 1/100 s)
  int lastFrameHoldCentiseconds = 200;  // the final state stays a moment before the loop restarts
  bool loop = true;                     // NETSCAPE2.0 application extension: repeat forever
};

// The GIF file's bytes. Throws std::runtime_error when there are no frames, when a frame's size
// differs from the first one's or does not match its pixel count, or when giflib fails.
std::string encodeAnimatedGif(const std::vector<RgbFrame>& frames, const GifOptions& options = {});

// Encodes and writes atomically (temporary file, then rename); returns the file size in bytes.
// Throws std::runtime_error naming `path` on failure.
std::uintmax_t writeAnimatedGif(const std::string& path, const std::vector<RgbFrame>& frames,
                                const GifOptions& options = {});

}  // namespace uhop::ui
