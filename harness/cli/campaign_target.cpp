#include "cli/campaign_target.hpp"

#include "cli/run_setup.hpp"

#include <filesystem>
#include <iostream>

#include "cli/data_path.hpp"
#include "cli/host_port.hpp"
#include "net/tls.hpp"

namespace pop3 {

std::string campaign_target(const RunOptions& c, boost::asio::any_io_executor ex, const std::string& command,
                            const std::string& reset_reason, CampaignTarget& out) {
  if (!c.tls_target.empty())
    return command + " tests one endpoint: give it as --target (with --tls implicit for RFC 8314)";
  Target& t = out.target;
  t = target_from_options(c);  // timeouts, TLS mode, --max-response: as run has them
  ClientTlsOptions tls{c.cafile, c.insecure, {}};
  if (c.target.empty()) {
    out.embedded = std::make_unique<EmbeddedTarget>(ex, 1);
    out.account = out.embedded->accounts().front();
    t.port = std::to_string(t.tls == TlsMode::implicit ? out.embedded->implicit_port() : out.embedded->plain_port());
    tls.extra_ca_pem = out.embedded->ca_pem();
  } else {
    std::tie(t.host, t.port) = split_host_port(c.target, "--target");
    if (c.user.empty()) return "--target needs --user and --pass (or POP3_PASS)";
    if (c.maildir.empty() && c.reset_cmd.empty())
      return command + " " + reset_reason + ": give --maildir DIR or --reset-cmd CMD";
    out.account = {c.user, c.pass, c.maildir, c.reset_cmd};
  }
  if (t.tls != TlsMode::none) t.tls_context = make_client_tls(tls);
  t.trust = tls;
  return {};
}

std::optional<Fixture> campaign_fixture(const std::string& option) {
  std::filesystem::path dir = find_data_path(option);
  if (!std::filesystem::is_directory(dir)) {
    std::cerr << "pop3-harness: --fixture " << option << " is not a folder of messages\n";
    return std::nullopt;
  }
  Fixture fixture;
  try {
    fixture = load_fixture(dir, dir.filename().string());
  } catch (const std::exception& e) {
    std::cerr << "pop3-harness: the fixture " << option << ": " << e.what() << "\n";
    return std::nullopt;
  }
  if (fixture.messages.empty()) {
    std::cerr << "pop3-harness: the fixture " << option << " has no messages\n";
    return std::nullopt;
  }
  return fixture;
}

}  // namespace pop3
