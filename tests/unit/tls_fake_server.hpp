#pragma once
// A TLS server reduced to its first flight, for the scanner's tests: it reads
// the scanner's ClientHello and answers the way a configured server would,
// including the things no modern library can still be made to do (SSL 2 and
// 3, DEFLATE, no renegotiation_info, TLS 1.2 chosen over 1.3).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "tlsscan/hello.hpp"

namespace pop3::test {

struct Offer {
  std::uint16_t version = 0;  // the highest offered (supported_versions wins)
  std::vector<std::uint16_t> versions, suites, groups;
  bool deflate = false;
};

inline unsigned get(const std::string& s, std::size_t at, int n) {
  unsigned v = 0;
  for (int i = 0; i < n; ++i) v = v << 8 | static_cast<unsigned char>(s.at(at + i));
  return v;
}

inline Offer decode(const std::string& hello) {
  Offer o;
  if (static_cast<unsigned char>(hello[0]) & 0x80) return {tlsscan::kSsl2, {tlsscan::kSsl2}, {}, {}, false};
  std::size_t at = 5 + 4;
  o.version = static_cast<std::uint16_t>(get(hello, at, 2));
  at += 2 + 32;
  at += 1 + get(hello, at, 1);
  unsigned n = get(hello, at, 2);
  for (unsigned i = 0; i < n; i += 2) o.suites.push_back(static_cast<std::uint16_t>(get(hello, at + 2 + i, 2)));
  at += 2 + n;
  o.deflate = get(hello, at, 1) == 2;
  at += 1 + get(hello, at, 1);
  if (at >= hello.size()) return o.versions.push_back(o.version), o;  // SSL 3.0: no extensions
  std::size_t end = at + 2 + get(hello, at, 2);
  for (at += 2; at < end;) {
    unsigned type = get(hello, at, 2), len = get(hello, at + 2, 2);
    if (type == 10)
      for (unsigned i = 2; i < len; i += 2) o.groups.push_back(static_cast<std::uint16_t>(get(hello, at + 4 + i, 2)));
    if (type == 43)
      for (unsigned i = 1; i < len; i += 2) o.versions.push_back(static_cast<std::uint16_t>(get(hello, at + 4 + i, 2)));
    at += 4 + len;
  }
  if (o.versions.empty()) o.versions.push_back(o.version);
  o.version = *std::max_element(o.versions.begin(), o.versions.end());
  return o;
}

struct FakeServer {
  std::vector<std::uint16_t> versions{tlsscan::kTls12, tlsscan::kTls13};
  std::vector<std::uint16_t> suites{0xc02b, 0xc02f, 0x1301};  // in the server's order of preference
  std::vector<std::uint16_t> groups{29, 23};
  bool deflate = false, renegotiation_info = true, extended_master_secret = true, encrypt_then_mac = true;
  bool prefer_tls12 = false;  // offered both, choose TLS 1.2
  std::vector<std::uint16_t> broken;  // chosen, then the connection closes (no DH parameters for DHE)
  int dh_bytes = 256;
  int hellos = 0;

  static void put(std::string& s, unsigned v, int n) {
    for (int i = n - 1; i >= 0; --i) s.push_back(static_cast<char>(v >> (8 * i) & 0xff));
  }
  static std::string message(unsigned type, const std::string& body) {
    std::string m;
    put(m, type, 1);
    put(m, static_cast<unsigned>(body.size()), 3);
    return m + body;
  }
  static std::string record(unsigned type, const std::string& body) {
    std::string r;
    put(r, type, 1);
    put(r, 0x0303, 2);
    put(r, static_cast<unsigned>(body.size()), 2);
    return r + body;
  }
  static std::string alert() { return record(21, std::string("\x02\x28", 2)); }

  std::string answer(const std::string& hello) {
    ++hellos;
    Offer o = decode(hello);
    if (o.version == tlsscan::kSsl2)
      return contains(versions, tlsscan::kSsl2) ? std::string("\x80\x10\x04", 3) : std::string();
    std::uint16_t version = 0;
    for (auto v : versions)
      if (contains(o.versions, v) && v > version &&
          !(prefer_tls12 && v == tlsscan::kTls13 && contains(o.versions, tlsscan::kTls12)))
        version = v;
    if (!version) return alert();
    std::uint16_t suite = 0;
    for (auto s : suites)
      if (contains(o.suites, s) && ((s >> 8) == 0x13) == (version == tlsscan::kTls13)) {
        suite = s;
        break;
      }
    std::uint16_t group = 0;
    for (auto g : groups)
      if (contains(o.groups, g)) {
        group = g;
        break;
      }
    if (!suite) return alert();
    if (contains(broken, suite)) return std::string();
    std::string body, ext;
    put(body, version == tlsscan::kTls13 ? tlsscan::kTls12 : version, 2);
    if (version == tlsscan::kTls13) {
      if (!group) return alert();
      // A HelloRetryRequest: the scanner's key_share is always empty.
      const unsigned char retry[32] = {0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C,
                                       0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB,
                                       0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};
      body.append(reinterpret_cast<const char*>(retry), 32);
      put(body, 0, 1);
      put(body, suite, 2);
      put(body, 0, 1);
      put(ext, 43, 2), put(ext, 2, 2), put(ext, tlsscan::kTls13, 2);
      put(ext, 51, 2), put(ext, 2, 2), put(ext, group, 2);
      put(body, static_cast<unsigned>(ext.size()), 2);
      return record(22, message(2, body + ext));
    }
    body.append(32, 'r');
    put(body, 0, 1);
    put(body, suite, 2);
    put(body, deflate && o.deflate ? 1 : 0, 1);
    if (renegotiation_info) put(ext, 0xff01, 2), put(ext, 1, 2), put(ext, 0, 1);
    if (extended_master_secret) put(ext, 23, 2), put(ext, 0, 2);
    if (encrypt_then_mac) put(ext, 22, 2), put(ext, 0, 2);
    if (version > tlsscan::kSsl3) put(body, static_cast<unsigned>(ext.size()), 2), body += ext;
    std::string flight = message(2, body) + message(11, std::string(3, '\0'));
    std::string ske;
    if ((suite >> 8) == 0xc0 || suite == 0xcca9 || suite == 0xcca8) {
      if (!group) return alert();
      put(ske, 3, 1), put(ske, group, 2);
    } else if (suite == 0x009e || suite == 0x0033) {
      put(ske, dh_bytes, 2), ske += std::string(1, '\xff') + std::string(dh_bytes - 1, '\x01');
    }
    if (!ske.empty()) flight += message(12, ske);
    flight += message(14, "");
    return record(22, flight);
  }

  static bool contains(const std::vector<std::uint16_t>& v, std::uint16_t x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  }
};

}  // namespace pop3::test
