#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/case.hpp"

namespace pop3::fuzz {

// What the generator may assume about the target.
struct GenContext {
  std::string user;                 // the account's name (USER with it is a valid prefix)
  std::size_t messages = 3;         // messages in the fixture
  bool apop = false;                // the greeting offers APOP
  bool pipelining = false;          // CAPA lists PIPELINING: bursts are allowed
  bool stls_offered = false;        // CAPA lists STLS (before TLS)
  bool tls = false;                 // sessions run inside TLS (STLS or implicit)
  std::vector<std::string> dictionary;  // tokens from fuzz/pop3.dict
  unsigned transaction_percent = 75;    // share of cases that start logged in
};

// The phase of case `index`: cheap, so that each session lane can pick its
// own cases out of the one numbered sequence.
Phase phase_of(std::uint64_t seed, std::uint64_t index, const GenContext& ctx);

// Case `index` of the campaign with this seed: a pure function of the three,
// so any case can be regenerated, replayed and minimized on its own.
Case make_case(std::uint64_t seed, std::uint64_t index, const GenContext& ctx);

// What is hostile about a case, most telling first ("nul", "bare-lf",
// "line-over-255", "burst", ...; "plain" when nothing is): a hang or a crash
// without a sanitizer report is the same bug when this is the same.
std::string features(const Case& c);

// A small deterministic generator (SplitMix64): the same numbers on every
// platform, unlike the standard distributions.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  bool percent(unsigned p) { return below(100) < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }

 private:
  std::uint64_t state_;
};

}  // namespace pop3::fuzz
