#pragma once
#include <string_view>
#include <vector>

#include "server/client_auto_checks.hpp"

namespace pop3 {

// Whether a CAPA answer (status line and body, as sent) lists the tag; tags
// are case-insensitive (RFC 2449 #5).
bool capa_lists(std::string_view capa_reply, std::string_view tag);

// The POP3 rules a client's command sequence must keep, judged on every run:
// the USER/PASS sequence and what follows a refused login (RFC 1939 #4, #7),
// AUTH (RFC 5034 #3, #4), and, where STLS is offered, STLS (RFC 2595 #4,
// RFC 6856 #2.1).
std::vector<AutoCheck> protocol_checks(const Scenario& scenario, const ClientRun& run,
                                       const std::vector<const ServerEvent*>& commands, const Redactor& redactor);

}  // namespace pop3
