#include "ui/window/studio_app.h"

#define GLFW_INCLUDE_NONE
#include <GL/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <omp.h>
#include <sys/resource.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/datasets.h"
#include "plot/plot_export.h"
#include "studio/app_model.h"
#include "studio/export_paths.h"
#include "studio/script.h"
#include "studio/state_json.h"
#include "ui/panels/comparison_panel.h"
#include "ui/panels/theory_panel.h"
#include "ui/panels/experiments_panel.h"
#include "ui/panels/feature_space_panel.h"
#include "ui/panels/lesson_bar.h"
#include "ui/panels/memories_panel.h"
#include "ui/panels/metastable_panel.h"
#include "ui/panels/playground_panel.h"
#include "ui/panels/stage1_panel.h"
#include "ui/panels/stage2_panel.h"
#include "ui/plot_widget.h"
#include "ui/theme.h"
#include "ui/widgets.h"
#include "ui/window/background.h"
#include "ui/window/layout.h"
#include "ui/window/lessons.h"
#include "ui/window/offscreen.h"
#include "ui/window/recorder.h"
#include "ui/window/screenshot.h"
#include "ui/window/shortcuts.h"
#include "ui/window/window_events.h"

namespace uhop::ui {

namespace fs = std::filesystem;

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(p / 100.0 * static_cast<double>(values.size()));
  const size_t i =
      static_cast<size_t>(std::clamp(rank, 1.0, static_cast<double>(values.size()))) - 1;
  return values[i];
}

std::string frameStatsJson(const std::vector<double>& frameMs, const std::vector<double>& wallMs,
                           const std::vector<bool>& stage1Playing) {
  auto summary = [](nlohmann::json& j, const std::string& prefix, const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) sum += x;
    j[prefix + "mean_ms"] = v.empty() ? 0.0 : sum / static_cast<double>(v.size());
    j[prefix + "p50_ms"] = percentile(v, 50);
    j[prefix + "p95_ms"] = percentile(v, 95);
    j[prefix + "p99_ms"] = percentile(v, 99);
    j[prefix + "max_ms"] = v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
  };
  nlohmann::json j;
  j["frames"] = frameMs.size();
  j["peak_rss_mb"] = peakResidentMb();
  j["frame_ms_is"] =
      "CPU time of the UI thread per frame (events, panels, model updates, draw submission)";
  j["frame_ms"] = frameMs;
  summary(j, "", frameMs);
  if (!wallMs.empty()) {
    j["wall_ms"] = wallMs;
    summary(j, "wall_", wallMs);
  }
  // The same over the frames during which Stage I was playing on its worker.
  if (stage1Playing.size() == frameMs.size()) {
    std::vector<double> cpu, wall;
    for (size_t i = 0; i < frameMs.size(); ++i)
      if (stage1Playing[i]) {
        cpu.push_back(frameMs[i]);
        if (i < wallMs.size()) wall.push_back(wallMs[i]);
      }
    j["stage1_playing_frames"] = cpu.size();
    summary(j, "stage1_playing_", cpu);
    if (!wall.empty()) summary(j, "stage1_playing_wall_", wall);
  }
  return j.dump(1) + "\n";
}

constexpr std::chrono::microseconds kFramePeriod{16667};

double peakResidentMb() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

double threadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) * 1e-6;
}

namespace {

void onGlfwError(int code, const char* description) {
  std::fprintf(stderr, "uhop-studio: GLFW error %d: %s\n", code, description);
}

void printNoDisplay(const char* why) {
  std::fprintf(stderr,
               "uhop-studio: cannot open a window: %s.\n"
               "  No display? Run it under a virtual X server:\n"
               "      xvfb-run -a uhop-studio [options]\n"
               "  or use the command-line twin, which needs no display:\n"
               "      uhop --help\n",
               why);
}

// A horizontal drag bar that moves the split between two stacked children.
void splitter(const char* id, float& fraction, float total) {
  const float thickness = std::max(4.0f, em() * 0.35f);
  ImGui::InvisibleButton(id, ImVec2(-1, thickness));
  const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
  const bool active = ImGui::IsItemActive(), hovered = ImGui::IsItemHovered();
  if (active && total > 0)
    fraction = std::clamp(fraction + ImGui::GetIO().MouseDelta.y / total, 0.15f, 0.85f);
  if (hovered || active) ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeNS);
  const float y = (min.y + max.y) / 2;
  ImGui::GetWindowDrawList()->AddLine(
      ImVec2(min.x + em(), y), ImVec2(max.x - em(), y),
      ImGui::GetColorU32(hovered || active ? ImGuiCol_SeparatorHovered : ImGuiCol_Separator),
      active ? 3.0f : 1.0f);
  if (hovered) ImGui::SetTooltip("Drag to resize");
}

struct Studio {
  AppModel model;
  Commands commands;
  UiContext ui;
  MemoriesPanel memoriesPanel;
  Stage1Panel stage1Panel;
  Stage2Panel stage2Panel;
  MetastablePanel metastablePanel;
  ComparisonPanel comparisonPanel;
  ExperimentsPanel experimentsPanel;
  FeatureSpacePanel featureSpacePanel;
  PlaygroundPanel playgroundPanel;
  TheoryPanel theoryPanel;
  bool selectExperimentsTab = false;  // --tab experiments / --run-sweep: open it once
  // The presenter layout's page on screen, and one to switch to at the next frame (--tab, a
  // lesson's command).
  Page page = Page::Stage2;
  std::optional<Page> selectPage;
  LayoutMode layoutMode = LayoutMode::Columns;  // this frame's
  bool toggleFullScreen = false;                // F11, until the window applies it
  bool fullScreen = false;                      // the window is full screen (F11)
  float stage1Fraction = 0.34f;
  float metastableFraction = 0.55f;
  bool showKeys = false;
  WindowEvents events;  // key presses and dropped paths since the last frame
  bool openSessionDialog = false;
  bool sessionDialogSaves = true;  // Save session… or Load session…
  char sessionPath[1024] = {};
  bool showAbout = false;
  std::string fontMessage;
  float contentScale = 1;
  std::unique_ptr<ScriptRunner> script;  // --script FILE or a lesson, null without one
  std::string scriptPath;
  std::string lessonTitle;                          // the script's first comment line
  LessonAction lessonRequest = LessonAction::None;  // the lesson bar's or a key's, this frame
  std::string openScriptRequest;                    // File ▸ Open lesson, Help ▸ Lessons
  Recorder recorder;                                // record start/stop, File ▸ Export animation
  std::optional<RecordingOptions> recordStartRequest;  // from the Export animation dialog
  bool recordStopRequest = false;
  bool openPathDialog = false;
  bool pathDialogIsLesson = true;  // Open lesson… or Export animation…
  char pathDialogText[1024] = {};
  int recordWidth = 640;
  bool recordStage2 = false;
  std::string exportDirOverride;  // --export-dir: this run's export folder, over the settings'
  bool openExportFolderDialog = false;
  char exportFolderText[1024] = {};

  // Where exports without an explicit path go now (studio/export_paths.h).
  std::string exportFolder() const {
    return resolveExportFolder(model.settings, exportDirOverride, processEnvironment());
  }
  // F12 screenshots: a screenshot folder set in the settings file still wins.
  std::string screenshotFolder() const {
    return exportDirOverride.empty() && !model.settings.screenshotDir.empty()
               ? model.settings.screenshotDir
               : exportFolder();
  }

  float effectiveScale() const {
    return model.settings.uiScale > 0 ? model.settings.uiScale : contentScale;
  }

  void drawMenu() {
    if (!ImGui::BeginMenuBar()) return;
    if (ImGui::BeginMenu("File")) {
      if (ImGui::MenuItem("Open path…")) memoriesPanel.focusSource = true;
      if (ImGui::MenuItem("Load built-in set")) commands.push_back(LoadMemories{"builtin", 64, 0});
      if (ImGui::MenuItem("Load Fashion-MNIST (M = 500)"))
        commands.push_back(LoadMemories{"fashion-mnist", 500, 0});
      if (ImGui::BeginMenu("Recent", !model.settings.recentSources.empty())) {
        for (const std::string& r : model.settings.recentSources)
          if (ImGui::MenuItem(r.c_str()))
            commands.push_back(
                memoriesPanel.loadCommand(r, recentCount(model.settings, r, memoriesPanel.count)));
        ImGui::EndMenu();
      }
      ImGui::Separator();
      if (ImGui::MenuItem("Save session…")) {
        openSessionDialog = true;
        sessionDialogSaves = true;
        std::snprintf(sessionPath, sizeof sessionPath, "%s", defaultSessionPath().c_str());
      }
      tooltip(
          "Save the data source, M, every Stage I and model setting, seeds, the target and the "
          "painted query as JSON; loading it reproduces the same numbers.");
      if (ImGui::MenuItem("Load session…")) {
        openSessionDialog = true;
        sessionDialogSaves = false;
        const std::string start = !lastSessionPath.empty()
                                      ? lastSessionPath
                                      : (fs::path(configDirectory()) / "sessions" / "").string();
        std::snprintf(sessionPath, sizeof sessionPath, "%s", start.c_str());
      }
      drawWMenuItems();
      ImGui::Separator();
      drawLessonMenuItems();
      ImGui::Separator();
      if (ImGui::MenuItem("Save window as PNG", "F12")) commands.push_back(RequestScreenshot{});
      if (ImGui::MenuItem("Save window as PNG at 2× (slides)", "Shift+F12"))
        commands.push_back(RequestScreenshot{true});
      tooltip(
          "Re-renders the window once at twice the resolution (fonts, lines and images at 2×, "
          "not an upscaled bitmap) and saves it as PNG next to the screenshots.");
      if (ImGui::MenuItem("Export folder…")) {
        openExportFolderDialog = true;
        std::snprintf(exportFolderText, sizeof exportFolderText, "%s", exportFolder().c_str());
      }
      tooltip(
          "Where plot exports (SVG, PNG, CSV from a plot's right-click menu), F12 screenshots "
          "and animations go, each under a new time-stamped name.");
      ImGui::Separator();
      if (ImGui::MenuItem("Quit", "Ctrl+Q")) commands.push_back(Quit{});
      ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
      if (ImGui::MenuItem("Dark theme", nullptr, model.settings.theme == Theme::Dark))
        commands.push_back(SetTheme{Theme::Dark});
      if (ImGui::MenuItem("Light theme", nullptr, model.settings.theme == Theme::Light))
        commands.push_back(SetTheme{Theme::Light});
      ImGui::Separator();
      const float scales[] = {1.0f, 1.25f, 1.5f, 1.75f, 2.0f};
      const char* labels[] = {"UI scale 100 %", "UI scale 125 %", "UI scale 150 % (presenter)",
                              "UI scale 175 %", "UI scale 200 % (presenter)"};
      for (int i = 0; i < 5; ++i)
        if (ImGui::MenuItem(labels[i], nullptr, std::abs(effectiveScale() - scales[i]) < 0.01f))
          commands.push_back(SetUiScale{scales[i]});
      if (ImGui::MenuItem("UI scale from monitor", nullptr, model.settings.uiScale == 0))
        commands.push_back(SetUiScale{0});
      drawResetMenuItem();
      ImGui::Separator();
      if (ImGui::MenuItem("Presenter layout", nullptr, model.settings.presenterLayout))
        model.settings.presenterLayout = !model.settings.presenterLayout;
      tooltip(
          "One panel at a time, as big as the window, on pages (Memories, Stage I, Stage II, "
          "Metastable, Comparison, Experiments); advanced knobs fold under \"More settings\". For "
          "UI scales of 1.5–2 on a projector.");
      if (ImGui::MenuItem("Full screen presenter", "F11", fullScreen)) toggleFullScreen = true;
      tooltip("Full screen on this monitor with the presenter layout; F11 again goes back.");
      if (ImGui::MenuItem("Pages when the window is small", nullptr, model.settings.autoReflow))
        model.settings.autoReflow = !model.settings.autoReflow;
      tooltip(
          "Switch to the presenter's pages by itself when the window is too small for the three "
          "columns at this UI scale (under 76 × 40 font heights), instead of cutting panels.");
      ImGui::Separator();
      if (ImGui::MenuItem("Feature space", "F4", model.featureView.shown))
        commands.push_back(ToggleFeatureView{});
      if (ImGui::MenuItem("Energy playground", "F6", model.playground.shown))
        commands.push_back(PlaygroundCommand{PlaygroundToggle{}});
      if (ImGui::MenuItem("Theory", "F7", model.theoryView.shown))
        commands.push_back(ToggleTheoryView{});
      ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
      if (ImGui::MenuItem("Keyboard shortcuts")) showKeys = true;
      drawLessonsList();
      if (ImGui::MenuItem("About U-Hop Studio")) showAbout = true;
      ImGui::EndMenu();
    }
    // Scale control right in the menu bar, for presenters.
    ImGui::SameLine(ImGui::GetWindowWidth() - em() * 13);
    ImGui::TextDisabled("UI scale");
    ImGui::SameLine();
    float scale = effectiveScale();
    ImGui::SetNextItemWidth(em() * 7);
    ImGui::SliderFloat("##scale", &scale, 0.75f, 3.0f, "%.2f×");
    if (ImGui::IsItemDeactivatedAfterEdit()) commands.push_back(SetUiScale{scale});
    tooltip(
        "UI scale (presenter mode): fonts and spacing. Default follows the monitor's content "
        "scale. Release the slider to apply.");
    ImGui::EndMenuBar();
  }

  std::string lastSessionPath;

  // File ▸ Load W… / Save W…: a path popup like the session one (same loaders as
  // `uhop --load-w / --save-w`: the project's W format, or .npy).
  bool openWDialog = false;
  bool wDialogSaves = true;
  char wPath[1024] = {};

  void drawWMenuItems() {
    ImGui::Separator();
    if (ImGui::MenuItem("Load W…")) {
      openWDialog = true;
      wDialogSaves = false;
    }
    tooltip(
        "Start Stage I from a saved W (uhop stage1 --save-w, or a .npy of shape (D_Φ, d)): the "
        "U-Hop column uses it at once. A file that does not fit the memories changes nothing.");
    if (ImGui::MenuItem("Save W…", nullptr, false, model.stage1.snapshot != nullptr)) {
      openWDialog = true;
      wDialogSaves = true;
      if (wPath[0] == 0) std::snprintf(wPath, sizeof wPath, "%s", "W.npy");
    }
    tooltip(
        "Save Stage I's current W (rows normalised when Stage I normalises them), readable by "
        "uhop retrieve --load-w. A name ending in .npy writes NumPy, else the project's format.");
  }

  void drawWDialog() {
    if (openWDialog) ImGui::OpenPopup("W file");
    openWDialog = false;
    if (!ImGui::BeginPopupModal("W file", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
    ImGui::TextUnformatted(wDialogSaves ? "Save Stage I's W as (.npy or the project's format):"
                                        : "Load W from (.npy or the project's format):");
    ImGui::SetNextItemWidth(em() * 36);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    const bool enter =
        ImGui::InputText("##wpath", wPath, sizeof wPath, ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::Button(wDialogSaves ? "Save" : "Load") || enter) {
      if (wDialogSaves)
        commands.push_back(SaveW{wPath});
      else
        commands.push_back(LoadW{wPath});
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false))
      ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }

  void drawResetMenuItem() {
    ImGui::Separator();
    if (ImGui::MenuItem("Reset to defaults")) commands.push_back(ResetSettings{});
    tooltip(
        "Every setting (theme, scale, Stage I, β, corruption, T, kernel scale) back to its "
        "default, applied at once. The loaded data and the recent list stay.");
  }

  void drawSessionDialog() {
    if (openSessionDialog) ImGui::OpenPopup("Session");
    openSessionDialog = false;
    if (!ImGui::BeginPopupModal("Session", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
    ImGui::TextUnformatted(sessionDialogSaves ? "Save the session as (JSON):"
                                              : "Load the session from (JSON):");
    ImGui::SetNextItemWidth(em() * 36);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    const bool enter = ImGui::InputText("##sessionpath", sessionPath, sizeof sessionPath,
                                        ImGuiInputTextFlags_EnterReturnsTrue);
    if (!sessionDialogSaves)
      ImGui::TextDisabled("A malformed session is reported in the status bar and changes nothing.");
    if (ImGui::Button(sessionDialogSaves ? "Save" : "Load") || enter) {
      lastSessionPath = sessionPath;
      if (sessionDialogSaves)
        commands.push_back(SaveSession{sessionPath});
      else
        commands.push_back(LoadSession{sessionPath});
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false))
      ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }

  // File ▸ Open lesson… and File ▸ Export animation… (start / stop recording the window).
  void drawLessonMenuItems() {
    if (ImGui::MenuItem("Open lesson…")) {
      openPathDialog = true;
      pathDialogIsLesson = true;
      const std::string start = (fs::path(assetsDirectory()) / "lessons" / "").string();
      std::snprintf(pathDialogText, sizeof pathDialogText, "%s", start.c_str());
    }
    tooltip(
        "A lesson is a script with captions and pauses; each pause ends a slide. Page Down / → "
        "runs the next slide, Page Up / ← replays up to the previous one.");
    if (!recorder.active()) {
      if (ImGui::MenuItem("Export animation…")) {
        openPathDialog = true;
        pathDialogIsLesson = false;
        std::snprintf(pathDialogText, sizeof pathDialogText, "%s",
                      (fs::path(exportFolder()) /
                       timestampedFileName("uhop-animation", "gif", std::time(nullptr)))
                          .c_str());
      }
      tooltip(
          "Record the window as an animated GIF: a frame each time the model changes (a "
          "retrieval step, a Stage I step, a new query). A path ending in / writes PNG frames.");
    } else {
      char label[64];
      std::snprintf(label, sizeof label, "Stop recording (%zu frames)", recorder.frameCount());
      if (ImGui::MenuItem(label)) recordStopRequest = true;
    }
  }

  // Help ▸ Lessons: the lessons shipped in assets/lessons/, by title; a click opens one.
  void drawLessonsList() {
    if (!ImGui::BeginMenu("Lessons")) return;
    const std::vector<std::pair<std::string, std::string>> lessons = shippedLessons();
    if (lessons.empty()) ImGui::TextDisabled("no lessons in %s/lessons", assetsDirectory().c_str());
    for (const auto& [path, title] : lessons)
      if (ImGui::MenuItem(title.c_str())) openScriptRequest = path;
    ImGui::EndMenu();
  }

  void drawPathDialog() {
    if (openPathDialog) ImGui::OpenPopup("Path");
    openPathDialog = false;
    if (!ImGui::BeginPopupModal("Path", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
    ImGui::TextUnformatted(pathDialogIsLesson ? "Open the lesson (a script):"
                                              : "Record an animation to (FILE.gif or DIR/):");
    ImGui::SetNextItemWidth(em() * 36);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    const bool enter = ImGui::InputText("##path", pathDialogText, sizeof pathDialogText,
                                        ImGuiInputTextFlags_EnterReturnsTrue);
    if (!pathDialogIsLesson) {
      ImGui::SetNextItemWidth(em() * 8);
      ImGui::InputInt("width (px, 0 = window)", &recordWidth, 80);
      recordWidth = std::clamp(recordWidth, 0, 8192);
      ImGui::Checkbox("only the Stage II panel", &recordStage2);
    }
    if (ImGui::Button(pathDialogIsLesson ? "Open" : "Start recording") || enter) {
      const std::string path = pathDialogText;
      if (pathDialogIsLesson) {
        openScriptRequest = path;
      } else {
        RecordingOptions o;
        if (!path.empty() && path.back() == '/')
          o.framesDir = path;
        else
          o.gifPath = path;
        o.width = recordWidth;
        o.stage2Only = recordStage2;
        recordStartRequest = o;
      }
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false))
      ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }

  // File ▸ Export folder…: the folder is created at the first export, not here.
  void drawExportFolderDialog() {
    if (openExportFolderDialog) ImGui::OpenPopup("Export folder");
    openExportFolderDialog = false;
    if (!ImGui::BeginPopupModal("Export folder", nullptr, ImGuiWindowFlags_AlwaysAutoResize))
      return;
    ImGui::TextUnformatted("Plot exports, screenshots and animations go to:");
    ImGui::SetNextItemWidth(em() * 36);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    const bool enter =
        ImGui::InputText("##export-folder", exportFolderText, sizeof exportFolderText,
                         ImGuiInputTextFlags_EnterReturnsTrue);
    const std::string fallback = defaultExportFolder(processEnvironment());
    ImGui::TextDisabled("default: %s", fallback.c_str());
    if (!exportDirOverride.empty())
      ImGui::TextDisabled("this run uses --export-dir %s", exportDirOverride.c_str());
    if (ImGui::Button("Use default"))
      std::snprintf(exportFolderText, sizeof exportFolderText, "%s", fallback.c_str());
    ImGui::SameLine();
    if (ImGui::Button("OK") || enter) {
      const std::string folder = exportFolderText;
      // The default is stored as "" so the folder follows the user's pictures folder if it moves.
      commands.push_back(SetExportFolder{folder == fallback ? std::string() : folder});
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false))
      ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }

  void drawPopups() {
    drawSessionDialog();
    drawWDialog();
    drawPathDialog();
    drawExportFolderDialog();
    if (showKeys) ImGui::OpenPopup("Keyboard shortcuts");
    showKeys = false;
    if (ImGui::BeginPopupModal("Keyboard shortcuts", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
      ImGui::TextUnformatted(
          "Space    play / pause Stage I\n"
          "N        one Stage I step\n"
          "R        reset Stage I\n"
          "Ctrl+Z   undo the last brush stroke\n"
          "F4       feature space window (memories as points, similarity maps, Δ)\n"
          "F6       energy playground (2-D memories: energy, basins, Stage I live)\n"
          "F11      full screen with the presenter layout (F11 again: back to the window)\n"
          "F7       theory window (Δ, error bound vs measured error per memory)\n"
          "F12      save the window as PNG\n"
          "PgDn / → next slide of a lesson (Space at a pause)\n"
          "PgUp / ← previous slide (replayed from the lesson's start)\n"
          "Ctrl+Q   quit\n"
          "(keys are ignored while typing in a text field)");
      if (ImGui::Button("Close")) ImGui::CloseCurrentPopup();
      ImGui::EndPopup();
    }
    if (showAbout) ImGui::OpenPopup("About U-Hop Studio");
    showAbout = false;
    if (ImGui::BeginPopupModal("About U-Hop Studio", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
      ImGui::TextUnformatted(
          "U-Hop Studio — modern Hopfield memory with a learned separating kernel.\n"
          "Wu, Hu, Hsiao, Liu: Uniform Memory Retrieval with Larger Capacity for\n"
          "Modern Hopfield Models, ICML 2024 (arXiv 2404.03827).\n"
          "Settings: ");
      ImGui::SameLine(0, 0);
      ImGui::TextUnformatted(configDirectory().c_str());
      if (ImGui::Button("Close")) ImGui::CloseCurrentPopup();
      ImGui::EndPopup();
    }
  }

  // "…" + the longest tail of `text` (whole UTF-8 characters) that fits in `width` pixels.
  static std::string elideLeft(const std::string& text, float width) {
    if (ImGui::CalcTextSize(text.c_str()).x <= width) return text;
    const float ellipsis = ImGui::CalcTextSize("…").x;
    size_t start = 0;
    while (start < text.size()) {
      ++start;
      while (start < text.size() && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
        ++start;
      if (ImGui::CalcTextSize(text.c_str() + start).x + ellipsis <= width) break;
    }
    return "…" + text.substr(start);
  }

  void drawStatusBar() {
    std::string text = !model.statusMessage.empty()     ? model.statusMessage
                       : !model.settingsMessage.empty() ? model.settingsMessage
                       : !fontMessage.empty()           ? fontMessage
                                                        : std::string();
    if (script && script->paused()) {
      ImGui::TextUnformatted("Script paused at line");
      ImGui::SameLine();
      ImGui::Text("%d", script->currentLine());
      ImGui::SameLine();
      if (ImGui::SmallButton("Continue")) script->resume();
      ImGui::SameLine();
    }
    if (text.empty()) {
      ImGui::TextDisabled(
          "Space play/pause · N step · R reset · F12 screenshot · hover any knob for its formula");
    } else {
      // A long message (a written file's whole path) is elided on the left, where the path is
      // least telling; the full text is on hover.
      const float room =
          ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("dismiss 000 fps").x - em() * 3;
      const std::string shown = elideLeft(text, room);
      ImGui::PushStyleColor(ImGuiCol_Text, colorWarn());
      ImGui::TextUnformatted(shown.c_str());
      ImGui::PopStyleColor();
      if (shown != text && ImGui::IsItemHovered()) tooltip(text.c_str());
      ImGui::SameLine();
      if (ImGui::SmallButton("dismiss")) {
        if (!model.statusMessage.empty())
          model.statusMessage.clear();
        else if (!model.settingsMessage.empty())
          model.settingsMessage.clear();
        else
          fontMessage.clear();
      }
    }
    char fps[32];
    std::snprintf(fps, sizeof fps, "%.0f fps", ImGui::GetIO().Framerate);
    ImGui::SameLine(ImGui::GetWindowWidth() - ImGui::CalcTextSize(fps).x - em());
    ImGui::TextDisabled("%s", fps);
  }

  void drawChild(const char* id, const char* layoutName, ImVec2 size, auto&& body) {
    ImGui::BeginChild(id, size, true);
    const ImVec2 min = ImGui::GetWindowPos();
    ui.record(layoutName, min,
              ImVec2(min.x + ImGui::GetWindowWidth(), min.y + ImGui::GetWindowHeight()));
    body();
    ImGui::EndChild();
  }

  // This frame's panel cards (the "panel.*" rectangles of the layout), which clearBackground
  // paints.
  std::vector<ImVec4> panelCards() const {
    std::vector<ImVec4> cards;
    for (const auto& [name, r] : ui.layout)
      if (name.rfind("panel.", 0) == 0) cards.push_back(ImVec4(r.x, r.y, r.x + r.w, r.y + r.h));
    return cards;
  }

  void drawFrame() {
    const ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
    // No background: clearBackground paints it, and the panel cards, with glClear.
    ImGui::Begin("U-Hop Studio", nullptr,
                 ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoDecoration |
                     ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                     ImGuiWindowFlags_MenuBar | ImGuiWindowFlags_NoBringToFrontOnFocus |
                     ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::PopStyleVar();
    drawMenu();
    layoutMode = chooseLayout(model.settings.presenterLayout, model.settings.autoReflow,
                              io.DisplaySize.x, io.DisplaySize.y, em());
    ui.presenter = layoutMode == LayoutMode::Presenter;
    const float statusH = ImGui::GetFrameHeightWithSpacing();
    // A lesson's caption sits between the panels and the status bar, never over a panel.
    const ImVec2 caption = captionSize();
    const float captionH = caption.y > 0 ? caption.y + ImGui::GetStyle().ItemSpacing.y : 0;
    const float bodyH =
        ImGui::GetContentRegionAvail().y - statusH - ImGui::GetStyle().ItemSpacing.y - captionH;
    if (layoutMode == LayoutMode::Presenter)
      drawPages(bodyH);
    else
      drawColumns(bodyH);
    if (captionH > 0) ImGui::Dummy(ImVec2(0, captionH - ImGui::GetStyle().ItemSpacing.y));
    drawStatusBar();
    drawPopups();
    ImGui::End();
    featureSpacePanel.draw(model, commands, ui);
    playgroundPanel.draw(model, commands, ui);
    theoryPanel.draw(model, commands, ui);
    drawCaption(caption);
  }

  // The three columns: memories | Stage I over Stage II | metastable over the Fair comparison and
  // Experiments tabs, with splitters between the stacked panels.
  void drawColumns(float bodyH) {
    if (!ImGui::BeginTable("layout", 3,
                           ImGuiTableFlags_Resizable | ImGuiTableFlags_BordersInnerV |
                               ImGuiTableFlags_SizingStretchProp,
                           ImVec2(0, bodyH)))
      return;
    ImGui::TableSetupColumn("memories", ImGuiTableColumnFlags_WidthStretch, 0.19f);
    ImGui::TableSetupColumn("stages", ImGuiTableColumnFlags_WidthStretch, 0.53f);
    ImGui::TableSetupColumn("right", ImGuiTableColumnFlags_WidthStretch, 0.28f);
    // Inside a table cell the content region reaches the window bottom, so heights are explicit.
    const float cellH = bodyH - 2 * ImGui::GetStyle().CellPadding.y - 2;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    drawChild("memories", "panel.memories", ImVec2(0, cellH),
              [&] { memoriesPanel.draw(model, commands, ui); });

    ImGui::TableNextColumn();
    const float splitH = std::max(4.0f, em() * 0.35f) + ImGui::GetStyle().ItemSpacing.y * 2;
    // Stage I keeps room for its knobs and both plots (their legends need ~7 lines) on small
    // windows; the splitter sets the rest.
    const float h1 = std::floor(std::clamp((cellH - splitH) * stage1Fraction,
                                           std::min(em() * 16.5f, cellH * 0.6f), cellH * 0.85f));
    drawChild("stage1", "panel.stage1", ImVec2(0, h1),
              [&] { stage1Panel.draw(model, commands, ui); });
    splitter("split1", stage1Fraction, bodyH);
    drawChild("stage2", "panel.stage2", ImVec2(0, cellH - h1 - splitH),
              [&] { stage2Panel.draw(model, commands, ui); });

    ImGui::TableNextColumn();
    const float h2 = std::floor((cellH - splitH) * metastableFraction);
    drawChild("metastable", "panel.metastable", ImVec2(0, h2),
              [&] { metastablePanel.draw(model, commands, ui); });
    splitter("split2", metastableFraction, bodyH);
    // A page asked for (--tab, a script's command) is the lower right tab here, or stays the
    // page for when the window reflows to pages.
    const bool toExperiments = selectExperimentsTab || selectPage == Page::Experiments;
    const bool toComparison = selectPage == Page::Comparison;
    if (selectPage) page = *selectPage;
    selectPage.reset();
    selectExperimentsTab = false;
    drawChild("tabs", "panel.tabs", ImVec2(0, cellH - h2 - splitH), [&] {
      if (ImGui::BeginTabBar("righttabs")) {
        if (ImGui::BeginTabItem("Fair comparison", nullptr,
                                toComparison ? ImGuiTabItemFlags_SetSelected : 0)) {
          comparisonPanel.draw(model, commands, ui);
          ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Experiments", nullptr,
                                toExperiments ? ImGuiTabItemFlags_SetSelected : 0)) {
          recordExperimentsArea();
          experimentsPanel.draw(model, commands, ui);
          ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
      }
    });
    ImGui::EndTable();
  }

  void recordExperimentsArea() {
    const ImVec2 min = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    ui.record("panel.experiments", min, ImVec2(min.x + avail.x, min.y + avail.y));
  }

  // The presenter layout: a row of page tabs, then one page as big as the rest of the window.
  void drawPages(float bodyH) {
    if (selectExperimentsTab) selectPage = Page::Experiments;
    selectExperimentsTab = false;
    const float top = ImGui::GetCursorPosY();
    if (ImGui::BeginTabBar("pages")) {
      for (int i = 0; i < kPageCount; ++i) {
        const Page p = static_cast<Page>(i);
        const bool select = selectPage && *selectPage == p;
        if (ImGui::BeginTabItem(pageTitle(p), nullptr,
                                select ? ImGuiTabItemFlags_SetSelected : 0)) {
          page = p;
          ImGui::EndTabItem();
        }
      }
      ImGui::EndTabBar();
    }
    selectPage.reset();
    const ImVec2 size(0, std::floor(bodyH - (ImGui::GetCursorPosY() - top)));
    switch (page) {
      case Page::Memories:
        // With room for both, Stage II beside the memories: a click on a memory shows its
        // retrieval at once.
        if (ImGui::GetContentRegionAvail().x / em() >= 55) {
          const float w = std::floor(ImGui::GetContentRegionAvail().x * 0.3f);
          drawChild("memories", "panel.memories", ImVec2(w, size.y),
                    [&] { memoriesPanel.draw(model, commands, ui); });
          ImGui::SameLine();
          drawChild("stage2", "panel.stage2", size, [&] { stage2Panel.draw(model, commands, ui); });
        } else {
          drawChild("memories", "panel.memories", size,
                    [&] { memoriesPanel.draw(model, commands, ui); });
        }
        break;
      case Page::Stage1:
        drawChild("stage1", "panel.stage1", size, [&] { stage1Panel.draw(model, commands, ui); });
        break;
      case Page::Stage2:
        drawChild("stage2", "panel.stage2", size, [&] { stage2Panel.draw(model, commands, ui); });
        break;
      case Page::Metastable:
        drawChild("metastable", "panel.metastable", size,
                  [&] { metastablePanel.draw(model, commands, ui); });
        break;
      case Page::Comparison:
        drawChild("comparison", "panel.comparison", size,
                  [&] { comparisonPanel.draw(model, commands, ui); });
        break;
      case Page::Experiments:
        drawChild("experiments", "panel.experiments", size,
                  [&] { experimentsPanel.draw(model, commands, ui); });
        break;
    }
  }

  // A script's `caption TEXT` (lecture use): large text over the bottom of the window, with
  // Continue while the script is at a `pause`.
  bool isLesson() const { return script && script->slideCount() > 1; }

  LessonBarInfo lessonBarInfo(bool headless) const {
    LessonBarInfo info;
    info.title = lessonTitle;
    info.slide = std::min(script->slide(), script->slideCount());
    info.slides = script->slideCount();
    info.waiting = script->paused();
    info.buttons = !headless;
    return info;
  }

  bool headlessRun = false;

  bool captionShown() const {
    return script && (!script->caption().empty() || script->paused() || isLesson());
  }

  // The caption window's size (0 × 0 when there is none). Computed, not auto-fitted: an
  // auto-fitted window keeps last frame's size for a frame, which clips the text in a 2×
  // re-render and hides a new caption for a frame.
  static constexpr float kCaptionFontScale = 1.6f;  // readable from the back of a lecture hall
  static constexpr const char* kContinueLabel = "Continue (Space)";
  float captionWrap() const { return ImGui::GetIO().DisplaySize.x * 0.6f; }
  ImVec2 captionPadding() const { return ImVec2(em() * 1.2f, em() * 0.8f); }

  ImVec2 captionSize() const {
    if (!captionShown()) return ImVec2(0, 0);
    const ImGuiStyle& style = ImGui::GetStyle();
    const std::string& caption = script->caption();
    const float wrap = captionWrap();
    const ImVec2 pad = captionPadding();
    ImVec2 text(0, 0), button(0, 0);
    if (!caption.empty()) {
      // Glyph advances scale with the font, so wrapping at wrap / scale at the base size breaks
      // the lines where the scaled text will.
      text = ImGui::CalcTextSize(caption.c_str(), nullptr, false, wrap / kCaptionFontScale);
      text = ImVec2(std::ceil(text.x * kCaptionFontScale), std::ceil(text.y * kCaptionFontScale));
    }
    if (isLesson())
      button = lessonBarSize(lessonBarInfo(headlessRun));
    else if (script->paused())
      button = ImVec2(ImGui::CalcTextSize(kContinueLabel).x + 2 * style.FramePadding.x,
                      ImGui::GetFrameHeight());
    const float gap = text.y > 0 && button.y > 0 ? style.ItemSpacing.y : 0;
    return ImVec2(std::max(text.x, button.x) + 2 * pad.x + 2, text.y + gap + button.y + 2 * pad.y);
  }

  // The caption between the panels (which leave room for it) and the status bar.
  void drawCaption(ImVec2 size) {
    if (!captionShown() || size.y <= 0) return;
    const ImGuiIO& io = ImGui::GetIO();
    const std::string& caption = script->caption();
    const float statusH = ImGui::GetFrameHeightWithSpacing();
    ImGui::SetNextWindowSize(size);
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f,
                                   io.DisplaySize.y - statusH - ImGui::GetStyle().WindowPadding.y),
                            ImGuiCond_Always, ImVec2(0.5f, 1.0f));
    ImGui::SetNextWindowBgAlpha(0.92f);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, captionPadding());
    ImGui::Begin("##caption", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav |
                     ImGuiWindowFlags_NoMove);
    const ImVec2 min = ImGui::GetWindowPos();
    ui.record("caption", min,
              ImVec2(min.x + ImGui::GetWindowWidth(), min.y + ImGui::GetWindowHeight()));
    if (!caption.empty()) {
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + captionWrap());
      ImGui::SetWindowFontScale(kCaptionFontScale);
      ImGui::TextUnformatted(caption.c_str());
      ImGui::SetWindowFontScale(1.0f);
      ImGui::PopTextWrapPos();
    }
    if (isLesson()) {
      const LessonAction action = drawLessonBar(lessonBarInfo(headlessRun));
      if (action != LessonAction::None) lessonRequest = action;
    } else if (script->paused() && ImGui::Button(kContinueLabel)) {
      script->resume();
    }
    ImGui::End();
    ImGui::PopStyleVar();
  }

  // The frame's queued input as Commands: every key press counts once (ui/window/shortcuts.h), and
  // a dropped file or folder loads with the Memories panel's M and offset.
  void takeWindowEvents() {
    // While a script waits at `pause`, Space continues it instead of playing Stage I.
    if (script && script->paused() && !ImGui::GetIO().WantTextInput) {
      const auto space = std::find_if(
          events.keys.begin(), events.keys.end(),
          [](const KeyPress& k) { return k.key == GLFW_KEY_SPACE && k.mods == 0 && !k.repeat; });
      if (space != events.keys.end()) {
        events.keys.erase(space);
        script->resume();
      }
    }
    // A lesson's slides: Page Down / → next, Page Up / ← previous (what presentation clickers
    // send).
    if (isLesson() && !ImGui::GetIO().WantTextInput) {
      for (auto it = events.keys.begin(); it != events.keys.end();) {
        const bool next = it->key == GLFW_KEY_PAGE_DOWN || it->key == GLFW_KEY_RIGHT;
        const bool prev = it->key == GLFW_KEY_PAGE_UP || it->key == GLFW_KEY_LEFT;
        if ((next || prev) && it->mods == 0) {
          if (!it->repeat) lessonRequest = next ? LessonAction::Next : LessonAction::Prev;
          it = events.keys.erase(it);
        } else {
          ++it;
        }
      }
    }
    // F11 toggles full screen and the presenter layout: the window (StudioRun) applies it.
    for (auto it = events.keys.begin(); it != events.keys.end();) {
      if (it->key == GLFW_KEY_F11 && it->mods == 0) {
        if (!it->repeat) toggleFullScreen = true;
        it = events.keys.erase(it);
      } else {
        ++it;
      }
    }
    shortcutCommands(events.keys, ImGui::GetIO().WantTextInput, commands);
    for (const std::string& path : events.droppedPaths)
      commands.push_back(memoriesPanel.loadCommand(path, memoriesPanel.count));
    events.clear();
  }
};

// --autoplay: Stage I plays once W exists; Stage II steps both columns every few frames, holds
// the converged result for a moment, then moves on to the next memory as target.
struct Autoplay {
  bool stage1Started = false;
  int holdUntil = -1;
  void update(const AppModel& model, Commands& commands, int frame) {
    if (!stage1Started && model.stage1.snapshot) {
      commands.push_back(Stage1Play{});
      stage1Started = true;
    }
    if (!model.memories.set || frame % 4 != 0) return;
    bool done = true;
    for (const auto& col : model.columns)
      done = done && (col.converged || col.steps >= 12 || !col.model);
    if (!done) {
      commands.push_back(StepRetrieval{});
    } else if (holdUntil < 0) {
      holdUntil = frame + 60;
    } else if (frame >= holdUntil) {
      commands.push_back(SelectTarget{(model.query.target + 1) % model.memories.count()});
      holdUntil = -1;
    }
  }
};

// The first load runs on the load worker like any other, so what depends on its outcome waits
// for it here, once per frame: a source that cannot be loaded falls back to the built-in set, and
// --run-sweep starts once memories are there.
struct StartupLoad {
  std::string runSweep;
  bool dataGiven = false;  // --data on the command line
  bool headless = false;
  bool fellBack = false;
  bool done = false;
  bool failed = false;  // a headless run whose --data did not load: exit 1, no outputs
  void update(AppModel& model, Studio& studio) {
    if (done || model.loading()) return;
    if (!model.memories.set && !fellBack) {
      std::fprintf(stderr, "uhop-studio: %s\n", model.memories.error.c_str());
      // A --data that fails is never replaced silently: headless runs (scripts, figures) exit 1;
      // interactive ones show the built-in set with the error in the memories panel and status bar.
      if (dataGiven && headless) {
        failed = done = true;
        return;
      }
      const std::string error = model.memories.error;
      applyCommand(model, LoadMemories{"builtin", 64, 0});
      model.memories.error = error + " Loading the built-in set instead.";
      if (dataGiven) model.statusMessage = "--data failed: " + model.memories.error;
      fellBack = true;
      return;
    }
    done = true;
    if (runSweep.empty() || !model.memories.set) return;
    ExperimentsPanel& panel = studio.experimentsPanel;
    panel.kind = static_cast<int>(parseSweepKind(runSweep));
    StartExperiment start = panel.startCommand();
    start.grid.clear();  // the default grid fitted to the loaded M
    start.models.clear();
    applyCommand(model, start);
    if (!model.experiments.error.empty())
      std::fprintf(stderr, "uhop-studio: --run-sweep: %s\n", model.experiments.error.c_str());
  }
};

void writeLayoutJson(const std::string& path, const UiContext& ui, GLFWwindow* window,
                     float scale) {
  int w, h, fw, fh;
  glfwGetWindowSize(window, &w, &h);
  glfwGetFramebufferSize(window, &fw, &fh);
  const double sx = w > 0 ? static_cast<double>(fw) / w : 1,
               sy = h > 0 ? static_cast<double>(fh) / h : 1;
  nlohmann::json j;
  j["window"] = {w, h};
  j["framebuffer"] = {fw, fh};
  j["ui_scale"] = scale;
  j["units"] = "framebuffer pixels, origin top-left: [x, y, width, height]";
  for (const auto& [name, r] : ui.layout)
    j["rects"][name] = {std::lround(r.x * sx), std::lround(r.y * sy), std::lround(r.w * sx),
                        std::lround(r.h * sy)};
  std::ofstream out(path);
  out << j.dump(1) << "\n";
  if (!out) std::fprintf(stderr, "uhop-studio: could not write %s\n", path.c_str());
}

// Renders one extra frame of the studio into an offscreen framebuffer at `factor`× the window's
// resolution, with fonts and style rebuilt at factor × scale (so text is sharp, not upscaled),
// and returns it. Commands the panels push during that frame are dropped. The normal fonts come
// back on the next frame (themeOrScaleChanged).
RgbImage renderScaledFrame(Studio& studio, GLFWwindow* window, float scale, float factor,
                           bool headless) {
  int w, h, fw, fh;
  glfwGetWindowSize(window, &w, &h);
  glfwGetFramebufferSize(window, &fw, &fh);
  OffscreenTarget target(static_cast<int>(std::lround(fw * factor)),
                         static_cast<int>(std::lround(fh * factor)));
  loadFonts(scale * factor);
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
  applyTheme(studio.model.settings.theme, scale * factor);
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(w) * factor, static_cast<float>(h) * factor);
  io.DisplayFramebufferScale =
      ImVec2(w > 0 ? static_cast<float>(fw) / w : 1.0f, h > 0 ? static_cast<float>(fh) / h : 1.0f);
  io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);  // no hover tooltips in the picture
  ImGui::NewFrame();
  studio.ui.layout.clear();
  studio.drawFrame();
  ImGui::Render();
  studio.commands.clear();
  target.bind();
  clearBackground(studio.panelCards(), target.width(), target.height());
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  RgbImage image = target.read();
  target.unbind();
  studio.model.themeOrScaleChanged = true;
  (void)headless;
  return image;
}

// One run of the app, in the three parts runStudio loops over: set-up (window, settings, ImGui,
// the first load, --run-sweep, --script), one frame (input → panels → commands → model → draw →
// screenshots), and the exports after the last frame (--frame-stats, --state-json, settings).
class StudioRun {
 public:
  explicit StudioRun(const StudioOptions& opt) : opt_(opt) {}
  StudioRun(const StudioRun&) = delete;
  StudioRun& operator=(const StudioRun&) = delete;
  ~StudioRun() { shutDown(); }

  // 0 when the window is up; else the exit code (2: no display / no OpenGL / unreadable script).
  int setUp() {
    std::vector<ScriptLine> lines;
    if (!opt_.script.empty()) {
      // A script that does not parse stops before a window opens.
      try {
        lines = loadScriptFile(opt_.script);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "uhop-studio: script %s\n", e.what());
        return 2;
      }
    }
    if (const int code = openWindow(); code != 0) return code;
    studio_ = std::make_unique<Studio>();
    AppModel& model = studio_->model;
    studio_->events.attach(window_);  // before ImGui's backend, which chains its key callback
    studio_->headlessRun = headless();
    studio_->exportDirOverride = opt_.exportDir;
    if (!opt_.script.empty()) startScript(opt_.script, std::move(lines), 0);
    if (!opt_.screenshotEach.empty()) {
      std::error_code ec;
      fs::create_directories(opt_.screenshotEach, ec);
    }
    applyStartSettings();
    setUpImGui();
    applyCommand(model,
                 LoadMemories{settings_.dataSource, settings_.memoryCount, settings_.memoryOffset});
    startup_ = StartupLoad{opt_.runSweep, opt_.data.has_value(), headless()};
    if (opt_.tab == "experiments" || !opt_.runSweep.empty()) studio_->selectExperimentsTab = true;
    studio_->selectPage = parsePage(opt_.tab);
    return 0;
  }

  // Renders one frame; false when the run is over (window closed, Quit, the last headless frame,
  // or a script error in a headless run).
  bool frame() {
    AppModel& model = studio_->model;
    if (glfwWindowShouldClose(window_) || model.quitRequested) return false;
    const auto t0 = std::chrono::steady_clock::now();
    const double cpu0 = threadCpuMs();
    beginFrame();
    studio_->ui.layout.clear();
    studio_->takeWindowEvents();
    if (opt_.autoplay) autoplay_.update(model, studio_->commands, frame_);
    handleLessonRequests();
    const size_t before = studio_->commands.size();
    std::optional<ScriptScreenshot> scriptShot = advanceScript();
    // The presenter's pages follow a script: its last command that shows on a page opens it.
    for (size_t i = before; i < studio_->commands.size(); ++i)
      if (const std::optional<Page> p = pageShowing(studio_->commands[i])) studio_->selectPage = p;
    std::optional<ScriptRecord> scriptRecord =
        studio_->script ? studio_->script->takeRecord() : std::nullopt;
    std::optional<ScriptExport> scriptExport =
        studio_->script ? studio_->script->takeExport() : std::nullopt;
    if (scriptExport) studio_->ui.exportByName = {{scriptExport->plot, scriptExport->format}};
    studio_->drawFrame();
    ImGui::Render();
    if (studio_->toggleFullScreen) toggleFullScreen();
    // What this frame shows, before the Commands it pushed change the model.
    const uint64_t drawn =
        recordSignature(model, studio_->script ? studio_->script->caption() : std::string());
    applyCommands(model, studio_->commands);
    updateModel(model);
    startup_.update(model, *studio_);
    if (startup_.failed) return false;

    int fw, fh;
    glfwGetFramebufferSize(window_, &fw, &fh);
    glViewport(0, 0, fw, fh);
    clearBackground(studio_->panelCards(), fw, fh);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    frameMs_.push_back(threadCpuMs() - cpu0);
    stage1Playing_.push_back(model.stage1Playing());
    studio_->ui.textures.collectUnused();

    const bool last = isLastFrame();
    if (last) writeLastFrame(fw, fh);
    if (scriptShot) writeScriptScreenshot(*scriptShot, fw, fh);
    recordFrame(scriptRecord, drawn, fw, fh);
    if (scriptExport) {
      bool ok = false;
      if (studio_->ui.exportByName) {
        studio_->ui.exportByName.reset();
        model.statusMessage = "Script export: no plot named " + scriptExport->plot +
                              " is on screen (see --layout-json for the names)";
      } else {
        ok = savePlotExport();
      }
      std::fprintf(stderr, "uhop-studio: %s\n", model.statusMessage.c_str());
      if (!ok && headless()) exitCode_ = 1;
    }
    savePlotExport();
    saveRequestedScreenshots(fw, fh);
    glfwSwapBuffers(window_);
    // Wall time of the whole frame, presentation included: under Xvfb, llvmpipe rasterises in
    // glfwSwapBuffers, and that is most of a frame.
    wallMs_.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    // At most 60 frames per second, as a display's vsync would pace it. Without a display (Xvfb,
    // swap interval 0) an unpaced loop has llvmpipe rasterise frames nobody sees: measured at
    // M = 500, its two threads took 70 % of the CPU and left the UI thread and Stage I waiting.
    std::this_thread::sleep_until(t0 + kFramePeriod);
    ++frame_;
    return !last && !scriptFailedHeadless();
  }

  // After the last frame: the outputs asked for; returns the exit code.
  int finish() {
    if (scriptFailedHeadless()) return 2;  // no outputs from a script that stopped early
    if (startup_.failed) return 1;         // nor from a run whose --data did not load
    AppModel& model = studio_->model;
    if (!opt_.frameStats.empty()) {
      std::ofstream out(opt_.frameStats);
      out << frameStatsJson(frameMs_, wallMs_, stage1Playing_);
      std::fprintf(stderr,
                   "uhop-studio: %zu frames, UI-thread CPU p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
                   "wall p99 %.1f ms; peak RSS %.0f MB\n",
                   frameMs_.size(), percentile(frameMs_, 50), percentile(frameMs_, 99),
                   frameMs_.empty() ? 0.0 : *std::max_element(frameMs_.begin(), frameMs_.end()),
                   percentile(wallMs_, 99), peakResidentMb());
      if (!out) {
        std::fprintf(stderr, "uhop-studio: could not write %s\n", opt_.frameStats.c_str());
        exitCode_ = 1;
      }
    }
    if (!opt_.stateJson.empty()) {
      try {
        writeStateJson(model, opt_.stateJson);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "uhop-studio: %s\n", e.what());
        exitCode_ = 1;
      }
    }
    if (!headless()) {
      std::string message;
      if (!saveSettings(settingsPath_, currentSettings(model), message))
        std::fprintf(stderr, "uhop-studio: %s\n", message.c_str());
    }
    return exitCode_;
  }

 private:
  bool headless() const { return opt_.headless(); }

  int openWindow() {
    const char* display = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    if ((!display || !*display) && (!wayland || !*wayland)) {
      printNoDisplay("neither DISPLAY nor WAYLAND_DISPLAY is set");
      return 2;
    }
    // The UI thread's numeric work is one query at a time (microseconds); an OpenMP team there
    // would only wait at barriers for cores the Stage I / metastable workers are using.
    omp_set_num_threads(1);
    glfwSetErrorCallback(onGlfwError);
    if (!glfwInit()) {
      printNoDisplay("GLFW could not connect to the display");
      return 2;
    }
    glfwUp_ = true;
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    const int width = opt_.width > 0 ? opt_.width : 1600;
    const int height = opt_.height > 0 ? opt_.height : 1000;
    window_ = glfwCreateWindow(width, height, "U-Hop Studio", nullptr, nullptr);
    if (!window_) {
      printNoDisplay("no OpenGL 3.3 core context could be created");
      return 2;
    }
    glfwMakeContextCurrent(window_);
    glfwSwapInterval(headless() ? 0 : 1);
    return 0;
  }

  // F11: full screen on the monitor the window is on, with the presenter layout; again, back to
  // the window as it was and the layout chosen before.
  void toggleFullScreen() {
    Studio& s = *studio_;
    s.toggleFullScreen = false;
    Settings& settings = s.model.settings;
    if (glfwGetWindowMonitor(window_)) {
      glfwSetWindowMonitor(window_, nullptr, windowed_[0], windowed_[1], windowed_[2], windowed_[3],
                           0);
      settings.presenterLayout = presenterBeforeFullScreen_;
      s.fullScreen = false;
      return;
    }
    glfwGetWindowPos(window_, &windowed_[0], &windowed_[1]);
    glfwGetWindowSize(window_, &windowed_[2], &windowed_[3]);
    GLFWmonitor* monitor = monitorUnderWindow();
    const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
    if (!mode) {
      s.model.statusMessage = "Full screen: no monitor found";
      return;
    }
    glfwSetWindowMonitor(window_, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
    presenterBeforeFullScreen_ = settings.presenterLayout;
    settings.presenterLayout = true;
    s.fullScreen = true;
  }

  // The monitor holding the window's centre (the primary one when none does).
  GLFWmonitor* monitorUnderWindow() const {
    int x, y, w, h, count = 0;
    glfwGetWindowPos(window_, &x, &y);
    glfwGetWindowSize(window_, &w, &h);
    const int cx = x + w / 2, cy = y + h / 2;
    GLFWmonitor** monitors = glfwGetMonitors(&count);
    for (int i = 0; i < count; ++i) {
      const GLFWvidmode* mode = glfwGetVideoMode(monitors[i]);
      int mx, my;
      glfwGetMonitorPos(monitors[i], &mx, &my);
      if (mode && cx >= mx && cx < mx + mode->width && cy >= my && cy < my + mode->height)
        return monitors[i];
    }
    return glfwGetPrimaryMonitor();
  }

  // Settings: the user's, unless headless (figure scripts and tests must be reproducible), with
  // the command line's options over them.
  void applyStartSettings() {
    AppModel& model = studio_->model;
    configDir_ = configDirectory();
    settingsPath_ = (fs::path(configDir_) / "settings.json").string();
    iniPath_ = (fs::path(configDir_) / "imgui.ini").string();
    if (!headless()) settings_ = restoreSettings(settingsPath_, model.settingsMessage);
    if (!model.settingsMessage.empty())
      std::fprintf(stderr, "uhop-studio: %s\n", model.settingsMessage.c_str());
    if (opt_.theme) settings_.theme = *opt_.theme == "light" ? Theme::Light : Theme::Dark;
    if (opt_.scale) settings_.uiScale = *opt_.scale;
    if (opt_.layout) {
      settings_.presenterLayout = *opt_.layout == "presenter";
      settings_.autoReflow = *opt_.layout != "columns";
    }
    if (opt_.data) {
      settings_.dataSource = *opt_.data;
      if (!opt_.memories) settings_.memoryCount = *opt_.data == "builtin" ? 64 : 500;
    }
    if (opt_.memories) settings_.memoryCount = *opt_.memories;
    if (opt_.offset) settings_.memoryOffset = *opt_.offset;
    if (opt_.stage1Steps) settings_.stage1Steps = *opt_.stage1Steps;
    applySettings(model, settings_);
    float xs = 1, ys = 1;
    glfwGetWindowContentScale(window_, &xs, &ys);
    studio_->contentScale = std::clamp(std::max(xs, ys), 1.0f, 4.0f);
  }

  void setUpImGui() {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    imguiUp_ = true;
    ImGuiIO& io = ImGui::GetIO();
    if (headless()) {
      io.IniFilename = nullptr;
    } else {
      std::error_code ec;
      fs::create_directories(configDir_, ec);
      io.IniFilename = iniPath_.c_str();
    }
    ImGui_ImplGlfw_InitForOpenGL(window_, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");
    scale_ = studio_->effectiveScale();
    studio_->fontMessage = loadFonts(scale_);
    applyTheme(studio_->model.settings.theme, scale_);
  }

  // --tab experiments / --run-sweep KIND.

  void beginFrame() {
    AppModel& model = studio_->model;
    glfwPollEvents();
    if (model.themeOrScaleChanged) {
      model.themeOrScaleChanged = false;
      scale_ = studio_->effectiveScale();
      studio_->fontMessage = loadFonts(scale_);
      ImGui_ImplOpenGL3_DestroyFontsTexture();
      ImGui_ImplOpenGL3_CreateFontsTexture();
      applyTheme(model.settings.theme, scale_);
    }
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    // Headless runs: Xvfb parks the pointer mid-screen, where it would hover a widget and open its
    // tooltip in every screenshot.
    if (headless()) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    ImGui::NewFrame();
  }

  // The script's share of this frame: its Commands go with the panels'. A screenshot line asks
  // for the frame being drawn now (everything before it is applied: see ScriptRunner::advance).
  std::optional<ScriptScreenshot> advanceScript() {
    ScriptRunner* script = studio_->script.get();
    if (!script || script->finished()) return std::nullopt;
    script->advance(studio_->model, studio_->commands);
    if (script->failed()) {
      std::fprintf(stderr, "uhop-studio: script %s\n", script->error().c_str());
      studio_->model.statusMessage = "Script stopped: " + script->error();
    }
    return script->takeScreenshot();
  }

  // A script (--script, or a lesson opened from the menus) on a fresh runner; the first
  // `skipPauses` pauses pass at once (a replay to slide skipPauses + 1).
  void startScript(const std::string& path, std::vector<ScriptLine> lines, int skipPauses) {
    studio_->script = std::make_unique<ScriptRunner>(std::move(lines), path, !headless());
    studio_->script->skipPauses(skipPauses);
    if (!opt_.screenshotEach.empty()) studio_->script->setSlideScreenshots(opt_.screenshotEach);
    studio_->scriptPath = path;
    studio_->lessonTitle = scriptTitle(path);
  }

  // The model back to its start state (as after set-up), so a replayed lesson gives the same
  // numbers every time. AppModel owns threads and cannot be assigned, so it is rebuilt in place;
  // the textures keyed by its version counters go with it.
  void resetModel() {
    studio_->ui.textures.clear();
    studio_->commands.clear();
    std::destroy_at(&studio_->model);
    std::construct_at(&studio_->model);
    AppModel& model = studio_->model;
    applySettings(model, settings_);
    applyCommand(model,
                 LoadMemories{settings_.dataSource, settings_.memoryCount, settings_.memoryOffset});
    waitForLoad(model);  // the replay that follows starts from these memories
    if (!model.memories.set) {
      applyCommand(model, LoadMemories{"builtin", 64, 0});
      waitForLoad(model);
    }
  }

  // Opens a lesson at slide `slide`: resets the model and runs the script from the top, without
  // drawing, through its first slide − 1 pauses (Prev, Restart, File ▸ Open lesson).
  void replayLesson(const std::string& path, int slide) {
    AppModel& model = studio_->model;
    std::vector<ScriptLine> lines;
    try {
      lines = loadScriptFile(path);
    } catch (const std::exception& e) {
      model.statusMessage = std::string("Lesson not opened: ") + e.what();
      return;
    }
    resetModel();
    startScript(path, std::move(lines), std::max(0, slide - 1));
    ScriptRunner& script = *studio_->script;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    while (script.fastForwarding() && std::chrono::steady_clock::now() < deadline) {
      script.advance(model, studio_->commands);
      script.takeScreenshot();
      script.takeRecord();
      applyCommands(model, studio_->commands);
      updateModel(model);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (script.failed())
      model.statusMessage = "Script stopped: " + script.error();
    else if (script.fastForwarding())
      model.statusMessage =
          "Lesson replay took too long; stopped at slide " + std::to_string(script.slide());
  }

  void handleLessonRequests() {
    if (!studio_->openScriptRequest.empty()) {
      const std::string path = std::move(studio_->openScriptRequest);
      studio_->openScriptRequest.clear();
      replayLesson(path, 1);
    }
    const LessonAction action = studio_->lessonRequest;
    studio_->lessonRequest = LessonAction::None;
    ScriptRunner* script = studio_->script.get();
    if (!script || action == LessonAction::None) return;
    if (action == LessonAction::Next) script->resume();
    if (action == LessonAction::Prev)
      replayLesson(studio_->scriptPath,
                   std::max(1, std::min(script->slide(), script->slideCount()) - 1));
    if (action == LessonAction::Restart) replayLesson(studio_->scriptPath, 1);
  }

  // Recording: this frame is kept when the model changed since the last kept one; then a script's
  // `record start|stop` or the menu's request is applied (a stop after this frame's offer, so the
  // state the last step drew is in the animation).
  void recordFrame(const std::optional<ScriptRecord>& scriptRecord, uint64_t drawn, int fw,
                   int fh) {
    Studio& s = *studio_;
    AppModel& model = s.model;
    if (s.recorder.active()) {
      try {
        s.recorder.offer(drawn, [&] {
          RgbImage image = readFramebuffer(fw, fh);
          const auto panel = s.ui.layout.find("panel.stage2");
          if (!s.recorder.options().stage2Only || panel == s.ui.layout.end()) return image;
          // Layout rectangles are in window coordinates; the framebuffer may be denser.
          const ImVec2 k = ImGui::GetIO().DisplayFramebufferScale;
          const auto& r = panel->second;
          return crop(image, static_cast<int>(r.x * k.x), static_cast<int>(r.y * k.y),
                      static_cast<int>(std::ceil((r.x + r.w) * k.x)),
                      static_cast<int>(std::ceil((r.y + r.h) * k.y)));
        });
      } catch (const std::exception& e) {
        model.statusMessage = std::string("Recording failed: ") + e.what();
      }
    }
    std::optional<RecordingOptions> start = std::move(s.recordStartRequest);
    s.recordStartRequest.reset();
    bool stop = s.recordStopRequest;
    s.recordStopRequest = false;
    if (scriptRecord) {
      if (scriptRecord->start) {
        RecordingOptions o;
        o.gifPath = scriptRecord->gifPath;
        o.framesDir = scriptRecord->framesDir;
        o.width = scriptRecord->width;
        o.delayCentiseconds = scriptRecord->delayCentiseconds;
        o.stage2Only = scriptRecord->stage2Only;
        start = o;
      } else {
        stop = true;
      }
    }
    if (stop) {
      if (!s.recorder.active()) {
        model.statusMessage = "record stop: nothing is being recorded";
      } else {
        try {
          const std::string report = s.recorder.stop();
          std::fprintf(stderr, "uhop-studio: %s\n", report.c_str());
          // Headless, the status bar stays clean for the script's later screenshots.
          if (!headless()) model.statusMessage = report;
        } catch (const std::exception& e) {
          std::fprintf(stderr, "uhop-studio: recording: %s\n", e.what());
          model.statusMessage = std::string("Recording not written: ") + e.what();
          if (headless()) exitCode_ = 1;
        }
      }
    }
    if (start) {
      s.recorder.start(*start);
      if (!headless()) model.statusMessage = "Recording… (File ▸ Stop recording)";
    }
  }

  bool scriptFailedHeadless() const {
    return headless() && studio_->script && studio_->script->failed();
  }

  // Headless: the last of --frames N, and with a script not before it has run to its end.
  bool isLastFrame() const {
    if (!headless()) return false;
    const bool scriptDone = !studio_->script || studio_->script->finished();
    return frame_ + 1 >= opt_.frames && scriptDone;
  }

  void writeLastFrame(int fw, int fh) {
    if (!opt_.screenshot.empty()) {
      try {
        writePng(opt_.screenshot, readFramebuffer(fw, fh));
      } catch (const std::exception& e) {
        std::fprintf(stderr, "uhop-studio: %s\n", e.what());
        exitCode_ = 1;
      }
    }
    if (!opt_.layoutJson.empty()) writeLayoutJson(opt_.layoutJson, studio_->ui, window_, scale_);
    if (!opt_.screenshot2x.empty()) {
      try {
        writePng(opt_.screenshot2x, renderScaledFrame(*studio_, window_, scale_, 2, true));
      } catch (const std::exception& e) {
        std::fprintf(stderr, "uhop-studio: %s\n", e.what());
        exitCode_ = 1;
      }
    }
  }

  void writeScriptScreenshot(const ScriptScreenshot& shot, int fw, int fh) {
    AppModel& model = studio_->model;
    try {
      writePng(shot.path, shot.scale == 2
                              ? renderScaledFrame(*studio_, window_, scale_, 2, headless())
                              : readFramebuffer(fw, fh));
      // Headless, the status bar stays clean for the script's later screenshots.
      if (!headless()) model.statusMessage = "Saved " + fs::absolute(shot.path).string();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "uhop-studio: script screenshot: %s\n", e.what());
      model.statusMessage = std::string("Script screenshot failed: ") + e.what();
      if (headless()) exitCode_ = 1;
    }
  }

  // A plot's "Export SVG / PNG / CSV": the figure as the plot shows it, in print style, into the
  // export folder; the status bar gets the whole path.
  // False when an export was asked for and failed.
  bool savePlotExport() {
    std::optional<PlotExportRequest>& request = studio_->ui.plotExport;
    if (!request) return true;
    bool ok = true;
    AppModel& model = studio_->model;
    PlotSpec spec = std::move(request->spec);
    if (spec.parameters.empty()) spec.parameters = figureParameters(model);
    try {
      const std::string path =
          exportFigure(spec, request->format, studio_->exportFolder(), std::time(nullptr));
      model.statusMessage = wroteMessage(path);
      if (request->view) request->view->statusIsError = false;
    } catch (const std::exception& e) {
      model.statusMessage = "Plot " + request->format + " not written: " + e.what();
      ok = false;
      if (request->view) request->view->statusIsError = true;
    }
    if (request->view) {
      request->view->statusMessage = model.statusMessage;
      request->view->statusTime = ImGui::GetTime();
    }
    request.reset();
    return ok;
  }

  // A new time-stamped PNG in the screenshot folder; the reserved name goes again on failure.
  std::string writeScreenshot(const std::string& stem, const RgbImage& image) {
    const std::string path =
        reserveExportPath(studio_->screenshotFolder(), stem, "png", std::time(nullptr));
    try {
      writePng(path, image);
    } catch (...) {
      std::error_code ec;
      fs::remove(path, ec);
      throw;
    }
    return path;
  }

  // F12 / Shift+F12 (and the File menu): time-stamped PNGs in the export folder.
  void saveRequestedScreenshots(int fw, int fh) {
    AppModel& model = studio_->model;
    for (; model.screenshots2xRequested > 0; --model.screenshots2xRequested) {
      try {
        const std::string path = writeScreenshot(
            "uhop-studio-2x", renderScaledFrame(*studio_, window_, scale_, 2, false));
        model.statusMessage = wroteMessage(path);
      } catch (const std::exception& e) {
        model.statusMessage = std::string("2× screenshot failed: ") + e.what();
      }
    }
    for (; model.screenshotsRequested > 0; --model.screenshotsRequested) {
      try {
        const std::string path = writeScreenshot("uhop-studio", readFramebuffer(fw, fh));
        model.statusMessage = wroteMessage(path);
      } catch (const std::exception& e) {
        model.statusMessage = std::string("Screenshot failed: ") + e.what();
      }
    }
  }

  void shutDown() {
    if (imguiUp_) {
      if (studio_) studio_->ui.textures.clear();
      ImGui_ImplOpenGL3_Shutdown();
      ImGui_ImplGlfw_Shutdown();
      ImGui::DestroyContext();
      imguiUp_ = false;
    }
    studio_.reset();  // joins the worker threads
    if (window_) glfwDestroyWindow(window_);
    window_ = nullptr;
    if (glfwUp_) glfwTerminate();
    glfwUp_ = false;
  }

  const StudioOptions& opt_;
  GLFWwindow* window_ = nullptr;
  bool glfwUp_ = false, imguiUp_ = false;
  std::unique_ptr<Studio> studio_;
  Settings settings_;
  std::string configDir_, settingsPath_, iniPath_;  // iniPath_ outlives ImGui (IniFilename)
  float scale_ = 1;
  int windowed_[4] = {0, 0, 1600, 1000};  // position and size before F11
  bool presenterBeforeFullScreen_ = false;
  Autoplay autoplay_;
  StartupLoad startup_;
  int frame_ = 0;
  std::vector<double> frameMs_, wallMs_;
  std::vector<bool> stage1Playing_;
  int exitCode_ = 0;
};

}  // namespace

int runStudio(const StudioOptions& options) {
  StudioRun run(options);
  if (const int code = run.setUp(); code != 0) return code;
  while (run.frame()) {
  }
  return run.finish();
}

}  // namespace uhop::ui
