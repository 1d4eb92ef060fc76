// Server bytes into the response reader. The first octet chooses which
// responses are expected multi-line and how the rest is cut into TCP
// segments; however it is cut, the reader must yield the same responses and
// the same error as when it gets everything at once, and each response must
// hold only what its limits allow.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "codec/response_reader.hpp"

namespace {

struct Outcome {
  std::vector<pop3::Response> responses;
  pop3::ResponseReader::Error error = pop3::ResponseReader::Error::none;
};

bool same(const pop3::Response& a, const pop3::Response& b) {
  if (a.status_line != b.status_line || a.parsed.has_value() != b.parsed.has_value() || a.multiline != b.multiline ||
      a.body.text() != b.body.text() || a.body.lines() != b.body.lines() || a.body.held() != b.body.held() ||
      a.body.size() != b.body.size() || a.body.sha256() != b.body.sha256())
    return false;
  for (std::size_t i = 0; i < a.body.lines(); ++i)
    if (a.body.wire_line(i) != b.body.wire_line(i)) return false;
  return true;
}

// Small limits, so inputs the fuzzer can reach exercise them: a body of more
// than 256 octets is streamed (hashed, not held), one over 2048 refused.
constexpr pop3::ResponseReader::Limits kLimits{64, 80, 512, 256, 2048};

Outcome read_all(std::uint8_t shape, std::string_view bytes, std::size_t segment) {
  Outcome out;
  pop3::ResponseReader reader(kLimits);
  std::size_t n = 0;
  reader.expect(shape & 1);
  std::size_t pos = 0;
  while (true) {
    if (pos < bytes.size()) {
      std::size_t len = segment == 0 ? bytes.size() - pos : std::min(segment, bytes.size() - pos);
      reader.feed(bytes.substr(pos, len));
      pos += len;
    }
    while (auto r = reader.next()) {
      out.responses.push_back(*r);
      ++n;
      reader.expect((shape >> (n % 8)) & 1);
    }
    if (reader.error() != pop3::ResponseReader::Error::none || pos >= bytes.size()) break;
  }
  out.error = reader.error();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  std::uint8_t shape = data[0];
  std::size_t segment = 1 + data[1] % 7;
  std::string_view bytes(reinterpret_cast<const char*>(data + 2), size - 2);
  Outcome whole = read_all(shape, bytes, 0);
  Outcome cut = read_all(shape, bytes, segment);
  if (whole.error != cut.error || whole.responses.size() != cut.responses.size()) std::abort();
  for (std::size_t i = 0; i < whole.responses.size(); ++i) {
    const auto& r = whole.responses[i];
    if (!same(r, cut.responses[i])) std::abort();
    if (r.status_line.size() + 2 > kLimits.status_line || r.body.footprint() > kLimits.body) std::abort();
    if (r.body.size() > kLimits.stream || (r.body.held() && r.body.size() > kLimits.hold)) std::abort();
    if (r.body.held() && r.body.text().size() != r.body.size()) std::abort();
    // A body follows "+OK" only (or a malformed lower-case "+ok", whose body is still framed).
    if (r.multiline && r.parsed && r.parsed->status != pop3::Status::ok) std::abort();
    if (r.status_line.find('\n') != std::string::npos || r.status_line.find('\r') != std::string::npos) std::abort();
    for (std::size_t k = 0; r.body.held() && k < r.body.lines(); ++k) {
      std::string line = r.body.wire_line(k);
      if (line.size() + 2 > kLimits.body_line || line.find("\r\n") != std::string::npos) std::abort();
    }
  }
  return 0;
}
