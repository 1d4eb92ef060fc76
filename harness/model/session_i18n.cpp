#include <string>

#include "model/session.hpp"

// RFC 6856: UTF8 (UTF-8 mode) and LANG, the part of the session's state
// machine for messages and text outside ASCII.
namespace pop3 {

// RFC 6856 #2.1: "When UTF-8 mode has not been enabled, character strings
// outside the ASCII repertoire MUST NOT be sent to the client as is." A
// message whose header holds UTF-8 (RFC 6532) is refused with [UTF8] (#5);
// an 8bit body under an ASCII header is 8BITMIME, which POP3 always carried.
bool Session::needs_utf8_mode(const Message& m) const {
  if (!config_.utf8_lang || utf8_mode_ || config_.faults.has(Fault::utf8_raw)) return false;
  std::size_t end = m.content.find("\r\n\r\n");
  std::string_view header = std::string_view(m.content).substr(0, end);
  for (char ch : header)
    if (static_cast<unsigned char>(ch) >= 0x80) return true;
  return false;
}

// RFC 6856 #5: "[UTF8]" is valid for -ERR to LIST, TOP and RETR.
Reply Session::utf8_refusal() const { return err("[UTF8] the message needs UTF-8 mode (RFC 6856): send UTF8 first"); }

Reply Session::utf8(const CommandLine&) {
  utf8_mode_ = true;
  return ok("UTF-8 mode enabled");
}

// RFC 6856 #3.2: a listing of "tag [SP description]" lines; "+OK" SP tag SP
// text on success; -ERR, the language unchanged, for a range no tag matches.
Reply Session::lang(const CommandLine& c) {
  bool bad = config_.faults.has(Fault::bad_lang);
  if (c.args.empty()) {
    std::string listing = bad ? "en_US.UTF-8 English\r\n" : "en English\r\n";
    if (config_.faults.has(Fault::lang_latin1)) listing += "fr Fran\xE7" "ais\r\n";  // RFC 6856 #3.2 wants UTF-8
    return multiline("language listing follows", listing);
  }
  std::string range = c.args[0];
  for (auto& ch : range) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (range != "*" && range != "en" && !bad) return err(language_ + " unsupported language " + c.args[0]);
  language_ = "en";
  return ok(bad ? "language changed" : "en language changed to English");
}

}  // namespace pop3
