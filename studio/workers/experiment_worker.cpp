#include "studio/workers/experiment_worker.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "studio/workers/stage1_worker.h"

namespace uhop::ui {

ExperimentWorker::~ExperimentWorker() {
  cancel_ = true;
  join();
}

void ExperimentWorker::join() {
  if (thread_.joinable()) thread_.join();
}

uint64_t ExperimentWorker::start(std::shared_ptr<const MemorySet> pool, SweepConfig config,
                                 int threads) {
  auto sweep = std::make_shared<Sweep>(std::move(pool), std::move(config));  // may throw
  cancel_ = true;
  join();  // the old run stops at its next cell or Stage I step
  if (threads <= 0)
    threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()) - 1);
  threads = std::max(1, threads);
  uint64_t id;
  {
    std::lock_guard lock(mutex_);
    sweep_ = sweep;
    id = ++id_;
    start_ = std::chrono::steady_clock::now();
    cancel_ = false;
    running_ = true;
  }
  publish(false, false, "");
  thread_ = std::thread([this, sweep, threads] {
    limitWorkerThreads();
    std::string error;
    try {
      sweep->run(&cancel_, threads, [this](const SweepRow&) { publish(false, false, ""); });
    } catch (const std::exception& e) {
      error = e.what();
    }
    publish(sweep->finished(), !sweep->finished() && cancel_.load(), error);
    std::lock_guard lock(mutex_);
    running_ = false;
    idle_.notify_all();
  });
  return id;
}

void ExperimentWorker::publish(bool finished, bool cancelled, const std::string& error) {
  std::shared_ptr<Sweep> sweep;
  {
    std::lock_guard lock(mutex_);
    sweep = sweep_;
  }
  if (!sweep) return;
  auto snap = std::make_shared<ExperimentSnapshot>();
  snap->config = sweep->config();
  snap->rows = sweep->rows();
  snap->points = aggregateRows(snap->rows, snap->config);
  snap->totalCells = sweep->totalCells();
  snap->cellsDone = static_cast<int>(snap->rows.size());
  snap->finished = finished;
  snap->cancelled = cancelled;
  snap->error = error;
  std::lock_guard lock(mutex_);
  snap->id = id_;
  snap->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  latest_ = std::move(snap);
}

void ExperimentWorker::cancel() {
  cancel_ = true;
}

double ExperimentWorker::progress() const {
  std::lock_guard lock(mutex_);
  return sweep_ ? sweep_->progress() : 0.0;
}

double ExperimentWorker::elapsedSeconds() const {
  std::lock_guard lock(mutex_);
  if (!sweep_) return 0;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

double ExperimentWorker::etaSeconds() const {
  const double p = progress();
  if (p <= 0.002) return -1;
  return elapsedSeconds() * (1 - p) / p;
}

std::shared_ptr<const ExperimentSnapshot> ExperimentWorker::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

bool ExperimentWorker::waitIdle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout, [this] { return !running_.load(); });
}

std::string formatDuration(double seconds) {
  char buf[32];
  if (!(seconds >= 0) || !std::isfinite(seconds)) return "?";
  const long s = std::lround(seconds);
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh %02ldm", s / 3600, (s / 60) % 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%ldm %02lds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld s", s);
  return buf;
}

}  // namespace uhop::ui

namespace uhop::ui {

std::vector<double> parseGridText(const std::string& text) {
  std::vector<double> grid;
  std::string token;
  auto flush = [&] {
    const size_t a = token.find_first_not_of(" \t");
    if (a == std::string::npos) {
      token.clear();
      return;
    }
    const std::string t = token.substr(a, token.find_last_not_of(" \t") - a + 1);
    token.clear();
    size_t used = 0;
    double v = 0;
    try {
      v = std::stod(t, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != t.size() || !std::isfinite(v))
      throw ConfigError("grid: \"" + t + "\" is not a number");
    grid.push_back(v);
  };
  for (char c : text) {
    if (c == ',' || c == ';' || c == ' ' || c == '\t')
      flush();
    else
      token += c;
  }
  flush();
  if (grid.empty()) throw ConfigError("grid: enter at least one value, e.g. 10, 20, 50");
  return grid;
}

std::string gridToText(const std::vector<double>& grid) {
  std::string out;
  for (double v : grid) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    if (!out.empty()) out += ", ";
    out += buf;
  }
  return out;
}

std::vector<double> defaultGridFor(SweepKind kind, int loaded) {
  std::vector<double> grid = defaultGrid(kind);
  if (kind != SweepKind::Capacity) return grid;
  std::vector<double> fit;
  for (double m : grid)
    if (m <= loaded) fit.push_back(m);
  if (fit.empty() && loaded >= 2) fit.push_back(loaded);
  return fit;
}

}  // namespace uhop::ui
