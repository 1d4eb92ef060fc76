#pragma once
#include <algorithm>
#include <cstdint>

#include "fuzz/case.hpp"

namespace pop3::fuzz {

// Which session lane runs each case of the numbered sequence: lanes
// [0, logged_in) take the logged-in cases in turn, the others the cases
// before login in turn; a single lane takes them all. Every lane walks the
// whole sequence with its own copy, so no lane waits for another.
class LaneSplit {
 public:
  LaneSplit(unsigned lanes, unsigned logged_in)
      : lanes_(std::max(1u, lanes)), logged_in_(std::clamp(logged_in, 1u, std::max(1u, lanes_ - 1))) {}

  // The lane of the next case, which starts in this phase.
  unsigned next(Phase phase) {
    if (lanes_ == 1) return 0;
    if (phase == Phase::transaction) return static_cast<unsigned>(logged_in_ordinal_++ % logged_in_);
    return logged_in_ + static_cast<unsigned>(before_login_ordinal_++ % (lanes_ - logged_in_));
  }
  unsigned logged_in() const { return lanes_ == 1 ? 1 : logged_in_; }

 private:
  unsigned lanes_, logged_in_;
  std::uint64_t logged_in_ordinal_ = 0, before_login_ordinal_ = 0;
};

}  // namespace pop3::fuzz
