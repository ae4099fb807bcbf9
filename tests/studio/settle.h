// The studio tests' way to let a model take in what its Stage I worker published.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "studio/app_model.h"
#include "studio/script.h"

namespace uhop::ui {

// Waits for the Stage I worker, then lets the model take in its snapshot.
inline void settle(AppModel& model) {
  ASSERT_TRUE(model.stage1Worker->waitIdle(std::chrono::seconds(30)));
  updateModel(model);
}

// Runs a script through the model as the frame loop does, until it ends or a minute passes.
inline void runScript(AppModel& model, ScriptRunner& runner) {
  Commands commands;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!runner.finished() && std::chrono::steady_clock::now() < deadline) {
    runner.advance(model, commands);
    applyCommands(model, commands);
    updateModel(model);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace uhop::ui
