// Tests studio/script.* and studio/state_json.*: scripts parsed with line numbers, run through the
// model's Commands without a window, and the state JSON checked against values computed here
// with core directly.
#include "studio/script.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/random.h"
#include "studio/state_json.h"

namespace uhop::ui {
namespace {

using namespace std::chrono_literals;

// The window's frame loop without a window: the script's Commands, then the workers' results,
// once per "frame", until the script ends (false on an error or after 60 s).
bool runToEnd(ScriptRunner& runner, AppModel& model, int* frames = nullptr) {
  Commands commands;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  int n = 0;
  while (!runner.finished() && std::chrono::steady_clock::now() < deadline) {
    runner.advance(model, commands);
    applyCommands(model, commands);
    updateModel(model);
    ++n;
    std::this_thread::sleep_for(1ms);
  }
  if (frames) *frames = n;
  return runner.finished() && !runner.failed();
}

std::string parseError(const std::string& text) {
  try {
    parseScript(text, "demo.uhop");
  } catch (const ScriptError& e) {
    return e.what();
  }
  return "";
}

TEST(ScriptTest, ParsesEveryCommandWithItsLineNumber) {
  const auto lines = parseScript(
      "# a lecture demo\n"
      "load builtin memories=16 offset=2 grayscale=1\n"
      "\n"
      "stage1 set optimizer=adam steps=7 lr=0.01 t=3 loss=max batch=8 seed=5  # trailing\n"
      "stage1 play\n"
      "wait frames 4\n"
      "target 3\n"
      "corrupt noise:0.2 seed=9\n"
      "paint 4 5.5 radius=2 value=0.25\n"
      "model uhop similarity=kernel separation=sparsemax beta=2.5\n"
      "step both 3\n"
      "run baseline\n"
      "metastable run steps=4\n"
      "experiment run capacity grid=4,8 models=mhm,uhop seeds=1\n"
      "caption \"Half the pixels masked\"\n"
      "pause\n"
      "screenshot out/a.png scale=2\n",
      "demo.uhop");
  ASSERT_EQ(lines.size(), 15u);
  EXPECT_EQ(lines[0].number, 2);
  const auto& load = std::get<ScriptLoad>(lines[0].action);
  EXPECT_EQ(load.source, "builtin");
  EXPECT_TRUE(load.grayscale);
  EXPECT_EQ(*load.memories, 16);
  EXPECT_EQ(load.offset, 2);
  EXPECT_EQ(lines[1].number, 4);
  const auto& set = std::get<ScriptStage1Set>(lines[1].action);
  EXPECT_EQ(*set.optimizer, OptimizerKind::Adam);
  EXPECT_EQ(*set.steps, 7);
  EXPECT_DOUBLE_EQ(*set.lr, 0.01);
  EXPECT_DOUBLE_EQ(*set.t, 3);
  EXPECT_EQ(*set.loss, LossKind::WorstPair);
  EXPECT_EQ(*set.batch, 8);
  EXPECT_EQ(*set.seed, 5u);
  EXPECT_FALSE(set.init);
  EXPECT_EQ(std::get<ScriptWait>(lines[3].action).frames, 4);
  EXPECT_EQ(std::get<ScriptTarget>(lines[4].action).index, 3);
  const auto& corrupt = std::get<ScriptCorrupt>(lines[5].action);
  EXPECT_EQ(corrupt.corruption.kind, CorruptionKind::Noise);
  EXPECT_DOUBLE_EQ(corrupt.corruption.amount, 0.2);
  EXPECT_EQ(*corrupt.seed, 9u);
  const auto& paint = std::get<ScriptPaint>(lines[6].action);
  EXPECT_FLOAT_EQ(paint.y, 5.5f);
  EXPECT_FLOAT_EQ(*paint.radius, 2.0f);
  EXPECT_FLOAT_EQ(paint.value, 0.25f);
  const auto& model = std::get<ScriptModel>(lines[7].action);
  EXPECT_EQ(model.side, Side::UHop);
  EXPECT_EQ(*model.separation, Separation::sparsemax());
  EXPECT_DOUBLE_EQ(*model.beta, 2.5);
  const auto& step = std::get<ScriptRetrieve>(lines[8].action);
  EXPECT_FALSE(step.side);
  EXPECT_EQ(step.count, 3);
  EXPECT_FALSE(step.run);
  EXPECT_TRUE(std::get<ScriptRetrieve>(lines[9].action).run);
  EXPECT_EQ(*std::get<ScriptRetrieve>(lines[9].action).side, Side::Baseline);
  EXPECT_EQ(*std::get<ScriptMetastable>(lines[10].action).steps, 4);
  const auto& exp = std::get<ScriptExperiment>(lines[11].action);
  EXPECT_EQ(exp.start.kind, SweepKind::Capacity);
  EXPECT_EQ(exp.start.grid, "4,8");
  // Indices into defaultModels(): MHM first, U-Hop fourth.
  EXPECT_EQ(exp.start.models, (std::vector<int>{0, 3}));
  EXPECT_EQ(exp.start.seeds, 1);
  EXPECT_EQ(std::get<ScriptCaption>(lines[12].action).text, "Half the pixels masked");
  EXPECT_TRUE(std::holds_alternative<ScriptPause>(lines[13].action));
  const auto& shot = std::get<ScriptScreenshot>(lines[14].action);
  EXPECT_EQ(shot.path, "out/a.png");
  EXPECT_EQ(shot.scale, 2);
}

TEST(ScriptTest, ParseErrorsNameTheLineAndTheReason) {
  EXPECT_EQ(parseError("load builtin\n\n# note\nstep sideways\n"),
            "demo.uhop:4: expected baseline, uhop or both, got 'sideways'");
  EXPECT_EQ(parseError("jump 3\n").rfind("demo.uhop:1: unknown command 'jump'", 0), 0u);
  EXPECT_EQ(parseError("load builtin\nload builtin size=3\n")
                .rfind("demo.uhop:2: unknown key 'size' (known: memories, offset, grayscale)", 0),
            0u);
  EXPECT_EQ(parseError("target -1\n"),
            "demo.uhop:1: target expects an integer in 0..10000000, got '-1'");
  EXPECT_EQ(parseError("paint 3 3 value=2\n"),
            "demo.uhop:1: value expects a number in 0..1, got '2'");
  EXPECT_EQ(parseError("wait forever\n").rfind("demo.uhop:1: cannot wait for 'forever'", 0), 0u);
  EXPECT_EQ(parseError("theory open\n"), "demo.uhop:1: expected show or hide after theory, got 'open'");
  EXPECT_EQ(parseError("stage1 set batch=1\n"),
            "demo.uhop:1: batch must be 0 (full batch) or at least 2");
  EXPECT_NE(parseError("corrupt blur:3\n").find("demo.uhop:1: corruption: "), std::string::npos);
  EXPECT_NE(parseError("model uhop separation=entmax:7\n").find("demo.uhop:1: separation: "),
            std::string::npos);
  EXPECT_EQ(parseError("stage1 set optimizer=magic\n").rfind("demo.uhop:1: optimizer: ", 0), 0u);
  EXPECT_EQ(
      parseError("experiment run capacity models=mhm,nope\n").rfind("demo.uhop:1: models: ", 0),
      0u);
  // A model `uhop sweep` knows but the Experiments tab does not offer.
  EXPECT_EQ(parseError("experiment run capacity models=l1\n")
                .rfind("demo.uhop:1: model 'l1' is not in the Experiments tab (dot+softmax, ", 0),
            0u);
  EXPECT_EQ(parseError("screenshot a.png scale=3\n"),
            "demo.uhop:1: scale expects an integer in 1..2, got '3'");
  EXPECT_EQ(parseError("step both 2 3\n"), "demo.uhop:1: usage: step baseline|uhop|both [N]");
  EXPECT_EQ(parseError("load \"no end\n"), "demo.uhop:1: unclosed quote");
  EXPECT_EQ(parseError("load builtin grayscale=2\n").rfind("demo.uhop:1: grayscale", 0), 0u);
  EXPECT_FALSE(std::get<ScriptLoad>(parseScript("load x.bin grayscale=0\n", "d")[0].action).grayscale);
  EXPECT_THROW(loadScriptFile("/nonexistent/demo.uhop"), DataError);
}

TEST(ScriptTest, StepsBothColumnsAndTheStateMatchesCore) {
  AppModel model;
  ScriptRunner runner(parseScript("load builtin memories=16\n"
                                  "wait stage1\n"
                                  "target 3\n"
                                  "corrupt mask:0.5 seed=7\n"
                                  "step both 2\n",
                                  "s"),
                      "s", false);
  ASSERT_TRUE(runToEnd(runner, model)) << runner.error();
  const nlohmann::json j = stateJson(model);

  EXPECT_EQ(j["memories"]["count"], 16);
  EXPECT_EQ(j["memories"]["width"], 28);
  EXPECT_EQ(j["memories"]["height"], 28);
  EXPECT_EQ(j["memories"]["channels"], 1);
  EXPECT_EQ(j["memories"]["source"], "builtin");
  EXPECT_EQ(j["target"], 3);
  EXPECT_EQ(j["corruption"], "mask:0.5");
  EXPECT_EQ(j["stage1"]["step"], 0);
  EXPECT_EQ(j["stage1"]["running"], false);
  EXPECT_EQ(j["stage1"]["batch"], 0);

  // The query by hand: memory 3 through the corruption stream of column 3 of seed 7, as
  // corruptMemories draws it.
  const MemorySet& set = *model.memories.set;
  Vector query = set.patterns.col(3);
  corrupt(Corruption{CorruptionKind::Mask, 0.5}, set.shape, deriveSeed(7, 3), query.data(),
          static_cast<int>(query.size()));
  // Two steps of each model built here from core: x ← Ξ sep(β s(Ξ, x)).
  const auto memories = std::make_shared<const Matrix>(set.patterns);
  auto expectColumn = [&](const nlohmann::json& c, const HopfieldModel& hm) {
    Matrix x = query, next, p;
    for (int t = 0; t < 2; ++t) {
      hm.step(x, next, p);
      x = next;
    }
    hm.weights(x, p);
    const QueryOutcome o = assessQuery(x, p, set.patterns, 0, 3, hm.config().separation);
    EXPECT_EQ(c["steps"], 2);
    EXPECT_NEAR(c["error"].get<double>(), o.error, 1e-9 + 1e-6 * o.error);
    EXPECT_NEAR(c["max_weight"].get<double>(), o.maxWeight, 1e-6);
    EXPECT_EQ(c["support"], o.support);
    EXPECT_EQ(c["outcome"], o.metastable ? "metastable" : (o.correct ? "correct" : "wrong"));
  };
  EXPECT_EQ(j["baseline"]["similarity"], "dot");
  EXPECT_EQ(j["baseline"]["separation"], "softmax");
  EXPECT_DOUBLE_EQ(j["baseline"]["beta"].get<double>(), 1.0);
  expectColumn(j["baseline"], HopfieldModel(memories, model.column(Side::Baseline).config));
  // U-Hop with the W of Stage I's step 0 (the identity init, rows normalised, scaled as the
  // fairness setting says), which w_step reports.
  EXPECT_EQ(j["uhop"]["similarity"], "kernel");
  EXPECT_EQ(j["uhop"]["w_step"], 0);
  const auto W = model.scaledFeatureMap(model.stage1.snapshot.get());
  ASSERT_TRUE(W);
  expectColumn(j["uhop"], HopfieldModel(memories, model.column(Side::UHop).config, W.get()));
  EXPECT_FALSE(j["baseline"].contains("w_step"));
}

TEST(ScriptTest, WaitStage1WaitsForTheStepsAndUHopTakesTheTrainedW) {
  AppModel model;
  ScriptRunner runner(parseScript("load builtin memories=12\n"
                                  "stage1 set steps=4 seed=3\n"
                                  "stage1 play\n"
                                  "wait stage1\n"
                                  "stage1 step\n"
                                  "wait stage1\n",
                                  "s"),
                      "s", false);
  ASSERT_TRUE(runToEnd(runner, model)) << runner.error();
  const nlohmann::json j = stateJson(model);
  // Four steps played to the target, then one more asked for by hand.
  EXPECT_EQ(j["stage1"]["step"], 5);
  EXPECT_EQ(model.stage1Worker->stepsDone(), 5);
  EXPECT_EQ(j["stage1"]["running"], false);
  EXPECT_EQ(j["uhop"]["w_step"], 5);
  EXPECT_DOUBLE_EQ(j["stage1"]["loss"].get<double>(), model.stage1.snapshot->history.back().loss);
}

TEST(ScriptTest, TheoryShowAndWaitGiveTheTargetsNumbers) {
  AppModel model;
  ScriptRunner runner(parseScript("load builtin memories=12\n"
                                  "wait stage1\n"
                                  "target 3\n"
                                  "theory show\n"
                                  "wait theory\n",
                                  "s"),
                      "s", false);
  ASSERT_TRUE(runToEnd(runner, model)) << runner.error();
  EXPECT_TRUE(model.theoryView.shown);
  const nlohmann::json t = stateJson(model)["theory"];
  ASSERT_TRUE(t["done"].get<bool>()) << t.dump();
  // Δ₃ of the dot product from the memories directly: ‖ξ₃‖² − max_{ν≠3} ⟨ξ_ν, ξ₃⟩.
  const Matrix& xi = model.memories.set->patterns;
  double rival = -1e300;
  for (int n = 0; n < 12; ++n)
    if (n != 3) rival = std::max(rival, static_cast<double>(xi.col(n).dot(xi.col(3))));
  const double delta = xi.col(3).squaredNorm() - rival;
  EXPECT_NEAR(t["target"]["delta"].get<double>(), delta, 1e-3 * std::abs(delta));
  EXPECT_TRUE(t["target"]["delta_kernel"].is_number());
  EXPECT_TRUE(t["target"]["measured_baseline"].is_number());
  EXPECT_TRUE(t["target"]["measured_uhop"].is_number());
  EXPECT_TRUE(t["target"]["vacuous_uhop"].is_boolean());
  ScriptRunner hide(parseScript("theory hide\n", "h"), "h", false);
  ASSERT_TRUE(runToEnd(hide, model)) << hide.error();
  EXPECT_FALSE(model.theoryView.shown);
}

TEST(ScriptTest, Stage1BatchSizeRestartsTheRun) {
  AppModel model;
  ScriptRunner runner(parseScript("load builtin memories=12\n"
                                  "wait stage1\n"
                                  "stage1 step\n"
                                  "wait stage1\n"
                                  "stage1 set batch=4\n"
                                  "stage1 step\n"
                                  "wait stage1\n",
                                  "s"),
                      "s", false);
  ASSERT_TRUE(runToEnd(runner, model)) << runner.error();
  const nlohmann::json j = stateJson(model);
  EXPECT_EQ(j["stage1"]["batch"], 4);
  EXPECT_EQ(model.stage1.config.batchSize, 4);
  // A new batch size starts Stage I again from its init: one step after the change, not two.
  EXPECT_EQ(j["stage1"]["step"], 1);
  EXPECT_FALSE(j["stage1"]["diverged"].get<bool>()) << j["stage1"]["message"];
}

TEST(ScriptTest, ModelPaintAndMetastableLines) {
  AppModel model;
  ScriptRunner runner(parseScript("load builtin memories=10\n"
                                  "target 2\n"
                                  "corrupt none\n"
                                  "model baseline similarity=l2 separation=sparsemax beta=3\n"
                                  "run both\n"
                                  "metastable run steps=2\n"
                                  "wait metastable\n",
                                  "s"),
                      "s", false);
  ASSERT_TRUE(runToEnd(runner, model)) << runner.error();
  const nlohmann::json j = stateJson(model);
  EXPECT_EQ(j["baseline"]["similarity"], "l2");
  EXPECT_EQ(j["baseline"]["separation"], "sparsemax");
  // β is linked by default: both columns take it.
  EXPECT_DOUBLE_EQ(j["baseline"]["beta"].get<double>(), 3.0);
  EXPECT_DOUBLE_EQ(j["uhop"]["beta"].get<double>(), 3.0);
  EXPECT_EQ(j["baseline"]["converged"], true);
  EXPECT_EQ(j["metastable"]["done"], true);
  EXPECT_EQ(j["metastable"]["queries"], 10);
  EXPECT_EQ(model.metastable.steps, 2);
  for (const char* name : {"baseline", "uhop"}) {
    const auto& m = j["metastable"]["models"][name];
    EXPECT_NEAR(
        m["correct"].get<double>() + m["wrong"].get<double>() + m["metastable"].get<double>(), 1.0,
        1e-12)
        << name;
  }
}

TEST(ScriptTest, PaintValueSetsThePixel) {
  AppModel model;
  ScriptRunner runner(
      parseScript("load builtin memories=4\ncorrupt none\npaint 5.5 6.5 radius=0.5 value=0.25\n",
                  "s"),
      "s", false);
  ASSERT_TRUE(runToEnd(runner, model)) << runner.error();
  // Radius ½ around the centre of pixel (5, 6) covers that pixel only (neighbours' centres are 1
  // away).
  const Vector& q = model.query.pixels;
  const Vector target = model.memories.set->patterns.col(0);
  const int painted = 6 * 28 + 5;
  EXPECT_FLOAT_EQ(q[painted], 0.25f);
  for (Eigen::Index i = 0; i < q.size(); ++i)
    if (i != painted) {
      ASSERT_EQ(q[i], target[i]) << i;
    }
  EXPECT_EQ(model.query.undo.size(), 1u);  // one stroke, one undo step
  // The user's brush is back after the script's stroke.
  EXPECT_FLOAT_EQ(model.query.brushRadius, 1.5f);
  EXPECT_FALSE(model.query.erase);
}

TEST(ScriptTest, RuntimeErrorsStopTheScriptAtTheirLine) {
  {
    AppModel model;
    ScriptRunner runner(parseScript("load builtin memories=16\ntarget 99\ntarget 1\n", "s"), "s",
                        false);
    EXPECT_FALSE(runToEnd(runner, model));
    EXPECT_TRUE(runner.failed());
    EXPECT_EQ(runner.error(), "s:2: target 99 is beyond the 16 memories loaded (0..15)");
    EXPECT_EQ(model.query.target, 0);  // line 3 never ran
  }
  {
    AppModel model;
    ScriptRunner runner(parseScript("# no such file\nload /nonexistent/x.idx\ntarget 1\n", "s"),
                        "s", false);
    EXPECT_FALSE(runToEnd(runner, model));
    EXPECT_EQ(runner.error().rfind("s:2: Could not load \"/nonexistent/x.idx\"", 0), 0u)
        << runner.error();
  }
  {
    AppModel model;
    ScriptRunner runner(parseScript("wait stage1\n", "s"), "s", false);
    EXPECT_FALSE(runToEnd(runner, model));
    EXPECT_EQ(runner.error(), "s:1: no memories loaded");
  }
  {
    // poly with l2 would give every query the uniform mean: core refuses it.
    AppModel model;
    ScriptRunner runner(
        parseScript("load builtin memories=4\nmodel baseline similarity=l2 separation=poly:3\n",
                    "s"),
        "s", false);
    EXPECT_FALSE(runToEnd(runner, model));
    EXPECT_EQ(runner.error().rfind("s:2: ", 0), 0u);
    EXPECT_NE(runner.error().find("uniform mean"), std::string::npos) << runner.error();
  }
}

TEST(ScriptTest, FramesPauseCaptionAndScreenshot) {
  const auto lines =
      parseScript("caption Look at the energy\nwait frames 3\npause\nscreenshot a.png\n", "s");
  AppModel model;
  {
    // Headless: pause is a no-op; the caption and the screenshot request are the window's.
    ScriptRunner runner(lines, "s", false);
    Commands commands;
    // The caption ends the frame's share (the window draws it from the next frame on).
    runner.advance(model, commands);
    EXPECT_EQ(runner.caption(), "Look at the energy");
    EXPECT_EQ(runner.currentLine(), 2);
    runner.advance(model, commands);  // wait frames 3 starts
    runner.advance(model, commands);
    runner.advance(model, commands);
    EXPECT_EQ(runner.currentLine(), 2);
    runner.advance(model, commands);  // three frames waited: pause (no-op), screenshot
    EXPECT_TRUE(runner.finished());
    const auto shot = runner.takeScreenshot();
    ASSERT_TRUE(shot);
    EXPECT_EQ(shot->path, "a.png");
    EXPECT_FALSE(runner.takeScreenshot());  // taken once
    EXPECT_TRUE(commands.empty());
  }
  {
    // Interactive: pause holds the script until resume().
    ScriptRunner runner(lines, "s", true);
    Commands commands;
    for (int i = 0; i < 10; ++i) runner.advance(model, commands);
    EXPECT_TRUE(runner.paused());
    EXPECT_EQ(runner.currentLine(), 3);
    EXPECT_FALSE(runner.finished());
    runner.resume();
    runner.advance(model, commands);
    EXPECT_TRUE(runner.finished());
    EXPECT_TRUE(runner.takeScreenshot());
  }
}

TEST(ScriptTest, ExperimentRunsToTheEnd) {
  AppModel model;
  ScriptRunner runner(parseScript("load builtin memories=16\n"
                                  "experiment run capacity grid=4,8 models=mhm seeds=1\n"
                                  "wait experiment\n",
                                  "s"),
                      "s", false);
  ASSERT_TRUE(runToEnd(runner, model)) << runner.error();
  const nlohmann::json j = stateJson(model);
  EXPECT_EQ(j["experiment"]["done"], true);
  // Two M values × one model × one seed.
  EXPECT_EQ(j["experiment"]["total_cells"], 2);
  EXPECT_EQ(j["experiment"]["cells_done"], 2);
  // A grid beyond the loaded memories stops the script at its line.
  ScriptRunner beyond(parseScript("experiment run capacity grid=4,99\n", "s"), "s", false);
  EXPECT_FALSE(runToEnd(beyond, model));
  EXPECT_EQ(beyond.error().rfind("s:1: M = 99 beyond the 16 memories loaded", 0), 0u)
      << beyond.error();
}

TEST(ScriptTest, TheExampleScriptRuns) {
  // assets/ beside tests/ in the source tree.
  const std::string path =
      (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "assets" /
       "scripts" / "lecture_demo.uhop")
          .string();
  const auto lines = loadScriptFile(path);
  EXPECT_GE(lines.size(), 8u);
  AppModel model;
  ScriptRunner runner(lines, path, false);
  ASSERT_TRUE(runToEnd(runner, model)) << runner.error();
  const nlohmann::json j = stateJson(model);
  EXPECT_GT(j["stage1"]["step"].get<int>(), 0);
  EXPECT_NE(j["uhop"]["outcome"], "none");
  EXPECT_EQ(j["metastable"]["done"], true);
}

TEST(ScriptTest, CaptionPlaceholdersComeFromTheStateJson) {
  const nlohmann::json state = {
      {"uhop", {{"error", 12.3456}, {"outcome", "correct"}, {"steps", 3}}},
      {"stage1", {{"loss", 0.000123456}, {"running", false}}},
      {"baseline", {{"error", nullptr}}}};
  // 3 significant digits: 12.3456 → 12.3, 0.000123456 → 0.000123; integers and strings as they
  // are.
  EXPECT_EQ(fillPlaceholders("e={uhop.error} o={uhop.outcome} t={uhop.steps} l={stage1.loss} "
                             "r={stage1.running}",
                             state),
            "e=12.3 o=correct t=3 l=0.000123 r=false");
  EXPECT_EQ(fillPlaceholders("no placeholders", state), "no placeholders");
  EXPECT_THROW(fillPlaceholders("{uhop.nope}", state), ScriptError);
  EXPECT_THROW(fillPlaceholders("{baseline.error}", state), ScriptError);  // null: no value yet
  // Syntax is checked when the script is parsed, with the line number.
  EXPECT_EQ(parseError("load builtin\ncaption {uhop.error\n"),
            "demo.uhop:2: unclosed '{' in the caption");
  EXPECT_EQ(parseError("caption a {} b\n").rfind("demo.uhop:1: bad placeholder '{}'", 0), 0u);
}

TEST(ScriptTest, CaptionPlaceholdersResolveWhenTheLineRuns) {
  AppModel model;
  ScriptRunner runner(parseScript("load builtin memories=8\n"
                                  "wait stage1\n"
                                  "target 2\n"
                                  "corrupt mask:0.5 seed=1\n"
                                  "step uhop 2\n"
                                  "caption U-Hop after {uhop.steps} steps: error {uhop.error}\n",
                                  "s"),
                      "s", false);
  ASSERT_TRUE(runToEnd(runner, model)) << runner.error();
  char expected[128];
  std::snprintf(expected, sizeof expected, "U-Hop after 2 steps: error %.3g",
                model.column(Side::UHop).outcome.error);
  EXPECT_EQ(runner.caption(), expected);

  // An unknown placeholder stops the script at its line.
  AppModel other;
  ScriptRunner bad(parseScript("load builtin memories=8\ncaption {uhop.eror}\n", "s"), "s", false);
  EXPECT_FALSE(runToEnd(bad, other));
  EXPECT_EQ(bad.error().rfind("s:2: unknown placeholder {uhop.eror}", 0), 0u) << bad.error();
}

TEST(ScriptTest, RecordLinesParse) {
  const auto lines = parseScript(
      "record start out/a.gif width=320 delay=15\n"
      "record start frames/\n"
      "record start b.gif frames=pngs region=stage2\n"
      "record stop\n",
      "demo.uhop");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_FALSE(std::get<ScriptRecord>(lines[0].action).stage2Only);
  EXPECT_TRUE(std::get<ScriptRecord>(lines[2].action).stage2Only);
  EXPECT_EQ(parseError("record start a.gif region=plot\n").rfind("demo.uhop:1: region expects", 0),
            0u);
  const auto& a = std::get<ScriptRecord>(lines[0].action);
  EXPECT_TRUE(a.start);
  EXPECT_EQ(a.gifPath, "out/a.gif");
  EXPECT_EQ(a.width, 320);
  EXPECT_EQ(a.delayCentiseconds, 15);
  EXPECT_TRUE(a.framesDir.empty());
  const auto& b = std::get<ScriptRecord>(lines[1].action);
  EXPECT_TRUE(b.gifPath.empty());
  EXPECT_EQ(b.framesDir, "frames/");
  EXPECT_EQ(std::get<ScriptRecord>(lines[2].action).framesDir, "pngs");
  EXPECT_FALSE(std::get<ScriptRecord>(lines[3].action).start);
  EXPECT_EQ(parseError("record start a.png\n").rfind("demo.uhop:1: record start expects", 0), 0u);
  EXPECT_EQ(parseError("record start a.gif width=3\n").rfind("demo.uhop:1: width expects", 0), 0u);
  EXPECT_EQ(parseError("record pause\n").rfind("demo.uhop:1: usage: record", 0), 0u);
}

TEST(ScriptTest, SlidesCountPausesAndAReplaySkipsThem) {
  const std::string text =
      "load builtin memories=8\n"
      "caption one\n"
      "pause\n"
      "target 3\n"
      "caption two\n"
      "screenshot dropped.png\n"
      "pause\n"
      "caption three\n";
  AppModel model;
  ScriptRunner runner(parseScript(text, "s"), "s", true);
  EXPECT_EQ(runner.slideCount(), 3);  // two pauses and lines after the last
  EXPECT_EQ(runner.slide(), 1);
  Commands commands;
  auto frames = [&](int n) {
    for (int i = 0; i < n; ++i) {
      runner.advance(model, commands);
      applyCommands(model, commands);
      waitForLoad(model);  // a `load` line's set arrives from the load worker
      updateModel(model);
    }
  };
  frames(10);
  EXPECT_TRUE(runner.paused());
  EXPECT_EQ(runner.slide(), 1);
  EXPECT_EQ(runner.caption(), "one");
  runner.resume();
  frames(10);
  EXPECT_TRUE(runner.paused());
  EXPECT_EQ(runner.slide(), 2);
  EXPECT_EQ(model.query.target, 3);

  // A replay to slide 3: both pauses pass, the screenshot before the last one is dropped, and it
  // stops being a fast-forward once the 2nd pause is behind it.
  AppModel fresh;
  ScriptRunner replay(parseScript(text, "s"), "s", true);
  replay.skipPauses(2);
  Commands c2;
  int n = 0;
  while (replay.fastForwarding() && n++ < 100) {
    replay.advance(fresh, c2);
    EXPECT_FALSE(replay.takeScreenshot().has_value());
    applyCommands(fresh, c2);
    waitForLoad(fresh);  // a `load` line's set arrives from the load worker
    updateModel(fresh);
  }
  EXPECT_FALSE(replay.fastForwarding());
  EXPECT_EQ(replay.slide(), 3);
  EXPECT_EQ(fresh.query.target, 3);
  replay.advance(fresh, c2);
  EXPECT_EQ(replay.caption(), "three");
  EXPECT_TRUE(replay.finished());
}

TEST(ScriptTest, SlideScreenshotsAtEveryPause) {
  AppModel model;
  ScriptRunner runner(parseScript("load builtin memories=8\npause\ncaption b\npause\n", "s"), "s",
                      false);
  runner.setSlideScreenshots("slides");
  Commands commands;
  std::vector<std::string> shots;
  for (int i = 0; i < 20 && !runner.finished(); ++i) {
    runner.advance(model, commands);
    if (auto s = runner.takeScreenshot()) shots.push_back(s->path);
    applyCommands(model, commands);
    waitForLoad(model);  // a `load` line's set arrives from the load worker
    updateModel(model);
  }
  ASSERT_TRUE(runner.finished());
  ASSERT_EQ(shots.size(), 2u);
  EXPECT_EQ(shots[0], (std::filesystem::path("slides") / "slide-001.png").string());
  EXPECT_EQ(shots[1], (std::filesystem::path("slides") / "slide-002.png").string());
}

// Every lesson in assets/lessons/ runs headless to its end, and each has the slides it shows.
TEST(ScriptTest, EveryShippedLessonRunsToItsEnd) {
  const std::filesystem::path dir =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "assets" /
      "lessons";
  std::vector<std::string> paths;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".uhop") paths.push_back(e.path().string());
  EXPECT_GE(paths.size(), 5u);
  for (const std::string& path : paths) {
    SCOPED_TRACE(path);
    AppModel model;
    ScriptRunner runner(loadScriptFile(path), path, false);
    EXPECT_GE(runner.slideCount(), 3);
    Commands commands;
    const auto deadline = std::chrono::steady_clock::now() + 300s;
    while (!runner.finished() && std::chrono::steady_clock::now() < deadline) {
      runner.advance(model, commands);
      runner.takeRecord();
      applyCommands(model, commands);
      waitForLoad(model);  // a `load` line's set arrives from the load worker
      updateModel(model);
      std::this_thread::sleep_for(1ms);
    }
    EXPECT_TRUE(runner.finished() && !runner.failed()) << runner.error();
    EXPECT_FALSE(runner.caption().empty());
  }
}

TEST(ScriptTest, ExportNamesAPlotAndAFormat) {
  const auto lines = parseScript("export stage2.energy png\n", "demo.uhop");
  ASSERT_EQ(lines.size(), 1u);
  const auto* e = std::get_if<ScriptExport>(&lines[0].action);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->plot, "stage2.energy");
  EXPECT_EQ(e->format, "png");
  EXPECT_EQ(parseError("export stage2.energy pdf\n"),
            "demo.uhop:1: export expects svg, png or csv, got 'pdf'");
  EXPECT_EQ(parseError("export stage2.energy\n").rfind("demo.uhop:1: ", 0), 0u);
}

}  // namespace
}  // namespace uhop::ui
