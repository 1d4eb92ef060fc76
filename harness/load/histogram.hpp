#pragma once
// Latency histogram for the load mode: log-linear buckets (16 per power of
// two, so any percentile is within 1/16 of the true value), fixed size
// whatever the number of samples, and mergeable bucket by bucket: the
// histograms of several shards add up to the histogram of the whole run.
#include <array>
#include <cstdint>
#include <string>

namespace pop3::load {

class Histogram {
 public:
  static constexpr int kSub = 16;      // buckets per power of two
  static constexpr int kPowers = 40;   // up to 2^40 microseconds, about 12 days
  static constexpr int kBuckets = kSub * (kPowers + 1);

  void record(std::uint64_t micros);
  void merge(const Histogram& other);
  std::uint64_t count() const { return count_; }
  std::uint64_t max() const { return max_; }
  // The smallest bucket bound below which a fraction q (0..1) of the samples lie; 0 when empty.
  std::uint64_t percentile(double q) const;
  // {"count": N, "max_us": M, "buckets": {"LOWER_US": COUNT, ...}} with only the buckets in use.
  std::string to_json() const;
  // Adds a bucket read back from to_json (its lower bound, its count) and
  // the largest sample; false for a bound that is no bucket's.
  bool add_bucket(std::uint64_t lower_us, std::uint64_t count, std::uint64_t max_us);

  // The bucket a value falls in, and the lowest value of a bucket.
  static int bucket_of(std::uint64_t micros);
  static std::uint64_t lower_bound(int bucket);

 private:
  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0, max_ = 0;
};

}  // namespace pop3::load
