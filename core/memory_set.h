// MemorySet: the stored patterns Ξ ∈ R^{d×M} (docs/method.md §1), one column per memory,
// plus the image shape needed to show a column as a picture. Pixels are in [0, 1] and a
// column is the image flattened row-major in HWC order: index = (y·w + x)·c + channel.
#pragma once

#include <string>
#include <vector>

#include "core/types.h"

namespace uhop {

struct ImageShape {
  int width = 0;
  int height = 0;
  int channels = 1;
  int size() const { return width * height * channels; }
  bool operator==(const ImageShape&) const = default;
};

struct MemorySet {
  Matrix patterns;                 // d × M, column μ is ξ_μ
  ImageShape shape;                // d == shape.size()
  std::vector<int> labels;         // empty, or one class label per memory
  std::vector<std::string> names;  // empty, or one name per memory (file names for folders)
  std::string source;              // where the memories came from, for display
  // What the load skipped or changed without failing, one sentence each naming the file: an
  // unreadable image skipped, fewer images than asked for, images resized to the common size.
  // The CLI prints them to stderr, the studio shows them in the memories panel.
  std::vector<std::string> warnings;

  int dimension() const { return static_cast<int>(patterns.rows()); }
  int count() const { return static_cast<int>(patterns.cols()); }

  // Memories [offset, offset + count) as a new set (labels and names follow).
  // Throws ConfigError when the range is outside the set.
  MemorySet slice(int offset, int count) const;

  // Throws UhopError when the pieces are inconsistent (d ≠ w·h·c, label count, NaN pixels).
  void validate() const;
};

}  // namespace uhop
