#include "load/histogram.hpp"

#include <algorithm>
#include <bit>

namespace pop3::load {

int Histogram::bucket_of(std::uint64_t v) {
  if (v < kSub) return static_cast<int>(v);
  // The top five bits of v: 16..31, scaled by the power of two beneath them.
  int shift = std::bit_width(v) - 5;
  int index = (shift + 1) * kSub + static_cast<int>(v >> shift) - kSub;
  return std::min(index, kBuckets - 1);
}

std::uint64_t Histogram::lower_bound(int bucket) {
  if (bucket < kSub) return static_cast<std::uint64_t>(bucket);
  int shift = bucket / kSub - 1;
  return static_cast<std::uint64_t>(bucket % kSub + kSub) << shift;
}

void Histogram::record(std::uint64_t micros) {
  ++buckets_[static_cast<std::size_t>(bucket_of(micros))];
  ++count_;
  max_ = std::max(max_, micros);
}

void Histogram::merge(const Histogram& other) {
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

bool Histogram::add_bucket(std::uint64_t lower_us, std::uint64_t count, std::uint64_t max_us) {
  int b = bucket_of(lower_us);
  if (lower_bound(b) != lower_us) return false;
  buckets_[static_cast<std::size_t>(b)] += count;
  count_ += count;
  max_ = std::max(max_, max_us);
  return true;
}

std::uint64_t Histogram::percentile(double q) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<std::uint64_t>(q * static_cast<double>(count_));
  if (rank >= count_) rank = count_ - 1;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    // The bucket's upper bound, never beyond the largest sample.
    if (seen > rank) return std::min(lower_bound(static_cast<int>(i) + 1), max_);
  }
  return max_;
}

std::string Histogram::to_json() const {
  std::string out = "{\"count\": " + std::to_string(count_) + ", \"max_us\": " + std::to_string(max_) + ", \"buckets\": {";
  bool first = true;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    if (!buckets_[i]) continue;
    out += std::string(first ? "" : ", ") + "\"" + std::to_string(lower_bound(static_cast<int>(i))) + "\": " +
           std::to_string(buckets_[i]);
    first = false;
  }
  return out + "}}";
}

}  // namespace pop3::load
