#pragma once
// What one account's maildrop must hold while many sessions use it at once,
// as the load mode sees it: the state tracking of imaptest, for POP3. Pure:
// the sessions tell it what they sent and saw, in the order the harness saw
// it, and it answers with the invariants a session's view breaks.
//
// Only what is certain is judged. A deletion another session may still
// commit, or committed while this session was logging in (a server without a
// maildrop lock may show either), and the marks of a QUIT that got no +OK
// (RFC 1939 #6: "some or none" removed) are left open.
#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace pop3::oracle {

using Seq = std::uint64_t;        // the harness's event order
using SessionId = std::uint64_t;

struct Listed {
  std::string uid;
  std::uint64_t octets = 0;
};

struct Violation {
  std::string invariant;     // "nothing-lost", "deletion-committed", ...
  std::string requirements;  // catalog ids, space-separated
  std::string message;
};

class AccountModel {
 public:
  // The session sends its login command: what the server shows it is the
  // maildrop as of about now.
  void login_sent(SessionId s, Seq at);
  // The login was accepted, and UIDL and LIST showed this (in message-number
  // order). Returns the invariants the view breaks.
  std::vector<Violation> listed(SessionId s, const std::vector<Listed>& view);
  // DELE of a message got +OK.
  void marked(SessionId s, const std::string& uid) { sessions_[s].marks.insert(uid); }
  // The session sends QUIT (or drops the connection): from here the server
  // may release its lock. Which other sessions still hold the maildrop.
  void releasing(SessionId s);
  // QUIT got +OK (committed), -ERR or no answer (maybe), or the session was
  // dropped without QUIT (nothing may be removed), or never logged in.
  // A commit that removed a message another session held and listed breaks
  // the lock (RFC 1939 #4).
  enum class End { committed, maybe, dropped, not_logged_in };
  std::vector<Violation> ended(SessionId s, End how, Seq at);

  // n new messages were delivered: as many unique-ids never seen may appear.
  void delivered(std::size_t n) { deliveries_ += n; }
  // A delivery allowed for in advance failed: one fewer may appear.
  void delivery_failed(std::size_t n) { deliveries_ -= std::min(n, deliveries_); }

  std::size_t present() const { return present_.size(); }

 private:
  struct Live {
    Seq login_sent = 0;
    std::set<std::string> marks;
    std::set<std::string> uncertain;  // others' marks live at the login
    std::set<std::string> view;       // what it listed at login
    bool listed = false, releasing = false;
    std::vector<SessionId> holders;   // others holding the maildrop when this one sent QUIT
  };
  bool open_question(const Live& me, SessionId self, const std::string& uid) const;

  bool known_ = false;  // a first view has set present_
  std::set<std::string> present_;
  std::map<std::string, std::uint64_t> octets_;  // every unique-id ever seen, and its size
  std::map<std::string, Seq> deleted_;           // committed deletions, when the +OK came
  std::map<std::string, Seq> kept_;              // marked by a dropped session: must stay
  std::set<std::string> maybe_;                  // marked before a QUIT that got no +OK
  std::size_t deliveries_ = 0;                   // delivered, not yet seen
  Seq last_seq_ = 0;                             // the latest event told
  std::map<SessionId, Live> sessions_;
};

}  // namespace pop3::oracle
