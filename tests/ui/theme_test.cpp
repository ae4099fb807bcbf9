// Tests ui/theme.*: every non-ASCII character the sources write (labels, tooltips, table cells,
// plot texts, core's messages) has a glyph in the font the studio loads, so none draws as '?'.
#include "ui/theme.h"

#include <gtest/gtest.h>
#include <imgui.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace uhop::ui {
namespace {

namespace fs = std::filesystem;

// Decodes UTF-8 `text` and adds each code point above ASCII to `used` with `where` it occurs.
void collectCodePoints(const std::string& text, const std::string& where,
                       std::map<unsigned, std::string>& used) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    int n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    unsigned cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < n && i + k < text.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    if (cp >= 0x80) used.emplace(cp, where);
    i += n;
  }
}

TEST(ThemeTest, EveryCharacterTheSourcesUseHasAGlyph) {
  if (!fs::exists(kDefaultFontPath)) GTEST_SKIP() << kDefaultFontPath << " not installed";
  const fs::path root = fs::path(UHOP_TEST_FIXTURES).parent_path().parent_path();
  std::map<unsigned, std::string> used;
  for (const char* dir : {"core", "plot", "studio", "ui", "app"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      const std::string ext = entry.path().extension().string();
      if (ext != ".cpp" && ext != ".h") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      collectCodePoints(text.str(), entry.path().string(), used);
    }
  }
  ASSERT_GT(used.count(0x03B2), 0u) << "β not found: wrong source root " << root;

  ImGui::CreateContext();
  ASSERT_EQ(loadFonts(1.0f), "");
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  ASSERT_TRUE(atlas->Build());
  const ImFont* font = atlas->Fonts[0];
  for (const auto& [cp, where] : used) {
    // Box drawing and block characters only appear in the CLI's terminal output.
    if (cp >= 0x2500 && cp < 0x25A0 && where.find("/app/") != std::string::npos) continue;
    EXPECT_NE(font->FindGlyphNoFallback(static_cast<ImWchar>(cp)), nullptr)
        << "U+" << std::hex << cp << " (used in " << where << ") has no glyph: it draws as '?'";
  }
  ImGui::DestroyContext();
}

}  // namespace
}  // namespace uhop::ui
