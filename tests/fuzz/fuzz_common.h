// Shared by the harnesses: the public loaders take paths, so each input is written to a file in
// a temporary folder private to this process (in /dev/shm when it exists: no disk traffic).
// The expected outcome of a bad input is a uhop::UhopError (DataError / ConfigError); any other
// exception escapes the harness, and libFuzzer reports it as a crash together with the input.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace uhop::fuzz {

inline std::string& scratchFolder() {
  static std::string folder;
  return folder;
}

// Creates the process's folder once (removed again at exit).
inline const std::string& tempFolder() {
  std::string& folder = scratchFolder();
  if (folder.empty()) {
    std::error_code error;
    const std::string base = std::filesystem::is_directory("/dev/shm", error)
                                 ? std::string("/dev/shm")
                                 : std::filesystem::temp_directory_path().string();
    std::string pattern = base + "/uhop-fuzz-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    folder = pattern;
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(scratchFolder(), ignored);
    });
  }
  return folder;
}

// Writes `size` bytes to `name` inside the temp folder and returns the full path.
inline std::string writeInput(const std::string& name, const uint8_t* data, size_t size) {
  const std::string path = tempFolder() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) std::abort();  // the harness itself failed, not the loader
  return path;
}

}  // namespace uhop::fuzz
