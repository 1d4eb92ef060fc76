#include "util/interrupt.hpp"

#include <map>
#include <vector>

namespace pop3::interrupt {

namespace {

struct Registry {
  bool requested = false;
  unsigned long next = 0;
  std::map<unsigned long, std::function<void()>> actions;
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

bool requested() { return registry().requested; }

void request() {
  Registry& r = registry();
  r.requested = true;
  // An action may unregister others (a connection closing its session): run a copy.
  std::vector<std::function<void()>> actions;
  for (const auto& [id, action] : r.actions) actions.push_back(action);
  for (const auto& a : actions) a();
}

void reset() { registry().requested = false; }

Registration::Registration(std::function<void()> cancel) : id_(++registry().next) {
  registry().actions.emplace(id_, std::move(cancel));
}

Registration::~Registration() { registry().actions.erase(id_); }

}  // namespace pop3::interrupt
