#include "plot/gif_writer.h"

#include <gif_lib.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#include "plot/plot_export.h"

namespace uhop::ui {
namespace {

int appendBytes(GifFileType* gif, const GifByteType* bytes, int count) {
  static_cast<std::string*>(gif->UserData)->append(reinterpret_cast<const char*>(bytes), count);
  return count;
}

struct GifCloser {
  void operator()(GifFileType* gif) const {
    int error = 0;
    EGifCloseFile(gif, &error);
  }
};

struct MapFreer {
  void operator()(ColorMapObject* map) const { GifFreeMapObject(map); }
};

[[noreturn]] void fail(const std::string& what, int error) {
  const char* text = GifErrorString(error);
  throw std::runtime_error("GIF encoding: " + what + (text ? std::string(": ") + text : ""));
}

void check(int status, GifFileType* gif, const std::string& what) {
  if (status == GIF_ERROR) fail(what, gif->Error);
}

void validate(const std::vector<RgbFrame>& frames) {
  if (frames.empty()) throw std::runtime_error("GIF encoding: no frames");
  const int w = frames.front().width, h = frames.front().height;
  // GIF stores sizes in 16 bits.
  if (w < 1 || h < 1 || w > 65535 || h > 65535)
    throw std::runtime_error("GIF encoding: frame size " + std::to_string(w) + "×" +
                             std::to_string(h) + " is outside 1…65535");
  for (size_t i = 0; i < frames.size(); ++i) {
    const RgbFrame& f = frames[i];
    if (f.width != w || f.height != h)
      throw std::runtime_error("GIF encoding: frame " + std::to_string(i) + " is " +
                               std::to_string(f.width) + "×" + std::to_string(f.height) +
                               ", the first is " + std::to_string(w) + "×" + std::to_string(h));
    if (f.rgb.size() != size_t(w) * size_t(h) * 3)
      throw std::runtime_error("GIF encoding: frame " + std::to_string(i) + " holds " +
                               std::to_string(f.rgb.size()) + " bytes, expected " +
                               std::to_string(size_t(w) * size_t(h) * 3));
  }
}

void putLoopExtension(GifFileType* gif) {
  // NETSCAPE2.0 sub-block: 1, then the loop count (0 = forever) little-endian.
  static const GifByteType kApplication[] = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
  static const GifByteType kLoopForever[] = {1, 0, 0};
  check(EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE), gif, "loop extension");
  check(EGifPutExtensionBlock(gif, sizeof kApplication, kApplication), gif, "loop extension");
  check(EGifPutExtensionBlock(gif, sizeof kLoopForever, kLoopForever), gif, "loop extension");
  check(EGifPutExtensionTrailer(gif), gif, "loop extension");
}

uint32_t packed(const uint8_t* p) {
  return uint32_t(p[0]) << 16 | uint32_t(p[1]) << 8 | p[2];
}

// The frame's palette and every pixel's index into it. A frame with at most 256 colours (the
// built-in memories, most plots) keeps them exactly. Otherwise giflib's median cut, which works on
// 5 bits per channel and would band a smooth grey ramp into 32 steps, only seeds the palette; a few
// Lloyd iterations over the distinct colours (weighted by their pixel counts) then move each entry
// to the mean of the colours nearest to it, at full 8-bit precision.
void choosePalette(const RgbFrame& frame, std::vector<GifColorType>& palette,
                   std::vector<GifByteType>& indices) {
  const size_t n = size_t(frame.width) * size_t(frame.height);
  std::unordered_map<uint32_t, uint32_t> counts;
  for (size_t i = 0; i < n; ++i) ++counts[packed(&frame.rgb[3 * i])];
  std::unordered_map<uint32_t, GifByteType> indexOf;
  palette.clear();
  if (counts.size() <= 256) {
    for (const auto& [colour, count] : counts) {
      indexOf[colour] = static_cast<GifByteType>(palette.size());
      palette.push_back({GifByteType(colour >> 16), GifByteType(colour >> 8), GifByteType(colour)});
    }
  } else {
    std::vector<GifByteType> red(n), green(n), blue(n), seedIndex(n);
    for (size_t i = 0; i < n; ++i) {
      red[i] = frame.rgb[3 * i];
      green[i] = frame.rgb[3 * i + 1];
      blue[i] = frame.rgb[3 * i + 2];
    }
    int colours = 256;
    palette.resize(256);
    if (GifQuantizeBuffer(frame.width, frame.height, &colours, red.data(), green.data(),
                          blue.data(), seedIndex.data(), palette.data()) == GIF_ERROR)
      throw std::runtime_error("GIF encoding: colour quantisation failed");
    palette.resize(std::max(colours, 1));
    auto nearest = [&](uint32_t c) {
      const int r = int(c >> 16), g = int(c >> 8 & 255), b = int(c & 255);
      int best = 0, bestDistance = INT32_MAX;
      for (size_t k = 0; k < palette.size(); ++k) {
        const int dr = r - palette[k].Red, dg = g - palette[k].Green, db = b - palette[k].Blue;
        const int distance = dr * dr + dg * dg + db * db;
        if (distance < bestDistance) bestDistance = distance, best = int(k);
      }
      return static_cast<GifByteType>(best);
    };
    for (int iteration = 0; iteration < 4; ++iteration) {
      std::vector<double> sum(palette.size() * 3, 0.0), weight(palette.size(), 0.0);
      for (const auto& [colour, count] : counts) {
        const GifByteType k = nearest(colour);
        sum[3 * k] += double(colour >> 16) * count;
        sum[3 * k + 1] += double(colour >> 8 & 255) * count;
        sum[3 * k + 2] += double(colour & 255) * count;
        weight[k] += count;
      }
      for (size_t k = 0; k < palette.size(); ++k)
        if (weight[k] > 0)
          palette[k] = {GifByteType(std::lround(sum[3 * k] / weight[k])),
                        GifByteType(std::lround(sum[3 * k + 1] / weight[k])),
                        GifByteType(std::lround(sum[3 * k + 2] / weight[k]))};
    }
    for (const auto& entry : counts) indexOf[entry.first] = nearest(entry.first);
  }
  indices.resize(n);
  for (size_t i = 0; i < n; ++i) indices[i] = indexOf[packed(&frame.rgb[3 * i])];
  // A GIF colour table holds a power of two entries (at least 2).
  size_t size = 2;
  while (size < palette.size()) size *= 2;
  palette.resize(size, GifColorType{0, 0, 0});
}

void putFrame(GifFileType* gif, const RgbFrame& frame, int delay) {
  const int w = frame.width, h = frame.height;
  std::vector<GifColorType> palette;
  std::vector<GifByteType> indices;
  choosePalette(frame, palette, indices);
  std::unique_ptr<ColorMapObject, MapFreer> map(
      GifMakeMapObject(static_cast<int>(palette.size()), palette.data()));
  if (!map) throw std::runtime_error("GIF encoding: out of memory for a palette");

  GraphicsControlBlock gcb{};
  gcb.DisposalMode = DISPOSE_DO_NOT;
  gcb.DelayTime = std::clamp(delay, 0, 65535);
  gcb.TransparentColor = NO_TRANSPARENT_COLOR;
  GifByteType extension[4];
  const size_t length = EGifGCBToExtension(&gcb, extension);
  check(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(length), extension), gif,
        "frame timing");
  check(EGifPutImageDesc(gif, 0, 0, w, h, false, map.get()), gif, "frame header");
  for (int y = 0; y < h; ++y)
    check(EGifPutLine(gif, indices.data() + size_t(y) * size_t(w), w), gif, "frame pixels");
}

}  // namespace

std::string encodeAnimatedGif(const std::vector<RgbFrame>& frames, const GifOptions& options) {
  validate(frames);
  std::string bytes;
  int error = 0;
  std::unique_ptr<GifFileType, GifCloser> gif(EGifOpen(&bytes, appendBytes, &error));
  if (!gif) fail("cannot start", error);
  EGifSetGifVersion(gif.get(), true);  // GIF89a: needed for delays and the loop extension
  // No global palette: every frame carries its own (see the header).
  check(EGifPutScreenDesc(gif.get(), frames.front().width, frames.front().height, 8, 0, nullptr),
        gif.get(), "screen header");
  if (options.loop && frames.size() > 1) putLoopExtension(gif.get());
  for (size_t i = 0; i < frames.size(); ++i) {
    const bool last = i + 1 == frames.size();
    putFrame(gif.get(), frames[i],
             last ? std::max(options.delayCentiseconds, options.lastFrameHoldCentiseconds)
                  : options.delayCentiseconds);
  }
  GifFileType* raw = gif.release();
  if (EGifCloseFile(raw, &error) == GIF_ERROR) fail("cannot finish", error);
  return bytes;
}

std::uintmax_t writeAnimatedGif(const std::string& path, const std::vector<RgbFrame>& frames,
                                const GifOptions& options) {
  std::string bytes;
  try {
    bytes = encodeAnimatedGif(frames, options);
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
  writeFileAtomically(path, bytes);
  return bytes.size();
}

}  // namespace uhop::ui
