// Runs uhop-studio headless under Xvfb with a script that opens the energy playground, sets a
// preset, a query and a few Stage I steps, and takes screenshots (studio/playground.h,
// ui/panels/playground_panel.h): the window is laid out, the maps were computed for the final
// state, and the screenshots are written.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace uhop::ui {
namespace {

namespace fs = std::filesystem;

TEST(PlaygroundScriptTest, OpensComputesAndScreenshots) {
  if (std::system("command -v xvfb-run >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "xvfb-run not installed";
  const fs::path dir = fs::path(UHOP_TEST_TMP) / "playground_script";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "pg.uhop") << "playground show\n"
                                    "playground preset ring8\n"
                                    "playground set beta=15 steps=5 grid=128\n"
                                    "playground query 0.35 0.1\n"
                                    "playground stage1 step 20\n"
                                    "wait playground\n"
                                    "wait frames 2\n"
                                    "screenshot energy.png\n"
                                    "playground set view=basins\n"
                                    "wait playground\n"
                                    "wait frames 2\n"
                                    "screenshot basins.png\n";
  const std::string command =
      "cd '" + dir.string() + "' && XDG_CONFIG_HOME='" + (dir / "config").string() +
      "' timeout 300 xvfb-run -a -n $((100 + $$ % 4000)) -f '" + (dir / "Xauthority").string() +
      "' -s '-screen 0 1280x800x24' '" + std::string(UHOP_STUDIO) +
      "' --size 1280x800 --script pg.uhop --state-json state.json --layout-json layout.json"
      " >/dev/null 2>stderr.txt";
  const int status = std::system(command.c_str());
  std::stringstream err;
  err << std::ifstream(dir / "stderr.txt").rdbuf();
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << err.str();

  std::ifstream in(dir / "state.json");
  ASSERT_TRUE(in) << "no state JSON";
  const nlohmann::json j = nlohmann::json::parse(in)["playground"];
  EXPECT_TRUE(j["shown"].get<bool>());
  EXPECT_EQ(j["points"].size(), 8u);
  EXPECT_EQ(j["grid"], 128);
  EXPECT_EQ(j["stage1_step"], 20);
  ASSERT_FALSE(j["grid_ms"].is_null()) << j.dump();  // the maps are of the final state
  ASSERT_EQ(j["trajectory_energy"].size(), 2u);
  EXPECT_EQ(j["trajectory_energy"][0].size(), 6u);  // E(x_0) … E(x_5)

  std::ifstream layoutIn(dir / "layout.json");
  ASSERT_TRUE(layoutIn);
  const nlohmann::json rects = nlohmann::json::parse(layoutIn)["rects"];
  for (const char* name :
       {"window.playground", "plot.playground.baseline", "plot.playground.uhop"}) {
    ASSERT_TRUE(rects.contains(name)) << name << " " << rects.dump();
    EXPECT_GT(rects[name][2].get<int>(), 100) << name;
  }
  EXPECT_GT(fs::file_size(dir / "energy.png"), 10000u);
  EXPECT_GT(fs::file_size(dir / "basins.png"), 10000u);
}

}  // namespace
}  // namespace uhop::ui
