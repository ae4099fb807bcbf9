// Tests of the `uhop` command line itself (CLI11): --help and --version, typed and range-checked
// options with exit code 2, the default Stage I optimiser taken from core, --load-w only with the
// kernel similarity, and `uhop info` on the built-in set (64 Fashion-MNIST images, 28×28×1,
// with labels: 64 · 784 · 4 = 200704 bytes as float32).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <cctype>
#include <string>

#include "core/stage1.h"
#include "tests/app/cli_runner.h"

namespace {

using uhop::test::runCli;
using uhop::test::RunResult;

std::string stderrOf(const std::string& args) {
  return runCli(args, "", true).out;
}

TEST(CliHelp, CommandHelpListsOptionsDefaultsAndAllowedValues) {
  RunResult r = runCli("retrieve --help");
  ASSERT_EQ(r.exitCode, 0);
  EXPECT_NE(r.out.find("--similarity"), std::string::npos) << r.out;
  for (const char* value : {"dot", "meanproj", "l2", "l1", "kernel"})
    EXPECT_NE(r.out.find(value), std::string::npos) << value;
  EXPECT_NE(r.out.find("--stage1-optimizer"), std::string::npos);
  EXPECT_NE(r.out.find("--memory-budget"), std::string::npos);
  EXPECT_NE(r.out.find("mask:0.5"), std::string::npos) << "the default of --corrupt";
  EXPECT_EQ(r.out.find("unknown option"), std::string::npos);
  for (const char* command : {"stage1", "sweep", "metastable", "info", "landscape", "theory"})
    EXPECT_EQ(runCli(std::string(command) + " --help").exitCode, 0) << command;
  RunResult top = runCli("--help");
  ASSERT_EQ(top.exitCode, 0);
  for (const char* command :
       {"stage1", "retrieve", "sweep", "metastable", "info", "landscape", "theory"})
    EXPECT_NE(top.out.find(command), std::string::npos) << command;
}

TEST(CliHelp, DefaultOptimiserIsCoresDefault) {
  const std::string name = uhop::optimizerName(uhop::Stage1Config{}.optimizer);
  RunResult help = runCli("stage1 --help");
  ASSERT_EQ(help.exitCode, 0);
  // The --optimizer line shows "=<default>" on the same line.
  const size_t at = help.out.find("--optimizer");
  ASSERT_NE(at, std::string::npos) << help.out;
  const std::string line = help.out.substr(at, help.out.find('\n', at) - at);
  EXPECT_NE(line.find("=" + name), std::string::npos) << line;
  RunResult run = runCli("stage1 --data builtin --memories 8 --steps 1 --json");
  ASSERT_EQ(run.exitCode, 0);
  EXPECT_EQ(nlohmann::json::parse(run.out)["optimizer"], name);
}

TEST(CliHelp, VersionComesFromTheProject) {
  RunResult r = runCli("--version");
  ASSERT_EQ(r.exitCode, 0);
  // "uhop MAJOR.MINOR[.PATCH]\n": digits separated by single dots.
  ASSERT_EQ(r.out.rfind("uhop ", 0), 0u) << r.out;
  ASSERT_EQ(r.out.back(), '\n') << r.out;
  const std::string version = r.out.substr(5, r.out.size() - 6);
  EXPECT_FALSE(version.empty());
  EXPECT_NE(version.find('.'), std::string::npos) << version;
  EXPECT_EQ(version.find_first_not_of("0123456789."), std::string::npos) << version;
  EXPECT_EQ(version.find(".."), std::string::npos) << version;
  EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(version.front())) &&
              std::isdigit(static_cast<unsigned char>(version.back())))
      << version;
}

TEST(CliHelp, NoCommandPrintsUsageToStderrAndExitsTwo) {
  EXPECT_EQ(runCli("").exitCode, 2);
  EXPECT_NE(stderrOf("").find("stage1"), std::string::npos);
  EXPECT_EQ(runCli("").out, "");
}

TEST(CliErrors, UnknownFlagsAndBadValuesExitTwoWithAMessage) {
  EXPECT_EQ(runCli("retrieve --no-such-flag").exitCode, 2);
  EXPECT_NE(stderrOf("retrieve --no-such-flag").find("--no-such-flag"), std::string::npos);
  EXPECT_EQ(runCli("retrieve --beta -1").exitCode, 2);
  EXPECT_NE(stderrOf("retrieve --beta -1").find("--beta"), std::string::npos);
  EXPECT_EQ(runCli("retrieve --memories 0").exitCode, 2);
  EXPECT_NE(stderrOf("retrieve --memories 0").find("--memories"), std::string::npos);
  EXPECT_EQ(runCli("retrieve --steps 1.5").exitCode, 2);
  EXPECT_EQ(runCli("retrieve --seed -3").exitCode, 2);
  EXPECT_EQ(runCli("retrieve --similarity cosine").exitCode, 2);
  EXPECT_EQ(runCli("retrieve --beta nan").exitCode, 2);
  EXPECT_EQ(runCli("info --memory-budget 0").exitCode, 2);
  EXPECT_EQ(runCli("info --memory-budget 1048577").exitCode, 2);
  // Core judges optimiser names; its message names the bad one.
  EXPECT_EQ(runCli("retrieve --similarity kernel --stage1-optimizer sgd").exitCode, 2);
  EXPECT_NE(stderrOf("stage1 --optimizer sgd").find("sgd"), std::string::npos);
}

TEST(CliErrors, NumbersKeepTheirDecimalMeaning) {
  // "010" is ten memories (not octal eight) and "1e1" is ten as well.
  for (const char* m : {"010", "1e1"}) {
    RunResult r = runCli(std::string("info --data builtin --json --memories ") + m);
    ASSERT_EQ(r.exitCode, 0) << m;
    EXPECT_EQ(nlohmann::json::parse(r.out)["count"], 10) << m;
  }
}

TEST(CliErrors, LoadWWithoutTheKernelSimilarityIsAUsageError) {
  RunResult r = runCli("retrieve --data builtin --similarity dot --load-w /nonexistent/w.bin");
  EXPECT_EQ(r.exitCode, 2);
  const std::string err =
      stderrOf("retrieve --data builtin --similarity dot --load-w /nonexistent/w.bin");
  EXPECT_NE(err.find("--load-w only applies to --similarity kernel"), std::string::npos) << err;
}

TEST(CliInfo, TextAndJsonDescribeTheBuiltInSet) {
  RunResult j = runCli("info --data builtin --json");
  ASSERT_EQ(j.exitCode, 0);
  const auto info = nlohmann::json::parse(j.out);
  EXPECT_EQ(info["count"], 64);
  EXPECT_EQ(info["width"], 28);
  EXPECT_EQ(info["height"], 28);
  EXPECT_EQ(info["channels"], 1);
  EXPECT_EQ(info["labels"], true);
  EXPECT_EQ(info["bytes"], 64 * 784 * 4);
  EXPECT_EQ(info["source"], "builtin");

  RunResult part = runCli("info --data builtin --memories 10 --offset 50 --json");
  ASSERT_EQ(part.exitCode, 0);
  EXPECT_EQ(nlohmann::json::parse(part.out)["count"], 10);
  EXPECT_EQ(nlohmann::json::parse(part.out)["bytes"], 10 * 784 * 4);

  RunResult text = runCli("info --data builtin");
  ASSERT_EQ(text.exitCode, 0);
  for (const char* piece : {"count     64", "28 x 28 x 1", "labels    yes", "200704", "builtin"})
    EXPECT_NE(text.out.find(piece), std::string::npos) << piece << "\n" << text.out;
  // Asking for more than the set holds loads what is there (with a warning on stderr), or with
  // --strict is a data problem.
  RunResult fewer = runCli("info --data builtin --memories 10 --offset 60 --json");
  ASSERT_EQ(fewer.exitCode, 0);
  EXPECT_EQ(nlohmann::json::parse(fewer.out)["count"], 4);
  EXPECT_EQ(runCli("info --data builtin --memories 10 --offset 60 --strict").exitCode, 1);
  EXPECT_EQ(runCli("info --data builtin --offset 64").exitCode, 1);  // nothing there at all
}

}  // namespace
