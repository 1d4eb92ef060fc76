#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "cli/campaign_report.hpp"
#include "cli/interrupt_signals.hpp"
#include "cli/campaign_target.hpp"
#include "cli/data_path.hpp"
#include "cli/embedded_target.hpp"
#include "cli/host_port.hpp"
#include "cli/prop_findings.hpp"
#include "cli/prop_options.hpp"
#include "cli/run_setup.hpp"
#include "client/login.hpp"
#include "client/preflight.hpp"
#include "client/provision.hpp"
#include "client/scenario_runner.hpp"
#include "prop/campaign.hpp"
#include "net/run_sync.hpp"
#include "prop/net_server.hpp"
#include "prop/policy_probe.hpp"
#include "report/redact.hpp"
#include "report/results_json.hpp"
#include "report/run_report.hpp"
#include "scenario/parser.hpp"
#include "util/escape.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace pop3 {
namespace {

using prop::CampaignResult;

class PropSession {
 public:
  explicit PropSession(PropOptions& o) : o_(o) {}
  ~PropSession() {
    // The built-in server's sessions are coroutines on ioc_: end them before
    // the store they use goes away.
    if (!embedded_) return;
    embedded_->stop();
    run_until(ioc_, [this] { return embedded_->idle(); }, std::chrono::seconds(5));
    embedded_.reset();
  }

  int execute() {
    auto started = std::chrono::steady_clock::now();
    if (!setup()) return kUsage;
    if (o_.runs < static_cast<int>(o_.shard.n)) {
      std::cerr << "pop3-harness prop: --runs " << o_.runs << " cannot be split into " << o_.shard.n << " shards\n";
      return kUsage;
    }
    o_.runs = static_cast<int>(shard_share(static_cast<std::uint64_t>(o_.runs), o_.shard));
    // Findings of an earlier campaign in --out would pass for this one's.
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(o_.out, ec)) {
      std::string n = e.path().filename().string();
      if (e.path().extension() == ".pop3" && (n.starts_with("must-") || n.starts_with("should-") || n.starts_with("difference-")))
        fs::remove(e.path(), ec);
    }
    std::uint64_t campaign_seed = o_.seed ? *o_.seed : std::random_device{}() * 4294967296ull + std::random_device{}();
    std::uint64_t seed = shard_seed(campaign_seed, o_.shard);
    record_seed(report_.properties, o_.shard, campaign_seed, seed);
    report_.properties["target"] = target_.describe();
    std::optional<oracle::Logins> logins = preflight();
    if (!logins || stop_) return write_preflight_failure(started);
    report_.properties["runs"] = std::to_string(o_.runs);
    report_.properties["max-commands"] = std::to_string(o_.max_commands);
    report_.properties["target"] = target_.describe();
    std::cout << "prop: seed " << seed << " (" << shard_note(o_.shard, campaign_seed) << "replay with --seed " << seed
              << (o_.shard.whole() ? "" : " --runs " + std::to_string(o_.runs)) << "), " << o_.runs << " cases of up to "
              << o_.max_commands << " steps against " << target_.describe()
              << (reference_ ? " and the reference " + reference_target_.describe() : std::string{}) << "\n";

    prop::NetServer target(ioc_, target_, account_, fixture_);
    std::optional<prop::NetServer> reference;
    if (reference_) reference.emplace(ioc_, reference_target_, *reference_, fixture_);
    prop::CaseRunner runner(target, {account_.user, account_.pass}, reference ? &*reference : nullptr,
                            reference_ ? std::optional<prop::Credentials>({reference_->user, reference_->pass})
                                       : std::nullopt);
    runner.set_logins(*logins);
    download_policy(target, runner);
    optional_commands(target, reference ? &*reference : nullptr, runner);
    auto messages = std::make_shared<const std::vector<std::string>>(fixture_.messages);
    bool tty = ::isatty(1);
    auto last = std::chrono::steady_clock::now();
    // A status line on a terminal; into a pipe (a CI log), a line every 5 s.
    auto progress = [&](const CampaignResult& r, bool shrinking) {
      auto now = std::chrono::steady_clock::now();
      if (now - last < (tty ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000))) return;
      last = now;
      double s = std::chrono::duration<double>(now - started).count();
      std::printf("%s  %s %d/%d cases, %zu commands, %.0f cases/s, %.1f s%s", tty ? "\r" : "",
                  shrinking ? "shrinking:" : "cases:", r.cases, o_.runs, r.commands, r.cases / std::max(s, 1e-3), s,
                  tty ? "   " : "\n");
      std::fflush(stdout);
    };
    prop::CampaignOptions co{o_.runs, seed, o_.max_commands};
    CampaignResult r = rounds(runner, messages, co, progress);
    if (tty) std::printf("\r%80s\r", "");
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    report_.seconds = seconds;
    report_.interrupted = r.interrupted;
    return finish(r, seed, seconds);
  }

 private:
  // Before any case, as for run and fuzz: can the target (and the reference)
  // be tested with this account, and by which logins? Nothing when it cannot:
  // preflight_ says why, once.
  std::optional<oracle::Logins> preflight() {
    auto check = [&]() -> asio::awaitable<std::optional<oracle::Logins>> {
      preflight_ = co_await pop3::preflight(target_, &account_);
      if (preflight_.failed()) co_return std::nullopt;
      if (reference_) {
        Preflight ref = co_await pop3::preflight(reference_target_, &*reference_);
        if (ref.failed()) {
          ref.message = "the reference " + reference_target_.describe() + ": " + ref.message;
          preflight_ = ref;
          co_return std::nullopt;
        }
      }
      const std::string& method = preflight_.login_method;
      oracle::Logins logins{method == "user", method == "apop"};
      if (!logins.apop && preflight_.caps.has("APOP")) logins.apop = co_await login_works(target_, account_, "apop");
      if (method.starts_with("stls:") || (!logins.user && !logins.apop)) {
        preflight_.verdict = method.starts_with("stls:") ? Preflight::Verdict::wrong_tls_mode
                                                         : Preflight::Verdict::login_refused;
        preflight_.message = method.starts_with("stls:")
                                 ? "the server offers no login before TLS (its CAPA lists none): run prop with --tls stls"
                                 : "prop logs in with USER/PASS or APOP, and the server takes neither for " +
                                       account_.user + " (it logged in with " + login_label(method) + ")";
        co_return std::nullopt;
      }
      co_return logins;
    };
    auto logins = run_sync(ioc_, check());
    preflight_.message = redactor_.apply(preflight_.message);
    preflight_.transcript = redactor_.apply(preflight_.transcript);
    report_.preflight = preflight_result(preflight_, target_.describe());
    return logins;
  }

  int write_preflight_failure(std::chrono::steady_clock::time_point started) {
    report_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    report_.interrupted = stop_;
    if (stop_) std::cout << "interrupted (SIGINT, SIGTERM or SIGHUP) before the first case\n";
    else
      std::cout << (preflight_.verdict == Preflight::Verdict::violation ? "preflight FAIL " : "preflight ERROR ")
                << terminal_text(preflight_.message) << "\nno case run\n";
    write_preflight_reports(report_, o_.common, "prop");
    return stop_ ? kEnvironment : preflight_exit_code(preflight_);
  }

  bool setup() {
    try {
      auto fixture = campaign_fixture(o_.fixture);
      if (!fixture) return false;
      fixture_ = std::move(*fixture);
      CampaignTarget endpoint;
      std::string why = campaign_target(o_.common, ioc_.get_executor(), "prop", "resets the mailbox before each case", endpoint);
      if (!why.empty()) {
        std::cerr << "pop3-harness: " << why << "\n";
        return false;
      }
      target_ = endpoint.target;
      account_ = endpoint.account;
      embedded_ = std::move(endpoint.embedded);
      if (!o_.reference.empty()) {
        reference_target_ = target_;
        reference_target_.tls = TlsMode::none;
        std::tie(reference_target_.host, reference_target_.port) = split_host_port(o_.reference, "--reference");
        reference_ = Account{o_.reference_user.empty() ? account_.user : o_.reference_user,
                             o_.reference_pass.empty() ? account_.pass : o_.reference_pass, o_.reference_maildir,
                             o_.reference_reset_cmd};
        if (reference_->maildir.empty() && reference_->reset_cmd.empty()) {
          std::cerr << "pop3-harness: --reference needs --reference-maildir DIR or --reference-reset-cmd CMD\n";
          return false;
        }
        redactor_.add_login(reference_->user, reference_->pass);
      }
      redactor_.add_login(account_.user, account_.pass);
      target_.secrets = reference_target_.secrets = redactor_.secrets();
    } catch (const std::invalid_argument& e) {
      std::cerr << "pop3-harness: " << e.what() << "\n";
      return false;
    } catch (const std::exception& e) {
      std::cerr << "pop3-harness: " << e.what() << "\n";
      return false;
    }
    return true;
  }

  // Plays the written counterexample as `run` would; it must fail again.
  std::optional<ScenarioResult> replay(const std::string& file) {
    try {
      Scenario sc = parse_scenario(file, fs::path(file).stem().string());
      auto play = [&]() -> asio::awaitable<ScenarioResult> {
        std::string why = co_await provision(ioc_.get_executor(), account_, fixture_);
        if (!why.empty()) throw std::runtime_error("provisioning failed: " + why);
        // The campaign's last session may still hold the maildrop's lock: an
        // -ERR [IN-USE] must not pass for the -ERR the scenario expects.
        auto until = std::chrono::steady_clock::now() + target_.login_timeout;
        while (!co_await login_works(target_, account_, preflight_.login_method) &&
               std::chrono::steady_clock::now() < until) {
          asio::steady_timer pause(ioc_, std::chrono::milliseconds(50));
          co_await pause.async_wait(asio::use_awaitable);
        }
        co_return co_await run_scenario(sc, fixture_, target_, account_);
      };
      std::optional<ScenarioResult> out = run_sync(ioc_, play());
      return out;
    } catch (const std::exception& e) {
      std::cerr << "pop3-harness: replay of " << file << " failed: " << e.what() << "\n";
      return std::nullopt;
    }
  }

  // RFC 1939 #7 makes UIDL and TOP optional ("Optional POP3 Commands"): a
  // server that answers them with -ERR and does not announce them in CAPA is
  // not failed for leaving them out; the campaign does not generate them.
  // In differential mode both servers must implement one for it to be used.
  void optional_commands(prop::NetServer& target, prop::NetServer* reference, prop::CaseRunner& runner) {
    oracle::OptionalCommands use;
    try {
      if (auto t = prop::implemented_commands(target, {account_.user, account_.pass}, runner.logins())) {
        use.uidl = t->uidl || preflight_.caps.has("UIDL");
        use.top = t->top || preflight_.caps.has("TOP");
      }
      if (reference && reference_)
        if (auto r = prop::implemented_commands(*reference, {reference_->user, reference_->pass}, {})) {
          use.uidl = use.uidl && r->uidl;
          use.top = use.top && r->top;
        }
    } catch (const prop::EnvironmentError&) {
      return;  // the first case's reset says it again, as the campaign's ERROR
    }
    std::string left_out = std::string(use.uidl ? "" : "UIDL ") + (use.top ? "" : "TOP");
    if (!left_out.empty()) {
      while (left_out.back() == ' ') left_out.pop_back();
      report_.properties["not-generated"] = left_out;
      std::cout << left_out << ": answered -ERR and not announced in CAPA" << (reference ? " (by one of the servers)" : "")
                << "; optional (RFC 1939 #7), so not generated\n";
    }
    runner.set_optional_commands(use);
  }

  // RFC 1939 #8 lets a site delete what a session downloaded with RETR, and
  // RFC 2449 #6.7 asks it to announce that with EXPIRE 0: the model follows
  // the server's policy, found out once, instead of failing it.
  void download_policy(prop::NetServer& target, prop::CaseRunner& runner) {
    std::optional<bool> deletes;
    try {
      deletes = prop::deletes_retrieved_at_quit(target, {account_.user, account_.pass}, runner.logins());
    } catch (const prop::EnvironmentError&) {
      return;  // the first case's reset says it again, as the campaign's ERROR
    }
    bool announced = preflight_.caps.has("EXPIRE:0");
    if (!deletes || !*deletes) {
      if (announced) std::cout << "EXPIRE 0 announced; QUIT kept a message retrieved with RETR (allowed: MAY)\n";
      return;
    }
    runner.set_download_and_delete(true);
    report_.properties["download-and-delete"] = announced ? "announced (EXPIRE 0)" : "not announced";
    bool silent = preflight_.caps.capa_supported && !announced;
    CheckResult c = campaign_check("a download-and-delete policy is announced with EXPIRE 0", "rfc2449#6.7",
                                   silent ? Outcome::warning : Outcome::passed, {}, Severity::should);
    c.message = "QUIT removes the messages retrieved with RETR (RFC 1939 #8)" +
                std::string(silent ? ", and CAPA does not list EXPIRE 0 (RFC 2449 #6.7: \"If a site uses any automatic "
                                     "deletion policy, it SHOULD use the EXPIRE capability to announce this\")"
                                   : announced ? ", announced as EXPIRE 0" : " (the server has no CAPA)");
    c.expected = "EXPIRE 0 in CAPA";
    c.actual = preflight_.caps.describe();
    std::cout << (silent ? "WARN rfc2449#6.7 " : "") << "download-and-delete: " << c.message
              << "; the model follows it\n";
    policy_check_ = c;
  }

  CampaignResult rounds(prop::CaseRunner& runner, std::shared_ptr<const std::vector<std::string>> messages,
                        const prop::CampaignOptions& co, const prop::Progress& progress) {
    CampaignResult r = prop::run_campaign_rounds(runner, messages, co, progress, stop_, o_.ignore_differences,
                                                 differences_);
    if (reference_) report_.properties["differences-ignored"] = std::to_string(runner.differences_ignored());
    return r;
  }

  int finish(const CampaignResult& r, std::uint64_t seed, double seconds) {
    ScenarioResult sr;
    sr.id = "prop/model";
    sr.name = "random command sequences agree with the maildrop model";
    sr.file = o_.fixture;
    sr.classname = "prop.model";
    sr.rfc = "rfc1939";
    sr.seconds = seconds;
    sr.exchanges = r.commands;
    std::printf("%d cases (%d passed), %zu commands in %.2f s: %.0f cases/s, %.0f commands/s; provisioning %.2f s, "
                "protocol %.2f s\n",
                r.cases, r.passed, r.commands, seconds, r.cases / std::max(seconds, 1e-6),
                static_cast<double>(r.commands) / std::max(seconds, 1e-6), r.provisioning_seconds, r.protocol_seconds);
    report_.properties["cases"] = std::to_string(r.cases);
    report_.properties["commands"] = std::to_string(r.commands);

    bool env = false, failed = false, warned = false;
    if (r.environment_error) {
      std::string why = redactor_.apply(*r.environment_error);
      std::cerr << "pop3-harness: " << why << "\n";
      sr.environment_error = true;
      sr.reason = why;
      env = true;
    }
    // A stable name (no counts, no seed: they are properties), the numbers in its message.
    CheckResult model = campaign_check("every response as the maildrop model predicts", "rfc1939", Outcome::passed);
    model.message = std::to_string(r.cases) + " cases of up to " + std::to_string(o_.max_commands) + " steps, seed " +
                    std::to_string(seed);
    if (r.interrupted) {
      model.outcome = Outcome::skipped;
      model.message = "interrupted (SIGINT or SIGTERM) after " + std::to_string(r.cases) + " cases";
      env = true;
    } else if (env) {
      model.outcome = Outcome::error;
      model.message = sr.reason;
    }
    PropFindings findings(o_, fixture_, target_, account_.user, redactor_, seed,
                          [this](const std::string& file) { return replay(file); });
    for (const auto& d : differences_) findings.add_failure(sr, model, d.found, failed, warned, d.ignoring);
    if (r.failure && !env)
      findings.add_failure(sr, model, *r.failure, failed, warned, differences_ignoring());
    else
      sr.checks.push_back(model);
    if (policy_check_) {
      sr.checks.push_back(*policy_check_);
      warned |= policy_check_->outcome == Outcome::warning;
    }
    findings.add_observations(sr, r.observations, warned);
    sr.outcome = summarize(sr);
    report_.scenarios.push_back(sr);
    if (!write_reports()) return kEnvironment;
    if (env) return kEnvironment;
    if (failed || (o_.common.strict && warned)) return kConformance;
    std::cout << (warned ? "no MUST failure (SHOULD findings above)\n" : "no failure\n");
    return kPassed;
  }

  bool write_reports() {
    report_.strict = o_.common.strict;  // a SHOULD finding that fails the run is a <failure>
    if (!write_report_files(report_, o_.common, "prop")) return false;
    std::cout << "JUnit report: " << o_.common.junit << "\n";
    return true;
  }

  // The commands set aside when the last round ran.
  std::vector<std::string> differences_ignoring() const {
    std::vector<std::string> all = o_.ignore_differences;
    for (const auto& d : differences_) all.push_back(oracle::difference_key(d.found.trace.back().op.kind));
    return all;
  }

  PropOptions& o_;
  std::vector<prop::Difference> differences_;  // found and set aside, in order
  std::optional<CheckResult> policy_check_;  // the download-and-delete policy, when the server has one
  asio::io_context ioc_;
  std::atomic<bool> stop_{false};
  InterruptSignals signals_{ioc_, stop_};  // from construction: before the first byte
  Fixture fixture_;
  Target target_, reference_target_;
  Account account_;
  std::optional<Account> reference_;
  std::unique_ptr<EmbeddedTarget> embedded_;
  RunReport report_;
  Redactor redactor_;
  Preflight preflight_;
};

}  // namespace

int prop_command(PropOptions& options) {
  return run_campaign_command([&] { return PropSession(options).execute(); });
}

}  // namespace pop3
