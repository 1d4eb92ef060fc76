#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <set>

#include "cli/embedded_target.hpp"
#include "cli/host_port.hpp"
#include "cli/run_options.hpp"
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
#include "report/console.hpp"
#include "report/redact.hpp"
#include "report/results_json.hpp"
#include "report/run_report.hpp"
#include "scenario/parser.hpp"
#include "server/client_runner.hpp"
#include "util/interrupt.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace pop3 {
namespace {

using Endpoint = std::pair<std::string, std::string>;

class RunSession {
 public:
  explicit RunSession(const RunOptions& o) : o_(o) {}
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
      console_ = std::make_unique<Console>(stdout, jobs_.size(), o_.color);
      stop_run(p);
      return finish_run(started);
    }
    std::string against = client_mode() ? "the client '" + o_.client_cmd + "'" : target_.describe();
    report_.properties["target"] = against;
    std::cout << "pop3-harness " << kVersion << ": " << jobs_.size() << " scenarios against " << terminal_text(against) << " with "
              << accounts_.size() << " job" << (accounts_.size() > 1 ? "s" : "") << "\n";
    console_ = std::make_unique<Console>(stdout, jobs_.size(), o_.color);
    asio::signal_set signals(ioc_, SIGINT, SIGTERM, SIGHUP);
    signals.async_wait([&](boost::system::error_code ec, int) {
      if (ec) return;
      report_.interrupted = true;
      interrupt::request();  // every connection closed, every client killed: nothing waits out a deadline
      ioc_.stop();
    });
    asio::co_spawn(ioc_, main_loop(signals), [&](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        std::cerr << "pop3-harness: internal error: " << ex.what() << "\n";
        harness_error_ = true;
      }
    });
    ioc_.run();
    return finish_run(started);
  }

 private:
  bool client_mode() const { return !o_.client_cmd.empty(); }

  // Discovery, parsing and the checks of the options: an exit code, or -1 to go on.
  int prepare() {
    paths_ = o_.paths.empty() ? std::vector<std::string>{"scenarios/rfc1939"} : o_.paths;
    try {
      jobs_ = discover(paths_, o_.filter, client_mode());
    } catch (const std::exception& e) {
      std::cerr << "pop3-harness: " << e.what() << "\n";
      return kUsage;
    }
    if (jobs_.empty()) {
      std::cerr << "pop3-harness: no scenario files found" << (o_.filter.empty() ? "" : " matching the filter") << "\n";
      return kUsage;
    }
    if (auto why = usage_mistake(o_)) {
      std::cerr << "pop3-harness: " << *why << "\n";
      return kUsage;
    }
    if (o_.seed) {
      std::mt19937_64 rng(*o_.seed);
      std::shuffle(jobs_.begin(), jobs_.end(), rng);
      std::cout << "seed " << *o_.seed << ": scenario order shuffled\n";
      report_.properties["seed"] = std::to_string(*o_.seed);
    }
    report_.properties["corpus.version"] = corpus_version(paths_);
    report_.properties["harness.version"] = kVersion;
    for (auto& j : jobs_) {
      try {
        j.scenario = parse_scenario(j.file, j.id);
      } catch (const ParseError& e) {
        j.parse_error = e.what();
        std::cerr << e.what();
      }
    }
    // A client under test plays the server-role scenarios; a server, the others.
    std::erase_if(jobs_, [this](const Job& j) { return j.scenario && j.scenario->server_role != client_mode(); });
    if (jobs_.empty()) {
      std::cerr << "pop3-harness: no " << (client_mode() ? "server-role (role: server)" : "client-role")
                << " scenarios in the given paths" << (client_mode() ? " (try scenarios/clients)" : "") << "\n";
      return kUsage;
    }
    return -1;
  }

  bool setup() {
    if (client_mode()) {
      // One worker per job; each scenario starts its own scripted server.
      for (unsigned i = 0; i < std::max(1u, o_.jobs); ++i) accounts_.push_back({"worker" + std::to_string(i + 1), "", "", ""});
      client_work_ = fs::temp_directory_path() / ("pop3-harness-clients-" + std::to_string(::getpid()));
      return true;
    }
    target_ = target_from_options(o_);
    ClientTlsOptions tls = target_.trust;
    if (o_.target.empty()) {
      embedded_ = std::make_unique<EmbeddedTarget>(ioc_.get_executor(), std::max(1u, o_.jobs));
      accounts_ = embedded_->accounts();
      plain_endpoint_ = {target_.host, std::to_string(embedded_->plain_port())};
      implicit_endpoint_ = {target_.host, std::to_string(embedded_->implicit_port())};
      target_.port = target_.tls == TlsMode::implicit ? implicit_endpoint_->second : plain_endpoint_->second;
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
    auto [host, port] = split_host_port(o_.target, "--target");
    target_.host = host;
    target_.port = port;
    if (target_.tls == TlsMode::implicit) {
      if (!o_.tls_target.empty())
        throw std::invalid_argument("--tls-target names the implicit-TLS endpoint beside a plaintext --target; "
                                    "with --tls implicit, --target is that endpoint");
      implicit_endpoint_ = {host, port};
    } else {
      plain_endpoint_ = {host, port};
      if (!o_.tls_target.empty()) implicit_endpoint_ = split_host_port(o_.tls_target, "--tls-target");
    }
    if (!o_.users_file.empty()) accounts_ = read_users_file(o_.users_file);
    else {
      if (o_.user.empty()) {
        std::cerr << "pop3-harness: --target needs --user and --pass (or POP3_PASS), or --users FILE\n";
        return false;
      }
      accounts_.push_back({o_.user, o_.pass, o_.maildir, o_.reset_cmd});
    }
    if (accounts_.size() > o_.jobs) accounts_.resize(std::max(1u, o_.jobs));
    if (accounts_.size() < o_.jobs)
      std::cerr << "pop3-harness: --jobs " << o_.jobs << " but only " << accounts_.size() << " account(s): running "
                << accounts_.size() << " at a time\n";
    return true;
  }

  asio::awaitable<void> main_loop(asio::signal_set& signals) {
    bool usable = client_mode() ? co_await client_preflight() : co_await preflight_all();
    if (!usable) {
      stop(signals);
      co_return;
    }
    if (!client_mode() && !provisioned_) announce_unprovisioned();
    auto ex = co_await asio::this_coro::executor;
    auto running = std::make_shared<std::size_t>(accounts_.size());
    for (const auto& account : accounts_)
      asio::co_spawn(ex, worker(account), [this, running, &signals](std::exception_ptr e) {
        if (e) harness_error_ = true;
        if (--*running == 0) stop(signals);
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
    report_.preflight = preflight_result(first, target_.describe());
    report_.properties["capabilities"] = caps_.describe();
    std::cout << "capabilities: " << caps_.describe() << "\n";
    console_->preflight(*report_.preflight);
    co_await plaintext_capabilities();
    co_return true;
  }

  // The client role's preflight: the client command, run once against a
  // correct scripted server, must at least connect. One that never does (a
  // wrong path, a typo in --client-cmd) is said once, not as every check of
  // every scenario.
  asio::awaitable<bool> client_preflight() {
    ClientCommand client{o_.client_cmd, o_.client_saves == "lf",
                         std::chrono::milliseconds(static_cast<long>(o_.client_timeout_seconds * 1000))};
    Preflight p = co_await pop3::client_preflight(client, client_work_ / "preflight");
    if (p.failed()) {
      stop_run(p);
      co_return false;
    }
    report_.preflight = preflight_result(p, o_.client_cmd);
    report_.preflight->checks.front().message = "the client command connected to a scripted server";
    co_return true;
  }

  // 'connect: plain' scenarios need what the plaintext endpoint offers before TLS.
  asio::awaitable<void> plaintext_capabilities() {
    bool wants_plain = std::any_of(jobs_.begin(), jobs_.end(),
                                   [](const Job& j) { return j.scenario && j.scenario->connect == "plain"; });
    if (!wants_plain || !plain_endpoint_) co_return;
    if (target_.tls == TlsMode::none) {
      plain_caps_ = caps_;
      co_return;
    }
    Preflight p = co_await preflight(endpoint(*plain_endpoint_), nullptr);
    if (p.failed()) plain_error_ = "the plaintext endpoint cannot be tested: " + redactor_.apply(p.message);
    else {
      plain_caps_ = p.caps;
      std::cout << "capabilities before TLS: " << plain_caps_->describe() << "\n";
    }
  }

  // A failure shared by every scenario: reported once, the rest not run.
  void stop_run(const Preflight& p) {
    report_.preflight = preflight_result(p, client_mode() ? o_.client_cmd : target_.describe());
    run_exit_ = preflight_exit_code(p);
    console_->preflight(*report_.preflight);
    for (auto& j : jobs_) {
      ScenarioResult r = blank(j);
      if (j.scenario) {
        r.reason = "not run: " + p.message;
        r.outcome = Outcome::skipped;
      }
      r.reason = redactor_.apply(r.reason);
      report_.scenarios.push_back(std::move(r));
    }
    std::cout << jobs_.size() << " scenario" << (jobs_.size() == 1 ? "" : "s") << " not run\n";
    write_report();
  }

  void announce_unprovisioned() {
    std::size_t skipped = 0;
    for (const auto& j : jobs_) skipped += j.scenario && !j.scenario->mailbox_any;
    if (skipped == 0) return;
    std::cerr << "pop3-harness: no --maildir or --reset-cmd: " << skipped << " of " << jobs_.size()
              << " scenarios need their fixture in the mailbox and are skipped; give --maildir DIR or --reset-cmd CMD "
                 "to run them\n";
  }

  // The target reached at another endpoint, in plaintext: the scenario does its own TLS.
  Target endpoint(const Endpoint& host_port) const {
    Target t = target_;
    t.host = host_port.first;
    t.port = host_port.second;
    t.tls = TlsMode::none;
    return t;
  }

  void stop(asio::signal_set& signals) {
    boost::system::error_code ignored;
    signals.cancel(ignored);
    if (embedded_) embedded_->stop();
  }

  int finish_run(std::chrono::steady_clock::time_point started) {
    report_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    write_report();
    console_->summary(report_);
    std::cout << "JUnit report: " << o_.junit << "\n";
    return exit_code();
  }

  ScenarioResult blank(const Job& j) {
    ScenarioResult r;
    if (j.scenario) r = result_for(*j.scenario);
    r.id = j.id;
    r.file = j.file.string();
    if (!j.scenario) {
      r.name = j.id;
      r.parse_error = true;
      r.reason = j.parse_error;
    }
    r.outcome = summarize(r);
    return r;
  }

  asio::awaitable<void> worker(Account account) {
    while (next_ < jobs_.size() && !report_.interrupted) {
      const Job& job = jobs_[next_++];
      ScenarioResult r = blank(job);
      if (job.scenario && !stop_reason_.empty()) {
        r.reason = stop_reason_;
        r.outcome = Outcome::skipped;
      } else if (job.scenario) {
        r = co_await play(job, account, r);
        if (r.server_dropped && !client_mode()) co_await check_alive(r);
      }
      finish(std::move(r));
    }
  }

  // After a session the server dropped: does it still take connections? A
  // server that does not (it crashed, or hangs) fails here, naming the last
  // command it was sent; later scenarios are not run.
  asio::awaitable<void> check_alive(ScenarioResult& r) {
    std::string why;
    try {
      ClientSession s(co_await asio::this_coro::executor);
      co_await s.open(target_);
      co_await s.greeting(target_.read_timeout);
      s.drop();
      co_return;
    } catch (const std::exception& e) {
      why = redactor_.apply(e.what());
    }
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
    if (auto why = endpoint_for(sc, target, caps)) {
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
    std::vector<std::vector<std::string>> deliveries(static_cast<std::size_t>(sc.runs));
    static const Fixture kNone{"none", {}, {}};
    // A scenario whose checks hold for any mailbox needs no fixture files.
    bool unprovisioned = sc.mailbox_any && !sc.server_role && !find_fixture(job.file.parent_path(), sc.fixture);
    try {
      fixture = unprovisioned ? &kNone : &load(sc.fixture, job.file);
      for (const auto& d : sc.deliveries) {
        const auto& more = load(d.fixture, job.file).messages;
        auto& into = deliveries[static_cast<std::size_t>(d.run - 1)];
        into.insert(into.end(), more.begin(), more.end());
      }
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
  std::optional<std::string> endpoint_for(const Scenario& sc, Target& target, const Capabilities*& caps) const {
    if (sc.connect == "plain") {
      if (!plain_endpoint_) return "needs the plaintext/STLS endpoint; with --tls implicit, --target is the implicit-TLS one";
      if (!plain_error_.empty()) return "not run: " + plain_error_;
      target = endpoint(*plain_endpoint_);
      if (plain_caps_) caps = &*plain_caps_;
    } else if (sc.connect == "implicit") {
      if (!implicit_endpoint_) return "needs the implicit-TLS endpoint (RFC 8314): give --tls-target HOST:PORT";
      target = endpoint(*implicit_endpoint_);
    }
    return std::nullopt;
  }

  asio::awaitable<ScenarioResult> play_client(const Job& job, const Scenario& sc, const Fixture& fixture,
                                              const std::vector<std::vector<std::string>>& deliveries) {
    ClientCommand client{o_.client_cmd, o_.client_saves == "lf",
                         std::chrono::milliseconds(static_cast<long>(o_.client_timeout_seconds * 1000))};
    std::string slot = job.id;
    std::replace(slot.begin(), slot.end(), '/', '_');
    ScenarioResult played = co_await run_client_scenario(sc, fixture, deliveries, client, client_work_ / slot);
    played.file = job.file.string();
    co_return played;
  }

  const Fixture& load(const std::string& name, const fs::path& file) {
    auto path = find_fixture(file.parent_path(), name);
    if (!path) throw std::runtime_error(file.string() + ": no fixtures/" + name + " for 'fixture: " + name + "'");
    auto key = path->string();
    auto it = fixtures_.find(key);
    if (it == fixtures_.end()) it = fixtures_.emplace(key, load_fixture(*path, name)).first;
    return it->second;
  }

  void finish(ScenarioResult r) {
    // A scenario cut short by an interrupt is no verdict: the report lists it as interrupted.
    if (report_.interrupted) return;
    r.reason = redactor_.apply(r.reason);
    report_.scenarios.push_back(std::move(r));
    console_->scenario_done(report_.scenarios.back(), report_.scenarios.size());
    write_report();  // after every scenario: a killed run keeps what it did
  }

  void write_report() {
    report_.strict = o_.strict;
    if (report_.interrupted) {
      // The scenarios that did not finish are in the report too, as interrupted.
      std::set<std::string> done;
      for (const auto& s : report_.scenarios) done.insert(s.id);
      for (const auto& j : jobs_) {
        if (done.contains(j.id)) continue;
        ScenarioResult r = blank(j);
        if (j.scenario) {
          r.reason = "interrupted (SIGINT or SIGTERM) before it finished";
          r.outcome = Outcome::skipped;
        }
        report_.scenarios.push_back(std::move(r));
      }
    }
    try {
      write_atomically(o_.junit, junit_.render(report_));
      if (!o_.report_json.empty()) write_atomically(o_.report_json, results_json(report_, "run"));
    } catch (const std::exception& e) {
      std::cerr << "pop3-harness: cannot write the report: " << e.what() << "\n";
      harness_error_ = true;
    }
  }

  int exit_code() const {
    if (report_.interrupted || harness_error_) return kEnvironment;
    bool env = run_exit_ == kEnvironment, parse = false, fail = run_exit_ == kConformance;
    for (const auto& s : report_.scenarios) {
      env |= s.environment_error;
      parse |= s.parse_error;
      for (const auto& c : s.checks) {
        env |= c.outcome == Outcome::error;
        fail |= c.outcome == Outcome::failed || (o_.strict && c.outcome == Outcome::warning);
      }
    }
    if (env) return kEnvironment;
    if (parse) return kUsage;
    return fail ? kConformance : kPassed;
  }

  const RunOptions& o_;
  std::vector<std::string> paths_;
  asio::io_context ioc_;
  std::unique_ptr<EmbeddedTarget> embedded_;  // stopped and drained in ~RunSession, before ioc_ goes
  std::vector<Job> jobs_;
  std::size_t next_ = 0;
  std::vector<Account> accounts_;
  fs::path client_work_;  // scratch folders of the server role, removed at the end
  Target target_;
  Capabilities caps_;
  // The server's two endpoints, as far as known: plaintext/STLS and implicit TLS.
  std::optional<Endpoint> plain_endpoint_, implicit_endpoint_;
  std::optional<Capabilities> plain_caps_;  // before TLS, for 'connect: plain' scenarios
  std::string plain_error_;
  bool provisioned_ = true;    // every account has --maildir or --reset-cmd
  std::string stop_reason_;    // set once a shared failure ends the run (provisioning, a dead server)
  int run_exit_ = kPassed;     // the preflight's verdict on the run
  std::map<std::string, Fixture> fixtures_;
  RunReport report_;
  JunitWriter junit_;
  std::unique_ptr<Console> console_;
  Redactor redactor_;
  bool harness_error_ = false;
};

}  // namespace

std::string Target::describe() const {
  std::string mode = tls == TlsMode::stls ? " (STLS)" : tls == TlsMode::implicit ? " (implicit TLS)" : "";
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port + mode;
}

int run_command(const RunOptions& options) {
  try {
    return RunSession(options).execute();
  } catch (const std::invalid_argument& e) {
    std::cerr << "pop3-harness: " << e.what() << "\n";
    return kUsage;
  }
}

}  // namespace pop3
