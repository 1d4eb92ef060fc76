#include "server/client_runner.hpp"

#include "scenario/parser.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "net/tls.hpp"
#include "report/redact.hpp"
#include "server/client_checks.hpp"
#include "server/reference_server.hpp"
#include "store/maildir.hpp"
#include "util/interrupt.hpp"
#include "util/process.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace pop3 {
namespace {

// The scripted server and what it saw. Shared, so that sessions still
// winding down after the client exits never outlive it.
struct ScriptedServer {
  MaildirStore store;
  std::unique_ptr<ReferenceServer> server;
  std::vector<ServerEvent> events;
  std::size_t open = 0;
  std::unique_ptr<asio::steady_timer> all_closed;
};

// The client under test writes {outdir}, so what is read back is bounded: no
// more files than could be right (twice the messages delivered, and some), and
// no more of a file than the longest message delivered plus one octet, which
// is enough to tell that it is longer than any of them.
void read_saved(const fs::path& dir, const std::vector<std::string>& delivered, ClientRun& run) {
  std::size_t longest = 0;
  for (const auto& m : delivered) longest = std::max(longest, m.size());
  const std::size_t max_files = 2 * delivered.size() + 16, max_entries = 100000;
  std::vector<fs::path> files;
  std::size_t entries = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (++entries > max_entries) break;
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.size() > max_files) files.resize(max_files);
  for (const auto& f : files) {
    std::error_code ec;
    auto size = fs::file_size(f, ec);
    std::ifstream in(f, std::ios::binary);
    std::string data(longest + 1, '\0');
    in.read(data.data(), static_cast<std::streamsize>(data.size()));
    data.resize(static_cast<std::size_t>(in.gcount()));
    run.saved_sizes.push_back(ec ? data.size() : size);
    run.saved.push_back(std::move(data));
  }
}

TestCert test_cert(const Scenario& sc, const FaultSet& faults) {
  if (faults.has(Fault::expired_cert) || sc.certificate == "expired") return TestCert::expired;
  if (sc.certificate == "self-signed") return TestCert::self_signed;
  if (sc.certificate == "unknown-ca") return TestCert::unknown_ca;
  if (sc.certificate == "wrong-host") return TestCert::wrong_host;
  if (sc.certificate == "san-not-cn") return TestCert::san_not_cn;
  if (sc.certificate == "upper-case-name") return TestCert::upper_case_name;
  if (sc.certificate == "wildcard-only") return TestCert::wildcard_only;
  if (sc.certificate == "many-names") return TestCert::many_names;
  return TestCert::good;
}

// What the client is told ({tls}): with "tls: stls-offered" the server offers
// STLS and the client is not asked to use it.
std::string client_tls(const Scenario& sc) { return sc.tls == "stls-offered" ? "none" : sc.tls; }

// How long the first answer inside TLS waits when plaintext was injected: a
// client that took the injection for it sends its next command within
// microseconds; one that waits loses this much.
constexpr Duration kHold = std::chrono::milliseconds(1000);

}  // namespace

std::string expand_client_command(const std::string& command, const std::map<std::string, std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < command.size(); ++i) {
    if (command[i] == '{') {
      std::size_t close = command.find('}', i);
      if (close != std::string::npos) {
        auto it = values.find(command.substr(i + 1, close - i - 1));
        if (it != values.end()) {
          out += it->second;
          i = close;
          continue;
        }
      }
    }
    out.push_back(command[i]);
  }
  return out;
}

asio::awaitable<ScenarioResult> run_client_scenario(const Scenario& sc, const Fixture& fx,
                                                    const std::vector<std::vector<std::string>>& deliveries,
                                                    const ClientCommand& client, const fs::path& work) {
  ScenarioResult r = result_for(sc);
  if (r.classname.empty()) r.classname = "client";
  auto started = std::chrono::steady_clock::now();
  auto ex = co_await asio::this_coro::executor;
  auto state = std::make_shared<ScriptedServer>();
  std::string user = "pop3user", pass = "pw" + std::to_string(std::random_device{}() % 1000000000u);
  Redactor redactor = Redactor::for_login(user, pass);
  fs::path maildir = work / "maildir";
  std::string cafile = (work / "ca.pem").string(), outdir = (work / "out").string(),
              statedir = (work / "state").string();
  try {
    fs::remove_all(work);
    fs::create_directories(work / "out");
    fs::create_directories(work / "state");
    write_maildir(maildir, fx.messages);
    state->store.add_account(user, {pass, maildir});
    ServerOptions so;
    so.utf8_lang = false;
    for (const auto& name : sc.faults) so.faults.add(*parse_fault_spec(name));
    if (sc.tls != "none") {
      ServerTls tls = make_test_server_tls(test_cert(sc, so.faults), so.faults.has(Fault::tls_1_0));
      if (sc.tls_versions == "1.2") only_version(*tls.context, TLS1_2_VERSION);
      if (sc.tls_versions == "1.0") only_version(*tls.context, TLS1_VERSION);
      if (sc.tls_ciphers == "recommended") recommended_ciphers_only(*tls.context);
      std::ofstream(cafile) << tls.ca_pem;
      so.tls = tls.context;
      so.implicit_tls = sc.tls == "implicit";
    }
    auto script = std::make_shared<ServerScript>();
    script->greeting = sc.greeting;
    script->overrides = sc.overrides;
    script->inject = sc.inject;
    so.script = script;
    if (sc.inject) so.hold_first_tls_answer = kHold;
    so.io_timeout = so.idle_timeout = client.limit;
    ScriptedServer* raw = state.get();
    so.observe = [raw](const ServerEvent& e) {
      if (e.kind == ServerEvent::Kind::connected) ++raw->open;
      if (e.kind == ServerEvent::Kind::closed && --raw->open == 0 && raw->all_closed) raw->all_closed->cancel();
      raw->events.push_back(e);
    };
    state->server = std::make_unique<ReferenceServer>(ex, state->store, so);
    state->server->start();
  } catch (const std::exception& e) {
    r.environment_error = true;
    r.reason = std::string("cannot start the scripted server: ") + e.what();
    r.outcome = summarize(r);
    co_return r;
  }

  std::string keep = sc.keep ? "yes" : "no";
  std::map<std::string, std::string> values{{"host", sc.host}, {"port", std::to_string(state->server->port())},
                                            {"user", user}, {"pass", pass}, {"tls", client_tls(sc)},
                                            {"cafile", cafile}, {"outdir", outdir}, {"keep", keep},
                                            {"statedir", statedir}};
  std::string command = expand_client_command(client.command, values);
  std::map<std::string, std::string> env{{"POP3_HOST", sc.host}, {"POP3_PORT", values["port"]},
                                         {"POP3_USER", user}, {"POP3_PASS", pass}, {"POP3_TLS", client_tls(sc)},
                                         {"POP3_CAFILE", cafile}, {"POP3_OUTDIR", outdir}, {"POP3_KEEP", keep},
                                         {"POP3_STATEDIR", statedir}};
  std::vector<ClientRun> runs;
  std::vector<std::string> delivered = fx.messages;
  for (int i = 0; i < sc.runs && !r.environment_error; ++i) {
    ClientRun run;
    run.saves_lf = client.saves_lf;
    run.limit_seconds = static_cast<double>(client.limit.count()) / 1000.0;
    try {
      const auto& more = deliveries.at(static_cast<std::size_t>(i));
      if (!more.empty()) add_to_maildir(maildir, more);
      delivered.insert(delivered.end(), more.begin(), more.end());
      ProcessResult p = co_await run_shell(ex, command, env, client.limit);
      if (interrupt::requested()) throw std::runtime_error("interrupted (SIGINT, SIGTERM or SIGHUP)");
      run.timed_out = p.timed_out;
      run.exit_code = p.exit_code;
      run.signal = p.signal;
      run.output = p.output;
    } catch (const std::exception& e) {
      r.environment_error = true;
      r.reason = std::string("cannot run the client command: ") + e.what();
    }
    // The client is gone, so its connections close; and every session of the
    // scripted server times out within the limit in any case. Wait for them,
    // so the verdicts see every event and the next run starts clean.
    if (state->open > 0) {
      state->all_closed = std::make_unique<asio::steady_timer>(ex, client.limit + std::chrono::seconds(5));
      boost::system::error_code ignored;
      co_await state->all_closed->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      state->all_closed.reset();
    }
    run.events = std::move(state->events);
    state->events.clear();
    run.delivered = delivered;
    try {
      read_saved(outdir, delivered, run);
    } catch (const std::exception&) {
    }
    runs.push_back(std::move(run));
  }
  // The server owns its sessions: stop() ends them, and they are gone
  // before the server (and the store they use) is destroyed.
  state->server->stop();
  co_await state->server->wait_idle();
  if (!r.environment_error) {
    r.checks = judge_client_runs(sc, runs, redactor);
    for (const auto& run : runs)
      for (const auto& e : run.events) r.exchanges += e.kind == ServerEvent::Kind::command;
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  r.reason = redactor.apply(r.reason);
  r.outcome = summarize(r);
  co_return r;
}

}  // namespace pop3

namespace pop3 {

asio::awaitable<Preflight> client_preflight(const ClientCommand& client, const fs::path& work) {
  Scenario sc = parse_scenario_text("scenario: the client connects and retrieves a message\nrfc: rfc1939#5\n"
                                    "role: server\nfixture: preflight\n\nexpect: saved all\n",
                                    "(preflight)", "preflight");
  Fixture fx{"preflight", {}, {"Subject: preflight\r\n\r\nThe harness's preflight message.\r\n"}};
  std::vector<std::vector<std::string>> deliveries(1);
  ScenarioResult r = co_await run_client_scenario(sc, fx, deliveries, client, work);
  Preflight p;
  for (const auto& c : r.checks)
    if (c.label == std::string(kConnectsLabel) && c.outcome == Outcome::failed) {
      p.verdict = Preflight::Verdict::unreachable;
      p.message = c.message + ": check --client-cmd";
      p.transcript = c.transcript;
    }
  if (r.environment_error) {
    p.verdict = Preflight::Verdict::tls_setup;
    p.message = r.reason;
  }
  std::error_code ignored;
  fs::remove_all(work, ignored);
  co_return p;
}

}  // namespace pop3
