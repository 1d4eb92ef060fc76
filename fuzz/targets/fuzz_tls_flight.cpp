// A server's first TLS flight into the scanner's parser (tlsscan/hello.cpp).
// Whatever the bytes, it must neither crash nor read past them, and what it
// says of a whole flight must hold however much of it had arrived: a prefix
// is either still incomplete or already says the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tlsscan/hello.hpp"
#include "tlsscan/suites.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using pop3::tlsscan::ServerFlight;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ServerFlight whole = pop3::tlsscan::parse_flight(bytes);
  if (whole.certificate.size() > size || whole.dh_bits > static_cast<int>(8 * size)) std::abort();
  (void)pop3::tlsscan::suite(whole.suite).name.size();
  for (std::size_t cut : {size / 2, size ? size - 1 : 0}) {
    ServerFlight part = pop3::tlsscan::parse_flight(bytes.substr(0, cut));
    if (part.status == ServerFlight::Status::incomplete || part.status == whole.status) continue;
    // A flight cut inside the handshake can only look unfinished, never like something else.
    if (whole.status == ServerFlight::Status::hello || whole.status == ServerFlight::Status::retry) std::abort();
  }
  return 0;
}
