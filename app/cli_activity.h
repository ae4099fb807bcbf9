// What the running `uhop` command is doing, for the one message main() prints when memory runs
// out (std::bad_alloc carries no context of its own). Set from the main thread between phases.
#pragma once

#include <string>

namespace uhop::cli {

void setActivity(const std::string& what);  // e.g. "loading the memories from fashion-mnist"
const std::string& activity();              // "" until a command sets it

}  // namespace uhop::cli
