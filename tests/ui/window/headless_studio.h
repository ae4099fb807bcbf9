// The GUI tests' way of running the uhop-studio binary headless under Xvfb: a fresh folder per
// test, the user's settings and pictures folder out of reach, stderr captured.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace uhop::ui {

class HeadlessStudioTest : public ::testing::Test {
 protected:
  // Makes UHOP_TEST_TMP/group/<test name> afresh (with a home/ inside); skips the test when
  // xvfb-run is not installed.
  void prepare(const std::string& group) {
    if (std::system("command -v xvfb-run >/dev/null 2>&1") != 0)
      GTEST_SKIP() << "xvfb-run not installed";
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::absolute(std::filesystem::path(UHOP_TEST_TMP) / group / info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "home");
  }

  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const std::filesystem::path p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }

  // Runs the studio at 1280×800 in the test's folder with `env` ("NAME='value' …") set; returns
  // its exit code, with stderr in err_. The display search starts from a number derived from the
  // shell's pid: two xvfb-run -a started at once (ctest -j) would both take :99. The X authority
  // file lives in the test's folder (-f), so xvfb-run has no temporary folder of its own to
  // remove: that removal failing now and then made it exit 5 whatever the studio returned.
  int run(const std::string& args, const std::string& env = "") {
    const std::filesystem::path log = dir_ / "stderr.txt";
    const std::string command =
        "cd '" + dir_.string() + "' && env -u XDG_PICTURES_DIR XDG_CONFIG_HOME='" +
        (dir_ / "config").string() + "' " + env +
        " timeout 300 xvfb-run -a -n $((100 + $$ % 4000)) -f '" + (dir_ / "Xauthority").string() +
        "' -s '-screen 0 1280x800x24' '" + std::string(UHOP_STUDIO) + "' --size 1280x800 " + args +
        " >/dev/null 2>'" + log.string() + "'";
    const int status = std::system(command.c_str());
    err_ = read(log);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  static std::string read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::filesystem::path dir_;
  std::string err_;
};

}  // namespace uhop::ui
