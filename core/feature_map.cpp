#include "core/feature_map.h"

#include "core/npy.h"

#include <cmath>

#include "core/random.h"

namespace uhop {

FeatureInit parseFeatureInit(const std::string& name) {
  if (name == "gaussian") return FeatureInit::Gaussian;
  if (name == "gaussian-scaled") return FeatureInit::GaussianScaled;
  if (name == "identity") return FeatureInit::Identity;
  throw ConfigError("unknown feature-map init '" + name +
                    "' (expected identity, gaussian or gaussian-scaled)");
}

std::string featureInitName(FeatureInit init) {
  switch (init) {
    case FeatureInit::Gaussian: return "gaussian";
    case FeatureInit::GaussianScaled: return "gaussian-scaled";
    case FeatureInit::Identity: return "identity";
  }
  return "?";
}

Matrix initFeatureMap(FeatureInit init, int featureDim, int inputDim, uint64_t seed) {
  constexpr int kMaxDim = 16384;
  if (featureDim <= 0 || inputDim <= 0 || featureDim > kMaxDim || inputDim > kMaxDim)
    throw ConfigError("feature map size " + std::to_string(featureDim) + " x " +
                      std::to_string(inputDim) + " is outside 1.." + std::to_string(kMaxDim));
  if (init == FeatureInit::Identity) {
    if (featureDim < inputDim)
      throw ConfigError("identity init needs D_phi >= d (D_phi = " + std::to_string(featureDim) +
                        ", d = " + std::to_string(inputDim) + ")");
    return Matrix::Identity(featureDim, inputDim);
  }
  Random rng(seed);
  const double scale = init == FeatureInit::GaussianScaled ? 1.0 / std::sqrt(featureDim) : 1.0;
  Matrix W(featureDim, inputDim);
  // Row-major fill order so W does not depend on Eigen's storage order.
  for (int r = 0; r < featureDim; ++r)
    for (int c = 0; c < inputDim; ++c) W(r, c) = static_cast<float>(scale * rng.normal());
  return W;
}

void normalizeRows(Matrix& W) {
  for (int r = 0; r < W.rows(); ++r) {
    float norm = W.row(r).norm();
    if (norm > 0) W.row(r) /= norm;
  }
}

KernelScale parseKernelScale(const std::string& name) {
  if (name == "raw") return KernelScale::Raw;
  if (name == "row-normalized") return KernelScale::RowNormalized;
  if (name == "matched") return KernelScale::Matched;
  throw ConfigError("unknown kernel scale '" + name + "' (expected raw, row-normalized or matched)");
}

std::string kernelScaleName(KernelScale scale) {
  switch (scale) {
    case KernelScale::Raw: return "raw";
    case KernelScale::RowNormalized: return "row-normalized";
    case KernelScale::Matched: return "matched";
  }
  return "?";
}

Matrix scaleFeatureMap(const Matrix& W, KernelScale scale) {
  Matrix out = W;
  if (scale == KernelScale::RowNormalized) normalizeRows(out);
  if (scale == KernelScale::Matched) {
    // trace(WᵀW) = ‖W‖_F²; scaling W by c scales the kernel by c².
    double frob2 = W.cast<double>().squaredNorm();
    if (frob2 > 0) out *= static_cast<float>(std::sqrt(W.cols() / frob2));
  }
  return out;
}

}  // namespace uhop

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace uhop {

namespace {
constexpr char kMagic[8] = {'U', 'H', 'O', 'P', 'W', '0', '0', '1'};

// What a path that is not a regular file is, for messages.
std::string kindOf(const struct stat& st) {
  if (S_ISDIR(st.st_mode)) return "a folder";
  if (S_ISFIFO(st.st_mode)) return "a FIFO";
  return "a device or socket";
}

// Removes the temporary file once created, unless the save completed: on every failure path.
struct TempFileGuard {
  std::string path;
  bool created = false;
  ~TempFileGuard() {
    if (!created) return;
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
};
}  // namespace

namespace {
// W.npy (shape (D_Φ, d)) goes through the NumPy reader/writer: chosen by the extension when
// saving, by the extension or the file's magic when loading.
bool npyName(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  return ext == ".npy" || ext == ".NPY";
}
}  // namespace

void saveFeatureMap(const std::string& path, const Matrix& W) {
  // Refused up front: the rename below would fail onto a folder, and a FIFO or device would
  // make the write block or go nowhere.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw DataError(path + ": cannot save the feature map there, it is " + kindOf(st) +
                    (S_ISDIR(st.st_mode) ? "; give a file name" : ", not a regular file"));
  if (npyName(path)) return saveNpyMatrix(path, W);
  // Written to a temporary name and renamed, so a crash never leaves a half-written W.
  TempFileGuard tmp{path + ".tmp"};
  {
    std::ofstream out(tmp.path, std::ios::binary | std::ios::trunc);
    if (!out)
      throw DataError(path + ": cannot open " + tmp.path + " for writing: " + std::strerror(errno));
    tmp.created = true;
    int32_t dims[2] = {static_cast<int32_t>(W.rows()), static_cast<int32_t>(W.cols())};
    out.write(kMagic, 8);
    out.write(reinterpret_cast<const char*>(dims), sizeof dims);
    out.write(reinterpret_cast<const char*>(W.data()), static_cast<std::streamsize>(W.size() * sizeof(float)));
    out.close();
    if (!out) throw DataError(path + ": write failed (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp.path, path, ec);
  if (ec) throw DataError(path + ": cannot replace it with the written file: " + ec.message());
  tmp.created = false;  // it is `path` now
}

Matrix loadFeatureMap(const std::string& path) {
  // stat first: a folder "opens" as a stream of unknown size, and a FIFO would block open().
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw DataError(path + ": cannot open the feature-map file: " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw DataError(path + ": is a folder, not a feature-map file");
  if (!S_ISREG(st.st_mode))
    throw DataError(path + ": is not a regular file (it is " + kindOf(st) + ")");
  if (npyName(path) || isNpyFile(path)) return loadNpyMatrix(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot open the feature-map file");
  const auto size = static_cast<uint64_t>(st.st_size);
  char magic[8] = {};
  int32_t dims[2] = {0, 0};
  if (size < 16 || !in.read(magic, 8) || !in.read(reinterpret_cast<char*>(dims), sizeof dims))
    throw DataError(path + ": too short to be a feature-map file (" + std::to_string(size) + " bytes)");
  if (std::memcmp(magic, kMagic, 8) != 0) throw DataError(path + ": wrong magic, not a U-Hop feature-map file");
  if (dims[0] <= 0 || dims[1] <= 0 || dims[0] > 16384 || dims[1] > 16384)
    throw DataError(path + ": header says " + std::to_string(dims[0]) + " x " + std::to_string(dims[1]) +
                    ", outside 1..16384");
  const uint64_t expected = 16 + uint64_t(dims[0]) * uint64_t(dims[1]) * sizeof(float);
  if (size != expected)
    throw DataError(path + ": header says " + std::to_string(dims[0]) + " x " + std::to_string(dims[1]) +
                    " floats (" + std::to_string(expected) + " bytes) but the file holds " +
                    std::to_string(size) + " bytes");
  Matrix W(dims[0], dims[1]);
  in.read(reinterpret_cast<char*>(W.data()), static_cast<std::streamsize>(W.size() * sizeof(float)));
  if (!in) throw DataError(path + ": read failed");
  if (!W.allFinite()) throw DataError(path + ": contains NaN or infinite values");
  return W;
}

Matrix kernelFeatureMap(Matrix W, bool normalize, std::optional<KernelScale> scale) {
  if (normalize) normalizeRows(W);
  return scale ? scaleFeatureMap(W, *scale) : W;
}

}  // namespace uhop
