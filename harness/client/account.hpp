#pragma once
#include <string>

namespace pop3 {

// One mailbox the harness may reset and log in to.
struct Account {
  std::string user;
  std::string pass;
  std::string maildir;    // --maildir: rewritten before each scenario
  std::string reset_cmd;  // --reset-cmd: run before each scenario
  std::string login = "";  // "user", "apop" or "plain" (login=, read by load); empty: as the server offers
};

}  // namespace pop3
