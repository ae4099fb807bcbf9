// The uhop-studio window: GLFW + OpenGL 3.3 core + Dear ImGui, the fixed layout of docs/architecture.md
// (menu bar; MEMORIES | STAGE I over STAGE II | METASTABLE STATES over the tabbed comparison
// panel), keyboard shortcuts, drag-and-drop, screenshots, settings, and the headless contract
// (--frames, --screenshot, --frame-stats, --autoplay, --layout-json, --script, --state-json).
#pragma once

#include <string>
#include <vector>

#include "studio/studio_options.h"

namespace uhop::ui {

// Runs the app; returns the process exit code: 0 ok; 2 no display / no OpenGL, or a --script that
// does not parse, or (headless) stops at a bad line; 1 another error (an output not written).
int runStudio(const StudioOptions& options);

// p-th percentile (0..100) of frame times, nearest-rank; 0 for an empty list.
double percentile(std::vector<double> values, double p);
// The --frame-stats JSON: frame count, per-frame CPU time of the UI thread in ms ("frame_ms")
// with mean, p50, p95, p99, max; and, if given, the wall-clock frame times ("wall_ms", wall_*:
// from the start of the frame to the end of glfwSwapBuffers, so they also count waiting for a CPU
// core, the OpenGL driver's rasterisation and the presentation; not the 60 Hz pacing); and, if one
// flag per frame says whether Stage I was playing, the same summaries over those frames only
// ("stage1_playing_*", "stage1_playing_wall_*").
std::string frameStatsJson(const std::vector<double>& frameMs,
                           const std::vector<double>& wallMs = {},
                           const std::vector<bool>& stage1Playing = {});
// Peak resident memory of the process so far (getrusage ru_maxrss), in MiB; also in the JSON
// as "peak_rss_mb".
double peakResidentMb();
// CPU time consumed by the calling thread, in ms.
double threadCpuMs();

}  // namespace uhop::ui
