// Loaders that turn image files into a MemorySet (docs/architecture.md, core/datasets).
//
// Sources: a folder of PNG/JPG/BMP images (stb_image), IDX / IDX.gz files (MNIST,
// Fashion-MNIST: images, optional labels), CIFAR-10/100 binary batches, the Debian package
// dataset-fashion-mnist, and the built-in set shipped in assets/.
// Memories are the first `count` items in file order, starting at `offset`. What a load skips
// or changes without failing (unreadable images, fewer items than `count`, resized images) is
// listed in MemorySet::warnings; LoadOptions::strict makes the first two errors instead.
// Every failure throws DataError whose message names the file and the problem (an allocation
// the system refuses becomes one too). Hostile files get bounded memory and time:
//  - only regular files are opened (a FIFO, device or folder where a file is expected is refused
//    from stat(), before open() could block);
//  - what a load would allocate is computed from headers and checked against
//    LoadOptions::memoryBudgetBytes before anything is allocated or decoded; a loader also never
//    allocates more than the file can actually hold (headers are checked against file sizes, gzip
//    data against what actually inflates);
//  - no image may exceed kMaxImagePixels, checked from its header (stbi_info) before decoding;
//  - a file that does not hold the pixels its header promises is refused, never padded.
// Bad options (offset < 0, count 0 or < -1, only one of width/height) throw ConfigError.
// MemorySet::source is the path loaded, or the spec name for builtin / fashion-mnist[-test].
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/memory_set.h"

namespace uhop {

// kDefaultMemoryBudgetBytes (2 GiB, core/types.h) bounds what one load may allocate for its
// memories (d·M float32 values plus read and decoding buffers): well inside a desktop's memory,
// far above Fashion-MNIST (60,000 images: 235 MB) or CIFAR-10 in colour (50,000: 768 MB). The
// CLI's --memory-budget and the studio's memory-budget setting change it.

// The largest single image any loader accepts: 4096 × 4096 = 16,777,216 pixels (16.7 Mpx). It is
// checked from the header before decoding, so a small file that declares a huge image (a few KB
// of PNG can claim 8000 × 8000) costs nothing; decoding one image at the limit needs ~350 MB of
// working memory at most, and memories of that size are far beyond what retrieval can use.
inline constexpr std::uint64_t kMaxImagePixels = std::uint64_t{4096} * 4096;

struct LoadOptions {
  int offset = 0;  // first item to take
  int count = -1;  // how many items; -1 = all that remain
  // Folders / CIFAR / (M, h, w, 3) .npy: false keeps colour (d = w·h·3, interleaved RGB per
  // pixel), true converts to one channel (luma 0.299 R + 0.587 G + 0.114 B).
  bool grayscale = false;
  int width = 0;  // folders: resize every image to width × height (0 = size of the first)
  int height = 0;
  // false: an unreadable image of a folder is skipped and listed in MemorySet::warnings, and a
  // source holding fewer items than `count` loads all it has (with a warning). true: either is a
  // DataError (scripts that must get exactly what they asked for).
  bool strict = false;
  // count is only an upper bound (a default cap, not the user's request): fewer items are
  // neither a warning nor, with strict, an error.
  bool countIsLimit = false;
  // Upper bound on the bytes the load may allocate; checked from headers before allocating or
  // decoding. A source that would need more is refused with a DataError naming file and limit.
  std::size_t memoryBudgetBytes = kDefaultMemoryBudgetBytes;
};

// IDX3 images (ubyte, magic 0x00000803), plain or gzip-compressed (chosen by content, not name).
// If labelsPath is non-empty, an IDX1 label file (magic 0x00000801) of matching count is read too.
MemorySet loadIdx(const std::string& imagesPath, const LoadOptions& options,
                  const std::string& labelsPath = "");

// CIFAR-10 (1 label byte + 3072 pixel bytes per record) or CIFAR-100 (2 label bytes + 3072;
// detected from the file size; fine label kept) binary batch. Pixels are stored planar
// (R plane, G plane, B plane) in the file and converted to HWC. A size that fits both record
// sizes (a multiple of 3073·3074 bytes) is read as CIFAR-100 only if the file name or its
// folder's name contains "100" (as in cifar-100-binary/train.bin), else as CIFAR-10.
// Labels outside 0–9 (CIFAR-10) or 0–99 (CIFAR-100) are reported as a corrupt batch.
MemorySet loadCifar(const std::string& path, const LoadOptions& options);

// All .png/.jpg/.jpeg/.bmp files of a folder (not recursive, extension case-insensitive,
// hidden files skipped), in sorted file-name order; names are the file names. The common size
// is options.width × height, else that of the first selected image; images of other sizes are
// resized (bilinear) and counted in a warning. Colour is kept as RGB (alpha dropped) unless
// grayscale (luma 0.299 R + 0.587 G + 0.114 B) or every selected file is grey (then one channel). Unless options.strict, an image that cannot be
// read is skipped and listed in the warnings; offset and count then count readable images
// (by header; one that passes its header but fails to decode leaves the set one shorter).
// A folder without any readable image is a DataError naming the first problem.
MemorySet loadImageFolder(const std::string& folder, const LoadOptions& options);

// The built-in memory set shipped in assets/builtin (see assets/README.md).
MemorySet loadBuiltin(const LoadOptions& options);

// Directory of the installed Fashion-MNIST package (/usr/share/datasets/fashion-mnist), or ""
// when the package is not installed.
std::string fashionMnistDirectory();

// Resolves a data source spec as the CLI and the GUI accept it:
//   "builtin" | "fashion-mnist" (train images + labels) | "fashion-mnist-test" |
//   a path to an IDX/IDX.gz file, a CIFAR .bin batch, a NumPy .npy array (loadNpyMemories in
//   core/npy.h), or a folder of images.
// A path is sniffed by content: IDX image magic (after gunzip) → loadIdx, with the labels of
// a sibling file named like it with "images-idx3" → "labels-idx1" (or "images.idx3" →
// "labels.idx1") if one exists; else a .bin name → loadCifar; a folder → loadImageFolder.
MemorySet loadDataSource(const std::string& spec, const LoadOptions& options);

// The assets directory: $UHOP_ASSETS if set, else the one compiled in.
std::string assetsDirectory();

}  // namespace uhop
