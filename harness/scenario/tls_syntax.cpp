#include "scenario/tls_syntax.hpp"

#include <algorithm>
#include <cctype>

namespace pop3 {
namespace {

bool printable_name(const std::string& s) {
  return !s.empty() && s.size() <= 255 && std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

}  // namespace

bool valid_scan_aspect(const std::string& aspect) {
  std::string_view all = kScanAspects;
  for (std::size_t at = 0; at <= all.size();) {
    std::size_t bar = std::min(all.find('|', at), all.size());
    if (all.substr(at, bar - at) == aspect) return true;
    at = bar + 1;
  }
  return false;
}

bool parse_tls_action(const std::vector<std::string>& w, TlsAction& out, std::string& error, std::size_t& bad) {
  bad = 0;
  if (w.empty()) {
    error = "expected 'tls: handshake ...', 'tls: try ...' or 'tls: certificate chain|hostname|expiry|key|signature' or 'tls: scan ASPECT'";
    return false;
  }
  if (w[0] == "certificate") {
    out.kind = TlsAction::Kind::certificate;
    if (w.size() != 2 || (w[1] != "chain" && w[1] != "hostname" && w[1] != "expiry" && w[1] != "key" &&
                          w[1] != "signature")) {
      bad = w.size() > 1 ? 1 : 0;
      error = "expected 'tls: certificate chain|hostname|expiry|key|signature'";
      return false;
    }
    out.aspect = w[1];
    return true;
  }
  if (w[0] == "scan") {
    out.kind = TlsAction::Kind::scan;
    if (w.size() != 2 || !valid_scan_aspect(w[1])) {
      bad = w.size() > 1 ? 1 : 0;
      error = std::string("expected 'tls: scan ") + kScanAspects + "'";
      return false;
    }
    out.aspect = w[1];
    return true;
  }
  if (w[0] == "handshake") out.kind = TlsAction::Kind::handshake;
  else if (w[0] == "try") out.kind = TlsAction::Kind::attempt;
  else {
    error = "expected 'tls: handshake ...', 'tls: try ...' or 'tls: certificate chain|hostname|expiry|key|signature' or 'tls: scan ASPECT'";
    return false;
  }
  for (std::size_t i = 1; i < w.size(); ++i) {
    const std::string& word = w[i];
    bad = i;
    if (out.kind == TlsAction::Kind::handshake && word == "fails") out.expect = TlsAction::Expect::failure;
    else if (out.kind == TlsAction::Kind::handshake && word == "or-refused") out.expect = TlsAction::Expect::success_or_refusal;
    else if (out.kind == TlsAction::Kind::handshake && word == "hello=malformed") out.malformed_hello = true;
    else if (word.starts_with("version=")) {
      std::string v = word.substr(8);
      if (v == "1.0") out.version = 10;
      else if (v == "1.1") out.version = 11;
      else if (v == "1.2") out.version = 12;
      else if (v == "1.3") out.version = 13;
      else {
        error = "version must be 1.0, 1.1, 1.2 or 1.3";
        return false;
      }
    } else if (word.starts_with("alpn=")) {
      out.alpn = word.substr(5);
      for (std::size_t p = 0; p <= out.alpn.size();) {
        std::size_t q = std::min(out.alpn.find(',', p), out.alpn.size());
        if (q == p || q - p > 255) {
          error = "alpn= takes protocol names separated by commas, e.g. alpn=pop3 or alpn=http/1.1,pop3";
          return false;
        }
        p = q + 1;
      }
    } else if (word.starts_with("ciphers=")) {
      out.ciphers = word.substr(8);
      bool names = !out.ciphers.empty() && std::all_of(out.ciphers.begin(), out.ciphers.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ':' || c == '_' || c == '+' || c == '!';
      });
      if (!names) {
        error = "ciphers= takes OpenSSL cipher names separated by colons, e.g. ciphers=ECDHE-RSA-AES128-GCM-SHA256";
        return false;
      }
    } else if (word.starts_with("sni=")) {
      std::string name = word.substr(4);
      if (name != "none" && !printable_name(name)) {
        error = "sni= takes a host name, or none";
        return false;
      }
      out.sni = name == "none" ? "" : name;
    } else {
      error = out.kind == TlsAction::Kind::handshake
                  ? "expected fails, or-refused, version=, ciphers=, alpn=, sni= or hello=malformed after 'tls: handshake'"
                  : "expected version=, ciphers=, alpn= or sni= after 'tls: try'";
      return false;
    }
  }
  if (out.malformed_hello && out.expect != TlsAction::Expect::failure) {
    error = "hello=malformed needs 'fails': a broken ClientHello cannot succeed";
    return false;
  }
  return true;
}

bool valid_probe(const std::vector<std::string>& w, std::string& error) {
  bool count_ok = w.size() == 2 && w[1].size() <= 4 && !w[1].empty() &&
                  std::all_of(w[1].begin(), w[1].end(), [](char c) { return c >= '0' && c <= '9'; }) && w[1] != "0";
  if ((w.size() == 1 && (w[0] == "plaintext-login" || w[0] == "http-request")) ||
      (!w.empty() && w[0] == "invalid-commands" && count_ok))
    return true;
  error = "expected 'probe: plaintext-login', 'probe: invalid-commands N' (1-9999) or 'probe: http-request'";
  return false;
}

}  // namespace pop3
