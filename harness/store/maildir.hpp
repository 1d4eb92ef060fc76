#pragma once
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/maildrop_store.hpp"

namespace pop3 {

// Reads a maildir (cur/ and new/) in file-name order, so messages written by
// write_maildir() keep the fixture's order.
std::vector<Message> read_maildir(const std::filesystem::path& dir);

// Makes dir hold exactly these messages: empties cur/, new/ and tmp/, removes
// the server's own index files (dovecot*), then writes one file per message.
void write_maildir(const std::filesystem::path& dir, const std::vector<std::string>& messages);

// Delivers more messages into new/, named to sort after every message there.
void add_to_maildir(const std::filesystem::path& dir, const std::vector<std::string>& messages);

// Delivers into new/ as numbers after+1, after+2, ...: the caller keeps them
// unique, so that no name (and so no unique-id) is ever used twice, even
// for a message deleted since (the load mode).
void deliver_numbered(const std::filesystem::path& dir, const std::vector<std::string>& messages, std::size_t after);

// The reference server's store: accounts backed by maildirs, one session per
// maildrop at a time (RFC 1939 #8 lets a server lock "as necessary").
class MaildirStore : public MaildropStore {
 public:
  struct Account {
    std::string password;
    std::filesystem::path maildir;
  };
  void add_account(std::string user, Account account);

  std::optional<std::string> secret(std::string_view user) override;
  Open open(std::string_view user, Maildrop& out) override;
  Open open_unlocked(std::string_view user, Maildrop& out) override;
  bool commit(std::string_view user, const std::vector<std::string>& deleted_uids) override;
  void release(std::string_view user) override;
  void note_login(std::string_view user) override;
  bool logged_in_within(std::string_view user, unsigned seconds) override;

 private:
  Open load(std::string_view user, bool lock, Maildrop& out);

  std::mutex mutex_;
  std::map<std::string, std::chrono::steady_clock::time_point, std::less<>> last_login_;
  std::map<std::string, Account, std::less<>> accounts_;
  std::set<std::string, std::less<>> locked_;
};

}  // namespace pop3
