// The one file that uses RapidCheck's rc::detail namespace, on purpose.
// The public API (rc::check, RC_GTEST_PROP) runs a property with the
// configuration from RC_PARAMS and reports to stderr; a campaign needs what
// only the runner underneath gives: its own seed, run count and size per call
// (from the command line, not the environment), a listener that sees each
// case and each shrink step (progress, the counterexample's trace, an abort on
// interrupt) and the result as a value. rc::detail::checkProperty is the
// function rc::check itself calls; RapidCheck 0~1033-08b5058 (Debian 12)
// is pinned by apt, and unit tests (PropCampaign*, Faults/PropFinds) fail if
// a new version changes it. Nothing outside this file includes rc::detail.
#include "prop/campaign.hpp"

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <mutex>

#include <rapidcheck/detail/Configuration.h>

#include "prop/generator.hpp"

namespace pop3::prop {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The campaign's memory across RapidCheck's calls.
struct State {
  CaseRunner& runner;
  CampaignResult result;
  std::optional<Counterexample> latest;  // the last failing case, with its trace
  bool shrinking = false;
  bool abort = false;  // environment error or interrupt: later cases pass at once, so shrinking ends
  const std::atomic<bool>& stop;
  const Progress& progress;
};

struct Sut {
  State& st;
};

class Step : public rc::state::Command<Model, Sut> {
 public:
  explicit Step(Op op) : op_(std::move(op)) {}
  void checkPreconditions(const Model& m) const override {
    if (op_.kind == OpKind::second_session) RC_PRE(m.in_transaction());
  }
  void apply(Model& m) const override { m.apply(op_); }
  void run(const Model& m, Sut& sut) const override {
    State& st = sut.st;
    if (st.abort) return;
    if (st.stop) {
      st.abort = true;
      st.result.interrupted = true;
      return;
    }
    auto started = Clock::now();
    auto finding = st.runner.step(op_, m);
    st.result.protocol_seconds += since(started);
    if (!finding) return;
    Counterexample c;
    c.finding = *finding;
    c.trace = st.runner.trace();
    st.latest = std::move(c);
    RC_FAIL(finding->message);
  }
  void show(std::ostream& os) const override { os << oracle::show(op_); }

 private:
  Op op_;
};

using StepPtr = std::shared_ptr<const rc::state::Command<Model, Sut>>;

// Thrown from the listener, outside RapidCheck's catch of the property's
// exceptions, to end the campaign at once (interrupt, environment error).
struct Aborted {};

class Listener : public rc::detail::TestListener {
 public:
  explicit Listener(State& st) : st_(st) {}
  void onTestCaseFinished(const rc::detail::CaseDescription& d) override {
    if (st_.abort) throw Aborted{};
    if (d.result.type == rc::detail::CaseResult::Type::Failure && !st_.result.failure && st_.latest) {
      st_.result.failure = *st_.latest;
      st_.result.failure->first_length = st_.latest->trace.size();
      st_.result.failure->failing_case = st_.result.cases;
      st_.shrinking = true;
    } else if (d.result.type == rc::detail::CaseResult::Type::Success && !st_.abort) {
      ++st_.result.passed;
    }
    st_.progress(st_.result, st_.shrinking);
  }
  void onShrinkTried(const rc::detail::CaseDescription& d, bool accepted) override {
    if (st_.abort) throw Aborted{};
    if (accepted && st_.latest && st_.result.failure && !st_.abort) {
      auto first = st_.result.failure->first_length;
      auto which = st_.result.failure->failing_case;
      int shrinks = st_.result.failure->shrinks + 1;
      st_.result.failure = *st_.latest;
      st_.result.failure->first_length = first;
      st_.result.failure->failing_case = which;
      st_.result.failure->shrinks = shrinks;
    }
    (void)d;
    st_.progress(st_.result, true);
  }
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}

 private:
  State& st_;
};

void keep_shortest(std::vector<Observation>& into, std::vector<Observation>& more) {
  for (auto& o : more) {
    auto same = std::find_if(into.begin(), into.end(),
                             [&](const Observation& x) { return x.finding.message == o.finding.message; });
    if (same == into.end()) into.push_back(std::move(o));
    else if (o.trace.size() < same->trace.size()) *same = std::move(o);
  }
  more.clear();
}

}  // namespace

CampaignResult run_campaign(CaseRunner& runner, std::shared_ptr<const std::vector<std::string>> fixture,
                            const CampaignOptions& options, const Progress& progress, const std::atomic<bool>& stop) {
  State st{runner, {}, std::nullopt, false, false, stop, progress};
  // A first connection learns whether the greeting offers APOP (the model
  // depends on it) and shows at once whether the target is usable.
  try {
    auto started = Clock::now();
    if (auto f = runner.begin()) {
      st.result.failure = Counterexample{*f, runner.trace(), 0, 0, 0};
      return st.result;
    }
    runner.end();
    st.result.provisioning_seconds += since(started);
  } catch (const EnvironmentError& e) {
    st.result.environment_error = e.what();
    return st.result;
  }
  const bool consistent = runner.apop_consistent();
  Logins logins = runner.logins();
  logins.apop = logins.apop && runner.apop_offered() && consistent;
  const Model initial(fixture, runner.apop_offered() && consistent, consistent, logins, runner.download_and_delete(),
                      runner.optional_commands());
  Sut sut{st};

  auto property = [&] {
    if (st.abort) return;
    ++st.result.cases;
    // A failing step leaves by RC_FAIL's exception: the case's sessions end
    // either way, or the last one would hold the maildrop's lock into the
    // replay (whose PASS then gets -ERR [IN-USE]).
    struct CaseEnd {
      State& st;
      CaseRunner& runner;
      ~CaseEnd() {
        runner.end();
        st.result.commands = runner.commands();
        if (!st.shrinking) keep_shortest(st.result.observations, runner.observations());
        else runner.observations().clear();
      }
    } case_end{st, runner};
    try {
      auto started = Clock::now();
      auto greeting = runner.begin();
      st.result.provisioning_seconds += since(started);
      if (greeting) {
        st.latest = Counterexample{*greeting, {}, 0, 0, 0};
        RC_FAIL(greeting->message);
      }
      rc::state::check(initial, sut, [](const Model& m) {
        return rc::gen::map(gen_op(m), [](Op op) -> StepPtr { return std::make_shared<const Step>(std::move(op)); });
      });
    } catch (const EnvironmentError& e) {
      st.result.environment_error = e.what();
      st.abort = true;
    }
  };

  // Every parameter is explicit. RapidCheck still loads its own configuration
  // once and announces a seed of its own that nothing here uses: keep that off
  // the console, where it would be mistaken for the campaign's seed.
  static std::once_flag quiet;
  std::call_once(quiet, [] {
    auto* err = std::cerr.rdbuf(nullptr);
    rc::detail::configuration();
    std::cerr.rdbuf(err);
  });
  rc::detail::TestParams params;
  params.seed = options.seed;
  params.maxSuccess = options.runs;
  params.maxSize = std::max(0, options.max_commands - 1);
  params.maxDiscardRatio = 10;
  Listener listener(st);
  rc::detail::TestMetadata metadata;
  metadata.id = metadata.description = "POP3 server agrees with the maildrop model";
  rc::detail::TestResult result = rc::detail::SuccessResult{};
  try {
    result = rc::detail::checkProperty(rc::detail::toProperty(property), metadata, params, listener);
  } catch (const Aborted&) {
  }
  rc::detail::GaveUpResult gave_up;
  rc::detail::Error error;
  if (result.match(gave_up) && !st.result.environment_error)
    st.result.environment_error = "RapidCheck gave up: " + gave_up.description;
  if (result.match(error) && !st.result.environment_error)
    st.result.environment_error = "RapidCheck error: " + error.description;
  if (st.abort) st.result.failure.reset();
  return st.result;
}

CampaignResult run_campaign_rounds(CaseRunner& runner, std::shared_ptr<const std::vector<std::string>> fixture,
                                   const CampaignOptions& options, const Progress& progress,
                                   const std::atomic<bool>& stop, std::vector<std::string> ignoring,
                                   std::vector<Difference>& differences, std::size_t max_differences) {
  CampaignResult total;
  for (;;) {
    runner.ignore_differences_at({ignoring.begin(), ignoring.end()});
    CampaignResult r = run_campaign(runner, fixture, options, progress, stop);
    total.cases += r.cases;
    total.passed += r.passed;
    total.commands = r.commands;  // the runner counts over every round
    total.provisioning_seconds += r.provisioning_seconds;
    total.protocol_seconds += r.protocol_seconds;
    keep_shortest(total.observations, r.observations);
    total.failure = std::move(r.failure);
    total.environment_error = r.environment_error;
    total.interrupted = r.interrupted;
    const Counterexample* c = total.failure ? &*total.failure : nullptr;
    bool again = runner.differential() && c && c->finding.difference && !c->finding.reference_broke &&
                 !c->trace.empty() && !r.interrupted && !r.environment_error && !stop &&
                 differences.size() + 1 < max_differences;
    if (!again) return total;
    differences.push_back({*c, ignoring});
    ignoring.push_back(difference_key(c->trace.back().op.kind));
    total.failure.reset();
  }
}

}  // namespace pop3::prop
