// The lessons shipped in assets/lessons/ (Help ▸ Lessons) and a script's title.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace uhop::ui {

// The script's first line when it is a comment ("# 1. Why the dot product fails" gives
// "1. Why the dot product fails"), else the file name without its extension.
std::string scriptTitle(const std::string& path);
// (path, title) of every *.uhop in `directory`, sorted by file name; empty when there is none.
std::vector<std::pair<std::string, std::string>> lessonsIn(const std::string& directory);
// lessonsIn(assetsDirectory()/lessons).
std::vector<std::pair<std::string, std::string>> shippedLessons();

}  // namespace uhop::ui
