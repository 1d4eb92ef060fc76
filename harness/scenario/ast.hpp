#pragma once
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scenario/pattern.hpp"

namespace re2 {
class RE2;
}

namespace pop3 {

// info: a finding that is reported, never judged (what the server chose).
enum class Severity { must, should, may, info };
const char* to_string(Severity s);

// check: a comparison of two sums of numbers, variables and fixture values.
struct Expression {
  struct Term {
    bool negative = false;
    bool is_number = false;  // a literal: a number, or a quoted text
    std::string text;  // a number or a variable name
  };
  std::vector<Term> left, right;
  std::string op;  // == != < <= > >=
};

// tls: handshake|try [fails|or-refused] [version=1.0|1.1|1.2|1.3] [ciphers=A:B] [alpn=A,B] [sni=NAME|none]
// tls: handshake fails hello=malformed
// tls: certificate chain|hostname|expiry|key
struct TlsAction {
  enum class Kind { handshake, attempt, certificate, scan };
  enum class Expect { success, failure, success_or_refusal };
  Kind kind = Kind::handshake;
  Expect expect = Expect::success;
  int version = 0;  // 10, 11, 12 or 13 to offer only that version; 0 for TLS 1.2 and later
  std::string alpn;               // protocol names to offer, comma-separated
  std::string ciphers;            // OpenSSL cipher list for TLS 1.2 and earlier
  std::optional<std::string> sni; // unset: the target's host name; empty: none
  std::string aspect;             // certificate: chain, hostname, expiry, key or signature; scan: what it judges
  bool malformed_hello = false;   // send a broken ClientHello record instead of a handshake
};

struct Step {
  enum class Kind {
    send,         // C:    a command line, CRLF added
    send_raw,     // SEND: bytes with escapes, nothing added
    expect_line,  // S:    a literal pattern
    expect_regex, // S~:   an RE2 regular expression over the whole line (S!~: the line must not match)
    body,         // body: a check on the last multi-line body
    check,        // check: an expression
    closed,       // expect: closed
    silence,      // expect: silence MS
    autologout,   // expect: autologout WITHIN: the server closes, saying nothing, within that time
    connection,   // conn: NAME
    drop,         // drop:
    client_expect,  // server role: expect: sent|not-sent|last PATTERN, exit N|nonzero, saved all|none|complete|N
    tls,          // tls: a handshake on this connection, or a check of its certificate
    probe,        // probe: plaintext-login | invalid-commands N | http-request
    info,         // info: a finding to report, with variables
    login,        // login: [user|apop|plain] - log in by the method the server offers (or the one named)
    refusable,    // refusable: WHY - the next S:/S~: may be answered -ERR instead; the steps up to the next C: are then skipped
  };
  Kind kind;
  std::string text;  // the step's argument as written
  std::string file;
  int line = 0;
  Severity severity = Severity::must;
  std::string rfc;
  Pattern pattern;                 // expect_line
  std::shared_ptr<re2::RE2> regex; // expect_regex
  bool negated = false;            // S!~: the next line is any line the expression does not match
  Expression expression;           // check
  std::vector<Expression> or_else;  // check: A or B ...: holds when any of them does
  std::vector<std::string> words;  // body: the check's words
  long millis = 0;                 // silence
  int run = 1;                     // client_expect: which run of the client it judges
  TlsAction tls;                   // tls
  bool is_check() const;
  std::string label() const;  // as written: "S: +OK {*}"
  // The pattern of "expect: sent|not-sent|last PATTERN", as written.
  std::string pattern_text() const { return text.substr(std::min(text.size(), text.find(' ') + 1)); }
};

// A check's comparisons: the first, then each 'or' alternative.
inline std::vector<const Expression*> expressions_of(const Step& s) {
  std::vector<const Expression*> all{&s.expression};
  for (const auto& e : s.or_else) all.push_back(&e);
  return all;
}

// Server role: a response the scripted server gives instead of the
// reference server's, to every client line the pattern matches.
struct Override {
  Pattern pattern;
  std::string text;      // the pattern as written
  std::string response;  // CRLF-terminated lines, sent as is
};

struct Scenario {
  std::string file;      // path as given
  std::string id;        // path relative to the suite root, without .pop3
  std::string name;
  std::string rfc;
  Severity severity = Severity::must;
  std::vector<std::string> requires_caps;
  // The catalog ids of the requirements the scenario verifies
  // ('requirements:'), and where they are cited, for a diagnostic.
  std::vector<std::string> requirements;
  int requirements_line = 0;
  // 'slow: HOW LONG': an opt-in scenario (minutes of waiting), run only with --slow.
  std::string slow;
  // 'advisories:' the public bug reports a security scenario guards against
  // (CVE-YYYY-N, CWE-N, bugtraq:N, or NAME:ID such as fetchmail-SA:2007-01).
  std::vector<std::string> advisories;
  // "mailbox: any": the checks hold whatever mail the mailbox holds, so the
  // scenario runs against a target the harness cannot reset.
  bool mailbox_any = false;
  std::string fixture = "basic";
  std::string group;     // the JUnit classname suffix
  std::vector<Step> steps;
  // Server role ("role: server"): the harness is the server, a client command
  // is the peer. The scripted server is the reference server plus these.
  bool server_role = false;
  std::string tls = "none";  // none, stls, implicit or stls-offered: how the server listens, {tls} for the client
  // Client role: "connect: plain" or "implicit" opens a bare TCP connection to
  // that endpoint of the target and leaves TLS to the scenario's 'tls:' steps;
  // "tls": a bare connection to a TLS endpoint, the implicit one if given, else
  // --target with --tls stls ('tls: scan' opens its own connections to it);
  // empty: the run's --tls mode, with TLS set up before the first step.
  std::string connect;
  std::vector<std::string> faults;
  std::optional<std::string> greeting;  // a whole greeting line, without CRLF
  std::vector<Override> overrides;
  // The client is run this many times against the same server and maildrop
  // ("run: N"), with more mail delivered before a run ("deliver: FIXTURE").
  int runs = 1;
  struct Delivery {
    int run;
    std::string fixture;
  };
  std::vector<Delivery> deliveries;
  bool keep = false;  // "keep: yes": the client is asked ({keep}) to leave mail on the server
  // The server's certificate ("certificate: good|self-signed|unknown-ca|wrong-host|expired");
  // {cafile} always holds the test CA.
  std::string certificate = "good";
  // The name the client is told to dial ({host}: "127.0.0.1", or "localhost"
  // for the certificate name-matching scenarios), and the TLS versions the
  // server speaks ("tls-versions: 1.2" alone, or "1.0" alone; empty: 1.2
  // and later).
  std::string host = "127.0.0.1";
  std::string tls_versions;
  // "tls-ciphers: recommended": TLS 1.2 with RFC 7525's suites alone.
  std::string tls_ciphers;
  // "inject: same-segment|separate-segment BYTES": forged plaintext the server
  // sends right after +OK to STLS, before its handshake (response injection).
  struct Injection {
    bool separate = false;
    std::string bytes;
  };
  std::optional<Injection> inject;
};

// A fixture names a folder under fixtures/, or (server role) one message
// file in it, "folder/file.eml": letters, digits, '.', '-', '_', one '/'.
bool valid_fixture_name(std::string_view name);

}  // namespace pop3
