#pragma once
// What a load run counts: latencies per command, sessions, errors by kind,
// the server's policies met (not errors), and the invariants broken, each
// with a few examples (bounded, however long the run).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "load/histogram.hpp"

namespace pop3::load {

struct Example {
  std::string account, message, transcript;
};

struct Broken {
  std::string requirements;
  std::uint64_t count = 0;
  std::vector<Example> examples;  // the first few
  static constexpr std::size_t kExamples = 5;
};

struct Stats {
  std::map<std::string, Histogram> latency;  // "connect", "login", a command keyword, "session"
  std::uint64_t sessions = 0, sessions_failed = 0, commands = 0, open = 0, open_peak = 0;
  std::uint64_t delivered = 0;        // new messages put in maildrops during the run
  std::uint64_t dropped = 0;          // sessions the profile ended without QUIT, on purpose
  std::uint64_t listed = 0;           // sessions that logged in and listed the maildrop: the invariants' evidence
  std::uint64_t arrivals_missed = 0;  // --rate: arrivals with every client busy
  std::map<std::string, std::uint64_t> errors;  // a kind of failure: "timeout", "refused", "closed", ...
  std::map<std::string, std::uint64_t> policy;  // "in-use", "login-delay", "sys-temp", "concurrent-logins"
  std::map<std::string, Broken> broken;         // by invariant
  std::map<std::string, std::uint64_t> judged;  // invariants judged per RETR: how often they were

  void record(const std::string& what, std::uint64_t micros) { latency[what].record(micros); }
  void violate(const std::string& invariant, const std::string& requirements, Example e);
  // Another shard's statistics added in: counters summed, histograms merged
  // bucket by bucket, the examples kept up to the bound.
  void merge(const Stats& other);
};

}  // namespace pop3::load
