#include <cctype>
#include <string>
#include <utility>

#include "model/session.hpp"
#include "util/base64.hpp"
#include "util/constant_time.hpp"
#include "util/md5_hex.hpp"

// AUTH (RFC 5034) with PLAIN (RFC 4616) and CRAM-MD5 (RFC 2195): the part of
// the session's state machine that speaks SASL.
namespace pop3 {

Reply Session::auth(const CommandLine& c) {
  // RFC 5034 #4: AUTH only in the AUTHORIZATION state (the table lets it
  // through in TRANSACTION for the fault alone).
  if (state_ == SessionState::transaction)
    return config_.faults.has(Fault::auth_after_login) ? ok("already authenticated") : refuse("already authenticated");
  std::string mech = c.args[0];
  if (!config_.faults.has(Fault::auth_case_sensitive))
    for (auto& ch : mech) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (mech == "CRAM-MD5" && !config_.faults.has(Fault::no_cram_md5)) {
    // RFC 2195: the server speaks first, so an initial response is refused (RFC 5034 #4).
    if (c.args.size() == 2 && !config_.faults.has(Fault::cram_md5_initial_response))
      return err("CRAM-MD5 takes no initial response");
    static unsigned long challenges = 0;
    cram_challenge_ = "<" + std::to_string(++challenges) + "." + std::to_string(session_number_) + "@pop3-harness>";
    sasl_mechanism_ = mech;
    return {"+ " + base64_encode(cram_challenge_) + "\r\n"};
  }
  if (mech != "PLAIN") return err("unsupported SASL mechanism");
  if (c.args.size() == 2) return sasl_plain(c.args[1] == "=" ? std::string_view{} : std::string_view{c.args[1]});
  sasl_mechanism_ = mech;
  return {config_.faults.has(Fault::challenge_text) ? "+ go ahead\r\n" : "+ \r\n"};
}

Reply Session::sasl_response(std::string_view line) {
  std::string mechanism = std::exchange(sasl_mechanism_, {});
  if (line == "*") return err("authentication cancelled");
  return mechanism == "CRAM-MD5" ? sasl_cram_md5(line) : sasl_plain(line);
}

// RFC 2195 #2: base64 of the user name, a space and the lower-case hex
// HMAC-MD5 of the challenge keyed with the password.
Reply Session::sasl_cram_md5(std::string_view line) {
  auto decoded = base64_decode(line);
  if (!decoded) return err("invalid base64");
  std::size_t sp = decoded->rfind(' ');
  if (sp == std::string::npos) return err("malformed CRAM-MD5 response");
  std::string name = decoded->substr(0, sp), digest = decoded->substr(sp + 1);
  auto secret = store_.secret(name);
  if (!secret || !constant_time_equal(hmac_md5_hex(*secret, cram_challenge_), digest))
    return login_failed("[AUTH] authentication failed");
  return login(name);
}

Reply Session::sasl_plain(std::string_view line) {
  std::string lenient;
  if (config_.faults.has(Fault::lenient_base64))
    for (char ch : line)
      if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '+' || ch == '/' || ch == '=') lenient += ch;
  auto decoded = base64_decode(config_.faults.has(Fault::lenient_base64) ? std::string_view{lenient} : line);
  if (!decoded) return err("invalid base64");
  // RFC 4616: [authzid] NUL authcid NUL passwd
  std::size_t a = decoded->find('\0');
  std::size_t b = a == std::string::npos ? a : decoded->find('\0', a + 1);
  if (b == std::string::npos) return err("malformed PLAIN response");
  std::string authzid = decoded->substr(0, a), authcid = decoded->substr(a + 1, b - a - 1);
  std::string password = decoded->substr(b + 1);
  if (config_.faults.has(Fault::lenient_plain)) {
    // The classic C-string reading: the password ends at a NUL, and the
    // authzid is only a default name.
    password = password.substr(0, password.find('\0'));
    if (authcid.empty()) authcid = authzid;
    authzid.clear();
  }
  if (!authzid.empty() && authzid != authcid) return err("[AUTH] authorization identity not permitted");
  auto secret = store_.secret(authcid);
  // prefix-password: the strncmp(given, stored, strlen(given)) bug, so an
  // empty password matches every account (CWE-287).
  bool prefix = config_.faults.has(Fault::prefix_password) && secret && secret->starts_with(password);
  if (!prefix && (!secret || !constant_time_equal(*secret, password))) return login_failed("[AUTH] authentication failed");
  return login(authcid);
}

}  // namespace pop3
