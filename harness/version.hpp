#pragma once

namespace pop3 {

// The harness's version (CMake's project version), recorded in every report.
inline constexpr const char* kVersion = POP3_HARNESS_VERSION;

}  // namespace pop3
