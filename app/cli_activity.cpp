#include "app/cli_activity.h"

namespace uhop::cli {

namespace {
std::string& current() {
  static std::string what;
  return what;
}
}  // namespace

void setActivity(const std::string& what) {
  current() = what;
}
const std::string& activity() {
  return current();
}

}  // namespace uhop::cli
