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
#include <nlohmann/json.hpp>
#include <thread>

#include "studio/app_model.h"
#include "ui/window/background.h"
#include "ui/panels/experiments_panel.h"
#include "ui/panels/memories_panel.h"
#include "ui/panels/metastable_panel.h"
#include "ui/window/offscreen.h"
#include "plot/plot_export.h"
#include "ui/plot_widget.h"
#include "ui/window/screenshot.h"
#include "ui/window/shortcuts.h"
#include "ui/panels/stage1_panel.h"
#include "ui/panels/stage2_panel.h"
#include "ui/theme.h"
#include "ui/widgets.h"
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
  bool selectExperimentsTab = false;  // --tab experiments / --run-sweep: open it once
  float stage1Fraction = 0.34f;
  float metastableFraction = 0.5f;
  bool showKeys = false;
  WindowEvents events;  // key presses and dropped paths since the last frame
  bool openSessionDialog = false;
  bool sessionDialogSaves = true;  // Save session… or Load session…
  char sessionPath[1024] = {};
  bool showAbout = false;
  std::string fontMessage;
  float contentScale = 1;

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
            commands.push_back(LoadMemories{r, memoriesPanel.count, memoriesPanel.offset});
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
      ImGui::Separator();
      if (ImGui::MenuItem("Save window as PNG", "F12")) commands.push_back(RequestScreenshot{});
      if (ImGui::MenuItem("Save window as PNG at 2× (slides)", "Shift+F12"))
        commands.push_back(RequestScreenshot{true});
      tooltip(
          "Re-renders the window once at twice the resolution (fonts, lines and images at 2×, "
          "not an upscaled bitmap) and saves it as PNG next to the screenshots.");
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
      ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
      if (ImGui::MenuItem("Keyboard shortcuts")) showKeys = true;
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

  void drawPopups() {
    drawSessionDialog();
    if (showKeys) ImGui::OpenPopup("Keyboard shortcuts");
    showKeys = false;
    if (ImGui::BeginPopupModal("Keyboard shortcuts", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
      ImGui::TextUnformatted(
          "Space    play / pause Stage I\n"
          "N        one Stage I step\n"
          "R        reset Stage I\n"
          "Ctrl+Z   undo the last brush stroke\n"
          "F12      save the window as PNG\n"
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

  void drawStatusBar() {
    std::string text = !model.statusMessage.empty()     ? model.statusMessage
                       : !model.settingsMessage.empty() ? model.settingsMessage
                       : !fontMessage.empty()           ? fontMessage
                                                        : std::string();
    if (text.empty()) {
      ImGui::TextDisabled(
          "Space play/pause · N step · R reset · F12 screenshot · hover any knob for its formula");
    } else {
      ImGui::PushStyleColor(ImGuiCol_Text, colorWarn());
      ImGui::TextUnformatted(text.c_str());
      ImGui::PopStyleColor();
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
    const float statusH = ImGui::GetFrameHeightWithSpacing();
    const float bodyH =
        ImGui::GetContentRegionAvail().y - statusH - ImGui::GetStyle().ItemSpacing.y;
    if (ImGui::BeginTable("layout", 3,
                          ImGuiTableFlags_Resizable | ImGuiTableFlags_BordersInnerV |
                              ImGuiTableFlags_SizingStretchProp,
                          ImVec2(0, bodyH))) {
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
      // Stage I keeps room for its knobs and both plots (their legends need ~8 lines) on small
      // windows; the splitter sets the rest.
      const float h1 = std::floor(std::clamp((cellH - splitH) * stage1Fraction,
                                             std::min(em() * 17.5f, cellH * 0.6f), cellH * 0.85f));
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
      drawChild("tabs", "panel.tabs", ImVec2(0, cellH - h2 - splitH), [&] {
        if (ImGui::BeginTabBar("righttabs")) {
          if (ImGui::BeginTabItem("Fair comparison")) {
            comparisonPanel.draw(model, commands, ui);
            ImGui::EndTabItem();
          }
          if (ImGui::BeginTabItem("Experiments", nullptr,
                                  selectExperimentsTab ? ImGuiTabItemFlags_SetSelected : 0)) {
            const ImVec2 min = ImGui::GetCursorScreenPos();
            ui.record("panel.experiments", min,
                      ImVec2(min.x + ImGui::GetContentRegionAvail().x,
                             min.y + ImGui::GetContentRegionAvail().y));
            experimentsPanel.draw(model, commands, ui);
            ImGui::EndTabItem();
          }
          selectExperimentsTab = false;
          ImGui::EndTabBar();
        }
      });
      ImGui::EndTable();
    }
    drawStatusBar();
    drawPopups();
    ImGui::End();
  }

  // The frame's queued input as Commands: every key press counts once (ui/window/shortcuts.h), and a
  // dropped file or folder loads with the Memories panel's M and offset.
  void takeWindowEvents() {
    shortcutCommands(events.keys, ImGui::GetIO().WantTextInput, commands);
    for (const std::string& path : events.droppedPaths)
      commands.push_back(LoadMemories{path, memoriesPanel.count, memoriesPanel.offset});
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
  bool fellBack = false;
  bool done = false;
  void update(AppModel& model, Studio& studio) {
    if (done || model.loading()) return;
    if (!model.memories.set && !fellBack) {
      std::fprintf(stderr, "uhop-studio: %s\n", model.memories.error.c_str());
      const std::string error = model.memories.error;
      applyCommand(model, LoadMemories{"builtin", 64, 0});
      model.memories.error = error + " Loading the built-in set instead.";
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

}  // namespace

int runStudio(const StudioOptions& opt) {
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
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  const int width = opt.width > 0 ? opt.width : 1600, height = opt.height > 0 ? opt.height : 1000;
  GLFWwindow* window = glfwCreateWindow(width, height, "U-Hop Studio", nullptr, nullptr);
  if (!window) {
    printNoDisplay("no OpenGL 3.3 core context could be created");
    glfwTerminate();
    return 2;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(opt.headless() ? 0 : 1);

  auto studio = std::make_unique<Studio>();
  AppModel& model = studio->model;
  studio->events.attach(window);  // before ImGui's backend, which chains its key callback to it

  // Settings: the user's, unless headless (figure scripts and tests must be reproducible).
  const std::string configDir = configDirectory();
  const std::string settingsPath = (fs::path(configDir) / "settings.json").string();
  const std::string iniPath = (fs::path(configDir) / "imgui.ini").string();
  Settings settings;
  if (!opt.headless()) settings = loadSettings(settingsPath, model.settingsMessage);
  if (!model.settingsMessage.empty())
    std::fprintf(stderr, "uhop-studio: %s\n", model.settingsMessage.c_str());
  if (opt.theme) settings.theme = *opt.theme == "light" ? Theme::Light : Theme::Dark;
  if (opt.scale) settings.uiScale = *opt.scale;
  if (opt.data) {
    settings.dataSource = *opt.data;
    if (!opt.memories) settings.memoryCount = *opt.data == "builtin" ? 64 : 500;
  }
  if (opt.memories) settings.memoryCount = *opt.memories;
  if (opt.offset) settings.memoryOffset = *opt.offset;
  if (opt.stage1Steps) settings.stage1Steps = *opt.stage1Steps;
  applySettings(model, settings);

  float xs = 1, ys = 1;
  glfwGetWindowContentScale(window, &xs, &ys);
  studio->contentScale = std::clamp(std::max(xs, ys), 1.0f, 4.0f);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  std::string iniStorage = iniPath;
  if (opt.headless()) {
    io.IniFilename = nullptr;
  } else {
    std::error_code ec;
    fs::create_directories(configDir, ec);
    io.IniFilename = iniStorage.c_str();
  }
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  float scale = studio->effectiveScale();
  studio->fontMessage = loadFonts(scale);
  applyTheme(model.settings.theme, scale);

  applyCommand(model,
               LoadMemories{settings.dataSource, settings.memoryCount, settings.memoryOffset});
  if (opt.tab == "experiments" || !opt.runSweep.empty()) studio->selectExperimentsTab = true;
  StartupLoad startup{opt.runSweep};

  Autoplay autoplay;
  std::vector<double> frameMs, wallMs;
  std::vector<bool> stage1Playing;
  int exitCode = 0;
  for (int frame = 0; !glfwWindowShouldClose(window) && !model.quitRequested; ++frame) {
    if (opt.headless() && frame >= opt.frames) break;
    const auto t0 = std::chrono::steady_clock::now();
    const double cpu0 = threadCpuMs();
    glfwPollEvents();
    if (model.themeOrScaleChanged) {
      model.themeOrScaleChanged = false;
      scale = studio->effectiveScale();
      studio->fontMessage = loadFonts(scale);
      ImGui_ImplOpenGL3_DestroyFontsTexture();
      ImGui_ImplOpenGL3_CreateFontsTexture();
      applyTheme(model.settings.theme, scale);
    }
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    // Headless runs: Xvfb parks the pointer mid-screen, where it would hover a widget and open its
    // tooltip in every screenshot.
    if (opt.headless()) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    ImGui::NewFrame();
    studio->ui.layout.clear();
    studio->takeWindowEvents();
    if (opt.autoplay) autoplay.update(model, studio->commands, frame);
    studio->drawFrame();
    ImGui::Render();
    applyCommands(model, studio->commands);
    updateModel(model);
    startup.update(model, *studio);

    int fw, fh;
    glfwGetFramebufferSize(window, &fw, &fh);
    glViewport(0, 0, fw, fh);
    clearBackground(studio->panelCards(), fw, fh);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    frameMs.push_back(threadCpuMs() - cpu0);
    stage1Playing.push_back(model.stage1Playing());
    studio->ui.textures.collectUnused();

    const bool last = opt.headless() && frame + 1 >= opt.frames;
    if (last && !opt.screenshot.empty()) {
      try {
        writePng(opt.screenshot, readFramebuffer(fw, fh));
      } catch (const std::exception& e) {
        std::fprintf(stderr, "uhop-studio: %s\n", e.what());
        exitCode = 1;
      }
    }
    if (last && !opt.layoutJson.empty()) writeLayoutJson(opt.layoutJson, studio->ui, window, scale);
    if (last && !opt.screenshot2x.empty()) {
      try {
        writePng(opt.screenshot2x, renderScaledFrame(*studio, window, scale, 2, true));
      } catch (const std::exception& e) {
        std::fprintf(stderr, "uhop-studio: %s\n", e.what());
        exitCode = 1;
      }
    }
    if (std::optional<PlotPngRequest>& request = studio->ui.plotPngRequest) {
      // One plot at 2×: re-render the window at 2× and crop where the plot was drawn.
      request->seen = false;
      try {
        const RgbImage full = renderScaledFrame(*studio, window, scale, 2, false);
        if (!request->seen) throw std::runtime_error("the plot was not drawn");
        const float sx = io.DisplayFramebufferScale.x, sy = io.DisplayFramebufferScale.y;
        const int x0 = std::clamp(static_cast<int>(request->x0 * sx), 0, full.width - 1);
        const int y0 = std::clamp(static_cast<int>(request->y0 * sy), 0, full.height - 1);
        const int x1 =
            std::clamp(static_cast<int>(std::ceil(request->x1 * sx)), x0 + 1, full.width);
        const int y1 =
            std::clamp(static_cast<int>(std::ceil(request->y1 * sy)), y0 + 1, full.height);
        RgbImage crop;
        crop.width = x1 - x0;
        crop.height = y1 - y0;
        crop.pixels.resize(static_cast<size_t>(crop.width) * crop.height * 3);
        for (int y = 0; y < crop.height; ++y)
          std::copy_n(full.pixels.begin() + ((static_cast<size_t>(y0 + y) * full.width) + x0) * 3,
                      static_cast<size_t>(crop.width) * 3,
                      crop.pixels.begin() + static_cast<size_t>(y) * crop.width * 3);
        if (!request->directory.empty()) fs::create_directories(request->directory);
        const std::string path = nextFreePath(request->directory, request->stem, "png");
        writePng(path, crop);
        if (request->view) {
          request->view->statusMessage = "saved " + path;
          request->view->statusIsError = false;
          request->view->statusTime = ImGui::GetTime();
        }
        model.statusMessage = "Saved " + fs::absolute(path).string() + " (plot at 2×)";
      } catch (const std::exception& e) {
        model.statusMessage = std::string("Plot PNG failed: ") + e.what();
      }
      request.reset();
    }
    for (; model.screenshots2xRequested > 0; --model.screenshots2xRequested) {
      try {
        const std::string path = writeNumberedPng(
            model.settings.screenshotDir, renderScaledFrame(*studio, window, scale, 2, false));
        model.statusMessage = "Saved " + fs::absolute(path).string() + " (2×)";
      } catch (const std::exception& e) {
        model.statusMessage = std::string("2× screenshot failed: ") + e.what();
      }
    }
    for (; model.screenshotsRequested > 0; --model.screenshotsRequested) {
      try {
        const std::string path =
            writeNumberedPng(model.settings.screenshotDir, readFramebuffer(fw, fh));
        model.statusMessage = "Saved " + fs::absolute(path).string();
      } catch (const std::exception& e) {
        model.statusMessage = std::string("Screenshot failed: ") + e.what();
      }
    }
    glfwSwapBuffers(window);
    // Wall time of the whole frame, presentation included: under Xvfb, llvmpipe rasterises in
    // glfwSwapBuffers, and that is most of a frame.
    wallMs.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    // At most 60 frames per second, as a display's vsync would pace it. Without a display (Xvfb,
    // swap interval 0) an unpaced loop has llvmpipe rasterise frames nobody sees: measured at
    // M = 500, its two threads took 70 % of the CPU and left the UI thread and Stage I waiting.
    std::this_thread::sleep_until(t0 + kFramePeriod);
  }

  if (!opt.frameStats.empty()) {
    std::ofstream out(opt.frameStats);
    out << frameStatsJson(frameMs, wallMs, stage1Playing);
    std::fprintf(stderr,
                 "uhop-studio: %zu frames, UI-thread CPU p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
                 "wall p99 %.1f ms; peak RSS %.0f MB\n",
                 frameMs.size(), percentile(frameMs, 50), percentile(frameMs, 99),
                 frameMs.empty() ? 0.0 : *std::max_element(frameMs.begin(), frameMs.end()),
                 percentile(wallMs, 99), peakResidentMb());
    if (!out) {
      std::fprintf(stderr, "uhop-studio: could not write %s\n", opt.frameStats.c_str());
      exitCode = 1;
    }
  }
  if (!opt.headless()) {
    std::string message;
    if (!saveSettings(settingsPath, currentSettings(model), message))
      std::fprintf(stderr, "uhop-studio: %s\n", message.c_str());
  }
  studio->ui.textures.clear();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  studio.reset();  // joins the worker threads
  glfwDestroyWindow(window);
  glfwTerminate();
  return exitCode;
}

}  // namespace uhop::ui
