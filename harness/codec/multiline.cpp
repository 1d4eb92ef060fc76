#include "codec/multiline.hpp"

#include <openssl/evp.h>

#include <algorithm>

namespace pop3 {

std::string dot_stuff(std::string_view body) {
  std::string out;
  out.reserve(body.size() + body.size() / 64 + 8);
  bool at_line_start = true;
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (at_line_start && c == '.') out.push_back('.');
    out.push_back(c);
    at_line_start = (c == '\n' && i > 0 && body[i - 1] == '\r');
  }
  if (!body.empty() && !body.ends_with("\r\n")) out.append("\r\n");
  out.append(".\r\n");
  return out;
}

std::string_view Body::line(std::size_t i) const {
  if (!held_ || i >= starts_.size()) return {};
  std::size_t from = starts_[i];
  std::size_t to = i + 1 < starts_.size() ? starts_[i + 1] : text_.size();
  return std::string_view(text_).substr(from, to - from - 2);
}

bool Body::was_stuffed(std::size_t i) const {
  return std::binary_search(stuffed_.begin(), stuffed_.end(), static_cast<std::uint32_t>(i));
}

std::string Body::wire_line(std::size_t i) const {
  std::string_view l = line(i);
  return was_stuffed(i) ? "." + std::string(l) : std::string(l);
}

Body::Digest Body::sha256() const {
  if (!held_) return digest_;
  Digest d{};
  unsigned int n = 0;
  EVP_Digest(text_.data(), text_.size(), d.data(), &n, EVP_sha256(), nullptr);
  return d;
}

void MultilineDecoder::HashFree::operator()(void* ctx) const { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx)); }

void MultilineDecoder::stop_holding() {
  // Past the hold limit the octets go through a running hash instead.
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, body_.text_.data(), body_.text_.size());
  hash_.reset(ctx);
  body_.held_ = false;
  std::string().swap(body_.text_);
  std::vector<std::uint32_t>().swap(body_.starts_);
  std::vector<std::uint32_t>().swap(body_.stuffed_);
}

void MultilineDecoder::append(std::string_view octets) {
  if (body_.held_) body_.text_.append(octets);
  else EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(hash_.get()), octets.data(), octets.size());
}

MultilineDecoder::Step MultilineDecoder::add_line(std::string_view wire_line) {
  if (wire_line == ".") {
    if (!body_.held_) {
      unsigned int n = 0;
      EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(hash_.get()), body_.digest_.data(), &n);
      hash_.reset();
    }
    return Step::done;
  }
  bool stuffed = wire_line.starts_with('.');
  if (stuffed) wire_line.remove_prefix(1);
  if (stuffed && !wire_line.starts_with('.') && body_.unstuffed_++ == 0) body_.first_unstuffed_ = body_.lines_;
  std::size_t grows = wire_line.size() + 2;
  // Held until the text or its per-line bookkeeping would pass a bound; then
  // streamed when streaming is allowed (many empty lines cost more in
  // bookkeeping than in text).
  bool over_footprint = body_.held_ && body_.footprint() + grows + 4 * (1 + stuffed) > max_body_;
  bool can_stream = hold_limit_ != static_cast<std::size_t>(-1);
  if (body_.held_ && (body_.size_ + grows > hold_limit_ || (over_footprint && can_stream))) stop_holding();
  if (!body_.held_ && body_.size_ + grows > stream_limit_) return Step::too_large;
  if (body_.held_) {
    if (over_footprint) return Step::too_large;
    if (stuffed) body_.stuffed_.push_back(static_cast<std::uint32_t>(body_.lines_));
    body_.starts_.push_back(static_cast<std::uint32_t>(body_.text_.size()));
  }
  append(wire_line);
  append("\r\n");
  body_.size_ += grows;
  ++body_.lines_;
  return Step::more;
}

}  // namespace pop3
