#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fnmatch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>

#include "cli/embedded_target.hpp"
#include "cli/host_port.hpp"
#include "cli/run_options.hpp"
#include "cli/users_file.hpp"
#include "client/provision.hpp"
#include "client/scenario_runner.hpp"
#include "net/tls.hpp"
#include "report/console.hpp"
#include "report/redact.hpp"
#include "report/results_json.hpp"
#include "report/run_report.hpp"
#include "scenario/parser.hpp"
#include "server/client_runner.hpp"
#include "server/reference_server.hpp"
#include "store/maildir.hpp"
#include "util/process.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace pop3 {
namespace {

struct Job {
  fs::path file;
  std::string id;
  std::optional<Scenario> scenario;
  std::string parse_error;
};

// Scenario files under the paths, skipping include/ and fixtures/ folders, and
// the server-role suites (clients/) unless a client is under test.
std::vector<Job> discover(const std::vector<std::string>& paths, const std::string& filter, bool clients) {
  std::vector<Job> jobs;
  for (const auto& p : paths) {
    fs::path root(p);
    if (!fs::exists(root)) throw std::invalid_argument("no such file or folder: " + p);
    fs::path base = fs::is_directory(root) ? root.parent_path() : root.parent_path();
    if (fs::is_directory(root) && root.filename().empty()) base = root.parent_path().parent_path();
    if (base.empty()) base = ".";  // a file or folder named relative to the current one
    std::vector<fs::path> files;
    if (fs::is_regular_file(root)) files.push_back(root);
    else {
      for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
        std::string name = it->path().filename().string();
        if (it->is_directory() && (name == "include" || name == "fixtures" || (name == "clients" && !clients))) {
          it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file() && it->path().extension() == ".pop3") files.push_back(it->path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::string id = fs::relative(f, base).replace_extension().generic_string();
      if (!filter.empty() && fnmatch(filter.c_str(), id.c_str(), 0) != 0) continue;
      jobs.push_back({f, id, std::nullopt, {}});
    }
  }
  return jobs;
}

std::string corpus_version(const std::vector<std::string>& paths) {
  for (const auto& p : paths)
    for (fs::path dir = fs::absolute(p); ; dir = dir.parent_path()) {
      if (fs::exists(dir / "VERSION") && fs::exists(dir / "fixtures")) {
        std::ifstream in(dir / "VERSION");
        std::string v;
        std::getline(in, v);
        return v;
      }
      if (dir == dir.parent_path()) break;
    }
  return "unversioned";
}

class RunSession {
 public:
  RunSession(const RunOptions& o) : o_(o) {}
  ~RunSession() {
    std::error_code ignored;
    if (!client_work_.empty()) fs::remove_all(client_work_, ignored);
  }

  int execute() {
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::string> paths = o_.paths.empty() ? std::vector<std::string>{"scenarios/rfc1939"} : o_.paths;
    try {
      jobs_ = discover(paths, o_.filter, client_mode());
    } catch (const std::exception& e) {
      std::cerr << "pop3-harness: " << e.what() << "\n";
      return kUsage;
    }
    if (jobs_.empty()) {
      std::cerr << "pop3-harness: no scenario files found" << (o_.filter.empty() ? "" : " matching the filter") << "\n";
      return kUsage;
    }
    if (o_.seed) {
      std::mt19937_64 rng(*o_.seed);
      std::shuffle(jobs_.begin(), jobs_.end(), rng);
      std::cout << "seed " << *o_.seed << ": scenario order shuffled\n";
    }
    report_.properties["corpus.version"] = corpus_version(paths);
    if (o_.seed) report_.properties["seed"] = std::to_string(*o_.seed);

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
    try {
      if (!setup()) return kUsage;
    } catch (const std::invalid_argument& e) {
      std::cerr << "pop3-harness: " << e.what() << "\n";
      return kUsage;
    } catch (const std::exception& e) {
      // A bad --cafile, an unusable certificate: no scenario can run, and
      // CI still gets a report that says why.
      std::string why = std::string("harness setup failed: ") + e.what();
      std::cerr << "pop3-harness: " << why << "\n";
      console_ = std::make_unique<Console>(stdout, jobs_.size(), o_.color);
      fail_all(why);
      return finish_run(started);
    }
    std::string against = client_mode() ? "the client '" + o_.client_cmd + "'" : target_.describe();
    report_.properties["target"] = against;
    std::cout << "pop3-harness: " << jobs_.size() << " scenarios against " << against << " with " << accounts_.size()
              << " job" << (accounts_.size() > 1 ? "s" : "") << "\n";

    console_ = std::make_unique<Console>(stdout, jobs_.size(), o_.color);
    asio::signal_set signals(ioc_, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int) {
      if (ec) return;
      report_.interrupted = true;
      ioc_.stop();
    });
    asio::co_spawn(ioc_, main_loop(signals), [&](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          std::cerr << "pop3-harness: " << ex.what() << "\n";
          harness_error_ = true;
        }
      }
    });
    ioc_.run();
    return finish_run(started);
  }

 private:
  bool client_mode() const { return !o_.client_cmd.empty(); }

  bool setup() {
    if (client_mode()) {
      // One worker per job; each scenario starts its own scripted server.
      for (unsigned i = 0; i < std::max(1u, o_.jobs); ++i) accounts_.push_back({"worker" + std::to_string(i + 1), "", "", ""});
      client_work_ = fs::temp_directory_path() / ("pop3-harness-clients-" + std::to_string(::getpid()));
      return true;
    }
    target_.read_timeout = target_.connect_timeout =
        std::chrono::milliseconds(static_cast<long>(o_.timeout_seconds * 1000));
    target_.tls = o_.tls == "stls" ? TlsMode::stls : o_.tls == "implicit" ? TlsMode::implicit : TlsMode::none;
    ClientTlsOptions tls{o_.cafile, o_.insecure, {}};
    if (o_.target.empty()) {
      embedded_ = std::make_unique<EmbeddedTarget>(ioc_.get_executor(), std::max(1u, o_.jobs));
      accounts_ = embedded_->accounts();
      plain_endpoint_ = {target_.host, std::to_string(embedded_->plain_port())};
      implicit_endpoint_ = {target_.host, std::to_string(embedded_->implicit_port())};
      target_.port = target_.tls == TlsMode::implicit ? implicit_endpoint_->second : plain_endpoint_->second;
      tls.extra_ca_pem = embedded_->ca_pem();
      if (o_.cafile.empty()) tls.insecure = o_.insecure;
    } else {
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
        std::cerr << "pop3-harness: --jobs " << o_.jobs << " but only " << accounts_.size()
                  << " account(s): running " << accounts_.size() << " at a time\n";
    }
    if (target_.tls != TlsMode::none) target_.tls_context = make_client_tls(tls);
    target_.trust = tls;
    for (const auto& a : accounts_) redactor_.add_secret(a.pass);
    return true;
  }

  asio::awaitable<void> main_loop(asio::signal_set& signals) {
    if (!client_mode() && !co_await probe()) {
      stop(signals);
      co_return;
    }
    auto ex = co_await asio::this_coro::executor;
    auto running = std::make_shared<std::size_t>(accounts_.size());
    for (const auto& account : accounts_)
      asio::co_spawn(ex, worker(account), [this, running, &signals](std::exception_ptr e) {
        if (e) harness_error_ = true;
        if (--*running == 0) stop(signals);
      });
  }

  // Asks the target for its capabilities; when it is unusable (unreachable,
  // failed TLS), every scenario gets the error.
  asio::awaitable<bool> probe() {
    try {
      caps_ = co_await probe_capabilities(target_);
    } catch (const std::exception& e) {
      std::string why = std::string("target ") + target_.describe() + " unusable: " + redactor_.apply(e.what());
      std::cerr << "pop3-harness: " << why << "\n";
      fail_all(why);
      co_return false;
    }
    std::string list = describe(caps_);
    std::cout << "capabilities: " << list << "\n";
    report_.properties["capabilities"] = list;
    // 'connect: plain' scenarios need what the plaintext endpoint offers before TLS.
    bool wants_plain = std::any_of(jobs_.begin(), jobs_.end(),
                                   [](const Job& j) { return j.scenario && j.scenario->connect == "plain"; });
    if (wants_plain && plain_endpoint_) {
      if (target_.tls == TlsMode::none) plain_caps_ = caps_;
      else {
        try {
          plain_caps_ = co_await probe_capabilities(endpoint(*plain_endpoint_));
          std::cout << "capabilities before TLS: " << describe(*plain_caps_) << "\n";
        } catch (const std::exception& e) {
          plain_error_ = "the plaintext endpoint is unusable: " + redactor_.apply(e.what());
        }
      }
    }
    co_return true;
  }

  static std::string describe(const Capabilities& caps) {
    std::string list;
    for (const auto& t : caps.tags) list += (list.empty() ? "" : " ") + t;
    return caps.capa_supported ? list : "(CAPA not supported)";
  }

  // The target reached at another endpoint, in plaintext: the scenario does its own TLS.
  Target endpoint(const std::pair<std::string, std::string>& host_port) const {
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

  // Every scenario gets the same environment error (unreachable target, failed TLS setup).
  void fail_all(const std::string& why) {
    for (auto& j : jobs_) {
      ScenarioResult r = blank(j);
      if (j.scenario) {
        r.environment_error = true;
        r.reason = why;
      }
      r.outcome = summarize(r);
      finish(std::move(r));
    }
  }

  ScenarioResult blank(const Job& j) {
    ScenarioResult r;
    r.id = j.id;
    r.file = j.file.string();
    if (j.scenario) {
      r = result_for(*j.scenario);
      r.id = j.id;
      r.file = j.file.string();
    } else {
      r.name = j.id;
      r.parse_error = true;
      r.reason = j.parse_error;
    }
    r.outcome = summarize(r);
    return r;
  }

  asio::awaitable<void> worker(Account account) {
    while (next_ < jobs_.size()) {
      const Job& job = jobs_[next_++];
      ScenarioResult r = blank(job);
      if (job.scenario) r = co_await play(job, account, r);
      finish(std::move(r));
    }
  }

  asio::awaitable<ScenarioResult> play(const Job& job, const Account& account, ScenarioResult r) {
    const Scenario& sc = *job.scenario;
    Target target = target_;
    const Capabilities* caps = &caps_;
    if (sc.connect == "plain") {
      if (!plain_endpoint_) {
        r.reason = "needs the plaintext/STLS endpoint; with --tls implicit, --target is the implicit-TLS one";
        r.outcome = Outcome::skipped;
        co_return r;
      }
      if (!plain_error_.empty()) {
        r.environment_error = true;
        r.reason = plain_error_;
        r.outcome = Outcome::error;
        co_return r;
      }
      target = endpoint(*plain_endpoint_);
      if (plain_caps_) caps = &*plain_caps_;
    } else if (sc.connect == "implicit") {
      if (!implicit_endpoint_) {
        r.reason = "needs the implicit-TLS endpoint (RFC 8314): give --tls-target HOST:PORT";
        r.outcome = Outcome::skipped;
        co_return r;
      }
      target = endpoint(*implicit_endpoint_);
    }
    for (const auto& cap : sc.requires_caps) {
      if (!caps->has(cap)) {
        r.reason = "server does not advertise " + cap + (caps->capa_supported ? "" : " (no CAPA)");
        r.outcome = Outcome::skipped;
        co_return r;
      }
    }
    const Fixture* fixture = nullptr;
    std::vector<std::vector<std::string>> deliveries(static_cast<std::size_t>(sc.runs));
    try {
      fixture = &load(sc.fixture, job.file);
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
    if (client_mode()) {
      ClientCommand client{o_.client_cmd, o_.client_saves == "lf",
                           std::chrono::milliseconds(static_cast<long>(o_.client_timeout_seconds * 1000))};
      std::string slot = job.id;
      std::replace(slot.begin(), slot.end(), '/', '_');
      ScenarioResult played = co_await run_client_scenario(sc, *fixture, deliveries, client, client_work_ / slot);
      played.file = job.file.string();
      co_return played;
    }
    if (std::string why = co_await provision(ioc_.get_executor(), account, *fixture); !why.empty()) {
      r.environment_error = true;
      r.reason = "provisioning failed: " + why;
      r.outcome = Outcome::error;
      co_return r;
    }
    ScenarioResult played = co_await run_scenario(sc, *fixture, target, account);
    played.classname = sc.group;
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
    r.reason = redactor_.apply(r.reason);
    report_.scenarios.push_back(std::move(r));
    console_->scenario_done(report_.scenarios.back(), report_.scenarios.size());
    write_report();  // after every scenario: a killed run keeps what it did
  }

  void write_report() {
    RunReport out = report_;
    if (report_.interrupted) {
      std::set<std::string> done;
      for (const auto& s : report_.scenarios) done.insert(s.id);
      for (const auto& j : jobs_) {
        if (done.contains(j.id)) continue;
        ScenarioResult r = blank(j);
        if (j.scenario) {
          r.reason = "interrupted (SIGINT or SIGTERM) before it finished";
          r.outcome = summarize(r);
        }
        out.scenarios.push_back(std::move(r));
      }
    }
    try {
      write_atomically(o_.junit, junit_xml(out));
      if (!o_.report_json.empty()) write_atomically(o_.report_json, results_json(out, "run"));
    } catch (const std::exception& e) {
      std::cerr << "pop3-harness: cannot write the report: " << e.what() << "\n";
      harness_error_ = true;
    }
  }

  int exit_code() const {
    if (report_.interrupted || harness_error_) return kEnvironment;
    bool env = false, parse = false, fail = false;
    for (const auto& s : report_.scenarios) {
      env |= s.environment_error;
      parse |= s.parse_error;
      for (const auto& c : s.checks)
        fail |= c.outcome == Outcome::failed || c.outcome == Outcome::error ||
                (o_.strict && c.outcome == Outcome::warning);
    }
    if (env) return kEnvironment;
    if (parse) return kUsage;
    return fail ? kConformance : kPassed;
  }

  const RunOptions& o_;
  asio::io_context ioc_;
  std::vector<Job> jobs_;
  std::size_t next_ = 0;
  std::vector<Account> accounts_;
  fs::path client_work_;  // scratch folders of the server role, removed at the end
  Target target_;
  Capabilities caps_;
  // The server's two endpoints, as far as known: plaintext/STLS and implicit TLS.
  std::optional<std::pair<std::string, std::string>> plain_endpoint_, implicit_endpoint_;
  std::optional<Capabilities> plain_caps_;  // before TLS, for 'connect: plain' scenarios
  std::string plain_error_;
  std::unique_ptr<EmbeddedTarget> embedded_;
  std::map<std::string, Fixture> fixtures_;
  RunReport report_;
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
