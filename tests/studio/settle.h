// The studio tests' way to let a model take in what its Stage I worker published.
#pragma once

#include <gtest/gtest.h>

#include <chrono>

#include "studio/app_model.h"

namespace uhop::ui {

// Waits for the Stage I worker, then lets the model take in its snapshot.
inline void settle(AppModel& model) {
  ASSERT_TRUE(model.stage1Worker->waitIdle(std::chrono::seconds(30)));
  updateModel(model);
}

}  // namespace uhop::ui
