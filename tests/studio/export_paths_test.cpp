// Tests studio/export_paths.*: the export folder from the environment and a hand-written
// user-dirs.dirs, the settings and --export-dir over it, time-stamped names that never replace a
// file, the "Wrote <absolute path>" message, the figure files and their parameters. Nothing is
// written outside the test's temp folder: HOME and the XDG variables point into it.
#include "studio/export_paths.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "plot/plot_export.h"
#include "studio/app_model.h"
#include "studio/settings.h"

namespace uhop::ui {
namespace {

namespace fs = std::filesystem;

fs::path tempDir(const std::string& name) {
  fs::path dir = fs::path(UHOP_TEST_TMP) / ("export_paths_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return fs::absolute(dir);
}

EnvLookup envOf(std::map<std::string, std::string> vars) {
  return [vars](const std::string& key) -> std::optional<std::string> {
    auto it = vars.find(key);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// 2026-11-30 21:15:30 UTC.
constexpr std::time_t kWhen = 1796073330;

// Local time is part of the file names: the tests run them in UTC.
class ExportPathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    savedTz_ = tz ? std::optional<std::string>(tz) : std::nullopt;
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
  void TearDown() override {
    if (savedTz_)
      ::setenv("TZ", savedTz_->c_str(), 1);
    else
      ::unsetenv("TZ");
    ::tzset();
  }

 private:
  std::optional<std::string> savedTz_;
};

TEST(ParseUserDirs, HomeRelativeAbsoluteCommentsAndJunk) {
  const std::string text =
      "# This file is written by xdg-user-dirs-update\n"
      "XDG_DESKTOP_DIR=\"$HOME/Desktop\"\n"
      "# XDG_PICTURES_DIR=\"$HOME/Old\"\n"
      "XDG_PICTURES_DIR=\"$HOME/Bilder\"\n";
  EXPECT_EQ(parseUserDirs(text, "XDG_PICTURES_DIR", "/home/u"), "/home/u/Bilder");
  EXPECT_EQ(parseUserDirs(text, "XDG_DESKTOP_DIR", "/home/u"), "/home/u/Desktop");
  EXPECT_EQ(parseUserDirs(text, "XDG_MUSIC_DIR", "/home/u"), std::nullopt);
  EXPECT_EQ(parseUserDirs("XDG_PICTURES_DIR=\"/data/pics\"\n", "XDG_PICTURES_DIR", "/home/u"),
            "/data/pics");
  // Relative values and $HOMEfoo are not paths xdg-user-dirs writes: ignored.
  EXPECT_EQ(parseUserDirs("XDG_PICTURES_DIR=\"pics\"\n", "XDG_PICTURES_DIR", "/home/u"),
            std::nullopt);
  EXPECT_EQ(parseUserDirs("XDG_PICTURES_DIR=\"$HOMEx/p\"\n", "XDG_PICTURES_DIR", "/home/u"),
            std::nullopt);
  EXPECT_EQ(parseUserDirs("XDG_PICTURES_DIR=\"$HOME\"\n", "XDG_PICTURES_DIR", "/home/u"),
            "/home/u");
}

TEST(PicturesDirectory, EnvironmentThenUserDirsThenHomePictures) {
  const fs::path home = tempDir("home");
  const fs::path config = home / "cfg";
  fs::create_directories(config);
  std::ofstream(config / "user-dirs.dirs") << "XDG_PICTURES_DIR=\"$HOME/Fotos\"\n";
  // 1. The variable itself.
  EXPECT_EQ(picturesDirectory(envOf({{"HOME", home.string()},
                                     {"XDG_CONFIG_HOME", config.string()},
                                     {"XDG_PICTURES_DIR", "/pics"}})),
            "/pics");
  // 2. The user-dirs.dirs of $XDG_CONFIG_HOME.
  EXPECT_EQ(
      picturesDirectory(envOf({{"HOME", home.string()}, {"XDG_CONFIG_HOME", config.string()}})),
      (home / "Fotos").string());
  // ... or of ~/.config when XDG_CONFIG_HOME is unset.
  fs::create_directories(home / ".config");
  std::ofstream(home / ".config" / "user-dirs.dirs") << "XDG_PICTURES_DIR=\"$HOME/Images\"\n";
  EXPECT_EQ(picturesDirectory(envOf({{"HOME", home.string()}})), (home / "Images").string());
  // 3. $HOME/Pictures when no file names it.
  fs::remove(home / ".config" / "user-dirs.dirs");
  EXPECT_EQ(picturesDirectory(envOf({{"HOME", home.string()}})), (home / "Pictures").string());
  EXPECT_EQ(defaultExportFolder(envOf({{"HOME", home.string()}})),
            (home / "Pictures" / "uhop-studio").string());
}

TEST(ResolveExportFolder, OverrideThenSettingsThenDefault) {
  const EnvLookup env = envOf({{"HOME", "/home/u"}, {"XDG_CONFIG_HOME", "/nonexistent"}});
  Settings settings;
  EXPECT_EQ(resolveExportFolder(settings, "", env), "/home/u/Pictures/uhop-studio");
  settings.exportFolder = "/data/figures/";
  EXPECT_EQ(resolveExportFolder(settings, "", env), "/data/figures/");
  EXPECT_EQ(resolveExportFolder(settings, "/tmp/run", env), "/tmp/run");
  // Relative folders are made absolute: the status bar reports whole paths.
  EXPECT_EQ(resolveExportFolder(settings, "out/figs", env),
            (fs::current_path() / "out" / "figs").string());
}

TEST(ExportFolderSetting, RoundTripsAndDefaultsToEmpty) {
  Settings s;
  EXPECT_EQ(s.exportFolder, "");
  s.exportFolder = "/home/u/Figures";
  std::string message;
  EXPECT_EQ(parseSettings(settingsToJson(s), message).exportFolder, "/home/u/Figures");
  EXPECT_EQ(message, "");
  EXPECT_NE(settingsToJson(s).find("\"export_folder\": \"/home/u/Figures\""), std::string::npos);
}

TEST_F(ExportPathsTest, TimestampedNames) {
  EXPECT_EQ(timestampedFileName("energy", "svg", kWhen), "energy-2026-11-30-211530.svg");
  EXPECT_EQ(timestampedFileName("uhop-studio", ".png", kWhen), "uhop-studio-2026-11-30-211530.png");
}

TEST_F(ExportPathsTest, ReserveNeverReplacesAFileAndCreatesTheFolder) {
  const fs::path dir = tempDir("reserve") / "new" / "folder";
  const std::string first = reserveExportPath(dir.string(), "energy", "svg", kWhen);
  EXPECT_EQ(first, (dir / "energy-2026-11-30-211530.svg").string());
  EXPECT_TRUE(fs::exists(first));
  // The same second again: a suffix, never the same name.
  const std::string second = reserveExportPath(dir.string(), "energy", "svg", kWhen);
  EXPECT_EQ(second, (dir / "energy-2026-11-30-211530-2.svg").string());
  // Someone else's file under the next name stays untouched.
  std::ofstream(dir / "energy-2026-11-30-211530-3.svg") << "theirs";
  const std::string third = reserveExportPath(dir.string(), "energy", "svg", kWhen);
  EXPECT_EQ(third, (dir / "energy-2026-11-30-211530-4.svg").string());
  EXPECT_EQ(readFile(dir / "energy-2026-11-30-211530-3.svg"), "theirs");
}

TEST_F(ExportPathsTest, UnusableFolderIsAnErrorNamingIt) {
  const fs::path dir = tempDir("unusable");
  std::ofstream(dir / "file") << "x";
  const std::string under = (dir / "file" / "sub").string();
  try {
    reserveExportPath(under, "energy", "svg", kWhen);
    FAIL() << "a folder under a file cannot be created";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(under), std::string::npos) << e.what();
  }
  if (::geteuid() != 0) {  // root writes anywhere
    const fs::path locked = dir / "locked";
    fs::create_directories(locked);
    ::chmod(locked.c_str(), 0555);
    EXPECT_THROW(reserveExportPath(locked.string(), "energy", "svg", kWhen), std::runtime_error);
    ::chmod(locked.c_str(), 0755);
  }
}

TEST(WroteMessage, HoldsTheWholeAbsolutePath) {
  EXPECT_EQ(wroteMessage("/home/u/Pictures/uhop-studio/energy.svg"),
            "Wrote /home/u/Pictures/uhop-studio/energy.svg");
  EXPECT_EQ(wroteMessage("figs/energy.svg"),
            "Wrote " + (fs::current_path() / "figs" / "energy.svg").string());
}

TEST_F(ExportPathsTest, ExportFigureWritesPrintSvgPngAndCsvWithParameters) {
  const fs::path dir = tempDir("figure");
  PlotSpec spec;
  spec.title = "Energy E(x_t)";
  spec.parameters = "data builtin, M = 64 · corruption mask:0.5 (seed 1) · T = 10";
  PlotSeries s;
  s.name = "U-Hop";
  s.x = {0, 1, 2};
  s.y = {3, 2, 1.5};
  spec.series.push_back(s);
  const std::string svg = exportFigure(spec, "svg", dir.string(), kWhen);
  EXPECT_EQ(svg, (dir / "energy-e-x_t-2026-11-30-211530.svg").string());
  const std::string svgText = readFile(svg);
  EXPECT_NE(svgText.find("width=\"800\" height=\"500\""), std::string::npos);
  EXPECT_NE(svgText.find("<title>Energy E(x_t) — " + escapeXml(spec.parameters) + "</title>"),
            std::string::npos);
  const std::string csv = exportFigure(spec, "csv", dir.string(), kWhen);
  EXPECT_EQ(readFile(csv).rfind("# Energy E(x_t)\n# " + spec.parameters + "\n", 0), 0u);
  const std::string png = exportFigure(spec, "png", dir.string(), kWhen);
  EXPECT_EQ(readFile(png).substr(1, 3), "PNG");
  EXPECT_THROW(exportFigure(spec, "pdf", dir.string(), kWhen), std::runtime_error);
  // A refused format leaves no empty file behind.
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) files += entry.is_regular_file();
  EXPECT_EQ(files, 3u);
}

TEST(FigureParameters, NameDataModelsCorruptionTAndSeeds) {
  AppModel model;
  model.memories.source = "fashion-mnist";
  model.column(Side::UHop).config.beta = 4;
  model.query.seed = 7;
  model.metastable.steps = 12;
  const std::string p = figureParameters(model);
  for (const std::string& part :
       {std::string("data fashion-mnist"), std::string("M = 0"), std::string("baseline "),
        std::string("U-Hop "), std::string("β = 4"), std::string("corruption mask:0.5 (seed 7)"),
        std::string("T = 12"), std::string("Stage I ")})
    EXPECT_NE(p.find(part), std::string::npos) << part << " missing in: " << p;
}

TEST(ExportFolderSetting, TheDialogsCommandIsKeptWithTheSettings) {
  AppModel model;
  applyCommand(model, SetExportFolder{"/data/figures"});
  EXPECT_EQ(currentSettings(model).exportFolder, "/data/figures");
  EXPECT_EQ(resolveExportFolder(model.settings, "", envOf({{"HOME", "/home/u"}})), "/data/figures");
}

}  // namespace
}  // namespace uhop::ui
