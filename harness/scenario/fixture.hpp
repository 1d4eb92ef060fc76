#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pop3 {

// A named mailbox content: scenarios/fixtures/<name>/, one RFC 5322 message per
// file with CRLF line ends, in file-name order; or fixtures/<name>/<file>, that
// one message.
struct Fixture {
  std::string name;
  std::filesystem::path dir;  // the folder, or the one file
  std::vector<std::string> messages;
  std::size_t octets() const;
};

// Looks for fixtures/<name> (a folder, or a file when name has a '/') in from and its parents.
std::optional<std::filesystem::path> find_fixture(const std::filesystem::path& from, const std::string& name);
Fixture load_fixture(const std::filesystem::path& path, const std::string& name);

struct Scenario;

// The fixtures a run's scenarios name, each read once.
class FixtureCache {
 public:
  // The fixture 'name' as the scenario file at 'file' finds it. Throws
  // std::runtime_error naming the file when there is none.
  const Fixture& load(const std::string& name, const std::filesystem::path& file);
  // The messages delivered before each run of a scenario (sc.runs entries).
  std::vector<std::vector<std::string>> deliveries(const Scenario& sc, const std::filesystem::path& file);

 private:
  std::map<std::string, Fixture> fixtures_;
};

}  // namespace pop3
