#include "cli/host_port.hpp"

#include <stdexcept>

namespace pop3 {

std::pair<std::string, std::string> split_host_port(const std::string& t, const std::string& option) {
  if (t.starts_with("[")) {
    std::size_t close = t.find("]:");
    if (close == std::string::npos) throw std::invalid_argument(option + " must be HOST:PORT or [IPv6]:PORT");
    return {t.substr(1, close - 1), t.substr(close + 2)};
  }
  std::size_t colon = t.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == t.size())
    throw std::invalid_argument(option + " must be HOST:PORT");
  return {t.substr(0, colon), t.substr(colon + 1)};
}

}  // namespace pop3
