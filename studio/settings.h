// The app's persistent settings (docs/architecture.md "Settings"): theme, UI scale, recent sources and the
// knobs a user expects to find as they left them. Stored as JSON in the user's config directory
// ($XDG_CONFIG_HOME/uhop-studio, else ~/.config/uhop-studio) next to imgui.ini. Every value is
// range-checked on load; a value out of range falls back to its default and a corrupt file falls
// back to all defaults, each with a message for the user (never a crash, never a silent clamp).
#pragma once

#include <string>
#include <vector>

#include "core/stage1.h"

namespace uhop::ui {

enum class Theme { Dark, Light };

struct Settings {
  Theme theme = Theme::Dark;
  float uiScale = 0;                       // 0 = follow the monitor's content scale
  std::vector<std::string> recentSources;  // most recent first, at most kMaxRecent
  // M last loaded from recentSources[i] (same order and length; 0 = not known, from an older
  // settings file), so picking a recent source loads as many memories as last time.
  std::vector<int> recentCounts;
  std::string dataSource = "builtin";
  int memoryCount = 64;
  int memoryOffset = 0;
  // Stage I knobs
  int featureDim = 0;  // 0 = d
  std::string init = "identity";
  std::string loss = "avg";
  double lossT = 2.0;
  std::string optimizer = optimizerName(Stage1Config{}.optimizer);  // "default" in old files = adam
  double learningRate = 0;  // 0 = optimiser default
  int stage1Steps = 100;
  int stage1Seed = 0;
  bool normalizeRows = true;
  // Stage II / query
  double beta = 1.0;
  std::string corruption = "mask:0.5";
  int querySeed = 1;
  int metastableSteps = 10;
  std::string kernelScale = "row-normalized";
  // F12 screenshots: "" = the export folder (before the export folder existed: the current
  // directory); a folder set here still wins for screenshots.
  std::string screenshotDir;
  // Where exports without an explicit path go (studio/export_paths.h); "" = the default, the XDG
  // pictures folder + "/uhop-studio".
  std::string exportFolder;
  // What one data load may allocate, in MiB (LoadOptions::memoryBudgetBytes; the CLI's
  // --memory-budget). Default 2048 = kDefaultMemoryBudgetBytes.
  int memoryBudgetMb = 2048;
  // View ▸ Presenter layout: the panels as pages, one at a time, for large UI scales.
  bool presenterLayout = false;
  // The same pages whenever the window is too small for the three columns at the current scale
  // (ui/window/layout.h); off keeps the three columns at any size.
  bool autoReflow = true;
  static constexpr int kMinMemoryBudgetMb = 16;
  static constexpr int kMaxMemoryBudgetMb = 1 << 20;  // 1 TiB

  static constexpr int kMaxRecent = 8;
  bool operator==(const Settings&) const = default;
};

// $XDG_CONFIG_HOME/uhop-studio or ~/.config/uhop-studio (created on demand by saveSettings).
std::string configDirectory();

// Parses settings JSON text. Unknown keys are ignored; values of the wrong type or out of range
// are replaced by defaults and listed in `message`; unparsable text gives all defaults.
Settings parseSettings(const std::string& text, std::string& message);
std::string settingsToJson(const Settings& settings);

// Reads `path`; a missing file gives defaults silently, a corrupt one defaults + message.
Settings loadSettings(const std::string& path, std::string& message);
// loadSettings for the app's start: when the file exists and loads cleanly, `message` is
// "settings restored from PATH" (the status bar tells the user once where the knobs came from).
Settings restoreSettings(const std::string& path, std::string& message);
// Writes atomically (temp file + rename), creating the directory. Returns false + message on error.
bool saveSettings(const std::string& path, const Settings& settings, std::string& message);

// Puts `source` with its M first in the recent list (deduplicated, at most kMaxRecent).
void rememberSource(Settings& settings, const std::string& source, int count = 0);
// The M last loaded from `source` (recentCounts), or `fallback` when it is not known.
int recentCount(const Settings& settings, const std::string& source, int fallback);

}  // namespace uhop::ui
