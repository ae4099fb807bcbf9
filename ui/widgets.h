// Small shared pieces of the panels: tooltips with formulas, images from the texture cache, a
// plot call that records where it was drawn (for --layout-json), and the UI context the panels
// share (textures, layout rectangles).
#pragma once

#include <imgui.h>

#include <map>
#include <optional>
#include <string>

#include "core/corruption.h"
#include "core/memory_set.h"
#include "plot/plot_spec.h"
#include "ui/plot_widget.h"
#include "ui/texture_cache.h"

namespace uhop::ui {

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
};

// Shared by all panels for one window: textures and the screen rectangles of named regions.
struct UiContext {
  TextureCache textures;
  std::map<std::string, Rect> layout;           // refreshed every frame
  std::optional<PlotExportRequest> plotExport;  // a plot's "Export …", until the app writes it
  // A script's `export PLOT FORMAT`: the plot drawn under that name this frame is exported.
  std::optional<std::pair<std::string, std::string>> exportByName;  // (name, format)
  // The presenter layout is on (ui/window/layout.h): panels hide their advanced knobs behind a
  // "More settings" expander.
  bool presenter = false;
  void record(const std::string& name, ImVec2 min, ImVec2 max) {
    layout[name] = Rect{min.x, min.y, max.x - min.x, max.y - min.y};
  }
};

// Position of `v` in a table of choices (the index an ImGui::Combo shows); 0 when absent.
template <typename T, size_t N>
int indexOf(const T (&values)[N], T v) {
  for (size_t i = 0; i < N; ++i)
    if (values[i] == v) return static_cast<int>(i);
  return 0;
}

// The corruptions as the panels offer them: names for a combo, the kinds they stand for, what
// each does (a tooltip), and the largest strength each slider allows.
inline constexpr int kCorruptionChoices = 6;
extern const char* const kCorruptionNames[kCorruptionChoices];
extern const CorruptionKind kCorruptionKinds[kCorruptionChoices];
extern const char* const kCorruptionHelp;
float maxCorruptionStrength(CorruptionKind kind);

inline float em() {
  return ImGui::GetFontSize();
}

// Wrapped tooltip for the last item (what a knob does, with its formula).
void tooltip(const char* text);
// "(?)" marker with a tooltip, on the same line.
void helpMarker(const char* text);
// Panel heading in the accent colour, with a tooltip.
void heading(const char* title, const char* help = nullptr);
// Colored text.
void textColored(unsigned int color, const char* fmt, ...) IM_FMTARGS(2);

// Draws column `index` of the memories (or any pixels) as an image of side `size` px.
// Returns true when clicked. `highlight` draws a frame in the accent colour.
bool imageButton(UiContext& ui, const std::string& key, uint64_t version, const float* pixels,
                 const ImageShape& shape, float size, bool nearest, bool highlight = false);
void image(UiContext& ui, const std::string& key, uint64_t version, const float* pixels,
           const ImageShape& shape, float size, bool nearest);

// drawPlot + records its rectangle under `name` in ui.layout.
void plot(UiContext& ui, const char* name, const PlotSpec& spec, PlotViewState& view, float height);

// A float knob that edits a draft while it is held and otherwise shows the model's value (a
// command's effect reaches the model a frame later, and a knob whose change restarts work is
// applied once, on release). One per knob, kept in the panel.
struct DraftFloat {
  float value = 0;
  bool active = false;
};
enum class ApplyWhen {
  Release,   // once, when the user lets go after an edit (or presses Enter)
  Dragging,  // at every change while it is dragged (cheap knobs)
};
// A slider over [min, max] (a drag field moving `dragSpeed` per pixel when dragSpeed > 0) on
// `draft`, showing `current` while not held. Returns true when draft.value is to be applied.
bool draftSlider(const char* label, DraftFloat& draft, double current, float min, float max,
                 const char* format, ApplyWhen when, ImGuiSliderFlags flags = 0,
                 float dragSpeed = 0);

// Width of a button showing `label` (up to a "##"), and of a field `fieldWidth` wide followed by
// its label, as ImGui lays them out.
float buttonWidth(const char* label);
float labeledWidth(float fieldWidth, const char* label);
// SameLine, unless less than `width` is left on this line: then the next item starts a new line
// (rows wrap instead of running off the panel's right edge).
void sameLineIfFits(float width);
// Records the last item's rectangle under `name` (checked by the layout tests: inside its panel,
// inside the window).
void recordItem(UiContext& ui, const std::string& name);
// Starts the presenter layout's "More settings" expander around a panel's advanced knobs: true
// when they are to be drawn (always outside the presenter layout). Pair with endMoreSettings().
bool beginMoreSettings(UiContext& ui, const char* id);
void endMoreSettings(UiContext& ui, bool open);

// Fixed-width label column helper: text, then the next widget on the same line at `x` (em).
void labelAt(const char* label, float xEm);

}  // namespace uhop::ui
