#include "load/delivery.hpp"

#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "store/maildir.hpp"
#include "util/process.hpp"

namespace pop3::load {
namespace {

// The next message of the run: a fixture message under a header of its own.
std::string next_message(LoadContext& ctx) {
  std::uint64_t number = ctx.delivered++;
  return "X-Pop3-Harness-Load: " + std::to_string(number) + "\r\n" + ctx.delivery[number % ctx.delivery.size()];
}

}  // namespace

void deliver_to_maildir(LoadContext& ctx, std::size_t account, std::size_t n) {
  const Account& a = ctx.accounts[account];
  if (n == 0 || ctx.delivery.empty() || a.maildir.empty()) return;
  std::uint64_t first = ctx.delivered;
  std::vector<std::string> mail;
  for (std::size_t i = 0; i < n; ++i) mail.push_back(next_message(ctx));
  try {
    // Numbered after the fixture's, never twice in a run.
    deliver_numbered(a.maildir, mail, 1000000 + first);
  } catch (const std::exception&) {
    ++ctx.stats.errors["delivery"];
    return;
  }
  ctx.models[account].delivered(n);
  ctx.stats.delivered += n;
}

boost::asio::awaitable<void> deliver_by_command(LoadContext& ctx, std::size_t account, std::size_t n) {
  if (ctx.delivery.empty()) co_return;
  // An interrupt ends the run: no new delivery starts (one running ends
  // within its own 60 s at most).
  for (; n > 0 && !(ctx.stop && ctx.stop->load()); --n) {
    std::string file = ctx.deliver_dir + "/" + std::to_string(ctx.delivered) + ".eml";
    std::ofstream(file, std::ios::binary) << next_message(ctx);
    // Allowed for before it runs: the message may show before the command ends.
    ctx.models[account].delivered(1);
    auto ex = co_await boost::asio::this_coro::executor;
    std::map<std::string, std::string> env;  // named: GCC 12 cannot take a braced map in a co_await
    env.emplace(std::string("POP3_USER"), ctx.accounts[account].user);
    env.emplace(std::string("POP3_MESSAGE_FILE"), file);
    ProcessResult r = co_await run_shell(ex, ctx.deliver_cmd, env, std::chrono::seconds(60));
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
    if (!r.timed_out && r.exit_code == 0) {
      ++ctx.stats.delivered;
      continue;
    }
    ctx.models[account].delivery_failed(1);
    ++ctx.stats.errors["delivery"];
    if (ctx.delivery_failure.empty())
      ctx.delivery_failure =
          (r.timed_out ? std::string("no end within 60 s") : "exit " + std::to_string(r.exit_code)) + ": " + r.output;
  }
}

}  // namespace pop3::load
