#include "store/maildir.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <sstream>
#include <system_error>

#include "util/md5_hex.hpp"

namespace fs = std::filesystem;

namespace pop3 {
namespace {

struct Entry {
  std::string name;
  fs::path path;
};

std::vector<Entry> list_messages(const fs::path& dir) {
  std::vector<Entry> out;
  for (const char* sub : {"cur", "new"}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir / sub, ec))
      if (e.is_regular_file()) out.push_back({e.path().filename().string(), e.path()});
  }
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return out;
}

// The unique part of a maildir name (before ":2,flags") is stable across
// sessions; it becomes the UID when it is a valid one.
std::string uid_for(const std::string& name) {
  std::string base = name.substr(0, name.find(':'));
  return valid_unique_id(base) ? base : md5_hex(base);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Timestamp-first names sort in delivery order, for us and for Dovecot.
void deliver(const fs::path& dir, const std::vector<std::string>& messages, std::size_t already) {
  for (std::size_t i = 0; i < messages.size(); ++i) {
    std::size_t n = already + i + 1;
    std::string name = std::to_string(1000000000 + n) + ".M" + std::to_string(n) + "P0.pop3-harness";
    fs::path tmp = dir / "tmp" / name;
    {
      std::ofstream out(tmp, std::ios::binary);
      out.write(messages[i].data(), static_cast<std::streamsize>(messages[i].size()));
      if (!out) throw std::runtime_error("cannot write " + tmp.string());
    }
    fs::rename(tmp, dir / "new" / name);
  }
}

}  // namespace

std::vector<Message> read_maildir(const fs::path& dir) {
  std::vector<Message> out;
  for (const auto& e : list_messages(dir)) out.push_back({to_crlf(slurp(e.path)), uid_for(e.name)});
  return out;
}

void write_maildir(const fs::path& dir, const std::vector<std::string>& messages) {
  // new/ before cur/: a server still ending an earlier session may move a
  // message from new/ to cur/ meanwhile, and then cur/ is swept after it.
  for (const char* sub : {"new", "cur", "tmp"}) {
    fs::create_directories(dir / sub);
    for (const auto& e : fs::directory_iterator(dir / sub)) fs::remove_all(e.path());
  }
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename().string().starts_with("dovecot")) fs::remove(e.path());
  // New names on every rewrite: a server process still ending an earlier
  // session may write its old index back (Dovecot's dovecot-uidlist), and
  // names it knows would keep their old order; new ones are ordered by name.
  static std::atomic<std::size_t> generation{0};
  deliver(dir, messages, ++generation * 100000);
}

void add_to_maildir(const fs::path& dir, const std::vector<std::string>& messages) {
  // After the highest number in use, not the count: deleted messages leave gaps.
  std::size_t highest = 0;
  for (const auto& e : list_messages(dir)) {
    std::size_t digits = 0;
    while (digits < e.name.size() && digits < 18 && std::isdigit(static_cast<unsigned char>(e.name[digits]))) ++digits;
    if (digits == 0) continue;
    std::size_t stamp = std::stoull(e.name.substr(0, digits));
    if (stamp > 1000000000) highest = std::max(highest, stamp - 1000000000);
  }
  deliver(dir, messages, highest);
}

void deliver_numbered(const fs::path& dir, const std::vector<std::string>& messages, std::size_t after) {
  deliver(dir, messages, after);
}

void MaildirStore::add_account(std::string user, Account account) {
  std::lock_guard lock(mutex_);
  accounts_[std::move(user)] = std::move(account);
}

std::optional<std::string> MaildirStore::secret(std::string_view user) {
  std::lock_guard lock(mutex_);
  auto it = accounts_.find(user);
  if (it == accounts_.end()) return std::nullopt;
  return it->second.password;
}

MaildropStore::Open MaildirStore::open(std::string_view user, Maildrop& out) { return load(user, true, out); }

MaildropStore::Open MaildirStore::open_unlocked(std::string_view user, Maildrop& out) { return load(user, false, out); }

MaildropStore::Open MaildirStore::load(std::string_view user, bool lock, Maildrop& out) {
  fs::path dir;
  {
    std::lock_guard guard(mutex_);
    auto it = accounts_.find(user);
    if (it == accounts_.end()) return Open::failed;
    if (lock && locked_.contains(user)) return Open::in_use;
    if (lock) locked_.emplace(user);
    dir = it->second.maildir;
  }
  try {
    out = Maildrop(read_maildir(dir));
    return Open::ok;
  } catch (const std::exception&) {
    if (lock) release(user);
    return Open::failed;
  }
}

void MaildirStore::note_login(std::string_view user) {
  std::lock_guard guard(mutex_);
  last_login_.insert_or_assign(std::string(user), std::chrono::steady_clock::now());
}

bool MaildirStore::logged_in_within(std::string_view user, unsigned seconds) {
  std::lock_guard guard(mutex_);
  auto it = last_login_.find(user);
  return it != last_login_.end() && std::chrono::steady_clock::now() - it->second < std::chrono::seconds(seconds);
}

bool MaildirStore::commit(std::string_view user, const std::vector<std::string>& deleted_uids) {
  fs::path dir;
  {
    std::lock_guard lock(mutex_);
    auto it = accounts_.find(user);
    if (it == accounts_.end()) return false;
    dir = it->second.maildir;
  }
  bool all = true;
  for (const auto& e : list_messages(dir)) {
    if (std::find(deleted_uids.begin(), deleted_uids.end(), uid_for(e.name)) == deleted_uids.end()) continue;
    std::error_code ec;
    if (!fs::remove(e.path, ec)) all = false;
  }
  return all;
}

void MaildirStore::release(std::string_view user) {
  std::lock_guard lock(mutex_);
  auto it = locked_.find(user);
  if (it != locked_.end()) locked_.erase(it);
}

}  // namespace pop3
