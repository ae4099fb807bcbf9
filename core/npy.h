// NumPy .npy files (format versions 1.0, 2.0 and 3.0), read and written without a library.
//
// Layout: the magic "\x93NUMPY", a major and a minor version byte, the header length (uint16 LE
// for 1.0, uint32 LE for 2.0/3.0), the header (a Python dict literal such as
// "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }" padded with spaces and ended by
// '\n'), then the raw array in C (row-major) or Fortran (column-major) order.
// Read: '<f4', '<f8' and (memories only) '|u1'. Written: '<f4' in C order.
//
// Readers treat the file as hostile, like the other loaders: the header length and every shape
// entry are bounded, the element count cannot overflow, the data the header promises must be
// exactly what the file holds (checked before anything is allocated), the allocation must fit the
// memory budget, and only regular files are read. Every failure is a DataError naming the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/datasets.h"
#include "core/memory_set.h"
#include "core/types.h"

namespace uhop {

enum class NpyType { Float32, Float64, UInt8 };

struct NpyHeader {
  NpyType type = NpyType::Float32;
  bool fortranOrder = false;
  std::vector<std::uint64_t> shape;  // () is a scalar: one element
  std::uint64_t dataOffset = 0;      // bytes before the array data
  std::uint64_t elementCount = 0;    // product of the shape
  int itemSize = 4;
};

// True when the file starts with the .npy magic (false for unreadable or short files).
bool isNpyFile(const std::string& path);

// Parses and checks the header of `path` against the file's size (see above).
NpyHeader readNpyHeader(const std::string& path);

// A 2-D float32/float64 array of shape (rows, cols) as a rows × cols matrix (for W.npy, shape
// (D_Φ, d)). Refuses other ranks and dtypes, NaN/infinite values, and arrays over `budgetBytes`.
Matrix loadNpyMatrix(const std::string& path, std::size_t budgetBytes = kDefaultMemoryBudgetBytes);
// Writes A as a (rows, cols) float32 C-order array (atomically: a temporary file, then a rename).
void saveNpyMatrix(const std::string& path, const Matrix& A);

// Memories from an array of shape (M, d), (M, h, w), (M, h, w, 1) or (M, h, w, 3):
//   - float32/float64 values in [0, 1] are taken as they are; a float array whose maximum is above
//     1 is taken to be 0–255 and scaled by 1/255; uint8 is scaled by 1/255. Values outside [0, 1]
//     after that (e.g. negatives) are refused;
//   - (M, d) is a √d × √d image when d is a perfect square, else a d × 1 strip;
//   - (M, h, w, 3) is colour, reduced to luma 0.299 R + 0.587 G + 0.114 B when options.grayscale
//     (as for folders and CIFAR);
//   - options.offset/count select memories, options.memoryBudgetBytes bounds the allocation;
//     width/height (resizing) are not supported for arrays and are refused when set.
MemorySet loadNpyMemories(const std::string& path, const LoadOptions& options);

// Retrieved states (d × N, a column per state) as an (N, d) float32 C-order array: row n of the
// array is state n, as numpy users expect (np.load(path)[n].reshape(h, w)).
void writeNpy(const std::string& path, const Matrix& states);

// Writes `data` (elementCount values of `type`, already in the order `fortranOrder` says) with
// the given shape; the general writer behind the two above, and for tests.
void writeNpyArray(const std::string& path, NpyType type, bool fortranOrder,
                   const std::vector<std::uint64_t>& shape, const void* data);

}  // namespace uhop
