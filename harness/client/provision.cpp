#include "client/provision.hpp"

#include <filesystem>
#include <map>

#include "store/maildir.hpp"
#include "util/process.hpp"

namespace pop3 {

boost::asio::awaitable<std::string> provision(boost::asio::any_io_executor ex, const Account& a, const Fixture& f) {
  if (!a.maildir.empty()) {
    try {
      write_maildir(a.maildir, f.messages);
    } catch (const std::exception& e) {
      co_return std::string(e.what());
    }
  }
  if (!a.reset_cmd.empty()) {
    std::map<std::string, std::string> env;
    env.emplace(std::string("POP3_FIXTURE_DIR"), std::filesystem::absolute(f.dir).string());
    env.emplace(std::string("POP3_USER"), a.user);
    auto result = co_await run_shell(ex, a.reset_cmd, env, std::chrono::seconds(60));
    if (result.timed_out) co_return std::string("reset command timed out after 60 s");
    if (result.exit_code != 0)
      co_return std::string("reset command exited with ") +
          (result.signal ? "signal " + std::to_string(result.signal) : std::to_string(result.exit_code)) + ": " +
          result.output.substr(0, 2000);
  }
  co_return std::string{};
}

}  // namespace pop3
