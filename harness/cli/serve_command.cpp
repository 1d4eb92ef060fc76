#include <openssl/core_names.h>
#include <openssl/evp.h>
#include "cli/serve_command.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <cstdio>
#include <iostream>
#include <optional>

#include "cli/host_port.hpp"
#include "cli/run_options.hpp"
#include "cli/users_file.hpp"
#include "model/faults.hpp"
#include "net/tls.hpp"
#include "report/run_report.hpp"
#include "server/reference_server.hpp"
#include "store/maildir.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace pop3 {
namespace {

unsigned short port_number(const std::string& text, const std::string& option) {
  std::size_t used = 0;
  unsigned long n = 0;
  try {
    n = std::stoul(text, &used);
  } catch (const std::exception&) {
  }
  if (used != text.size() || n > 65535) throw std::invalid_argument(option + ": '" + text + "' is not a port number");
  return static_cast<unsigned short>(n);
}

std::vector<Account> accounts_of(const ServeOptions& o) {
  std::vector<Account> accounts;
  if (!o.users_file.empty()) accounts = read_users_file(o.users_file);
  if (!o.maildir.empty()) {
    if (o.user.empty() || o.pass.empty())
      throw std::invalid_argument("--maildir needs --user and --pass (or POP3_PASS)");
    accounts.push_back({o.user, o.pass, o.maildir, ""});
  }
  if (accounts.empty()) throw std::invalid_argument("serve needs --maildir DIR with --user and --pass, or --users FILE");
  for (const auto& a : accounts)
    if (a.maildir.empty()) throw std::invalid_argument("account '" + a.user + "' has no maildir=DIR");
  return accounts;
}

void print_fault_catalog() {
  std::cout << "Faults for serve --fault NAME (repeatable) and 'fault: NAME' in server-role scenarios:\n";
  for (const auto& f : fault_catalog())
    std::printf("  %-22s %-10s %s\n", std::string(f.name).c_str(), std::string(f.rfc).c_str(),
                std::string(f.description).c_str());
  std::cout << "(the middle column is what the fault breaks; '-' marks legal behaviour a client must cope with)\n";
}

// The faults, accounts and addresses of the options: nothing when they hold,
// else the exit code to end with (--fault help prints the catalog: 0).
std::optional<int> configure(const ServeOptions& o, MaildirStore& store, ServerOptions& plain, ServerOptions& implicit) {
  for (const auto& name : o.faults) {
    if (name == "help") {
      print_fault_catalog();
      return kPassed;
    }
    auto fault = parse_fault_spec(name);
    if (!fault) {
      std::cerr << "pop3-harness serve: unknown fault '" << name << "' (see --fault help)\n";
      return kUsage;
    }
    plain.faults.add(*fault);
    implicit.faults.add(*fault);
  }
  try {
    for (const auto& a : accounts_of(o)) {
      fs::create_directories(a.maildir);
      store.add_account(a.user, {a.pass, a.maildir});
    }
    auto [host, port] = split_host_port(o.listen, "--listen");
    plain.address = host;
    plain.port = port_number(port, "--listen");
    if (!o.tls_listen.empty()) {
      auto [thost, tport] = split_host_port(o.tls_listen, "--tls-listen");
      implicit.address = thost;
      implicit.port = port_number(tport, "--tls-listen");
    }
  } catch (const std::invalid_argument& e) {
    std::cerr << "pop3-harness serve: " << e.what() << "\n";
    return kUsage;
  }
  return std::nullopt;
}

// RFC 9325 faults: what a TLS 1.2 server accepts and prefers.
void apply_cipher_faults(SSL_CTX* ctx, const FaultSet& f) {
  auto tls12_with = [ctx](const char* ciphers) {
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_cipher_list(ctx, ciphers);
    SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  };
  if (f.has(Fault::static_rsa_first)) {
    tls12_with("AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256");
    SSL_CTX_set_options(ctx, SSL_OP_NO_ENCRYPT_THEN_MAC);
  }
  if (f.has(Fault::dhe_1024)) {
    tls12_with("DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256");
    SSL_CTX_set_dh_auto(ctx, 0);
    // RFC 5114's 1024-bit group: a named DH group OpenSSL still knows.
    EVP_PKEY* dh = nullptr;
    if (EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr)) {
      char group[] = "dh_1024_160";
      OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("group", group, 0), OSSL_PARAM_construct_end()};
      if (EVP_PKEY_paramgen_init(pctx) == 1 && EVP_PKEY_CTX_set_params(pctx, params) == 1) EVP_PKEY_paramgen(pctx, &dh);
      EVP_PKEY_CTX_free(pctx);
    }
    if (dh && SSL_CTX_set0_tmp_dh_pkey(ctx, dh) != 1) EVP_PKEY_free(dh);
  }
  if (f.has(Fault::null_cipher)) tls12_with("ECDHE-ECDSA-NULL-SHA:ECDHE-ECDSA-AES128-GCM-SHA256");
  if (f.has(Fault::no_extended_master_secret)) SSL_CTX_set_options(ctx, SSL_OP_NO_EXTENDED_MASTER_SECRET);
  if (f.has(Fault::p384_only)) SSL_CTX_set1_groups_list(ctx, "P-384");
  if (f.has(Fault::small_curve)) {
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set1_groups_list(ctx, "secp192r1:P-256");
    SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  }
}

// The TLS faults that live in the context rather than the session.
void apply_tls_faults(boost::asio::ssl::context& ctx, const FaultSet& f) {
  // RFC 8314 #4.2: a CertificateRequest the server has no use for.
  if (f.has(Fault::request_client_cert))
    SSL_CTX_set_verify(ctx.native_handle(), SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
  // RFC 7525 #4.2 recommends the AES-GCM suites with ECDHE or DHE; these are CBC.
  if (f.has(Fault::cbc_only)) {
    only_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(ctx.native_handle(), "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:"
                                                 "ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384");
  }
  apply_cipher_faults(ctx.native_handle(), f);
}

// The TLS context from --tls-cert/--tls-key or a generated certificate (none
// without either), or the exit code.
std::optional<int> configure_tls(const ServeOptions& o, const ServerOptions& plain, ServerTls& tls) {
  bool legacy = plain.faults.has(Fault::tls_1_0), expired = plain.faults.has(Fault::expired_cert);
  if (expired && o.write_cert.empty()) {
    std::cerr << "pop3-harness serve: --fault expired-cert needs a generated certificate (--write-cert F)\n";
    return kUsage;
  }
  try {
    if (!o.tls_cert.empty()) {
      tls = make_server_tls(o.tls_cert, o.tls_key, legacy);
    } else if (!o.write_cert.empty()) {
      TestCert kind = expired ? TestCert::expired
                      : plain.faults.has(Fault::weak_rsa_cert) ? TestCert::weak_rsa
                      : plain.faults.has(Fault::static_rsa_first) || plain.faults.has(Fault::dhe_1024) ? TestCert::rsa
                                                                                                         : TestCert::good;
      tls = make_test_server_tls(kind, legacy);
      write_atomically(o.write_cert, tls.ca_pem);
    }
  } catch (const std::exception& e) {
    std::cerr << "pop3-harness serve: TLS setup failed: " << e.what() << "\n";
    return kEnvironment;
  }
  if (tls.context) apply_tls_faults(*tls.context, plain.faults);
  if (!o.tls_listen.empty() && !tls.context) {
    std::cerr << "pop3-harness serve: --tls-listen needs --tls-cert/--tls-key or --write-cert\n";
    return kUsage;
  }
  return std::nullopt;
}

// Serves until SIGINT or SIGTERM, then closes every session and waits (a
// bounded time) for their coroutines to end before the servers go away.
int listen_until_signal(MaildirStore& store, const ServerOptions& plain, const std::optional<ServerOptions>& implicit) {
  asio::io_context ioc;
  // Caught before "listening" is said: a signal from whoever waits for it
  // must not find the default action.
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  std::vector<std::unique_ptr<ReferenceServer>> servers;
  try {
    servers.push_back(std::make_unique<ReferenceServer>(ioc.get_executor(), store, plain));
    if (implicit) servers.push_back(std::make_unique<ReferenceServer>(ioc.get_executor(), store, *implicit));
    for (auto& s : servers) s->start();
  } catch (const std::exception& e) {
    std::cerr << "pop3-harness serve: cannot listen: " << e.what() << "\n";
    return kEnvironment;
  }
  std::cout << "listening " << plain.address << ":" << servers[0]->port() << (plain.tls ? " plain+STLS" : " plain")
            << "\n";
  if (implicit) std::cout << "listening " << implicit->address << ":" << servers[1]->port() << " implicit-TLS\n";
  std::cout.flush();

  // A session that does not end within 5 s of being closed is left behind
  // rather than holding the exit.
  asio::steady_timer backstop(ioc);
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (ec) return;
    for (auto& s : servers) s->stop();
    backstop.expires_after(std::chrono::seconds(5));
    backstop.async_wait([&](boost::system::error_code e) {
      if (!e) ioc.stop();
    });
    asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
      for (auto& s : servers) co_await s->wait_idle();
      backstop.cancel();
    }, asio::detached);
  });
  ioc.run();  // until the servers stopped and their sessions ended
  return kPassed;
}

}  // namespace

int serve_command(const ServeOptions& o) {
  MaildirStore store;
  ServerOptions plain, implicit;
  if (auto code = configure(o, store, plain, implicit)) return *code;
  ServerTls tls;
  if (auto code = configure_tls(o, plain, tls)) return *code;
  plain.tls = implicit.tls = tls.context;
  plain.apop = implicit.apop = !o.no_apop;
  plain.idle_timeout = implicit.idle_timeout =
      std::chrono::milliseconds(static_cast<long>(o.idle_timeout_seconds * 1000));
  plain.max_sessions = implicit.max_sessions = o.max_sessions;
  implicit.implicit_tls = true;
  return listen_until_signal(store, plain, o.tls_listen.empty() ? std::nullopt : std::optional(implicit));
}

}  // namespace pop3
