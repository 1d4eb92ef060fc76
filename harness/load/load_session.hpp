#pragma once
// One simulated client's session against the server under load: connect,
// greeting, USER/PASS (or APOP, AUTH PLAIN), STAT, UIDL, LIST, the profile's RETR and DELE, then
// QUIT or, on purpose, a dropped connection. Every answer is bounded by a
// deadline; what it sees is checked against its account's model.
#include <boost/asio/awaitable.hpp>
#include <atomic>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "client/account.hpp"
#include "client/target.hpp"
#include "load/profile.hpp"
#include "load/stats.hpp"
#include "oracle/account_model.hpp"
#include "report/redact.hpp"

namespace pop3::load {

// The account's expected state under concurrency is the oracle's
// (harness/oracle/account_model.hpp), shared with prop and fuzz.
using oracle::AccountModel;
using oracle::Seq;
using oracle::SessionId;
using oracle::Violation;

// Shared by every session of a run (one io_context, one thread).
struct LoadContext {
  const Target* target = nullptr;
  const Redactor* redactor = nullptr;  // applied to the transcripts a report keeps
  std::vector<Account> accounts;
  std::vector<AccountModel> models;                 // one per account
  std::vector<std::set<std::string>> retrieved;  // per account: unique-ids RETR'd, for "new only"
  std::vector<std::uint32_t> holders;            // per account: our sessions logged in now
  Profile profile;  // what each session does (load/profile.hpp)
  const std::atomic<bool>* stop = nullptr;  // an interrupt: think times end early
  std::string login_method = "user";  // for an account without login=: "user", "apop" or "plain"
  // New mail while sessions read: after a QUIT removed messages from an
  // account whose maildir the harness may write, as many are delivered.
  std::vector<std::string> delivery;  // messages to deliver, in turn
  // The body digests of those messages: what a RETR from a maildrop the
  // harness wrote may send (load/content.hpp).
  std::unordered_set<std::uint64_t> bodies;
  // Per account: the body digest each unique-id's message had when first
  // retrieved; forgotten once a session marks it deleted (a unique-id may
  // be reused after its message is gone: RFC 1939 #7 says only SHOULD NOT).
  std::vector<std::unordered_map<std::string, std::uint64_t>> contents;
  std::uint64_t delivered = 0;
  // --deliver: a shell command that delivers one message (env POP3_USER,
  // POP3_MESSAGE_FILE), for accounts whose maildir the harness cannot write;
  // the files it reads live in deliver_dir.
  std::string deliver_cmd;
  std::string deliver_dir;
  std::string delivery_failure;  // the first failed delivery's exit and output, unredacted
  Stats stats;
  Seq seq = 0;
  SessionId next_session = 0;
};

boost::asio::awaitable<void> run_session(LoadContext& ctx, std::size_t account, std::mt19937_64& rng);

}  // namespace pop3::load
