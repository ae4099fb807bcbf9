// Tests ui/plot_axes.* (ticks, ranges), ui/plot_export.* (SVG, CSV, files) and ui/palette.* without
// a window: the parts of the plot pipeline that decide what numbers and text end up on screen and
// in exported figures.
#include "plot/plot_export.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "plot/palette.h"
#include "plot/plot_axes.h"

namespace uhop::ui {
namespace {

namespace fs = std::filesystem;

using Doubles = std::vector<double>;

// A fresh, empty directory per test.
fs::path testDir() {
#ifdef UHOP_TEST_TMP
  fs::path root = UHOP_TEST_TMP;
#else
  fs::path root =
      fs::temp_directory_path() / ("uhop_plot_export_test_" + std::to_string(::getpid()));
#endif
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = root / (std::string(info->test_suite_name()) + "." + info->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

size_t countOf(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

PlotSeries series(const std::string& name, Doubles x, Doubles y, Doubles err = {},
                  SeriesStyle style = SeriesStyle::Line) {
  PlotSeries s;
  s.name = name;
  s.x = std::move(x);
  s.y = std::move(y);
  s.yError = std::move(err);
  s.style = style;
  return s;
}

PlotSpec sampleSpec() {
  PlotSpec spec;
  spec.title = "Stage I loss";
  spec.xAxis.label = "step";
  spec.yAxis.label = "L_Φ";
  spec.tooltip = "separation loss per step";
  spec.series.push_back(series("average", {0, 1, 2, 3}, {4, 2, 1.5, 1.2}));
  spec.series.push_back(series("worst pair", {0, 1, 2, 3}, {5, 3, 2.5, 2}, {0.5, 0.4, 0.3, 0.2},
                               SeriesStyle::LineMarkers));
  spec.series.push_back(series("seeds", {0, 2}, {3, 1}, {}, SeriesStyle::Markers));
  spec.referenceLines.push_back({"minimum", 1.0});
  return spec;
}

// Small XML 1.0 well-formedness checker: balanced and properly nested tags, quoted attributes
// without raw '<', only the five predefined entities or character references, no raw '<' or
// stray '&' in text, a single root element. Returns "" if well formed, else what is wrong.
std::string xmlProblem(const std::string& xml) {
  std::vector<std::string> stack;
  int roots = 0;
  // &amp; &lt; &gt; &quot; &apos; &#123; &#x1F;  (no std::regex: GCC 12 + sanitizers warns in it)
  auto entityOk = [&](size_t at) {
    const size_t end = xml.find(';', at);
    if (end == std::string::npos || end - at > 10) return false;
    const std::string body = xml.substr(at + 1, end - at - 1);
    if (body == "amp" || body == "lt" || body == "gt" || body == "quot" || body == "apos")
      return true;
    if (body.size() < 2 || body[0] != '#') return false;
    const bool hex = body[1] == 'x';
    const std::string digits = body.substr(hex ? 2 : 1);
    return !digits.empty() && std::all_of(digits.begin(), digits.end(), [&](char c) {
      return hex ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                 : std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
  };
  for (size_t i = 0; i < xml.size();) {
    if (xml[i] == '&') {
      if (!entityOk(i)) return "bad entity at " + std::to_string(i);
      ++i;
    } else if (xml[i] != '<') {
      if (stack.empty() && !std::isspace(static_cast<unsigned char>(xml[i]))) {
        return "text outside the root at " + std::to_string(i);
      }
      ++i;
    } else if (xml.compare(i, 2, "<?") == 0) {
      const size_t end = xml.find("?>", i);
      if (end == std::string::npos) return "unterminated <?";
      i = end + 2;
    } else if (xml.compare(i, 4, "<!--") == 0) {
      const size_t end = xml.find("-->", i);
      if (end == std::string::npos) return "unterminated comment";
      i = end + 3;
    } else {
      const bool closing = xml[i + 1] == '/';
      size_t j = i + (closing ? 2 : 1);
      const size_t nameStart = j;
      while (j < xml.size() && (std::isalnum(static_cast<unsigned char>(xml[j])) || xml[j] == '-' ||
                                xml[j] == ':' || xml[j] == '_')) {
        ++j;
      }
      const std::string name = xml.substr(nameStart, j - nameStart);
      if (name.empty()) return "tag without a name at " + std::to_string(i);
      bool selfClosing = false;
      // Attributes: name="value" (or 'value'), separated by spaces.
      for (;;) {
        while (j < xml.size() && std::isspace(static_cast<unsigned char>(xml[j]))) ++j;
        if (j >= xml.size()) return "unterminated tag " + name;
        if (xml[j] == '>') break;
        if (xml.compare(j, 2, "/>") == 0 && !closing) {
          selfClosing = true;
          ++j;
          break;
        }
        if (closing) return "attributes on closing tag " + name;
        const size_t a = j;
        while (j < xml.size() && xml[j] != '=' &&
               !std::isspace(static_cast<unsigned char>(xml[j])) && xml[j] != '>') {
          ++j;
        }
        if (j == a || j >= xml.size() || xml[j] != '=') return "attribute without value in " + name;
        ++j;
        if (j >= xml.size() || (xml[j] != '"' && xml[j] != '\''))
          return "unquoted attribute in " + name;
        const char q = xml[j];
        const size_t end = xml.find(q, j + 1);
        if (end == std::string::npos) return "unterminated attribute in " + name;
        for (size_t k = j + 1; k < end; ++k) {
          if (xml[k] == '<') return "raw '<' in attribute of " + name;
          if (xml[k] == '&' && !entityOk(k)) return "bad entity in attribute of " + name;
        }
        j = end + 1;
        if (j < xml.size() && !std::isspace(static_cast<unsigned char>(xml[j])) && xml[j] != '>' &&
            xml[j] != '/') {
          return "attributes not separated in " + name;
        }
      }
      if (closing) {
        if (stack.empty() || stack.back() != name) return "mismatched </" + name + ">";
        stack.pop_back();
      } else if (!selfClosing) {
        if (stack.empty()) ++roots;
        stack.push_back(name);
      } else if (stack.empty()) {
        ++roots;
      }
      i = j + 1;
    }
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  if (roots != 1) return "expected one root element, found " + std::to_string(roots);
  return "";
}

// Runs Python's XML parser on `xml`; returns its exit status, or -1 if python3 is unavailable.
int pythonXmlCheck(const std::string& xml, const fs::path& dir) {
  static const bool available =
      std::system("python3 -c 'import xml.dom.minidom' >/dev/null 2>&1") == 0;
  if (!available) return -1;
  const fs::path file = dir / "check.svg";
  std::ofstream(file, std::ios::binary) << xml;
  const std::string cmd =
      "python3 -c \"import xml.dom.minidom,sys; "
      "xml.dom.minidom.parseString(sys.stdin.buffer.read())\" < '" +
      file.string() + "' 2>/dev/null";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return -1;
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

// --- niceTicks / logTicks / labels --------------------------------------------------------

TEST(NiceTicks, ZeroToOneInFifths) {
  EXPECT_EQ(niceTicks(0, 1, 6), (Doubles{0, 0.2, 0.4, 0.6, 0.8, 1}));
  EXPECT_EQ(niceTicks(0, 1, 11), (Doubles{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1}));
  EXPECT_EQ(niceTicks(0, 1, 3), (Doubles{0, 0.5, 1}));
}

TEST(NiceTicks, UnroundedRangeKeepsTicksInside) {
  EXPECT_EQ(niceTicks(0.013, 0.87, 6), (Doubles{0.2, 0.4, 0.6, 0.8}));
  EXPECT_EQ(niceTicks(0.013, 0.87, 10), (Doubles{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8}));
  EXPECT_DOUBLE_EQ(niceStep(0.013, 0.87, 10), 0.1);
}

TEST(NiceTicks, NegativeRanges) {
  EXPECT_EQ(niceTicks(-7.3, -0.2, 8), (Doubles{-6, -4, -2}));
  const Doubles sym = niceTicks(-1, 1, 5);
  EXPECT_EQ(sym, (Doubles{-1, -0.5, 0, 0.5, 1}));
  EXPECT_FALSE(std::signbit(sym[2])) << "zero tick must not be -0";
  EXPECT_EQ(niceTicks(1, -1, 5), sym) << "reversed bounds";
  EXPECT_EQ(niceTicks(-2500, 12000, 6), (Doubles{0, 5000, 10000}));
}

TEST(NiceTicks, DegenerateInputs) {
  EXPECT_EQ(niceTicks(3, 3, 5), (Doubles{3}));
  EXPECT_TRUE(niceTicks(0, std::nan(""), 5).empty());
  EXPECT_TRUE(niceTicks(-INFINITY, 1, 5).empty());
}

TEST(NiceTicks, RandomRangesObeyTheContract) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> mag(-12, 12), u(-1, 1);
  for (int trial = 0; trial < 2000; ++trial) {
    const double scale = std::pow(10.0, mag(rng));
    double lo = u(rng) * scale, hi = u(rng) * scale;
    if (lo > hi) std::swap(lo, hi);
    if (lo == hi) continue;
    const int maxTicks = 2 + trial % 12;
    const Doubles t = niceTicks(lo, hi, maxTicks);
    ASSERT_LE(int(t.size()), maxTicks) << lo << ".." << hi;
    if (maxTicks >= 6) {
      ASSERT_GE(t.size(), 2u) << lo << ".." << hi;
    }
    const double step = niceStep(lo, hi, maxTicks);
    const double mant = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
    ASSERT_TRUE(std::fabs(mant - 1) < 1e-9 || std::fabs(mant - 2) < 1e-9 ||
                std::fabs(mant - 5) < 1e-9)
        << "step " << step;
    for (size_t k = 0; k < t.size(); ++k) {
      ASSERT_GE(t[k], lo - 1e-9 * step);
      ASSERT_LE(t[k], hi + 1e-9 * step);
      if (k > 0) {
        ASSERT_NEAR(t[k] - t[k - 1], step, 1e-9 * step);
      }
    }
  }
}

TEST(LogTicks, DecadesWithMinorTicks) {
  const LogTicks t = logTicks(1e-3, 10, 10);
  EXPECT_EQ(t.major, (Doubles{1e-3, 1e-2, 0.1, 1, 10}));
  EXPECT_EQ(t.minor.size(), 4u * 8u);  // 2..9 in each of the 4 decades
  EXPECT_DOUBLE_EQ(t.minor.front(), 2e-3);
  EXPECT_DOUBLE_EQ(t.minor.back(), 9);
}

TEST(LogTicks, ManyDecadesAreThinned) {
  const LogTicks t = logTicks(1e-12, 1, 5);
  EXPECT_EQ(t.major, (Doubles{1e-12, 1e-9, 1e-6, 1e-3, 1}));
  EXPECT_EQ(t.minor.size(), 8u) << "unlabelled decades become minor ticks";
}

TEST(LogTicks, PartialDecadeUsesOneTwoFive) {
  EXPECT_EQ(logTicks(3, 40, 6).major, (Doubles{5, 10, 20}));
  EXPECT_EQ(logTicks(0.15, 0.9, 6).major, (Doubles{0.2, 0.5}));
  // Narrower than a factor 2.5: plain linear steps.
  EXPECT_EQ(logTicks(2.1, 2.9, 5).major, (Doubles{2.2, 2.4, 2.6, 2.8}));
}

TEST(TickLabels, LinearUsesOneNotationPerAxis) {
  using S = std::vector<std::string>;
  EXPECT_EQ(tickLabels({0, 0.5, 1, 1.5}, AxisScale::Linear), (S{"0.0", "0.5", "1.0", "1.5"}));
  EXPECT_EQ(tickLabels({0, 500, 1000}, AxisScale::Linear), (S{"0", "500", "1000"}));
  EXPECT_EQ(tickLabels({-0.02, 0, 0.02}, AxisScale::Linear), (S{"-0.02", "0.00", "0.02"}));
  EXPECT_EQ(tickLabels({1e-5, 1.5e-5, 2e-5}, AxisScale::Linear), (S{"1e-5", "1.5e-5", "2e-5"}));
  EXPECT_EQ(tickLabels({0, 5e6, 1e7}, AxisScale::Linear), (S{"0", "5e6", "1e7"}));
}

TEST(TickLabels, LogDecades) {
  using S = std::vector<std::string>;
  EXPECT_EQ(tickLabels({0.001, 0.01, 0.1, 1, 10}, AxisScale::Log10),
            (S{"0.001", "0.01", "0.1", "1", "10"}));
  EXPECT_EQ(tickLabels({1e-6, 1e-3, 1}, AxisScale::Log10), (S{"1e-6", "1e-3", "1e0"}));
}

TEST(ChooseTicks, WideLabelsAreThinnedOut) {
  // Every label is 100 px wide: on a 400 px axis at most 4 fit with a 13 px gap.
  const auto wide = [](const std::string&) { return 100.0; };
  const AxisTicks t = chooseTicks(0, 1, AxisScale::Linear, 400, 13, true, wide);
  ASSERT_GE(t.major.size(), 2u);
  EXPECT_LE(t.major.size(), 4u);
  EXPECT_EQ(t.labels.size(), t.major.size());
  const AxisTicks narrow =
      chooseTicks(0, 1, AxisScale::Linear, 400, 13, true, [](const std::string&) { return 10.0; });
  EXPECT_GT(narrow.major.size(), t.major.size());
}

TEST(ChooseTicks, ShortAxisStillGetsTwoLabels) {
  // 170 px at an 18 px font fits ~4 ticks, whose 1-2-5 step (2) leaves a single tick in 0.09..3.4.
  const auto w = [](const std::string& s) { return 10.0 * double(s.size()); };
  const AxisTicks t = chooseTicks(0.09, 3.4, AxisScale::Linear, 170, 18, false, w);
  EXPECT_GE(t.major.size(), 2u);
  EXPECT_LE(t.major.size(), 4u);
}

TEST(ChooseTicks, IntegerAxesTickWholeSteps) {
  const auto w = [](const std::string& s) { return 8.0 * double(s.size()); };
  // Steps 0..3 on a wide axis: a plain axis would tick 0, 0.5, 1, ...; a step axis only 0..3.
  const AxisTicks plain = chooseTicks(-0.15, 3.15, AxisScale::Linear, 600, 13, true, w);
  EXPECT_NE(std::find(plain.major.begin(), plain.major.end(), 0.5), plain.major.end());
  const AxisTicks steps = chooseTicks(-0.15, 3.15, AxisScale::Linear, 600, 13, true, w, 0, true);
  EXPECT_EQ(steps.major, (std::vector<double>{0, 1, 2, 3}));
  EXPECT_EQ(steps.labels, (std::vector<std::string>{"0", "1", "2", "3"}));
  // A lone step 0 (range −0.5..0.5) gets the one honest tick, not −0.5 and 0.5.
  EXPECT_EQ(chooseTicks(-0.5, 0.5, AxisScale::Linear, 600, 13, true, w, 0, true).major,
            (std::vector<double>{0}));
  // Long runs still thin out in 1-2-5 steps of whole numbers.
  const AxisTicks many = chooseTicks(0, 200, AxisScale::Linear, 300, 13, true, w, 0, true);
  for (double t : many.major) EXPECT_EQ(t, std::round(t));
  EXPECT_LE(many.major.size(), 11u);
}

TEST(MinorTicks, OnlyWhenTheyAreApart) {
  const AxisTicks t = chooseTicks(1e-3, 10, AxisScale::Log10, 800, 13, false,
                                  [](const std::string&) { return 30.0; });
  ASSERT_FALSE(t.minor.empty());
  EXPECT_TRUE(minorTicksFit(t, 1e-3, 10, true, 800, 13));   // 200 px per decade
  EXPECT_FALSE(minorTicksFit(t, 1e-3, 10, true, 120, 13));  // 30 px per decade: 9 -> 10 is 1.4 px
}

// --- fitRange ------------------------------------------------------------------------------

TEST(FitRange, PadsFivePercent) {
  PlotSpec spec;
  spec.series.push_back(series("a", {0, 100}, {0, 10}));
  const PlotRange r = fitRange(spec, false);
  ASSERT_TRUE(r.hasData);
  EXPECT_DOUBLE_EQ(r.xMin, -5);
  EXPECT_DOUBLE_EQ(r.xMax, 105);
  EXPECT_DOUBLE_EQ(r.yMin, -0.5);
  EXPECT_DOUBLE_EQ(r.yMax, 10.5);
}

TEST(FitRange, ConstantEmptyHiddenAndErrors) {
  PlotSpec spec;
  EXPECT_FALSE(fitRange(spec, false).hasData);
  spec.series.push_back(series("flat", {}, {5, 5, 5}));
  PlotRange r = fitRange(spec, false);
  EXPECT_DOUBLE_EQ(r.yMin, 4.5);
  EXPECT_DOUBLE_EQ(r.yMax, 5.5);
  EXPECT_DOUBLE_EQ(r.xMin, -0.1) << "x defaults to 0, 1, 2 when empty";
  spec.series.push_back(series("big", {0, 1}, {100, 200}, {10, 50}));
  r = fitRange(spec, false);
  EXPECT_NEAR(r.yMax, 250 + 0.05 * (250 - 5), 1e-9) << "error bars are part of the range";
  r = fitRange(spec, false, {false, true});
  EXPECT_DOUBLE_EQ(r.yMax, 5.5) << "hidden series do not count";
}

TEST(FitRange, IntegerAxisWithOnePointSpansAWholeStep) {
  // Stage I's loss after its first step is one point at step 0: a plain axis puts it in
  // −0.5..0.5 and ticks −0.4 … 0.4; a step axis spans [0, 1] (padded) and ticks 0 and 1.
  const auto w = [](const std::string& s) { return 8.0 * double(s.size()); };
  PlotSpec spec;
  spec.series.push_back(series("loss", {0}, {-1.5}));
  PlotRange r = fitRange(spec, false);
  EXPECT_DOUBLE_EQ(r.xMin, -0.5);
  EXPECT_DOUBLE_EQ(r.xMax, 0.5);
  spec.xAxis.integerTicks = true;
  r = fitRange(spec, false);
  EXPECT_DOUBLE_EQ(r.xMin, -0.05);
  EXPECT_DOUBLE_EQ(r.xMax, 1.05);
  EXPECT_EQ(chooseTicks(r.xMin, r.xMax, AxisScale::Linear, 600, 13, true, w, 0, true).major,
            (Doubles{0, 1}));
  // The y axis (no integerTicks) keeps its span around the value: −1.5 ± 0.15.
  EXPECT_DOUBLE_EQ(r.yMin, -1.65);
  EXPECT_DOUBLE_EQ(r.yMax, -1.35);
  // A lone later step 7 gets 7 and 8; longer runs are padded as before.
  spec.series[0] = series("loss", {7}, {1});
  r = fitRange(spec, false);
  EXPECT_EQ(chooseTicks(r.xMin, r.xMax, AxisScale::Linear, 600, 13, true, w, 0, true).major,
            (Doubles{7, 8}));
  spec.series[0] = series("loss", {0, 1, 2, 3}, {4, 3, 2, 1});
  r = fitRange(spec, false);
  EXPECT_DOUBLE_EQ(r.xMin, -0.15);
  EXPECT_DOUBLE_EQ(r.xMax, 3.15);
}

TEST(FitRange, LogSkipsNonPositive) {
  PlotSpec spec;
  spec.series.push_back(series("a", {0, 1, 2, 3}, {-1, 0, 1, 100}));
  const PlotRange r = fitRange(spec, true);
  EXPECT_NEAR(std::log10(r.yMin), -0.1, 1e-12);
  EXPECT_NEAR(std::log10(r.yMax), 2.1, 1e-12);
  EXPECT_DOUBLE_EQ(r.xMin, 2 - 0.05) << "points with y <= 0 do not widen x either";
}

TEST(FitRange, BarsStandOnZeroAndFixedAxesWin) {
  PlotSpec spec;
  spec.series.push_back(series("bars", {1, 2, 3}, {2, 4, 3}, {}, SeriesStyle::Bars));
  PlotRange r = fitRange(spec, false);
  EXPECT_DOUBLE_EQ(r.yMin, 0);
  EXPECT_DOUBLE_EQ(r.xMin, 1 - 0.4 - 0.05 * 2.8);
  spec.yAxis.autoFit = false;
  spec.yAxis.min = -1, spec.yAxis.max = 7;
  r = fitRange(spec, false);
  EXPECT_DOUBLE_EQ(r.yMin, -1);
  EXPECT_DOUBLE_EQ(r.yMax, 7);
}

// --- SVG -----------------------------------------------------------------------------------

TEST(PlotToSvg, IsWellFormedXml) {
  PlotSpec spec = sampleSpec();
  spec.series.push_back(
      series("bars", {0, 1, 2, 3}, {1, 2, 3, 2}, {0.1, 0.2, 0.3, 0.2}, SeriesStyle::Bars));
  for (bool log : {false, true}) {
    spec.yAxis.scale = log ? AxisScale::Log10 : AxisScale::Linear;
    const std::string svg = plotToSvg(spec);
    EXPECT_EQ(xmlProblem(svg), "") << svg;
    const int py = pythonXmlCheck(svg, testDir());
    if (py >= 0) {
      EXPECT_EQ(py, 0) << "python's XML parser rejects:\n" << svg;
    }
  }
  // The checker itself must catch broken documents, or the test above proves nothing.
  EXPECT_NE(xmlProblem("<svg><g></svg>"), "");
  EXPECT_NE(xmlProblem("<svg a=b/>"), "");
  EXPECT_NE(xmlProblem("<svg><text>a<b</text></svg>"), "");
  EXPECT_NE(xmlProblem("<svg><text>a & b</text></svg>"), "");
}

TEST(PlotToSvg, PythonParserAcceptsEscapedNames) {
  PlotSpec spec = sampleSpec();
  spec.series[0].name = "a<b & \"c\" 'd' Φ";
  const std::string svg = plotToSvg(spec);
  const int py = pythonXmlCheck(svg, testDir());
  if (py < 0) GTEST_SKIP() << "python3 not available";
  EXPECT_EQ(py, 0) << svg;
  EXPECT_NE(pythonXmlCheck("<svg><text>a<b</text></svg>", testDir()), 0)
      << "the checker must be able to fail";
}

TEST(PlotToSvg, HollowMarkersAreRingsOnLogLogAxes) {
  // A log-log scatter (the Theory window's) with one filled and one hollow marker series: the
  // hollow one is stroked, not filled, in the plot and in its legend swatch; the axes get decade
  // labels.
  PlotSpec spec;
  spec.xAxis.scale = spec.yAxis.scale = AxisScale::Log10;
  spec.series.push_back(series("held", {1e-6, 1e-3}, {1e-4, 1e-1}, {}, SeriesStyle::Markers));
  spec.series.push_back(series("vacuous", {1e-2}, {10}, {}, SeriesStyle::Markers));
  spec.series[0].color = packColor(255, 0, 0);
  spec.series[1].color = packColor(0, 0, 255);
  spec.series[1].hollow = true;
  const std::string svg = plotToSvg(spec);
  EXPECT_NE(svg.find("fill=\"#ff0000\" stroke=\"none\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("fill=\"none\" stroke=\"#0000ff\""), std::string::npos) << svg;
  EXPECT_EQ(svg.find("fill=\"#0000ff\""), std::string::npos) << "the hollow series is never filled";
  EXPECT_NE(svg.find(">1e-"), std::string::npos) << "decade labels: " << svg;
}

TEST(PlotToSvg, HasTitleLabelsAndOnePathPerSeries) {
  const PlotSpec spec = sampleSpec();
  const std::string svg = plotToSvg(spec);
  EXPECT_NE(svg.find("<title>Stage I loss</title>"), std::string::npos);
  EXPECT_NE(svg.find(">Stage I loss</text>"), std::string::npos) << "title drawn as text";
  EXPECT_NE(svg.find(">step</text>"), std::string::npos);
  EXPECT_NE(svg.find(">L_Φ</text>"), std::string::npos) << "UTF-8 kept";
  EXPECT_NE(svg.find("font-family=\"DejaVu Sans, sans-serif\""), std::string::npos);
  EXPECT_EQ(countOf(svg, "class=\"series-data\""), spec.series.size());
  for (size_t i = 0; i < spec.series.size(); ++i) {
    const std::string group = "<g id=\"series-" + std::to_string(i) + "\"";
    const size_t at = svg.find(group);
    ASSERT_NE(at, std::string::npos) << group;
    const std::string body = svg.substr(at, svg.find("</g>", at) - at);
    EXPECT_NE(body.find("<title>" + spec.series[i].name + "</title>"), std::string::npos);
    EXPECT_EQ(countOf(body, "class=\"series-data\""), 1u);
    EXPECT_EQ(countOf(body, "class=\"error-bars\""), spec.series[i].yError.empty() ? 0u : 1u);
    // The legend names each series too.
    EXPECT_NE(svg.find(">" + spec.series[i].name + "</text>"), std::string::npos);
  }
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos) << "reference line";
  EXPECT_NE(svg.find(">minimum</text>"), std::string::npos);
  EXPECT_NE(svg.find("<g id=\"legend\">"), std::string::npos);
  EXPECT_NE(svg.find(colorToHex(seriesColor(1))), std::string::npos) << "palette colour";
}

// A line series whose point stands alone (one point, or between gaps) is a dot: a zero-length
// segment that round caps draw; joined points get no such segment.
TEST(PlotToSvg, LonePointsOfALineAreDrawnAsDots) {
  PlotSpec spec;
  spec.series.push_back(series("loss", {0}, {-1.4}));
  spec.series.push_back(series("gappy", {0, 1, 2, 3, 4}, {1, std::nan(""), 2, 3, std::nan("")}));
  const std::string svg = plotToSvg(spec);
  const size_t first = svg.find("<g id=\"series-0\""), second = svg.find("<g id=\"series-1\"");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  const std::string one = svg.substr(first, second - first), two = svg.substr(second);
  EXPECT_EQ(countOf(one, " l0 0"), 1u) << one;
  EXPECT_NE(one.find("stroke-linecap=\"round\""), std::string::npos);
  EXPECT_EQ(countOf(two.substr(0, two.find("</g>")), " l0 0"), 1u) << "only x = 0 stands alone";
}

TEST(PlotToSvg, TicksMatchTheSharedTickCode) {
  PlotSpec spec;
  spec.series.push_back(series("s", {0, 1}, {0, 1}));
  spec.xAxis.autoFit = spec.yAxis.autoFit = false;
  spec.xAxis.min = spec.yAxis.min = 0;
  spec.xAxis.max = spec.yAxis.max = 1;
  const std::string svg = plotToSvg(spec, 720, 450, 13);
  for (const char* label : {">0.0</text>", ">0.2</text>", ">0.4</text>", ">1.0</text>"}) {
    EXPECT_NE(svg.find(label), std::string::npos) << label;
  }
}

// The numbers after `key="` in the first element that has it.
double svgAttribute(const std::string& svg, size_t from, const std::string& key) {
  const size_t at = svg.find(key + "=\"", from);
  if (at == std::string::npos) return std::nan("");
  return std::stod(svg.substr(at + key.size() + 2));
}

TEST(PlotToSvg, DataPointsLandAtTheirAxisCoordinates) {
  // Fixed axes x ∈ [0, 10], y ∈ [0, 5] (linear) map onto the plot area (the clip rectangle
  // x, y, w, h): data (2, 1) → (x + 0.2·w, y + h − 0.2·h), data (7.5, 4) → (x + 0.75·w,
  // y + h − 0.8·h). On a log y axis [1, 100], y = 10 sits halfway up.
  for (bool logY : {false, true}) {
    PlotSpec spec;
    spec.series.push_back(series("s", {2, 7.5}, logY ? Doubles{10, 100} : Doubles{1, 4}));
    spec.xAxis.autoFit = spec.yAxis.autoFit = false;
    spec.xAxis.min = 0;
    spec.xAxis.max = 10;
    spec.yAxis.min = logY ? 1 : 0;
    spec.yAxis.max = logY ? 100 : 5;
    if (logY) spec.yAxis.scale = AxisScale::Log10;
    const std::string svg = plotToSvg(spec, 800, 500);
    const size_t clip = svg.find("<clipPath id=\"plot-area\">");
    ASSERT_NE(clip, std::string::npos);
    const double x = svgAttribute(svg, clip, "x"), y = svgAttribute(svg, clip, "y");
    const double w = svgAttribute(svg, clip, "width"), h = svgAttribute(svg, clip, "height");
    ASSERT_GT(w, 100);
    ASSERT_GT(h, 100);
    const size_t path = svg.find("class=\"series-data\"");
    ASSERT_NE(path, std::string::npos);
    const size_t d = svg.find(" d=\"M", path);
    ASSERT_NE(d, std::string::npos);
    std::istringstream in(svg.substr(d + 5));
    double x0, y0, x1, y1;
    ASSERT_TRUE(in >> x0 >> y0 >> x1 >> y1) << svg.substr(d, 80);
    const double tolerance = 0.02;  // coordinates are written with two decimals
    EXPECT_NEAR(x0, x + 0.2 * w, tolerance);
    EXPECT_NEAR(x1, x + 0.75 * w, tolerance);
    EXPECT_NEAR(y0, y + h - (logY ? 0.5 : 0.2) * h, tolerance) << "logY " << logY;
    EXPECT_NEAR(y1, y + h - (logY ? 1.0 : 0.8) * h, tolerance) << "logY " << logY;
  }
}

TEST(PlotToSvg, AxisMaxTicksBoundsTheTicks) {
  PlotSpec spec;
  spec.series.push_back(series("s", {0, 1}, {0, 1}));
  spec.xAxis.autoFit = spec.yAxis.autoFit = false;
  spec.xAxis.min = spec.yAxis.min = 0;
  spec.xAxis.max = spec.yAxis.max = 1;
  const std::string dense = plotToSvg(spec);
  EXPECT_NE(dense.find(">0.2</text>"), std::string::npos);
  // What the widget passes so that the figure repeats the screen's ticks.
  spec.xAxis.maxTicks = spec.yAxis.maxTicks = 3;
  const std::string svg = plotToSvg(spec);
  EXPECT_EQ(countOf(svg, ">0.5</text>"), 2u);
  EXPECT_EQ(svg.find(">0.2</text>"), std::string::npos);
}

TEST(PlotToSvg, LogYShowsDecadesAndSkipsNonPositive) {
  PlotSpec spec;
  spec.yAxis.scale = AxisScale::Log10;
  spec.series.push_back(series("loss", {0, 1, 2, 3, 4}, {1, 0.1, 0, -1, 1e-3}));
  const std::string svg = plotToSvg(spec);
  EXPECT_NE(svg.find(">0.01</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">0.1</text>"), std::string::npos);
  // The two non-positive points break the line: two sub-paths, and no NaN/inf coordinates.
  const size_t at = svg.find("class=\"series-data\"");
  const std::string d =
      svg.substr(svg.find(" d=\"", at), svg.find("/>", at) - svg.find(" d=\"", at));
  EXPECT_EQ(countOf(d, "M"), 2u) << d;
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
}

TEST(PlotToSvg, EscapesNames) {
  PlotSpec spec = sampleSpec();
  spec.title = "x < y & z";
  spec.series[0].name = "a<b & \"c\"";
  const std::string svg = plotToSvg(spec);
  EXPECT_NE(svg.find("a&lt;b &amp; &quot;c&quot;"), std::string::npos);
  EXPECT_EQ(svg.find("a<b"), std::string::npos);
  EXPECT_NE(svg.find("x &lt; y &amp; z"), std::string::npos);
  EXPECT_EQ(xmlProblem(svg), "");
}

TEST(EscapeXml, EntitiesControlCharsAndBadUtf8) {
  EXPECT_EQ(escapeXml("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
  EXPECT_EQ(escapeXml("Φ β Δ"), "Φ β Δ");
  EXPECT_EQ(escapeXml(std::string("a\x01"
                                  "b")),
            "ab");
  EXPECT_EQ(escapeXml("\xff"), "\xEF\xBF\xBD");
  EXPECT_EQ(escapeXml("\xCE"), "\xEF\xBF\xBD") << "truncated sequence";
}

TEST(PlotToSvg, EmptyPlotSaysNoData) {
  PlotSpec spec;
  spec.title = "empty";
  spec.series.push_back(series("nothing", {}, {}));
  const std::string svg = plotToSvg(spec);
  EXPECT_NE(svg.find(">no data yet</text>"), std::string::npos);
  EXPECT_EQ(xmlProblem(svg), "");
}

// --- CSV -----------------------------------------------------------------------------------

TEST(PlotToCsv, LongFormatWithQuoting) {
  PlotSpec spec;
  spec.series.push_back(series("plain", {1, 2}, {0.5, 0.25}));
  spec.series.push_back(series("x, \"y\"", {3}, {4}, {0.5}));
  EXPECT_EQ(plotToCsv(spec),
            "series,x,y,y_error\n"
            "plain,1,0.5,\n"
            "plain,2,0.25,\n"
            "\"x, \"\"y\"\"\",3,4,0.5\n");
}

TEST(PlotToCsv, TitleIsALeadingCommentThatParsingSkips) {
  PlotSpec spec;
  spec.title = "Retrieval error vs M (builtin · M = x · mask:0.5 · T = 1 · 3 seeds · β = 1)";
  spec.series.push_back(series("MHM", {10, 20}, {1.5, 2.5}));
  const std::string csv = plotToCsv(spec);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "# " + spec.title);
  const auto back = parsePlotCsv(csv);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].y, (std::vector<double>{1.5, 2.5}));
  // A broken row is reported at its line in the file, comments counted.
  try {
    parsePlotCsv(csv + "MHM,1\n");
    FAIL() << "a short row must be refused";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("line 5"), std::string::npos) << e.what();
  }
}

TEST(PlotToCsv, RoundTripsExactly) {
  PlotSpec spec;
  spec.series.push_back(series("a, \"quoted\"\nname", {0.1, 1e-300, -3.99271234567},
                               {1.0 / 3, -0.0, 4.9406564584124654e-324}, {0.1, 2.5e-17, 1e300}));
  spec.series.push_back(series("Φ loss", {}, {1e308, -1e-308}));
  const auto back = parsePlotCsv(plotToCsv(spec));
  ASSERT_EQ(back.size(), 2u);
  for (size_t s = 0; s < 2; ++s) {
    EXPECT_EQ(back[s].name, spec.series[s].name);
    ASSERT_EQ(back[s].y.size(), spec.series[s].y.size());
    for (size_t i = 0; i < back[s].y.size(); ++i) {
      // Bit-exact, including the sign of -0.0.
      const double x = pointX(spec.series[s], i);
      EXPECT_EQ(std::memcmp(&back[s].x[i], &x, sizeof x), 0) << s << "," << i;
      EXPECT_EQ(std::memcmp(&back[s].y[i], &spec.series[s].y[i], sizeof x), 0) << s << "," << i;
    }
  }
  EXPECT_EQ(back[0].yError, spec.series[0].yError);
  EXPECT_TRUE(back[1].yError.empty());
}

TEST(ParsePlotCsv, NanAndPartialErrors) {
  const auto back = parsePlotCsv("series,x,y,y_error\r\ns,1,nan,\r\ns,2,3,0.5\r\ns,3,4,\r\n");
  ASSERT_EQ(back.size(), 1u);
  EXPECT_TRUE(std::isnan(back[0].y[0]));
  ASSERT_EQ(back[0].yError.size(), 3u);
  EXPECT_TRUE(std::isnan(back[0].yError[0]));
  EXPECT_EQ(back[0].yError[1], 0.5);
  EXPECT_TRUE(std::isnan(back[0].yError[2]));
}

TEST(ParsePlotCsv, RejectsBadInputWithLineNumber) {
  EXPECT_THROW(parsePlotCsv("name,x,y\n"), std::runtime_error);
  EXPECT_THROW(parsePlotCsv(""), std::runtime_error);
  try {
    parsePlotCsv("series,x,y,y_error\na,1,2,\na,1,oops,\n");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("oops"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parsePlotCsv("series,x,y,y_error\n\"open,1,2,\n"), std::runtime_error);
  EXPECT_THROW(parsePlotCsv("series,x,y,y_error\na,1\n"), std::runtime_error);
}

// --- files ---------------------------------------------------------------------------------

TEST(NextFreePath, NeverReturnsAnExistingFile) {
  const fs::path dir = testDir();
  EXPECT_EQ(nextFreePath(dir.string(), "loss", "svg"), (dir / "loss-1.svg").string());
  std::ofstream(dir / "loss-1.svg") << "x";
  std::ofstream(dir / "loss-2.svg") << "x";
  fs::create_symlink(dir / "missing-target", dir / "loss-3.svg");  // dangling link counts as taken
  const std::string p = nextFreePath(dir.string(), "loss", ".svg");
  EXPECT_EQ(p, (dir / "loss-4.svg").string());
  EXPECT_FALSE(fs::exists(fs::symlink_status(p)));
  EXPECT_EQ(nextFreePath(dir.string(), "loss", "csv"), (dir / "loss-1.csv").string());
}

TEST(WriteFileAtomically, WritesReplacesAndLeavesNoTempFile) {
  const fs::path dir = testDir();
  const fs::path target = dir / "out.svg";
  writeFileAtomically(target.string(), "first");
  writeFileAtomically(target.string(), "second, longer content");
  EXPECT_EQ(readFile(target), "second, longer content");
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"out.svg"});
}

TEST(WriteFileAtomically, FailureNamesThePath) {
  const fs::path dir = testDir();
  const std::string bad = (dir / "no-such-dir" / "x.csv").string();
  try {
    writeFileAtomically(bad, "data");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(ExportPlotFile, NumbersFilesAndCreatesTheFolder) {
  const fs::path dir = testDir() / "plots";
  PlotSpec spec = sampleSpec();
  spec.title = "L_Φ vs step";
  const std::string a = exportPlotFile(spec, dir.string(), "svg");
  const std::string b = exportPlotFile(spec, dir.string(), "svg");
  const std::string c = exportPlotFile(spec, dir.string(), "csv");
  EXPECT_EQ(a, (dir / "l_phi-vs-step-1.svg").string());
  EXPECT_EQ(b, (dir / "l_phi-vs-step-2.svg").string());
  EXPECT_EQ(c, (dir / "l_phi-vs-step-1.csv").string());
  EXPECT_EQ(readFile(a), plotToSvg(spec));
  EXPECT_EQ(parsePlotCsv(readFile(c)).size(), spec.series.size());
  EXPECT_THROW(exportPlotFile(spec, dir.string(), "png"), std::runtime_error);
}

TEST(SanitizeFileStem, KeepsNamesReadable) {
  EXPECT_EQ(sanitizeFileStem("Loss"), "loss");
  EXPECT_EQ(sanitizeFileStem("Error vs M (β = 8)"), "error-vs-m-beta-8");
  EXPECT_EQ(sanitizeFileStem("../../etc/passwd"), "etc-passwd");
  EXPECT_EQ(sanitizeFileStem("***"), "plot");
  EXPECT_EQ(sanitizeFileStem(""), "plot");
}

// --- palette -------------------------------------------------------------------------------

TEST(Palette, OkabeItoColoursAreDistinctAndOpaque) {
  std::set<uint32_t> seen;
  for (int i = 0; i < kPaletteSize; ++i) {
    const uint32_t c = seriesColor(i);
    EXPECT_EQ(c >> 24, 0xFFu) << i;
    seen.insert(c);
  }
  EXPECT_EQ(seen.size(), size_t(kPaletteSize));
  EXPECT_EQ(colorToHex(seriesColor(0)), "#0072b2");  // Okabe–Ito blue, in 0xAABBGGRR
  EXPECT_EQ(colorToHex(seriesColor(1)), "#e69f00");
  EXPECT_EQ(seriesColor(kPaletteSize), seriesColor(0));
  EXPECT_EQ(seriesColor(-3), seriesColor(0));
  EXPECT_EQ(seriesColorOr(0, 2), seriesColor(2));
  EXPECT_EQ(seriesColorOr(0xFF0000FFu, 2), 0xFF0000FFu);
  EXPECT_NEAR(colorOpacity(withAlpha(seriesColor(0), 0.5f)), 0.5, 0.01);
}

// ---------------------------------------------------------------------------------------------
// Print style (the studio's figure exports)

// The number in attribute `name="…"` of the first tag at or after `from`.
double attrAfter(const std::string& svg, size_t from, const std::string& name) {
  const size_t at = svg.find(" " + name + "=\"", from);
  if (at == std::string::npos) return std::nan("");
  return std::stod(svg.substr(at + name.size() + 3));
}

TEST(PlotToSvgPrint, WhitePageAndLegendRightOfTheData) {
  PlotSpec spec = sampleSpec();
  const std::string svg = plotToSvg(spec, 800, 500, 13, PlotStyle::Print);
  EXPECT_EQ(xmlProblem(svg), "");
  // The page: a full-size white rectangle before anything is drawn.
  EXPECT_NE(svg.find("<rect width=\"800\" height=\"500\" fill=\"#ffffff\"/>"), std::string::npos);
  // The data rectangle is the framed <rect> of the axes group.
  const size_t axes = svg.find("<g id=\"axes\">");
  ASSERT_NE(axes, std::string::npos);
  const double frameRight = attrAfter(svg, axes, "x") + attrAfter(svg, axes, "width");
  const double frameTop = attrAfter(svg, axes, "y");
  ASSERT_TRUE(std::isfinite(frameRight));
  const size_t legend = svg.find("<g id=\"legend\">");
  ASSERT_NE(legend, std::string::npos);
  const size_t legendEnd = svg.find("</g>", legend);
  int texts = 0;
  for (size_t at = svg.find("<text", legend); at < legendEnd; at = svg.find("<text", at + 1)) {
    const double x = attrAfter(svg, at, "x"), y = attrAfter(svg, at, "y");
    EXPECT_GT(x, frameRight) << "legend entry over the data";
    EXPECT_GT(y, frameTop);
    EXPECT_LT(x, 800.0);
    ++texts;
  }
  EXPECT_EQ(texts, 3);
  for (size_t at = svg.find("<line", legend); at < legendEnd; at = svg.find("<line", at + 1))
    EXPECT_GT(attrAfter(svg, at, "x1"), frameRight);
  // The screen style keeps its box inside the frame: the print style is what moved it.
  const std::string screen = plotToSvg(spec, 800, 500, 13, PlotStyle::Screen);
  const size_t screenAxes = screen.find("<g id=\"axes\">");
  const double screenRight =
      attrAfter(screen, screenAxes, "x") + attrAfter(screen, screenAxes, "width");
  EXPECT_LT(attrAfter(screen, screen.find("<g id=\"legend\">"), "x"), screenRight);
}

TEST(PlotToSvgPrint, WideLegendGoesUnderTheData) {
  PlotSpec spec = sampleSpec();
  spec.series[0].name = std::string(60, 'a');  // a column would take over a third of the page
  const std::string svg = plotToSvg(spec, 800, 500, 13, PlotStyle::Print);
  const size_t axes = svg.find("<g id=\"axes\">");
  const double frameBottom = attrAfter(svg, axes, "y") + attrAfter(svg, axes, "height");
  const size_t legend = svg.find("<g id=\"legend\">");
  ASSERT_NE(legend, std::string::npos);
  EXPECT_GT(attrAfter(svg, svg.find("<text", legend), "y"), frameBottom);
}

TEST(PlotToSvgPrint, ParametersInTitleAndWrappedCaption) {
  PlotSpec spec = sampleSpec();
  spec.parameters =
      "data fashion-mnist, M = 500 · baseline dot/softmax β = 1 · U-Hop kernel/softmax β = 4 · "
      "corruption mask:0.5 (seed 1) · T = 10 · Stage I avg loss, t = 2, seed 0, W of step 100";
  const std::string svg = plotToSvg(spec, 800, 500, 13, PlotStyle::Print);
  EXPECT_NE(svg.find("<title>Stage I loss — " + escapeXml(spec.parameters) + "</title>"),
            std::string::npos);
  // The caption: every word once, on lines that fit the page (≈ 0.62 em per character).
  const size_t g = svg.find("<g id=\"parameters\"");
  ASSERT_NE(g, std::string::npos);
  const size_t end = svg.find("</g>", g);
  std::string joined;
  int lines = 0;
  for (size_t at = svg.find("<text", g); at < end; at = svg.find("<text", at + 1)) {
    const size_t open = svg.find('>', at) + 1;
    const std::string line = svg.substr(open, svg.find("</text>", open) - open);
    EXPECT_LE(double(line.size()), 800.0 / (0.62 * 13 * 0.9) * 1.6);  // bytes: UTF-8 β, · count 2
    joined += (lines++ ? " " : "") + line;
  }
  EXPECT_GE(lines, 2);
  EXPECT_EQ(joined, escapeXml(spec.parameters));
  // The frame starts below the last caption line.
  EXPECT_GT(attrAfter(svg, svg.find("<g id=\"axes\">"), "y"),
            attrAfter(svg, svg.rfind("<text", end), "y"));
}

TEST(PlotToCsv, ParametersAreACommentLineThatParsingSkips) {
  PlotSpec spec = sampleSpec();
  spec.parameters = "data builtin, M = 64 · corruption mask:0.5 (seed 1) · T = 10";
  const std::string csv = plotToCsv(spec);
  EXPECT_EQ(csv.rfind("# Stage I loss\n# " + spec.parameters + "\nseries,x,y,y_error\n", 0), 0u)
      << csv;
  EXPECT_EQ(parsePlotCsv(csv).size(), 3u);
}

TEST(PlotToPng, IsTheFigureAtOneAndAHalfTimes) {
  const std::string png = plotToPng(sampleSpec());
  ASSERT_GT(png.size(), 33u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  // IHDR: big-endian width and height at bytes 16 and 20.
  auto be32 = [&](size_t at) {
    return uint32_t(uint8_t(png[at])) << 24 | uint32_t(uint8_t(png[at + 1])) << 16 |
           uint32_t(uint8_t(png[at + 2])) << 8 | uint32_t(uint8_t(png[at + 3]));
  };
  EXPECT_EQ(be32(16), 1200u);
  EXPECT_EQ(be32(20), 750u);
}

}  // namespace
}  // namespace uhop::ui
