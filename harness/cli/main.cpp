#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <unistd.h>

#include "cli/coverage_command.hpp"
#include "cli/fuzz_options.hpp"
#include "cli/list_command.hpp"
#include "cli/load_options.hpp"
#include "cli/prop_options.hpp"
#include "cli/report_command.hpp"
#include "cli/run_options.hpp"
#include "cli/serve_command.hpp"
#include "version.hpp"

namespace {

// The options that name a target and its account, shared by run, prop (and fuzz).
void add_target_options(CLI::App& app, pop3::RunOptions& o) {
  app.add_option("--target", o.target, "HOST:PORT of the server; default: the built-in reference server");
  app.add_option("--tls", o.tls, "none, stls or implicit")->check(CLI::IsMember({"none", "stls", "implicit"}));
  app.add_option("--tls-target", o.tls_target,
                  "HOST:PORT of the same server's implicit-TLS endpoint, for 'connect: implicit' scenarios "
                  "(when --target is its plaintext/STLS one)");
  app.add_option("--user", o.user, "Account user name");
  app.add_option("--pass", o.pass, "Account password (prefer POP3_PASS in the environment)");
  app.add_option("--cafile", o.cafile, "CA certificates to verify the server with")->check(CLI::ExistingFile);
  app.add_flag("--insecure", o.insecure, "Do not verify the server's certificate");
  app.add_option("--maildir", o.maildir, "The account's maildir, rewritten with the fixture before each scenario");
  app.add_option("--reset-cmd", o.reset_cmd,
                  "Shell command that resets the mailbox (env: POP3_FIXTURE_DIR, POP3_USER)");
  app.add_option("--junit", o.junit, "JUnit XML report path")->capture_default_str();
  app.add_option("--report-json", o.report_json,
                 "Also write the results as JSON here (format pop3-harness-results, reports/results-json.md)");
  app.add_option("--html", o.html,
                 "Also write an HTML report here: one self-contained page (summary, requirement matrix, findings)");
  app.add_option("--timeout", o.timeout_seconds, "Seconds for each connect, TLS handshake and whole response (10 s more per MiB of body)")
      ->capture_default_str()->check(CLI::Range(0.05, 3600.0));
  app.add_option("--login-timeout", o.login_timeout_seconds,
                 "Seconds to wait for the answer to PASS, APOP or AUTH (servers may delay a failed login on purpose)")
      ->capture_default_str()->check(CLI::Range(0.05, 3600.0));
  app.add_option("--max-response", o.max_response,
                 "The most the harness reads of one answer (e.g. 4GiB, 256MiB): a multi-line answer not ended "
                 "by then is judged unterminated")
      ->transform(CLI::AsSizeValue(false))->default_str("4GiB");
  app.add_flag("--strict", o.strict, "SHOULD findings fail the run as well");
  app.add_flag("--slow", o.slow, "also run the scenarios marked 'slow:' (the RFC 1939 #3 autologout ones wait over 10 minutes)");
}

// Which scenarios a command takes, the same for run, list, lint and coverage.
void add_selection_options(CLI::App& app, pop3::Selection& s) {
  app.add_option("--filter", s.filter, "Only scenarios whose id matches this glob (e.g. 'rfc1939/dele-*')");
  app.add_option("--exclude", s.excludes, "Leave out the scenarios whose id matches this glob (repeatable)")
      ->allow_extra_args(false);
  app.add_option_function<std::string>(
         "--shard",
         [&s](const std::string& text) {
           if (!pop3::parse_shard(text, s)) throw CLI::ValidationError("--shard", "K/N with 1 <= K <= N, e.g. 2/4");
         },
         "Only shard K of N (e.g. 2/4): a stable partition of the scenario ids, for a run spread over CI machines "
         "(merge the reports with 'report merge')")
      ->type_name("K/N");
}

// prop and fuzz: this machine's part of a campaign spread over several.
void add_campaign_shard(CLI::App& app, pop3::Shard& shard, const std::string& budget) {
  app.add_option_function<std::string>(
         "--shard",
         [&shard](const std::string& text) {
           if (!pop3::parse_shard(text, shard)) throw CLI::ValidationError("--shard", "K/N with 1 <= K <= N, e.g. 2/4");
         },
         "Only shard K of N (e.g. 2/4) of the campaign: " + budget +
             " from a seed derived from --seed and K (printed; it replays the shard alone), for a campaign spread "
             "over CI machines (merge the reports with 'report merge')")
      ->type_name("K/N");
}

// Each subcommand and its options (the order --help shows).
CLI::App* add_run(CLI::App& app, pop3::RunOptions& o) {
  auto* run = app.add_subcommand("run", "Play scenario files as a client against a POP3 server");
  run->add_option("paths", o.paths, "Scenario files or folders (recursive); default: scenarios/rfc1939");
  add_target_options(*run, o);
  run->add_option("--users", o.users_file, "Account pool for --jobs: 'user pass [maildir=DIR|reset=CMD]' per line")
      ->check(CLI::ExistingFile);
  run->add_option("--jobs,-j", o.jobs, "Scenarios run in parallel, one account each")->check(CLI::Range(1u, 64u));
  add_selection_options(*run, o.selection);
  run->add_option("--seed", o.seed, "Shuffle the scenario order with this seed (printed, recorded in the report)");
  run->add_option("--known", o.known,
                  "Known deviations of the target: a scenario id, requirement id (the checks verifying it) or glob "
                  "per line, the reason after it or in the '#' lines above; found again they are XFAIL (JUnit "
                  "skipped) and do not fail the run")
      ->check(CLI::ExistingFile);
  run->add_flag("--strict-known", o.strict_known, "A known deviation that passed (XPASS) fails the run")
      ->needs("--known");
  run->add_option("--client-cmd", o.client_cmd,
                  "Test a client: run scenarios/clients with this command, a template with {host} {port} {user} "
                  "{pass} {tls} {cafile} {outdir}");
  run->add_option("--client-saves", o.client_saves, "exact, or lf when the client stores LF line ends")
      ->check(CLI::IsMember({"exact", "lf"}))->capture_default_str();
  run->add_option("--client-timeout", o.client_timeout_seconds, "Seconds the client may run per scenario")
      ->capture_default_str()->check(CLI::Range(0.1, 3600.0));
  run->get_option("--insecure")->excludes("--cafile");
  // A client's scenarios say their own TLS mode ({tls}) and bring their own
  // CA ({cafile}): the server-side options would be silently ignored.
  for (const char* target_only : {"--target", "--tls", "--tls-target", "--cafile", "--insecure"})
    run->get_option("--client-cmd")->excludes(target_only);
  return run;
}

CLI::App* add_prop(CLI::App& app, pop3::PropOptions& po) {
  auto* prop = app.add_subcommand("prop", "Property-test a server with random command sequences checked against a "
                                          "model of the maildrop; shrink a failure to a scenario file");
  add_target_options(*prop, po.common);
  prop->add_option("--runs", po.runs, "Test cases that must pass")->capture_default_str()->check(CLI::Range(1, 1000000));
  prop->add_option("--seed", po.seed, "Seed of every random choice (printed; the same seed gives the same cases)");
  add_campaign_shard(*prop, po.shard, "its share of --runs");
  prop->add_option("--max-commands", po.max_commands, "Steps in the longest case")
      ->capture_default_str()->check(CLI::Range(1, 1000));
  prop->add_option("--fixture", po.fixture, "Folder of messages the mailbox is reset to before each case")
      ->capture_default_str();
  prop->add_option("--out", po.out, "Where the shrunk counterexample and findings are written as scenario files")
      ->capture_default_str();
  prop->add_option("--reference", po.reference,
                   "Differential mode: HOST:PORT of a second server (plaintext) that must behave the same");
  prop->add_option("--reference-user", po.reference_user, "Its account (default: --user)");
  prop->add_option("--reference-pass", po.reference_pass, "Its password (default: --pass; or POP3_REFERENCE_PASS)");
  prop->add_option("--reference-maildir", po.reference_maildir, "Its maildir, reset before each case");
  prop->add_option("--reference-reset-cmd", po.reference_reset_cmd, "Or a command that resets it");
  prop->add_option("--ignore-difference", po.ignore_differences,
                   "Differential mode: answers of the two servers that differ at this command (e.g. TOP, or "
                   "SECOND-SESSION) are no finding; repeatable (every other difference is still reported, each set "
                   "aside in turn)")
      ->allow_extra_args(false)->needs("--reference")
      ->transform([](std::string k) {
        for (auto& c : k) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return k;
      });
  prop->get_option("--insecure")->excludes("--cafile");
  return prop;
}

CLI::App* add_fuzz(CLI::App& app, pop3::FuzzOptions& fo) {
  auto* fuzz = app.add_subcommand("fuzz", "Fuzz a server with mutated commands: crash, hang and protocol-violation "
                                          "oracles; each finding minimized and saved as a scenario file");
  add_target_options(*fuzz, fo.common);
  fuzz->add_option("--target-cmd", fo.target_cmd,
                   "Shell command that runs the server at --target: the harness starts it, restarts it after a "
                   "crash, and records its exit status or signal and stderr");
  fuzz->add_option("--cases", fo.cases, "Run this many cases")->check(CLI::Range(1ull, 100000000ull));
  fuzz->add_option("--seconds", fo.seconds, "Or run for this long (default 10)")->check(CLI::Range(0.1, 604800.0));
  fuzz->add_option("--seed", fo.seed, "Seed of every case (printed; the same seed gives the same cases)");
  add_campaign_shard(*fuzz, fo.shard, "its share of --cases (or all of --seconds)");
  fuzz->add_option("--sessions", fo.sessions,
                   "Sessions at once: up to 4 logged in when the server takes concurrent logins (else 1), "
                   "the others fuzzing the AUTHORIZATION state")
      ->capture_default_str()->check(CLI::Range(1u, 256u));
  fuzz->add_option("--minimize-attempts", fo.minimize_attempts, "Replays spent minimizing each finding")
      ->capture_default_str()->check(CLI::Range(0, 10000));
  fuzz->add_option("--fixture", fo.fixture, "Folder of messages put in the mailbox first")->capture_default_str();
  fuzz->add_option("--dict", fo.dictionary, "Tokens to splice into commands (libFuzzer dictionary format)")
      ->capture_default_str();
  fuzz->add_option("--out", fo.out, "Where reproducers (fuzz-*.pop3) and the target's stderr are written")
      ->capture_default_str();
  fuzz->add_option("--client-cmd", fo.common.client_cmd,
                   "Fuzz a client instead: the harness is a hostile server, and runs this command once per case "
                   "(a template with {host} {port} {user} {tls} {cafile} {outdir}, as for run)");
  fuzz->add_option("--client-saves", fo.common.client_saves, "exact, or lf when the client stores LF line ends")
      ->capture_default_str()->check(CLI::IsMember({"exact", "lf"}));
  fuzz->add_option("--client-timeout", fo.common.client_timeout_seconds,
                   "Seconds the client may run per case before it counts as hung")
      ->capture_default_str()->check(CLI::Range(0.5, 3600.0));
  fuzz->add_option("--jobs,-j", fo.jobs, "With --client-cmd: clients running at once")
      ->capture_default_str()->check(CLI::Range(1u, 16u));
  fuzz->get_option("--insecure")->excludes("--cafile");
  fuzz->get_option("--cases")->excludes("--seconds");
  fuzz->get_option("--client-cmd")->excludes("--target")->excludes("--target-cmd");
  return fuzz;
}

CLI::App* add_load(CLI::App& app, pop3::LoadOptions& lo) {
  auto* load = app.add_subcommand("load", "Load a server with many simulated clients at once, each session's view "
                                          "checked against a model of its account's maildrop; latency percentiles");
  pop3::RunOptions& c = lo.common;
  load->add_option("--target", c.target, "HOST:PORT of the server; default: the built-in reference server");
  load->add_option("--tls", c.tls, "none, stls or implicit")->check(CLI::IsMember({"none", "stls", "implicit"}));
  load->add_option("--user", c.user, "One account's user name");
  load->add_option("--pass", c.pass, "Its password, or every --user-pattern account's (prefer POP3_PASS)");
  load->add_option("--maildir", c.maildir, "--user's maildir: the fixture is put there first");
  load->add_option("--reset-cmd", c.reset_cmd, "Or a command that puts it there (env: POP3_FIXTURE_DIR, POP3_USER)");
  load->add_option("--users", lo.users_file,
                   "Many accounts: 'user password [login=user|apop|plain] [maildir=DIR | reset=COMMAND]' per line "
                   "(as run --users)")
      ->check(CLI::ExistingFile);
  load->add_option("--login", lo.login,
                   "How accounts without login= log in: user (USER/PASS), apop or plain (AUTH PLAIN); default: "
                   "what the server offers (USER/PASS first)")
      ->check(CLI::IsMember({"user", "apop", "plain"}));
  load->add_option_function<std::string>(
      "--shard",
      [&lo](const std::string& text) {
        if (!pop3::parse_shard(text, lo.shard)) throw CLI::ValidationError("--shard", "K/N with 1 <= K <= N, e.g. 2/4");
      },
      "Only shard K of N (e.g. 2/4) of the accounts (a stable partition of --users or the pattern), from a seed "
      "derived from --seed and K: several machines load one server (merge the reports and the --stats-json files "
      "with 'report merge')");
  load->add_option("--user-pattern", lo.user_pattern, "Accounts named by a pattern, e.g. 'load{n}' (with --users-count)");
  load->add_option("--users-count", lo.users_count, "How many: {n} = 1..N (with the built-in server: its accounts)")
      ->check(CLI::Range(1u, 1000000u));
  load->add_option("--cafile", c.cafile, "CA certificates to verify the server with")->check(CLI::ExistingFile);
  load->add_flag("--insecure", c.insecure, "Do not verify the server's certificate");
  load->add_option("--clients", lo.clients, "Sessions at once, at most")->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  load->add_option("--duration", lo.duration, "Seconds to run")->capture_default_str()->check(CLI::Range(0.1, 604800.0));
  load->add_option("--sessions", lo.sessions, "Or this many sessions in all")->check(CLI::Range(1ull, 1000000000ull));
  load->add_option("--rate", lo.rate,
                   "Start this many sessions per second whatever the server's pace (open loop; default: each client "
                   "runs sessions back to back)")
      ->check(CLI::Range(0.01, 1000000.0));
  load->add_option("--profile", lo.profile,
                   "leave-on-server (RETR what UIDL shows is new), download (RETR and DELE all), mixed (some "
                   "RETR again, some DELE, some sessions dropped without QUIT), or a profile FILE ('key = value' "
                   "lines: retrieve, retrieve-again, delete, delete-what, drop, think; see the README)")
      ->capture_default_str();
  load->add_option("--deliver", lo.deliver,
                   "A shell command that delivers one message, for accounts whose maildir the harness cannot write: "
                   "run with POP3_USER and POP3_MESSAGE_FILE in its environment, e.g. "
                   "'/usr/lib/dovecot/dovecot-lda -d \"$POP3_USER\" < \"$POP3_MESSAGE_FILE\"'");
  load->add_option("--seed", lo.seed, "Seed of every random choice (printed)");
  load->add_option("--fixture", lo.fixture, "Messages put in each maildrop the harness can write, first")
      ->capture_default_str();
  load->add_option("--timeout", c.timeout_seconds, "Seconds for each connect and whole response (10 s more per MiB)")
      ->capture_default_str()->check(CLI::Range(0.05, 3600.0));
  load->add_option("--login-timeout", c.login_timeout_seconds, "Seconds to wait for the answer to PASS")
      ->capture_default_str()->check(CLI::Range(0.05, 3600.0));
  load->add_option("--junit", c.junit, "JUnit XML report path: one testcase per invariant")->capture_default_str();
  load->add_option("--report-json", c.report_json, "Also write the verdicts as JSON (pop3-harness-results)");
  load->add_option("--html", c.html, "Also write the verdicts as an HTML report (one self-contained page)");
  load->add_option("--stats-json", lo.stats_json,
                   "Also write the statistics as JSON: counters and latency histograms (mergeable buckets)");
  load->get_option("--insecure")->excludes("--cafile");
  load->get_option("--sessions")->excludes("--duration");
  load->get_option("--users")->excludes("--user")->excludes("--user-pattern");
  load->get_option("--user-pattern")->excludes("--user")->needs("--users-count");
  return load;
}

CLI::App* add_serve(CLI::App& app, pop3::ServeOptions& so) {
  auto* serve = app.add_subcommand("serve", "Run the reference POP3 server (loopback unless told otherwise)");
  serve->add_option("--listen", so.listen, "HOST:PORT for plaintext and STLS; port 0 picks a free one")
      ->capture_default_str();
  serve->add_option("--tls-listen", so.tls_listen, "HOST:PORT for implicit TLS (RFC 8314)");
  serve->add_option("--maildir", so.maildir, "The account's maildir (created if missing)");
  serve->add_option("--user", so.user, "Account user name");
  serve->add_option("--pass", so.pass, "Account password (prefer POP3_PASS in the environment)");
  serve->add_option("--users", so.users_file, "More accounts: 'user pass maildir=DIR' per line")
      ->check(CLI::ExistingFile);
  serve->add_option("--tls-cert", so.tls_cert, "PEM certificate chain; offers STLS")->check(CLI::ExistingFile);
  serve->add_option("--tls-key", so.tls_key, "PEM private key")->check(CLI::ExistingFile);
  serve->add_option("--write-cert", so.write_cert,
                    "Generate a self-signed certificate for localhost and 127.0.0.1, offer STLS, write it (PEM) here");
  serve->add_flag("--no-apop", so.no_apop, "Do not offer APOP (no timestamp in the greeting)");
  serve->add_option("--idle-timeout", so.idle_timeout_seconds,
                    "Seconds of client silence before a session is closed (RFC 1939 autologout; default 600)")
      ->check(CLI::Range(0.1, 86400.0));
  serve->add_option("--max-sessions", so.max_sessions,
                    "Sessions at once per listener; more are greeted with -ERR [SYS/TEMP] and closed (default 1000)")
      ->check(CLI::Range(1, 100000));
  serve->add_option("--fault", so.faults, "Deviate on purpose: a fault NAME (repeatable); '--fault help' lists them");
  serve->get_option("--tls-cert")->needs("--tls-key");
  serve->get_option("--tls-key")->needs("--tls-cert");
  serve->get_option("--write-cert")->excludes("--tls-cert");
  return serve;
}

}  // namespace

int main(int argc, char** argv) {
  // Line by line even into a pipe: a CI log shows each scenario as it ends,
  // and a run killed by the CI's timeout has still said how far it got.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  CLI::App app{"pop3-harness: conformance, property and fuzz testing for POP3", "pop3-harness"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("pop3-harness ") + pop3::kVersion);
  // Every subcommand's options in one text: what the man page is made from.
  app.set_help_all_flag("--help-all", "Print the help of every subcommand and exit");

  pop3::RunOptions o;
  auto* run = add_run(app, o);

  pop3::PropOptions po;
  po.common.junit = "reports/out/prop.xml";
  auto* prop = add_prop(app, po);

  pop3::FuzzOptions fo;
  fo.common.junit = "reports/out/fuzz.xml";
  fo.common.timeout_seconds = 2;
  fo.common.client_timeout_seconds = 5;
  auto* fuzz = add_fuzz(app, fo);

  pop3::LoadOptions ldo;
  ldo.common.junit = "reports/out/load.xml";
  auto* load = add_load(app, ldo);

  pop3::ServeOptions so;
  auto* serve = add_serve(app, so);

  pop3::CoverageOptions co;
  auto* coverage = app.add_subcommand("coverage", "Which catalog requirements the scenarios verify, and which not");
  coverage->add_option("paths", co.paths, "Scenario folders (default: scenarios)");
  coverage->add_option("--catalog", co.catalog, "The requirement catalog (default: requirements/catalog.tsv)");

  pop3::ListOptions lo;
  auto* list = app.add_subcommand("list", "What each scenario checks (id, severity, RFC section, title, requirements), "
                                          "without running it");
  list->add_option("paths", lo.paths, "Scenario files or folders (default: every suite, scenarios/)");
  add_selection_options(*list, lo.selection);
  list->add_option("--format", lo.format, "text, ids (one per line) or json")
      ->check(CLI::IsMember({"text", "ids", "json"}))->capture_default_str();
  pop3::ListOptions linto;
  auto* lint = app.add_subcommand("lint", "Parse scenario files and check their requirement citations without running "
                                          "them: every error at once, exit 2 when there is one");
  lint->add_option("paths", linto.paths, "Scenario files or folders (default: every suite, scenarios/)");
  add_selection_options(*lint, linto.selection);

  pop3::ReportMergeOptions mo;
  auto* report = app.add_subcommand("report", "Work on reports already written");
  report->require_subcommand(1);
  auto* merge = report->add_subcommand("merge", "Combine JSON reports (--report-json) of shards or campaigns into "
                                                "one JUnit and JSON report, and exit as the whole run would");
  merge->add_option("reports", mo.inputs, "The JSON reports")->required()->check(CLI::ExistingFile);
  merge->add_option("--junit", mo.junit, "JUnit XML report path")->capture_default_str();
  merge->add_option("--report-json", mo.report_json, "Also write the merged results as JSON here");
  merge->add_option("--stats-json", mo.stats_json, "Write the merged load statistics (--stats-json of load shards) here");
  merge->add_option("--html", mo.html, "Also write an HTML report here (one self-contained page)");
  merge->add_flag("--compare", mo.compare,
                  "Do not merge: one HTML page (--html) with the reports side by side, requirement by requirement "
                  "(several servers, or several runs of one)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : pop3::kUsage;
  }
  if (const char* p = std::getenv("POP3_PASS")) {
    if (o.pass.empty()) o.pass = p;
    if (so.pass.empty()) so.pass = p;
  }
  o.color = ::isatty(1) && !std::getenv("NO_COLOR");
  if (const char* p = std::getenv("POP3_PASS"); p && po.common.pass.empty()) po.common.pass = p;
  if (const char* p = std::getenv("POP3_PASS"); p && fo.common.pass.empty()) fo.common.pass = p;
  if (const char* p = std::getenv("POP3_PASS"); p && ldo.common.pass.empty()) ldo.common.pass = p;
  if (const char* p = std::getenv("POP3_REFERENCE_PASS"); p && po.reference_pass.empty()) po.reference_pass = p;
  if (*run) return pop3::run_command(o);
  if (*prop) return pop3::prop_command(po);
  if (*fuzz) return pop3::fuzz_command(fo);
  if (*serve) return pop3::serve_command(so);
  if (*load) return pop3::load_command(ldo);
  if (*coverage) return pop3::coverage_command(co);
  if (*list) return pop3::list_command(lo);
  if (*merge) return pop3::report_merge_command(mo);
  if (*lint) return pop3::lint_command(linto);
  return pop3::kUsage;
}
