// Runs the built `uhop` binary (UHOP_CLI) through the shell and captures its output, for the
// CLI contract tests.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace uhop::test {

struct RunResult {
  int exitCode = -1;
  std::string out;
};

// Runs a shell command line and captures its stdout.
inline RunResult runShell(const std::string& command) {
  RunResult r;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) r.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// `env` is prepended (e.g. "OMP_NUM_THREADS=1"); stderr is dropped unless `stderrOnly`, in which
// case only stderr is captured.
inline RunResult runCli(const std::string& args, const std::string& env = "", bool stderrOnly = false) {
  return runShell(env + (env.empty() ? "" : " ") + std::string(UHOP_CLI) + " " + args +
                  (stderrOnly ? " 2>&1 >/dev/null" : " 2>/dev/null"));
}

}  // namespace uhop::test
