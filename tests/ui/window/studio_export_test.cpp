// Runs the uhop-studio binary under Xvfb with a script that exports plots (ui/window/studio_app.cpp
// savePlotExport, the script's `export PLOT FORMAT`): the print figures land in --export-dir, or
// in $HOME/Pictures/uhop-studio without it, under time-stamped names, with the run's parameters;
// the status names the whole path. HOME and the XDG variables point into the test's folder, so
// nothing is written into the real home.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/ui/window/headless_studio.h"

namespace uhop::ui {
namespace {

namespace fs = std::filesystem;

class StudioExportTest : public HeadlessStudioTest {
 protected:
  void SetUp() override { prepare("studio_export"); }

  // The studio with the test's own home, so a default export folder lands inside the test's.
  int run(const std::string& args) {
    return HeadlessStudioTest::run(args, "HOME='" + (dir_ / "home").string() + "'");
  }

  // The files in `folder` whose names start with `prefix` and end with `ext`, sorted.
  static std::vector<fs::path> files(const fs::path& folder, const std::string& prefix,
                                     const std::string& ext) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(folder, ec)) {
      const std::string name = e.path().filename().string();
      if (name.rfind(prefix, 0) == 0 && e.path().extension() == ext) out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

constexpr const char* kScript =
    "load builtin memories=16\n"
    "wait stage1\n"
    "target 4\n"
    "corrupt mask:0.5 seed=2\n"
    "step both 3\n";

TEST_F(StudioExportTest, ScriptExportsPrintFiguresIntoTheExportDir) {
  const fs::path script = write("export.uhop", std::string(kScript) +
                                                   "export stage2.energy svg\n"
                                                   "export stage2.energy png\n"
                                                   "export stage2.energy csv\n"
                                                   "export stage2.energy svg\n");
  ASSERT_EQ(run("--script '" + script.string() + "' --export-dir figs --state-json state.json"), 0)
      << err_;
  const fs::path figs = dir_ / "figs";
  const auto svgs = files(figs, "energy-per-retrieval-step-", ".svg");
  ASSERT_EQ(svgs.size(), 2u) << err_;  // the second export in the same second is not lost
  ASSERT_EQ(files(figs, "energy-per-retrieval-step-", ".png").size(), 1u);
  ASSERT_EQ(files(figs, "energy-per-retrieval-step-", ".csv").size(), 1u);
  // Print figure of fixed size with the run's parameters as its title.
  const std::string svg = read(svgs[0]);
  EXPECT_NE(svg.find("width=\"800\" height=\"500\""), std::string::npos);
  const size_t title = svg.find("<title>energy per retrieval step — ");
  ASSERT_NE(title, std::string::npos);
  const std::string titleText = svg.substr(title, svg.find("</title>", title) - title);
  for (const char* part : {"data builtin, M = 16", "corruption mask:0.5 (seed 2)", "baseline ",
                           "U-Hop ", "T = ", "Stage I "})
    EXPECT_NE(titleText.find(part), std::string::npos) << part << " not in " << titleText;
  // The PNG is the same figure at 1.5×.
  const std::string png = read(files(figs, "energy-per-retrieval-step-", ".png")[0]);
  ASSERT_GT(png.size(), 24u);
  auto be32 = [&](size_t at) {
    return (uint32_t(uint8_t(png[at])) << 24) | (uint32_t(uint8_t(png[at + 1])) << 16) |
           (uint32_t(uint8_t(png[at + 2])) << 8) | uint32_t(uint8_t(png[at + 3]));
  };
  EXPECT_EQ(be32(16), 1200u);
  EXPECT_EQ(be32(20), 750u);
  const std::string csv = read(files(figs, "energy-per-retrieval-step-", ".csv")[0]);
  EXPECT_EQ(csv.rfind("# energy per retrieval step\n# data builtin, M = 16", 0), 0u) << csv;
  // Every export reported the whole absolute path; the last one is the status. The second SVG
  // is the later time stamp, or within one second the one with the "-2" suffix (which sorts
  // first: '-' < '.').
  const fs::path& second = svgs[0].stem().string().ends_with("-2") ? svgs[0] : svgs[1];
  for (const fs::path& f : svgs)
    EXPECT_NE(err_.find("Wrote " + f.string()), std::string::npos) << err_;
  std::ifstream in(dir_ / "state.json");
  const nlohmann::json state = nlohmann::json::parse(in);
  EXPECT_EQ(state["status"], "Wrote " + second.string());
  // Nothing went to the (test's) home.
  EXPECT_FALSE(fs::exists(dir_ / "home" / "Pictures"));
}

TEST_F(StudioExportTest, WithoutExportDirFiguresGoToThePicturesFolder) {
  const fs::path script = write("export.uhop", std::string(kScript) + "export stage1.loss svg\n");
  ASSERT_EQ(run("--script '" + script.string() + "' --state-json state.json"), 0) << err_;
  const auto svgs =
      files(dir_ / "home" / "Pictures" / "uhop-studio", "loss-l_phi-per-step-", ".svg");
  ASSERT_EQ(svgs.size(), 1u) << err_;
}

TEST_F(StudioExportTest, UnknownPlotFailsTheHeadlessRun) {
  const fs::path script =
      write("export.uhop", "load builtin memories=16\nexport no.such.plot svg\n");
  EXPECT_EQ(run("--script '" + script.string() + "' --export-dir figs --state-json state.json"), 1);
  EXPECT_NE(err_.find("no plot named no.such.plot"), std::string::npos) << err_;
}

}  // namespace
}  // namespace uhop::ui
