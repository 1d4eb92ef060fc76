// The TLS scanner: cipher suites read from their names, the ClientHello it
// sends, the server flights it reads, and the enumeration, against a fake
// server (tls_fake_server.hpp) that can be what OpenSSL no longer can.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "net/run_sync.hpp"
#include "tls_fake_server.hpp"
#include "tlsscan/scan.hpp"
#include "tlsscan/suites.hpp"

namespace pop3 {
namespace {

using namespace tlsscan;
using test::FakeServer;

boost::asio::awaitable<ServerFlight> ask(FakeServer* server, std::string hello) {
  co_return parse_flight(server->answer(hello));
}

ScanResult scan_of(FakeServer& server) {
  boost::asio::io_context ioc;
  Probe probe = [&server](std::string hello) { return ask(&server, std::move(hello)); };
  return run_sync(ioc, scan(probe, "localhost"));
}

TEST(CipherSuites, AreReadFromTheirNames) {
  Suite s = classify(0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
  EXPECT_TRUE(s.static_rsa && s.under_128 && s.cbc);
  EXPECT_FALSE(s.export_grade || s.forward_secret || s.null_cipher);
  Suite e = classify(0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  EXPECT_TRUE(e.forward_secret);
  EXPECT_FALSE(e.cbc || e.static_rsa || e.under_128 || e.dhe);
  Suite x = classify(0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5");
  EXPECT_TRUE(x.export_grade && x.rc4 && x.static_rsa);
  Suite a = classify(0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA");
  EXPECT_TRUE(a.anonymous);
  EXPECT_FALSE(a.static_dh || a.forward_secret);
  Suite n = classify(0xc001, "TLS_ECDH_ECDSA_WITH_NULL_SHA");
  EXPECT_TRUE(n.null_cipher && n.static_dh);
  EXPECT_TRUE(classify(0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA").export_grade);
  EXPECT_TRUE(classify(0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256").dhe);
  EXPECT_TRUE(classify(0x1301, "TLS_AES_128_GCM_SHA256").tls13);
  EXPECT_EQ(suite(0xc02f).name, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  EXPECT_EQ(suite(0xfefe).name, "unknown");
  EXPECT_GT(all_suites().size(), 200u);
}

TEST(ServerFlight, NeedsTheWholeFlightAndNeverReadsPastTheBytes) {
  FakeServer server;
  HelloSpec spec{kTls12, {0xc02b}, {29}, {}, false};
  std::string flight = server.answer(client_hello(spec));
  for (std::size_t n = 0; n < flight.size(); ++n)
    EXPECT_EQ(parse_flight(std::string_view(flight).substr(0, n)).status, ServerFlight::Status::incomplete) << n;
  ServerFlight f = parse_flight(flight);
  EXPECT_EQ(f.status, ServerFlight::Status::hello);
  EXPECT_EQ(f.suite, 0xc02b);
  EXPECT_EQ(f.group, 29);
  EXPECT_TRUE(f.renegotiation_info && f.extended_master_secret && f.encrypt_then_mac);
}

TEST(ServerFlight, TellsPlaintextAlertsAndGarbageApart) {
  EXPECT_EQ(parse_flight("+OK POP3 ready\r\n").status, ServerFlight::Status::not_tls);
  EXPECT_EQ(parse_flight(FakeServer::alert()).status, ServerFlight::Status::alert);
  EXPECT_EQ(parse_flight(FakeServer::record(22, std::string("\x0b\x00\x00\x00", 4))).status,
            ServerFlight::Status::malformed);  // a Certificate before any ServerHello
  EXPECT_EQ(parse_flight(FakeServer::record(22, std::string("\x02\x00\x00\x02\x03\x03", 6))).status,
            ServerFlight::Status::malformed);  // a ServerHello cut short inside its length
}

TEST(ServerFlight, ReadsTheDhePrimeSize) {
  FakeServer server;
  server.suites = {0x009e};
  server.dh_bytes = 128;
  HelloSpec spec{kTls12, {0x009e}, {}, {}, false};
  EXPECT_EQ(parse_flight(server.answer(client_hello(spec))).dh_bits, 1024);
}

TEST(TlsScan, EnumeratesWhatAModernServerAccepts) {
  FakeServer server;
  ScanResult r = scan_of(server);
  EXPECT_EQ(r.versions, (std::vector<std::uint16_t>{kTls12, kTls13}));
  EXPECT_EQ(r.suites[kTls12], (std::vector<std::uint16_t>{0xc02b, 0xc02f}));
  EXPECT_EQ(r.suites[kTls13], (std::vector<std::uint16_t>{0x1301}));
  EXPECT_EQ(r.groups13, (std::vector<std::uint16_t>{29, 23}));
  EXPECT_EQ(r.curves12, (std::vector<std::uint16_t>{29, 23}));
  EXPECT_FALSE(r.ssl2 || r.deflate || r.version_over_13 || r.chose_over_fs || r.chose_over_recommended);
  EXPECT_TRUE(r.no_renegotiation_info.empty() && r.no_extended_master_secret.empty() && r.cbc_without_etm.empty());
  EXPECT_EQ(r.probes, server.hellos);
  EXPECT_LT(r.probes, 30);
}

TEST(TlsScan, FindsLegacyVersionsAndWhatModernLibrariesDropped) {
  FakeServer server;
  server.versions = {kSsl2, kSsl3, kTls12};
  server.suites = {0x0004, 0x000a, 0xc02f};
  server.deflate = true;
  server.renegotiation_info = server.extended_master_secret = server.encrypt_then_mac = false;
  ScanResult r = scan_of(server);
  EXPECT_TRUE(r.ssl2);
  EXPECT_EQ(r.suites[kSsl3], (std::vector<std::uint16_t>{0x0004, 0x000a}));  // TLS 1.2's AEAD suite is not SSL 3's
  EXPECT_TRUE(r.deflate);
  EXPECT_EQ(r.no_renegotiation_info, (std::vector<std::uint16_t>{kSsl3, kTls12}));
  EXPECT_EQ(r.no_extended_master_secret, (std::vector<std::uint16_t>{kTls12}));
  EXPECT_EQ(r.cbc_without_etm, (std::vector<std::uint16_t>{0x000a}));
  ASSERT_TRUE(r.chose_over_fs);
  EXPECT_EQ(*r.chose_over_fs, 0x0004);
  ASSERT_TRUE(r.chose_over_recommended);
  EXPECT_NE(describe(r).find("TLS_RSA_WITH_RC4_128_MD5 [RC4: MUST NOT"), std::string::npos);
}

TEST(TlsScan, ASuiteTheServerCannotCompleteHidesNoOther) {
  // Dovecot without ssl_dh chooses DHE when the client lists it first, then
  // closes the connection: the rest must still be found.
  FakeServer server;
  server.suites = {0x009e, 0x0033, 0xc02f, 0x002f};
  server.broken = {0x009e, 0x0033};
  ScanResult r = scan_of(server);
  EXPECT_EQ(r.suites[kTls12], (std::vector<std::uint16_t>{0xc02f, 0x002f}));
  EXPECT_LT(r.probes, 60);
}

TEST(TlsScan, SeesTls12ChosenOverTls13) {
  FakeServer server;
  server.prefer_tls12 = true;
  ScanResult r = scan_of(server);
  ASSERT_TRUE(r.version_over_13);
  EXPECT_EQ(*r.version_over_13, kTls12);
}

TEST(TlsScan, EndsAgainstAServerThatAcceptsAnything) {
  // Whatever is offered is "accepted": the loops are bounded by what is offered.
  FakeServer server;
  server.versions = {kSsl3, kTls10, kTls11, kTls12, kTls13};
  server.suites.clear();
  for (const Suite& s : all_suites()) server.suites.push_back(s.id);
  server.groups.clear();
  for (const Group& g : all_groups()) server.groups.push_back(g.id);
  ScanResult r = scan_of(server);
  EXPECT_EQ(r.versions.size(), 5u);
  EXPECT_LT(r.probes, 2000);
}

}  // namespace
}  // namespace pop3
