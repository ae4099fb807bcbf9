#include "studio/session.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/separation_loss.h"
#include "core/similarity.h"
#include "core/types.h"
#include "plot/plot_export.h"
#include "studio/settings.h"

namespace uhop::ui {

namespace fs = std::filesystem;
using nlohmann::json;

bool operator==(const Session& a, const Session& b) {
  auto sameStage1 = [](const Stage1Config& x, const Stage1Config& y) {
    return x.featureDim == y.featureDim && x.init == y.init && x.seed == y.seed &&
           x.loss.kind == y.loss.kind && x.loss.t == y.loss.t && x.optimizer == y.optimizer &&
           x.learningRate == y.learningRate && x.steps == y.steps &&
           x.normalizeRows == y.normalizeRows && x.batchSize == y.batchSize;
  };
  auto sameModel = [](const ModelConfig& x, const ModelConfig& y) {
    return x.similarity == y.similarity && x.separation == y.separation && x.beta == y.beta &&
           x.betaAfterSeparation == y.betaAfterSeparation;
  };
  return a.source == b.source && a.count == b.count && a.offset == b.offset &&
         a.grayscale == b.grayscale && a.width == b.width && a.height == b.height &&
         sameStage1(a.stage1, b.stage1) && a.stage1StepsDone == b.stage1StepsDone &&
         sameModel(a.models[0], b.models[0]) && sameModel(a.models[1], b.models[1]) &&
         a.beta == b.beta && a.betaLinked == b.betaLinked && a.kernelScale == b.kernelScale &&
         a.referenceCompatible == b.referenceCompatible && a.target == b.target &&
         a.corruption == b.corruption && a.querySeed == b.querySeed &&
         a.queryEdits == b.queryEdits && a.metastableSteps == b.metastableSteps;
}

std::string sessionToJson(const Session& s) {
  json j;
  j["format"] = "uhop-studio-session";
  j["version"] = 1;
  j["data"] = {{"source", s.source}, {"count", s.count}, {"offset", s.offset}};
  // Written only when set, so sessions of grey or single-size data read as before.
  if (s.grayscale) j["data"]["grayscale"] = true;
  if (s.width > 0) j["data"]["image_size"] = {s.width, s.height};
  const Stage1Config& c = s.stage1;
  j["stage1"] = {{"feature_dim", c.featureDim},
                 {"init", featureInitName(c.init)},
                 {"seed", c.seed},
                 {"loss", lossKindName(c.loss.kind)},
                 {"loss_t", c.loss.t},
                 {"optimizer", optimizerName(c.optimizer)},
                 {"learning_rate", c.learningRate},
                 {"steps", c.steps},
                 {"steps_done", s.stage1StepsDone},
                 {"normalize_rows", c.normalizeRows},
                 {"batch_size", c.batchSize}};
  j["models"] = json::array();
  for (const ModelConfig& m : s.models)
    j["models"].push_back({{"similarity", similarityName(m.similarity)},
                           {"separation", m.separation.name()},
                           {"beta", m.beta},
                           {"beta_after_separation", m.betaAfterSeparation}});
  j["beta"] = s.beta;
  j["beta_linked"] = s.betaLinked;
  j["kernel_scale"] = kernelScaleName(s.kernelScale);
  j["reference_compatible"] = s.referenceCompatible;
  json edits = json::array();
  for (const auto& [i, v] : s.queryEdits) edits.push_back({i, v});
  j["query"] = {{"target", s.target},
                {"corruption", s.corruption.name()},
                {"seed", s.querySeed},
                {"edits", edits}};
  j["metastable"] = {{"steps", s.metastableSteps}};
  return j.dump(1) + "\n";
}

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw ConfigError("session: " + what);
}

const json& field(const json& j, const std::string& parent, const char* key) {
  if (!j.is_object()) fail(parent + " must be an object");
  auto it = j.find(key);
  if (it == j.end()) fail("missing field " + (parent.empty() ? "" : parent + ".") + key);
  return *it;
}

std::string name(const std::string& parent, const char* key) {
  return (parent.empty() ? "" : parent + ".") + key;
}

int getInt(const json& j, const std::string& parent, const char* key, long long min,
           long long max) {
  const json& v = field(j, parent, key);
  // An unsigned value above LLONG_MAX would turn negative as long long (2^64 − 1 into −1).
  const bool tooLarge =
      v.is_number_unsigned() && v.get<unsigned long long>() > static_cast<unsigned long long>(max);
  if (!v.is_number_integer() || tooLarge || v.get<long long>() < min || v.get<long long>() > max)
    fail(name(parent, key) + " must be an integer in " + std::to_string(min) + ".." +
         std::to_string(max) + ", got " + v.dump());
  return static_cast<int>(v.get<long long>());
}

uint64_t getSeed(const json& j, const std::string& parent, const char* key) {
  const json& v = field(j, parent, key);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<long long>() >= 0))
    fail(name(parent, key) + " must be a non-negative integer, got " + v.dump());
  return v.get<uint64_t>();
}

double getDouble(const json& j, const std::string& parent, const char* key, double min, double max,
                 bool openMin = false) {
  const json& v = field(j, parent, key);
  if (!v.is_number()) fail(name(parent, key) + " must be a number, got " + v.dump());
  const double d = v.get<double>();
  if (!std::isfinite(d) || d < min || d > max || (openMin && d == min))
    fail(name(parent, key) + " must be " + (openMin ? "> " : "≥ ") + std::to_string(min) +
         " and ≤ " + std::to_string(max) + ", got " + v.dump());
  return d;
}

bool getBool(const json& j, const std::string& parent, const char* key) {
  const json& v = field(j, parent, key);
  if (!v.is_boolean()) fail(name(parent, key) + " must be true or false, got " + v.dump());
  return v.get<bool>();
}

std::string getString(const json& j, const std::string& parent, const char* key) {
  const json& v = field(j, parent, key);
  if (!v.is_string()) fail(name(parent, key) + " must be a string, got " + v.dump());
  return v.get<std::string>();
}

// Runs a core parser, re-throwing its message with the field's name.
template <class F>
auto parsed(const std::string& what, F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    fail(what + ": " + e.what());
  }
}

}  // namespace

Session parseSession(const std::string& text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    fail(std::string("not valid JSON (") + e.what() + ")");
  }
  if (!j.is_object()) fail("the file must hold a JSON object");
  if (getString(j, "", "format") != "uhop-studio-session")
    fail("format must be \"uhop-studio-session\"");
  if (getInt(j, "", "version", 0, 1000) != 1) fail("unsupported version (this app reads 1)");
  Session s;
  const json& data = field(j, "", "data");
  s.source = getString(data, "data", "source");
  if (s.source.empty()) fail("data.source is empty");
  s.count = getInt(data, "data", "count", -1, 10000000);
  if (s.count == 0) fail("data.count must be ≥ 2 (or -1 = all)");
  s.offset = getInt(data, "data", "offset", 0, 100000000);
  if (data.contains("grayscale")) s.grayscale = getBool(data, "data", "grayscale");
  if (data.contains("image_size")) {
    const json& size = data.at("image_size");
    if (!size.is_array() || size.size() != 2) fail("data.image_size must be [width, height]");
    const json named = {{"width", size[0]}, {"height", size[1]}};
    s.width = getInt(named, "data.image_size", "width", 1, 4096);
    s.height = getInt(named, "data.image_size", "height", 1, 4096);
  }

  const json& st = field(j, "", "stage1");
  Stage1Config& c = s.stage1;
  c.featureDim = getInt(st, "stage1", "feature_dim", 0, 100000);
  c.init = parsed("stage1.init", [&] { return parseFeatureInit(getString(st, "stage1", "init")); });
  c.seed = getSeed(st, "stage1", "seed");
  c.loss.kind =
      parsed("stage1.loss", [&] { return parseLossKind(getString(st, "stage1", "loss")); });
  c.loss.t = getDouble(st, "stage1", "loss_t", 0, 1e6, true);
  c.optimizer = parsed("stage1.optimizer",
                       [&] { return parseOptimizer(getString(st, "stage1", "optimizer")); });
  c.learningRate = getDouble(st, "stage1", "learning_rate", 0, 1e6);
  c.steps = getInt(st, "stage1", "steps", 0, 100000);
  s.stage1StepsDone = getInt(st, "stage1", "steps_done", 0, 100000);
  c.normalizeRows = getBool(st, "stage1", "normalize_rows");
  c.batchSize = getInt(st, "stage1", "batch_size", -1, 10000000);  // -1 = auto

  const json& models = field(j, "", "models");
  if (!models.is_array() || models.size() != 2)
    fail("models must be a list of two models (baseline, U-Hop)");
  for (size_t i = 0; i < 2; ++i) {
    const std::string p = "models[" + std::to_string(i) + "]";
    const json& m = models[i];
    ModelConfig& mc = s.models[i];
    mc.similarity =
        parsed(p + ".similarity", [&] { return parseSimilarity(getString(m, p, "similarity")); });
    mc.separation =
        parsed(p + ".separation", [&] { return Separation::parse(getString(m, p, "separation")); });
    mc.beta = getDouble(m, p, "beta", 0, 1e9, true);
    mc.betaAfterSeparation = getBool(m, p, "beta_after_separation");
  }
  s.beta = getDouble(j, "", "beta", 0, 1e9, true);
  s.betaLinked = getBool(j, "", "beta_linked");
  s.kernelScale =
      parsed("kernel_scale", [&] { return parseKernelScale(getString(j, "", "kernel_scale")); });
  s.referenceCompatible = getBool(j, "", "reference_compatible");

  const json& q = field(j, "", "query");
  s.target = getInt(q, "query", "target", 0, 100000000);
  s.corruption = parsed("query.corruption",
                        [&] { return Corruption::parse(getString(q, "query", "corruption")); });
  s.querySeed = getSeed(q, "query", "seed");
  const json& edits = field(q, "query", "edits");
  if (!edits.is_array()) fail("query.edits must be a list of [index, value] pairs");
  int last = -1;
  for (const json& e : edits) {
    if (!e.is_array() || e.size() != 2 || !e[0].is_number_integer() || !e[1].is_number())
      fail("query.edits entries must be [index, value] pairs, got " + e.dump());
    const long long i = e[0].get<long long>();
    const double v = e[1].get<double>();
    if (i <= last || i > 100000000)
      fail("query.edits indices must be ascending, distinct and ≥ 0, got " + e.dump());
    if (!std::isfinite(v) || std::abs(v) > 1e6)
      fail("query.edits value must be a finite number, got " + e.dump());
    last = static_cast<int>(i);
    s.queryEdits.emplace_back(static_cast<int>(i), static_cast<float>(v));
  }
  s.metastableSteps = getInt(field(j, "", "metastable"), "metastable", "steps", 1, 1000);
  return s;
}

Session loadSessionFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("cannot open session file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return parseSession(text.str());
  } catch (const ConfigError& e) {
    throw ConfigError(path + ": " + e.what());
  }
}

void saveSessionFile(const std::string& path, const Session& session) {
  const fs::path p(path);
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  writeFileAtomically(path, sessionToJson(session));
}

std::string defaultSessionPath() {
  const fs::path dir = fs::path(configDirectory()) / "sessions";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) return nextFreePath("", "session", "json");
  return nextFreePath(dir.string(), "session", "json");
}

}  // namespace uhop::ui
