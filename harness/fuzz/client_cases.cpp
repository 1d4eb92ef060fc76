#include "fuzz/client_cases.hpp"

#include "fuzz/generator.hpp"

namespace pop3::fuzz {
namespace {

// Every case ends with the oracle for saved data: whatever the client keeps
// must be a whole message of the maildrop (hangs, crashes and malformed
// commands are checked for every run).
constexpr const char* kSavedComplete = "expect: saved complete\n";

// A multi-line answer with a body and its terminator: the mutation is in the
// lines, never a body the client would rightly wait for.
std::string listing(const std::string& status, const std::string& lines) {
  return "SEND: " + status + "\\r\\n" + lines + ".\\r\\n\n";
}

class ClientGenerator {
 public:
  ClientGenerator(std::uint64_t seed, std::uint64_t index) : rng_(seed * 0x9E3779B97F4A7C15ull ^ (index + 1) * 0xD1B54A32D192ED03ull) {
    out_.index = index;
  }

  ClientCase make() {
    static const std::vector<int> kinds = {0, 0, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5, 6, 6, 7, 8, 8, 8};
    switch (rng_.pick(kinds)) {
      case 0: greeting(); break;
      case 1: capa(); break;
      case 2: status_line(); break;
      case 3: stat(); break;
      case 4: list(); break;
      case 5: uidl(); break;
      case 6: sasl(); break;
      case 7: retr(); break;
      default: fixture(); break;
    }
    if (out_.body.find(kSavedComplete) == std::string::npos) out_.body += kSavedComplete;
    return out_;
  }

 private:
  void set(std::string family, std::string body) {
    out_.family = std::move(family);
    out_.body = std::move(body);
  }

  void greeting() {
    if (rng_.percent(40)) {
      std::size_t n = rng_.pick(std::vector<std::size_t>{505, 506, 507, 2000, 65536});
      return set("greeting:long", "greeting: +OK {repeat:" + std::to_string(n) + ":x}\n");
    }
    static const std::vector<std::string> shapes = {
        "+OK",          "+OK <>",        "+OK <unterminated@host", "+OK <{repeat:600:a}@host>", "+OK <a@b> <c@d>",
        "+ok lower",    "+OKready",      "+OK  two  spaces",       "-ERR [SYS/TEMP] come back later",
        "+OK [IN-USE] busy", "+ dGVzdA==", "-ERR",                 "+OK {repeat:100:<>}"};
    set("greeting:shape", "greeting: " + rng_.pick(shapes) + "\n");
  }

  void capa() {
    static const std::vector<std::pair<std::string, std::string>> variants = {
        {"many-lines", "USER\\r\\nUIDL\\r\\nTOP\\r\\n{repeat:5000:X-FUZZ\\r\\n}"},
        {"long-line", "USER\\r\\nUIDL\\r\\nX-{repeat:70000:A}\\r\\n"},
        {"8bit", "USER\\r\\nUIDL\\r\\n\\xff\\xfe\\x80 \\xc3\\x28\\r\\n"},
        {"nul", "USER\\r\\nUIDL\\r\\nTOP\\x00\\r\\n"},
        {"empty-lines", "\\r\\n\\r\\nUSER\\r\\n\\r\\nUIDL\\r\\n"},
        {"no-user", "UIDL\\r\\nTOP\\r\\n"},
        {"sasl-garbage", "USER\\r\\nUIDL\\r\\nSASL {repeat:300:\\x01 }\\r\\n"},
        {"bogus-args", "USER\\r\\nUIDL x y z\\r\\nTOP -1\\r\\nEXPIRE -5\\r\\nLOGIN-DELAY 99999999999999999999\\r\\n"},
        {"pipelining-lie", "USER\\r\\nUIDL\\r\\nPIPELINING\\r\\nPIPELINING\\r\\n"},
        {"dot-lines", "USER\\r\\n..\\r\\n.UIDL\\r\\n"},
        {"stls-only", "STLS\\r\\nUIDL\\r\\n"},
    };
    const auto& v = rng_.pick(variants);
    set("capa:" + v.first, "on: CAPA\n" + listing("+OK", v.second));
  }

  void status_line() {
    // Single-line answers: the text, codes and framing of the status line.
    static const std::vector<std::string> commands = {"USER {*}", "PASS {*}", "STAT", "DELE {*}", "QUIT", "NOOP", "RSET"};
    static const std::vector<std::pair<std::string, std::string>> variants = {
        {"long-text", "+OK {repeat:600:t}\\r\\n"},
        {"huge-text", "+OK {repeat:70000:t}\\r\\n"},
        {"nul", "+OK \\x00\\x00\\r\\n"},
        {"bare-lf", "+OK\\n"},
        {"lower-case", "+ok\\r\\n"},
        {"no-space", "+OKdone\\r\\n"},
        {"unknown-code", "+OK [X-UNKNOWN/CODE] fine\\r\\n"},
        {"unterminated-code", "-ERR [AUTH\\r\\n"},
        {"continuation", "+ \\r\\n"},
        {"two-answers", "+OK\\r\\n+OK\\r\\n"},
        {"err-empty", "-ERR\\r\\n"},
        {"8bit", "+OK \\xff\\xfe\\xc3\\x28\\r\\n"},
    };
    const auto& cmd = rng_.pick(commands);
    const auto& v = rng_.pick(variants);
    std::string keyword = cmd.substr(0, cmd.find(' '));
    set("status:" + keyword + ":" + v.first, "on: " + cmd + "\nSEND: " + v.second + "\n");
  }

  void stat() {
    static const std::vector<std::pair<std::string, std::string>> variants = {
        {"negative", "+OK -1 0"},          {"2^32", "+OK 4294967296 0"},    {"2^64+1", "+OK 18446744073709551617 10"},
        {"missing-size", "+OK 3"},         {"missing-both", "+OK"},         {"words", "+OK x y"},
        {"phantom", "+OK 99999 99999999"}, {"size-overflow", "+OK 3 99999999999999999999999"},
        {"leading-zeros", "+OK 0003 000320"}, {"plus", "+OK +3 +320"},     {"zero", "+OK 0 0"},
    };
    const auto& v = rng_.pick(variants);
    set("stat:" + v.first, "on: STAT\nSEND: " + v.second + "\\r\\n\n");
  }

  void list() {
    static const std::vector<std::pair<std::string, std::string>> variants = {
        {"huge-size", "1 99999999999999999999\\r\\n2 4294967296\\r\\n3 1\\r\\n"},
        {"negative", "1 -1\\r\\n2 -100\\r\\n3 0\\r\\n"},
        {"words", "one two\\r\\nthree four\\r\\n"},
        {"duplicates", "1 100\\r\\n1 100\\r\\n1 100\\r\\n"},
        {"zero", "0 100\\r\\n"},
        {"2^64+1", "18446744073709551617 100\\r\\n"},
        {"many", "{repeat:20000:7 1\\r\\n}"},
        {"missing-size", "1\\r\\n2\\r\\n3\\r\\n"},
        {"extra-fields", "1 100 x y\\r\\n2 200 z\\r\\n3 300\\r\\n"},
        {"descending", "3 300\\r\\n2 200\\r\\n1 100\\r\\n"},
        {"tabs", "1\\t100\\r\\n2\\t200\\r\\n"},
    };
    const auto& v = rng_.pick(variants);
    if (rng_.percent(70)) return set("list:" + v.first, "on: LIST\n" + listing("+OK", v.second));
    static const std::vector<std::pair<std::string, std::string>> one = {
        {"huge-size", "1 99999999999999999999"}, {"negative", "1 -1"}, {"words", "one two"},
        {"zero", "0 100"}, {"2^64+1", "18446744073709551617 100"}, {"missing-size", "1"},
        {"extra-fields", "1 100 x y"}, {"tabs", "1\\t100"}, {"other-number", "2 200"},
    };
    const auto& w = rng_.pick(one);
    set("list-one:" + w.first, "on: LIST 1\nSEND: +OK " + w.second + "\\r\\n\n");
  }

  void uidl() {
    // Clients name files and state after unique-ids: path separators, dots
    // and shell metacharacters are the interesting ones.
    static const std::vector<std::pair<std::string, std::string>> variants = {
        {"path", "1 ../../../../tmp/pop3-fuzz-escape\\r\\n2 /etc/passwd\\r\\n3 ..\\r\\n"},
        {"shell", "1 $(touch pwned)\\r\\n2 `id`\\r\\n3 ;rm -rf x;\\r\\n"},
        {"long", "1 {repeat:71:u}\\r\\n2 {repeat:1000:v}\\r\\n3 {repeat:70000:w}\\r\\n"},
        {"8bit", "1 \\xff\\xfe\\r\\n2 \\xc3\\x28\\r\\n3 \\x80\\r\\n"},
        {"empty", "1 \\r\\n2 \\r\\n3\\r\\n"},
        {"duplicate", "1 same\\r\\n2 same\\r\\n3 same\\r\\n"},
        {"nul", "1 a\\x00b\\r\\n2 c\\r\\n3 d\\r\\n"},
        {"spaces", "1 a b c\\r\\n2  d\\r\\n3 e\\r\\n"},
        {"format", "1 %s%s%n%x\\r\\n2 %99999999d\\r\\n3 %p%p%p\\r\\n"},
        {"many", "{repeat:20000:1 x\\r\\n}"},
    };
    const auto& v = rng_.pick(variants);
    if (rng_.percent(80)) return set("uidl:" + v.first, "on: UIDL\n" + listing("+OK", v.second));
    static const std::vector<std::pair<std::string, std::string>> one = {
        {"path", "1 ../../../../tmp/pop3-fuzz-escape"}, {"shell", "1 $(touch pwned)"}, {"long", "1 {repeat:1000:v}"},
        {"8bit", "1 \\xff\\xfe"}, {"empty", "1 "}, {"nul", "1 a\\x00b"}, {"spaces", "1 a b c"},
        {"format", "1 %s%s%n%x"}, {"other-number", "2 x"},
    };
    const auto& w = rng_.pick(one);
    set("uidl-one:" + w.first, "on: UIDL 1\nSEND: +OK " + w.second + "\\r\\n\n");
  }

  void sasl() {
    static const std::vector<std::pair<std::string, std::string>> variants = {
        {"garbage", "+ !!!not-base64!!!\\r\\n"},
        {"long", "+ {repeat:70000:QUFB}\\r\\n"},
        {"no-space", "+\\r\\n"},
        {"padding", "+ ====\\r\\n"},
        {"nul", "+ \\x00\\r\\n"},
        {"endless", "{repeat:2000:+ \\r\\n}"},
        {"ok-at-once", "+OK\\r\\n"},
    };
    const auto& v = rng_.pick(variants);
    // Offer SASL only, so that a client that can use it does.
    set("sasl:" + v.first, "on: CAPA\n" + listing("+OK", "SASL PLAIN LOGIN\\r\\nUIDL\\r\\nTOP\\r\\n") +
                               "on: AUTH {*}\nSEND: " + v.second + "\n");
  }

  void retr() {
    // Answers that never become a whole message: nothing partial may be kept.
    static const std::vector<std::pair<std::string, std::string>> variants = {
        {"status-only-close", "fault: drop-mid-retr\n"},
        {"err-long", "on: RETR {*}\nSEND: -ERR {repeat:70000:e}\\r\\n\n"},
        {"err-nul", "on: RETR {*}\nSEND: -ERR \\x00\\r\\n\n"},
        {"err-code", "on: RETR {*}\nSEND: -ERR [SYS/PERM] [IN-USE] [\\r\\n\n"},
    };
    const auto& v = rng_.pick(variants);
    set("retr:" + v.first, v.second);
  }

  void fixture() {
    // The protocol is right; the messages are hostile. Each must be saved
    // exactly as it is, byte-stuffing undone.
    static const std::vector<std::pair<std::string, std::string>> variants = {
        {"dot-lines", "Subject: dots\r\n\r\n.\r\n..\r\n...\r\n. \r\n.x\r\nend\r\n"},
        {"only-dot", "Subject: dot\r\n\r\n.\r\n"},
        {"long-line", "Subject: long\r\n\r\n" + std::string(5000, 'L') + "\r\n"},
        {"998", "Subject: 998\r\n\r\n" + std::string(998, 'x') + "\r\n" + std::string(999, 'y') + "\r\n"},
        {"nul", std::string("Subject: nul\r\n\r\na\0b\r\n", 21)},
        {"8bit", "Subject: \xc3\xa9t\xc3\xa9\r\n\r\n\xff\xfe\x80\r\n"},
        {"headers-only", "Subject: no body\r\nX-A: 1\r\n\r\n"},
        {"empty-body", "Subject: empty\r\n\r\n"},
        {"dot-after-header", "Subject: x\r\n.\r\n\r\nbody\r\n"},
        {"big", "Subject: big\r\n\r\n" + [] {
           std::string s;
           for (int i = 0; i < 20000; ++i) s += ".line " + std::to_string(i) + "\r\n";
           return s;
         }()},
        {"from-line", "From someone@example.com Sat Jan  1 00:00:00 2000\r\nSubject: mbox\r\n\r\nFrom here\r\n>From there\r\n"},
    };
    const auto& v = rng_.pick(variants);
    out_.family = "fixture:" + v.first;
    out_.messages = {"Subject: plain\r\n\r\nfirst\r\n", v.second};
    if (rng_.percent(30)) out_.messages.push_back(v.second + "Subject: second copy\r\n");
    out_.body = "expect: saved all\n";
  }

  Rng rng_;
  ClientCase out_;
};

}  // namespace

ClientCase make_client_case(std::uint64_t seed, std::uint64_t index) { return ClientGenerator(seed, index).make(); }

std::string client_case_text(const ClientCase& c, const std::string& name, const std::string& fixture,
                             const std::vector<std::string>& comments) {
  std::string out;
  for (const auto& line : comments) out += "# " + line + "\n";
  out += "scenario: " + name + "\n";
  out += "rfc: rfc1939#3\nseverity: MUST\nrole: server\ngroup: fuzz.client\nfixture: " + fixture + "\n\n";
  return out + c.body;
}

}  // namespace pop3::fuzz
