// The studio's state as JSON (uhop-studio --state-json OUT, and script tests): what the panels
// show, read from a const AppModel. Field names are a contract (README.md, "Scripts").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "studio/app_model.h"

namespace uhop::ui {

// "correct" | "wrong" | "metastable" from the column's assessed outcome (core/metrics.h:
// metastable when max p < kMetastableThreshold, else correct when the top memory is the target);
// "none" before the column has a state to assess.
std::string outcomeName(const RetrievalColumn& column);

nlohmann::json stateJson(const AppModel& model);
// Writes stateJson(model) to `path`; throws DataError naming the file when it cannot.
void writeStateJson(const AppModel& model, const std::string& path);

}  // namespace uhop::ui
