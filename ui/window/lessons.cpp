#include "ui/window/lessons.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/datasets.h"

namespace uhop::ui {

namespace fs = std::filesystem;

std::string scriptTitle(const std::string& path) {
  std::ifstream in(path);
  std::string first;
  if (in && std::getline(in, first) && !first.empty() && first[0] == '#') {
    const size_t a = first.find_first_not_of("# \t");
    const size_t b = first.find_last_not_of(" \t\r");
    if (a != std::string::npos) return first.substr(a, b - a + 1);
  }
  return fs::path(path).stem().string();
}

std::vector<std::pair<std::string, std::string>> lessonsIn(const std::string& directory) {
  std::vector<std::pair<std::string, std::string>> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".uhop")
      out.emplace_back(entry.path().string(), "");
  std::sort(out.begin(), out.end());
  for (auto& [path, title] : out) title = scriptTitle(path);
  return out;
}

std::vector<std::pair<std::string, std::string>> shippedLessons() {
  return lessonsIn((fs::path(assetsDirectory()) / "lessons").string());
}

}  // namespace uhop::ui
