// A small flag parser for the `uhop` CLI: `--name value` and boolean `--name`. Unknown flags,
// missing values and malformed numbers raise UsageError, which main() turns into exit code 2.
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace uhop::cli {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  // valueFlags take a value, switches do not; anything else is a usage error.
  Args(const std::vector<std::string>& argv, const std::set<std::string>& valueFlags,
       const std::set<std::string>& switches);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string text(const std::string& name, const std::string& fallback) const;
  int integer(const std::string& name, int fallback, int lo, int hi) const;
  double real(const std::string& name, double fallback, double lo, double hi) const;
  uint64_t seed(const std::string& name, uint64_t fallback) const;
  bool flag(const std::string& name) const { return has(name); }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace uhop::cli
