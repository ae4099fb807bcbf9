#include "studio/script.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/experiments.h"
#include "studio/overloaded.h"
#include "studio/state_json.h"

namespace uhop::ui {

namespace {

// A reason for a bad line; parseScript adds the script name and line number.
struct LineError {
  std::string reason;
};

[[noreturn]] void bad(const std::string& reason) {
  throw LineError{reason};
}

// Words separated by blanks; "double quotes" keep blanks inside a word (paths with spaces).
std::vector<std::string> splitWords(const std::string& text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size()) break;
    std::string word;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) {
      if (text[i] == '"') {
        const size_t close = text.find('"', i + 1);
        if (close == std::string::npos) bad("unclosed quote");
        word += text.substr(i + 1, close - i - 1);
        i = close + 1;
      } else {
        word += text[i++];
      }
    }
    words.push_back(word);
  }
  return words;
}

long long parseInteger(const std::string& what, const std::string& value, long long min,
                       long long max) {
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || errno != 0 || v < min || v > max)
    bad(what + " expects an integer in " + std::to_string(min) + ".." + std::to_string(max) +
        ", got '" + value + "'");
  return v;
}

double parseNumber(const std::string& what, const std::string& value, double min, double max) {
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0' || !std::isfinite(v) || v < min || v > max) {
    std::ostringstream range;
    range << min << ".." << max;
    bad(what + " expects a number in " + range.str() + ", got '" + value + "'");
  }
  return v;
}

bool parseFlag(const std::string& what, const std::string& value) {
  if (value == "1" || value == "true" || value == "on") return true;
  if (value == "0" || value == "false" || value == "off") return false;
  bad(what + " expects 0 or 1, got '" + value + "'");
}

// Core parsers throw ConfigError naming the value; the message becomes the line's reason.
template <class F>
auto viaCore(const std::string& what, F&& parse) {
  try {
    return parse();
  } catch (const std::exception& e) {
    bad(what + ": " + e.what());
  }
}

// The KEY=VALUE words after `first`; an unknown key or a word without '=' is an error.
std::map<std::string, std::string> keyValues(const std::vector<std::string>& words, size_t first,
                                             const std::vector<std::string>& allowed) {
  std::map<std::string, std::string> out;
  for (size_t i = first; i < words.size(); ++i) {
    const size_t eq = words[i].find('=');
    if (eq == std::string::npos || eq == 0) bad("expected KEY=VALUE, got '" + words[i] + "'");
    const std::string key = words[i].substr(0, eq);
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
      bad("unknown key '" + key + "' (known: " + list + ")");
    }
    if (out.count(key)) bad("key '" + key + "' given twice");
    out[key] = words[i].substr(eq + 1);
  }
  return out;
}

void expectWords(const std::vector<std::string>& words, size_t min, size_t max,
                 const std::string& usage) {
  if (words.size() < min || words.size() > max) bad("usage: " + usage);
}

Side parseSide(const std::string& word) {
  if (word == "baseline") return Side::Baseline;
  if (word == "uhop") return Side::UHop;
  bad("expected baseline or uhop, got '" + word + "'");
}

std::optional<Side> parseSides(const std::string& word) {
  if (word == "both") return std::nullopt;
  if (word == "baseline" || word == "uhop") return parseSide(word);
  bad("expected baseline, uhop or both, got '" + word + "'");
}

// A caption's placeholders are {name.name...}: each brace closed, names non-empty. Which names
// exist is only known against the state when the line runs.
void checkPlaceholders(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '}') bad("'}' without '{' in the caption");
    if (text[i] != '{') continue;
    const size_t close = text.find('}', i + 1);
    if (close == std::string::npos) bad("unclosed '{' in the caption");
    const std::string name = text.substr(i + 1, close - i - 1);
    if (name.empty() || name.find('{') != std::string::npos || name.front() == '.' ||
        name.back() == '.' || name.find("..") != std::string::npos)
      bad("bad placeholder '{" + name + "}' (expected {path.in.the.state.json})");
    i = close;
  }
}

ScriptAction parseAction(const std::vector<std::string>& w, const std::string& rest) {
  const std::string& verb = w[0];
  if (verb == "load") {
    if (w.size() < 2) bad("usage: load SOURCE [memories=M] [offset=K] [grayscale=0|1]");
    ScriptLoad load;
    load.source = w[1];
    auto kv = keyValues(w, 2, {"memories", "offset", "grayscale"});
    if (kv.count("memories"))
      load.memories = static_cast<int>(parseInteger("memories", kv["memories"], 2, 60000));
    if (kv.count("offset"))
      load.offset = static_cast<int>(parseInteger("offset", kv["offset"], 0, 10000000));
    if (kv.count("grayscale")) load.grayscale = parseFlag("grayscale", kv["grayscale"]);
    return load;
  }
  if (verb == "stage1") {
    if (w.size() < 2) bad("usage: stage1 play|pause|step|reset, or stage1 set KEY=VALUE...");
    const std::string& op = w[1];
    if (op == "set") {
      if (w.size() < 3)
        bad("usage: stage1 set KEY=VALUE... (optimizer, init, steps, lr, t, "
            "loss, batch, seed)");
      auto kv = keyValues(w, 2, {"optimizer", "init", "steps", "lr", "t", "loss", "batch", "seed"});
      ScriptStage1Set set;
      if (kv.count("optimizer"))
        set.optimizer = viaCore("optimizer", [&] { return parseOptimizer(kv["optimizer"]); });
      if (kv.count("init"))
        set.init = viaCore("init", [&] { return parseFeatureInit(kv["init"]); });
      if (kv.count("loss")) set.loss = viaCore("loss", [&] { return parseLossKind(kv["loss"]); });
      if (kv.count("steps"))
        set.steps = static_cast<int>(parseInteger("steps", kv["steps"], 1, 1000000));
      if (kv.count("lr")) set.lr = parseNumber("lr", kv["lr"], 0, 1e6);
      if (kv.count("t")) set.t = parseNumber("t", kv["t"], 1e-6, 1e6);
      // 0 = full batch; Stage I refuses 1 (a single memory has no pair to separate).
      if (kv.count("batch")) {
        set.batch = static_cast<int>(parseInteger("batch", kv["batch"], 0, 60000));
        if (*set.batch == 1) bad("batch must be 0 (full batch) or at least 2");
      }
      if (kv.count("seed"))
        set.seed = static_cast<uint64_t>(parseInteger("seed", kv["seed"], 0, 1LL << 62));
      return set;
    }
    expectWords(w, 2, 2, "stage1 play|pause|step|reset");
    if (op == "play") return ScriptStage1{ScriptStage1::Op::Play};
    if (op == "pause") return ScriptStage1{ScriptStage1::Op::Pause};
    if (op == "step") return ScriptStage1{ScriptStage1::Op::Step};
    if (op == "reset") return ScriptStage1{ScriptStage1::Op::Reset};
    bad("expected play, pause, step, reset or set after stage1, got '" + op + "'");
  }
  if (verb == "wait") {
    const std::string usage = "wait stage1|metastable|experiment|playground|theory|frames N";
    if (w.size() < 2) bad("usage: " + usage);
    ScriptWait wait;
    if (w[1] == "frames") {
      expectWords(w, 3, 3, usage);
      wait.job = ScriptWait::Job::Frames;
      wait.frames = static_cast<int>(parseInteger("frames", w[2], 1, 10000000));
      return wait;
    }
    expectWords(w, 2, 2, usage);
    if (w[1] == "stage1")
      wait.job = ScriptWait::Job::Stage1;
    else if (w[1] == "metastable")
      wait.job = ScriptWait::Job::Metastable;
    else if (w[1] == "experiment")
      wait.job = ScriptWait::Job::Experiment;
    else if (w[1] == "playground")
      wait.job = ScriptWait::Job::Playground;
    else if (w[1] == "theory")
      wait.job = ScriptWait::Job::Theory;
    else
      bad("cannot wait for '" + w[1] + "' (usage: " + usage + ")");
    return wait;
  }
  if (verb == "theory") {
    expectWords(w, 2, 2, "theory show|hide");
    if (w[1] == "show") return ScriptTheory{true};
    if (w[1] == "hide") return ScriptTheory{false};
    bad("expected show or hide after theory, got '" + w[1] + "'");
  }
  if (verb == "target") {
    expectWords(w, 2, 2, "target INDEX");
    return ScriptTarget{static_cast<int>(parseInteger("target", w[1], 0, 10000000))};
  }
  if (verb == "corrupt") {
    if (w.size() < 2) bad("usage: corrupt SPEC [seed=S]");
    ScriptCorrupt c;
    c.corruption = viaCore("corruption", [&] { return Corruption::parse(w[1]); });
    auto kv = keyValues(w, 2, {"seed"});
    if (kv.count("seed"))
      c.seed = static_cast<uint64_t>(parseInteger("seed", kv["seed"], 0, 1LL << 62));
    return c;
  }
  if (verb == "paint") {
    if (w.size() < 3) bad("usage: paint X Y [radius=R] [value=V]");
    ScriptPaint p;
    p.x = static_cast<float>(parseNumber("X", w[1], 0, 1e6));
    p.y = static_cast<float>(parseNumber("Y", w[2], 0, 1e6));
    auto kv = keyValues(w, 3, {"radius", "value"});
    // The brush's own range (SetBrush clamps to it).
    if (kv.count("radius"))
      p.radius = static_cast<float>(parseNumber("radius", kv["radius"], 0.5, 16));
    if (kv.count("value")) p.value = static_cast<float>(parseNumber("value", kv["value"], 0, 1));
    return p;
  }
  if (verb == "model") {
    if (w.size() < 3) bad("usage: model baseline|uhop KEY=VALUE... (similarity, separation, beta)");
    ScriptModel m;
    m.side = parseSide(w[1]);
    auto kv = keyValues(w, 2, {"similarity", "separation", "beta"});
    if (kv.count("similarity"))
      m.similarity = viaCore("similarity", [&] { return parseSimilarity(kv["similarity"]); });
    if (kv.count("separation"))
      m.separation = viaCore("separation", [&] { return Separation::parse(kv["separation"]); });
    if (kv.count("beta")) m.beta = parseNumber("beta", kv["beta"], 1e-9, 1e9);
    return m;
  }
  if (verb == "step") {
    expectWords(w, 2, 3, "step baseline|uhop|both [N]");
    ScriptRetrieve r;
    r.side = parseSides(w[1]);
    if (w.size() == 3) r.count = static_cast<int>(parseInteger("N", w[2], 1, 10000));
    return r;
  }
  if (verb == "run") {
    expectWords(w, 2, 2, "run baseline|uhop|both");
    ScriptRetrieve r;
    r.side = parseSides(w[1]);
    r.run = true;
    return r;
  }
  if (verb == "metastable") {
    if (w.size() < 2 || w[1] != "run") bad("usage: metastable run [steps=T]");
    ScriptMetastable m;
    auto kv = keyValues(w, 2, {"steps"});
    // The metastable panel's range of T (SetMetastableSteps clamps to it).
    if (kv.count("steps")) m.steps = static_cast<int>(parseInteger("steps", kv["steps"], 1, 1000));
    return m;
  }
  if (verb == "experiment") {
    const std::string usage =
        "experiment run capacity|noise|stage1|beta [grid=A,B,..] [models=NAME,..] [seeds=S] "
        "[memories=M] [steps=T] [corruption=SPEC] [seed=S] [threads=N]";
    if (w.size() < 3 || w[1] != "run") bad("usage: " + usage);
    ScriptExperiment e;
    e.start.kind = viaCore("experiment", [&] { return parseSweepKind(w[2]); });
    auto kv = keyValues(
        w, 3, {"grid", "models", "seeds", "memories", "steps", "corruption", "seed", "threads"});
    if (kv.count("grid")) {
      e.start.grid = kv["grid"];
      viaCore("grid", [&] { return parseGridText(e.start.grid); });
    }
    if (kv.count("models")) {
      // The keys of `uhop sweep --models` (mhm, uhop, dot+softmax, ...), limited to the
      // Experiments tab's models.
      const std::vector<ModelSpec> all = defaultModels();
      std::string keys;
      for (const ModelSpec& s : all) keys += (keys.empty() ? "" : ", ") + modelKey(s);
      std::stringstream list(kv["models"]);
      std::string key;
      while (std::getline(list, key, ',')) {
        if (key.empty()) continue;
        const std::string canonical =
            modelKey(viaCore("models", [&] { return modelFromKey(key); }));
        const auto it = std::find_if(all.begin(), all.end(),
                                     [&](const ModelSpec& s) { return modelKey(s) == canonical; });
        if (it == all.end())
          bad("model '" + key + "' is not in the Experiments tab (" + keys + ")");
        e.modelNames.push_back(key);
        e.start.models.push_back(static_cast<int>(it - all.begin()));
      }
      if (e.start.models.empty()) bad("models= names no model");
    }
    if (kv.count("seeds"))
      e.start.seeds = static_cast<int>(parseInteger("seeds", kv["seeds"], 1, 100));
    if (kv.count("memories"))
      e.start.memories = static_cast<int>(parseInteger("memories", kv["memories"], 2, 60000));
    if (kv.count("steps"))
      e.start.steps = static_cast<int>(parseInteger("steps", kv["steps"], 1, 1000));
    if (kv.count("corruption"))
      e.start.corruption =
          viaCore("corruption", [&] { return Corruption::parse(kv["corruption"]); });
    if (kv.count("seed"))
      e.start.firstSeed = static_cast<uint64_t>(parseInteger("seed", kv["seed"], 0, 1LL << 62));
    if (kv.count("threads"))
      e.start.threads = static_cast<int>(parseInteger("threads", kv["threads"], 0, 1024));
    return e;
  }
  if (verb == "caption") {
    checkPlaceholders(rest);
    return ScriptCaption{rest};
  }
  if (verb == "record") {
    const std::string usage =
        "record start FILE.gif|DIR/ [width=W] [delay=CS] [frames=DIR] [region=window|stage2], "
        "or record stop";
    if (w.size() < 2) bad("usage: " + usage);
    ScriptRecord r;
    if (w[1] == "stop") {
      expectWords(w, 2, 2, usage);
      r.start = false;
      return r;
    }
    if (w[1] != "start" || w.size() < 3) bad("usage: " + usage);
    const std::string& file = w[2];
    if (file.back() == '/')
      r.framesDir = file;
    else if (file.size() > 4 && file.compare(file.size() - 4, 4, ".gif") == 0)
      r.gifPath = file;
    else
      bad("record start expects FILE.gif or a folder ending in '/', got '" + file + "'");
    auto kv = keyValues(w, 3, {"width", "delay", "frames", "region"});
    if (kv.count("region")) {
      if (kv["region"] != "window" && kv["region"] != "stage2")
        bad("region expects window or stage2, got '" + kv["region"] + "'");
      r.stage2Only = kv["region"] == "stage2";
    }
    if (kv.count("width")) r.width = static_cast<int>(parseInteger("width", kv["width"], 16, 8192));
    if (kv.count("delay"))
      r.delayCentiseconds = static_cast<int>(parseInteger("delay", kv["delay"], 1, 6000));
    if (kv.count("frames")) {
      if (!r.framesDir.empty()) bad("frames= given with a folder as FILE");
      r.framesDir = kv["frames"];
    }
    return r;
  }
  if (verb == "pause") {
    expectWords(w, 1, 1, "pause");
    return ScriptPause{};
  }
  if (verb == "export") {
    const std::string usage =
        "export PLOT svg|png|csv (PLOT as in --layout-json, e.g. stage2.energy)";
    expectWords(w, 3, 3, usage);
    if (w[2] != "svg" && w[2] != "png" && w[2] != "csv")
      bad("export expects svg, png or csv, got '" + w[2] + "'");
    return ScriptExport{w[1], w[2]};
  }
  if (verb == "screenshot") {
    if (w.size() < 2) bad("usage: screenshot FILE [scale=1|2]");
    ScriptScreenshot s;
    s.path = w[1];
    auto kv = keyValues(w, 2, {"scale"});
    if (kv.count("scale")) s.scale = static_cast<int>(parseInteger("scale", kv["scale"], 1, 2));
    return s;
  }
  if (verb == "playground")
    return ScriptPlayground{viaCore("playground", [&] {
      return parsePlaygroundLine(std::vector<std::string>(w.begin() + 1, w.end()));
    })};
  bad("unknown command '" + verb +
      "' (known: load, stage1, wait, target, corrupt, paint, model, step, run, metastable, "
      "experiment, caption, pause, screenshot, record, export, playground, theory)");
}

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  const size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

}  // namespace

std::vector<ScriptLine> parseScript(const std::string& text, const std::string& name) {
  std::vector<ScriptLine> lines;
  std::istringstream in(text);
  std::string raw;
  for (int number = 1; std::getline(in, raw); ++number) {
    // `#` starts a comment, except inside a caption's text ("caption Step #3" keeps its '#'
    // only when quoted, so the rule stays one rule: strip from the first '#' outside quotes).
    bool quoted = false;
    size_t cut = raw.size();
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '"') quoted = !quoted;
      if (raw[i] == '#' && !quoted) {
        cut = i;
        break;
      }
    }
    const std::string line = trim(raw.substr(0, cut));
    if (line.empty()) continue;
    try {
      const std::vector<std::string> words = splitWords(line);
      const size_t verbEnd = line.find_first_of(" \t");
      std::string rest = verbEnd == std::string::npos ? "" : trim(line.substr(verbEnd));
      // A caption in quotes shows without them.
      if (rest.size() >= 2 && rest.front() == '"' && rest.back() == '"')
        rest = rest.substr(1, rest.size() - 2);
      lines.push_back(ScriptLine{number, line, parseAction(words, rest)});
    } catch (const LineError& e) {
      throw ScriptError(name + ":" + std::to_string(number) + ": " + e.reason);
    }
  }
  return lines;
}

std::vector<ScriptLine> loadScriptFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError("cannot read the script " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parseScript(text.str(), path);
}

std::string fillPlaceholders(const std::string& text, const nlohmann::json& state) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t open = text.find('{', i);
    if (open == std::string::npos) {
      out += text.substr(i);
      break;
    }
    out += text.substr(i, open - i);
    const size_t close = text.find('}', open + 1);
    if (close == std::string::npos) throw ScriptError("unclosed '{' in the caption");
    const std::string name = text.substr(open + 1, close - open - 1);
    const nlohmann::json* node = &state;
    std::stringstream parts(name);
    std::string part;
    while (std::getline(parts, part, '.')) {
      if (node->is_object() && node->contains(part)) {
        node = &(*node)[part];
      } else if (node->is_array() && !part.empty() &&
                 part.find_first_not_of("0123456789") == std::string::npos &&
                 std::stoul(part) < node->size()) {
        node = &(*node)[std::stoul(part)];
      } else {
        throw ScriptError("unknown placeholder {" + name + "} (no '" + part +
                          "' in the state JSON; see README.md, Scripts)");
      }
    }
    if (node->is_null()) throw ScriptError("placeholder {" + name + "} has no value yet");
    if (node->is_string()) {
      out += node->get<std::string>();
    } else if (node->is_boolean()) {
      out += node->get<bool>() ? "true" : "false";
    } else if (node->is_number_integer() || node->is_number_unsigned()) {
      out += node->dump();
    } else if (node->is_number()) {
      // 3 significant digits; large values without an exponent (1234.5 → 1235 reads better
      // on a slide than 1.23e+03).
      const double v = node->get<double>();
      char buf[64];
      if (std::abs(v) >= 1000 && std::abs(v) < 1e9)
        std::snprintf(buf, sizeof buf, "%.0f", v);
      else
        std::snprintf(buf, sizeof buf, "%.3g", v);
      out += buf;
    } else {
      throw ScriptError("placeholder {" + name + "} is not a single value");
    }
    i = close + 1;
  }
  return out;
}

// ---- running -----------------------------------------------------------------------------------

ScriptRunner::ScriptRunner(std::vector<ScriptLine> lines, std::string name, bool interactive)
    : lines_(std::move(lines)), name_(std::move(name)), interactive_(interactive) {}

std::optional<ScriptExport> ScriptRunner::takeExport() {
  std::optional<ScriptExport> e = std::move(export_);
  export_.reset();
  if (fastForwarding()) return std::nullopt;  // a replay writes no files it passes
  return e;
}

std::optional<ScriptScreenshot> ScriptRunner::takeScreenshot() {
  std::optional<ScriptScreenshot> s = std::move(screenshot_);
  screenshot_.reset();
  if (fastForwarding()) return std::nullopt;  // a replay draws no slides it passes
  return s;
}

std::optional<ScriptRecord> ScriptRunner::takeRecord() {
  std::optional<ScriptRecord> r = std::move(record_);
  record_.reset();
  if (fastForwarding()) return std::nullopt;
  return r;
}

int ScriptRunner::slideCount() const {
  int pauses = 0;
  bool after = false;  // lines after the last pause
  for (const ScriptLine& line : lines_) {
    const bool pause = std::holds_alternative<ScriptPause>(line.action);
    pauses += pause ? 1 : 0;
    after = !pause;
  }
  return pauses + (after ? 1 : 0);
}

int ScriptRunner::currentLine() const {
  if (failed() && next_ < lines_.size()) return lines_[next_].number;
  return next_ < lines_.size() ? lines_[next_].number : 0;
}

void ScriptRunner::fail(int line, const std::string& reason) {
  error_ = name_ + ":" + std::to_string(line) + ": " + reason;
  paused_ = false;
}

bool ScriptRunner::jobIdle(const ScriptWait& wait, const AppModel& model) const {
  switch (wait.job) {
    case ScriptWait::Job::Stage1: {
      // Idle on the worker (no step asked for and not yet taken) and the model holds its newest
      // snapshot of the current run, so the columns have taken that W (updateModel).
      const auto& snap = model.stage1.snapshot;
      return model.stage1Worker->idle() && snap && snap->generation == model.stage1.generation &&
             snap == model.stage1Worker->latest();
    }
    case ScriptWait::Job::Metastable:
      // A run waiting for Stage I's W counts as under way.
      return !model.metastableWorker->running() && !model.metastable.pendingAfterStage1 &&
             model.metastable.result == model.metastableWorker->latest();
    case ScriptWait::Job::Experiment:
      return !model.experimentWorker->running() &&
             model.experiments.snapshot == model.experimentWorker->latest();
    case ScriptWait::Job::Playground:
      return model.playground.idle();
    case ScriptWait::Job::Theory:
      // Idle once the numbers for the current settings are in (or nothing asks for them).
      return !theoryWanted(model) || (currentTheory(model) && !model.theoryView.busy());
    case ScriptWait::Job::Frames:
      return framesWaited_ >= wait.frames;
  }
  return true;
}

void ScriptRunner::advance(const AppModel& model, Commands& commands) {
  if (finished()) return;
  if (pendingLoadLine_ > 0) {
    if (model.loading()) return;  // the load worker is still reading the source
    const int line = pendingLoadLine_;
    pendingLoadLine_ = 0;
    if (model.memories.version == pendingLoadVersion_) {
      fail(line, model.memories.error.empty() ? "the memories did not load" : model.memories.error);
      return;
    }
  }
  // A column model building on its worker, or a Run going on over frames (a large set), holds
  // the script, as a load does: the next line sees the model, the Steps queued while it built
  // and the whole Run carried out, whatever the machine's speed, so a script's outcome does not
  // depend on timing.
  if (model.columnsBusy()) return;
  // Lines that push nothing (caption, a wait that is over) run on in the same frame; a line that
  // pushes Commands ends the frame's share, so the next line sees them applied.
  while (next_ < lines_.size() && !failed()) {
    const size_t before = commands.size();
    bool done = false;
    try {
      done = run(lines_[next_], model, commands);
    } catch (const std::exception& e) {
      commands.resize(before);
      fail(lines_[next_].number, e.what());
      return;
    }
    if (!done) return;
    if (std::holds_alternative<ScriptPause>(lines_[next_].action)) ++pausesPassed_;
    ++next_;
    framesWaited_ = 0;
    pauseTaken_ = false;
    // A new caption is drawn from the next frame on (ImGui shows a window that sizes itself to
    // its text one frame after it appears), so a screenshot line after it waits a frame.
    if (commands.size() != before || screenshot_ || record_ || export_ || endFrame_) {
      endFrame_ = false;
      return;
    }
  }
}

namespace {

void needMemories(const AppModel& model) {
  if (!model.memories.set) throw ScriptError("no memories loaded");
}

}  // namespace

bool ScriptRunner::run(const ScriptLine& line, const AppModel& model, Commands& commands) {
  return std::visit(
      Overloaded{
          [&](const ScriptLoad& c) {
            const int count = c.memories ? *c.memories : c.source == "builtin" ? 64 : 500;
            commands.push_back(LoadMemories{c.source, count, c.offset, c.grayscale});
            pendingLoadLine_ = line.number;
            pendingLoadVersion_ = model.memories.version;
            return true;
          },
          [&](const ScriptStage1& c) {
            needMemories(model);
            switch (c.op) {
              case ScriptStage1::Op::Play:
                commands.push_back(Stage1Play{});
                break;
              case ScriptStage1::Op::Pause:
                commands.push_back(Stage1Pause{});
                break;
              case ScriptStage1::Op::Step:
                commands.push_back(Stage1Step{});
                break;
              case ScriptStage1::Op::Reset:
                commands.push_back(Stage1Reset{});
                break;
            }
            return true;
          },
          [&](const ScriptStage1Set& c) {
            Stage1Config config = model.stage1.config;
            if (c.optimizer) config.optimizer = *c.optimizer;
            if (c.init) config.init = *c.init;
            if (c.steps) config.steps = *c.steps;
            if (c.lr) config.learningRate = *c.lr;
            if (c.t) config.loss.t = *c.t;
            if (c.loss) config.loss.kind = *c.loss;
            if (c.batch) config.batchSize = *c.batch;
            if (c.seed) config.seed = *c.seed;
            commands.push_back(SetStage1Config{config});
            return true;
          },
          [&](const ScriptWait& c) {
            if (c.job != ScriptWait::Job::Frames && c.job != ScriptWait::Job::Playground)
              needMemories(model);
            if (jobIdle(c, model)) return true;
            ++framesWaited_;
            return false;
          },
          [&](const ScriptTarget& c) {
            needMemories(model);
            if (c.index >= model.memories.count())
              throw ScriptError("target " + std::to_string(c.index) + " is beyond the " +
                                std::to_string(model.memories.count()) + " memories loaded (0.." +
                                std::to_string(model.memories.count() - 1) + ")");
            commands.push_back(SelectTarget{c.index});
            return true;
          },
          [&](const ScriptCorrupt& c) {
            commands.push_back(SetCorruption{c.corruption, c.seed ? *c.seed : model.query.seed});
            return true;
          },
          [&](const ScriptPaint& c) {
            needMemories(model);
            const ImageShape shape = model.memories.set->shape;
            if (c.x >= static_cast<float>(shape.width) || c.y >= static_cast<float>(shape.height))
              throw ScriptError("pixel (" + std::to_string(static_cast<int>(c.x)) + ", " +
                                std::to_string(static_cast<int>(c.y)) + ") is outside the " +
                                std::to_string(shape.width) + "×" + std::to_string(shape.height) +
                                " image");
            // The script's brush for this stroke only; the user's brush comes back after it.
            const float radius = c.radius ? *c.radius : model.query.brushRadius;
            commands.push_back(SetBrush{radius, false});
            commands.push_back(PaintStroke{c.x, c.y, c.x, c.y, true, c.value});
            commands.push_back(SetBrush{model.query.brushRadius, model.query.erase});
            return true;
          },
          [&](const ScriptModel& c) {
            ModelConfig config = model.column(c.side).config;
            if (c.similarity) config.similarity = *c.similarity;
            if (c.separation) config.separation = *c.separation;
            if (c.beta) config.beta = *c.beta;
            // SetColumnConfig refuses what core refuses (into the status bar); a script stops.
            validateModelConfig(config);
            commands.push_back(SetColumnConfig{c.side, config});
            // While β is linked SetColumnConfig keeps the shared β; SetBeta changes it (for both
            // columns, as the panel's slider does).
            if (c.beta) commands.push_back(SetBeta{c.side, *c.beta});
            return true;
          },
          [&](const ScriptRetrieve& c) {
            needMemories(model);
            if (c.run)
              commands.push_back(RunRetrieval{c.side});
            else
              for (int i = 0; i < c.count; ++i) commands.push_back(StepRetrieval{c.side});
            return true;
          },
          [&](const ScriptMetastable& c) {
            needMemories(model);
            if (c.steps) commands.push_back(SetMetastableSteps{*c.steps});
            commands.push_back(RunMetastable{});
            return true;
          },
          [&](const ScriptExperiment& c) {
            // The same check StartExperiment makes, so a bad grid stops the script here instead
            // of only showing in the Experiments tab.
            experimentConfig(model, c.start);
            commands.push_back(c.start);
            return true;
          },
          [&](const ScriptCaption& c) {
            const std::string text = c.text.find('{') == std::string::npos
                                         ? c.text
                                         : fillPlaceholders(c.text, stateJson(model));
            endFrame_ = caption_ != text;
            caption_ = text;
            return true;
          },
          [&](const ScriptPause&) {
            const bool skipped = pausesPassed_ < skipPauses_;
            if (!pauseTaken_) {
              pauseTaken_ = true;
              if (!slideDir_.empty() && !skipped) {
                char file[32];
                std::snprintf(file, sizeof file, "slide-%03d.png", pausesPassed_ + 1);
                screenshot_ =
                    ScriptScreenshot{(std::filesystem::path(slideDir_) / file).string(), 1};
                // Headless, the pause holds one frame, so the slide is drawn (and numbered) as
                // the slide it ends.
                if (!interactive_) return false;
              }
              if (interactive_ && !skipped) paused_ = true;
            }
            return !paused_;
          },
          [&](const ScriptScreenshot& c) {
            screenshot_ = c;
            return true;
          },
          [&](const ScriptRecord& c) {
            record_ = c;
            return true;
          },
          [&](const ScriptExport& c) {
            export_ = c;
            return true;
          },
          [&](const ScriptPlayground& c) {
            commands.push_back(c.command);
            return true;
          },
          [&](const ScriptTheory& c) {
            commands.push_back(SetTheoryViewShown{c.show});
            return true;
          },
      },
      line.action);
}

}  // namespace uhop::ui
