#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "cli/campaign_report.hpp"
#include "cli/interrupt_signals.hpp"
#include "cli/run_setup.hpp"
#include "cli/data_path.hpp"
#include "cli/fuzz_options.hpp"
#include "fuzz/client_campaign.hpp"
#include "net/run_sync.hpp"
#include "net/transcript.hpp"
#include "report/run_report.hpp"
#include "scenario/parser.hpp"
#include "util/escape.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace pop3 {
namespace {

using fuzz::ClientFinding;
using fuzz::Oracle;

// Fuzzing a client (--client-cmd): the harness is the server, each case a
// scripted hostile server the client runs against once.
class ClientFuzzSession {
 public:
  explicit ClientFuzzSession(FuzzOptions& o) : o_(o) {}

  int execute() {
    if (!setup()) return kUsage;
    if (!plan_seed(o_, campaign_seed_, seed_)) return kUsage;
    record_seed(report_.properties, o_.shard, campaign_seed_, seed_);
    report_.properties["client"] = o_.common.client_cmd;
    std::string budget = o_.cases ? std::to_string(*o_.cases) + " cases" : std::to_string(*o_.seconds) + " s";
    report_.properties["budget"] = budget;
    std::printf("fuzz: seed %llu (%sreplay with --seed %llu), %s against the client %s, %u at once, %g s each at most\n",
                static_cast<unsigned long long>(seed_), shard_note(o_.shard, campaign_seed_).c_str(),
                static_cast<unsigned long long>(seed_), budget.c_str(),
                o_.common.client_cmd.c_str(), o_.jobs, o_.common.client_timeout_seconds);
    std::fflush(stdout);
    // As in run: a client command that never connects is said once, and nothing is fuzzed.
    Preflight p = run_sync(ioc_, client_preflight(client_, work_ / "preflight"));
    report_.preflight = preflight_result(p, o_.common.client_cmd);
    if (stop_) {
      report_.interrupted = true;
      std::cout << "interrupted (SIGINT, SIGTERM or SIGHUP) before the first case\n";
      write_preflight_reports(report_, o_.common, "fuzz");
      return kEnvironment;
    }
    if (p.failed()) {
      std::cout << "preflight ERROR " << terminal_text(p.message) << "\n" << terminal_text(p.transcript, true)
                << "nothing fuzzed\n";
      write_preflight_reports(report_, o_.common, "fuzz");
      std::error_code ec;
      fs::remove_all(work_, ec);
      return preflight_exit_code(p);
    }
    fuzz::ClientCampaignOptions co;
    co.seed = seed_;
    co.cases = o_.cases;
    co.seconds = o_.seconds.value_or(10);
    co.jobs = o_.jobs;
    co.minimize_attempts = std::min(o_.minimize_attempts, 8);
    co.client = client_;
    co.fixture = fixture_;
    co.work = work_;
    ProgressLine line;
    fuzz::ClientCampaign campaign(ioc_, co, stop_, [&](const fuzz::ClientCampaignStats& s, std::size_t n, const char* a) {
      line.show(a, s.cases, n);
    });
    fuzz::ClientCampaignResult r = campaign.run();
    line.clear();
    std::error_code ec;
    fs::remove_all(work_, ec);
    return finish(r);
  }

 private:
  bool setup() {
    try {
      if (!o_.cases && !o_.seconds) o_.seconds = 10;
      fs::path dir = find_data_path(o_.fixture);
      if (!fs::is_directory(dir)) {
        std::cerr << "pop3-harness: --fixture " << o_.fixture << " is not a folder of messages\n";
        return false;
      }
      fixture_ = load_fixture(dir, dir.filename().string());
      client_ = ClientCommand{o_.common.client_cmd, o_.common.client_saves == "lf",
                              std::chrono::milliseconds(static_cast<long>(o_.common.client_timeout_seconds * 1000))};
      fs::create_directories(o_.out);
      for (const auto& e : fs::directory_iterator(o_.out))
        if (e.path().extension() == ".pop3" && e.path().filename().string().starts_with("fuzz-client-"))
          fs::remove(e.path());
      work_ = fs::temp_directory_path() / ("pop3-harness-fuzz-client-" + std::to_string(::getpid()));
    } catch (const std::exception& e) {
      std::cerr << "pop3-harness: " << e.what() << "\n";
      return false;
    }
    return true;
  }

  // The scenario file, and beside it the maildrop it needs: `run --client-cmd` replays it.
  std::string write_reproducer(ClientFinding& f, std::size_t n) {
    std::string stem = "fuzz-client-" + std::to_string(n) + "-" + slug(std::string(to_string(f.oracle)) + " " + f.kase.family);
    fs::path fixtures = fs::path(o_.out) / "fixtures";
    std::string fixture_name = fixture_.name;
    if (!f.kase.messages.empty()) {
      fixture_name = stem;
      fs::create_directories(fixtures / stem);
      for (std::size_t i = 0; i < f.kase.messages.size(); ++i) {
        std::string name = (i < 9 ? "0" : "") + std::to_string(i + 1) + ".eml";
        std::ofstream(fixtures / stem / name, std::ios::binary) << f.kase.messages[i];
      }
    } else if (!fs::exists(fixtures / fixture_.name)) {
      fs::create_directories(fixtures);
      fs::copy(fixture_.dir, fixtures / fixture_.name, fs::copy_options::recursive);
    }
    std::vector<std::string> comments = {
        "Found by: pop3-harness fuzz --client-cmd ... --seed " + std::to_string(seed_) + " (case " +
            std::to_string(f.kase.index) + ", " + f.kase.family + ")",
        "Oracle: " + std::string(to_string(f.oracle)) + "; signature: " + f.signature,
        "Minimized from " + std::to_string(f.original_octets) + " to " + std::to_string(f.kase.octets()) +
            " octets of scenario and messages in " + std::to_string(f.attempts) + " replays",
        "Finding: " + f.check + ": " + escape_bytes(f.message, 200),
        "Replay: pop3-harness run THIS_FILE --client-cmd CMD"};
    fs::path file = fs::path(o_.out) / (stem + ".pop3");
    std::string name = "fuzz client " + std::string(to_string(f.oracle)) + " " + f.kase.family;
    write_atomically(file.string(), fuzz::client_case_text(f.kase, name, fixture_name, comments));
    f.file = file.string();
    return f.file;
  }

  // The reproducer, read back as `run` reads it, must fail the same check.
  std::optional<bool> replay(const ClientFinding& f) {
    try {
      fs::path file(f.file);
      Scenario sc = parse_scenario(file, file.stem().string());
      auto path = find_fixture(file.parent_path(), sc.fixture);
      if (!path) throw std::runtime_error("no fixtures/" + sc.fixture + " beside it");
      Fixture fx = load_fixture(*path, sc.fixture);
      std::vector<std::vector<std::string>> deliveries(static_cast<std::size_t>(sc.runs));
      ScenarioResult r = run_sync(ioc_, run_client_scenario(sc, fx, deliveries, client_, work_ / "replay"));
      std::error_code ec;
      fs::remove_all(work_, ec);
      for (const auto& c : r.checks)
        if (fuzz::is_client_finding(c) && c.label == f.check) return true;
      return false;
    } catch (const std::exception& e) {
      std::cerr << "pop3-harness: replay of " << f.file << " failed: " << e.what() << "\n";
      return std::nullopt;
    }
  }

  int finish(fuzz::ClientCampaignResult& r) {
    const auto& s = r.stats;
    report_.seconds = s.seconds;
    report_.interrupted = r.interrupted;
    report_.properties["cases"] = std::to_string(s.cases);
    std::printf("%llu cases (%llu passed, %llu skipped as known hangs) in %.2f s: %.1f cases/s\n",
                static_cast<unsigned long long>(s.cases), static_cast<unsigned long long>(s.passed),
                static_cast<unsigned long long>(s.skipped), s.seconds, s.cases / std::max(s.seconds, 1e-6));
    std::vector<CheckResult> checks;
    std::size_t n = 0;
    for (auto& f : r.findings) {
      std::string file = write_reproducer(f, ++n);
      CheckResult c = campaign_check(std::string(to_string(f.oracle)) + ": " + f.check + " (" + f.kase.family + ")",
                                     f.rfc, Outcome::failed);
      c.message = f.message + " — reproducer: " + file + " (signature " + f.signature + ")";
      c.expected = f.expected;
      c.actual = f.actual;
      c.transcript = f.transcript;
      std::printf("FAIL %s%s%s\n  %s\n  expected: %s\n  actual:   %s\n  reproducer: %s\n", to_string(f.oracle),
                  f.rfc.empty() ? "" : " ", f.rfc.c_str(), terminal_text(c.message).c_str(), terminal_text(f.expected).c_str(),
                  terminal_text(f.actual).c_str(), terminal_text(file).c_str());
      checks.push_back(c);
      auto again = replay(f);
      checks.push_back(replay_check("replay: " + c.label + " fails again under run", f.rfc, file, again,
                                    "the client did not fail the same way again"));
    }
    for (Oracle o : {Oracle::crash, Oracle::hang, Oracle::violation}) {
      if (std::any_of(r.findings.begin(), r.findings.end(), [&](const ClientFinding& f) { return f.oracle == o; }))
        continue;
      std::string what = o == Oracle::crash ? "no crash (no signal, no sanitizer report)"
                         : o == Oracle::hang ? "no hang (every run ended within the client time limit)"
                                             : "no wrong saved data and no malformed command";
      checks.push_back(clean_oracle_check(what, s.cases, seed_, r.interrupted || r.environment_error));
    }
    CampaignEnd end{!r.findings.empty(), r.interrupted, r.environment_error, s.cases};
    return conclude_campaign(report_, o_.common,
                             {"fuzz/client", "hostile server answers: the client neither crashes, hangs nor saves wrong data",
                              "fuzz.client", o_.fixture, "rfc1939"},
                             std::move(checks), end);
  }

  FuzzOptions& o_;
  asio::io_context ioc_;
  std::atomic<bool> stop_{false};
  InterruptSignals signals_{ioc_, stop_};  // from construction: before the first byte
  Fixture fixture_;
  ClientCommand client_;
  fs::path work_;
  RunReport report_;
  std::uint64_t seed_ = 0;           // this shard's (the campaign's, unsharded)
  std::uint64_t campaign_seed_ = 0;  // --seed
};

}  // namespace

int fuzz_client_command(FuzzOptions& options) {
  return run_campaign_command([&] { return ClientFuzzSession(options).execute(); });
}

}  // namespace pop3
