#include "app/cli_validators.h"

#include <cmath>
#include <sstream>

#include "core/types.h"

namespace uhop::cli {

namespace {

// Rewrites a whole number given as a decimal or in exponent form to plain digits, so CLI11's
// integer conversion (which would read "010" as octal) sees what the user meant.
const CLI::Validator kWholeNumber(
    [](std::string& text) -> std::string {
      const std::string bad = "expects a whole number, got '" + text + "'";
      double v = 0;
      try {
        size_t used = 0;
        v = std::stod(text, &used);
        if (used != text.size()) return bad;
      } catch (const std::exception&) {
        return bad;
      }
      if (!std::isfinite(v) || v != std::floor(v) || std::fabs(v) > 9.0e15) return bad;
      text = std::to_string(static_cast<long long>(v));
      return "";
    },
    "", "WHOLE");

const CLI::Validator kFinite(
    [](std::string& text) -> std::string {
      double v = 0;
      try {
        size_t used = 0;
        v = std::stod(text, &used);
        if (used != text.size()) return "expects a number, got '" + text + "'";
      } catch (const std::exception&) {
        return "expects a number, got '" + text + "'";
      }
      return std::isfinite(v) ? "" : "expects a finite number, got '" + text + "'";
    },
    "", "FINITE");

const CLI::Validator kDigits(
    [](std::string& text) -> std::string {
      if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
        return "expects a non-negative whole number, got '" + text + "'";
      text.erase(0, std::min(text.find_first_not_of('0'), text.size() - 1));  // not octal
      return "";
    },
    "", "DIGITS");

// CLI::Range, with bounds printed as %g: its own message shows 1e-12 as "0.000000".
CLI::Validator inRange(double lo, double hi) {
  std::ostringstream desc;
  desc << "in [" << lo << ", " << hi << "]";
  return CLI::Validator(
      [lo, hi, range = desc.str()](std::string& text) -> std::string {
        double v = 0;
        try {
          v = std::stod(text);
        } catch (const std::exception&) {
          return "expects a number, got '" + text + "'";
        }
        return v >= lo && v <= hi ? "" : "value " + text + " is not " + range;
      },
      desc.str(), "RANGE");
}

}  // namespace

CLI::Option* addInt(CLI::App& cmd, const std::string& name, int& value, int lo, int hi,
                    const std::string& help) {
  return cmd.add_option(name, value, help)->transform(kWholeNumber)->check(inRange(lo, hi));
}

CLI::Option* addReal(CLI::App& cmd, const std::string& name, double& value, double lo, double hi,
                     const std::string& help) {
  return cmd.add_option(name, value, help)->check(kFinite)->check(inRange(lo, hi));
}

CLI::Option* addSeed(CLI::App& cmd, const std::string& name, uint64_t& value,
                     const std::string& help) {
  return cmd.add_option(name, value, help)->transform(kDigits);
}

CLI::Option* addChoice(CLI::App& cmd, const std::string& name, std::string& value,
                       const std::vector<std::string>& choices, const std::string& help) {
  return cmd.add_option(name, value, help)->check(CLI::IsMember(choices));
}

CLI::Option* addSpec(CLI::App& cmd, const std::string& name, std::string& value,
                     const std::function<void(const std::string&)>& parse, const std::string& forms,
                     const std::string& help) {
  CLI::Validator byCore(
      [parse](std::string& text) -> std::string {
        try {
          parse(text);
        } catch (const ConfigError& e) {
          return e.what();
        }
        return "";
      },
      forms, "");
  return cmd.add_option(name, value, help)->check(byCore);
}

}  // namespace uhop::cli
