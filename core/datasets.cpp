#include "core/datasets.h"

#include <fcntl.h>
#include <stb_image.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <new>
#include <fstream>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

#ifndef UHOP_ASSETS_DIR
#define UHOP_ASSETS_DIR "assets"
#endif

#include "core/npy.h"

namespace uhop {
namespace {

namespace fs = std::filesystem;
using u64 = std::uint64_t;

constexpr std::uint32_t kIdxImagesMagic = 0x00000803;  // unsigned bytes, 3 dims
constexpr std::uint32_t kIdxLabelsMagic = 0x00000801;  // unsigned bytes, 1 dim
constexpr u64 kIdxImagesHeader = 16;
constexpr u64 kIdxLabelsHeader = 8;

constexpr u64 kCifarPixels = 32 * 32;
constexpr u64 kCifar10Record = 1 + 3 * kCifarPixels;
constexpr u64 kCifar100Record = 2 + 3 * kCifarPixels;

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  throw DataError(path + ": " + problem);
}

std::string hex32(std::uint32_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", v);
  return text;
}

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::uint32_t bigEndian32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

// Exact k/255 for every byte: a table is both faster than dividing 47M times and bit-identical
// to the division (51 → 0.2f exactly, which tests rely on).
const std::array<float, 256>& byteToUnit() {
  static const std::array<float, 256> table = [] {
    std::array<float, 256> t{};
    for (int k = 0; k < 256; ++k) t[k] = static_cast<float>(k) / 255.0f;
    return t;
  }();
  return table;
}

// ITU-R BT.601 luma, computed in double so that grey (r = g = b) maps to exactly r/255.
float luma(unsigned char r, unsigned char g, unsigned char b) {
  const double y = (0.299 * r + 0.587 * g + 0.114 * b) / 255.0;
  return std::min(1.0f, static_cast<float>(y));
}

void checkOptions(const LoadOptions& options) {
  if (options.offset < 0)
    throw ConfigError("offset must be 0 or more, got " + std::to_string(options.offset));
  if (options.count == 0 || options.count < -1)
    throw ConfigError("count must be positive, or -1 for all, got " +
                      std::to_string(options.count));
  if (options.width < 0 || options.height < 0 || (options.width > 0) != (options.height > 0))
    throw ConfigError(
        "width and height must both be positive (or both 0 for the first image's "
        "size), got " +
        std::to_string(options.width) + "x" + std::to_string(options.height));
}

// The items [first, first + count) a request selects from `available` items of a file.
struct Range {
  u64 first = 0;
  u64 count = 0;
};

// A request for more items than remain after the offset takes those that remain and says so
// in `warnings`, unless options.strict (then it is an error, as an offset past the end always is).
Range selectRange(u64 available, const LoadOptions& options, const std::string& path,
                  const std::string& items, std::vector<std::string>& warnings) {
  if (available == 0) fail(path, "holds no " + items + " (the file is empty of data)");
  const u64 first = static_cast<u64>(options.offset);
  if (first >= available)
    fail(path, "offset " + std::to_string(first) + " is beyond the end: it holds " +
                   std::to_string(available) + " " + items);
  const u64 count = options.count < 0 ? available - first : static_cast<u64>(options.count);
  if (first + count > available && options.countIsLimit) return {first, available - first};
  if (first + count > available) {
    if (options.strict)
      fail(path, "asked for " + items + " " + std::to_string(first) + " to " +
                     std::to_string(first + count - 1) + " but it holds only " +
                     std::to_string(available));
    warnings.push_back(path + ": only " + std::to_string(available - first) + " of the " +
                       std::to_string(count) + " " + items + " asked for (from offset " +
                       std::to_string(first) + ") are there; loaded those " +
                       std::to_string(available - first));
    return {first, available - first};
  }
  return {first, count};
}

// Called once the items are known to exist: a memory set's columns are indexed by int.
void checkCount(u64 count, const std::string& path, const std::string& items) {
  if (count > static_cast<u64>(INT_MAX))
    fail(path, std::to_string(count) + " " + items + " selected; at most " +
                   std::to_string(INT_MAX) + " fit in one memory set, load fewer with a count");
}

// Header fields multiplied together can exceed 2^64; a saturated product is still "too much".
u64 mulSat(u64 a, u64 b) {
  return a != 0 && b > UINT64_MAX / a ? UINT64_MAX : a * b;
}
u64 addSat(u64 a, u64 b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

std::string formatBytes(u64 bytes) {
  char text[32];
  if (bytes >= (u64{1} << 30))
    std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / (u64{1} << 30));
  else if (bytes >= (u64{1} << 20))
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (u64{1} << 20));
  else
    std::snprintf(text, sizeof text, "%llu bytes", static_cast<unsigned long long>(bytes));
  return text;
}

// Refuses a load whose allocations (computed from headers, before any is made) would exceed
// the budget. `what` says what would be loaded, e.g. "loading 32 images of 8192×8192".
void checkBudget(const std::string& path, const std::string& what, u64 needed,
                 const LoadOptions& options) {
  if (needed <= options.memoryBudgetBytes) return;
  fail(path, what + " needs " + formatBytes(needed) + ", over the memory budget of " +
                 formatBytes(options.memoryBudgetBytes) +
                 "; load fewer images (--memories), or raise the limit (uhop --memory-budget MIB, "
                 "or memory_budget_mb in the studio's settings.json)");
}

std::string pixelLimitText() {
  return "the per-image limit of 4096×4096 = " + std::to_string(kMaxImagePixels) + " pixels";
}

// Refuses a file that is not a regular one (for messages: what it is instead).
void refuseIfNotRegular(const std::string& path, mode_t mode) {
  if (S_ISREG(mode)) return;
  if (S_ISDIR(mode)) fail(path, "is a folder, not a file");
  const char* kind = S_ISFIFO(mode)                   ? "a FIFO (named pipe)"
                     : S_ISCHR(mode) || S_ISBLK(mode) ? "a device"
                     : S_ISSOCK(mode)                 ? "a socket"
                                                      : "of an unknown kind";
  fail(path, std::string("is not a regular file (it is ") + kind + ")");
}

// A regular file opened for reading. stat() comes first, so a FIFO or device is refused
// without open() (which blocks on a FIFO until a writer comes); open() is non-blocking and
// fstat() checks again, so a file swapped in between cannot slip through either.
class RegularFile {
 public:
  explicit RegularFile(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) fail(path, "no such file");
      fail(path, std::string("cannot open: ") + std::strerror(errno));
    }
    refuseIfNotRegular(path, st.st_mode);
    fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
    if (::fstat(fd_, &st) != 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
    refuseIfNotRegular(path, st.st_mode);
    // Reads from a regular file never block; clearing the flag only keeps them ordinary.
    const int flags = ::fcntl(fd_, F_GETFL);
    if (flags >= 0) ::fcntl(fd_, F_SETFL, flags & ~O_NONBLOCK);
    size_ = static_cast<u64>(st.st_size);
  }
  ~RegularFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  RegularFile(const RegularFile&) = delete;
  RegularFile& operator=(const RegularFile&) = delete;

  int fd() const { return fd_; }
  u64 size() const { return size_; }
  // Hands the descriptor to an owner that closes it (gzdopen, fdopen).
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_ = -1;
  u64 size_ = 0;
};

// Runs one loader, turning an allocation the system refuses (despite the budget: memory is
// shared) into a DataError that names the file.
template <typename Load>
MemorySet guardMemory(const std::string& path, const LoadOptions& options, Load&& load) {
  try {
    return load();
  } catch (const std::bad_alloc&) {
    fail(path,
         "out of memory: the system refused an allocation although the load fits the "
         "memory budget of " +
             formatBytes(options.memoryBudgetBytes) +
             "; load fewer images (--memories) or free some memory");
  }
}

// Reads a file front to back, inflating it on the fly when it is gzip (detected from the
// content by zlib, not from the name). Plain files also report their size, so headers can be
// checked against it before anything is allocated; for gzip the size is only known by
// inflating, so callers grow their buffers with the data actually decompressed.
class ByteStream {
 public:
  explicit ByteStream(const std::string& path) : path_(path) {
    RegularFile file(path);
    file_ = gzdopen(file.fd(), "rb");
    if (file_ == nullptr) fail(path, "cannot open: out of memory");
    file.release();            // gzclose closes it now
    gzbuffer(file_, 1 << 20);  // 1 MiB instead of 8 KiB: fewer read calls on big files
    compressed_ = gzdirect(file_) == 0;
    if (!compressed_) plainSize_ = file.size();
  }
  ~ByteStream() { gzclose(file_); }
  ByteStream(const ByteStream&) = delete;
  ByteStream& operator=(const ByteStream&) = delete;

  bool compressed() const { return compressed_; }
  std::optional<u64> plainSize() const { return plainSize_; }
  // Bytes delivered so far (decompressed bytes for gzip).
  u64 position() const { return position_; }

  // Reads up to n bytes; fewer only when the data ends.
  u64 read(unsigned char* dst, u64 n) {
    u64 done = 0;
    while (done < n && !ended_) {
      const auto chunk = static_cast<unsigned>(std::min<u64>(n - done, u64{1} << 30));
      const int got = gzread(file_, dst + done, chunk);
      if (got < 0) {
        int code = Z_OK;
        const char* message = gzerror(file_, &code);
        // A gzip stream cut short is truncated data, which callers report with the sizes.
        if (code == Z_BUF_ERROR) {
          ended_ = true;
          break;
        }
        // zlib prefixes its message with the path, which fail() already gives.
        std::string reason = message;
        if (reason.rfind(path_ + ": ", 0) == 0) reason.erase(0, path_.size() + 2);
        fail(path_, "corrupt gzip data (" + reason + ")");
      }
      if (got == 0) ended_ = true;
      done += static_cast<u64>(got);
    }
    position_ += done;
    return done;
  }

  // Skips n bytes; returns how many were there.
  u64 skip(u64 n) {
    if (!compressed_) {
      // Plain files seek; callers have already checked n against the file size.
      if (gzseek(file_, static_cast<z_off_t>(n), SEEK_CUR) < 0) fail(path_, "cannot seek");
      position_ += n;
      return n;
    }
    std::vector<unsigned char> scratch(std::min<u64>(n, u64{1} << 20));
    u64 done = 0;
    while (done < n) {
      const u64 got = read(scratch.data(), std::min<u64>(n - done, scratch.size()));
      done += got;
      if (got == 0) break;
    }
    return done;
  }

  // Reads exactly n bytes, or as many as there are. Memory follows the data actually read, so
  // a header that lies about n cannot make us allocate for data that is not there.
  std::vector<unsigned char> readUpTo(u64 n) {
    std::vector<unsigned char> data;
    if (!compressed_) {
      data.resize(n);  // n was checked against the file size
      data.resize(read(data.data(), n));
      return data;
    }
    u64 have = 0;
    while (have < n) {
      const u64 chunk = std::min<u64>(n - have, std::max<u64>(have, u64{1} << 20));
      data.resize(have + chunk);
      const u64 got = read(data.data() + have, chunk);
      have += got;
      if (got < chunk) break;
    }
    data.resize(have);
    return data;
  }

 private:
  std::string path_;
  gzFile file_ = nullptr;
  bool compressed_ = false;
  bool ended_ = false;
  std::optional<u64> plainSize_;
  u64 position_ = 0;
};

std::string describeMagic(std::uint32_t magic) {
  if (magic == kIdxImagesMagic) return "an IDX3 image file";
  if (magic == kIdxLabelsMagic) return "an IDX1 label file";
  return "not an unsigned-byte IDX file";
}

// Reads the IDX header (magic + `dims` big-endian sizes) and checks the magic.
std::vector<u64> readIdxHeader(ByteStream& in, const std::string& path, std::uint32_t magic,
                               int dims) {
  const u64 headerBytes = 4 + 4 * static_cast<u64>(dims);
  unsigned char header[16] = {};
  const u64 got = in.read(header, headerBytes);
  if (got == 0) fail(path, "the file is empty");
  if (got >= 4 && bigEndian32(header) != magic)
    fail(path, "wrong magic number " + hex32(bigEndian32(header)) + " (" +
                   describeMagic(bigEndian32(header)) + "); expected " + hex32(magic) + " (" +
                   describeMagic(magic) + ")");
  if (got < headerBytes)
    fail(path, "truncated: the IDX header needs " + std::to_string(headerBytes) +
                   " bytes but the file holds " + std::to_string(got));
  std::vector<u64> sizes(dims);
  for (int k = 0; k < dims; ++k) sizes[k] = bigEndian32(header + 4 + 4 * k);
  return sizes;
}

// How much data there is, for messages: the plain file's size or what gzip inflated to.
std::string holds(const ByteStream& in) {
  if (in.plainSize()) return "the file holds " + std::to_string(*in.plainSize()) + " bytes";
  return "the data ends after " + std::to_string(in.position()) + " decompressed bytes (truncated)";
}

// Reads items [range.first, range.first + range.count) of `itemBytes` each after the header.
// The caller has checked the request against the memory budget; for plain files also the
// header against the file size. For gzip the claim is only proven by inflating, and the buffer
// grows with the data actually inflated, so a lying header costs only what is really there.
std::vector<unsigned char> readIdxItems(ByteStream& in, const std::string& path, Range range,
                                        u64 itemBytes, const std::string& claim) {
  const u64 want = range.count * itemBytes;
  const u64 skipBytes = range.first * itemBytes;
  if (in.skip(skipBytes) < skipBytes) fail(path, claim + " but " + holds(in));
  std::vector<unsigned char> data = in.readUpTo(want);
  if (data.size() < want) fail(path, claim + " but " + holds(in));
  return data;
}

std::vector<int> loadIdxLabels(const std::string& path, u64 imageCount,
                               const std::string& imagesPath, Range range) {
  ByteStream in(path);
  const u64 count = readIdxHeader(in, path, kIdxLabelsMagic, 1)[0];
  if (count != imageCount)
    fail(path, "holds " + std::to_string(count) + " labels but " + imagesPath + " holds " +
                   std::to_string(imageCount) + " images: the label count does not match");
  const std::string claim = "header says " + std::to_string(count) + " labels";
  if (in.plainSize() && *in.plainSize() - kIdxLabelsHeader < count)
    fail(path, claim + " but " + holds(in));
  const std::vector<unsigned char> bytes = readIdxItems(in, path, range, 1, claim);
  return {bytes.begin(), bytes.end()};
}

// Bilinear resampling with pixel centres aligned (source x = (x + ½)·sw/dw − ½, clamped to the
// edge), so a constant image stays exactly constant and edges are not shifted. `src` and `dst`
// are HWC; dst holds dw·dh·channels values.
void resizeBilinear(const std::vector<float>& src, int sw, int sh, int channels, int dw, int dh,
                    float* dst) {
  struct Tap {
    int lo, hi;
    float t;
  };
  auto taps = [](int from, int to) {
    std::vector<Tap> result(to);
    const double scale = static_cast<double>(from) / to;
    for (int i = 0; i < to; ++i) {
      const double s = std::clamp((i + 0.5) * scale - 0.5, 0.0, from - 1.0);
      const int lo = static_cast<int>(s);
      result[i] = {lo, std::min(lo + 1, from - 1), static_cast<float>(s - lo)};
    }
    return result;
  };
  const std::vector<Tap> xs = taps(sw, dw), ys = taps(sh, dh);
  auto at = [&](int x, int y, int c) {
    return src[(static_cast<size_t>(y) * sw + x) * channels + c];
  };
  for (int y = 0; y < dh; ++y) {
    for (int x = 0; x < dw; ++x) {
      for (int c = 0; c < channels; ++c) {
        // v0 + (v1 − v0)·t rather than a weighted sum: exact when v0 == v1.
        const float top = at(xs[x].lo, ys[y].lo, c) +
                          (at(xs[x].hi, ys[y].lo, c) - at(xs[x].lo, ys[y].lo, c)) * xs[x].t;
        const float bottom = at(xs[x].lo, ys[y].hi, c) +
                             (at(xs[x].hi, ys[y].hi, c) - at(xs[x].lo, ys[y].hi, c)) * xs[x].t;
        dst[(static_cast<size_t>(y) * dw + x) * channels + c] = top + (bottom - top) * ys[y].t;
      }
    }
  }
}

bool isImageFile(const fs::directory_entry& entry) {
  const std::string name = entry.path().filename().string();
  if (name.empty() || name[0] == '.') return false;  // hidden files, e.g. macOS "._x.png" forks
  std::error_code error;
  if (!entry.is_regular_file(error)) return false;
  const std::string ext = lower(entry.path().extension().string());
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

struct ImageSize {
  int width = 0;
  int height = 0;
  bool colour = true;  // the file stores colour (stb's component count ≥ 3), not grey (± alpha)
};

std::uint32_t littleEndian32(const unsigned char* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
         (std::uint32_t{p[3]} << 24);
}
std::uint32_t littleEndian16(const unsigned char* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8);
}

// Refuses a JPEG whose DHT segment declares more than 256 Huffman codes in one table before
// stb_image sees it: stb_image 2.27 (Debian's libstb) then writes past the end of its code tables
// (fixed upstream in 2.28). Every FF C4 in the file is checked, not only those a marker walk
// reaches, so a segment hidden where stb would still find it cannot slip through.
void checkJpegHuffmanTables(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) fail(path, std::string("cannot open: ") + std::strerror(errno));
  const std::vector<unsigned char> bytes{std::istreambuf_iterator<char>(file),
                                         std::istreambuf_iterator<char>()};
  const size_t n = bytes.size();
  // Overlapping fake segments could make the scan quadratic; no real JPEG comes near this.
  u64 tablesSeen = 0;
  const u64 maxTables = n / 8 + 1024;
  for (size_t at = 0; at + 3 < n; ++at) {
    if (bytes[at] != 0xFF || bytes[at + 1] != 0xC4) continue;
    // As stb reads it: a 16-bit length, then tables of <class|id> <16 counts> <values>.
    long remaining = (long{bytes[at + 2]} << 8 | bytes[at + 3]) - 2;
    size_t p = at + 4;
    while (remaining > 0 && p < n) {
      if ((bytes[p] >> 4) > 1 || (bytes[p] & 15) > 3) break;  // stb rejects this table itself
      long codes = 0;
      for (size_t i = p + 1; i <= p + 16 && i < n; ++i) codes += bytes[i];
      if (codes > 256)
        fail(path, "corrupt JPEG: a Huffman table declares " + std::to_string(codes) +
                       " codes (at most 256)");
      if (++tablesSeen > maxTables) fail(path, "corrupt JPEG: too many Huffman tables");
      p += 17 + static_cast<size_t>(codes);
      remaining -= 17 + codes;
    }
  }
}

// Working memory to decode one w × h image and bring it to the common size: stb's output (RGB
// bytes) and its own buffers (at most 8 bytes a pixel, a 16-bit RGBA PNG's inflated rows), plus
// the float copy a resize reads from.
u64 decodeWorkingBytes(ImageSize size, int channels) {
  return static_cast<u64>(size.width) * static_cast<u64>(size.height) * (3 + 8 + 4 * channels);
}

// One image file of a folder, open for stb. The header is validated before any pixel is decoded:
// format (PNG, JPEG or BMP only: stb also reads TGA, PNM, PSD, ..., whose decoders pad short data
// with zeros), size against kMaxImagePixels, and for uncompressed BMPs the pixel data the header
// promises against the file size (stb pads those with zeros too). stb itself fails truncated PNG
// ("outofdata", "not enough pixels") and JPEG ("expected marker") data; tests hold it to that.
class ImageFile {
 public:
  explicit ImageFile(const std::string& path) : path_(path) {
    RegularFile file(path);
    size_ = file.size();
    file_ = ::fdopen(file.fd(), "rb");
    if (file_ == nullptr) fail(path, std::string("cannot open: ") + std::strerror(errno));
    file.release();  // fclose closes it now
  }
  ~ImageFile() { std::fclose(file_); }
  ImageFile(const ImageFile&) = delete;
  ImageFile& operator=(const ImageFile&) = delete;

  ImageSize probe() {
    unsigned char head[64] = {};
    const size_t got = std::fread(head, 1, sizeof head, file_);
    if (std::fseek(file_, 0, SEEK_SET) != 0) fail(path_, "cannot seek");
    const bool png = got >= 8 && std::memcmp(head, "\x89PNG\r\n\x1a\n", 8) == 0;
    const bool jpeg = got >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF;
    const bool bmp = got >= 2 && head[0] == 'B' && head[1] == 'M';
    if (!png && !jpeg && !bmp)
      fail(path_, got == 0 ? "cannot read the image: the file is empty"
                           : "cannot read the image: not a PNG, JPEG or BMP file");
    // Before stb reads any header: stbi_info already builds the Huffman tables of a JPEG.
    if (jpeg) checkJpegHuffmanTables(path_);
    int w = 0, h = 0, comp = 0;
    if (stbi_info_from_file(file_, &w, &h, &comp) == 0)
      fail(path_, std::string("cannot read the image (") + stbi_failure_reason() + ")");
    if (w <= 0 || h <= 0) fail(path_, "the image has zero size");
    const u64 pixels = static_cast<u64>(w) * static_cast<u64>(h);
    if (pixels > kMaxImagePixels)
      fail(path_, "the image is " + std::to_string(w) + "×" + std::to_string(h) + " = " +
                      std::to_string(pixels) + " pixels, over " + pixelLimitText() +
                      "; scale it down first");
    if (bmp) checkBmpData(head, got, w, h);
    return {w, h, comp >= 3};
  }

  // Decodes to HWC floats in [0, 1], grey (luma) or RGB (alpha dropped), `channels` per pixel.
  std::vector<float> decode(ImageSize expected, bool grayscale) {
    int w = 0, h = 0, comp = 0;
    std::unique_ptr<unsigned char, void (*)(void*)> rgb(
        stbi_load_from_file(file_, &w, &h, &comp, 3), stbi_image_free);
    if (rgb == nullptr)
      fail(path_, std::string("cannot decode the image (") + stbi_failure_reason() + ")");
    if (w != expected.width || h != expected.height)
      fail(path_, "the image changed while it was being read");
    const size_t pixels = static_cast<size_t>(w) * h;
    const auto& unit = byteToUnit();
    std::vector<float> out(pixels * (grayscale ? 1 : 3));
    for (size_t i = 0; i < pixels; ++i) {
      const unsigned char* p = rgb.get() + 3 * i;
      if (grayscale) {
        out[i] = luma(p[0], p[1], p[2]);
      } else {
        for (int c = 0; c < 3; ++c) out[3 * i + c] = unit[p[c]];
      }
    }
    return out;
  }

 private:
  // BITMAPFILEHEADER (14 bytes: "BM", size, reserved, pixel data offset at 10) then the DIB
  // header: 12 bytes for OS/2 (bits per pixel at 24), else at least 40 (bits per pixel at 28,
  // compression at 30). Uncompressed rows are padded to 4 bytes; RLE is not read by stb.
  void checkBmpData(const unsigned char* head, size_t got, int w, int h) {
    if (got < 30) return;  // stbi_info accepted it; too short to hold what we check
    const u64 dibSize = littleEndian32(head + 14);
    const u64 bits = littleEndian16(head + (dibSize == 12 ? 24 : 28));
    const std::uint32_t compression = dibSize == 12 || got < 34 ? 0 : littleEndian32(head + 30);
    const bool uncompressed = compression == 0 || compression == 3 || compression == 6;
    if (!uncompressed || bits == 0) return;
    const u64 offset = std::max<u64>(littleEndian32(head + 10), 14 + dibSize);
    const u64 rowBytes = (static_cast<u64>(w) * bits + 31) / 32 * 4;
    const u64 end = addSat(offset, mulSat(rowBytes, static_cast<u64>(h)));
    if (end > size_)
      fail(path_, "the BMP header promises " + std::to_string(w) + "×" + std::to_string(h) +
                      " pixels at " + std::to_string(bits) + " bits (" + std::to_string(end) +
                      " bytes with the headers) but the file holds " + std::to_string(size_) +
                      " bytes: truncated or corrupt");
  }

  std::string path_;
  std::FILE* file_ = nullptr;
  u64 size_ = 0;
};

// The labels file that belongs to an IDX images file, by the MNIST naming conventions
// (train-images-idx3-ubyte[.gz] and train-images.idx3-ubyte), or "" if there is none.
std::string siblingLabelsPath(const std::string& imagesPath) {
  const fs::path path(imagesPath);
  const std::string name = path.filename().string();
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"images-idx3", "labels-idx1"},
                                 {"images.idx3", "labels.idx1"}}) {
    const size_t at = name.find(from);
    if (at == std::string::npos) continue;
    std::string candidate = name;
    candidate.replace(at, from.size(), to);
    const fs::path labels = path.parent_path() / candidate;
    std::error_code error;
    if (fs::is_regular_file(labels, error)) return labels.string();
  }
  return "";
}

bool looksLikeCifar100(const fs::path& path) {
  return path.filename().string().find("100") != std::string::npos ||
         path.parent_path().filename().string().find("100") != std::string::npos;
}

}  // namespace

MemorySet loadIdx(const std::string& imagesPath, const LoadOptions& options,
                  const std::string& labelsPath) {
  checkOptions(options);
  return guardMemory(imagesPath, options, [&] {
    ByteStream in(imagesPath);
    const std::vector<u64> dims = readIdxHeader(in, imagesPath, kIdxImagesMagic, 3);
    const u64 count = dims[0], rows = dims[1], cols = dims[2];
    const std::string size = std::to_string(rows) + "×" + std::to_string(cols);
    const std::string claim =
        "header says " + std::to_string(count) + (count == 1 ? " image of " : " images of ") + size;
    if (rows == 0 || cols == 0) fail(imagesPath, claim + ": zero-sized images");
    if (rows * cols > kMaxImagePixels)
      fail(imagesPath, claim + ": " + std::to_string(rows * cols) + " pixels each, over " +
                           pixelLimitText() + " (or the header is corrupt)");
    const u64 imageBytes = rows * cols;
    // Plain files: the whole claim is checked up front, before any allocation. Gzip files are
    // checked as far as they are read (inflating the rest would cost the speed of a small slice).
    if (in.plainSize() && *in.plainSize() - kIdxImagesHeader < count * imageBytes)
      fail(imagesPath, claim + " but " + holds(in));
    std::vector<std::string> warnings;
    const Range range = selectRange(count, options, imagesPath, "images", warnings);
    checkCount(range.count, imagesPath, "images");
    // The bytes read (1 a pixel) and their float32 copy (4), plus a byte and an int per label.
    const u64 labelBytes = labelsPath.empty() ? 0 : range.count * (1 + sizeof(int));
    checkBudget(imagesPath,
                "loading " + std::to_string(range.count) +
                    (range.count == 1 ? " image of " : " images of ") + size,
                range.count * imageBytes * (1 + sizeof(float)) + labelBytes, options);
    const std::vector<unsigned char> pixels =
        readIdxItems(in, imagesPath, range, imageBytes, claim);

    MemorySet set;
    set.shape = {static_cast<int>(cols), static_cast<int>(rows), 1};
    set.patterns.resize(static_cast<Eigen::Index>(imageBytes),
                        static_cast<Eigen::Index>(range.count));
    // IDX rows are row-major images, exactly the column layout of MemorySet (channels = 1).
    const auto& unit = byteToUnit();
    float* dst = set.patterns.data();
    for (size_t i = 0; i < pixels.size(); ++i) dst[i] = unit[pixels[i]];
    if (!labelsPath.empty()) set.labels = loadIdxLabels(labelsPath, count, imagesPath, range);
    set.source = imagesPath;
    set.warnings = std::move(warnings);
    return set;
  });
}

MemorySet loadCifar(const std::string& path, const LoadOptions& options) {
  checkOptions(options);
  return guardMemory(path, options, [&] {
    RegularFile file(path);
    const u64 size = file.size();
    if (size == 0) fail(path, "the file is empty");
    const bool fits10 = size % kCifar10Record == 0, fits100 = size % kCifar100Record == 0;
    if (!fits10 && !fits100)
      fail(path, "size " + std::to_string(size) +
                     " bytes is not a whole number of CIFAR-10 records (3073 bytes) or CIFAR-100 "
                     "records (3074 bytes)");
    // Real batches fit only one record size; sizes that fit both (multiples of 3073·3074 bytes)
    // are CIFAR-100 only when the file or folder name says "100", as cifar-100-binary/ does.
    const bool cifar100 = fits100 && (!fits10 || looksLikeCifar100(path));
    const u64 recordBytes = cifar100 ? kCifar100Record : kCifar10Record;
    std::vector<std::string> warnings;
    const Range range = selectRange(size / recordBytes, options, path, "records", warnings);
    const int channels = options.grayscale ? 1 : 3;
    checkCount(range.count, path, "records");
    // The records read, their pixels as float32 and the labels.
    checkBudget(path, "loading " + std::to_string(range.count) + " CIFAR records",
                range.count * (recordBytes + kCifarPixels * channels * sizeof(float) + sizeof(int)),
                options);

    std::vector<unsigned char> records(range.count * recordBytes);
    u64 done = 0;
    while (done < records.size()) {
      const ssize_t got = ::pread(file.fd(), records.data() + done, records.size() - done,
                                  static_cast<off_t>(range.first * recordBytes + done));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) fail(path, std::string("read error: ") + std::strerror(errno));
      if (got == 0) fail(path, "read error: the file changed size while reading");
      done += static_cast<u64>(got);
    }

    MemorySet set;
    set.shape = {32, 32, channels};
    set.patterns.resize(static_cast<Eigen::Index>(kCifarPixels * channels),
                        static_cast<Eigen::Index>(range.count));
    set.labels.resize(range.count);
    const int classes = cifar100 ? 100 : 10;
    const auto& unit = byteToUnit();
    for (u64 m = 0; m < range.count; ++m) {
      const unsigned char* record = records.data() + m * recordBytes;
      // CIFAR-100 records are <coarse label><fine label><pixels>; the fine label is the class.
      const int label = record[cifar100 ? 1 : 0];
      if (label >= classes)
        fail(path, "record " + std::to_string(range.first + m) + " has label " +
                       std::to_string(label) + " but CIFAR-" + std::to_string(classes) +
                       " labels are 0 to " + std::to_string(classes - 1) +
                       ": not a CIFAR batch, or a corrupt one");
      set.labels[m] = label;
      const unsigned char* red = record + (cifar100 ? 2 : 1);
      const unsigned char* green = red + kCifarPixels;
      const unsigned char* blue = green + kCifarPixels;
      float* dst = set.patterns.col(static_cast<Eigen::Index>(m)).data();
      for (u64 i = 0; i < kCifarPixels; ++i) {
        if (channels == 1) {
          dst[i] = luma(red[i], green[i], blue[i]);
        } else {
          dst[3 * i] = unit[red[i]];
          dst[3 * i + 1] = unit[green[i]];
          dst[3 * i + 2] = unit[blue[i]];
        }
      }
    }
    set.source = path;
    set.warnings = std::move(warnings);
    return set;
  });
}

MemorySet loadImageFolder(const std::string& folder, const LoadOptions& options) {
  checkOptions(options);
  return guardMemory(folder, options, [&] {
    std::error_code error;
    const fs::file_status status = fs::status(folder, error);
    if (!fs::exists(status)) fail(folder, "no such folder");
    if (!fs::is_directory(status)) fail(folder, "is not a folder");
    fs::directory_iterator it(folder, error);
    if (error) fail(folder, "cannot list the folder: " + error.message());
    u64 entries = 0;
    std::vector<fs::path> files;
    for (; it != fs::directory_iterator(); it.increment(error)) {
      ++entries;
      if (isImageFile(*it)) files.push_back(it->path());
    }
    if (error) fail(folder, "cannot list the folder: " + error.message());
    if (entries == 0) fail(folder, "the folder is empty");
    if (files.empty()) fail(folder, "no images (.png, .jpg, .jpeg, .bmp) in the folder");
    std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
      return a.filename().string() < b.filename().string();
    });
    std::vector<std::string> warnings;
    // An image that cannot be read is skipped and listed (options.strict: an error), so one bad
    // file in a folder of thousands costs that file, not the load.
    auto skip = [&](const DataError& error) {
      if (options.strict) throw;
      warnings.push_back(std::string("skipped ") + error.what());
    };

    // Every header is read (stbi_info: no decoding) before any image is decoded, so a huge or
    // lying image is refused at once and the budget covers the largest decode. Offset and count
    // count readable images, so headers are read up to the last one the request needs.
    const u64 wanted = options.count < 0
                           ? UINT64_MAX
                           : static_cast<u64>(options.offset) + static_cast<u64>(options.count);
    std::vector<fs::path> readable;
    std::vector<ImageSize> sizes;
    for (const fs::path& path : files) {
      if (readable.size() >= wanted) break;
      try {
        sizes.push_back(ImageFile(path.string()).probe());
        readable.push_back(path);
      } catch (const DataError& error) {
        skip(error);
      }
    }
    if (readable.empty())
      fail(folder, "none of its " + std::to_string(files.size()) +
                       " image files can be read; the first: " + warnings.front().substr(8));
    const Range range = selectRange(readable.size(), options, folder, "images", warnings);
    checkCount(range.count, folder, "images");
    // Colour is kept unless asked for grey, or every selected file is grey already (a folder of
    // grey PNGs stays d = w·h rather than three equal channels).
    const bool anyColour = std::any_of(sizes.begin() + static_cast<std::ptrdiff_t>(range.first),
                                       sizes.begin() + static_cast<std::ptrdiff_t>(range.first +
                                                                                   range.count),
                                       [](const ImageSize& size) { return size.colour; });
    const int channels = options.grayscale || !anyColour ? 1 : 3;
    u64 largestDecode = 0;
    for (u64 m = 0; m < range.count; ++m)
      largestDecode = std::max(largestDecode, decodeWorkingBytes(sizes[range.first + m], channels));
    ImageSize common{options.width, options.height};
    if (common.width == 0) common = sizes[range.first];
    const u64 commonPixels = static_cast<u64>(common.width) * static_cast<u64>(common.height);
    if (commonPixels > kMaxImagePixels)
      throw ConfigError("width × height " + std::to_string(common.width) + "×" +
                        std::to_string(common.height) + " is over " + pixelLimitText());
    const u64 dimension = commonPixels * channels;
    const std::string sizeText = std::to_string(common.width) + "×" + std::to_string(common.height);
    checkBudget(folder,
                "loading " + std::to_string(range.count) + " images of " + sizeText +
                    (channels == 1 ? " (grey)" : " (RGB)"),
                addSat(mulSat(dimension * sizeof(float), range.count), largestDecode), options);

    MemorySet set;
    set.shape = {common.width, common.height, channels};
    set.patterns.resize(static_cast<Eigen::Index>(dimension),
                        static_cast<Eigen::Index>(range.count));
    // One image at a time, brought to the common size at once: never two full-size images.
    Eigen::Index filled = 0;
    u64 resized = 0;
    for (u64 m = 0; m < range.count; ++m) {
      const fs::path& path = readable[range.first + m];
      try {
        ImageFile file(path.string());
        const ImageSize size = file.probe();
        const ImageSize& probed = sizes[range.first + m];
        if (size.width != probed.width || size.height != probed.height)
          fail(path.string(), "the image changed while it was being read");
        float* column = set.patterns.col(filled).data();
        // Grey files decode to r = g = b, whose luma is exactly r/255.
        const std::vector<float> pixels = file.decode(size, channels == 1);
        if (size.width == common.width && size.height == common.height) {
          std::copy(pixels.begin(), pixels.end(), column);
        } else {
          resizeBilinear(pixels, size.width, size.height, channels, common.width, common.height,
                         column);
          ++resized;
        }
        set.names.push_back(path.filename().string());
        ++filled;
      } catch (const DataError& error) {
        skip(error);
      }
    }
    if (filled == 0)
      fail(folder,
           "none of the selected images can be decoded; the last: " + warnings.back().substr(8));
    if (filled < set.patterns.cols()) {
      set.patterns.conservativeResize(Eigen::NoChange, filled);
      warnings.push_back(folder + ": loaded " + std::to_string(filled) + " of the " +
                         std::to_string(range.count) +
                         " images selected (the others failed to decode, see above)");
    }
    if (resized > 0)
      warnings.push_back(folder + ": " + std::to_string(resized) + " of " + std::to_string(filled) +
                         " images were resized to " + sizeText +
                         (options.width > 0 ? " (the size asked for)"
                                            : " (the size of " + set.names.front() + ")"));
    set.source = folder;
    set.warnings = std::move(warnings);
    return set;
  });
}

std::string assetsDirectory() {
  const char* fromEnvironment = std::getenv("UHOP_ASSETS");
  if (fromEnvironment != nullptr && *fromEnvironment != '\0') return fromEnvironment;
  return UHOP_ASSETS_DIR;
}

MemorySet loadBuiltin(const LoadOptions& options) {
  const std::string folder = assetsDirectory() + "/builtin";
  const std::string images = folder + "/images-idx3-ubyte.gz";
  std::error_code error;
  if (!fs::is_regular_file(images, error))
    fail(images,
         "the built-in memory set is missing; set UHOP_ASSETS to U-Hop Studio's assets "
         "folder");
  MemorySet set = loadIdx(images, options, folder + "/labels-idx1-ubyte.gz");
  set.source = "builtin";
  return set;
}

std::string fashionMnistDirectory() {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  std::error_code error;
  return fs::is_regular_file(dir + "/train-images-idx3-ubyte.gz", error) ? dir : "";
}

MemorySet loadDataSource(const std::string& spec, const LoadOptions& options) {
  if (spec.empty())
    throw DataError(
        "no data source given: use builtin, fashion-mnist, fashion-mnist-test, or "
        "the path of an IDX file, a CIFAR .bin batch or an image folder");
  if (spec == "builtin") return loadBuiltin(options);
  if (spec == "fashion-mnist" || spec == "fashion-mnist-test") {
    const std::string dir = fashionMnistDirectory();
    const std::string prefix = spec == "fashion-mnist" ? "/train" : "/t10k";
    std::error_code error;
    if (dir.empty() || !fs::is_regular_file(dir + prefix + "-images-idx3-ubyte.gz", error))
      throw DataError(spec +
                      ": Fashion-MNIST is not installed in "
                      "/usr/share/datasets/fashion-mnist; run `apt-get install "
                      "dataset-fashion-mnist`, or use --data builtin");
    MemorySet set = loadIdx(dir + prefix + "-images-idx3-ubyte.gz", options,
                            dir + prefix + "-labels-idx1-ubyte.gz");
    set.source = spec;  // a spec, so a saved session can load the same memories again
    return set;
  }

  std::error_code error;
  const fs::file_status status = fs::status(spec, error);
  if (!fs::exists(status))
    fail(spec,
         "no such file or folder (a data source is builtin, fashion-mnist, "
         "fashion-mnist-test, or the path of an IDX file, CIFAR .bin batch or image folder)");
  if (fs::is_directory(status)) return loadImageFolder(spec, options);
  if (!fs::is_regular_file(status))
    fail(spec, std::string("is not a regular file or a folder (") +
                   (fs::is_fifo(status) ? "a FIFO" : "a device or socket") +
                   "): a data source is read from a file or a folder of images");
  // NumPy arrays (core/npy.h), by magic or by name (a .npy that is not one gets npy's message).
  if (isNpyFile(spec) || lower(fs::path(spec).extension().string()) == ".npy")
    return loadNpyMemories(spec, options);

  std::uint32_t magic = 0;
  {
    ByteStream in(spec);
    unsigned char head[4] = {};
    const u64 got = in.read(head, 4);
    if (got == 0) fail(spec, "the file is empty");
    if (got == 4) magic = bigEndian32(head);
  }
  if (magic == kIdxImagesMagic) return loadIdx(spec, options, siblingLabelsPath(spec));
  if (magic == kIdxLabelsMagic)
    fail(spec,
         "is an IDX label file; give the images file (…images-idx3…) instead, its labels "
         "are found beside it");
  const std::string ext = lower(fs::path(spec).extension().string());
  if (ext == ".bin") return loadCifar(spec, options);
  if (ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp")
    fail(spec, "is a single image; give the folder that holds the images instead");
  fail(spec,
       "not an IDX, CIFAR or image folder (IDX files start with magic 0x00000803, CIFAR "
       "batches end in .bin)");
}

}  // namespace uhop
