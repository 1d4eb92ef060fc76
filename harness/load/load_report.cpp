#include "load/load_report.hpp"

#include <sstream>

#include "load/load_run.hpp"
#include "util/escape.hpp"

namespace pop3::load {
namespace {

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string counters(const std::map<std::string, std::uint64_t>& m) {
  std::string out = "{";
  for (const auto& [k, v] : m) out += std::string(out.size() > 1 ? ", " : "") + quoted(k) + ": " + std::to_string(v);
  return out + "}";
}

bool per_retrieval(const Invariant& inv) {
  return std::string_view(inv.id) == "content-stable" || std::string_view(inv.id) == "bodies-delivered";
}

std::uint64_t judged_count(const Invariant& inv, const Stats& stats) {
  if (!per_retrieval(inv)) return stats.listed;
  auto it = stats.judged.find(inv.id);
  return it == stats.judged.end() ? 0 : it->second;
}

std::string held_in(const Invariant& inv, const Stats& stats) {
  return per_retrieval(inv) ? "held in " + std::to_string(judged_count(inv, stats)) + " retrievals"
                            : "held in " + std::to_string(stats.sessions) + " sessions";
}

}  // namespace

std::string not_judged(const Invariant& inv, const Stats& stats) {
  if (judged_count(inv, stats)) return {};
  if (!stats.listed) return "no session logged in and listed the maildrop";
  if (std::string_view(inv.id) == "content-stable") return "no message was retrieved twice";
  return "no message was retrieved from a maildrop the harness wrote (maildir=, reset=)";
}

const std::vector<Invariant>& invariants() {
  static const std::vector<Invariant> all = {
      {"listings-agree", "STAT, UIDL and LIST agree on the messages and their sizes", "rfc1939#5",
       "1939-5-STAT-2 1939-5-LIST-4 1939-7-UIDL-3"},
      {"nothing-duplicated", "no unique-id is listed twice in one session", "rfc1939#7", "1939-7-UIDL-7"},
      {"sizes-stable", "a message's size is the same in every session", "rfc1939#5", "1939-5-LIST-6 1939-7-UIDL-8"},
      {"sizes-agree", "RETR sends as many octets as LIST says", "rfc1939#5", "1939-5-LIST-6 1939-11-SIZE-1"},
      {"content-stable", "a unique-id names the same message in every session (the same body)", "rfc1939#7",
       "1939-7-UIDL-7 1939-7-UIDL-8"},
      {"bodies-delivered", "RETR sends a message's body as it was delivered (line endings aside)", "rfc1939#5",
       "1939-5-RETR-4"},
      {"unique-ids-stable", "no unique-id appears that was never delivered", "rfc1939#7", "1939-7-UIDL-8"},
      {"nothing-lost", "no message disappears that no session deleted", "rfc1939#6", "1939-6-QUIT-2 1939-7-UIDL-8"},
      {"deletion-committed", "a message deleted by a QUIT answered +OK stays gone", "rfc1939#6", "1939-6-QUIT-1"},
      {"dropped-session-commits-nothing", "a session dropped without QUIT removes nothing", "rfc1939#6",
       "1939-6-UPD-3"},
      {"maildrop-locked", "no message is removed while another session holds the maildrop", "rfc1939#4",
       "1939-4-LOCK-1"},
      {"listed-retrievable", "a message listed at login can be retrieved until the session deletes it", "rfc1939#4",
       "1939-4-LOCK-1 1939-5-RETR-4"},
      {"numbers-stable", "after DELE the other messages keep their numbers and unique-ids", "rfc1939#5",
       "1939-4-NUM-1 1939-5-DELE-7 1939-7-UIDL-4"},
      {"answers-each-command", "every command is answered within the deadline, the connection kept", "rfc1939#3",
       "1939-5-RESP-1"},
      {"framing", "every answer is framed as RFC 1939 #3 says", "rfc1939#3", "1939-3-RESP-2 1939-3-ML-1"},
  };
  return all;
}

void add_invariant_results(RunReport& report, const Stats& stats) {
  for (const auto& inv : invariants()) {
    ScenarioResult r;
    r.id = std::string("load/") + inv.id;
    r.name = inv.holds;
    r.rfc = inv.rfc;
    r.classname = "load";
    r.file = "load";
    r.requirements = words(inv.requirements);
    auto broken = stats.broken.find(inv.id);
    if (broken == stats.broken.end()) {
      CheckResult c;
      c.label = inv.holds;
      c.rfc = inv.rfc;
      std::string why_not = not_judged(inv, stats);
      c.outcome = why_not.empty() ? Outcome::passed : Outcome::skipped;
      c.message = !why_not.empty() ? "not judged: " + why_not : held_in(inv, stats);
      r.checks.push_back(std::move(c));
    } else {
      const Broken& b = broken->second;
      for (std::size_t i = 0; i < b.examples.size(); ++i) {
        const Example& e = b.examples[i];
        CheckResult c;
        c.label = std::string(inv.holds) + (i ? " (" + std::to_string(i + 1) + ")" : "");
        c.rfc = inv.rfc;
        c.requirements = words(b.requirements.empty() ? inv.requirements : b.requirements);
        c.outcome = Outcome::failed;
        c.message = "account " + e.account + ": " + e.message +
                    (i == 0 && b.count > b.examples.size()
                         ? " (" + std::to_string(b.count) + " violations in all; the first " +
                               std::to_string(b.examples.size()) + " shown)"
                         : "");
        c.transcript = e.transcript;
        r.checks.push_back(std::move(c));
      }
    }
    r.outcome = summarize(r);
    report.scenarios.push_back(std::move(r));
  }
}

void print_summary(std::FILE* out, const Stats& stats, double seconds) {
  double secs = seconds > 0 ? seconds : 1e-9;
  std::fprintf(out, "\n%llu sessions in %.1f s (%.1f/s), %llu commands (%.1f/s); at most %llu open at once\n",
               static_cast<unsigned long long>(stats.sessions), seconds, static_cast<double>(stats.sessions) / secs,
               static_cast<unsigned long long>(stats.commands), static_cast<double>(stats.commands) / secs,
               static_cast<unsigned long long>(stats.open_peak));
  if (stats.delivered || stats.dropped)
    std::fprintf(out, "%llu messages delivered while sessions ran; %llu sessions dropped without QUIT on purpose\n",
                 static_cast<unsigned long long>(stats.delivered), static_cast<unsigned long long>(stats.dropped));
  if (stats.arrivals_missed)
    std::fprintf(out, "%llu arrivals missed: every client was busy (raise --clients)\n",
                 static_cast<unsigned long long>(stats.arrivals_missed));
  std::fprintf(out, "latency p50/p95/p99/max:\n");
  for (const auto& [name, h] : stats.latency)
    std::fprintf(out, "  %-8s %s  (%llu)\n", name.c_str(), percentiles(h).c_str(),
                 static_cast<unsigned long long>(h.count()));
  auto line = [&](const char* title, const std::map<std::string, std::uint64_t>& m) {
    if (m.empty()) return;
    std::string text;
    for (const auto& [k, v] : m) text += (text.empty() ? "" : ", ") + k + " " + std::to_string(v);
    std::fprintf(out, "%s: %s\n", title, text.c_str());
  };
  line("errors", stats.errors);
  line("server policy", stats.policy);
  for (const auto& inv : invariants()) {
    auto b = stats.broken.find(inv.id);
    if (b == stats.broken.end()) {
      std::string why_not = not_judged(inv, stats);
      if (why_not.empty()) std::fprintf(out, "PASS  %-32s %s\n", inv.id, inv.holds);
      else std::fprintf(out, "SKIP  %-32s not judged: %s\n", inv.id, why_not.c_str());
      continue;
    }
    const std::string& reqs = b->second.requirements.empty() ? std::string(inv.requirements) : b->second.requirements;
    if (b->second.examples.empty()) {  // merged statistics: the examples are in the shards' results
      std::fprintf(out, "FAIL  %-32s [MUST %s %s] %llu time(s)\n", inv.id, inv.rfc, reqs.c_str(),
                   static_cast<unsigned long long>(b->second.count));
      continue;
    }
    const Example& e = b->second.examples.front();
    std::fprintf(out, "FAIL  %-32s [MUST %s %s] %llu time(s); first: account %s: %s\n", inv.id, inv.rfc,
                 reqs.c_str(), static_cast<unsigned long long>(b->second.count),
                 terminal_text(e.account).c_str(), terminal_text(e.message).c_str());
    std::size_t start = 0;
    while (start < e.transcript.size()) {
      std::size_t nl = e.transcript.find('\n', start);
      std::fprintf(out, "        | %s\n", terminal_text(e.transcript.substr(start, nl - start)).c_str());
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  std::fflush(out);
}

std::string stats_json(const Stats& stats, double seconds) {
  std::string latency;
  for (const auto& [name, h] : stats.latency)
    latency += std::string(latency.empty() ? "" : ",\n  ") + quoted(name) + ": " + h.to_json();
  std::uint64_t broken = 0;
  std::map<std::string, std::uint64_t> violations;
  for (const auto& [k, b] : stats.broken) violations[k] = b.count, broken += b.count;
  return "{\"format\": \"pop3-harness-load-stats\", \"version\": 1, \"seconds\": " + std::to_string(seconds) +
         ", \"sessions\": " + std::to_string(stats.sessions) + ", \"sessions_failed\": " +
         std::to_string(stats.sessions_failed) + ", \"commands\": " + std::to_string(stats.commands) +
         ", \"open_peak\": " + std::to_string(stats.open_peak) + ", \"listed\": " + std::to_string(stats.listed) +
         ", \"delivered\": " + std::to_string(stats.delivered) + ", \"dropped\": " + std::to_string(stats.dropped) +
         ", \"arrivals_missed\": " +
         std::to_string(stats.arrivals_missed) + ",\n \"errors\": " + counters(stats.errors) +
         ",\n \"policy\": " + counters(stats.policy) + ",\n \"judged\": " + counters(stats.judged) + ",\n \"violations\": " + counters(violations) +
         ",\n \"latency\": {\n  " + latency + "}}\n";
}

}  // namespace pop3::load
