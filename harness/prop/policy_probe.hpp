#pragma once
// Site policies the RFCs leave to the server, found out once before a
// campaign so that the model follows the server instead of failing it.
#include <optional>

#include "prop/case_runner.hpp"
#include "prop/link.hpp"
#include "prop/vocabulary.hpp"

namespace pop3::prop {

// Whether the server deletes at QUIT the messages a session retrieved with
// RETR: the download-and-delete policy of RFC 1939 #8 ("following a POP3
// login by a client which was ended by a QUIT, delete all messages downloaded
// during the session with the RETR command"), announced as EXPIRE 0 (RFC
// 2449 #6.7). One session retrieves message 1 and QUITs, a second counts.
// Nothing when it cannot tell (no answer, a refused login, an empty
// maildrop). Resets the maildrop first; throws EnvironmentError as reset does.
std::optional<bool> deletes_retrieved_at_quit(Server& server, const Credentials& account, const Logins& logins);

// Which of RFC 1939 #7's optional commands (UIDL, TOP) the server answers
// with +OK, one session asking each once. Nothing when it cannot tell.
// Resets the maildrop first; throws EnvironmentError as reset does.
std::optional<OptionalCommands> implemented_commands(Server& server, const Credentials& account, const Logins& logins);

}  // namespace pop3::prop
