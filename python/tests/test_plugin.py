"""The pytest plugin as pytest users meet it, through pytester."""

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

MESSAGE = "Subject: one\r\n\r\nbody line\r\n"

GOOD = """scenario: STAT counts the fixture
rfc: rfc1939#5
severity: MUST
fixture: one

S: +OK {*}
C: USER {user}
S: +OK {*}
C: PASS {pass}
S: +OK {*}
C: STAT
S: +OK 1 {*}
"""

FAILING = GOOD.replace("scenario: STAT counts the fixture", "scenario: STAT sees two messages").replace(
    "S: +OK 1 {*}", "S: +OK 2 {*}")

SHOULD = GOOD.replace("severity: MUST", "severity: SHOULD").replace("scenario: STAT", "scenario: SHOULD STAT")

MISSING_CAPABILITY = GOOD.replace("fixture: one", "fixture: one\nrequires: X-NO-SUCH-CAPABILITY")

PARSE_ERROR = GOOD.replace("C: STAT", "C STAT without a colon")


@pytest.fixture
def suite(pytester):
    """A scenario folder with its fixture, as users lay one out."""
    (pytester.path / "fixtures" / "one").mkdir(parents=True)
    (pytester.path / "fixtures" / "one" / "01.eml").write_bytes(MESSAGE.encode())
    return pytester


def run(pytester, *args):
    return pytester.runpytest_subprocess("-p", "pop3_harness.pytest_plugin", "-p", "no:cacheprovider", *args)


def test_each_scenario_file_is_an_item_that_passes_against_the_built_in_server(suite):
    suite.makefile(".pop3", good=GOOD)
    result = run(suite, "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*good.pop3::good PASSED*"])


def test_a_failure_shows_the_check_expected_actual_transcript_and_rfc(suite):
    suite.makefile(".pop3", failing=FAILING)
    result = run(suite)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*STAT sees two messages*MUST, rfc1939#5*",
        "*failing.pop3:12: S: +OK 2 {[*]}*[[]MUST rfc1939#5[]]*",
        "*expected: +OK 2 {[*]}*",
        "*actual:*+OK 1 *",
        "*transcript:*",
        "*C: STAT*",
    ])


def test_a_missing_capability_skips_with_the_reason(suite):
    suite.makefile(".pop3", needs=MISSING_CAPABILITY)
    result = run(suite, "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*does not advertise X-NO-SUCH-CAPABILITY*"])


def test_a_requires_tag_that_no_server_can_advertise_is_a_parse_error(suite):
    suite.makefile(".pop3", typo=GOOD.replace("fixture: one", "fixture: one\nrequires: UIDLL"))
    result = run(suite)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*typo.pop3:5:11: error*did you mean 'UIDL'*"])


def test_a_parse_error_fails_with_file_line_column_and_the_rest_still_runs(suite):
    suite.makefile(".pop3", broken=PARSE_ERROR, good=GOOD)
    result = run(suite)
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["*broken.pop3:11:1: error*"])


def test_an_unreachable_target_is_one_error_naming_it_and_no_failure(suite):
    suite.makefile(".pop3", good=GOOD, other=FAILING)
    result = run(suite, "--pop3-target", "127.0.0.1:1", "--pop3-user", "u", "--pop3-pass", "p",
                 "--pop3-maildir", str(suite.path / "md"), "--junitxml", "out.xml")
    result.assert_outcomes(errors=1, skipped=1)
    result.stdout.fnmatch_lines(["*the target cannot be tested: nothing answers at 127.0.0.1:1*refused*"])
    root = ET.parse(suite.path / "out.xml").getroot()
    assert not list(root.iter("failure"))


def test_a_wrong_password_is_one_error_naming_the_account(suite, pop3_server_for_tests):
    suite.makefile(".pop3", good=GOOD)
    s = pop3_server_for_tests
    result = run(suite, "--pop3-target", s.target, "--pop3-user", s.user, "--pop3-pass", "not-" + s.password,
                 "--pop3-maildir", s.maildir)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*login as pytest (USER/PASS) refused*check --user, --pass or POP3_PASS*"])


def test_strict_makes_a_should_finding_fail(suite):
    suite.makefile(".pop3", should=SHOULD.replace("S: +OK 1 {*}", "S: +OK 2 {*}"))
    run(suite).assert_outcomes(passed=1, warnings=1)
    run(suite, "--pop3-strict").assert_outcomes(failed=1)


def test_a_known_deviation_is_xfail_with_its_reason_and_one_that_passes_is_xpass(suite):
    suite.makefile(".pop3", failing=FAILING, should=SHOULD.replace("S: +OK 1 {*}", "S: +OK 2 {*}"), good=GOOD,
                   other=FAILING.replace("STAT sees two", "STAT still sees two"))
    (suite.path / "known.txt").write_text("# STAT is off by one on this server (https://bugs.example/7)\n"
                                          "failing\nshould  a SHOULD finding we accept\ngood\n")
    result = run(suite, "-rxX", "--pop3-known", "known.txt")
    result.assert_outcomes(xfailed=2, xpassed=1, failed=1)
    result.stdout.fnmatch_lines(["*XFAIL*failing*known deviation (known.txt:2): STAT is off by one*bugs.example/7*"])
    result = run(suite, "--pop3-known", "known.txt", "--pop3-strict-known")
    result.assert_outcomes(xfailed=2, failed=2)


def test_a_known_requirement_id_excuses_the_checks_verifying_it_and_says_when_they_all_pass(suite):
    suite.makefile(".pop3", failing=FAILING.replace("severity: MUST", "severity: MUST\nrequirements: 1939-5-STAT-2"),
                   good=GOOD.replace("severity: MUST", "severity: MUST\nrequirements: 1939-4-QUIT-1"))
    (suite.path / "known.txt").write_text("1939-5-STAT-2  STAT is off by one\n1939-4-QUIT-1  listed, but it passes\n")
    result = run(suite, "-rxX", "--pop3-known", "known.txt")
    result.assert_outcomes(xfailed=1, passed=1)
    result.stdout.fnmatch_lines(["*XPASS 1939-4-QUIT-1: every check verifying it passed*known.txt:2*",
                                 "*XFAIL*failing*known deviation (known.txt:1): STAT is off by one*"])
    assert result.ret == 0
    result = run(suite, "--pop3-known", "known.txt", "--pop3-strict-known")
    result.assert_outcomes(xfailed=1, passed=1)
    assert result.ret == 1


def test_shards_split_the_scenarios_between_runs_and_leave_no_temp_folders(suite, monkeypatch):
    for name in "abcde":
        suite.makefile(".pop3", **{f"s_{name}": GOOD})
    tmp = suite.path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    counts = []
    for k in (1, 2):
        result = run(suite, "--pop3-shard", f"{k}/2")
        outcomes = result.parseoutcomes()
        counts.append((outcomes.get("passed", 0), outcomes.get("deselected", 0)))
    assert sorted(p for p, _ in counts) == [2, 3] and all(p + d == 5 for p, d in counts), counts
    assert not list(tmp.glob("pop3-harness-py-*"))
    # A file that does not parse is in exactly one shard, and fails there.
    suite.makefile(".pop3", s_broken=PARSE_ERROR)
    failed = [run(suite, "--pop3-shard", f"{k}/2").parseoutcomes().get("failed", 0) for k in (1, 2)]
    assert sorted(failed) == [0, 1], failed


def test_markers_select_by_severity_and_rfc_and_k_by_name(suite):
    suite.makefile(".pop3", must=GOOD, should=SHOULD)
    run(suite, "-m", "should").assert_outcomes(passed=1)
    run(suite, "-m", "must and rfc1939").assert_outcomes(passed=1)
    run(suite, "-m", "rfc2449").assert_outcomes()
    run(suite, "-k", "should").assert_outcomes(passed=1)


def test_x_stops_at_the_first_failure_and_lf_reruns_only_it(suite):
    suite.makefile(".pop3", a_failing=FAILING, b_good=GOOD)
    result = suite.runpytest_subprocess("-p", "pop3_harness.pytest_plugin", "-x")
    result.assert_outcomes(failed=1)
    result = suite.runpytest_subprocess("-p", "pop3_harness.pytest_plugin", "--lf")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*1 deselected*"])


def test_junitxml_names_every_scenario_with_its_rfc_and_severity(suite):
    suite.makefile(".pop3", good=GOOD, failing=FAILING)
    run(suite, "--junitxml", "out.xml")
    root = ET.parse(suite.path / "out.xml").getroot()
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == {"good", "failing"}
    assert cases["failing"].find("failure") is not None
    props = {p.get("name"): p.get("value") for p in cases["good"].iter("property")}
    assert props["rfc"] == "rfc1939#5" and props["severity"] == "MUST"


def test_a_should_finding_passes_with_a_warning(suite):
    suite.makefile(".pop3", should=SHOULD.replace("S: +OK 1 {*}", "S: +OK 2 {*}"))
    result = run(suite)
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["*Pop3ShouldWarning*SHOULD rfc1939#5*"])


def test_fixtures_run_scenarios_and_property_campaigns_from_python(suite):
    suite.makefile(".pop3", good=GOOD)
    suite.makepyfile(test_api=f"""
        def test_prop_against_the_session_server(pop3_harness, pop3_server):
            results = pop3_harness.against(pop3_server).prop(runs=20, seed=7, out="prop-out")
            assert results.passed, results.stdout
            assert results.command == "prop" and results.seed == "7"
            assert results.scenarios[0].checks[0].outcome == "passed"

        def test_run_a_scenario(pop3_harness, pop3_server):
            results = pop3_harness.against(pop3_server).run("good.pop3")
            assert results.passed
            assert results.scenario("good.pop3").outcome == "passed"
            assert [c.label for c in results.checks][-1] == "S: +OK 1 {{*}}"
    """)
    result = run(suite, "test_api.py")
    result.assert_outcomes(passed=2)


def test_fuzz_campaigns_from_python_find_a_crash_and_pass_a_correct_server(pytester):
    binary = os.environ["POP3_HARNESS"]
    pytester.makepyfile(test_fuzz=f"""
        import dataclasses, glob, os, socket

        def free_port():
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                return s.getsockname()[1]

        def test_the_correct_server_gives_no_finding(pop3_harness, pop3_server):
            results = pop3_harness.against(pop3_server).fuzz(cases=400, seed=5, out="clean")
            assert results.passed, results.stdout
            assert results.command == "fuzz" and results.seed == "5"
            assert results.findings == []
            assert all(c.outcome == "passed" for c in results.checks) and results.checks

        def test_a_crashing_server_is_found_and_reproduced(pop3_harness, tmp_path):
            port = free_port()
            maildir = tmp_path / "md"
            cmd = f"{binary} serve --listen 127.0.0.1:{{port}} --user u --maildir {{maildir}} --fault top-negative-crash"
            h = dataclasses.replace(pop3_harness, target=f"127.0.0.1:{{port}}", user="u", password="p",
                                    maildir=str(maildir))
            results = h.fuzz(cases=3000, seed=1, target_cmd=cmd, out=str(tmp_path / "out"))
            assert results.conformance_failure, results.stdout
            crash = results.findings[0]
            assert crash.label.startswith("crash:") and "SIGABRT" in crash.actual
            assert "top-negative-crash" in crash.transcript or "SIGABRT" in crash.transcript
            assert glob.glob(str(tmp_path / "out" / "fuzz-*-crash-*.pop3"))
            assert any(c.label.startswith("replay:") and c.outcome == "passed" for c in results.checks)
    """)
    result = run(pytester, "test_fuzz.py")
    result.assert_outcomes(passed=2)


CLIENT_RETRIEVES = """scenario: the client retrieves the message and ends with QUIT
rfc: rfc1939#5
severity: MUST
role: server
fixture: one

expect: last QUIT
expect: exit 0
expect: saved all
"""


def test_server_role_scenarios_test_the_client_given_and_are_skipped_without_one(suite):
    root = Path(__file__).resolve().parents[2]
    poplib = (f"/usr/bin/python3 {root}/ci/clients/poplib_client.py {{host}} {{port}} {{user}} {{tls}} {{cafile}} "
              f"{{outdir}} {{keep}} {{statedir}}")
    suite.makefile(".pop3", good=GOOD, client=CLIENT_RETRIEVES)
    without = run(suite, "-rs")
    without.assert_outcomes(passed=1, skipped=1)
    without.stdout.fnmatch_lines(["*give --pop3-client-cmd*"])
    with_poplib = run(suite, "-v", "--pop3-client-cmd", poplib, "--pop3-client-timeout", "20")
    with_poplib.assert_outcomes(passed=2)
    with_poplib.stdout.fnmatch_lines(["*client.pop3::client PASSED*"])
    # A client command that never connects is said once, as an error, not as a failed check.
    broken = run(suite, "--pop3-client-cmd", "false")
    broken.assert_outcomes(passed=1, errors=1)
    broken.stdout.fnmatch_lines(["*the client never connected to the server: it exited 1: check --client-cmd*"])


def test_clients_are_tested_and_fuzzed_from_python(pytester):
    root = Path(__file__).resolve().parents[2]
    poplib = (f"/usr/bin/python3 {root}/ci/clients/poplib_client.py {{host}} {{port}} {{user}} {{tls}} {{cafile}} "
              f"{{outdir}} {{keep}} {{statedir}}")
    planted = f"/usr/bin/python3 {root}/tests/integration/fuzz_client.py"
    pytester.makepyfile(test_clients=f"""
        def test_poplib_retrieves_dot_stuffed_mail(pop3_harness):
            results = pop3_harness.run("{root}/scenarios/clients/retrieve-dot-lines.pop3",
                                       "{root}/scenarios/clients/retrieve-basic.pop3",
                                       client_cmd={poplib!r}, client_timeout=20)
            assert results.passed, results.stdout
            assert len(results.scenarios) == 2

        def test_a_careful_client_gives_no_finding(pop3_harness, tmp_path):
            results = pop3_harness.fuzz(cases=40, seed=1, out=str(tmp_path / "careful"), client_timeout=2,
                                        client_cmd={planted!r} + " careful {{host}} {{port}} {{user}} {{outdir}}")
            assert results.passed, results.stdout
            assert results.command == "fuzz" and results.findings == []

        def test_a_client_that_crashes_on_a_long_greeting_is_found(pop3_harness, tmp_path):
            results = pop3_harness.fuzz(cases=300, seed=1, out=str(tmp_path / "crash"), client_timeout=2, jobs=2,
                                        client_cmd={planted!r} + " crash-on-long-greeting {{host}} {{port}} {{user}} {{outdir}}")
            assert results.conformance_failure, results.stdout
            assert any(f.label.startswith("crash:") and f.actual == "signal 11" for f in results.findings), results.stdout
    """)
    result = run(pytester, "test_clients.py")
    result.assert_outcomes(passed=3)


def test_the_json_results_format_is_versioned(pytester):
    binary = os.environ["POP3_HARNESS"]
    out = pytester.path / "r.json"
    pytester.run(binary, "prop", "--runs", "5", "--seed", "1", "--report-json", str(out),
                 "--junit", str(pytester.path / "j.xml"), "--out", str(pytester.path / "o"))
    data = json.loads(out.read_text())
    assert data["format"] == "pop3-harness-results" and data["version"] == 1
    assert data["properties"]["seed"] == "1"
