// pop3-harness load: simulated clients on one io_context against a server,
// every session's view checked against its account's model; reports as the
// other subcommands do (JUnit, results JSON) plus the statistics as JSON.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <stdlib.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <random>

#include "cli/campaign_report.hpp"
#include "cli/campaign_target.hpp"
#include "cli/embedded_target.hpp"
#include "cli/host_port.hpp"
#include "cli/interrupt_signals.hpp"
#include "cli/load_options.hpp"
#include "cli/run_setup.hpp"
#include "cli/users_file.hpp"
#include "client/login.hpp"
#include "client/preflight.hpp"
#include "client/provision.hpp"
#include "load/content.hpp"
#include "load/load_report.hpp"
#include "load/load_run.hpp"
#include "net/run_sync.hpp"
#include "net/tls.hpp"
#include "report/redact.hpp"
#include "util/escape.hpp"
#include "util/process.hpp"
#include "version.hpp"

namespace pop3 {
namespace {

namespace asio = boost::asio;

// A command's output without the line end it finishes with.
std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

// The accounts the load logs in to, from --users, --user-pattern or --user;
// an empty list after saying why.
std::vector<Account> load_accounts(const LoadOptions& o) {
  const RunOptions& c = o.common;
  if (!o.users_file.empty()) return read_users_file(o.users_file);
  if (!o.user_pattern.empty()) {
    auto at = o.user_pattern.find("{n}");
    if (at == std::string::npos) throw std::invalid_argument("--user-pattern needs {n}, e.g. 'load{n}'");
    if (o.users_count == 0) throw std::invalid_argument("--user-pattern needs --users-count N");
    std::vector<Account> out;
    for (unsigned i = 1; i <= o.users_count; ++i) {
      std::string user = o.user_pattern;
      user.replace(at, 3, std::to_string(i));
      out.push_back({user, c.pass, "", ""});
    }
    return out;
  }
  if (c.user.empty()) throw std::invalid_argument("--target needs --user and --pass, --users FILE or --user-pattern");
  return {{c.user, c.pass, c.maildir, c.reset_cmd}};
}

// Shard K/N's accounts: the K-th, then every N-th (a stable partition: the
// shards together load every account, each once).
std::vector<Account> shard_of(std::vector<Account> all, Shard shard) {
  std::vector<Account> out;
  for (std::size_t i = shard.k - 1; i < all.size(); i += shard.n) out.push_back(std::move(all[i]));
  return out;
}

// Every client needs a descriptor, and the built-in server one more per
// session it serves: raise the soft limit as far as allowed.
bool enough_descriptors(std::size_t clients, bool embedded) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return true;
  rlim_t want = static_cast<rlim_t>(clients) * (embedded ? 2 : 1) + 64;
  if (lim.rlim_cur >= want) return true;
  lim.rlim_cur = std::min(want, lim.rlim_max);
  setrlimit(RLIMIT_NOFILE, &lim);
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur >= want) return true;
  std::cerr << "pop3-harness load: " << clients << " clients need " << want << " file descriptors; the limit is "
            << lim.rlim_cur << " (hard " << lim.rlim_max << "): raise it (ulimit -n) or lower --clients"
            << (embedded ? " (the built-in server's sessions count too: a --target of its own halves the need)" : "")
            << "\n";
  return false;
}

class LoadCommand {
 public:
  explicit LoadCommand(LoadOptions& o) : o_(o) {}
  ~LoadCommand() {
    std::error_code ignored;
    if (!ctx_.deliver_dir.empty()) std::filesystem::remove_all(ctx_.deliver_dir, ignored);
  }

  int run() {
    if (int code = setup(); code >= 0) return code;
    if (int code = provision_all(); code >= 0) return code;
    Target checked = target_;
    checked.secrets = redactor_.secrets();
    Preflight p = run_sync(ioc_, preflight(checked, &ctx_.accounts.front()));
    p.message = redactor_.apply(p.message);
    p.transcript = redactor_.apply(p.transcript);
    if (!p.failed()) check_login_method(p, checked);
    if (p.failed()) {
      std::cerr << "pop3-harness load: " << p.message << "\n";
      report_.preflight = preflight_result(p, target_.describe());
      write_preflight_reports(report_, o_.common, "load");
      return preflight_exit_code(p);
    }
    return play();
  }

 private:
  int setup();
  void check_login_method(Preflight& p, const Target& checked);
  // How the accounts log in, for the first line.
  std::string logins() const {
    for (const auto& a : ctx_.accounts)
      if (!a.login.empty() && a.login != ctx_.login_method)
        return std::string(login_label(ctx_.login_method)) + ", login= of --users for some";
    return login_label(ctx_.login_method);
  }
  int provision_all();  // an exit code, or -1 when every writable maildrop has the fixture
  int try_delivery();
  bool read_profile();
  int play();
  asio::awaitable<bool> run_all_sessions() {
    co_await load::run_load(ctx_, plan_, stop_, stdout);
    co_return true;
  }

  LoadOptions& o_;
  asio::io_context ioc_;
  std::atomic<bool> stop_{false};
  InterruptSignals signals_{ioc_, stop_};
  Target target_;
  std::unique_ptr<EmbeddedTarget> embedded_;
  load::LoadContext ctx_;
  load::LoadPlan plan_;
  std::uint64_t campaign_seed_ = 0;
  Redactor redactor_;
  RunReport report_;
};

int LoadCommand::setup() {
  const RunOptions& c = o_.common;
  try {
    if (c.target.empty()) {
      // The built-in server, one account per client unless told otherwise.
      unsigned n = o_.users_count ? o_.users_count : static_cast<unsigned>(std::min<std::size_t>(o_.clients, 1000));
      embedded_ = std::make_unique<EmbeddedTarget>(ioc_.get_executor(), n);
      ctx_.accounts = embedded_->accounts();
      target_ = target_from_options(c);
      target_.port = std::to_string(target_.tls == TlsMode::implicit ? embedded_->implicit_port() : embedded_->plain_port());
      ClientTlsOptions tls{c.cafile, c.insecure, embedded_->ca_pem()};
      if (target_.tls != TlsMode::none) target_.tls_context = make_client_tls(tls);
    } else {
      target_ = target_from_options(c);
      std::tie(target_.host, target_.port) = split_host_port(c.target, "--target");
      ctx_.accounts = load_accounts(o_);
      ClientTlsOptions tls{c.cafile, c.insecure, {}};
      if (target_.tls != TlsMode::none) target_.tls_context = make_client_tls(tls);
    }
  } catch (const std::exception& e) {
    std::cerr << "pop3-harness load: " << e.what() << "\n";
    return kUsage;
  }
  if (!o_.shard.whole()) {
    if (embedded_) {
      std::cerr << "pop3-harness load: --shard splits the accounts of one --target server among machines; the "
                   "built-in server lives in this process\n";
      return kUsage;
    }
    std::size_t all = ctx_.accounts.size();
    ctx_.accounts = shard_of(std::move(ctx_.accounts), o_.shard);
    if (ctx_.accounts.empty()) {
      std::cerr << "pop3-harness load: shard " << o_.shard.text() << " has no account: there are only " << all
                << "\n";
      return kUsage;
    }
  }
  if (ctx_.accounts.empty()) {
    std::cerr << "pop3-harness load: no accounts\n";
    return kUsage;
  }
  if (!enough_descriptors(o_.clients, embedded_ != nullptr)) return kEnvironment;
  std::set<std::string> passwords;
  for (const auto& a : ctx_.accounts)
    if (passwords.insert(a.pass).second) redactor_.add_login(a.user, a.pass);
  // Not scrubbed from every byte as run does: with thousands of accounts
  // that would cost more than the load. The sessions record PASS as "PASS
  // ***", and the few transcripts a report keeps are scrubbed as they are kept.
  ctx_.redactor = &redactor_;
  ctx_.target = &target_;
  ctx_.models.resize(ctx_.accounts.size());
  ctx_.retrieved.resize(ctx_.accounts.size());
  ctx_.contents.resize(ctx_.accounts.size());
  ctx_.holders.resize(ctx_.accounts.size());
  if (!read_profile()) return kUsage;
  plan_.clients = o_.clients;
  plan_.seconds = o_.duration;
  plan_.sessions = o_.sessions;
  plan_.rate = o_.rate;
  campaign_seed_ = o_.seed ? *o_.seed : std::random_device{}();
  plan_.seed = shard_seed(campaign_seed_, o_.shard);
  return -1;
}

// --profile: a built-in name, or a file read as load/profile.hpp says.
bool LoadCommand::read_profile() {
  if (auto builtin = load::builtin_profile(o_.profile)) {
    ctx_.profile = *builtin;
    return true;
  }
  std::ifstream in(o_.profile, std::ios::binary);
  if (!in) {
    std::cerr << "pop3-harness load: --profile " << o_.profile
              << " is neither leave-on-server, download, mixed nor a file that can be read\n";
    return false;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  load::ProfileOrError p = load::parse_profile(text, o_.profile);
  if (!p.profile) {
    std::cerr << "pop3-harness load: " << terminal_text(p.error) << "\n";
    return false;
  }
  ctx_.profile = *p.profile;
  return true;
}

// The login the accounts use: --login, else what the preflight found the
// server offers. An account's own login= (or --login) that the server does
// not take for the first account is a setup mistake, said before any load.
void LoadCommand::check_login_method(Preflight& p, const Target& checked) {
  if (p.login_method.starts_with("stls:")) {
    p.verdict = Preflight::Verdict::login_refused;
    p.message = "the server offers no login before TLS: load it with --tls stls";
    return;
  }
  ctx_.login_method = o_.login.empty() ? p.login_method : o_.login;
  const Account& first = ctx_.accounts.front();
  std::string method = first.login.empty() ? ctx_.login_method : first.login;
  if (method == p.login_method || run_sync(ioc_, login_works(checked, first, method))) return;
  p.verdict = Preflight::Verdict::login_refused;
  p.message = redactor_.apply(std::string("the server does not take ") + login_label(method) + " for " + first.user +
                              (first.login.empty() ? " (--login)" : " (login= in --users)") + "; it takes " +
                              login_label(p.login_method));
}

// The fixture into every maildrop the harness may write (the built-in
// server's, or an account's maildir= / reset= in --users); the others are
// loaded as they are.
int LoadCommand::provision_all() {
  auto writable = [](const Account& a) { return !a.maildir.empty() || !a.reset_cmd.empty(); };
  if (o_.deliver.empty() && std::none_of(ctx_.accounts.begin(), ctx_.accounts.end(), writable)) return -1;
  std::optional<Fixture> fixture = campaign_fixture(o_.fixture);
  if (!fixture) return kUsage;
  ctx_.delivery = fixture->messages;
  for (const auto& m : ctx_.delivery) ctx_.bodies.insert(load::body_digest(m));
  for (const auto& a : ctx_.accounts) {
    if (!writable(a)) continue;
    std::string why = run_sync(ioc_, provision(ioc_.get_executor(), a, *fixture));
    if (!why.empty()) {
      std::cerr << "pop3-harness load: cannot provision " << a.user << ": " << redactor_.apply(why) << "\n";
      return kEnvironment;
    }
  }
  return o_.deliver.empty() ? -1 : try_delivery();
}

// --deliver: a folder for the messages it reads, and one delivery to the
// first account before the load, so that a command that cannot deliver is
// said once, before any verdict, rather than counted thousands of times.
int LoadCommand::try_delivery() {
  // mkdtemp: a name no other user of /tmp can have prepared.
  std::string tmpl = (std::filesystem::temp_directory_path() / "pop3-harness-deliver-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) {
    std::cerr << "pop3-harness load: cannot make a folder for --deliver in " << tmpl << "\n";
    return kEnvironment;
  }
  ctx_.deliver_cmd = o_.deliver;
  ctx_.deliver_dir = tmpl;
  std::string file = ctx_.deliver_dir + "/first.eml";
  std::ofstream(file, std::ios::binary) << ctx_.delivery.front();
  const Account& first = ctx_.accounts.front();
  ProcessResult r = run_sync(ioc_, run_shell(ioc_.get_executor(), o_.deliver,
                                             {{"POP3_USER", first.user}, {"POP3_MESSAGE_FILE", file}},
                                             std::chrono::seconds(60)));
  if (!r.timed_out && r.exit_code == 0) return -1;
  std::cerr << "pop3-harness load: --deliver cannot deliver to " << first.user << ": "
            << (r.timed_out ? std::string("no end within 60 s") : "exit " + std::to_string(r.exit_code)) << "\n"
            << terminal_text(trimmed(redactor_.apply(r.output))) << "\n";
  return kEnvironment;
}

int LoadCommand::play() {
  std::printf("pop3-harness %s: load against %s, %zu clients, %zu accounts (%s), profile %s, %sseed %llu, %s\n",
              kVersion, target_.describe().c_str(), plan_.clients, ctx_.accounts.size(),
              logins().c_str(), o_.profile.c_str(), (o_.shard.whole() ? std::string()
                                 : "shard " + o_.shard.text() + " of the load with --seed " +
                                       std::to_string(campaign_seed_) + "; ").c_str(),
              static_cast<unsigned long long>(plan_.seed),
              plan_.sessions ? (std::to_string(*plan_.sessions) + " sessions").c_str()
                             : (std::to_string(static_cast<long long>(plan_.seconds)) + " s").c_str());
  auto started = std::chrono::steady_clock::now();
  run_sync(ioc_, run_all_sessions());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  load::print_summary(stdout, ctx_.stats, seconds);
  if (!ctx_.delivery_failure.empty())
    std::cerr << "pop3-harness load: " << ctx_.stats.errors["delivery"] << " deliveries failed (not verdicts); the first: "
              << terminal_text(trimmed(redactor_.apply(ctx_.delivery_failure))) << "\n";
  report_.properties["target"] = target_.describe();
  record_seed(report_.properties, o_.shard, campaign_seed_, plan_.seed);
  report_.properties["load.profile"] = o_.profile;
  report_.properties["load.clients"] = std::to_string(plan_.clients);
  report_.properties["load.sessions"] = std::to_string(ctx_.stats.sessions);
  report_.seconds = seconds;
  report_.interrupted = stop_;
  load::add_invariant_results(report_, ctx_.stats);
  bool written = write_report_files(report_, o_.common, "load");
  if (!o_.stats_json.empty()) {
    try {
      write_atomically(o_.stats_json, load::stats_json(ctx_.stats, seconds));
    } catch (const std::exception& e) {
      std::cerr << "pop3-harness load: cannot write " << o_.stats_json << ": " << e.what() << "\n";
      written = false;
    }
  }
  std::cout << "JUnit report: " << o_.common.junit << "\n";
  if (embedded_) embedded_->stop();
  if (stop_ || !written) return kEnvironment;
  if (!ctx_.stats.broken.empty()) return kConformance;
  if (ctx_.stats.listed == 0) {
    std::cerr << "pop3-harness load: no session logged in and listed the maildrop: nothing was judged\n";
    return kEnvironment;
  }
  return kPassed;
}

}  // namespace

int load_command(LoadOptions& options) { return LoadCommand(options).run(); }

}  // namespace pop3
