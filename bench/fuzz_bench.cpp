// The network fuzzer's speed: the campaign engine (fuzz::Campaign: lanes on
// one io_context, every answer judged against the model, crash and hang
// oracles armed) against a minimal raw-socket loop sending the same cases
// the same way (the same sessions, the same split of cases between them,
// the same deliveries: whole, byte at a time, pipelined, half-closed, on a
// session of their own), reading each answer to its end and judging
// nothing: the limit of this machine and this server. Rounds alternate the
// two, so both see the same load.
//
//   pop3-bench-fuzz HOST PORT USER MAILDIR FIXTURE-DIR DICT [CASES] [ROUNDS] [SESSIONS]
//     (POP3_PASS: the password; the fixture is written to MAILDIR first)
#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/provision.hpp"
#include "fuzz/campaign.hpp"
#include "fuzz/dictionary.hpp"
#include "fuzz/generator.hpp"
#include "fuzz/lane_split.hpp"
#include "fuzz/target_profile.hpp"
#include "net/run_sync.hpp"
#include "raw_socket.hpp"

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace pop3;

namespace {

struct Setup {
  std::string host, port;
  Account account;
  fuzz::TargetProfile profile;
  fuzz::GenContext gen;
  std::uint64_t seed = 1, cases = 3000;
  unsigned sessions = 16, logged_in = 1;
};

struct Round {
  double cases_per_s = 0;
  std::uint64_t sessions = 0, stalls = 0;
};

// One lane of the baseline: the harness's Lane without the judging.
class RawLane {
 public:
  explicit RawLane(const Setup& s) : s_(s) {}

  void run(const fuzz::Case& c) {
    bool sasl = std::any_of(c.units.begin(), c.units.end(), [](const fuzz::Unit& u) { return u.continuation; });
    if (c.delivery == fuzz::Delivery::closing) {
      if (c.phase == fuzz::Phase::transaction && !s_.profile.concurrent_logins) retire(shared_, phase_);
      auto own = open(c.phase);
      if (!own) return;
      std::string bytes;
      for (const auto& u : c.units) bytes += u.bytes;
      if (own->write(bytes + "\r\n")) own->first_line();
      note(*own, c);
      retire(own, c.phase);
      return;
    }
    if (!shared_ || phase_ != c.phase || !shared_->quiet()) {
      retire(shared_, phase_);
      shared_ = open(c.phase);
      phase_ = c.phase;
      if (!shared_) return;
    }
    if (c.delivery == fuzz::Delivery::burst) {
      std::string all;
      for (const auto& u : c.units) all += u.bytes;
      shared_->write(all);
    }
    for (const auto& u : c.units) {
      if (c.delivery == fuzz::Delivery::bytewise) {
        for (char ch : u.bytes) shared_->write(std::string_view(&ch, 1));
      } else if (c.delivery != fuzz::Delivery::burst) {
        shared_->write(u.bytes);
      }
      if (c.delivery == fuzz::Delivery::half_close) shared_->shutdown_send();
      if (!shared_->response(u.multiline_if_ok)) {
        note(*shared_, c);
        retire(shared_, phase_);
        return;
      }
    }
    if (c.delivery == fuzz::Delivery::half_close || sasl) retire(shared_, phase_);
  }
  std::uint64_t sessions() const { return opened_; }
  std::uint64_t stalls() const { return stalls_; }

 private:
  // As the harness's Lane::drop(): a locking server's lock goes with the
  // session, so the next login waits for the server to close it.
  void retire(std::unique_ptr<RawSocket>& sock, fuzz::Phase phase) {
    if (sock && phase == fuzz::Phase::transaction && !s_.profile.concurrent_logins) {
      sock->shutdown_send();
      sock->drain();
    }
    sock.reset();
  }

  // A read that timed out: the baseline waited where the harness would
  // report a hang (against a server the fuzzer passes, it should not).
  void note(const RawSocket& sock, const fuzz::Case& c) {
    if (!sock.stalled()) return;
    if (stalls_++ < 3)
      std::fprintf(stderr, "raw loop: no answer within 2 s to case %llu (%s, %s)\n",
                   static_cast<unsigned long long>(c.index), c.mutation.c_str(), fuzz::to_string(c.delivery));
  }

  std::unique_ptr<RawSocket> open(fuzz::Phase phase) {
    // A server may release its lock only after closing the session: retry
    // its [IN-USE] as the harness does.
    for (int wait_ms = 1; wait_ms < 2000; wait_ms *= 2) {
      ++opened_;
      std::unique_ptr<RawSocket> sock;
      try {
        sock = std::make_unique<RawSocket>(s_.host, s_.port, 2000);
      } catch (const std::exception&) {
        return nullptr;
      }
      if (!sock->response(false)) return nullptr;
      if (phase == fuzz::Phase::authorization) return sock;
      sock->write("USER " + s_.account.user + "\r\n");
      sock->response(false);
      sock->write("PASS " + s_.account.pass + "\r\n");
      auto pass = sock->response(false);
      if (pass && pass->starts_with("+OK")) return sock;
      if (!pass || pass->find("[IN-USE]") == std::string::npos) return nullptr;
      sock.reset();
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    }
    return nullptr;
  }

  const Setup& s_;
  std::unique_ptr<RawSocket> shared_;
  fuzz::Phase phase_ = fuzz::Phase::authorization;
  std::uint64_t opened_ = 0, stalls_ = 0;
};

// The baseline: one thread per session lane, blocking sockets.
Round raw_round(const Setup& s) {
  std::vector<std::uint64_t> opened(s.sessions), stalls(s.sessions);
  auto start = Clock::now();
  std::vector<std::thread> lanes;
  for (unsigned k = 0; k < s.sessions; ++k)
    lanes.emplace_back([&s, &opened, &stalls, k] {
      RawLane lane(s);
      fuzz::LaneSplit split(s.sessions, s.logged_in);
      for (std::uint64_t i = 0; i < s.cases; ++i)
        if (split.next(fuzz::phase_of(s.seed, i, s.gen)) == k) lane.run(fuzz::make_case(s.seed, i, s.gen));
      opened[k] = lane.sessions();
      stalls[k] = lane.stalls();
    });
  for (auto& t : lanes) t.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  Round r{static_cast<double>(s.cases) / seconds, 0, 0};
  for (unsigned k = 0; k < s.sessions; ++k) {
    r.sessions += opened[k];
    r.stalls += stalls[k];
  }
  return r;
}

Round harness_round(const Setup& s, const std::shared_ptr<const std::vector<std::string>>& messages) {
  asio::io_context ioc;
  fuzz::LaneConfig lane;
  lane.target.host = s.host;
  lane.target.port = s.port;
  lane.account = s.account;
  lane.messages = messages;
  lane.apop = s.profile.apop;
  lane.concurrent_logins = s.profile.concurrent_logins;
  fuzz::CampaignOptions o;
  o.seed = s.seed;
  o.cases = s.cases;
  o.sessions = s.sessions;
  o.logged_in_lanes = s.logged_in;
  o.minimize_attempts = 0;
  o.gen = s.gen;
  std::atomic<bool> stop{false};
  fuzz::Campaign campaign(ioc, lane, o, nullptr, stop, nullptr);
  fuzz::CampaignResult r = campaign.run();
  if (r.environment_error) throw std::runtime_error(*r.environment_error);
  if (!r.findings.empty())
    throw std::runtime_error("the campaign found " + std::to_string(r.findings.size()) + " finding(s), first: " +
                             r.findings.front().message + " (a benchmark needs a server the fuzzer passes)");
  return Round{static_cast<double>(r.stats.cases) / r.stats.seconds, r.stats.sessions, 0};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7 || !std::getenv("POP3_PASS")) {
    std::fprintf(stderr,
                 "usage: POP3_PASS=P %s HOST PORT USER MAILDIR FIXTURE-DIR DICT [CASES] [ROUNDS] [SESSIONS]\n", argv[0]);
    return 2;
  }
  Setup s;
  s.host = argv[1];
  s.port = argv[2];
  s.account = Account{argv[3], std::getenv("POP3_PASS"), argv[4], ""};
  if (argc > 7) s.cases = std::strtoull(argv[7], nullptr, 10);
  int rounds = argc > 8 ? std::atoi(argv[8]) : 3;
  if (argc > 9) s.sessions = static_cast<unsigned>(std::atoi(argv[9]));
  try {
    Fixture fixture = load_fixture(argv[5], "basic");
    auto messages = std::make_shared<const std::vector<std::string>>(fixture.messages);
    s.gen.dictionary = fuzz::load_dictionary(argv[6]);
    s.gen.user = s.account.user;
    s.gen.messages = fixture.messages.size();
    Target target;
    target.host = s.host;
    target.port = s.port;
    asio::io_context ioc;
    auto prepare = [&]() -> asio::awaitable<std::string> {
      std::string why = co_await provision(ioc.get_executor(), s.account, fixture);
      if (!why.empty()) co_return "provisioning failed: " + why;
      co_return co_await fuzz::read_target_profile(ioc.get_executor(), target, s.account, s.profile);
    };
    if (std::string why = run_sync(ioc, prepare()); !why.empty()) throw std::runtime_error(why);
    s.gen.apop = s.profile.apop;
    s.gen.pipelining = s.profile.pipelining;
    s.gen.stls_offered = s.profile.stls;
    s.logged_in = fuzz::logged_in_lanes(s.sessions, s.profile);

    std::vector<double> harness, raw;
    std::uint64_t harness_sessions = 0, raw_sessions = 0, raw_stalls = 0;
    for (int i = 0; i < rounds; ++i) {
      Round h = harness_round(s, messages);
      Round r = raw_round(s);
      harness.push_back(h.cases_per_s);
      raw.push_back(r.cases_per_s);
      std::fprintf(stderr, "round %d: harness %.1f cases/s, raw %.1f cases/s\n", i + 1, h.cases_per_s, r.cases_per_s);
      harness_sessions = h.sessions;
      raw_sessions = r.sessions;
      raw_stalls += r.stalls;
    }
    double hm = median(harness), rm = median(raw);
    std::printf("cases %llu, seed %llu, %u sessions (%u logged in), %d rounds interleaved; medians\n",
                static_cast<unsigned long long>(s.cases), static_cast<unsigned long long>(s.seed), s.sessions,
                s.logged_in, rounds);
    std::printf("harness_cases_per_s %.1f\n", hm);
    std::printf("raw_cases_per_s %.1f\n", rm);
    std::printf("ratio_harness_raw %.2f\n", hm / rm);
    std::printf("harness_sessions_per_case %.3f\n", static_cast<double>(harness_sessions) / static_cast<double>(s.cases));
    std::printf("raw_sessions_per_case %.3f\n", static_cast<double>(raw_sessions) / static_cast<double>(s.cases));
    std::printf("raw_stalls %llu\n", static_cast<unsigned long long>(raw_stalls));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pop3-bench-fuzz: %s\n", e.what());
    return 3;
  }
}
