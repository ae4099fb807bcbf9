// uhop-studio: the desktop app. main() only parses the command line and hands over to ui/.
#include <cstdio>
#include <exception>

#include "ui/window/studio_app.h"
#include "studio/studio_options.h"

int main(int argc, char** argv) {
  uhop::ui::StudioOptions options;
  try {
    options = uhop::ui::parseStudioOptions(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "uhop-studio: %s\n%s", e.what(), uhop::ui::studioUsage().c_str());
    return 64;
  }
  if (options.help) {
    std::fputs(uhop::ui::studioUsage().c_str(), stdout);
    return 0;
  }
  try {
    return uhop::ui::runStudio(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "uhop-studio: fatal: %s\n", e.what());
    return 1;
  }
}
