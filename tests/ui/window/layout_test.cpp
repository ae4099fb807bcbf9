// Tests ui/window/layout.*: when the window uses the presenter's pages, the pages' names, and
// which page a (script's) command opens.
#include "ui/window/layout.h"

#include <gtest/gtest.h>

#include "ui/panels/stage2_panel.h"

namespace uhop::ui {
namespace {

TEST(LayoutTest, PagesWhenAskedForOrWhenTheWindowIsSmallForTheColumns) {
  // em = 16 px at 1×: 1280 × 800 is 80 × 50 em, room for the columns.
  EXPECT_EQ(chooseLayout(false, true, 1280, 800, 16), LayoutMode::Columns);
  // 1600 × 1000 at 1.5× (em 24) is 66.7 em wide, 1920 × 1080 at 2× (em 32) is 60 em: pages.
  EXPECT_EQ(chooseLayout(false, true, 1600, 1000, 24), LayoutMode::Presenter);
  EXPECT_EQ(chooseLayout(false, true, 1920, 1080, 32), LayoutMode::Presenter);
  // Wide but short: 2000 × 600 at 1× is 37.5 em high.
  EXPECT_EQ(chooseLayout(false, true, 2000, 600, 16), LayoutMode::Presenter);
  // The thresholds themselves: 76 × 40 em still gets the columns.
  EXPECT_EQ(chooseLayout(false, true, 76 * 16, 40 * 16, 16), LayoutMode::Columns);
  EXPECT_EQ(chooseLayout(false, true, 76 * 16 - 1, 40 * 16, 16), LayoutMode::Presenter);
  // Reflow off keeps the columns at any size; the presenter switch gives pages at any size.
  EXPECT_EQ(chooseLayout(false, false, 1920, 1080, 32), LayoutMode::Columns);
  EXPECT_EQ(chooseLayout(true, false, 3840, 2160, 16), LayoutMode::Presenter);
}

TEST(LayoutTest, PageNamesRoundTrip) {
  for (int i = 0; i < kPageCount; ++i) {
    const Page p = static_cast<Page>(i);
    EXPECT_EQ(parsePage(pageName(p)), p) << pageName(p);
  }
  EXPECT_STREQ(pageTitle(Page::Stage2), "Stage II");
  EXPECT_EQ(parsePage("stage2"), Page::Stage2);
  EXPECT_FALSE(parsePage("stage3").has_value());
  EXPECT_FALSE(parsePage("").has_value());
}

TEST(LayoutTest, ALessonsCommandOpensThePageWhereItShows) {
  EXPECT_EQ(pageShowing(Stage1Play{}), Page::Stage1);
  EXPECT_EQ(pageShowing(SetStage1Config{}), Page::Stage1);
  EXPECT_EQ(pageShowing(StepRetrieval{}), Page::Stage2);
  EXPECT_EQ(pageShowing(SelectTarget{3}), Page::Stage2);
  EXPECT_EQ(pageShowing(RunMetastable{}), Page::Metastable);
  EXPECT_EQ(pageShowing(StartExperiment{}), Page::Experiments);
  EXPECT_EQ(pageShowing(LoadMemories{"builtin", 64, 0}), Page::Memories);
  EXPECT_EQ(pageShowing(SetKernelScale{}), Page::Comparison);
  // Commands of no page leave it where it is.
  EXPECT_FALSE(pageShowing(RequestScreenshot{}).has_value());
  EXPECT_FALSE(pageShowing(SetTheme{}).has_value());
}

TEST(LayoutTest, StageTwoColumnsStackWhenNarrow) {
  EXPECT_EQ(stage2Arrangement(3 * kStage2ColumnEm), Stage2Arrangement::SideBySide);
  EXPECT_EQ(stage2Arrangement(3 * kStage2ColumnEm - 0.1f), Stage2Arrangement::QueryAbove);
  EXPECT_EQ(stage2Arrangement(2 * kStage2ColumnEm), Stage2Arrangement::QueryAbove);
  EXPECT_EQ(stage2Arrangement(2 * kStage2ColumnEm - 0.1f), Stage2Arrangement::Stacked);
  // The middle column at 1280 px and 1× (53 % of 80 em, less padding) keeps them side by side.
  EXPECT_EQ(stage2Arrangement(41), Stage2Arrangement::SideBySide);
}

}  // namespace
}  // namespace uhop::ui
