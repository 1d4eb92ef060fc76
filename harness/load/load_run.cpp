#include "load/load_run.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

namespace pop3::load {
namespace asio = boost::asio;
namespace {

using Clock = std::chrono::steady_clock;

std::string ms(std::uint64_t micros) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", static_cast<double>(micros) / 1000.0);
  return b;
}

// Who decides when the run is over, and wakes the drain when the last session ends.
struct Pace {
  const LoadPlan& plan;
  const std::atomic<bool>& interrupted;
  Clock::time_point start = Clock::now();
  std::uint64_t started = 0;
  std::size_t running = 0;  // client loops and sessions in flight
  asio::steady_timer* drained = nullptr;

  bool over() const {
    if (interrupted) return true;
    if (plan.sessions) return started >= *plan.sessions;
    return Clock::now() - start >= std::chrono::duration<double>(plan.seconds);
  }
  void done() {
    if (--running == 0 && drained) drained->cancel();
  }
};

asio::awaitable<void> client_loop(LoadContext& ctx, Pace& pace, std::size_t index) {
  std::mt19937_64 rng(pace.plan.seed + index);
  while (!pace.over()) {
    ++pace.started;
    co_await run_session(ctx, index % ctx.accounts.size(), rng);
  }
  pace.done();
}

asio::awaitable<void> one_session(LoadContext& ctx, Pace& pace, std::size_t account, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  co_await run_session(ctx, account, rng);
  pace.done();
}

// Open loop: a session every 1/rate seconds, on time; an arrival with every
// client busy is counted as missed rather than queued.
asio::awaitable<void> arrivals(LoadContext& ctx, Pace& pace) {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer timer(ex);
  auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / *pace.plan.rate));
  auto next = Clock::now();
  while (!pace.over()) {
    if (ctx.stats.open >= pace.plan.clients) {
      ++ctx.stats.arrivals_missed;
    } else {
      std::uint64_t n = pace.started++;
      ++pace.running;
      asio::co_spawn(ex, one_session(ctx, pace, n % ctx.accounts.size(), pace.plan.seed + n), asio::detached);
    }
    next += period;
    timer.expires_at(next);
    co_await timer.async_wait(asio::use_awaitable);
  }
  pace.done();
}

void print_second(const LoadContext& ctx, int second, std::uint64_t& last_sessions, std::uint64_t& last_commands,
                  std::FILE* out) {
  std::uint64_t errors = 0, broken = 0;
  for (const auto& [k, n] : ctx.stats.errors) errors += n;
  for (const auto& [k, b] : ctx.stats.broken) broken += b.count;
  auto login = ctx.stats.latency.find("login");
  std::fprintf(out, "%4ds  sessions %llu (%llu/s)  commands %llu (%llu/s)  open %llu  login %s  errors %llu  violations %llu\n",
               second, static_cast<unsigned long long>(ctx.stats.sessions),
               static_cast<unsigned long long>(ctx.stats.sessions - last_sessions),
               static_cast<unsigned long long>(ctx.stats.commands),
               static_cast<unsigned long long>(ctx.stats.commands - last_commands),
               static_cast<unsigned long long>(ctx.stats.open),
               login == ctx.stats.latency.end() ? "-" : percentiles(login->second).c_str(),
               static_cast<unsigned long long>(errors), static_cast<unsigned long long>(broken));
  std::fflush(out);
  last_sessions = ctx.stats.sessions;
  last_commands = ctx.stats.commands;
}

}  // namespace

std::string percentiles(const Histogram& h) {
  if (h.count() == 0) return "-";
  return ms(h.percentile(0.5)) + "/" + ms(h.percentile(0.95)) + "/" + ms(h.percentile(0.99)) + "/" + ms(h.max()) + " ms";
}

asio::awaitable<void> run_load(LoadContext& ctx, const LoadPlan& plan, const std::atomic<bool>& interrupted,
                               std::FILE* out) {
  auto ex = co_await asio::this_coro::executor;
  ctx.stop = &interrupted;
  Pace pace{plan, interrupted};
  asio::steady_timer drained(ex);
  pace.drained = &drained;
  if (plan.rate) {
    pace.running = 1;
    asio::co_spawn(ex, arrivals(ctx, pace), asio::detached);
  } else {
    pace.running = plan.clients;
    for (std::size_t i = 0; i < plan.clients; ++i) asio::co_spawn(ex, client_loop(ctx, pace, i), asio::detached);
  }
  // One coroutine waits for the last session and prints a line each second:
  // nothing outlives this frame.
  auto next = Clock::now() + std::chrono::seconds(1);
  std::uint64_t last_sessions = 0, last_commands = 0;
  int second = 0;
  while (pace.running > 0) {
    drained.expires_at(next);
    boost::system::error_code ec;
    co_await drained.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (Clock::now() < next) continue;
    next += std::chrono::seconds(1);
    if (plan.live && pace.running > 0) print_second(ctx, ++second, last_sessions, last_commands, out);
  }
}

}  // namespace pop3::load
