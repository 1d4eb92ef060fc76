#include "cli/users_file.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace pop3 {

std::vector<Account> read_users_file(const std::string& path) {
  std::ifstream in(path);
  std::vector<Account> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    Account a;
    words >> a.user >> a.pass;
    if (a.pass.empty()) throw std::invalid_argument(path + ":" + std::to_string(n) + ": expected 'user password ...'");
    std::string rest;
    std::getline(words, rest);
    auto trim = [](std::string& t) { t.erase(0, std::min(t.find_first_not_of(' '), t.size())); };
    trim(rest);
    // login=METHOD comes first: reset= takes the rest of the line.
    if (rest.starts_with("login=")) {
      std::size_t end = std::min(rest.find(' '), rest.size());
      a.login = rest.substr(6, end - 6);
      if (a.login != "user" && a.login != "apop" && a.login != "plain")
        throw std::invalid_argument(path + ":" + std::to_string(n) + ": login= is user, apop or plain");
      rest.erase(0, end);
      trim(rest);
    }
    if (rest.starts_with("maildir=")) a.maildir = rest.substr(8);
    else if (rest.starts_with("reset=")) a.reset_cmd = rest.substr(6);
    else if (!rest.empty()) throw std::invalid_argument(path + ":" + std::to_string(n) + ": expected login=METHOD, maildir=DIR or reset=COMMAND");
    out.push_back(a);
  }
  if (out.empty()) throw std::invalid_argument(path + ": no accounts");
  return out;
}

}  // namespace pop3
