#include "fuzz/campaign.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "fuzz/lane_split.hpp"
#include "fuzz/minimize.hpp"
#include "net/run_sync.hpp"

namespace asio = boost::asio;

namespace pop3::fuzz {

// Holds the lanes while the target is restarted: a timer that never expires
// on its own, cancelled to let every waiter through.
struct Campaign::Gate {
  explicit Gate(asio::any_io_executor ex) : timer(ex) {}
  void close() {
    closed = true;
    timer.expires_at(asio::steady_timer::time_point::max());
  }
  void open() {
    closed = false;
    timer.cancel();
  }
  asio::awaitable<void> wait() {
    while (closed) co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  asio::steady_timer timer;
  bool closed = false;
};

namespace {

// A crash's identity: the sanitizer's verdict or the last line the process
// wrote, with numbers, addresses and quoted text blanked, and the way it ended.
std::string crash_signature(const std::string& how, const std::string& stderr_text) {
  std::string chosen;
  std::size_t pos = 0;
  while (pos < stderr_text.size()) {
    std::size_t end = stderr_text.find('\n', pos);
    if (end == std::string::npos) end = stderr_text.size();
    std::string line = stderr_text.substr(pos, end - pos);
    pos = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    bool verdict = line.find("ERROR: AddressSanitizer") != std::string::npos ||
                   line.find("runtime error:") != std::string::npos || line.find("SUMMARY:") != std::string::npos;
    if (verdict && chosen.find("ERROR:") == std::string::npos) chosen = line;
    else if (!verdict && (chosen.empty() || chosen.find("ERROR:") == std::string::npos)) chosen = line;
  }
  std::string out;
  bool quoted = false;
  for (std::size_t i = 0; i < chosen.size() && out.size() < 100; ++i) {
    char ch = chosen[i];
    if (ch == '\'' || ch == '"') {
      quoted = !quoted;
      if (quoted) out += "'…'";
      continue;
    }
    if (quoted) continue;
    if (ch == '0' && i + 1 < chosen.size() && chosen[i + 1] == 'x') {
      out += "0x#";
      i += 2;
      while (i < chosen.size() && std::isxdigit(static_cast<unsigned char>(chosen[i]))) ++i;
      --i;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(ch))) {
      if (out.empty() || out.back() != '#') out += '#';
      continue;
    }
    out += ch;
  }
  // The process's own words identify the bug; how it ended only when it said nothing.
  if (!out.empty()) return "crash: " + out;
  return "crash: " + how.substr(0, how.find(" (the shell"));
}

}  // namespace

Campaign::Campaign(asio::io_context& ioc, const LaneConfig& lane, CampaignOptions options, TargetProcess* process,
                   const std::atomic<bool>& stop, Progress progress)
    : ioc_(ioc), lane_config_(lane), probe_config_(lane), o_(std::move(options)), process_(process), stop_(stop),
      progress_(std::move(progress)) {
  lane_config_.paused = [this] { return recovering_; };
}

Campaign::~Campaign() = default;

Duration Campaign::exit_wait() const {
  // A dying process may take a moment (a sanitizer symbolizing its report).
  return std::max<Duration>(lane_config_.target.read_timeout, std::chrono::seconds(5));
}

bool Campaign::done() const {
  if (stop_ || target_gone_ || environment_error_) return true;
  if (o_.cases) return false;
  return std::chrono::steady_clock::now() - started_ >= std::chrono::duration<double>(o_.seconds);
}

CampaignResult Campaign::run() {
  started_ = std::chrono::steady_clock::now();
  gate_ = std::make_unique<Gate>(ioc_.get_executor());
  unsigned lanes = std::max(1u, o_.sessions);
  in_flight_.assign(lanes, std::nullopt);
  if (auto error = run_all(ioc_, lanes, [this](unsigned k) { return lane_loop(k); })) environment_error_ = error;
  result_.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  result_.interrupted = stop_;
  result_.environment_error = environment_error_;
  if (!stop_ && !environment_error_) {
    auto shrink_all = [this]() -> asio::awaitable<bool> {
      for (auto& f : result_.findings) {
        if (stop_) break;
        if (progress_) progress_(result_.stats, result_.findings.size(), "minimizing");
        co_await minimize(f);
      }
      co_return true;
    };
    run_sync(ioc_, shrink_all());
  }
  return result_;
}

asio::awaitable<void> Campaign::lane_loop(unsigned k) {
  Lane lane(ioc_.get_executor(), lane_config_);
  LaneSplit split(o_.sessions, o_.logged_in_lanes);
  for (std::uint64_t i = 0; !done(); ++i) {
    if (o_.cases && i >= *o_.cases) break;
    if (split.next(phase_of(o_.seed, i, o_.gen)) != k) continue;
    co_await gate_->wait();
    if (done()) break;
    Case c = make_case(o_.seed, i, o_.gen);
    std::string family = std::string(to_string(c.phase)) + ":" + c.mutation;
    if (std::find(known_bad_.begin(), known_bad_.end(), family) != known_bad_.end()) {
      ++result_.stats.skipped;
      continue;
    }
    ++result_.stats.cases;
    in_flight_[k] = InFlight{c, lane.marked()};
    CaseResult r = co_await lane.run(c);
    co_await handle(k, lane, c, r, false);
    in_flight_[k].reset();
    if (progress_) progress_(result_.stats, result_.findings.size(), "fuzzing");
  }
  co_await lane.finish();
  result_.stats.sessions += lane.sessions_opened();
}

asio::awaitable<void> Campaign::handle(unsigned k, Lane& lane, const Case& c, const CaseResult& r, bool retried) {
  // A case cut short by an interrupt (its connection closed by it) is no verdict.
  if (stop_) co_return;
  result_.stats.exchanges += r.exchanges;
  if (!retried && c.phase == Phase::transaction) ++result_.stats.transaction_cases;
  if (r.logged_in) ++result_.stats.logged_in;
  if (r.login_refused) {
    ++result_.stats.login_refusals;
    result_.stats.last_refusal = r.detail;
  }
  switch (r.kind) {
    case CaseResult::Kind::passed: ++result_.stats.passed; break;
    case CaseResult::Kind::lost: ++result_.stats.closed_by_server; break;
    case CaseResult::Kind::finding: {
      if (r.finding->oracle == Oracle::hang) known_bad_.push_back(std::string(to_string(c.phase)) + ":" + c.mutation);
      // The marks the session held are part of the case now.
      record(*r.finding, c, r.marks);
      break;
    }
    case CaseResult::Kind::suspect: co_await suspect(k, lane, c, r, retried); break;
  }
}

asio::awaitable<bool> Campaign::alive() {
  ClientSession probe(ioc_.get_executor());
  try {
    co_await probe.open(lane_config_.target);
    Response g = co_await probe.greeting(lane_config_.target.read_timeout);
    probe.drop();
    co_return g.parsed.has_value();
  } catch (const std::exception&) {
    probe.drop();
    co_return false;
  }
}

asio::awaitable<bool> Campaign::restart() {
  process_->stop();
  process_->start();
  ++result_.stats.restarts;
  auto deadline = std::chrono::steady_clock::now() + std::max<Duration>(lane_config_.target.connect_timeout, std::chrono::seconds(10));
  asio::steady_timer pause(ioc_.get_executor());
  // Until it listens: each failed connect is immediate, so retry on a short timer.
  while (std::chrono::steady_clock::now() < deadline && !process_->exited()) {
    if (co_await alive()) co_return true;
    pause.expires_after(std::chrono::milliseconds(20));
    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return false;
}

asio::awaitable<void> Campaign::suspect(unsigned k, Lane& lane, const Case& c, const CaseResult& r, bool retried) {
  auto retry = [&]() -> asio::awaitable<void> {
    std::string family = std::string(to_string(c.phase)) + ":" + c.mutation;
    if (retried || done() || std::find(known_bad_.begin(), known_bad_.end(), family) != known_bad_.end()) co_return;
    CaseResult again = co_await lane.run(c);
    co_await handle(k, lane, c, again, true);
  };
  if (process_ && recovering_) {
    // Another lane is checking on or restarting the target: this session may
    // have died with it.
    co_await gate_->wait();
    co_await retry();
    co_return;
  }
  // One recovery at a time, and no lane reaches the target until it is over:
  // a case that reached a restarted process while suspects are replayed on
  // it would be blamed for what it did.
  if (process_) {
    recovering_ = true;
    gate_->close();
  }
  // Plain statements: GCC 12 miscompiles co_await in a short-circuit operand.
  bool up = !process_ || !process_->exited();
  if (up) up = co_await alive();
  if (up) {
    if (process_) {
      recovering_ = false;
      gate_->open();
    }
    if (r.finding) {
      record(*r.finding, c, r.marks);
      co_return;
    }
    ++result_.stats.closed_by_server;
    co_await retry();
    co_return;
  }
  if (!process_)
    unreachable(c, r);
  else
    co_await confirm_crash(k, c, r);
}

void Campaign::unreachable(const Case& c, const CaseResult& r) {
  Finding f;
  f.oracle = Oracle::crash;
  f.rfc = "-";
  f.transcript = r.detail;
  f.expected = "the server keeps answering";
  f.message = "the server stopped answering: no connection or greeting within " +
              std::to_string(lane_config_.target.connect_timeout.count()) + " ms after this case (" + c.mutation + ")";
  f.actual = r.detail;
  f.signature = "crash:unreachable:" + features(c);
  record(std::move(f), c, r.marks);
  target_gone_ = true;
}

asio::awaitable<void> Campaign::confirm_crash(unsigned k, const Case& c, const CaseResult& r) {
  auto how = co_await process_->wait_exit(exit_wait());
  if (!how) how = "alive but not answering new connections (stopped by the harness)";
  std::string err = process_->new_stderr();
  // Every case on the wire when it died is a suspect, this lane's first:
  // the one that kills a fresh process on its own is the cause.
  std::vector<InFlight> suspects = {InFlight{c, r.marks}};
  for (unsigned other = 0; other < in_flight_.size(); ++other)
    if (other != k && in_flight_[other]) suspects.push_back(*in_flight_[other]);
  std::optional<InFlight> culprit = co_await find_culprit(std::move(suspects), *how, err);
  if (culprit) {
    // Plain statement: GCC 12 miscompiles co_await in a short-circuit operand.
    bool back = co_await restart();
    if (!back) environment_error_ = "--target-cmd did not come back after a restart";
    Finding f;
    f.oracle = Oracle::crash;
    f.rfc = "-";
    f.transcript = r.detail;
    f.expected = "the server keeps answering";
    f.message = "the server process died: " + *how + " (" + culprit->kase.mutation + ")";
    f.actual = *how;
    f.process = *how + (err.empty() ? std::string() : "\nstderr:\n" + err);
    f.signature = crash_signature(*how, err);
    known_bad_.push_back(std::string(to_string(culprit->kase.phase)) + ":" + culprit->kase.mutation);
    record(std::move(f), culprit->kase, culprit->marks);
  } else if (!environment_error_) {
    ++result_.stats.unconfirmed_crashes;
  }
  recovering_ = false;
  gate_->open();
}

asio::awaitable<std::optional<Campaign::InFlight>> Campaign::find_culprit(std::vector<InFlight> suspects,
                                                                          const std::string& how, std::string& err) {
  for (auto& s : suspects) {
    if (!co_await restart()) {
      environment_error_ = "--target-cmd did not come back after a restart (" + how + ")";
      co_return std::nullopt;
    }
    Lane probe(ioc_.get_executor(), probe_config_);
    CaseResult alone = co_await probe.run(s.kase, s.marks);
    probe.drop();
    if (alone.kind != CaseResult::Kind::suspect) continue;
    if (co_await process_->wait_exit(exit_wait())) {
      std::string err2 = process_->new_stderr();
      if (err.empty()) err = err2;
      co_return std::move(s);
    }
  }
  co_return std::nullopt;
}

void Campaign::record(Finding f, const Case& c, std::vector<unsigned long> marks) {
  for (const auto& known : result_.findings)
    if (known.signature == f.signature) return;
  f.kase = c;
  f.marked = std::move(marks);
  for (const auto& u : c.units) f.original_bytes += u.bytes.size();
  f.severity = Severity::must;
  result_.findings.push_back(std::move(f));
}

asio::awaitable<bool> Campaign::reproduces(const Finding& f, const Case& candidate) {
  Lane probe(ioc_.get_executor(), probe_config_);
  CaseResult r = co_await probe.run(candidate, f.marked);
  co_await probe.finish();
  if (f.oracle != Oracle::crash) co_return r.kind == CaseResult::Kind::finding && r.finding->signature == f.signature;
  if (r.kind != CaseResult::Kind::suspect) co_return false;
  auto how = co_await process_->wait_exit(exit_wait());
  if (!how) co_return false;
  std::string sig = crash_signature(*how, process_->new_stderr());
  if (!co_await restart()) environment_error_ = "--target-cmd did not come back after a restart";
  co_return sig == f.signature;
}

asio::awaitable<void> Campaign::minimize(Finding& f) {
  if (f.oracle == Oracle::crash && !process_) co_return;
  Case best = f.kase;
  bool progress = true;
  while (progress && f.attempts < o_.minimize_attempts && !stop_ && !environment_error_) {
    progress = false;
    for (auto& candidate : smaller_cases(best, f.marked)) {
      if (f.attempts >= o_.minimize_attempts || stop_) break;
      ++f.attempts;
      Finding probe = f;
      probe.marked = candidate.marks;
      if (co_await reproduces(probe, candidate.kase)) {
        best = candidate.kase;
        f.marked = candidate.marks;
        progress = true;
        break;
      }
    }
  }
  f.kase = best;
}

}  // namespace pop3::fuzz
