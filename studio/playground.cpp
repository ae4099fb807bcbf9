#include "studio/playground.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "studio/overloaded.h"

namespace uhop::ui {

namespace {

// Stage I's W on the points from scratch: W₀ as the kernel uses it before any step, and a fresh
// run whose W the U-Hop map follows. A single point has no pair to separate: U-Hop keeps W₀.
void restartStage1(PlaygroundState& s) {
  s.run.reset();
  s.stage1Error.clear();
  s.wBefore = std::make_shared<const Matrix>(initialKernelFeatureMap(s.stage1, 2, std::nullopt));
  s.wAfter = s.wBefore;
  if (s.count() < 2) {
    s.stage1Error = "Stage I needs at least two points";
    s.playing = false;
  } else {
    try {
      s.run = std::make_unique<Stage1>(s.points, s.stage1);
      s.wAfter = std::make_shared<const Matrix>(s.run->finalFeatureMap());
    } catch (const std::exception& e) {
      s.stage1Error = e.what();
      s.playing = false;
    }
  }
  s.pendingSteps = 0;
  ++s.version;
}

void setPoints(PlaygroundState& s, Matrix points) {
  s.points = std::make_shared<const Matrix>(std::move(points));
  restartStage1(s);
}

// Runs the Stage I steps asked for; true when W changed.
bool stepStage1(PlaygroundState& s) {
  if (!s.run || (!s.playing && s.pendingSteps == 0)) return false;
  const int n =
      s.playing ? std::max(kPlaygroundStage1StepsPerFrame, s.pendingSteps) : s.pendingSteps;
  s.pendingSteps = 0;
  bool moved = false;
  for (int k = 0; k < n; ++k) {
    if (s.run->stepsDone() >= s.stage1.steps || s.run->diverged()) break;
    moved |= s.run->step();
  }
  if (s.run->diverged()) s.stage1Error = s.run->divergenceMessage();
  if (s.run->stepsDone() >= s.stage1.steps || s.run->diverged()) s.playing = false;
  if (!moved) return false;
  s.wAfter = std::make_shared<const Matrix>(s.run->finalFeatureMap());
  return true;
}

void computeTrajectories(PlaygroundState& s) {
  for (int side = 0; side < 2; ++side) {
    PlaygroundTrajectory& tr = s.trajectories[side];
    tr = PlaygroundTrajectory{};
    if (!s.query || s.count() == 0) continue;
    try {
      const std::shared_ptr<const Matrix> W = s.kernelW();
      const ModelConfig config = s.config(side);
      const HopfieldModel model(s.points, config,
                                config.similarity == SimilarityKind::Kernel ? W.get() : nullptr);
      tr = playgroundTrajectory(model, (*s.query)[0], (*s.query)[1], s.steps);
    } catch (const std::exception& e) {
      tr.error = e.what();
    }
  }
}

bool finitePoint(double x, double y) {
  return std::isfinite(x) && std::isfinite(y);
}

}  // namespace

PlaygroundState::PlaygroundState() : worker(makePlaygroundWorker()) {
  stage1.featureDim = 8;  // D_Φ > d: a 2 × 2 W has too little room to separate many points
  stage1.normalizeRows = true;
  stage1.steps = 100;
  stage1.loss.t = 2;
  setPoints(*this, landscapePreset(preset));
}

PlaygroundState::~PlaygroundState() = default;

ModelConfig PlaygroundState::config(int side) const {
  ModelConfig c;
  c.similarity = side == 0 ? baselineSimilarity : SimilarityKind::Kernel;
  c.separation = separation;
  c.beta = beta;
  return c;
}

std::shared_ptr<const Matrix> PlaygroundState::kernelW() const {
  return showBefore ? wBefore : wAfter;
}

bool PlaygroundState::idle() const {
  if (!shown) return true;
  return !playing && pendingSteps == 0 && !worker->busy() && result && result->version == version &&
         result->grid == grid;
}

PlaygroundTrajectory playgroundTrajectory(const HopfieldModel& model, double x, double y,
                                          int steps) {
  PlaygroundTrajectory tr;
  Matrix q(2, 1);
  q << static_cast<float>(x), static_cast<float>(y);
  RetrievalStep step = model.evaluate(q, true);
  for (int t = 0;; ++t) {
    tr.states.push_back({step.state(0, 0), step.state(1, 0)});
    tr.energy.push_back(step.energy(0));
    if (t == steps) break;
    model.advance(step, true);
  }
  return tr;
}

void applyPlayground(PlaygroundState& s, const PlaygroundCommand& command) {
  s.message.clear();
  const int m = s.count();
  std::visit(Overloaded{
                 [&](const PlaygroundShow& c) { s.shown = c.shown; },
                 [&](const PlaygroundToggle&) { s.shown = !s.shown; },
                 [&](const PlaygroundAddPoint& c) {
                   if (!finitePoint(c.x, c.y)) return;
                   if (m >= kLandscapeMaxMemories) {
                     s.message = "the playground holds at most " +
                                 std::to_string(kLandscapeMaxMemories) +
                                 " points: delete one first (right-click)";
                     return;
                   }
                   Matrix p(2, m + 1);
                   if (m > 0) p.leftCols(m) = *s.points;
                   p(0, m) = static_cast<float>(c.x), p(1, m) = static_cast<float>(c.y);
                   setPoints(s, std::move(p));
                 },
                 [&](const PlaygroundMovePoint& c) {
                   if (c.index < 0 || c.index >= m || !finitePoint(c.x, c.y)) {
                     s.message = "no point " + std::to_string(c.index) + " to move (there are " +
                                 std::to_string(m) + ")";
                     return;
                   }
                   Matrix p = *s.points;
                   p(0, c.index) = static_cast<float>(c.x), p(1, c.index) = static_cast<float>(c.y);
                   setPoints(s, std::move(p));
                 },
                 [&](const PlaygroundDeletePoint& c) {
                   if (c.index < 0 || c.index >= m) {
                     s.message = "no point " + std::to_string(c.index) + " to delete (there are " +
                                 std::to_string(m) + ")";
                     return;
                   }
                   if (m == 1) {
                     s.message = "the last point stays: a landscape needs at least one memory";
                     return;
                   }
                   Matrix p(2, m - 1);
                   p.leftCols(c.index) = s.points->leftCols(c.index);
                   p.rightCols(m - 1 - c.index) = s.points->rightCols(m - 1 - c.index);
                   setPoints(s, std::move(p));
                 },
                 [&](const PlaygroundPreset& c) {
                   try {
                     Matrix p = landscapePreset(c.name, c.seed);
                     s.preset = c.name;
                     setPoints(s, std::move(p));
                   } catch (const std::exception& e) {
                     s.message = e.what();
                   }
                 },
                 [&](const PlaygroundSet& c) {
                   ModelConfig next = s.config(0);
                   if (c.similarity) next.similarity = *c.similarity;
                   if (c.separation) next.separation = *c.separation;
                   if (c.beta) next.beta = *c.beta;
                   try {
                     if (next.similarity != SimilarityKind::Dot &&
                         next.similarity != SimilarityKind::NegL2)
                       throw ConfigError(
                           "the playground's baseline similarity is dot or l2 (U-Hop is "
                           "the kernel)");
                     validateModelConfig(next);
                     ModelConfig kernel = next;
                     kernel.similarity = SimilarityKind::Kernel;
                     validateModelConfig(kernel);
                     if (c.steps && (*c.steps < 0 || *c.steps > 1000))
                       throw ConfigError("playground steps T must be between 0 and 1000");
                     if (c.grid && (*c.grid < 2 || *c.grid > kLandscapeMaxGrid))
                       throw ConfigError("playground grid must be between 2 and " +
                                         std::to_string(kLandscapeMaxGrid));
                     if (c.t && !(*c.t > 0 && std::isfinite(*c.t)))
                       throw ConfigError("playground t must be a positive number");
                     if (c.stage1Steps && *c.stage1Steps < 0)
                       throw ConfigError("playground Stage I steps must be ≥ 0");
                     if (c.featureDim && (*c.featureDim < 1 || *c.featureDim > 1024))
                       throw ConfigError("playground D_Φ must be between 1 and 1024");
                   } catch (const std::exception& e) {
                     s.message = e.what();
                     return;
                   }
                   const bool changes =
                       c.similarity || c.separation || c.beta || c.steps || c.grid || c.before;
                   s.baselineSimilarity = next.similarity;
                   s.separation = next.separation;
                   s.beta = next.beta;
                   if (c.steps) s.steps = *c.steps;
                   if (c.grid) s.grid = *c.grid;
                   if (c.basins) s.basins = *c.basins;
                   if (c.before) s.showBefore = *c.before;
                   if (c.stage1Steps) s.stage1.steps = *c.stage1Steps;
                   if (c.optimizer || c.t || c.featureDim) {
                     if (c.optimizer) s.stage1.optimizer = *c.optimizer;
                     if (c.t) s.stage1.loss.t = *c.t;
                     if (c.featureDim) s.stage1.featureDim = *c.featureDim;
                     s.stage1.learningRate = 0;  // the new optimiser's default
                     restartStage1(s);
                   } else if (changes) {
                     ++s.version;
                   }
                 },
                 [&](const PlaygroundStage1& c) {
                   switch (c.op) {
                     case PlaygroundStage1::Op::Play:
                       if (s.run && s.run->stepsDone() >= s.stage1.steps)
                         s.message = "Stage I has done its " + std::to_string(s.stage1.steps) +
                                     " steps: raise 'steps' or press Reset";
                       else
                         s.playing = s.run != nullptr;
                       break;
                     case PlaygroundStage1::Op::Pause:
                       s.playing = false;
                       break;
                     case PlaygroundStage1::Op::Step:
                       if (s.run) s.pendingSteps += std::max(1, c.count);
                       break;
                     case PlaygroundStage1::Op::Reset:
                       s.playing = false;
                       restartStage1(s);
                       break;
                   }
                 },
                 [&](const PlaygroundQuery& c) {
                   if (c.point && !finitePoint((*c.point)[0], (*c.point)[1])) return;
                   s.query = c.point;
                   s.trajectoryVersion = 0;  // recomputed by the next update
                 },
             },
             command.action);
}

void updatePlayground(PlaygroundState& s) {
  auto latest = s.worker->latest();
  if (latest && latest != s.result) s.result = latest;
  if (!s.shown) return;
  if (stepStage1(s) && !s.showBefore) ++s.version;
  if (s.trajectoryVersion != s.version) {
    computeTrajectories(s);
    s.trajectoryVersion = s.version;
  }
  // No new job while one runs: superseding at every frame of a drag or a Stage I run would cancel
  // each job before it finished, and the maps would freeze until the motion stopped. The next job
  // starts from the newest state as soon as the worker is free.
  if (s.worker->busy()) {
    if (s.jobVersion != s.version) s.moving = true;
    return;
  }
  const bool fresh = s.jobVersion != s.version;
  if (!fresh && s.jobGrid == s.grid) return;
  // Still moving (or Stage I playing): a preview grid; once it holds still, the full one.
  const bool preview = fresh && (s.moving || s.playing);
  s.moving = false;
  PlaygroundJob job;
  job.points = s.points;
  job.configs = {s.config(0), s.config(1)};
  job.W = s.kernelW();
  job.grid = preview ? std::min(s.grid, kPlaygroundPreviewGrid) : s.grid;
  job.range = s.range;
  job.steps = s.steps;
  job.version = s.version;
  job.previous = s.result;
  s.jobVersion = s.version;
  s.jobGrid = job.grid;
  s.worker->start(std::move(job));
}

// ---- script lines ------------------------------------------------------------------------------

namespace {

double number(const std::string& what, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno != 0 || !std::isfinite(v))
    throw ConfigError(what + " expects a finite number, got '" + text + "'");
  return v;
}

int integer(const std::string& what, const std::string& text, int min, int max) {
  const double v = number(what, text);
  if (v != std::floor(v) || v < min || v > max)
    throw ConfigError(what + " expects an integer in " + std::to_string(min) + ".." +
                      std::to_string(max) + ", got '" + text + "'");
  return static_cast<int>(v);
}

bool flag(const std::string& what, const std::string& text) {
  if (text == "1" || text == "true" || text == "on") return true;
  if (text == "0" || text == "false" || text == "off") return false;
  throw ConfigError(what + " expects 0 or 1, got '" + text + "'");
}

void expectCount(const std::vector<std::string>& w, size_t n, const std::string& usage) {
  if (w.size() != n) throw ConfigError("usage: playground " + usage);
}

}  // namespace

PlaygroundCommand parsePlaygroundLine(const std::vector<std::string>& w) {
  const std::string usage =
      "show|hide|toggle | preset NAME [seed=S] | point X Y | move I X Y | delete I | "
      "query X Y|off | set KEY=VALUE... | stage1 play|pause|step [N]|reset";
  if (w.empty()) throw ConfigError("usage: playground " + usage);
  const std::string& op = w[0];
  if (op == "show" || op == "hide" || op == "toggle") {
    expectCount(w, 1, op);
    if (op == "toggle") return {PlaygroundToggle{}};
    return {PlaygroundShow{op == "show"}};
  }
  if (op == "preset") {
    if (w.size() < 2 || w.size() > 3) throw ConfigError("usage: playground preset NAME [seed=S]");
    landscapePreset(w[1]);  // an unknown name fails here, naming the known ones
    PlaygroundPreset p{w[1], 0};
    if (w.size() == 3) {
      if (w[2].rfind("seed=", 0) != 0)
        throw ConfigError("expected seed=S after the preset, got '" + w[2] + "'");
      p.seed = static_cast<uint64_t>(integer("seed", w[2].substr(5), 0, 1 << 30));
    }
    return {p};
  }
  if (op == "point") {
    expectCount(w, 3, "point X Y");
    return {PlaygroundAddPoint{number("X", w[1]), number("Y", w[2])}};
  }
  if (op == "move") {
    expectCount(w, 4, "move INDEX X Y");
    return {PlaygroundMovePoint{integer("INDEX", w[1], 0, kLandscapeMaxMemories - 1),
                                number("X", w[2]), number("Y", w[3])}};
  }
  if (op == "delete") {
    expectCount(w, 2, "delete INDEX");
    return {PlaygroundDeletePoint{integer("INDEX", w[1], 0, kLandscapeMaxMemories - 1)}};
  }
  if (op == "query") {
    if (w.size() == 2 && w[1] == "off") return {PlaygroundQuery{}};
    expectCount(w, 3, "query X Y|off");
    return {PlaygroundQuery{std::array<double, 2>{number("X", w[1]), number("Y", w[2])}}};
  }
  if (op == "set") {
    if (w.size() < 2)
      throw ConfigError(
          "usage: playground set KEY=VALUE... (similarity, separation, beta, steps, optimizer, "
          "t, stage1-steps, phi-dim, grid, view=energy|basins, before=0|1)");
    PlaygroundSet set;
    for (size_t i = 1; i < w.size(); ++i) {
      const size_t eq = w[i].find('=');
      if (eq == std::string::npos || eq == 0)
        throw ConfigError("expected KEY=VALUE, got '" + w[i] + "'");
      const std::string key = w[i].substr(0, eq), value = w[i].substr(eq + 1);
      if (key == "similarity")
        set.similarity = parseSimilarity(value);
      else if (key == "separation")
        set.separation = Separation::parse(value);
      else if (key == "beta") {
        set.beta = number("beta", value);
        if (!(*set.beta > 0)) throw ConfigError("beta must be positive, got '" + value + "'");
      } else if (key == "steps")
        set.steps = integer("steps", value, 0, 1000);
      else if (key == "optimizer")
        set.optimizer = parseOptimizer(value);
      else if (key == "t")
        set.t = number("t", value);
      else if (key == "stage1-steps")
        set.stage1Steps = integer("stage1-steps", value, 0, 100000);
      else if (key == "phi-dim")
        set.featureDim = integer("phi-dim", value, 1, 1024);
      else if (key == "grid")
        set.grid = integer("grid", value, 2, kLandscapeMaxGrid);
      else if (key == "view") {
        if (value != "energy" && value != "basins")
          throw ConfigError("view expects energy or basins, got '" + value + "'");
        set.basins = value == "basins";
      } else if (key == "before")
        set.before = flag("before", value);
      else
        throw ConfigError("unknown key '" + key +
                          "' (known: similarity, separation, beta, steps, optimizer, t, "
                          "stage1-steps, phi-dim, grid, view, before)");
    }
    return {set};
  }
  if (op == "stage1") {
    if (w.size() < 2) throw ConfigError("usage: playground stage1 play|pause|step [N]|reset");
    PlaygroundStage1 c;
    if (w[1] == "play")
      c.op = PlaygroundStage1::Op::Play;
    else if (w[1] == "pause")
      c.op = PlaygroundStage1::Op::Pause;
    else if (w[1] == "reset")
      c.op = PlaygroundStage1::Op::Reset;
    else if (w[1] == "step") {
      c.op = PlaygroundStage1::Op::Step;
      if (w.size() == 3) c.count = integer("N", w[2], 1, 100000);
    } else
      throw ConfigError("expected play, pause, step or reset after playground stage1, got '" +
                        w[1] + "'");
    if (w.size() > (c.op == PlaygroundStage1::Op::Step ? 3u : 2u))
      throw ConfigError("usage: playground stage1 play|pause|step [N]|reset");
    return {c};
  }
  throw ConfigError("unknown playground command '" + op + "' (usage: playground " + usage + ")");
}

}  // namespace uhop::ui
