#include "core/corruption.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/random.h"

namespace uhop {

Corruption Corruption::parse(const std::string& spec) {
  if (spec == "none" || spec.empty()) return {};
  auto colon = spec.find(':');
  if (colon == std::string::npos)
    throw ConfigError("corruption '" + spec + "' needs an amount, e.g. mask:0.5 or noise:0.3");
  std::string head = spec.substr(0, colon), arg = spec.substr(colon + 1);
  double value = 0;
  try {
    size_t used = 0;
    value = std::stod(arg, &used);
    if (used != arg.size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    throw ConfigError("corruption '" + spec + "': '" + arg + "' is not a number");
  }
  Corruption c;
  c.amount = value;
  double hi = 1.0;
  bool openHi = false;
  if (head == "mask") c.kind = CorruptionKind::Mask;
  else if (head == "mask-rescale") c.kind = CorruptionKind::MaskRescale, openHi = true;
  else if (head == "noise") c.kind = CorruptionKind::Noise, hi = 100.0;
  else if (head == "occlude") c.kind = CorruptionKind::Occlude;
  else if (head == "saltpepper") c.kind = CorruptionKind::SaltPepper;
  else
    throw ConfigError("unknown corruption '" + head +
                      "' (expected none, mask:P, mask-rescale:P, noise:S, occlude:F, saltpepper:P)");
  if (!(value >= 0) || value > hi || (openHi && value >= hi)) {
    std::ostringstream msg;
    msg << "corruption '" << spec << "': amount must be in [0, " << hi << (openHi ? ")" : "]");
    throw ConfigError(msg.str());
  }
  return c;
}

std::string Corruption::name() const {
  std::ostringstream out;
  switch (kind) {
    case CorruptionKind::None: return "none";
    case CorruptionKind::Mask: out << "mask:"; break;
    case CorruptionKind::MaskRescale: out << "mask-rescale:"; break;
    case CorruptionKind::Noise: out << "noise:"; break;
    case CorruptionKind::Occlude: out << "occlude:"; break;
    case CorruptionKind::SaltPepper: out << "saltpepper:"; break;
  }
  out << amount;
  return out.str();
}

void corrupt(const Corruption& c, const ImageShape& shape, uint64_t seed, float* x, int d) {
  Random rng(seed);
  // Masks and salt & pepper act on whole pixels: one draw per pixel covers all its channels
  // (HWC, channels innermost), so a colour image loses a pixel, not a colour of it. With one
  // channel (or no image shape) a pixel is one value and the draws are those of a grey image.
  const int channels = shape.size() == d && shape.channels > 1 ? shape.channels : 1;
  const int pixels = d / channels;
  switch (c.kind) {
    case CorruptionKind::None: return;
    case CorruptionKind::Mask:
      for (int p = 0; p < pixels; ++p)
        if (rng.uniform() < c.amount) std::fill_n(x + p * channels, channels, 0.0f);
      return;
    case CorruptionKind::MaskRescale: {
      const float keep = static_cast<float>(1.0 / (1.0 - c.amount));
      for (int p = 0; p < pixels; ++p) {
        const float factor = rng.uniform() < c.amount ? 0.0f : keep;
        for (int k = 0; k < channels; ++k) x[p * channels + k] *= factor;
      }
      return;
    }
    case CorruptionKind::Noise:
      // Independent noise on every value: each channel of a pixel gets its own draw.
      for (int i = 0; i < d; ++i)
        x[i] = std::clamp(std::abs(x[i] + static_cast<float>(c.amount * rng.normal())), 0.0f, 1.0f);
      return;
    case CorruptionKind::Occlude: {
      // Without an image shape the vector counts as one column of d rows. A row holds all the
      // channels of its pixels, so occlusion hides whole pixels.
      const int rows = shape.size() == d && shape.height > 0 ? shape.height : d;
      const int rowSize = d / rows;
      const int hidden = static_cast<int>(std::lround(c.amount * rows));
      std::fill(x + (rows - hidden) * rowSize, x + d, 0.0f);
      return;
    }
    case CorruptionKind::SaltPepper:
      for (int p = 0; p < pixels; ++p)
        if (rng.uniform() < c.amount)
          std::fill_n(x + p * channels, channels, rng.uniform() < 0.5 ? 0.0f : 1.0f);
      return;
  }
}

Matrix corruptMemories(const Corruption& corruption, const MemorySet& memories, uint64_t seed) {
  Matrix queries = memories.patterns;
  const int d = memories.dimension();
  for (int m = 0; m < memories.count(); ++m)
    corrupt(corruption, memories.shape, deriveSeed(seed, static_cast<uint64_t>(m)), queries.col(m).data(), d);
  return queries;
}

}  // namespace uhop
