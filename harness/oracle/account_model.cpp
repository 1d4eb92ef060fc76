#include "oracle/account_model.hpp"

#include <algorithm>

namespace pop3::oracle {

void AccountModel::login_sent(SessionId s, Seq at) {
  last_seq_ = std::max(last_seq_, at);
  Live& me = sessions_[s];
  me.login_sent = at;
  for (const auto& [id, other] : sessions_)
    if (id != s) me.uncertain.insert(other.marks.begin(), other.marks.end());
}

bool AccountModel::open_question(const Live& me, SessionId self, const std::string& uid) const {
  if (maybe_.contains(uid) || me.uncertain.contains(uid)) return true;
  // Committed while this session logged in: before or after its snapshot.
  if (auto d = deleted_.find(uid); d != deleted_.end() && d->second >= me.login_sent) return true;
  for (const auto& [id, other] : sessions_)
    if (id != self && other.marks.contains(uid)) return true;
  return false;
}

std::vector<Violation> AccountModel::listed(SessionId s, const std::vector<Listed>& view) {
  std::vector<Violation> out;
  Live& me = sessions_[s];
  me.listed = true;
  for (const auto& m : view) me.view.insert(m.uid);
  std::set<std::string> seen;
  for (const auto& m : view) {
    if (!seen.insert(m.uid).second)
      out.push_back({"nothing-duplicated", "1939-7-UIDL-7",
                     "unique-id " + m.uid + " is listed twice in one session: two messages, or one listed twice"});
    auto [size, fresh] = octets_.try_emplace(m.uid, m.octets);
    if (!fresh && size->second != m.octets)
      out.push_back({"sizes-stable", "1939-5-LIST-6 1939-7-UIDL-8",
                     "message " + m.uid + " was listed with " + std::to_string(size->second) + " octets, now " +
                         std::to_string(m.octets)});
    if (open_question(me, s, m.uid)) continue;
    if (auto d = deleted_.find(m.uid); d != deleted_.end())
      out.push_back({"deletion-committed", "1939-6-QUIT-1",
                     "message " + m.uid + " is listed again after a QUIT removed it"});
    else if (known_ && !present_.contains(m.uid) && fresh && deliveries_ > 0) {
      --deliveries_;  // a delivery, seen for the first time
      present_.insert(m.uid);
    } else if (known_ && !present_.contains(m.uid) && fresh)
      out.push_back({"unique-ids-stable", "1939-7-UIDL-8",
                     "unique-id " + m.uid + " appeared, though no mail was delivered since: a message renamed?"});
  }
  if (!known_) {
    for (const auto& m : view) present_.insert(m.uid);
    known_ = true;
    return out;
  }
  for (const auto& uid : present_) {
    if (seen.contains(uid) || open_question(me, s, uid)) continue;
    if (kept_.contains(uid))
      out.push_back({"dropped-session-commits-nothing", "1939-6-UPD-3",
                     "message " + uid + " is gone: only a session dropped without QUIT had marked it deleted"});
    else
      out.push_back({"nothing-lost", "1939-6-QUIT-2 1939-7-UIDL-8",
                     "message " + uid + " is gone, though no session of this run deleted it"});
  }
  // What the view settles: a message of an unanswered QUIT is either there or not.
  for (auto it = maybe_.begin(); it != maybe_.end();) {
    if (me.uncertain.contains(*it)) {
      ++it;
      continue;
    }
    if (!seen.contains(*it)) {
      present_.erase(*it);
      // Gone for good; judged in the sessions that log in from now on (one
      // that logged in earlier may have seen it before a late removal).
      deleted_.emplace(*it, last_seq_ + 1);
    }
    it = maybe_.erase(it);
  }
  return out;
}

void AccountModel::releasing(SessionId s) {
  Live& me = sessions_[s];
  if (me.releasing) return;
  me.releasing = true;
  for (const auto& [id, other] : sessions_)
    if (id != s && other.listed && !other.releasing) me.holders.push_back(id);
}

std::vector<Violation> AccountModel::ended(SessionId s, End how, Seq at) {
  last_seq_ = std::max(last_seq_, at);
  std::vector<Violation> out;
  auto it = sessions_.find(s);
  if (it == sessions_.end()) return out;
  if (how == End::committed) {
    // Another session had logged in and listed the message, and had not sent
    // QUIT when this one did: the server removed it under that session.
    for (SessionId h : it->second.holders) {
      auto other = sessions_.find(h);
      if (other == sessions_.end()) continue;
      for (const auto& uid : it->second.marks)
        if (other->second.view.contains(uid)) {
          out.push_back({"maildrop-locked", "1939-4-LOCK-1",
                         "message " + uid + " was removed by another session's QUIT while a session that listed it "
                         "still held the maildrop, before that session entered the UPDATE state"});
          break;
        }
    }
  }
  for (const auto& uid : it->second.marks) {
    switch (how) {
      case End::committed:
        present_.erase(uid);
        deleted_[uid] = at;
        kept_.erase(uid);
        maybe_.erase(uid);
        break;
      case End::maybe: maybe_.insert(uid); break;
      case End::dropped: kept_.emplace(uid, at); break;
      case End::not_logged_in: break;
    }
  }
  sessions_.erase(it);
  return out;
}

}  // namespace pop3::oracle
