#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace pop3 {

// One message as POP3 presents it: CRLF line ends, so its size is the exact
// octet count RFC 1939 #5 asks STAT and LIST to report.
struct Message {
  std::string content;
  std::string uid;  // RFC 1939 #7: 1-70 characters in 0x21-0x7E, stable across sessions
  std::size_t size() const { return content.size(); }
};

// Converts bare LF line ends to CRLF (maildir files usually hold LF).
std::string to_crlf(std::string_view text);
// Headers, the blank line and the first n body lines (RFC 1939 #7 TOP); a
// message without a blank line is all headers.
std::string top_lines(const std::string& message, std::size_t n);
// True when uid is a valid RFC 1939 unique-id.
bool valid_unique_id(std::string_view uid);

// The maildrop during one session: message numbers never change within a
// session and deletions are only marks until the UPDATE state (RFC 1939 #5, #6).
class Maildrop {
 public:
  Maildrop() = default;
  explicit Maildrop(std::vector<Message> messages);

  enum class Lookup { ok, no_such_message, deleted };
  // Message numbers are 1-based.
  Lookup lookup(unsigned long number) const;
  const Message& message(unsigned long number) const { return messages_[number - 1]; }

  std::size_t count() const;   // not counting deleted messages
  std::size_t octets() const;  // not counting deleted messages
  std::size_t total() const { return messages_.size(); }
  bool deleted(unsigned long number) const { return deleted_[number - 1]; }

  Lookup mark_deleted(unsigned long number);
  void reset();  // RSET: unmark every message
  // UIDs of the messages marked for deletion, to be removed in UPDATE.
  std::vector<std::string> deleted_uids() const;

 private:
  std::vector<Message> messages_;
  std::vector<bool> deleted_;
};

}  // namespace pop3
