#pragma once
#include <string>
#include <vector>

#include "client/account.hpp"

namespace pop3 {

// "user password [maildir=DIR | reset=COMMAND...]" per line; # comments.
// Throws std::invalid_argument naming the file and line.
std::vector<Account> read_users_file(const std::string& path);

}  // namespace pop3
