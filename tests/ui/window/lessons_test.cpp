// Tests ui/window/lessons.* (the Help ▸ Lessons list) and runs every shipped lesson through the
// uhop-studio binary under Xvfb with --screenshot-each: one PNG per pause, exit 0.
#include "ui/window/lessons.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace uhop::ui {
namespace {

namespace fs = std::filesystem;

const fs::path kLessons =
    fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path() / "assets" /
    "lessons";

TEST(LessonsTest, ListsScriptsByFileNameWithTheirTitles) {
  const fs::path dir = fs::path(UHOP_TEST_TMP) / "lessons_list";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "2-b.uhop") << "# Second: the title\nload builtin\n";
  std::ofstream(dir / "1-a.uhop") << "load builtin\n";
  std::ofstream(dir / "notes.txt") << "# not a lesson\n";
  const auto lessons = lessonsIn(dir.string());
  ASSERT_EQ(lessons.size(), 2u);
  EXPECT_EQ(fs::path(lessons[0].first).filename(), "1-a.uhop");
  EXPECT_EQ(lessons[0].second, "1-a");  // no comment line: the file's stem
  EXPECT_EQ(lessons[1].second, "Second: the title");
  EXPECT_TRUE(lessonsIn((dir / "missing").string()).empty());
}

int pauses(const fs::path& script) {
  std::ifstream in(script);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) n += line == "pause" ? 1 : 0;
  return n;
}

TEST(LessonsTest, EveryLessonWritesASlidePerPause) {
  if (std::system("command -v xvfb-run >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "xvfb-run not installed";
  std::vector<fs::path> lessons;
  for (const auto& e : fs::directory_iterator(kLessons))
    if (e.path().extension() == ".uhop") lessons.push_back(e.path());
  ASSERT_GE(lessons.size(), 5u);
  for (const fs::path& lesson : lessons) {
    SCOPED_TRACE(lesson.string());
    const fs::path dir = fs::path(UHOP_TEST_TMP) / "lesson_slides" / lesson.stem();
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string command =
        "cd '" + dir.string() + "' && XDG_CONFIG_HOME='" + (dir / "config").string() +
        "' timeout 300 xvfb-run -a -n $((100 + $$ % 4000)) -f '" + (dir / "Xauthority").string() +
        "' -s '-screen 0 1280x800x24' '" + std::string(UHOP_STUDIO) +
        "' --size 1280x800 --script '" + lesson.string() +
        "' --screenshot-each slides >/dev/null 2>stderr.txt";
    const int status = std::system(command.c_str());
    std::stringstream err;
    err << std::ifstream(dir / "stderr.txt").rdbuf();
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << err.str();
    const int n = pauses(lesson);
    EXPECT_GE(n, 3);
    for (int k = 1; k <= n; ++k) {
      char name[32];
      std::snprintf(name, sizeof name, "slide-%03d.png", k);
      EXPECT_TRUE(fs::exists(dir / "slides" / name)) << name;
    }
    char extra[32];
    std::snprintf(extra, sizeof extra, "slide-%03d.png", n + 1);
    EXPECT_FALSE(fs::exists(dir / "slides" / extra));
  }
}

}  // namespace
}  // namespace uhop::ui
