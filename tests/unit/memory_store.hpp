#pragma once
#include <map>
#include <set>

#include "model/maildrop_store.hpp"

// An in-memory store for driving Session without a disk.
class MemoryStore : public pop3::MaildropStore {
 public:
  std::map<std::string, std::string, std::less<>> passwords{{"alice", "secret"}};
  std::vector<pop3::Message> messages{{"Subject: a\r\n\r\nbody\r\n.dot\r\n", "uid-1"},
                                      {"Subject: b\r\n\r\nl1\r\nl2\r\nl3\r\n", "uid-2"}};
  std::set<std::string, std::less<>> locked;
  std::vector<std::string> committed;
  bool fail_commit = false;

  std::optional<std::string> secret(std::string_view user) override {
    auto it = passwords.find(user);
    if (it == passwords.end()) return std::nullopt;
    return it->second;
  }
  Open open(std::string_view user, pop3::Maildrop& out) override {
    if (locked.contains(user)) return Open::in_use;
    locked.emplace(user);
    out = pop3::Maildrop(messages);
    return Open::ok;
  }
  bool commit(std::string_view, const std::vector<std::string>& uids) override {
    committed = uids;
    return !fail_commit;
  }
  void release(std::string_view user) override {
    auto it = locked.find(user);
    if (it != locked.end()) locked.erase(it);
  }
};
