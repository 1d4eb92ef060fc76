#include "fuzz/client_campaign.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "net/run_sync.hpp"
#include "scenario/parser.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace pop3::fuzz {
namespace {

// "auto: the client finishes within 5 s" and "... within 30 s" are one check.
std::string check_kind(const std::string& label) {
  std::string out;
  for (char c : label) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      if (out.empty() || out.back() != '#') out += '#';
    } else {
      out += c;
    }
  }
  return out;
}

// Each "{repeat:N:" with N halved in turn: the smaller cases to try.
std::vector<std::string> halved_repeats(const std::string& body) {
  std::vector<std::string> out;
  const std::string key = "{repeat:";
  for (std::size_t at = body.find(key); at != std::string::npos; at = body.find(key, at + 1)) {
    std::size_t from = at + key.size(), colon = body.find(':', from);
    if (colon == std::string::npos) break;
    unsigned long n = std::stoul(body.substr(from, colon - from));
    if (n < 2) continue;
    out.push_back(body.substr(0, from) + std::to_string(n / 2) + body.substr(colon));
  }
  return out;
}

}  // namespace

std::vector<ClientCase> smaller_client_cases(const ClientCase& c) {
  std::vector<ClientCase> out;
  for (auto& body : halved_repeats(c.body)) {
    out.push_back(c);
    out.back().body = std::move(body);
  }
  for (std::size_t i = 0; c.messages.size() > 1 && i < c.messages.size(); ++i) {
    out.push_back(c);
    out.back().messages.erase(out.back().messages.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return out;
}

bool is_client_finding(const CheckResult& check) {
  // A hang is a finding of the fuzzer's whatever the suite grades it (a SHOULD there).
  bool hang = check.label.starts_with("auto: the client finishes") && check.outcome == Outcome::warning;
  return check.outcome == Outcome::failed || hang;
}

std::optional<ClientFinding> client_finding(const ClientCase& c, const ScenarioResult& r) {
  for (const auto& check : r.checks) {
    if (!is_client_finding(check)) continue;
    ClientFinding f;
    const std::string& l = check.label;
    if (l.starts_with("auto: the client finishes")) f.oracle = Oracle::hang;
    else if (l.starts_with("auto: the client does not crash")) f.oracle = Oracle::crash;
    else f.oracle = Oracle::violation;
    f.check = l;
    f.rfc = check.rfc;
    f.message = check.message;
    f.expected = check.expected;
    f.actual = check.actual;
    f.transcript = check.transcript;
    f.kase = c;
    f.signature = std::string(to_string(f.oracle)) + ":" + check_kind(l) + ":" + c.family;
    return f;
  }
  return std::nullopt;
}

asio::awaitable<ScenarioResult> run_client_case(const ClientCase& c, const Fixture& base, const ClientCommand& client,
                                                const fs::path& work) {
  Fixture fx = base;
  if (!c.messages.empty()) {
    fx.name = "fuzz-client";
    fx.messages = c.messages;
  }
  Scenario sc = parse_scenario_text(client_case_text(c, "fuzz client case", fx.name, {}), "fuzz-client.pop3",
                                    "fuzz/client");
  std::vector<std::vector<std::string>> deliveries(static_cast<std::size_t>(sc.runs));
  co_return co_await run_client_scenario(sc, fx, deliveries, client, work);
}

ClientCampaign::ClientCampaign(asio::io_context& ioc, ClientCampaignOptions options, const std::atomic<bool>& stop,
                               Progress progress)
    : ioc_(ioc), o_(std::move(options)), stop_(stop), progress_(std::move(progress)) {}

bool ClientCampaign::done() const {
  if (stop_ || result_.environment_error) return true;
  if (o_.cases) return next_ >= *o_.cases;
  return std::chrono::steady_clock::now() - started_ >= std::chrono::duration<double>(o_.seconds);
}

ClientCampaignResult ClientCampaign::run() {
  started_ = std::chrono::steady_clock::now();
  unsigned jobs = std::max(1u, o_.jobs);
  if (auto error = run_all(ioc_, jobs, [this](unsigned k) { return job(k); })) result_.environment_error = error;
  result_.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  result_.interrupted = stop_;
  if (!stop_ && !result_.environment_error) {
    auto shrink_all = [this]() -> asio::awaitable<bool> {
      for (auto& f : result_.findings) {
        if (stop_) break;
        if (progress_) progress_(result_.stats, result_.findings.size(), "minimizing");
        co_await minimize(f, o_.work / "minimize");
      }
      co_return true;
    };
    run_sync(ioc_, shrink_all());
  }
  return result_;
}

asio::awaitable<void> ClientCampaign::job(unsigned k) {
  fs::path work = o_.work / ("job-" + std::to_string(k));
  while (!done()) {
    ClientCase c = make_client_case(o_.seed, next_++);
    if (std::find(known_hangs_.begin(), known_hangs_.end(), c.family) != known_hangs_.end()) {
      ++result_.stats.skipped;
      continue;
    }
    ++result_.stats.cases;
    ScenarioResult r = co_await run_client_case(c, o_.fixture, o_.client, work);
    if (stop_) break;  // a client killed by the interrupt is no finding
    if (r.environment_error) {
      result_.environment_error = r.reason;
      break;
    }
    auto f = client_finding(c, r);
    if (!f) {
      ++result_.stats.passed;
    } else {
      if (f->oracle == Oracle::hang) known_hangs_.push_back(c.family);
      bool known = std::any_of(result_.findings.begin(), result_.findings.end(),
                               [&](const ClientFinding& x) { return x.signature == f->signature; });
      if (!known) {
        f->original_octets = c.octets();
        result_.findings.push_back(std::move(*f));
      }
    }
    if (progress_) progress_(result_.stats, result_.findings.size(), "fuzzing");
  }
}

asio::awaitable<void> ClientCampaign::minimize(ClientFinding& f, const fs::path& work) {
  bool progress = true;
  while (progress && f.attempts < o_.minimize_attempts && !stop_) {
    progress = false;
    for (const auto& smaller : smaller_client_cases(f.kase)) {
      if (f.attempts >= o_.minimize_attempts || stop_) break;
      ++f.attempts;
      ScenarioResult r = co_await run_client_case(smaller, o_.fixture, o_.client, work);
      auto again = client_finding(smaller, r);
      if (again && again->signature == f.signature) {
        // The smaller case's own evidence replaces the original's.
        again->attempts = f.attempts;
        again->original_octets = f.original_octets;
        f = std::move(*again);
        progress = true;
        break;
      }
    }
  }
}

}  // namespace pop3::fuzz
