#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>

#include "cli/data_path.hpp"
#include "cli/embedded_target.hpp"
#include "cli/host_port.hpp"
#include "cli/run_ledger.hpp"
#include "cli/run_options.hpp"
#include "cli/requirement_citations.hpp"
#include "cli/run_setup.hpp"
#include "cli/scenario_discovery.hpp"
#include "cli/users_file.hpp"
#include "version.hpp"
#include "client/preflight.hpp"
#include "client/provision.hpp"
#include "client/scenario_runner.hpp"
#include "client/session_io.hpp"
#include "net/run_sync.hpp"
#include "net/tls.hpp"
#include "report/redact.hpp"
#include "server/client_runner.hpp"
#include "util/interrupt.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace pop3 {
namespace {

class RunSession {
 public:
  // The signals are caught from construction, before the first byte: one
  // that arrives while the run is set up ends it as soon as it starts.
  explicit RunSession(const RunOptions& o) : o_(o) {
    signals_.async_wait([this](boost::system::error_code ec, int) {
      if (ec) return;
      ledger_.interrupted();
      interrupt::request();  // every connection closed, every client killed: nothing waits out a deadline
      ioc_.stop();
    });
  }
  ~RunSession() {
    // The built-in server's sessions are coroutines on ioc_: stop them before
    // the server goes away, and the server before the io_context.
    if (embedded_) {
      embedded_->stop();
      run_until(ioc_, [this] { return embedded_->idle(); }, std::chrono::seconds(5));
      embedded_.reset();
    }
    std::error_code ignored;
    if (!client_work_.empty()) fs::remove_all(client_work_, ignored);
  }

  int execute() {
    const auto started = std::chrono::steady_clock::now();
    if (int code = prepare(); code >= 0) return code;
    try {
      if (!setup()) return kUsage;
    } catch (const std::invalid_argument& e) {
      std::cerr << "pop3-harness: " << e.what() << "\n";
      return kUsage;
    } catch (const std::exception& e) {
      // A bad --cafile, an unusable certificate: nothing can run; CI still gets a report saying why.
      Preflight p;
      p.verdict = Preflight::Verdict::tls_setup;
      p.message = std::string("harness setup failed: ") + e.what();
      ledger_.open_console();
      stop_run(p);
      return finish_run(started);
    }
    std::string against = client_mode() ? "the client '" + o_.client_cmd + "'" : target_.describe();
    ledger_.report().properties["target"] = against;
    ledger_.report().properties["tested"] = client_mode() ? "client" : "server";
    std::cout << "pop3-harness " << kVersion << ": " << jobs_.size() << " scenarios against " << terminal_text(against) << " with "
              << accounts_.size() << " job" << (accounts_.size() > 1 ? "s" : "") << "\n";
    ledger_.open_console();
    asio::co_spawn(ioc_, main_loop(), [&](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        std::cerr << "pop3-harness: internal error: " << ex.what() << "\n";
        ledger_.harness_error();
      }
    });
    ioc_.run();
    return finish_run(started);
  }

 private:
  bool client_mode() const { return !o_.client_cmd.empty(); }

  // Discovery, parsing and the checks of the options: an exit code, or -1 to go on.
  int prepare() {
    paths_ = o_.paths.empty() ? std::vector<std::string>{find_data_path("scenarios/rfc1939").string()} : o_.paths;
    try {
      jobs_ = discover(paths_, o_.selection, client_mode());
    } catch (const std::exception& e) {
      std::cerr << "pop3-harness: " << e.what() << "\n";
      return kUsage;
    }
    if (jobs_.empty()) {
      std::cerr << "pop3-harness: no scenario files found" << (o_.selection.filter.empty() && o_.selection.excludes.empty() ? "" : " matching --filter/--exclude") << "\n";
      return kUsage;
    }
    if (auto why = usage_mistake(o_)) {
      std::cerr << "pop3-harness: " << *why << "\n";
      return kUsage;
    }
    try {
      if (!o_.known.empty()) ledger_.set_known(read_known(o_, paths_));
    } catch (const std::exception& e) {
      std::cerr << "pop3-harness: " << e.what() << "\n";
      return kUsage;
    }
    if (o_.seed) {
      std::mt19937_64 rng(*o_.seed);
      std::shuffle(jobs_.begin(), jobs_.end(), rng);
      std::cout << "seed " << *o_.seed << ": scenario order shuffled\n";
      ledger_.report().properties["seed"] = std::to_string(*o_.seed);
    }
    ledger_.report().properties["corpus.version"] = corpus_version(paths_);
    ledger_.report().properties["harness.version"] = kVersion;
    parse_jobs(jobs_, client_mode());
    if (!citations_hold()) return kUsage;
    if (jobs_.empty()) {
      std::cerr << "pop3-harness: no " << (client_mode() ? "server-role (role: server)" : "client-role")
                << " scenarios in the given paths" << (client_mode() ? " (try scenarios/clients)" : "") << "\n";
      return kUsage;
    }
    return -1;
  }

  // A scenario citing a requirement the catalog does not have is a mistake
  // in the scenario: said before anything runs, like a parse error.
  bool citations_hold() {
    try {
      auto catalog = load_catalog();
      if (!catalog) return true;  // no checkout around the binary: nothing to check against
      ledger_.set_catalog(*catalog);  // the HTML report's requirement matrix
      auto unknown = unknown_citations(*catalog, jobs_);
      for (const auto& u : unknown) std::cerr << u << "\n";
      return unknown.empty();
    } catch (const std::invalid_argument& e) {
      std::cerr << "pop3-harness: " << e.what() << "\n";
      return false;
    }
  }

  bool setup() {
    if (client_mode()) {
      // One worker per job; each scenario starts its own scripted server.
      for (unsigned i = 0; i < std::max(1u, o_.jobs); ++i) accounts_.push_back({"worker" + std::to_string(i + 1), "", "", ""});
      client_ = {o_.client_cmd, o_.client_saves == "lf",
                 std::chrono::milliseconds(static_cast<long>(o_.client_timeout_seconds * 1000))};
      client_work_ = fs::temp_directory_path() / ("pop3-harness-clients-" + std::to_string(::getpid()));
      return true;
    }
    target_ = target_from_options(o_);
    ClientTlsOptions tls = target_.trust;
    if (o_.target.empty()) {
      embedded_ = std::make_unique<EmbeddedTarget>(ioc_.get_executor(), std::max(1u, o_.jobs));
      accounts_ = embedded_->accounts();
      endpoints_.plain = {target_.host, std::to_string(embedded_->plain_port())};
      endpoints_.implicit = {target_.host, std::to_string(embedded_->implicit_port())};
      target_.port = target_.tls == TlsMode::implicit ? endpoints_.implicit->second : endpoints_.plain->second;
      tls.extra_ca_pem = embedded_->ca_pem();
    } else if (!external_target()) {
      return false;
    }
    // Also in plaintext mode: a server that takes logins only inside TLS is logged in after STLS.
    target_.tls_context = make_client_tls(tls);
    target_.trust = tls;
    for (const auto& a : accounts_) redactor_.add_login(a.user, a.pass);
    target_.secrets = redactor_.secrets();  // removed from every byte recorded, at the source
    provisioned_ = std::all_of(accounts_.begin(), accounts_.end(),
                               [](const Account& a) { return !a.maildir.empty() || !a.reset_cmd.empty(); });
    return true;
  }

  bool external_target() {
    Endpoints e = external_endpoints(o_);
    endpoints_ = e;
    std::tie(target_.host, target_.port) = target_.tls == TlsMode::implicit ? *e.implicit : *e.plain;
    accounts_ = external_accounts(o_);
    if (accounts_.empty()) {
      std::cerr << "pop3-harness: --target needs --user and --pass (or POP3_PASS), or --users FILE\n";
      return false;
    }
    return true;
  }

  asio::awaitable<void> main_loop() {
    bool usable = client_mode() ? co_await client_preflight() : co_await preflight_all();
    if (!usable) {
      stop();
      co_return;
    }
    if (!client_mode() && !provisioned_) announce_unprovisioned();
    auto ex = co_await asio::this_coro::executor;
    auto running = std::make_shared<std::size_t>(accounts_.size());
    for (const auto& account : accounts_)
      asio::co_spawn(ex, worker(account), [this, running](std::exception_ptr e) {
        if (e) ledger_.harness_error();
        if (--*running == 0) stop();
      });
  }

  // Before any scenario: the target can be tested with every account. A
  // failure is said once, as the report's only verdict; the run stops.
  asio::awaitable<bool> preflight_all() {
    Preflight first;
    for (const auto& account : accounts_) {
      Preflight p = co_await preflight(target_, &account);
      p.message = redactor_.apply(p.message);
      p.transcript = redactor_.apply(p.transcript);
      if (&account == &accounts_.front()) first = p;
      if (p.failed()) {
        stop_run(p);
        co_return false;
      }
    }
    caps_ = first.caps;
    target_.login_method = first.login_method;
    ledger_.report().preflight = preflight_result(first, target_.describe());
    ledger_.report().properties["capabilities"] = caps_.describe();
    std::cout << "capabilities: " << caps_.describe() << "\n";
    ledger_.console().preflight(*ledger_.report().preflight);
    co_await plaintext_capabilities();
    co_return true;
  }

  // The client role's preflight: the client command, run once against a
  // correct scripted server, must at least connect. One that never does (a
  // wrong path, a typo in --client-cmd) is said once, not as every check of
  // every scenario.
  asio::awaitable<bool> client_preflight() {
    Preflight p = co_await pop3::client_preflight(client_, client_work_ / "preflight");
    if (p.failed()) {
      stop_run(p);
      co_return false;
    }
    ledger_.report().preflight = preflight_result(p, o_.client_cmd);
    ledger_.report().preflight->checks.front().message = "the client command connected to a scripted server";
    co_return true;
  }

  // 'connect: plain' scenarios need what the plaintext endpoint offers before TLS.
  asio::awaitable<void> plaintext_capabilities() {
    bool wants_plain = std::any_of(jobs_.begin(), jobs_.end(),
                                   [](const Job& j) { return j.scenario && j.scenario->connect == "plain"; });
    if (!wants_plain || !endpoints_.plain) co_return;
    if (target_.tls == TlsMode::none) {
      endpoints_.plain_caps = caps_;
      co_return;
    }
    Preflight p = co_await preflight(Endpoints::at(target_, *endpoints_.plain), nullptr);
    if (p.failed()) endpoints_.plain_error = "the plaintext endpoint cannot be tested: " + redactor_.apply(p.message);
    else {
      endpoints_.plain_caps = p.caps;
      std::cout << "capabilities before TLS: " << endpoints_.plain_caps->describe() << "\n";
    }
  }

  void announce_unprovisioned() {
    std::size_t skipped = 0;
    for (const auto& j : jobs_) skipped += j.scenario && !j.scenario->mailbox_any;
    if (skipped == 0) return;
    std::cerr << "pop3-harness: no --maildir or --reset-cmd: " << skipped << " of " << jobs_.size()
              << " scenarios need their fixture in the mailbox and are skipped; give --maildir DIR or --reset-cmd CMD "
                 "to run them\n";
  }

  void stop() {
    boost::system::error_code ignored;
    signals_.cancel(ignored);
    if (embedded_) embedded_->stop();
  }

  int finish_run(std::chrono::steady_clock::time_point started) {
    ledger_.report().seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ledger_.close_known();
    ledger_.write();
    ledger_.console().summary(ledger_.report());
    std::cout << "JUnit report: " << o_.junit << "\n";
    return ledger_.exit_code();
  }

  void stop_run(const Preflight& p) { ledger_.stop_run(p, client_mode() ? o_.client_cmd : target_.describe()); }

  asio::awaitable<void> worker(Account account) {
    while (next_ < jobs_.size() && !ledger_.report().interrupted) {
      const Job& job = jobs_[next_++];
      ScenarioResult r = ledger_.blank(job);
      if (job.scenario && !stop_reason_.empty()) {
        r.reason = stop_reason_;
        r.outcome = Outcome::skipped;
      } else if (job.scenario) {
        r = co_await play(job, account, r);
        if (r.server_dropped && !client_mode()) co_await check_alive(r);
      }
      ledger_.finish(std::move(r));
    }
  }

  // After a session the server dropped: does it still take connections? A
  // server that does not (it crashed, or hangs) fails here, naming the last
  // command it was sent; later scenarios are not run.
  asio::awaitable<void> check_alive(ScenarioResult& r) {
    auto failure = co_await why_not_accepting(target_);
    if (!failure) co_return;
    std::string why = redactor_.apply(*failure);
    CheckResult c;
    c.label = "the server still accepts connections after dropping one";
    c.file = r.file;
    c.rfc = "rfc1939#4";
    c.outcome = Outcome::failed;
    std::string after = r.dropped_after.empty() ? "" : " after " + r.dropped_after;
    c.message = "protocol violation: the server stopped accepting connections" + after + " (it crashed or hangs): " + why;
    r.checks.push_back(c);
    r.outcome = summarize(r);
    if (stop_reason_.empty()) stop_reason_ = "not run: the server stopped accepting connections in " + r.id + after;
  }

  asio::awaitable<ScenarioResult> play(const Job& job, const Account& account, ScenarioResult r) {
    const Scenario& sc = *job.scenario;
    Target target = target_;
    const Capabilities* caps = &caps_;
    if (!sc.slow.empty() && !o_.slow) {
      r.reason = "slow (" + sc.slow + "): run with --slow";
      r.outcome = Outcome::skipped;
      co_return r;
    }
    if (auto why = endpoints_.place(sc.connect, target_, target, caps)) {
      r.reason = *why;
      r.outcome = Outcome::skipped;
      co_return r;
    }
    for (const auto& cap : sc.requires_caps) {
      if (!client_mode() && !caps->has(cap)) {
        r.reason = "server does not advertise " + cap + (caps->capa_supported ? "" : " (no CAPA)");
        r.outcome = Outcome::skipped;
        co_return r;
      }
    }
    if (!client_mode() && !provisioned_ && !sc.mailbox_any) {
      r.reason = "needs its fixture '" + sc.fixture + "' in the mailbox: give --maildir DIR or --reset-cmd CMD";
      r.outcome = Outcome::skipped;
      co_return r;
    }
    const Fixture* fixture = nullptr;
    std::vector<std::vector<std::string>> deliveries;
    static const Fixture kNone{"none", {}, {}};
    // A scenario whose checks hold for any mailbox needs no fixture files.
    bool unprovisioned = sc.mailbox_any && !sc.server_role && !find_fixture(job.file.parent_path(), sc.fixture);
    try {
      fixture = unprovisioned ? &kNone : &fixtures_.load(sc.fixture, job.file);
      deliveries = fixtures_.deliveries(sc, job.file);
    } catch (const std::exception& e) {
      r.parse_error = true;
      r.reason = e.what();
      r.outcome = Outcome::error;
      co_return r;
    }
    if (client_mode()) co_return co_await play_client(job, sc, *fixture, deliveries);
    if (provisioned_ && !unprovisioned) {
      if (std::string why = co_await provision(ioc_.get_executor(), account, *fixture); !why.empty()) {
        // Every scenario needs it: said once, and the run stops.
        r.environment_error = true;
        r.reason = "provisioning failed for " + account.user + ": " + why;
        r.outcome = Outcome::error;
        if (stop_reason_.empty()) stop_reason_ = "not run: provisioning failed (see " + r.id + ")";
        co_return r;
      }
    }
    ScenarioResult played = co_await run_scenario(sc, *fixture, target, account);
    played.classname = sc.group;
    played.file = job.file.string();
    co_return played;
  }

  // The endpoint a scenario connects to; why it cannot run, if it cannot.
  asio::awaitable<ScenarioResult> play_client(const Job& job, const Scenario& sc, const Fixture& fixture,
                                              const std::vector<std::vector<std::string>>& deliveries) {
    std::string slot = job.id;
    std::replace(slot.begin(), slot.end(), '/', '_');
    ScenarioResult played = co_await run_client_scenario(sc, fixture, deliveries, client_, client_work_ / slot);
    played.file = job.file.string();
    co_return played;
  }


  const RunOptions& o_;
  std::vector<std::string> paths_;
  asio::io_context ioc_;
  asio::signal_set signals_{ioc_, SIGINT, SIGTERM, SIGHUP};
  std::unique_ptr<EmbeddedTarget> embedded_;  // stopped and drained in ~RunSession, before ioc_ goes
  std::vector<Job> jobs_;
  std::size_t next_ = 0;
  std::vector<Account> accounts_;
  ClientCommand client_;  // the client under test (the server role)
  fs::path client_work_;  // scratch folders of the server role, removed at the end
  Target target_;
  Capabilities caps_;
  // The server's two endpoints, as far as known: plaintext/STLS and implicit TLS.
  Endpoints endpoints_;
  bool provisioned_ = true;    // every account has --maildir or --reset-cmd
  std::string stop_reason_;    // set once a shared failure ends the run (provisioning, a dead server)
  FixtureCache fixtures_;
  Redactor redactor_;
  RunLedger ledger_{o_, jobs_, redactor_};
};

}  // namespace

int run_command(const RunOptions& options) {
  try {
    return RunSession(options).execute();
  } catch (const std::invalid_argument& e) {
    std::cerr << "pop3-harness: " << e.what() << "\n";
    return kUsage;
  }
}

}  // namespace pop3
