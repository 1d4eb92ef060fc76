#pragma once
// What each simulated session does: the built-in profiles and a profile
// file. Pure. A file is "key = value" lines ('#' starts a comment):
//
//   retrieve = new          # new (what UIDL shows unseen), all, or none
//   retrieve-again = 0.2    # share of sessions that RETR one listed message again
//   delete = 0.3            # share of sessions that DELE
//   delete-what = one       # one (a random message), all, or retrieved
//   drop = 0.05             # share of sessions dropped without QUIT
//   think = 0-50            # milliseconds before each command, uniform (or one number)
//
// Keys left out keep the values of leave-on-server; an unknown key or a bad
// value is an error naming the file and line.
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace pop3::load {

struct Profile {
  enum class Retrieve { fresh, all, none };
  enum class Delete { one, all, retrieved };
  Retrieve retrieve = Retrieve::fresh;
  double retrieve_again = 0, delete_share = 0, drop = 0;
  Delete delete_what = Delete::one;
  unsigned think_min_ms = 0, think_max_ms = 0;
};

// leave-on-server, download or mixed; nothing for another name.
std::optional<Profile> builtin_profile(std::string_view name);

struct ProfileOrError {
  std::optional<Profile> profile;
  std::string error;  // "FILE:LINE: what is wrong"
};
ProfileOrError parse_profile(std::string_view text, const std::string& file);

// One draw of rng for a share (0..1): a share of 0 draws nothing, so a
// profile that never does a thing leaves the random sequence as it was.
bool chance(std::mt19937_64& rng, double share);

}  // namespace pop3::load
