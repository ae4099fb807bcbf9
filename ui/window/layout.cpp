#include "ui/window/layout.h"

#include <type_traits>

namespace uhop::ui {

LayoutMode chooseLayout(bool presenter, bool autoReflow, float width, float height, float em) {
  if (presenter) return LayoutMode::Presenter;
  if (!autoReflow || em <= 0) return LayoutMode::Columns;
  const bool small = width / em < kColumnsMinWidthEm || height / em < kColumnsMinHeightEm;
  return small ? LayoutMode::Presenter : LayoutMode::Columns;
}

namespace {

struct PageNames {
  Page page;
  const char* title;
  const char* name;
};
constexpr PageNames kPages[kPageCount] = {
    {Page::Memories, "Memories", "memories"},
    {Page::Stage1, "Stage I", "stage1"},
    {Page::Stage2, "Stage II", "stage2"},
    {Page::Metastable, "Metastable", "metastable"},
    {Page::Comparison, "Comparison", "comparison"},
    {Page::Experiments, "Experiments", "experiments"},
};

}  // namespace

const char* pageTitle(Page page) {
  return kPages[static_cast<int>(page)].title;
}

const char* pageName(Page page) {
  return kPages[static_cast<int>(page)].name;
}

std::optional<Page> parsePage(const std::string& name) {
  for (const PageNames& p : kPages)
    if (name == p.name) return p.page;
  return std::nullopt;
}

std::optional<Page> pageShowing(const Command& command) {
  return std::visit(
      [](const auto& c) -> std::optional<Page> {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, LoadMemories>) return Page::Memories;
        if constexpr (std::is_same_v<T, SetStage1Config> || std::is_same_v<T, Stage1Play> ||
                      std::is_same_v<T, Stage1Pause> || std::is_same_v<T, Stage1TogglePlay> ||
                      std::is_same_v<T, Stage1Step> || std::is_same_v<T, Stage1Reset>)
          return Page::Stage1;
        if constexpr (std::is_same_v<T, SelectTarget> || std::is_same_v<T, SetCorruption> ||
                      std::is_same_v<T, PaintStroke> || std::is_same_v<T, SetColumnConfig> ||
                      std::is_same_v<T, SetBeta> || std::is_same_v<T, StepRetrieval> ||
                      std::is_same_v<T, RunRetrieval> || std::is_same_v<T, ResetRetrieval>)
          return Page::Stage2;
        if constexpr (std::is_same_v<T, RunMetastable> || std::is_same_v<T, SetMetastableSteps> ||
                      std::is_same_v<T, SetMetastableCompare>)
          return Page::Metastable;
        if constexpr (std::is_same_v<T, SetKernelScale> ||
                      std::is_same_v<T, SetReferenceCompatible>)
          return Page::Comparison;
        if constexpr (std::is_same_v<T, StartExperiment>) return Page::Experiments;
        return std::nullopt;
      },
      command);
}

}  // namespace uhop::ui
