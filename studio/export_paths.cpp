#include "studio/export_paths.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "core/separation_loss.h"
#include "core/similarity.h"
#include "plot/plot_export.h"
#include "studio/app_model.h"
#include "studio/settings.h"

namespace uhop::ui {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> nonEmpty(const EnvLookup& env, const std::string& key) {
  std::optional<std::string> v = env(key);
  if (v && v->empty()) return std::nullopt;
  return v;
}

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r") - a + 1);
}

}  // namespace

EnvLookup processEnvironment() {
  return [](const std::string& key) -> std::optional<std::string> {
    const char* v = std::getenv(key.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

std::optional<std::string> parseUserDirs(const std::string& text, const std::string& key,
                                         const std::string& home) {
  std::istringstream in(text);
  std::string line;
  std::optional<std::string> found;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos || trim(line.substr(0, eq)) != key) continue;
    std::string value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (value.rfind("$HOME", 0) == 0 && (value.size() == 5 || value[5] == '/')) {
      if (home.empty()) continue;
      value = home + value.substr(5);
    } else if (value.empty() || value[0] != '/') {
      continue;
    }
    found = value;  // the last assignment wins, as when the shell sources the file
  }
  return found;
}

std::string picturesDirectory(const EnvLookup& env) {
  const std::string home = nonEmpty(env, "HOME").value_or("");
  if (auto direct = nonEmpty(env, "XDG_PICTURES_DIR"); direct && (*direct)[0] == '/')
    return *direct;
  const fs::path configHome = nonEmpty(env, "XDG_CONFIG_HOME")
                                  ? fs::path(*env("XDG_CONFIG_HOME"))
                                  : (home.empty() ? fs::path() : fs::path(home) / ".config");
  if (!configHome.empty()) {
    std::ifstream in(configHome / "user-dirs.dirs", std::ios::binary);
    if (in) {
      std::stringstream text;
      text << in.rdbuf();
      if (auto dir = parseUserDirs(text.str(), "XDG_PICTURES_DIR", home)) return *dir;
    }
  }
  return (home.empty() ? fs::path("Pictures") : fs::path(home) / "Pictures").string();
}

std::string defaultExportFolder(const EnvLookup& env) {
  return (fs::path(picturesDirectory(env)) / "uhop-studio").string();
}

std::string resolveExportFolder(const Settings& settings, const std::string& override,
                                const EnvLookup& env) {
  const std::string chosen = !override.empty()                ? override
                             : !settings.exportFolder.empty() ? settings.exportFolder
                                                              : defaultExportFolder(env);
  std::error_code ec;
  const fs::path absolute = fs::absolute(chosen, ec);
  return (ec ? fs::path(chosen) : absolute).lexically_normal().string();
}

std::string timestampedFileName(const std::string& stem, const std::string& ext, std::time_t when) {
  std::tm local{};
  localtime_r(&when, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d-%H%M%S", &local);
  const std::string dotExt = ext.empty() || ext[0] == '.' ? ext : "." + ext;
  return stem + "-" + stamp + dotExt;
}

std::string reserveExportPath(const std::string& folder, const std::string& stem,
                              const std::string& ext, std::time_t when) {
  if (folder.empty()) throw std::runtime_error("no export folder set (File ▸ Export folder…)");
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec || !fs::is_directory(folder, ec))
    throw std::runtime_error("cannot create the export folder " + folder + ": " +
                             (ec ? ec.message() : std::string("not a directory")));
  const fs::path dir = fs::absolute(folder, ec).lexically_normal();
  const std::string first = timestampedFileName(stem, ext, when);
  const size_t dot = first.rfind('.');
  const std::string base = dot == std::string::npos ? first : first.substr(0, dot);
  const std::string dotExt = dot == std::string::npos ? "" : first.substr(dot);
  for (int n = 1; n < 10000; ++n) {
    const fs::path p = dir / (n == 1 ? first : base + "-" + std::to_string(n) + dotExt);
    // O_EXCL: the name is ours only if nobody (not even a dangling link) holds it.
    const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
      ::close(fd);
      return p.string();
    }
    if (errno != EEXIST)
      throw std::runtime_error("cannot write into the export folder " + dir.string() + ": " +
                               std::strerror(errno));
  }
  throw std::runtime_error("no free file name for " + first + " in " + dir.string());
}

std::string wroteMessage(const std::string& path) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  return "Wrote " + (ec ? path : absolute.lexically_normal().string());
}

namespace {

std::string shortNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string modelText(const ModelConfig& c) {
  return similarityName(c.similarity) + "/" + c.separation.name() + " β = " + shortNumber(c.beta) +
         (c.betaAfterSeparation ? " after sep" : "");
}

}  // namespace

std::string figureParameters(const AppModel& model) {
  const RetrievalColumn& base = model.column(Side::Baseline);
  const RetrievalColumn& uhop = model.column(Side::UHop);
  std::string text = "data " + (model.memories.source.empty() ? "-" : model.memories.source) +
                     ", M = " + std::to_string(model.memories.count()) + " · baseline " +
                     modelText(base.config) + " · U-Hop " + modelText(uhop.config) +
                     " · corruption " + model.query.corruption.name() + " (seed " +
                     std::to_string(model.query.seed) +
                     ") · T = " + std::to_string(model.metastable.steps);
  const Stage1Config& s1 = model.stage1.config;
  text += " · Stage I " + lossKindName(s1.loss.kind) + " loss, t = " + shortNumber(s1.loss.t) +
          ", seed " + std::to_string(s1.seed);
  const int wStep = std::max(base.wStep, uhop.wStep);
  if (wStep >= 0) text += ", W of step " + std::to_string(wStep);
  return text;
}

std::string exportFigure(const PlotSpec& shown, const std::string& format,
                         const std::string& folder, std::time_t when) {
  // The figure has its own fixed size: its tick density follows that size, not the panel's.
  PlotSpec spec = shown;
  spec.xAxis.maxTicks = spec.yAxis.maxTicks = 0;
  std::string content;
  if (format == "svg")
    content = plotToSvg(spec, kPrintWidth, kPrintHeight, kPrintFontSize, PlotStyle::Print);
  else if (format == "png")
    content = plotToPng(spec);
  else if (format == "csv")
    content = plotToCsv(spec);
  else
    throw std::runtime_error("unknown figure format '" + format + "' (svg, png or csv)");
  const std::string path = reserveExportPath(folder, sanitizeFileStem(spec.title), format, when);
  try {
    writeFileAtomically(path, content);
  } catch (...) {
    std::error_code ec;
    fs::remove(path, ec);  // the reserved empty file is not an export
    throw;
  }
  return path;
}

}  // namespace uhop::ui
