#include "oracle/judge.hpp"

#include <cctype>

#include "model/maildrop.hpp"
#include "net/transcript.hpp"
#include "oracle/listing.hpp"

namespace pop3::oracle {

using Answer = Expectation::Answer;
using Data = Expectation::Data;

std::optional<std::string> UidBook::observe(std::size_t message, const std::string& uid) {
  if (!valid_unique_id(uid)) return "invalid unique-id (1-70 characters in 0x21-0x7E)";
  auto known = by_message_.find(message);
  if (known != by_message_.end() && known->second != uid)
    return "the message's unique-id changed (it was " + known->second + ")";
  auto owner = by_uid_.find(uid);
  if (owner != by_uid_.end() && owner->second != message) return "another message has this unique-id";
  by_message_[message] = uid;
  by_uid_[uid] = message;
  return std::nullopt;
}

std::string UidBook::alias(const std::string& uid) const {
  auto it = by_uid_.find(uid);
  return it == by_uid_.end() ? "uid?" : "uid" + std::to_string(it->second + 1);
}

namespace {

Finding fail(const Expectation& e, std::string message, std::string expected, std::string actual) {
  Finding f;
  f.rfc = e.rfc;
  f.requirements = requirement_ids(e.check);
  f.message = std::move(message) + " (" + e.rule + ")";
  f.expected = std::move(expected);
  f.actual = escape_bytes(actual, 400);
  return f;
}

// A status line that is no status line breaks the framing every reader checks.
Finding framing(Finding f) {
  f.requirements = requirement_ids(Builtin::status_line);
  return f;
}

// Stability and uniqueness of the ids is its own declared check.
Finding unique_ids(Finding f) {
  f.requirements = requirement_ids(Builtin::prop_unique_ids);
  return f;
}

std::string number_of(std::size_t n) { return std::to_string(n); }

// "n value" listing lines, as sent.
std::string listing_text(const Response& r) {
  std::string all;
  for (std::size_t i = 0; i < r.body.lines() && all.size() < 4096; ++i) all += r.body.wire_line(i) + "\r\n";
  return all;
}

std::optional<Finding> check_listing(const Expectation& e, const Response& r, UidBook& uids) {
  bool with_uids = e.data == Data::uid_listing;
  std::string want;
  for (const auto& entry : e.entries)
    want += number_of(entry.number) + " " +
            (with_uids ? "<uid of message " + number_of(entry.message + 1) + ">"
                       : number_of(entry.octets)) + "\r\n";
  if (r.body.lines() != e.entries.size())
    return fail(e, "the listing has " + number_of(r.body.lines()) + " lines, not " + number_of(e.entries.size()),
                want, listing_text(r));
  for (std::size_t i = 0; i < e.entries.size(); ++i) {
    std::string line = r.body.wire_line(i);
    const auto& entry = e.entries[i];
    auto w = words(line);
    if (w.empty() || decimal(w[0]) != entry.number)
      return fail(e, "listing line " + number_of(i + 1) + " is not for message " + number_of(entry.number), want,
                  listing_text(r));
    if (with_uids) {
      auto listed = parse_unique_id_listing(line);
      if (!listed) return fail(e, "malformed unique-id listing line", want, line);
      if (auto why = uids.observe(entry.message, listed->uid))
        return unique_ids(fail(e, "message " + number_of(entry.number) + ": " + *why, want, listing_text(r)));
    } else {
      auto listed = parse_scan_listing(line);
      if (!listed) return fail(e, "malformed scan listing line", want, line);
      if (listed->octets != entry.octets)
        return fail(e, "message " + number_of(entry.number) + " is listed with " + number_of(listed->octets) +
                           " octets, not " + number_of(entry.octets), want, listing_text(r));
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Finding> judge(const Expectation& e, const Response& r, const Model& m, UidBook& uids) {
  if (!r.parsed)
    return framing(fail(e, "malformed status line", e.answer == Answer::err ? "-ERR ..." : "+OK ...", r.status_line));
  bool ok = r.parsed->status == Status::ok;
  if (r.parsed->status == Status::continuation)
    return framing(fail(e, "a SASL continuation answers a POP3 command", "+OK or -ERR", r.status_line));
  if (e.answer == Answer::either) return std::nullopt;
  if (ok != (e.answer == Answer::ok))
    return fail(e, std::string("answered ") + (ok ? "+OK" : "-ERR") + " where a conformant server says " +
                       (ok ? "-ERR" : "+OK"), ok ? "-ERR ..." : "+OK ...", r.status_line);
  if (!ok) return std::nullopt;
  const std::string& text = r.parsed->text;
  switch (e.data) {
    case Data::none: return std::nullopt;
    case Data::stat: {
      std::string want = "+OK " + number_of(e.count) + " " + number_of(e.octets);
      auto drop = parse_drop_listing(text);
      if (!drop || drop->count != e.count || drop->octets != e.octets)
        return fail(e, "STAT reports " + (drop ? number_of(drop->count) + " messages, " + number_of(drop->octets) + " octets"
                                               : std::string("no drop listing")),
                    want, r.status_line);
      return std::nullopt;
    }
    case Data::scan: {
      const auto& entry = e.entries.front();
      std::string want = "+OK " + number_of(entry.number) + " " + number_of(entry.octets);
      auto scan = parse_scan_listing(text);
      if (!scan || scan->number != entry.number || scan->octets != entry.octets)
        return fail(e, "wrong scan listing", want, r.status_line);
      return std::nullopt;
    }
    case Data::unique_id: {
      const auto& entry = e.entries.front();
      std::string want = "+OK " + number_of(entry.number) + " <uid of message " + number_of(entry.message + 1) + ">";
      auto listed = parse_unique_id_listing(text);
      if (!listed || listed->number != entry.number) return fail(e, "wrong unique-id listing", want, r.status_line);
      if (auto why = uids.observe(entry.message, listed->uid)) return unique_ids(fail(e, *why, want, r.status_line));
      return std::nullopt;
    }
    case Data::scan_listing:
    case Data::uid_listing: return check_listing(e, r, uids);
    case Data::message:
    case Data::top: {
      const auto& entry = e.entries.front();
      const std::string& content = m.content(entry.message);
      std::string want = e.data == Data::top ? top_lines(content, e.lines) : content;
      std::string_view body = r.body.text();
      if (body != want) {
        std::size_t i = 0;
        while (i < want.size() && i < body.size() && want[i] == body[i]) ++i;
        return fail(e, "the body differs from fixture message " + number_of(entry.message + 1) + " at octet " +
                           number_of(i) + " (" + number_of(r.body.size()) + " octets, not " + number_of(want.size()) + ")",
                    escape_bytes(want, 400), std::string(body.substr(0, 4096)));
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string observation(const Expectation& e, const Response& r, const UidBook& uids) {
  if (!r.parsed) return "malformed: " + escape_bytes(r.status_line, 80);
  if (r.parsed->status != Status::ok) return r.parsed->status == Status::err ? "-ERR" : "+ (continuation)";
  auto w = words(r.parsed->text);
  auto first = [&](std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n && i < w.size(); ++i) s += " " + std::string(w[i]);
    return s;
  };
  switch (e.data) {
    case Data::none: return "+OK";
    case Data::stat:
    case Data::scan: return "+OK" + first(2);
    case Data::unique_id: return "+OK" + first(1) + (w.size() > 1 ? " " + uids.alias(std::string(w[1])) : "");
    case Data::scan_listing: return "+OK listing " + escape_bytes(listing_text(r), 200);
    case Data::uid_listing: {
      std::string s = "+OK listing";
      for (std::size_t i = 0; i < r.body.lines() && s.size() < 4096; ++i) {
        std::string line = r.body.wire_line(i);  // the words point into it
        auto lw = words(line);
        s += " " + (lw.empty() ? std::string("?") : std::string(lw[0])) + ":" +
             (lw.size() > 1 ? uids.alias(std::string(lw[1])) : "?");
      }
      return s;
    }
    case Data::message:
    case Data::top: return "+OK body of " + std::to_string(r.body.size()) + " octets: " + escape_bytes(r.body.text(), 60);
  }
  return "+OK";
}

}  // namespace pop3::oracle
