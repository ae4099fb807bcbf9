#include "app/cli_args.h"

#include <cmath>
#include <sstream>

namespace uhop::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& valueFlags,
           const std::set<std::string>& switches) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.rfind("--", 0) != 0) throw UsageError("unexpected argument '" + a + "'");
    std::string name = a.substr(2), value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      if (!valueFlags.count(name)) throw UsageError("unknown option --" + name);
    } else if (switches.count(name)) {
      value = "1";
    } else if (valueFlags.count(name)) {
      if (i + 1 >= argv.size()) throw UsageError("option --" + name + " needs a value");
      value = argv[++i];
    } else {
      throw UsageError("unknown option --" + name);
    }
    values_[name] = value;
  }
}

std::string Args::text(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

double Args::real(const std::string& name, double fallback, double lo, double hi) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  double v = 0;
  try {
    size_t used = 0;
    v = std::stod(it->second, &used);
    if (used != it->second.size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    throw UsageError("--" + name + " expects a number, got '" + it->second + "'");
  }
  if (!std::isfinite(v) || v < lo || v > hi) {
    std::ostringstream msg;
    msg << "--" << name << " must be between " << lo << " and " << hi << ", got " << it->second;
    throw UsageError(msg.str());
  }
  return v;
}

int Args::integer(const std::string& name, int fallback, int lo, int hi) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  double v = real(name, fallback, lo, hi);
  if (v != std::floor(v)) throw UsageError("--" + name + " expects a whole number, got '" + it->second + "'");
  return static_cast<int>(v);
}

uint64_t Args::seed(const std::string& name, uint64_t fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  try {
    size_t used = 0;
    if (!it->second.empty() && it->second[0] == '-') throw std::invalid_argument("negative");
    uint64_t v = std::stoull(it->second, &used);
    if (used != it->second.size()) throw std::invalid_argument("trailing");
    return v;
  } catch (const std::exception&) {
    throw UsageError("--" + name + " expects a non-negative whole number, got '" + it->second + "'");
  }
}

}  // namespace uhop::cli
