#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pop3::fuzz {

// One run of a client against a hostile server: a server-role scenario (the
// greeting and the answers to some commands replaced, or hostile messages in
// the maildrop), generated from the grammar of POP3 responses.
struct ClientCase {
  std::uint64_t index = 0;
  std::string family;  // what was mutated, e.g. "greeting:long", "uidl:path", "fixture:dot-lines"
  // The scenario's lines after its header: greeting:, on:/S:/SEND:, expect:.
  std::string body;
  // Hostile messages for the maildrop; empty: the campaign's fixture.
  std::vector<std::string> messages;
  // Its size: the scenario body and the messages (what minimizing shrinks).
  std::size_t octets() const {
    std::size_t n = body.size();
    for (const auto& m : messages) n += m.size();
    return n;
  }
};

// Case `index` of the campaign with this seed: a pure function of the two.
ClientCase make_client_case(std::uint64_t seed, std::uint64_t index);

// The whole scenario file: a header naming the fixture, comments, the body.
std::string client_case_text(const ClientCase& c, const std::string& name, const std::string& fixture,
                             const std::vector<std::string>& comments);

}  // namespace pop3::fuzz
