// Studio scripts: a plain-text file, one command a line, run through the same Commands the panels
// push (docs/architecture.md, "Scripts"). `#` starts a comment. The language:
//   load SOURCE [memories=M] [offset=K] [grayscale=0|1]
//   stage1 play | pause | step | reset
//   stage1 set KEY=VALUE...        optimizer, init, steps, lr, t, loss, batch, seed
//   wait stage1 | metastable | experiment | playground | theory | frames N
//   theory show | hide             the Theory window (its numbers are computed while shown)
//   target INDEX                   corrupt SPEC [seed=S]          paint X Y [radius=R] [value=V]
//   model baseline|uhop KEY=VALUE...   similarity, separation, beta
//   step baseline|uhop|both [N]    run baseline|uhop|both
//   metastable run [steps=T]       experiment run KIND [grid=..] [models=..] [seeds=..] ...
//   caption TEXT                   pause                          screenshot FILE [scale=1|2]
//   record start FILE.gif|DIR/ [width=W] [delay=CS] [frames=DIR] [region=window|stage2]
//   record stop
//   playground show|hide|toggle | preset NAME [seed=S] | point X Y | move I X Y | delete I
//   playground query X Y|off | set KEY=VALUE... | stage1 play|pause|step [N]|reset
//                                  (studio/playground.h: the energy playground window)
// A caption's {path.in.the.state.json} placeholders (e.g. {uhop.error}, {stage1.loss},
// {metastable.models.uhop.metastable}) are filled from stateJson() when the caption line runs:
// numbers to 3 significant digits; an unknown path, or one without a value yet, stops the script
// at that line. A lesson is a script with pauses: each pause ends a slide.
// Parsing checks each line's syntax and values; what depends on the model (a target beyond the
// loaded M, a pixel outside the image, a source that does not load) is checked when the line runs.
// No ImGui here: the window calls ScriptRunner::advance once per frame, and tests do the same
// without a window.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/types.h"
#include "studio/app_model.h"

namespace uhop::ui {

struct ScriptLoad {
  std::string source;
  std::optional<int> memories;  // default: 64 for builtin, else 500 (as --data)
  int offset = 0;
  bool grayscale = false;  // colour sources keep their colour unless grayscale=1
};
struct ScriptStage1 {
  enum class Op { Play, Pause, Step, Reset } op = Op::Play;
};
struct ScriptStage1Set {
  std::optional<OptimizerKind> optimizer;
  std::optional<FeatureInit> init;
  std::optional<int> steps;
  std::optional<double> lr, t;
  std::optional<LossKind> loss;
  std::optional<int> batch;
  std::optional<uint64_t> seed;
};
struct ScriptWait {
  enum class Job { Stage1, Metastable, Experiment, Playground, Theory, Frames } job = Job::Frames;
  int frames = 0;
};
struct ScriptTarget {
  int index = 0;
};
struct ScriptCorrupt {
  Corruption corruption;
  std::optional<uint64_t> seed;  // default: the query's current seed
};
struct ScriptPaint {
  float x = 0, y = 0;           // image pixel coordinates
  std::optional<float> radius;  // default: the brush's
  float value = 1;              // 0..1
};
struct ScriptModel {
  Side side = Side::Baseline;
  std::optional<SimilarityKind> similarity;
  std::optional<Separation> separation;
  std::optional<double> beta;
};
struct ScriptRetrieve {
  std::optional<Side> side;  // empty = both columns
  bool run = false;          // run to convergence instead of `count` steps
  int count = 1;
};
struct ScriptMetastable {
  std::optional<int> steps;
};
struct ScriptExperiment {
  StartExperiment start;
  std::vector<std::string>
      modelNames;  // keys as `uhop sweep --models` (mhm, uhop, ...); empty = all
};
struct ScriptCaption {
  std::string text;  // empty hides the caption; may hold {placeholders}
};
struct ScriptPause {};
struct ScriptTheory {
  bool show = true;
};
struct ScriptScreenshot {
  std::string path;
  int scale = 1;  // 1 = the window's pixels, 2 = re-rendered at twice the resolution
};

// `export PLOT svg|png|csv`: the plot named PLOT (its --layout-json name, e.g. stage2.energy) as
// its right-click menu exports it: a print figure in the export folder (studio/export_paths.h).
struct ScriptExport {
  std::string plot;
  std::string format;
};

// `record start` / `record stop`: the window captures a frame each time the model changes while
// recording, and writes them at the stop (ui/window/recorder.h).
struct ScriptRecord {
  bool start = true;
  std::string gifPath;    // empty: PNG frames only
  std::string framesDir;  // numbered PNG frames (FILE ending in '/', or frames=DIR); empty: none
  int width = 0;          // 0 = the window's pixel width; else downscaled to this width
  int delayCentiseconds = 20;
  bool stage2Only = false;  // region=stage2: only the Stage II panel, else the whole window
};

// `playground ...`: one command of the energy playground (parsePlaygroundLine).
struct ScriptPlayground {
  PlaygroundCommand command;
};

using ScriptAction =
    std::variant<ScriptLoad, ScriptStage1, ScriptStage1Set, ScriptWait, ScriptTarget, ScriptCorrupt,
                 ScriptPaint, ScriptModel, ScriptRetrieve, ScriptMetastable, ScriptExperiment,
                 ScriptCaption, ScriptPause, ScriptScreenshot, ScriptRecord, ScriptExport,
                 ScriptPlayground, ScriptTheory>;

struct ScriptLine {
  int number = 0;    // 1-based line in the file
  std::string text;  // as written, comment and outer blanks removed
  ScriptAction action;
};

// A bad script line: the message names the script, the line number and the problem.
class ScriptError : public ConfigError {
 public:
  using ConfigError::ConfigError;
};

// Parses a whole script (blank and comment lines skipped). `name` is used in messages. Throws
// ScriptError "NAME:LINE: reason" at the first bad line.
std::vector<ScriptLine> parseScript(const std::string& text, const std::string& name);
// Reads and parses a file; DataError when it cannot be read.
std::vector<ScriptLine> loadScriptFile(const std::string& path);

// The caption with each {a.b.c} replaced by state["a"]["b"]["c"]: numbers with 3 significant
// digits, strings as they are, booleans as true/false. Throws ScriptError naming the placeholder
// when the path is not in `state` or is null there (no value yet).
std::string fillPlaceholders(const std::string& text, const nlohmann::json& state);

// Runs parsed lines against an AppModel, a few per frame. A line's Commands are applied before
// the next line runs (advance returns after a line that pushed Commands), so `target 3` after
// `load` sees the new memories. `wait` holds the script until the job is idle; `pause` holds it
// until resume() (interactive) or is a no-op (headless). While a column's model builds on its
// worker (AppModel::columnsBuilding) no line runs, so `step` and `wait` see it built.
class ScriptRunner {
 public:
  ScriptRunner(std::vector<ScriptLine> lines, std::string name, bool interactive);

  // Once per frame, after updateModel(): checks the last line's effect, then runs lines until one
  // pushes Commands, changes the caption or has to wait. After an error nothing runs any more.
  void advance(const AppModel& model, Commands& commands);

  bool finished() const { return failed() || next_ >= lines_.size(); }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }  // "NAME:LINE: reason"
  bool paused() const { return paused_; }
  void resume() { paused_ = false; }
  const std::string& caption() const { return caption_; }
  // A screenshot line asks the window to save the frame it is drawing now; taken once.
  std::optional<ScriptScreenshot> takeScreenshot();
  // The plot export the last line asked for, if any (the app exports it from the next frame).
  std::optional<ScriptExport> takeExport();
  // A `record` line asks the window to start or stop recording; taken once.
  std::optional<ScriptRecord> takeRecord();
  // The line being run (or that failed); 0 before the first and after the last.
  int currentLine() const;
  size_t lineCount() const { return lines_.size(); }

  // Slides: slide k (1-based) is what runs after the (k−1)-th pause, up to and including the k-th.
  // slideCount() counts the pauses, plus one when lines follow the last pause.
  int slide() const { return pausesPassed_ + 1; }
  int slideCount() const;
  // Replay: the first `pauses` pauses pass without stopping, and the screenshots and recordings
  // asked for before the last of them are dropped, so a replay to slide k reproduces the state
  // slide k starts from. fastForwarding() is true until then.
  void skipPauses(int pauses) { skipPauses_ = pauses; }
  bool fastForwarding() const { return pausesPassed_ < skipPauses_ && !finished(); }
  // --screenshot-each DIR: every pause also saves DIR/slide-NNN.png (N = the slide it ends).
  void setSlideScreenshots(std::string directory) { slideDir_ = std::move(directory); }

 private:
  // Runs one line; returns false when it has to wait (next_ unchanged).
  bool run(const ScriptLine& line, const AppModel& model, Commands& commands);
  bool jobIdle(const ScriptWait& wait, const AppModel& model) const;
  void fail(int line, const std::string& reason);

  std::vector<ScriptLine> lines_;
  std::string name_;
  bool interactive_ = false;
  size_t next_ = 0;
  std::string error_;
  bool paused_ = false;
  bool pauseTaken_ = false;  // the current `pause` line already paused once
  int pausesPassed_ = 0;
  int skipPauses_ = 0;
  std::string slideDir_;
  std::optional<ScriptRecord> record_;
  std::string caption_;
  bool endFrame_ = false;  // the line just run needs a frame drawn before the next one
  std::optional<ScriptScreenshot> screenshot_;
  std::optional<ScriptExport> export_;
  int framesWaited_ = 0;
  // A load is checked on the next frame (the command runs after advance returns).
  int pendingLoadLine_ = 0;
  uint64_t pendingLoadVersion_ = 0;
};

}  // namespace uhop::ui
