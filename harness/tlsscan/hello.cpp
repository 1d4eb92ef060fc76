#include "tlsscan/hello.hpp"

#include <array>
#include <random>

#include "tlsscan/suites.hpp"

namespace pop3::tlsscan {
namespace {

void u8(std::string& out, unsigned v) { out.push_back(static_cast<char>(v & 0xff)); }
void u16(std::string& out, unsigned v) { u8(out, v >> 8), u8(out, v); }
void u24(std::string& out, unsigned v) { u8(out, v >> 16), u16(out, v); }

// Prefixes body with its length in n octets.
std::string sized(int n, const std::string& body) {
  std::string out;
  if (n == 1) u8(out, static_cast<unsigned>(body.size()));
  if (n == 2) u16(out, static_cast<unsigned>(body.size()));
  if (n == 3) u24(out, static_cast<unsigned>(body.size()));
  return out + body;
}

std::string extension(unsigned type, const std::string& body) {
  std::string out;
  u16(out, type);
  return out + sized(2, body);
}

std::string extensions(const HelloSpec& spec) {
  std::string ext;
  if (!spec.sni.empty()) {
    std::string name;
    u8(name, 0);
    ext += extension(0, sized(2, name + sized(2, spec.sni)));
  }
  std::string groups;
  for (auto g : spec.groups) u16(groups, g);
  if (!groups.empty()) ext += extension(10, sized(2, groups));
  ext += extension(11, sized(1, std::string(1, '\0')));  // ec_point_formats: uncompressed
  std::string algs;
  for (unsigned a : {0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203,
                     0x0201, 0x0402, 0x0502, 0x0602, 0x0202})
    u16(algs, a);
  ext += extension(13, sized(2, algs));
  ext += extension(22, "");                // encrypt_then_mac
  ext += extension(23, "");                // extended_master_secret
  ext += extension(0xff01, sized(1, ""));  // renegotiation_info, initial handshake
  if (spec.version >= kTls13) {
    std::string versions;
    u16(versions, kTls13);
    if (spec.also_tls12) u16(versions, kTls12);
    ext += extension(43, sized(1, versions));              // supported_versions: TLS 1.3 (and 1.2)
    ext += extension(51, sized(2, ""));                    // key_share: empty, so the server names its group
    ext += extension(45, sized(1, std::string(1, '\1')));  // psk_key_exchange_modes: psk_dhe_ke
  }
  return ext;
}

// SHA-256 of "HelloRetryRequest" (RFC 8446 #4.1.3): the random of an HRR.
constexpr unsigned char kRetryRandom[32] = {0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C,
                                            0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB,
                                            0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

// A bounds-checked reader: every take past the end sets ok to false.
struct Reader {
  std::string_view s;
  bool ok = true;
  std::size_t left() const { return s.size(); }
  unsigned take(int n) {
    if (s.size() < static_cast<std::size_t>(n)) return ok = false, s = {}, 0u;
    unsigned v = 0;
    for (int i = 0; i < n; ++i) v = v << 8 | static_cast<unsigned char>(s[i]);
    s.remove_prefix(n);
    return v;
  }
  std::string_view bytes(std::size_t n) {
    if (s.size() < n) return ok = false, s = {}, std::string_view();
    auto out = s.substr(0, n);
    s.remove_prefix(n);
    return out;
  }
  Reader sub(int n) { return Reader{bytes(take(n))}; }
};

bool server_hello(std::string_view body, ServerFlight& f) {
  Reader r{body};
  f.version = static_cast<std::uint16_t>(r.take(2));
  auto random = r.bytes(32);
  bool retry = random == std::string_view(reinterpret_cast<const char*>(kRetryRandom), 32);
  r.bytes(r.take(1));  // session id
  f.suite = static_cast<std::uint16_t>(r.take(2));
  f.compression = static_cast<std::uint8_t>(r.take(1));
  Reader ext = r.left() ? r.sub(2) : Reader{};
  while (ext.ok && ext.left()) {
    unsigned type = ext.take(2);
    Reader data = ext.sub(2);
    if (type == 0xff01) f.renegotiation_info = true;
    if (type == 22) f.encrypt_then_mac = true;
    if (type == 23) f.extended_master_secret = true;
    if (type == 43) f.version = static_cast<std::uint16_t>(data.take(2));
    if (type == 51) f.group = static_cast<std::uint16_t>(data.take(2));
  }
  if (!r.ok || !ext.ok) return false;
  f.status = retry ? ServerFlight::Status::retry : ServerFlight::Status::hello;
  return true;
}

void certificate(std::string_view body, ServerFlight& f) {
  Reader r{body};
  Reader list = r.sub(3);
  auto leaf = list.bytes(list.take(3));
  if (list.ok) f.certificate.assign(leaf);
}

void key_exchange(std::string_view body, ServerFlight& f) {
  Suite s = suite(f.suite);
  Reader r{body};
  if (s.name.find("ECDH") != std::string_view::npos) {
    if (r.take(1) == 3) f.group = static_cast<std::uint16_t>(r.take(2));  // named_curve
  } else if (s.dhe || s.anonymous) {
    auto p = r.bytes(r.take(2));
    std::size_t i = 0;
    while (i < p.size() && p[i] == 0) ++i;
    if (i < p.size()) {
      int bits = static_cast<int>((p.size() - i) * 8);
      for (unsigned char top = static_cast<unsigned char>(p[i]); !(top & 0x80); top <<= 1) --bits;
      f.dh_bits = bits;
    }
  }
}

// Walks the handshake messages; returns false when the stream is malformed.
bool handshake_messages(std::string_view stream, ServerFlight& f) {
  Reader r{stream};
  bool seen_hello = false;
  while (r.left() >= 4) {
    Reader peek = r;
    unsigned type = peek.take(1), length = peek.take(3);
    if (peek.left() < length) return true;  // the rest has not arrived
    r = peek;
    auto body = r.bytes(length);
    if (seen_hello == (type == 2)) return false;  // the ServerHello first, and once
    if (type == 2) {
      seen_hello = true;
      if (!server_hello(body, f)) return false;
      // TLS 1.3 and HRR: everything after is encrypted or a new flight.
      if (f.status == ServerFlight::Status::retry || f.version >= kTls13) return true;
      f.status = ServerFlight::Status::incomplete;  // until ServerHelloDone
    }
    if (type == 11) certificate(body, f);
    if (type == 12) key_exchange(body, f);
    if (type == 14) {
      f.status = ServerFlight::Status::hello;
      return true;
    }
  }
  return true;
}

// SSL 2.0 (RFC 6176 prohibits it): a CLIENT-HELLO with every SSL 2 cipher kind.
std::string ssl2_client_hello() {
  std::string msg;
  u8(msg, 1);        // MSG-CLIENT-HELLO
  u16(msg, 0x0002);  // SSL 2.0
  const unsigned kinds[] = {0x010080, 0x020080, 0x030080, 0x040080, 0x050080, 0x060040, 0x0700c0};
  u16(msg, sizeof kinds / sizeof kinds[0] * 3);
  u16(msg, 0);   // no session id
  u16(msg, 16);  // challenge length
  for (unsigned k : kinds) u24(msg, k);
  for (int i = 0; i < 16; ++i) u8(msg, 0x5a);
  std::string out;
  u8(out, 0x80 | (msg.size() >> 8));
  u8(out, msg.size());
  return out + msg;
}

}  // namespace

std::string version_name(std::uint16_t version) {
  switch (version) {
    case kSsl2:
      return "SSL 2.0";
    case kSsl3:
      return "SSL 3.0";
    case kTls10:
      return "TLS 1.0";
    case kTls11:
      return "TLS 1.1";
    case kTls12:
      return "TLS 1.2";
    case kTls13:
      return "TLS 1.3";
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%04x", version);
  return buf;
}

std::string client_hello(const HelloSpec& spec) {
  if (spec.version == kSsl2) return ssl2_client_hello();
  std::string body;
  u16(body, spec.version >= kTls13 ? kTls12 : spec.version);  // legacy_version (RFC 8446 #4.1.2)
  static std::mt19937 noise{0x9325};                          // the random needs no secrecy: no key is ever derived
  for (int i = 0; i < 32; ++i) u8(body, noise());
  u8(body, 0);  // no session id
  std::string suites;
  for (auto s : spec.suites) u16(suites, s);
  if (spec.version == kSsl3) u16(suites, 0x00FF);  // TLS_EMPTY_RENEGOTIATION_INFO_SCSV: SSL 3.0 has no extensions
  body += sized(2, suites);
  body += spec.offer_deflate ? sized(1, std::string("\1\0", 2)) : sized(1, std::string(1, '\0'));
  if (spec.version > kSsl3) body += sized(2, extensions(spec));
  std::string handshake;
  u8(handshake, 1);
  handshake += sized(3, body);
  std::string record;
  u8(record, 22);
  u16(record, spec.version == kSsl3 ? kSsl3 : kTls10);
  return record + sized(2, handshake);
}

ServerFlight parse_flight(std::string_view bytes) {
  ServerFlight f;
  // An SSL 2 record: a two-octet header with the top bit set, then the
  // message type (4: SERVER-HELLO, 0: ERROR). No TLS record starts so.
  if (!bytes.empty() && (static_cast<unsigned char>(bytes[0]) & 0x80)) {
    if (bytes.size() < 3) return f;
    f.status = bytes[2] == 4 ? ServerFlight::Status::hello : ServerFlight::Status::alert;
    if (bytes[2] == 4) f.version = kSsl2;
    return f;
  }
  std::string stream;
  Reader r{bytes};
  while (r.left() >= 5) {
    Reader peek = r;
    unsigned type = peek.take(1), major = peek.take(1);
    peek.take(1);
    unsigned length = peek.take(2);
    if (type < 20 || type > 24 || major != 3) {
      f.status = ServerFlight::Status::not_tls;
      f.detail = "not a TLS record";
      return f;
    }
    if (peek.left() < length) break;
    r = peek;
    auto fragment = r.bytes(length);
    if (type == 21) {
      f.status = ServerFlight::Status::alert;
      f.alert = fragment.size() >= 2 ? static_cast<std::uint8_t>(fragment[1]) : 0;
      return f;
    }
    if (type == 22)
      stream.append(fragment);
    else if (f.status == ServerFlight::Status::incomplete && stream.empty()) {
      f.status = ServerFlight::Status::malformed;
      f.detail = "a record of type " + std::to_string(type) + " before the ServerHello";
      return f;
    }
  }
  if (!bytes.empty() && bytes.size() < 5 &&
      (static_cast<unsigned char>(bytes[0]) < 20 || static_cast<unsigned char>(bytes[0]) > 24)) {
    f.status = ServerFlight::Status::not_tls;
    f.detail = "not a TLS record";
    return f;
  }
  if (!handshake_messages(stream, f)) {
    f = ServerFlight{};
    f.status = ServerFlight::Status::malformed;
    f.detail = "handshake messages that do not parse";
  }
  return f;
}

}  // namespace pop3::tlsscan
