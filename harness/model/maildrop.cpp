#include "model/maildrop.hpp"

namespace pop3 {

std::string to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out.push_back('\r');
    out.push_back(text[i]);
  }
  return out;
}

std::string top_lines(const std::string& message, std::size_t n) {
  std::size_t split = message.find("\r\n\r\n");
  if (split == std::string::npos) return message;
  std::size_t end = split + 4;
  for (std::size_t i = 0; i < n && end < message.size(); ++i) {
    std::size_t eol = message.find("\r\n", end);
    end = eol == std::string::npos ? message.size() : eol + 2;
  }
  return message.substr(0, end);
}

bool valid_unique_id(std::string_view uid) {
  if (uid.empty() || uid.size() > 70) return false;
  for (char c : uid) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e) return false;
  }
  return true;
}

Maildrop::Maildrop(std::vector<Message> messages)
    : messages_(std::move(messages)), deleted_(messages_.size(), false) {}

Maildrop::Lookup Maildrop::lookup(unsigned long number) const {
  if (number == 0 || number > messages_.size()) return Lookup::no_such_message;
  if (deleted_[number - 1]) return Lookup::deleted;
  return Lookup::ok;
}

std::size_t Maildrop::count() const {
  std::size_t n = 0;
  for (bool d : deleted_) n += d ? 0 : 1;
  return n;
}

std::size_t Maildrop::octets() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < messages_.size(); ++i)
    if (!deleted_[i]) n += messages_[i].size();
  return n;
}

Maildrop::Lookup Maildrop::mark_deleted(unsigned long number) {
  Lookup found = lookup(number);
  if (found == Lookup::ok) deleted_[number - 1] = true;
  return found;
}

void Maildrop::reset() { deleted_.assign(messages_.size(), false); }

std::vector<std::string> Maildrop::deleted_uids() const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < messages_.size(); ++i)
    if (deleted_[i]) out.push_back(messages_[i].uid);
  return out;
}

}  // namespace pop3
