#include "core/memory_set.h"

#include <sstream>

namespace uhop {

MemorySet MemorySet::slice(int offset, int sliceCount) const {
  if (offset < 0 || sliceCount < 0 || offset + sliceCount > count()) {
    std::ostringstream msg;
    msg << "cannot take memories " << offset << " to " << offset + sliceCount << " from "
        << source << ": it holds " << count();
    throw ConfigError(msg.str());
  }
  MemorySet out;
  out.patterns = patterns.middleCols(offset, sliceCount);
  out.shape = shape;
  if (!labels.empty()) out.labels.assign(labels.begin() + offset, labels.begin() + offset + sliceCount);
  if (!names.empty()) out.names.assign(names.begin() + offset, names.begin() + offset + sliceCount);
  out.source = source;
  out.warnings = warnings;
  return out;
}

void MemorySet::validate() const {
  if (shape.size() != dimension()) {
    std::ostringstream msg;
    msg << source << ": pattern dimension " << dimension() << " does not match image shape "
        << shape.width << "x" << shape.height << "x" << shape.channels;
    throw UhopError(msg.str());
  }
  if (!labels.empty() && static_cast<int>(labels.size()) != count())
    throw UhopError(source + ": label count does not match memory count");
  if (!names.empty() && static_cast<int>(names.size()) != count())
    throw UhopError(source + ": name count does not match memory count");
  if (!patterns.allFinite()) throw UhopError(source + ": memories contain NaN or infinite values");
}

}  // namespace uhop
