#include "core/npy.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

namespace uhop {
namespace {

namespace fs = std::filesystem;
using u64 = std::uint64_t;

constexpr char kMagic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};
// numpy itself refuses headers over 10 000 bytes unless told otherwise; a little room above that
// for hand-made files, and far below anything that could hurt.
constexpr u64 kMaxHeaderBytes = u64{1} << 16;
constexpr int kMaxDimensions = 32;  // numpy's own limit (NPY_MAXDIMS)

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  throw DataError(path + ": " + problem);
}

// Refuses what is not a regular file (folders, FIFOs, devices) and returns its size.
u64 regularFileSize(const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) fail(path, "no such file");
  if (fs::is_directory(status)) fail(path, "is a folder, not a .npy file");
  if (!fs::is_regular_file(status)) fail(path, "is not a regular file");
  const u64 size = fs::file_size(path, error);
  if (error) fail(path, "cannot read its size: " + error.message());
  return size;
}

// A minimal reader for the one Python literal a .npy header holds: a dict of string keys whose
// values are strings, True/False, or tuples of non-negative integers.
class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& path) : s_(text), path_(path) {}

  NpyHeader parse() {
    NpyHeader h;
    bool haveDescr = false, haveOrder = false, haveShape = false;
    expect('{');
    while (true) {
      skipSpace();
      if (peek() == '}') break;
      const std::string key = quoted();
      expect(':');
      if (key == "descr") {
        setType(h, quoted());
        haveDescr = true;
      } else if (key == "fortran_order") {
        h.fortranOrder = boolean();
        haveOrder = true;
      } else if (key == "shape") {
        h.shape = tuple();
        haveShape = true;
      } else {
        bad("unexpected key '" + key + "' (a .npy header has descr, fortran_order and shape)");
      }
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      skipSpace();
      if (peek() != '}') bad("expected ',' or '}'");
    }
    ++pos_;
    skipSpace();
    if (pos_ != s_.size()) bad("text after the closing '}'");
    if (!haveDescr || !haveOrder || !haveShape)
      bad("needs the keys 'descr', 'fortran_order' and 'shape'");
    return h;
  }

 private:
  [[noreturn]] void bad(const std::string& what) const {
    fail(path_, "malformed .npy header at character " + std::to_string(pos_) + ": " + what);
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  void expect(char c) {
    skipSpace();
    if (peek() != c) bad(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string quoted() {
    skipSpace();
    const char q = peek();
    if (q != '\'' && q != '"') bad("expected a quoted string");
    const size_t end = s_.find(q, pos_ + 1);
    if (end == std::string::npos) bad("unterminated string");
    std::string out = s_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return out;
  }
  bool boolean() {
    skipSpace();
    if (s_.compare(pos_, 4, "True") == 0) {
      pos_ += 4;
      return true;
    }
    if (s_.compare(pos_, 5, "False") == 0) {
      pos_ += 5;
      return false;
    }
    bad("fortran_order must be True or False");
  }
  std::vector<u64> tuple() {
    expect('(');
    std::vector<u64> dims;
    while (true) {
      skipSpace();
      if (peek() == ')') break;
      if (!std::isdigit(static_cast<unsigned char>(peek())))
        bad("shape entries must be non-negative integers");
      u64 v = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        const u64 digit = static_cast<u64>(peek() - '0');
        if (v > (std::numeric_limits<u64>::max() - digit) / 10) bad("shape entry too large");
        v = v * 10 + digit;
        ++pos_;
      }
      dims.push_back(v);
      if (dims.size() > static_cast<size_t>(kMaxDimensions)) bad("more than 32 dimensions");
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != ')') bad("expected ',' or ')' in the shape");
    }
    ++pos_;
    return dims;
  }
  void setType(NpyHeader& h, const std::string& descr) {
    if (descr == "<f4") {
      h.type = NpyType::Float32;
      h.itemSize = 4;
    } else if (descr == "<f8") {
      h.type = NpyType::Float64;
      h.itemSize = 8;
    } else if (descr == "|u1" || descr == "<u1" || descr == ">u1" || descr == "=u1") {
      h.type = NpyType::UInt8;  // one byte: the byte order mark means nothing
      h.itemSize = 1;
    } else if (descr == ">f4" || descr == ">f8") {
      bad("big-endian data ('" + descr +
          "') is not supported; save it little-endian (astype('<f4'))");
    } else {
      bad("dtype '" + descr + "' is not supported (expected '<f4', '<f8' or '|u1')");
    }
  }

  const std::string& s_;
  const std::string& path_;
  size_t pos_ = 0;
};

std::string shapeText(const std::vector<u64>& shape) {
  std::string out = "(";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + (shape.size() == 1 ? ",)" : ")");
}

const char* typeName(NpyType t) {
  switch (t) {
    case NpyType::Float32:
      return "float32";
    case NpyType::Float64:
      return "float64";
    case NpyType::UInt8:
      return "uint8";
  }
  return "?";
}

// Bytes [offset, offset + count) of the file, into `out` (which the caller sized).
void readBytes(const std::string& path, u64 offset, u64 count, void* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot open: ") + std::strerror(errno));
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(static_cast<char*>(out), static_cast<std::streamsize>(count));
  if (!in || static_cast<u64>(in.gcount()) != count)
    fail(path, "read failed (file changed while reading?)");
}

// Value `i` (storage order) of a raw buffer of the given type, as double.
double valueAt(const unsigned char* raw, NpyType type, u64 i) {
  switch (type) {
    case NpyType::Float32: {
      float v;
      std::memcpy(&v, raw + 4 * i, 4);
      return v;
    }
    case NpyType::Float64: {
      double v;
      std::memcpy(&v, raw + 8 * i, 8);
      return v;
    }
    case NpyType::UInt8:
      return raw[i];
  }
  return 0;
}

// Storage index of every element in C (row-major) order: the identity for C-order data, a
// transposition for Fortran-order data. Calls visit(cIndex, storageIndex) in increasing cIndex.
template <typename Visit>
void forEachInCOrder(const std::vector<u64>& shape, bool fortran, u64 count, Visit&& visit) {
  if (!fortran || shape.size() < 2) {
    for (u64 i = 0; i < count; ++i) visit(i, i);
    return;
  }
  const size_t n = shape.size();
  std::vector<u64> stride(n), index(n, 0);  // Fortran strides: the first axis is contiguous
  u64 s = 1;
  for (size_t k = 0; k < n; ++k) {
    stride[k] = s;
    s *= shape[k];
  }
  u64 storage = 0;
  for (u64 i = 0; i < count; ++i) {
    visit(i, storage);
    // Odometer over the C order: the last axis moves fastest.
    for (size_t k = n; k-- > 0;) {
      if (++index[k] < shape[k]) {
        storage += stride[k];
        break;
      }
      storage -= stride[k] * (shape[k] - 1);
      index[k] = 0;
    }
  }
}

}  // namespace

bool isNpyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[6] = {};
  return in && in.read(head, 6) && std::memcmp(head, kMagic, 6) == 0;
}

NpyHeader readNpyHeader(const std::string& path) {
  const u64 fileSize = regularFileSize(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot open: ") + std::strerror(errno));
  unsigned char pre[12] = {};
  const u64 preBytes = std::min<u64>(fileSize, sizeof pre);
  in.read(reinterpret_cast<char*>(pre), static_cast<std::streamsize>(preBytes));
  if (preBytes < 10 || std::memcmp(pre, kMagic, 6) != 0)
    fail(path, "not a NumPy .npy file (it does not start with \\x93NUMPY)");
  const int major = pre[6], minor = pre[7];
  u64 headerLength = 0, prefix = 0;
  if (major == 1) {
    headerLength = u64{pre[8]} | (u64{pre[9]} << 8);
    prefix = 10;
  } else if (major == 2 || major == 3) {
    if (preBytes < 12)
      fail(path, "too short for a .npy version " + std::to_string(major) + " header");
    headerLength = u64{pre[8]} | (u64{pre[9]} << 8) | (u64{pre[10]} << 16) | (u64{pre[11]} << 24);
    prefix = 12;
  } else {
    fail(path, ".npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                   " is not supported (1.0, 2.0 and 3.0 are)");
  }
  if (headerLength == 0 || headerLength > kMaxHeaderBytes)
    fail(path, "header length " + std::to_string(headerLength) + " is outside 1.." +
                   std::to_string(kMaxHeaderBytes) + " bytes");
  if (prefix + headerLength > fileSize)
    fail(path, "truncated: the header needs " + std::to_string(prefix + headerLength) +
                   " bytes but the file has " + std::to_string(fileSize));
  std::string text(headerLength, '\0');
  in.seekg(static_cast<std::streamoff>(prefix));
  if (!in.read(text.data(), static_cast<std::streamsize>(headerLength)))
    fail(path, "cannot read the header");
  // Version 3.0 allows UTF-8 in the header; the keys and values we accept are all ASCII, and
  // any other byte fails the parse below with a message.
  NpyHeader h = HeaderParser(text, path).parse();
  h.dataOffset = prefix + headerLength;
  u64 count = 1;
  for (u64 dim : h.shape) {
    if (dim != 0 && count > std::numeric_limits<u64>::max() / dim / 8)
      fail(path, "shape " + shapeText(h.shape) + " has more elements than any file can hold");
    count *= dim;
  }
  h.elementCount = count;
  const u64 dataBytes = count * static_cast<u64>(h.itemSize);
  const u64 available = fileSize - h.dataOffset;
  if (available < dataBytes)
    fail(path, "truncated: shape " + shapeText(h.shape) + " of " + typeName(h.type) + " needs " +
                   std::to_string(dataBytes) + " bytes of data but the file holds " +
                   std::to_string(available));
  if (available > dataBytes)
    fail(path, std::to_string(available - dataBytes) + " bytes after the " + shapeText(h.shape) +
                   " " + typeName(h.type) + " data: the header does not describe the file");
  return h;
}

Matrix loadNpyMatrix(const std::string& path, std::size_t budgetBytes) {
  const NpyHeader h = readNpyHeader(path);
  if (h.shape.size() != 2)
    fail(path, "expected a 2-D array (rows, cols), got shape " + shapeText(h.shape));
  if (h.type == NpyType::UInt8) fail(path, "expected float32 or float64 values, got uint8");
  const u64 rows = h.shape[0], cols = h.shape[1];
  if (rows == 0 || cols == 0) fail(path, "the array " + shapeText(h.shape) + " is empty");
  if (rows > static_cast<u64>(std::numeric_limits<int>::max()) ||
      cols > static_cast<u64>(std::numeric_limits<int>::max()))
    fail(path, "shape " + shapeText(h.shape) + " is too large for a matrix");
  const u64 raw = h.elementCount * static_cast<u64>(h.itemSize),
            need = raw + h.elementCount * sizeof(float);
  if (need > budgetBytes)
    fail(path, "loading shape " + shapeText(h.shape) + " needs " + std::to_string(need >> 20) +
                   " MiB, over the memory budget of " + std::to_string(budgetBytes >> 20) + " MiB");
  std::vector<unsigned char> bytes(raw);
  readBytes(path, h.dataOffset, raw, bytes.data());
  Matrix A(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  // C index i is (i / cols, i % cols).
  forEachInCOrder(h.shape, h.fortranOrder, h.elementCount, [&](u64 i, u64 s) {
    A(static_cast<Eigen::Index>(i / cols), static_cast<Eigen::Index>(i % cols)) =
        static_cast<float>(valueAt(bytes.data(), h.type, s));
  });
  if (!A.allFinite())
    fail(path, "contains NaN or infinite values (or values too large for float32)");
  return A;
}

MemorySet loadNpyMemories(const std::string& path, const LoadOptions& options) {
  if (options.offset < 0)
    throw ConfigError("offset must be 0 or more, got " + std::to_string(options.offset));
  if (options.count == 0 || options.count < -1)
    throw ConfigError("count must be positive, or -1 for all, got " +
                      std::to_string(options.count));
  if (options.width != 0 || options.height != 0)
    throw ConfigError("width/height resizing is not supported for .npy memories (" + path + ")");
  const NpyHeader h = readNpyHeader(path);
  const std::vector<u64>& shape = h.shape;
  const size_t rank = shape.size();
  ImageShape image;
  if (rank == 2) {
    const u64 d = shape[1];
    const u64 side = static_cast<u64>(std::llround(std::sqrt(static_cast<double>(d))));
    if (side * side == d)
      image = {static_cast<int>(side), static_cast<int>(side), 1};
    else if (d <= static_cast<u64>(std::numeric_limits<int>::max()))
      image = {static_cast<int>(d), 1, 1};
  } else if (rank == 3 || (rank == 4 && (shape[3] == 1 || shape[3] == 3))) {
    if (shape[1] <= (u64{1} << 16) && shape[2] <= (u64{1} << 16))
      image = {static_cast<int>(shape[2]), static_cast<int>(shape[1]),
               rank == 4 ? static_cast<int>(shape[3]) : 1};
  } else {
    fail(path, "memories must have shape (M, d), (M, h, w), (M, h, w, 1) or (M, h, w, 3), got " +
                   shapeText(shape));
  }
  const u64 d = h.elementCount / std::max<u64>(1, shape[0]);
  if (shape[0] == 0 || d == 0) fail(path, "the array " + shapeText(shape) + " holds no memories");
  // 2^26 values (8192²) per memory at most, like the other loaders; checked before w·h·c is
  // formed as an int.
  if (d > (u64{1} << 26) || image.width <= 0 || static_cast<u64>(image.size()) != d)
    fail(path, "one memory of shape " + shapeText(shape) + " is too large for an image");
  // Items selected, as the other loaders select them.
  const u64 available = shape[0], first = static_cast<u64>(options.offset);
  if (first >= available)
    fail(path, "offset " + std::to_string(first) + " is beyond the end: it holds " +
                   std::to_string(available) + " memories");
  u64 count = options.count < 0 ? available - first : static_cast<u64>(options.count);
  std::vector<std::string> warnings;
  if (first + count > available && options.countIsLimit) count = available - first;
  if (first + count > available) {
    if (options.strict)
      fail(path, "asked for memories " + std::to_string(first) + " to " +
                     std::to_string(first + count - 1) + " but it holds only " +
                     std::to_string(available));
    // Not strict: what is there, and a warning (LoadOptions::strict, as the other loaders).
    warnings.push_back(path + ": only " + std::to_string(available - first) + " of the " +
                       std::to_string(count) + " memories asked for (from offset " +
                       std::to_string(first) + ") are there; loaded those " +
                       std::to_string(available - first));
    count = available - first;
  }
  if (count > static_cast<u64>(std::numeric_limits<int>::max()))
    fail(path, "too many memories for one set");
  const bool toGray = image.channels == 3 && options.grayscale;
  const ImageShape outShape = toGray ? ImageShape{image.width, image.height, 1} : image;
  const u64 outD = static_cast<u64>(outShape.size());
  // C order stores memory μ as d consecutive values, so only the selected ones are read; Fortran
  // order interleaves them, so the whole array is read and gathered.
  const u64 rawItems = h.fortranOrder ? h.elementCount : count * d;
  const u64 rawBytes = rawItems * static_cast<u64>(h.itemSize);
  const u64 need = rawBytes + count * outD * sizeof(float);
  if (need > options.memoryBudgetBytes)
    fail(path, "loading " + std::to_string(count) + " memories of shape " + shapeText(shape) +
                   " needs " + std::to_string(need >> 20) + " MiB, over the memory budget of " +
                   std::to_string(options.memoryBudgetBytes >> 20) +
                   " MiB; load fewer with a count");
  std::vector<unsigned char> bytes(rawBytes);
  readBytes(path, h.dataOffset + (h.fortranOrder ? 0 : first * d * static_cast<u64>(h.itemSize)),
            rawBytes, bytes.data());

  // Values as stored, in C order of the selected memories: column μ of a d × count matrix.
  Matrix values(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(count));
  if (h.fortranOrder) {
    const u64 begin = first * d, end = (first + count) * d;
    forEachInCOrder(shape, true, h.elementCount, [&](u64 i, u64 s) {
      if (i >= begin && i < end)
        values.data()[i - begin] = static_cast<float>(valueAt(bytes.data(), h.type, s));
    });
  } else {
    for (u64 i = 0; i < rawItems; ++i)
      values.data()[i] = static_cast<float>(valueAt(bytes.data(), h.type, i));
  }
  std::vector<unsigned char>().swap(bytes);
  if (!values.allFinite()) fail(path, "contains NaN or infinite values");
  // 0–255 data: uint8 always, floats when their maximum says so (documented in npy.h).
  const float maxValue = values.maxCoeff(), minValue = values.minCoeff();
  if (h.type == NpyType::UInt8 || maxValue > 1.0f) values /= 255.0f;
  const float lo = values.minCoeff(), hi = values.maxCoeff();
  if (lo < 0.0f || hi > 1.0f)
    fail(path, "values range from " + std::to_string(minValue) + " to " + std::to_string(maxValue) +
                   "; memories must be in [0, 1] (or 0-255, scaled by 1/255)");

  MemorySet set;
  set.shape = outShape;
  if (toGray) {
    set.patterns.resize(static_cast<Eigen::Index>(outD), values.cols());
    for (Eigen::Index m = 0; m < values.cols(); ++m)
      for (u64 px = 0; px < outD; ++px) {
        const float* rgb = values.col(m).data() + 3 * px;
        const double y = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
        set.patterns(static_cast<Eigen::Index>(px), m) = std::min(1.0f, static_cast<float>(y));
      }
  } else {
    set.patterns = std::move(values);
  }
  set.source = path;
  set.warnings = std::move(warnings);
  set.validate();
  return set;
}

void writeNpyArray(const std::string& path, NpyType type, bool fortranOrder,
                   const std::vector<std::uint64_t>& shape, const void* data) {
  const char* descr = type == NpyType::Float32 ? "<f4" : type == NpyType::Float64 ? "<f8" : "|u1";
  const u64 itemSize = type == NpyType::Float32 ? 4 : type == NpyType::Float64 ? 8 : 1;
  u64 count = 1;
  for (u64 dim : shape) count *= dim;
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': " + (fortranOrder ? "True" : "False") +
                       ", 'shape': " + shapeText(shape) + ", }";
  // Pad with spaces so the data starts at a multiple of 64 bytes (what numpy writes), then '\n'.
  const u64 prefix = 10;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  if (header.size() > 65535) throw DataError(path + ": shape too long for a .npy header");
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw DataError(path + ": cannot open for writing");
    const unsigned char pre[4] = {1, 0, static_cast<unsigned char>(header.size() & 0xFF),
                                  static_cast<unsigned char>(header.size() >> 8)};
    out.write(kMagic, 6);
    out.write(reinterpret_cast<const char*>(pre), 4);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(count * itemSize));
    if (!out) throw DataError(path + ": write failed (disk full?)");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw DataError(path + ": cannot rename the temporary file: " + ec.message());
}

void saveNpyMatrix(const std::string& path, const Matrix& A) {
  // C order of (rows, cols) is the row-major storage of A.
  const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rowMajor = A;
  writeNpyArray(path, NpyType::Float32, false,
                {static_cast<u64>(A.rows()), static_cast<u64>(A.cols())}, rowMajor.data());
}

void writeNpy(const std::string& path, const Matrix& states) {
  // A column-major d × N matrix is, byte for byte, the C-order (N, d) array: no copy.
  writeNpyArray(path, NpyType::Float32, false,
                {static_cast<u64>(states.cols()), static_cast<u64>(states.rows())}, states.data());
}

}  // namespace uhop
