// Where the studio's exports go (docs/architecture.md "Settings"): one export folder, chosen once
// (File ▸ Export folder…, persisted as Settings::exportFolder), defaulting to the user's XDG
// pictures folder + "/uhop-studio"; `--export-dir DIR` overrides it for one run. Every file the
// studio writes without an explicit path (plot SVG/CSV/PNG, F12 screenshots, the animation's
// default name) gets a descriptive, time-stamped name there and never replaces an existing file.
#pragma once

#include <ctime>
#include <functional>
#include <optional>
#include <string>

#include "plot/plot_spec.h"

namespace uhop::ui {

struct Settings;
struct AppModel;

// Reads one environment variable (std::getenv in the app; a map in tests). nullopt = unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup processEnvironment();

// The value of `key` (e.g. "XDG_PICTURES_DIR") in the text of an XDG user-dirs.dirs file: lines
// `KEY="$HOME/Pictures"` or `KEY="/abs/path"`, "$HOME" expanded to `home`, '#' lines ignored.
// nullopt when the key is missing or its value is neither absolute nor $HOME-relative (the
// format xdg-user-dirs writes; anything else is not a path we can trust).
std::optional<std::string> parseUserDirs(const std::string& text, const std::string& key,
                                         const std::string& home);

// The user's pictures folder: $XDG_PICTURES_DIR if set and absolute, else the XDG_PICTURES_DIR
// line of $XDG_CONFIG_HOME/user-dirs.dirs (~/.config/user-dirs.dirs), else $HOME/Pictures
// (relative "Pictures" if HOME is unset too).
std::string picturesDirectory(const EnvLookup& env);

// picturesDirectory(env) + "/uhop-studio".
std::string defaultExportFolder(const EnvLookup& env);

// The folder exports go to this run: `override` (--export-dir) if not empty, else the settings'
// exportFolder if not empty, else defaultExportFolder(env). Made absolute (exports report the
// whole path); not created here.
std::string resolveExportFolder(const Settings& settings, const std::string& override,
                                const EnvLookup& env);

// "<stem>-YYYY-MM-DD-HHMMSS.<ext>" in local time, e.g. "energy-2026-11-30-211530.svg".
std::string timestampedFileName(const std::string& stem, const std::string& ext, std::time_t when);

// Creates `folder` if needed and reserves a file there named timestampedFileName(stem, ext, when),
// or with "-2", "-3", … before the extension when that name exists: the file is created empty with
// O_EXCL, so two exports in the same second (or another program's file) are never overwritten.
// The caller then replaces it (writeFileAtomically / writePng rename onto it). Returns the
// absolute path. Throws std::runtime_error naming the folder when it cannot be created or written.
std::string reserveExportPath(const std::string& folder, const std::string& stem,
                              const std::string& ext, std::time_t when);

// The status-bar message after an export: "Wrote /abs/path/energy-….svg" (whole absolute path).
std::string wroteMessage(const std::string& path);

// What the studio's figures are computed with, from the model as it is: data source and M, both
// models (similarity/separation, β), the corruption and its seed, T of the metastable runs, and
// Stage I's loss, seed and the W step a kernel model uses. A plot export whose panel left
// PlotSpec::parameters empty gets this (a panel whose numbers come from a finished run, like the
// sweeps or the metastable histogram, fills in that run's own parameters instead).
std::string figureParameters(const AppModel& model);

// Writes `spec` into `folder` as a print figure and returns the absolute path: "svg" = plotToSvg
// in PlotStyle::Print at kPrintWidth × kPrintHeight, "png" = the same figure rasterised
// (plotToPng), "csv" = plotToCsv (title and parameters as leading "# " lines). The name is
// reserveExportPath(folder, sanitizeFileStem(spec.title), format, when). Throws
// std::runtime_error on an unknown format or when the folder or file cannot be written.
std::string exportFigure(const PlotSpec& spec, const std::string& format, const std::string& folder,
                         std::time_t when);

}  // namespace uhop::ui
