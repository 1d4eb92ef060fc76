#include "prop/generator.hpp"

#include <utility>
#include <vector>

namespace pop3::prop {

namespace {

using Choice = std::pair<std::size_t, rc::Gen<Op>>;

template <class T>
rc::Gen<T> weighted(std::vector<std::pair<std::size_t, rc::Gen<T>>> choices) {
  std::size_t total = 0;
  for (const auto& c : choices) total += c.first;
  // RapidCheck scales inRange by the case's size; a choice must not depend on it.
  auto pick = rc::gen::resize(rc::kNominalSize, rc::gen::inRange<std::size_t>(0, total));
  return rc::gen::mapcat(pick, [choices](std::size_t pick) {
    for (const auto& c : choices) {
      if (pick < c.first) return c.second;
      pick -= c.first;
    }
    return choices.back().second;
  });
}

rc::Gen<Op> just(OpKind kind, bool good = true) { return rc::gen::just(Op{kind, std::nullopt, {}, good}); }

rc::Gen<std::string> message_number(const Model& m) {
  std::size_t n = m.numbered();
  std::vector<std::pair<std::size_t, rc::Gen<std::string>>> choices;
  if (n > 0)
    choices.emplace_back(14, rc::gen::map(rc::gen::resize(rc::kNominalSize, rc::gen::inRange<unsigned long>(1, n + 1)),
                                          [](unsigned long k) { return std::to_string(k); }));
  auto marked = m.marked_numbers();
  if (!marked.empty())
    choices.emplace_back(4, rc::gen::map(rc::gen::elementOf(marked), [](unsigned long k) { return std::to_string(k); }));
  choices.emplace_back(3, rc::gen::element<std::string>(std::to_string(n + 1), "0", "4294967296",
                                                         "18446744073709551616", "99999999999999999999"));
  return weighted(std::move(choices));
}

rc::Gen<Op> numbered(OpKind kind, const Model& m) {
  return rc::gen::map(message_number(m), [kind](std::string n) { return Op{kind, std::move(n), {}, true}; });
}

rc::Gen<Op> top(const Model& m) {
  auto lines = rc::gen::weightedElement<std::string>({{4, "0"}, {4, "1"}, {3, "2"}, {2, "5"}, {2, "100"}, {1, "-1"}});
  return rc::gen::apply([](std::string n, std::string k) { return Op{OpKind::top, std::move(n), std::move(k), true}; },
                        message_number(m), lines);
}

}  // namespace

rc::Gen<Op> gen_op(const Model& m) {
  if (m.in_transaction()) {
    return weighted<Op>({
        {8, just(OpKind::stat)},
        {2, just(OpKind::noop)},
        {10, numbered(OpKind::dele, m)},
        {3, just(OpKind::rset)},
        {5, just(OpKind::list)},
        {6, numbered(OpKind::list, m)},
        {m.optional().uidl ? 4u : 0u, just(OpKind::uidl)},
        {m.optional().uidl ? 5u : 0u, numbered(OpKind::uidl, m)},
        {6, numbered(OpKind::retr, m)},
        {m.optional().top ? 5u : 0u, top(m)},
        {4, just(OpKind::quit)},
        {5, just(OpKind::drop)},
        {1, just(OpKind::second_session)},
        {1, just(OpKind::user)},
        {1, just(OpKind::pass)},
        {m.apop_testable() ? 1u : 0u, just(OpKind::apop)},
    });
  }
  std::vector<Choice> choices;
  // Logins only by the methods the server takes for this account; the wrong
  // credentials of every method are still tried.
  std::size_t user = m.logins().user ? 1 : 0;
  switch (m.pending()) {
    case Model::Pending::good_user:
      choices = {{14 * user, just(OpKind::pass)}, {1, just(OpKind::pass, false)}, {user, just(OpKind::user)}};
      break;
    case Model::Pending::bad_user: choices = {{4 * user, just(OpKind::user)}, {2, just(OpKind::pass)}}; break;
    case Model::Pending::none:
      choices = {{12 * user, just(OpKind::user)}, {1, just(OpKind::user, false)}, {1, just(OpKind::pass)}};
      break;
  }
  if (m.apop_offered()) {
    choices.push_back({m.logins().apop ? 5u : 0u, just(OpKind::apop)});
    choices.push_back({1, just(OpKind::apop, false)});
  } else if (m.apop_testable()) {
    choices.push_back({1, just(OpKind::apop)});
  }
  choices.push_back({1, just(OpKind::stat)});
  choices.push_back({1, rc::gen::just(Op{OpKind::retr, std::string("1"), {}, true})});
  choices.push_back({1, rc::gen::just(Op{OpKind::dele, std::string("1"), {}, true})});
  choices.push_back({1, just(OpKind::noop)});
  choices.push_back({1, just(OpKind::quit)});
  return weighted<Op>(std::move(choices));
}

}  // namespace pop3::prop
