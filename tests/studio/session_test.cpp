// Tests ui/session.* and the session commands of ui/app_model.*: save → load gives identical
// settings and identical retrieval results; malformed files are rejected with a message and the
// model unchanged.
#include "studio/session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "studio/app_model.h"

namespace uhop::ui {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string tmpDir() {
  const fs::path dir = fs::path(UHOP_TEST_TMP) / "session_test";
  fs::create_directories(dir);
  return dir.string();
}

void settle(AppModel& model) {
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(model.stage1Worker->waitIdle(30s));
    updateModel(model);
    if (model.stage1.restoreTarget < 0 && !model.stage1Worker->playing()) return;
  }
}

// A model with non-default everything: 12 memories from offset 3, Stage I 4 steps with the max
// loss, U-Hop with sparsemax and its own β, a noise corruption, target 5, a painted stroke.
void makeInterestingModel(AppModel& model) {
  applyCommand(model, LoadMemories{"builtin", 12, 3});
  ASSERT_TRUE(waitForLoad(model));
  ASSERT_TRUE(model.memories.set) << model.memories.error;
  settle(model);
  Stage1Config c = model.stage1.config;
  c.loss.kind = LossKind::WorstPair;
  c.loss.t = 3.0;
  c.steps = 4;
  c.seed = 7;
  applyCommand(model, SetStage1Config{c});
  applyCommand(model, Stage1Play{});
  settle(model);
  ASSERT_EQ(model.stage1.snapshot->stepsDone, 4);
  applyCommand(model, SetBetaLinked{false});
  applyCommand(model, SetColumnConfig{Side::UHop, ModelConfig{SimilarityKind::Kernel,
                                                              Separation::sparsemax(), 1, false}});
  applyCommand(model, SetBeta{Side::UHop, 2.5});
  applyCommand(model, SetKernelScale{KernelScale::Matched});
  applyCommand(model, SetCorruption{Corruption{CorruptionKind::Noise, 0.3}, 11});
  applyCommand(model, SelectTarget{5});
  applyCommand(model, PaintStroke{2, 2, 9, 9, true});
  applyCommand(model, SetMetastableSteps{7});
}

TEST(SessionTest, JsonRoundTripKeepsEverySetting) {
  Session s;
  s.source = "fashion-mnist";
  s.count = 500;
  s.offset = 100;
  s.stage1.loss.kind = LossKind::WorstPair;
  s.stage1.optimizer = OptimizerKind::Reference;
  s.stage1.learningRate = 0.25;
  s.stage1.seed = 123456789012345ull;
  s.stage1StepsDone = 42;
  s.models[1].separation = Separation::entmax(1.5);
  s.models[1].beta = 0.125;
  s.betaLinked = false;
  s.kernelScale = KernelScale::Raw;
  s.queryEdits = {{3, 1.0f}, {17, 0.1f}, {700, -0.333333f}};
  s.metastableSteps = 3;
  const Session back = parseSession(sessionToJson(s));
  EXPECT_TRUE(back == s) << sessionToJson(back);
}

TEST(SessionTest, GrayscaleAndImageSizeRoundTripAndAreOptional) {
  Session s;
  s.source = "/data/pictures";
  s.grayscale = true;
  s.width = 32;
  s.height = 24;
  const std::string text = sessionToJson(s);
  EXPECT_NE(text.find("\"image_size\""), std::string::npos) << text;
  const Session back = parseSession(text);
  EXPECT_TRUE(back.grayscale);
  EXPECT_EQ(back.width, 32);
  EXPECT_EQ(back.height, 24);
  // A session without them (older, or colour at the first image's size) reads as colour, 0 × 0,
  // and is written without them.
  const std::string plain = sessionToJson(Session{});
  EXPECT_EQ(plain.find("grayscale"), std::string::npos);
  EXPECT_EQ(plain.find("image_size"), std::string::npos);
  const Session colour = parseSession(plain);
  EXPECT_FALSE(colour.grayscale);
  EXPECT_EQ(colour.width, 0);
  // A bad size is refused with a message naming the field.
  std::string bad = text;
  bad.replace(bad.find("32"), 2, "0");
  try {
    parseSession(bad);
    ADD_FAILURE() << "image_size [0, 24] accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("data.image_size.width"), std::string::npos) << e.what();
  }
}

TEST(SessionTest, SaveThenLoadReproducesSettingsAndRetrieval) {
  AppModel a;
  makeInterestingModel(a);
  const std::string path = (fs::path(tmpDir()) / "roundtrip.json").string();
  applyCommand(a, SaveSession{path});
  ASSERT_NE(a.statusMessage.find("Saved session"), std::string::npos) << a.statusMessage;
  const Session saved = captureSession(a);
  EXPECT_FALSE(saved.queryEdits.empty());

  AppModel b;
  applyCommand(b, LoadMemories{"builtin", 20, 0});
  ASSERT_TRUE(waitForLoad(b));
  ASSERT_EQ(b.memories.count(), 20);
  settle(b);
  applyCommand(b, LoadSession{path});
  ASSERT_NE(b.statusMessage.find("Loaded session"), std::string::npos) << b.statusMessage;
  // The session's set is installed at once; its statistics follow on the load worker.
  EXPECT_EQ(b.memories.count(), 12);
  ASSERT_TRUE(waitForLoad(b));
  EXPECT_TRUE(b.memories.statsReady);
  EXPECT_EQ(b.memories.raw.margins.size(), 12);
  settle(b);
  ASSERT_TRUE(b.stage1.snapshot);
  EXPECT_EQ(b.stage1.snapshot->stepsDone, 4);
  EXPECT_EQ(b.stage1Worker->targetSteps(), 4);
  EXPECT_TRUE(captureSession(b) == saved) << sessionToJson(captureSession(b));
  ASSERT_EQ(b.query.pixels.size(), a.query.pixels.size());
  EXPECT_EQ(b.query.pixels, a.query.pixels);
  EXPECT_EQ(*b.stage1.snapshot->W, *a.stage1.snapshot->W);

  // Same numbers: step both models from the query, a few times.
  applyCommand(a, ResetRetrieval{});
  applyCommand(b, ResetRetrieval{});
  for (int t = 0; t < 3; ++t) {
    applyCommand(a, StepRetrieval{});
    applyCommand(b, StepRetrieval{});
  }
  for (int s = 0; s < 2; ++s) {
    ASSERT_TRUE(a.columns[s].model && b.columns[s].model) << s;
    EXPECT_EQ(a.columns[s].state, b.columns[s].state) << s;
    EXPECT_EQ(a.columns[s].energy, b.columns[s].energy) << s;
    EXPECT_EQ(a.columns[s].weights, b.columns[s].weights) << s;
  }
}

TEST(SessionTest, MalformedFilesAreRejectedAndChangeNothing) {
  AppModel a;
  makeInterestingModel(a);
  const Session before = captureSession(a);
  const std::string good = sessionToJson(before);
  auto edited = [&](auto&& edit) {
    nlohmann::json j = nlohmann::json::parse(good);
    edit(j);
    return j.dump();
  };
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"not json", "this is not JSON {"},
      {"truncated", good.substr(0, good.size() / 2)},
      {"array", "[1, 2, 3]"},
      {"wrong type", edited([](auto& j) { j["stage1"]["steps"] = "many"; })},
      {"negative beta", edited([](auto& j) { j["models"][1]["beta"] = -1; })},
      {"beta -1", edited([](auto& j) { j["beta"] = -1; })},
      {"unknown separation", edited([](auto& j) { j["models"][0]["separation"] = "hardmax"; })},
      {"missing field", edited([](auto& j) { j["query"].erase("seed"); })},
      {"bad corruption", edited([](auto& j) { j["query"]["corruption"] = "mask:7"; })},
      {"target beyond M", edited([](auto& j) { j["query"]["target"] = 12; })},
      {"edit beyond d", edited([](auto& j) {
         j["query"]["edits"] = {{100000, 1.0}};
       })},
      {"missing data", edited([](auto& j) { j["data"]["source"] = "/nonexistent/nothing.idx"; })},
      {"wrong format", edited([](auto& j) { j["format"] = "something-else"; })},
  };
  for (const auto& [what, text] : bad) {
    const std::string path = (fs::path(tmpDir()) / "bad.json").string();
    {
      std::ofstream out(path);
      out << text;
    }
    const uint64_t memVersion = a.memories.version, generation = a.stage1.generation;
    applyCommand(a, LoadSession{path});
    EXPECT_NE(a.statusMessage.find("nothing changed"), std::string::npos) << what;
    EXPECT_NE(a.statusMessage.find("session"), std::string::npos) << what << a.statusMessage;
    EXPECT_TRUE(captureSession(a) == before) << what;
    EXPECT_EQ(a.memories.version, memVersion) << what;
    EXPECT_EQ(a.stage1.generation, generation) << what;
  }
  EXPECT_THROW(parseSession("{\"format\": \"uhop-studio-session\", \"version\": 1}"), ConfigError);
  applyCommand(a, LoadSession{"/nonexistent/dir/none.json"});
  EXPECT_NE(a.statusMessage.find("nothing changed"), std::string::npos);
}

// A session file of format version 1 as the studio wrote it (makeInterestingModel, then File ▸
// Save session), kept in the tree: every later version of the app must still read it, with the
// same values. Regenerate only when the format changes on purpose, as a new session_v<N>.json:
//   uhop_studio_tests --gtest_also_run_disabled_tests --gtest_filter='*WriteTheFixture'
const char* const kFixture = UHOP_TEST_FIXTURES "/session_v1.json";

TEST(SessionFixture, DISABLED_WriteTheFixture) {
  AppModel a;
  makeInterestingModel(a);
  applyCommand(a, SaveSession{kFixture});
  ASSERT_NE(a.statusMessage.find("Saved session"), std::string::npos) << a.statusMessage;
}

TEST(SessionFixture, VersionOneFileKeepsItsValues) {
  const Session s = loadSessionFile(kFixture);
  EXPECT_EQ(s.source, "builtin");
  EXPECT_EQ(s.count, 12);
  EXPECT_EQ(s.offset, 3);
  EXPECT_EQ(s.stage1.loss.kind, LossKind::WorstPair);
  EXPECT_EQ(s.stage1.loss.t, 3.0);
  EXPECT_EQ(s.stage1.steps, 4);
  EXPECT_EQ(s.stage1StepsDone, 4);
  EXPECT_EQ(s.stage1.seed, 7u);
  EXPECT_EQ(s.stage1.init, FeatureInit::Identity);
  EXPECT_TRUE(s.stage1.normalizeRows);
  EXPECT_EQ(s.models[0].similarity, SimilarityKind::Dot);
  EXPECT_EQ(s.models[0].separation, Separation::softmax());
  EXPECT_EQ(s.models[0].beta, 1.0);
  EXPECT_EQ(s.models[1].similarity, SimilarityKind::Kernel);
  EXPECT_EQ(s.models[1].separation, Separation::sparsemax());
  EXPECT_EQ(s.models[1].beta, 2.5);
  EXPECT_FALSE(s.betaLinked);
  EXPECT_EQ(s.kernelScale, KernelScale::Matched);
  EXPECT_FALSE(s.referenceCompatible);
  EXPECT_EQ(s.target, 5);
  EXPECT_EQ(s.corruption.kind, CorruptionKind::Noise);
  EXPECT_EQ(s.corruption.amount, 0.3);
  EXPECT_EQ(s.querySeed, 11u);
  EXPECT_EQ(s.metastableSteps, 7);
  // The painted stroke from (2, 2) to (9, 9): white pixels (value 1) on the diagonal, in
  // ascending order, all inside the 28 × 28 image.
  ASSERT_FALSE(s.queryEdits.empty());
  for (size_t i = 0; i < s.queryEdits.size(); ++i) {
    EXPECT_EQ(s.queryEdits[i].second, 1.0f);
    EXPECT_LT(s.queryEdits[i].first, 784);
    if (i > 0) {
      EXPECT_GT(s.queryEdits[i].first, s.queryEdits[i - 1].first);
    }
  }
  const auto onStroke = [&](int x, int y) {
    return std::any_of(s.queryEdits.begin(), s.queryEdits.end(),
                       [&](const auto& e) { return e.first == y * 28 + x; });
  };
  EXPECT_TRUE(onStroke(5, 5));
  EXPECT_FALSE(onStroke(20, 3));

  // The studio loads it: the same settings come back and Stage I replays to step 4.
  AppModel b;
  applyCommand(b, LoadSession{kFixture});
  ASSERT_NE(b.statusMessage.find("Loaded session"), std::string::npos) << b.statusMessage;
  settle(b);
  ASSERT_TRUE(b.stage1.snapshot);
  EXPECT_EQ(b.stage1.snapshot->stepsDone, 4);
  EXPECT_TRUE(captureSession(b) == s) << sessionToJson(captureSession(b));
  EXPECT_EQ(b.memories.count(), 12);
  EXPECT_EQ(b.query.target, 5);
  EXPECT_EQ(b.column(Side::UHop).config.separation, Separation::sparsemax());
}

}  // namespace
}  // namespace uhop::ui
