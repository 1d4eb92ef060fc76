// Any bytes as a scenario file: a Scenario or a ParseError naming a line of
// the input, never a crash, a hang or another exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scenario/parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    // No include folder: "use:" must fail cleanly, not read the disk.
    pop3::Scenario s = pop3::parse_scenario_text(text, "fuzz.pop3", "fuzz");
    (void)s;
  } catch (const pop3::ParseError& e) {
    const auto& d = e.diagnostic;
    std::size_t lines = 1;
    for (char c : text) lines += c == '\n';
    if (d.file != "fuzz.pop3" || d.line < 0 || static_cast<std::size_t>(d.line) > lines || d.column < 1) std::abort();
    (void)d.render();
  }
  return 0;
}
