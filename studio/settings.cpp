#include "studio/settings.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <type_traits>

#include "core/corruption.h"
#include "core/feature_map.h"
#include "core/separation_loss.h"
#include "core/stage1.h"

namespace uhop::ui {

namespace fs = std::filesystem;
using nlohmann::json;

std::string configDirectory() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg && *xdg) return (fs::path(xdg) / "uhop-studio").string();
  const char* home = std::getenv("HOME");
  if (home && *home) return (fs::path(home) / ".config" / "uhop-studio").string();
  return (fs::temp_directory_path() / "uhop-studio").string();
}

namespace {

// Converts a JSON value to T, or nothing when it is of the wrong type or does not fit T.
// nlohmann's get<int>() casts whatever number it holds (1e300 and 3.5e9 are undefined
// behaviour, 4294967396 wraps to 100), so numbers are range-checked here first: an int must be
// an integral number within int's range, a float a finite number within float's.
template <typename T>
std::optional<T> convert(const json& v) {
  if constexpr (std::is_same_v<T, int>) {
    if (v.is_number_integer()) {
      if (v.is_number_unsigned())
        return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT_MAX)
                   ? std::optional<T>(static_cast<int>(v.get<std::uint64_t>()))
                   : std::nullopt;
      const std::int64_t i = v.get<std::int64_t>();
      if (i < INT_MIN || i > INT_MAX) return std::nullopt;
      return static_cast<int>(i);
    }
    if (v.is_number_float()) {
      const double d = v.get<double>();
      if (!std::isfinite(d) || d != std::trunc(d) || d < INT_MIN || d > INT_MAX)
        return std::nullopt;
      return static_cast<int>(d);
    }
    return std::nullopt;
  } else if constexpr (std::is_same_v<T, std::vector<int>>) {
    // Each element as an int above: get<std::vector<int>>() would cast any number.
    if (!v.is_array()) return std::nullopt;
    std::vector<int> out;
    for (const json& element : v) {
      const std::optional<int> i = convert<int>(element);
      if (!i) return std::nullopt;
      out.push_back(*i);
    }
    return out;
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!v.is_number()) return std::nullopt;
    const double d = v.get<double>();
    if (!std::isfinite(d) || std::fabs(d) > std::numeric_limits<T>::max()) return std::nullopt;
    return static_cast<T>(d);
  } else {
    return v.get<T>();
  }
}

// Reads one key if present; keeps the default and notes the key when it has the wrong type,
// does not fit T, or fails `valid`.
template <typename T, typename Valid>
void read(const json& j, const char* key, T& out, Valid valid, std::vector<std::string>& bad) {
  if (!j.contains(key)) return;
  const json& v = j.at(key);
  try {
    const std::optional<T> value = convert<T>(v);
    if (value && valid(*value))
      out = *value;
    else
      bad.push_back(key);
  } catch (const json::exception&) {
    bad.push_back(key);
  }
}

template <typename Parse>
bool parses(const std::string& s, Parse parse) {
  try {
    parse(s);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

Settings parseSettings(const std::string& text, std::string& message) {
  Settings s;
  message.clear();
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    message = std::string("settings file is not valid JSON (") + e.what() + "); using defaults";
    return s;
  }
  if (!j.is_object()) {
    message = "settings file does not hold a JSON object; using defaults";
    return s;
  }
  std::vector<std::string> bad;
  std::string theme = "dark";
  read(
      j, "theme", theme, [](const std::string& t) { return t == "dark" || t == "light"; }, bad);
  s.theme = theme == "light" ? Theme::Light : Theme::Dark;
  read(
      j, "ui_scale", s.uiScale, [](float v) { return v == 0 || (v >= 0.5f && v <= 4.0f); }, bad);
  read(
      j, "presenter_layout", s.presenterLayout, [](bool) { return true; }, bad);
  read(
      j, "auto_reflow", s.autoReflow, [](bool) { return true; }, bad);
  read(
      j, "recent_sources", s.recentSources,
      [](const std::vector<std::string>& v) { return v.size() <= 64; }, bad);
  if (s.recentSources.size() > Settings::kMaxRecent) s.recentSources.resize(Settings::kMaxRecent);
  read(
      j, "recent_memories", s.recentCounts,
      [](const std::vector<int>& v) {
        return v.size() <= 64 && std::all_of(v.begin(), v.end(), [](int m) {
                 return m == 0 || (m >= 2 && m <= 60000);
               });
      },
      bad);
  // One M per source: a list of another length (a hand-edited file) is padded with "unknown".
  s.recentCounts.resize(s.recentSources.size(), 0);
  read(
      j, "data_source", s.dataSource,
      [](const std::string& v) { return !v.empty() && v.size() < 4096; }, bad);
  read(
      j, "memory_count", s.memoryCount, [](int v) { return v >= 2 && v <= 60000; }, bad);
  read(
      j, "memory_offset", s.memoryOffset, [](int v) { return v >= 0 && v <= 1000000; }, bad);
  read(
      j, "feature_dim", s.featureDim, [](int v) { return v >= 0 && v <= 16384; }, bad);
  read(
      j, "init", s.init, [](const std::string& v) { return parses(v, parseFeatureInit); }, bad);
  read(
      j, "loss", s.loss, [](const std::string& v) { return parses(v, parseLossKind); }, bad);
  read(
      j, "loss_t", s.lossT, [](double v) { return v > 0 && v <= 100; }, bad);
  read(
      j, "optimizer", s.optimizer, [](const std::string& v) { return parses(v, parseOptimizer); },
      bad);
  read(
      j, "learning_rate", s.learningRate, [](double v) { return v >= 0 && v <= 1000; }, bad);
  read(
      j, "stage1_steps", s.stage1Steps, [](int v) { return v >= 0 && v <= 100000; }, bad);
  read(
      j, "stage1_seed", s.stage1Seed, [](int v) { return v >= 0; }, bad);
  read(
      j, "normalize_rows", s.normalizeRows, [](bool) { return true; }, bad);
  read(
      j, "beta", s.beta, [](double v) { return v > 0 && v <= 1e4 && std::isfinite(v); }, bad);
  read(
      j, "corruption", s.corruption,
      [](const std::string& v) { return parses(v, Corruption::parse); }, bad);
  read(
      j, "query_seed", s.querySeed, [](int v) { return v >= 0; }, bad);
  read(
      j, "metastable_steps", s.metastableSteps, [](int v) { return v >= 1 && v <= 1000; }, bad);
  read(
      j, "kernel_scale", s.kernelScale,
      [](const std::string& v) { return parses(v, parseKernelScale); }, bad);
  read(
      j, "memory_budget_mb", s.memoryBudgetMb,
      [](int v) { return v >= Settings::kMinMemoryBudgetMb && v <= Settings::kMaxMemoryBudgetMb; },
      bad);
  read(
      j, "screenshot_dir", s.screenshotDir, [](const std::string& v) { return v.size() < 4096; },
      bad);
  read(
      j, "export_folder", s.exportFolder, [](const std::string& v) { return v.size() < 4096; },
      bad);
  if (!bad.empty()) {
    std::ostringstream msg;
    msg << "settings: ignored invalid value(s) for";
    for (size_t i = 0; i < bad.size(); ++i) msg << (i ? ", " : " ") << bad[i];
    msg << "; using their defaults";
    message = msg.str();
  }
  return s;
}

std::string settingsToJson(const Settings& s) {
  json j;
  j["theme"] = s.theme == Theme::Light ? "light" : "dark";
  j["ui_scale"] = s.uiScale;
  j["presenter_layout"] = s.presenterLayout;
  j["auto_reflow"] = s.autoReflow;
  j["recent_sources"] = s.recentSources;
  j["recent_memories"] = s.recentCounts;
  j["data_source"] = s.dataSource;
  j["memory_count"] = s.memoryCount;
  j["memory_offset"] = s.memoryOffset;
  j["feature_dim"] = s.featureDim;
  j["init"] = s.init;
  j["loss"] = s.loss;
  j["loss_t"] = s.lossT;
  j["optimizer"] = s.optimizer;
  j["learning_rate"] = s.learningRate;
  j["stage1_steps"] = s.stage1Steps;
  j["stage1_seed"] = s.stage1Seed;
  j["normalize_rows"] = s.normalizeRows;
  j["beta"] = s.beta;
  j["corruption"] = s.corruption;
  j["query_seed"] = s.querySeed;
  j["metastable_steps"] = s.metastableSteps;
  j["kernel_scale"] = s.kernelScale;
  j["memory_budget_mb"] = s.memoryBudgetMb;
  j["screenshot_dir"] = s.screenshotDir;
  j["export_folder"] = s.exportFolder;
  return j.dump(2) + "\n";
}

Settings loadSettings(const std::string& path, std::string& message) {
  message.clear();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Settings{};
  std::stringstream buffer;
  buffer << in.rdbuf();
  Settings s = parseSettings(buffer.str(), message);
  if (!message.empty()) message = path + ": " + message;
  return s;
}

Settings restoreSettings(const std::string& path, std::string& message) {
  Settings s = loadSettings(path, message);
  std::error_code ec;
  if (message.empty() && fs::is_regular_file(path, ec)) message = "settings restored from " + path;
  return s;
}

bool saveSettings(const std::string& path, const Settings& settings, std::string& message) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << settingsToJson(settings);
    if (!out) {
      message = "could not write " + temp;
      return false;
    }
  }
  fs::rename(temp, path, ec);
  if (ec) {
    message = "could not replace " + path + ": " + ec.message();
    return false;
  }
  return true;
}

void rememberSource(Settings& settings, const std::string& source, int count) {
  auto& r = settings.recentSources;
  auto& counts = settings.recentCounts;
  counts.resize(r.size(), 0);
  for (size_t i = r.size(); i-- > 0;)
    if (r[i] == source) {
      r.erase(r.begin() + static_cast<std::ptrdiff_t>(i));
      counts.erase(counts.begin() + static_cast<std::ptrdiff_t>(i));
    }
  r.insert(r.begin(), source);
  counts.insert(counts.begin(), count);
  if (r.size() > Settings::kMaxRecent) r.resize(Settings::kMaxRecent);
  counts.resize(r.size());
}

int recentCount(const Settings& settings, const std::string& source, int fallback) {
  for (size_t i = 0; i < settings.recentSources.size(); ++i)
    if (settings.recentSources[i] == source)
      return i < settings.recentCounts.size() && settings.recentCounts[i] > 0
                 ? settings.recentCounts[i]
                 : fallback;
  return fallback;
}

}  // namespace uhop::ui
