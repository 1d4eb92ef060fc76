#include "cli/users_file.hpp"

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
    rest.erase(0, rest.find_first_not_of(' '));
    if (rest.starts_with("maildir=")) a.maildir = rest.substr(8);
    else if (rest.starts_with("reset=")) a.reset_cmd = rest.substr(6);
    else if (!rest.empty()) throw std::invalid_argument(path + ":" + std::to_string(n) + ": expected maildir=DIR or reset=COMMAND");
    out.push_back(a);
  }
  if (out.empty()) throw std::invalid_argument(path + ": no accounts");
  return out;
}

}  // namespace pop3
