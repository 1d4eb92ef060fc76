#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>

#include "cli/campaign_report.hpp"
#include "cli/interrupt_signals.hpp"
#include "cli/campaign_target.hpp"
#include "cli/data_path.hpp"
#include "cli/embedded_target.hpp"
#include "cli/fuzz_options.hpp"
#include "cli/run_setup.hpp"
#include "client/preflight.hpp"
#include "client/provision.hpp"
#include "client/scenario_runner.hpp"
#include "fuzz/campaign.hpp"
#include "fuzz/dictionary.hpp"
#include "fuzz/reproducer.hpp"
#include "fuzz/target_profile.hpp"
#include "net/run_sync.hpp"
#include "report/redact.hpp"
#include "report/results_json.hpp"
#include "report/run_report.hpp"
#include "scenario/parser.hpp"
#include "util/escape.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace pop3 {
namespace {

using fuzz::Finding;
using fuzz::Oracle;

class FuzzSession {
 public:
  explicit FuzzSession(FuzzOptions& o) : o_(o) {}
  ~FuzzSession() {
    process_.reset();
    if (!embedded_) return;
    embedded_->stop();
    run_until(ioc_, [this] { return embedded_->idle(); }, std::chrono::seconds(5));
    embedded_.reset();
  }

  int execute() {
    if (!setup()) return kUsage;
    std::error_code ec;
    fs::create_directories(o_.out, ec);
    // Reproducers of an earlier campaign in --out would pass for this one's.
    for (const auto& e : fs::directory_iterator(o_.out, ec))
      if (e.path().extension() == ".pop3" && e.path().filename().string().starts_with("fuzz-")) fs::remove(e.path(), ec);
    if (!plan_seed(o_, campaign_seed_, seed_)) return kUsage;
    if (!o_.target_cmd.empty()) {
      process_ = std::make_unique<fuzz::TargetProcess>(ioc_.get_executor(), o_.target_cmd,
                                                       (fs::path(o_.out) / "target-stderr.log").string());
      process_->start();
    }
    if (int code = preflight(); code != kPassed) return code;
    record_seed(report_.properties, o_.shard, campaign_seed_, seed_);
    report_.properties["target"] = target_.describe();
    std::string budget = o_.cases ? std::to_string(*o_.cases) + " cases" : fmt_seconds(*o_.seconds) + " s";
    report_.properties["budget"] = budget;
    report_.properties["sessions"] = sessions_text();
    std::cout << "fuzz: seed " << seed_ << " (" << shard_note(o_.shard, campaign_seed_) << "replay with --seed " << seed_
              << (o_.shard.whole() || !o_.cases ? "" : " --cases " + std::to_string(*o_.cases)) << "), " << budget
              << " against "
              << target_.describe() << (process_ ? " (started by --target-cmd)" : "") << ", " << sessions_text()
              << (gen_.pipelining ? ", pipelining" : "") << "\n";

    fuzz::CampaignOptions co;
    co.seed = seed_;
    co.cases = o_.cases;
    co.seconds = o_.seconds.value_or(10);
    co.sessions = o_.sessions;
    co.logged_in_lanes = fuzz::logged_in_lanes(o_.sessions, profile_);
    co.minimize_attempts = o_.minimize_attempts;
    co.gen = gen_;
    auto started = std::chrono::steady_clock::now();
    ProgressLine line;
    auto progress = [&](const fuzz::CampaignStats& s, std::size_t findings, const char* activity) {
      line.show(activity, s.cases, findings);
    };
    fuzz::Campaign campaign(ioc_, lane_, co, process_.get(), stop_, progress);
    fuzz::CampaignResult r = campaign.run();
    line.clear();
    return finish(r, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }

 private:
  std::string sessions_text() const {
    if (o_.sessions == 1) return "1 session";
    std::string text = std::to_string(o_.sessions) + " sessions (" +
                       std::to_string(fuzz::logged_in_lanes(o_.sessions, profile_)) + " logged in";
    return text + (profile_.concurrent_logins ? ")" : ": the server takes one login at a time)");
  }

  static std::string fmt_seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", s);
    return buf;
  }

  bool setup() {
    try {
      const RunOptions& c = o_.common;
      if (!o_.cases && !o_.seconds) o_.seconds = 10;
      auto fixture = campaign_fixture(o_.fixture);
      if (!fixture) return false;
      fixture_ = std::move(*fixture);
      fs::path dict = find_data_path(o_.dictionary);
      gen_.dictionary = fuzz::load_dictionary(dict.string());
      if (!c.target.empty() || o_.target_cmd.empty()) {
        CampaignTarget endpoint;
        std::string why =
            campaign_target(c, ioc_.get_executor(), "fuzz", "puts the fixture in the mailbox first", endpoint);
        if (!why.empty()) {
          std::cerr << "pop3-harness: " << why << "\n";
          return false;
        }
        target_ = endpoint.target;
        account_ = endpoint.account;
        embedded_ = std::move(endpoint.embedded);
      } else {
        std::cerr << "pop3-harness: --target-cmd needs --target, the address the command's server listens on\n";
        return false;
      }
      redactor_ = Redactor::for_login(account_.user, account_.pass);
      target_.secrets = redactor_.secrets();
      lane_.target = target_;
      lane_.account = account_;
      lane_.messages = std::make_shared<const std::vector<std::string>>(fixture_.messages);
      gen_.user = account_.user;
      gen_.messages = fixture_.messages.size();
      gen_.tls = target_.tls != TlsMode::none;
    } catch (const std::exception& e) {
      std::cerr << "pop3-harness: " << e.what() << "\n";
      return false;
    }
    return true;
  }

  // Puts the fixture in place, waits for the server (a --target-cmd may still
  // be starting), runs the preflight every command shares (greeting, CAPA,
  // the account's login: a failure is said once and nothing is fuzzed), and
  // reads what the server offers: APOP, STLS, PIPELINING, concurrent logins.
  int preflight() {
    auto check = [&]() -> asio::awaitable<std::optional<Preflight>> {
      std::string why = co_await provision(ioc_.get_executor(), account_, fixture_);
      if (!why.empty()) co_return failed_preflight(Preflight::Verdict::unreachable, "provisioning failed: " + why);
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(process_ ? 10 : 0) + target_.connect_timeout;
      asio::steady_timer pause(ioc_.get_executor());
      for (;;) {
        Preflight p = co_await pop3::preflight(target_, &account_);
        bool starting = p.verdict == Preflight::Verdict::unreachable && process_ && !process_->exited() &&
                        std::chrono::steady_clock::now() < deadline;
        if (!starting) co_return p;
        pause.expires_after(std::chrono::milliseconds(20));
        co_await pause.async_wait(asio::use_awaitable);
      }
    };
    std::optional<Preflight> p = run_sync(ioc_, check());
    if (stop_) {
      report_.interrupted = true;
      std::cout << "interrupted (SIGINT, SIGTERM or SIGHUP) before the first case\n";
      write_preflight_reports(report_, o_.common, "fuzz");
      return kEnvironment;
    }
    if (p && !p->failed() && p->login_method.starts_with("stls:"))
      *p = *failed_preflight(Preflight::Verdict::wrong_tls_mode,
                             "the server offers no login before TLS (its CAPA lists none): fuzz it with --tls stls");
    if (p && process_ && process_->exited() && p->failed())
      p->message = "--target-cmd exited before the server answered: " + process_->new_stderr();
    if (p->failed()) {
      p->message = redactor_.apply(p->message);
      p->transcript = redactor_.apply(p->transcript);
      report_.preflight = preflight_result(*p, target_.describe());
      std::cout << (p->verdict == Preflight::Verdict::violation ? "preflight FAIL " : "preflight ERROR ")
                << terminal_text(p->message) << "\n";
      std::cout << "nothing fuzzed\n";
      write_preflight_reports(report_, o_.common, "fuzz");
      return preflight_exit_code(*p);
    }
    lane_.login_method = p->login_method;
    report_.preflight = preflight_result(*p, target_.describe());
    auto profile = [&]() -> asio::awaitable<std::string> {
      co_return co_await fuzz::read_target_profile(ioc_.get_executor(), target_, account_, profile_);
    };
    std::string unusable = run_sync(ioc_, profile());
    if (!unusable.empty()) {
      std::cerr << "pop3-harness: " << unusable << "\n";
      write_reports({}, true, unusable);
      return kEnvironment;
    }
    lane_.apop = gen_.apop = profile_.apop;
    lane_.concurrent_logins = profile_.concurrent_logins;
    lane_.optional = profile_.optional;
    if (!profile_.optional.uidl || !profile_.optional.top)
      std::cout << (profile_.optional.uidl ? "" : "UIDL ") << (profile_.optional.top ? "" : "TOP ")
                << "answered -ERR and not announced in CAPA: optional (RFC 1939 #7), expected to be refused\n";
    gen_.pipelining = profile_.pipelining;
    gen_.stls_offered = profile_.stls;
    return kPassed;
  }

  // After a restart for a replay: until the server greets again (bounded).
  void wait_for_target() {
    auto wait = [&]() -> asio::awaitable<bool> {
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      asio::steady_timer pause(ioc_.get_executor());
      while (std::chrono::steady_clock::now() < deadline && !process_->exited()) {
        Preflight p = co_await pop3::preflight(target_, nullptr);
        if (p.verdict != Preflight::Verdict::unreachable) co_return true;
        pause.expires_after(std::chrono::milliseconds(20));
        co_await pause.async_wait(asio::use_awaitable);
      }
      co_return false;
    };
    run_sync(ioc_, wait());
  }

  static std::optional<Preflight> failed_preflight(Preflight::Verdict v, std::string message) {
    Preflight p;
    p.verdict = v;
    p.message = std::move(message);
    return p;
  }

  std::string write_reproducer(Finding& f, std::size_t n) {
    fs::create_directories(fs::path(o_.out) / "fixtures");
    fs::path fixture_copy = fs::path(o_.out) / "fixtures" / fixture_.name;
    std::error_code ec;
    if (!fs::exists(fixture_copy)) fs::copy(fixture_.dir, fixture_copy, fs::copy_options::recursive, ec);
    std::size_t bytes = 0;
    for (const auto& u : f.kase.units) bytes += u.bytes.size();
    std::string name = std::string("fuzz ") + to_string(f.oracle) + " " + f.kase.keyword + " " + f.kase.mutation;
    std::vector<std::string> comments = {
        "Found by: pop3-harness fuzz --seed " + std::to_string(seed_) + " (case " + std::to_string(f.kase.index) + ", " +
            fuzz::to_string(f.kase.phase) + ", " + fuzz::to_string(f.kase.delivery) + ") against " + target_.describe(),
        "Oracle: " + std::string(to_string(f.oracle)) + "; signature: " + f.signature,
        "Minimized from " + std::to_string(f.original_bytes) + " to " + std::to_string(bytes) + " octets in " +
            std::to_string(f.attempts) + " replays",
        "Finding: " + redactor_.apply(f.message)};
    if (!f.process.empty()) {
      std::string p = redactor_.apply(f.process);
      std::size_t from = 0;
      int lines = 0;
      while (from < p.size() && lines++ < 12) {
        std::size_t end = p.find('\n', from);
        if (end == std::string::npos) end = p.size();
        comments.push_back("  " + p.substr(from, std::min<std::size_t>(end - from, 160)));
        from = end + 1;
      }
    }
    comments.push_back("Replay: pop3-harness run THIS_FILE --target HOST:PORT --user U --maildir DIR (or --reset-cmd CMD)");
    fuzz::ReproducerHeader h{name, fixture_.name, comments};
    fs::path file = fs::path(o_.out) / ("fuzz-" + std::to_string(n) + "-" + slug(std::string(to_string(f.oracle)) + " " +
                                                                              f.kase.keyword + " " + f.kase.mutation) + ".pop3");
    write_atomically(file.string(), fuzz::write_reproducer(f, h, lane_.messages, lane_.apop));
    f.file = file.string();
    return f.file;
  }

  // The reproducer must fail under `run` as the campaign saw it fail.
  std::optional<bool> replay(const Finding& f) {
    try {
      Scenario sc = parse_scenario(f.file, fs::path(f.file).stem().string());
      auto play = [&]() -> asio::awaitable<ScenarioResult> {
        std::string why = co_await provision(ioc_.get_executor(), account_, fixture_);
        if (!why.empty()) throw std::runtime_error("provisioning failed: " + why);
        co_return co_await run_scenario(sc, fixture_, target_, account_);
      };
      ScenarioResult played = run_sync(ioc_, play());
      if (process_ && process_->exited()) {
        auto ended = run_sync(ioc_, process_->wait_exit(std::chrono::seconds(5)));
        (void)ended;
        process_->new_stderr();
        process_->start();
        wait_for_target();
      }
      return played.outcome != Outcome::passed;
    } catch (const std::exception& e) {
      std::cerr << "pop3-harness: replay of " << f.file << " failed: " << e.what() << "\n";
      return std::nullopt;
    }
  }

  void write_reports(std::vector<CheckResult> checks, bool environment, const std::string& reason) {
    write_campaign_reports(report_, o_.common, "fuzz",
                           {"fuzz/server", "fuzzed commands: no crash, no hang, no protocol violation", "fuzz.server",
                            o_.fixture, "rfc1939"},
                           std::move(checks), environment, reason);
  }

  int finish(fuzz::CampaignResult& r, double seconds) {
    const auto& s = r.stats;
    report_.seconds = seconds;
    report_.interrupted = r.interrupted;
    report_.properties["cases"] = std::to_string(s.cases);
    report_.properties["cases-logged-in"] = std::to_string(s.logged_in);
    report_.properties["cases-per-second"] = std::to_string(static_cast<long>(s.cases / std::max(s.seconds, 1e-6)));
    std::printf("%llu cases (%llu passed, %llu skipped as known, %llu logged in), %llu commands in %.2f s: %.0f cases/s; "
                "%llu sessions, %llu closed by the server, %llu restarts\n",
                static_cast<unsigned long long>(s.cases), static_cast<unsigned long long>(s.passed),
                static_cast<unsigned long long>(s.skipped), static_cast<unsigned long long>(s.logged_in),
                static_cast<unsigned long long>(s.exchanges), s.seconds,
                s.cases / std::max(s.seconds, 1e-6), static_cast<unsigned long long>(s.sessions),
                static_cast<unsigned long long>(s.closed_by_server), static_cast<unsigned long long>(s.restarts));
    if (s.unconfirmed_crashes)
      std::printf("note: the target died %llu time(s) when the case alone did not kill it again\n",
                  static_cast<unsigned long long>(s.unconfirmed_crashes));
    std::vector<CheckResult> checks;
    bool failed = false;
    std::size_t n = 0;
    for (auto& f : r.findings) {
      ++n;
      std::string file = write_reproducer(f, n);
      // Named by its signature, which the same bug keeps from seed to seed.
      CheckResult c = campaign_check(redactor_.apply(f.signature), f.rfc == "-" ? "" : f.rfc, Outcome::failed);
      c.message = redactor_.apply(f.message) + " — reproducer: " + file + " (signature " + f.signature + ")";
      c.expected = f.expected;
      c.actual = redactor_.apply(f.actual);
      c.transcript = redactor_.apply(f.transcript + (f.process.empty() ? std::string() : "\n" + f.process));
      c.requirements = f.requirements;
      failed = true;
      std::string cited = citation(f.rfc, f.requirements);
      std::printf("FAIL %s %s\n  %s\n  expected: %s\n  actual:   %s\n  reproducer: %s\n", to_string(f.oracle),
                  cited.c_str(), terminal_text(c.message).c_str(), terminal_text(f.expected).c_str(),
                  terminal_text(c.actual).c_str(), terminal_text(file).c_str());
      if (!f.process.empty())
        std::printf("  process: %s\n", terminal_text(redactor_.apply(f.process.substr(0, 600)), true).c_str());
      checks.push_back(c);
      auto again = replay(f);
      checks.push_back(replay_check("replay: " + redactor_.apply(f.signature) + " fails again under run",
                                    f.rfc == "-" ? "" : f.rfc, file, again,
                                    "the finding depends on more than its bytes"));
    }
    for (Oracle o : {Oracle::crash, Oracle::hang, Oracle::violation}) {
      bool any = false;
      for (const auto& f : r.findings) any |= f.oracle == o;
      if (any) continue;
      std::string what = o == Oracle::crash ? "no crash (the server kept accepting and greeting)"
                         : o == Oracle::hang ? "no hang (every answer within the timeout)"
                                             : "no protocol violation (status lines, byte-stuffing, the maildrop model)";
      checks.push_back(clean_oracle_check(what, s.cases, seed_, r.interrupted || r.environment_error));
    }
    CampaignEnd end{failed, r.interrupted, std::nullopt, s.cases};
    if (r.environment_error) end.environment_error = redactor_.apply(*r.environment_error);
    else if (!r.interrupted && s.transaction_cases > 0 && s.logged_in == 0)
      // The preflight's login worked, yet no lane got in: nothing was fuzzed logged in.
      end.environment_error = "no case reached the TRANSACTION state (" + std::to_string(s.login_refusals) +
                              " logins refused, the last: " + redactor_.apply(s.last_refusal) + ")";
    return conclude_campaign(report_, o_.common,
                             {"fuzz/server", "fuzzed commands: no crash, no hang, no protocol violation", "fuzz.server",
                              o_.fixture, "rfc1939"},
                             std::move(checks), end);
  }

  FuzzOptions& o_;
  asio::io_context ioc_;
  std::atomic<bool> stop_{false};
  InterruptSignals signals_{ioc_, stop_};  // from construction: before the first byte
  Fixture fixture_;
  Target target_;
  Account account_;
  std::unique_ptr<EmbeddedTarget> embedded_;
  std::unique_ptr<fuzz::TargetProcess> process_;
  fuzz::LaneConfig lane_;
  fuzz::GenContext gen_;
  fuzz::TargetProfile profile_;
  RunReport report_;
  Redactor redactor_;
  std::uint64_t seed_ = 0;           // this shard's (the campaign's, unsharded)
  std::uint64_t campaign_seed_ = 0;  // --seed
};

}  // namespace

bool plan_seed(FuzzOptions& o, std::uint64_t& campaign_seed, std::uint64_t& seed) {
  campaign_seed = o.seed ? *o.seed : std::random_device{}() * 4294967296ull + std::random_device{}();
  seed = shard_seed(campaign_seed, o.shard);
  if (!o.cases) return true;
  if (*o.cases < o.shard.n) {
    std::fprintf(stderr, "pop3-harness fuzz: --cases %llu cannot be split into %u shards\n",
                 static_cast<unsigned long long>(*o.cases), o.shard.n);
    return false;
  }
  o.cases = shard_share(*o.cases, o.shard);
  return true;
}

int fuzz_command(FuzzOptions& options) {
  if (!options.common.client_cmd.empty()) return fuzz_client_command(options);
  return run_campaign_command([&] { return FuzzSession(options).execute(); });
}

}  // namespace pop3
