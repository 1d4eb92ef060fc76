#pragma once
#include <boost/asio/awaitable.hpp>

#include "client/step_outcome.hpp"
#include "client/target.hpp"
#include "scenario/ast.hpp"
#include "scenario/pattern.hpp"

namespace pop3 {

// 'tls: scan ASPECT': what the endpoint accepts, from raw ClientHellos on
// fresh connections (implicit TLS, or STLS first with --tls stls), judged
// against RFC 9325. The scan runs once per endpoint and run; every scan
// scenario reads the same result. Sets tls.scan (the whole listing) and
// tls.scan.probes for 'info:' steps.
boost::asio::awaitable<StepOutcome> run_tls_scan(const TlsAction& action, const Target& target, Variables& vars);

}  // namespace pop3
