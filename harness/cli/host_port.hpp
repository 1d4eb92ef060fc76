#pragma once
#include <string>
#include <utility>

namespace pop3 {

// "host:port" or "[v6]:port". Throws std::invalid_argument naming the option.
std::pair<std::string, std::string> split_host_port(const std::string& text, const std::string& option);

}  // namespace pop3
