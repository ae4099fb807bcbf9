// Command line of uhop-studio:
//   uhop-studio [--data SRC] [--memories M] [--offset K] [--stage1-steps N] [--autoplay]
//               [--frames N]
//               [--screenshot FILE] [--frame-stats FILE] [--layout-json FILE]
//               [--theme dark|light] [--scale S] [--size WxH]
//               [--screenshot-2x FILE] [--tab PAGE] [--layout auto|columns|presenter]
//               [--run-sweep capacity|noise|stage1|beta] [--script FILE] [--state-json OUT]
//               [--screenshot-each DIR] [--export-dir DIR]
// --frames N renders N frames and exits 0 (headless mode: the user's settings are neither read
// nor written, so figure scripts and tests are reproducible). --script FILE runs a studio script
// (studio/script.h); with --state-json, --screenshot or --frames it runs headless to the end of
// the script (and at least N frames), writes what was asked for and exits: 0, or 2 at a bad line.
// --screenshot-each DIR (with --script) also runs headless and saves one PNG per pause.
#pragma once

#include <optional>
#include <string>

namespace uhop::ui {

struct StudioOptions {
  std::optional<std::string> data;
  std::optional<int> memories;
  std::optional<int> offset;
  std::optional<int> stage1Steps;  // Stage I step target (default: the settings', 100)
  bool autoplay = false;
  int frames = 0;  // 0 = run until the window is closed
  std::string screenshot;
  std::string screenshot2x;  // also write the last frame re-rendered at 2× (fonts and all)
  std::string frameStats;
  std::string layoutJson;
  std::optional<std::string> theme;  // "dark" | "light"
  std::optional<float> scale;
  int width = 0, height = 0;  // 0 = default size
  // Lower right tab to open: "" | "comparison" | "experiments"; in the presenter layout, the page
  // to show, also "memories" | "stage1" | "stage2" | "metastable".
  std::string tab;
  // "auto" (three columns, pages when the window is small for them), "columns" (always three
  // columns) or "presenter" (always pages); unset: the user's settings.
  std::optional<std::string> layout;
  std::string runSweep;   // start this sweep (default grid) at launch: "" | capacity | noise | ...
  std::string script;     // a studio script to run (studio/script.h)
  std::string stateJson;  // write the state JSON (studio/state_json.h) after the last frame
  std::string screenshotEach;  // DIR: slide-NNN.png at every pause of the script
  std::string exportDir;       // the export folder for this run (studio/export_paths.h)
  bool help = false;
  bool headless() const {
    return frames > 0 || (!script.empty() &&
                          (!stateJson.empty() || !screenshot.empty() || !screenshotEach.empty()));
  }
};

// Throws std::invalid_argument with a message naming the bad option.
StudioOptions parseStudioOptions(int argc, const char* const* argv);
std::string studioUsage();

}  // namespace uhop::ui
