#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/maildrop.hpp"

namespace pop3 {

// Where a session's maildrops live. The session logic is pure; a store is the
// edge that touches disk (a maildir) or memory (tests).
class MaildropStore {
 public:
  virtual ~MaildropStore() = default;
  // The user's password (the APOP shared secret), or nothing for no such user.
  virtual std::optional<std::string> secret(std::string_view user) = 0;
  enum class Open { ok, in_use, failed };
  // Locks and loads the maildrop for one session.
  virtual Open open(std::string_view user, Maildrop& out) = 0;
  // Loads it without the lock, for the no-lock fault; a store without that
  // notion opens as usual.
  virtual Open open_unlocked(std::string_view user, Maildrop& out) { return open(user, out); }
  // Removes the messages with these unique-ids (the UPDATE state).
  virtual bool commit(std::string_view user, const std::vector<std::string>& deleted_uids) = 0;
  virtual void release(std::string_view user) = 0;
  // RFC 2449 #6.5 LOGIN-DELAY is enforced across sessions, so the store (which
  // outlives them) keeps when each user last logged in; a store without that
  // notion never refuses.
  virtual void note_login(std::string_view /*user*/) {}
  virtual bool logged_in_within(std::string_view /*user*/, unsigned /*seconds*/) { return false; }
};

}  // namespace pop3
