#include "studio/studio_options.h"

#include <cstdlib>
#include <stdexcept>

namespace uhop::ui {

namespace {

int parseInt(const std::string& option, const std::string& value, int min, int max) {
  char* end = nullptr;
  const long v = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || v < min || v > max)
    throw std::invalid_argument(option + " expects an integer in " + std::to_string(min) + ".." +
                                std::to_string(max) + ", got '" + value + "'");
  return static_cast<int>(v);
}

}  // namespace

StudioOptions parseStudioOptions(int argc, const char* const* argv) {
  StudioOptions o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      o.help = true;
    } else if (arg == "--data") {
      o.data = value();
    } else if (arg == "--memories") {
      o.memories = parseInt(arg, value(), 2, 60000);
    } else if (arg == "--offset") {
      o.offset = parseInt(arg, value(), 0, 10000000);
    } else if (arg == "--stage1-steps") {
      o.stage1Steps = parseInt(arg, value(), 1, 1000000);
    } else if (arg == "--autoplay") {
      o.autoplay = true;
    } else if (arg == "--frames") {
      o.frames = parseInt(arg, value(), 1, 10000000);
    } else if (arg == "--screenshot") {
      o.screenshot = value();
    } else if (arg == "--screenshot-2x") {
      o.screenshot2x = value();
    } else if (arg == "--frame-stats") {
      o.frameStats = value();
    } else if (arg == "--layout-json") {
      o.layoutJson = value();
    } else if (arg == "--theme") {
      const std::string t = value();
      if (t != "dark" && t != "light")
        throw std::invalid_argument("--theme expects dark or light, got '" + t + "'");
      o.theme = t;
    } else if (arg == "--scale") {
      const std::string s = value();
      char* end = nullptr;
      const float v = std::strtof(s.c_str(), &end);
      if (s.empty() || *end != '\0' || !(v >= 0.5f && v <= 4.0f))
        throw std::invalid_argument("--scale expects a number in 0.5..4, got '" + s + "'");
      o.scale = v;
    } else if (arg == "--size") {
      const std::string s = value();
      const size_t x = s.find('x');
      if (x == std::string::npos)
        throw std::invalid_argument("--size expects WxH, e.g. 1600x1000, got '" + s + "'");
      o.width = parseInt("--size width", s.substr(0, x), 320, 16384);
      o.height = parseInt("--size height", s.substr(x + 1), 240, 16384);
    } else if (arg == "--tab") {
      o.tab = value();
      if (o.tab != "comparison" && o.tab != "experiments" && o.tab != "memories" &&
          o.tab != "stage1" && o.tab != "stage2" && o.tab != "metastable")
        throw std::invalid_argument(
            "--tab expects comparison, experiments, memories, stage1, stage2 or metastable, got '" +
            o.tab + "'");
    } else if (arg == "--layout") {
      const std::string l = value();
      if (l != "auto" && l != "columns" && l != "presenter")
        throw std::invalid_argument("--layout expects auto, columns or presenter, got '" + l + "'");
      o.layout = l;
    } else if (arg == "--run-sweep") {
      o.runSweep = value();
      if (o.runSweep != "capacity" && o.runSweep != "noise" && o.runSweep != "stage1" &&
          o.runSweep != "beta")
        throw std::invalid_argument("--run-sweep expects capacity, noise, stage1 or beta, got '" +
                                    o.runSweep + "'");
    } else if (arg == "--script") {
      o.script = value();
    } else if (arg == "--state-json") {
      o.stateJson = value();
    } else if (arg == "--screenshot-each") {
      o.screenshotEach = value();
    } else if (arg == "--export-dir") {
      o.exportDir = value();
      if (o.exportDir.empty()) throw std::invalid_argument("--export-dir needs a folder");
    } else {
      throw std::invalid_argument("unknown option '" + arg + "' (see --help)");
    }
  }
  // Without a script or a frame count there is no "end" at which to write the state.
  if (!o.stateJson.empty() && o.script.empty() && o.frames == 0)
    throw std::invalid_argument("--state-json needs --script FILE or --frames N");
  if (!o.screenshotEach.empty() && o.script.empty())
    throw std::invalid_argument("--screenshot-each needs --script FILE");
  return o;
}

std::string studioUsage() {
  return "usage: uhop-studio [options]\n"
         "  --data SRC          builtin (default) | fashion-mnist | fashion-mnist-test |\n"
         "                      an IDX/IDX.gz file, a CIFAR .bin batch or a folder of images\n"
         "  --memories M        number of memories (default 64)\n"
         "  --offset K          first item of the source to use (default 0)\n"
         "  --stage1-steps N    Stage I step target (default 100)\n"
         "  --autoplay          start Stage I and step Stage II by itself\n"
         "  --frames N          render N frames and exit 0 (headless: settings untouched)\n"
         "  --screenshot FILE   write the last frame as PNG\n"
         "  --screenshot-2x FILE  also write the last frame re-rendered at 2× resolution\n"
         "  --frame-stats FILE  write each frame's CPU time (ms) as JSON\n"
         "  --layout-json FILE  write the screen rectangles of the panels and plots as JSON\n"
         "  --theme dark|light  colour theme\n"
         "  --scale S           UI scale, 0.5..4 (presenter mode: 1.5–2)\n"
         "  --size WxH          window size in pixels (default 1600x1000)\n"
         "  --tab NAME          open the lower right tab: comparison | experiments; in the\n"
         "                      presenter layout the page: also memories | stage1 | stage2 |\n"
         "                      metastable\n"
         "  --layout MODE       auto (three columns, pages when the window is small for them at\n"
         "                      the UI scale) | columns | presenter (pages, as View ▸ Presenter)\n"
         "  --run-sweep KIND    start a sweep at launch (capacity | noise | stage1 | beta;\n"
         "                      default grid, 3 seeds) and show the Experiments tab\n"
         "  --script FILE       run a studio script (one command a line, see README.md);\n"
         "                      with --state-json, --screenshot or --frames it runs headless\n"
         "                      to its end and exits (2 at a bad line)\n"
         "  --state-json OUT    write the studio's state as JSON after the last frame\n"
         "  --screenshot-each DIR  with --script: run headless and save DIR/slide-NNN.png at\n"
         "                      every pause (slides for a talk)\n"
         "  --export-dir DIR    this run's export folder (plot SVG/PNG/CSV, F12 screenshots),\n"
         "                      instead of File ▸ Export folder… (default ~/Pictures/uhop-studio)\n"
         "Without a display run it as: xvfb-run -a uhop-studio ...  (or use the CLI: uhop "
         "--help)\n";
}

}  // namespace uhop::ui
