#pragma once
#include <map>
#include <memory>
#include <set>

#include "codec/response_reader.hpp"
#include "model/session.hpp"
#include "net/transcript.hpp"
#include "prop/link.hpp"

// The reference server's session logic behind prop::Server, without sockets:
// property campaigns against it (with faults) run in milliseconds.
class MemoryServer : public pop3::prop::Server, public pop3::MaildropStore {
 public:
  std::vector<std::string> fixture;
  pop3::SessionConfig config;
  std::string user = "alice", pass = "secret";

  std::unique_ptr<pop3::prop::Link> connect() override;
  void reset() override {
    messages_.clear();
    for (std::size_t i = 0; i < fixture.size(); ++i) messages_.push_back({fixture[i], "m" + std::to_string(i + 1)});
    locked_.clear();
  }

  std::optional<std::string> secret(std::string_view u) override {
    return u == user ? std::optional<std::string>(pass) : std::nullopt;
  }
  Open open(std::string_view u, pop3::Maildrop& out) override {
    if (!locked_.insert(std::string(u)).second) return Open::in_use;
    out = pop3::Maildrop(messages_);
    return Open::ok;
  }
  Open open_unlocked(std::string_view, pop3::Maildrop& out) override {  // the no-lock fault
    out = pop3::Maildrop(messages_);
    return Open::ok;
  }
  bool commit(std::string_view, const std::vector<std::string>& uids) override {
    std::erase_if(messages_, [&](const pop3::Message& m) {
      return std::find(uids.begin(), uids.end(), m.uid) != uids.end();
    });
    return true;
  }
  void release(std::string_view u) override { locked_.erase(std::string(u)); }

 private:
  std::vector<pop3::Message> messages_;
  std::set<std::string> locked_;
};

class MemoryLink : public pop3::prop::Link {
 public:
  MemoryLink(MemoryServer& server) : session_(server.config, server) {}
  ~MemoryLink() override {
    if (!closed_) session_.connection_lost();
  }
  pop3::prop::Exchange greeting() override { return parse(session_.greeting(), false); }
  pop3::prop::Exchange request(const std::string& line, const std::string& shown, bool multiline_if_ok) override {
    if (closed_) return {std::nullopt, pop3::prop::Exchange::Failure::closed, "closed"};
    log_ += "C: " + shown + "\n";
    pop3::Reply reply = session_.handle(line);
    closed_ = reply.close;
    return parse(reply.bytes, multiline_if_ok);
  }
  bool closes() override { return closed_; }
  void pause(std::chrono::milliseconds) override {}  // the in-memory server has no time
  std::string recent() const override { return log_; }

 private:
  pop3::prop::Exchange parse(const std::string& bytes, bool multiline) {
    pop3::ResponseReader reader;
    reader.expect(multiline);
    reader.feed(bytes);
    log_ += "S: " + pop3::escape_bytes(bytes, 200) + "\n";
    if (auto r = reader.next()) return {std::move(*r), pop3::prop::Exchange::Failure::none, {}};
    return {std::nullopt, pop3::prop::Exchange::Failure::protocol, "incomplete response"};
  }
  pop3::Session session_;
  bool closed_ = false;
  std::string log_;
};

inline std::unique_ptr<pop3::prop::Link> MemoryServer::connect() { return std::make_unique<MemoryLink>(*this); }
