"""The commands, in-process: what each prints and its exit code."""

import json
import re
from pathlib import Path

import pytest

import cqfacts
from cqfacts import __version__
from cqfacts.cli.app import ExitCode
from cqfacts.facts.model import FACT_KEYS
from tests.helpers import main_in_process

FACT_KEY_SET = set(FACT_KEYS)
README = Path(__file__).parents[1] / "README.md"


def test_search_draws_a_table(run):
    result = run("search", "高新技术企业")
    assert result.exit_code == ExitCode.FOUND
    assert result.stdout == (
        "Figure            Label / id                   Topic         Where\n"
        "──────────────────────────────────────────────────────────────────\n"
        "7565家 增长19.2%  高新技术企业总数             高新技术企业  4.1\n"
        "                  high-tech-enterprises-total\n"
        "3071家            新认定高新技术企业           高新技术企业  4.1\n"
        "                  high-tech-enterprises-new\n"
    )


def test_search_json_has_the_contract_keys_and_a_score(run):
    result = run("search", "gxjsqy", "--json")
    assert result.exit_code == ExitCode.FOUND
    records = json.loads(result.stdout)
    assert [record["id"] for record in records] == [
        "high-tech-enterprises-total",
        "high-tech-enterprises-new",
    ]
    assert set(records[0]) == FACT_KEY_SET | {"score", "match", "years"}
    assert set(records[0]["match"]) == {"field", "how"}
    assert result.stderr == ""


def test_search_finding_nothing_exits_1_with_a_hint_on_stderr(run):
    result = run("search", "技术经纪")
    assert result.exit_code == ExitCode.FOUND
    result = run("search", "banana")
    assert result.exit_code == ExitCode.NOTHING_FOUND
    assert result.stdout == ""
    assert result.stderr.startswith("cqfacts: nothing found for 'banana'.\n")
    result = run("search", "banana", "--json")
    assert (result.exit_code, result.stdout) == (ExitCode.NOTHING_FOUND, "[]\n")


def test_search_options_narrow_results(run):
    result = run("search", "高新技术企业", "--limit", "1", "--json")
    assert [record["id"] for record in json.loads(result.stdout)] == ["high-tech-enterprises-total"]
    assert run("search", "高新技术企业", "--pillar", "0").exit_code == ExitCode.NOTHING_FOUND
    assert run("search", "转化", "--kind", "policy").exit_code == ExitCode.FOUND
    assert run("search", "转化", "--kind", "law").exit_code == ExitCode.USAGE_ERROR
    assert run("search", "x", "--limit", "0").exit_code == ExitCode.USAGE_ERROR


def test_search_in_english(run):
    result = run("search", "technology brokers", "--lang", "en")
    assert "Technology brokers newly trained" in result.stdout
    assert "Technology brokers " in result.stdout


def test_pillar_accepts_chinese_numerals(run):
    assert run("pillar", "四").stdout == run("pillar", "4").stdout
    assert run("pillar", "4").stdout.startswith("四、强化企业创新主体地位取得新突破\n")


def test_pillar_json_shape(run):
    result = run("pillar", "4", "--json")
    record = json.loads(result.stdout)
    assert set(record) == {"pillar", "title", "title_en", "sections", "fact_count", "facts"}
    assert record["pillar"] == 4 and record["fact_count"] == 4
    assert set(record["sections"][0]) == {"section", "title", "title_en", "fact_count"}
    assert set(record["facts"][0]) == FACT_KEY_SET


def test_unknown_pillar_is_a_usage_error_naming_the_pillars(run):
    result = run("pillar", "9")
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert result.stderr == "cqfacts: no pillar '9'; pillars are 0, 4 (0 is the overview)\n"


def test_an_empty_pillar_is_a_usage_error_not_a_bug(run):
    """`pillar ""` was an internal error (exit 3); the web API said it already."""
    result = run("pillar", "")
    assert (result.exit_code, result.stderr) == (ExitCode.USAGE_ERROR, "cqfacts: no pillar given\n")


def test_pillars_lists_counts(run):
    result = run("pillars", "--json")
    records = json.loads(result.stdout)
    assert [(r["pillar"], r["fact_count"]) for r in records] == [(0, 1), (4, 4)]
    assert "强化企业创新主体地位取得新突破" in run("pillars").stdout


def test_show_prints_the_fact_and_a_citation(run):
    result = run("show", "tech-brokers-new")
    assert result.exit_code == ExitCode.FOUND
    assert result.stdout.endswith("\n「新培育技术经纪人：1133人（测试报告，四（二））」\n")


def test_show_json_adds_citations_and_the_derived_previous_value(run):
    record = json.loads(run("show", "high-tech-enterprises-total", "--json").stdout)
    assert set(record) == FACT_KEY_SET | {
        "where", "citation", "citation_en", "previous", "years", "series",
    }  # fmt: skip
    assert record["previous"]["derived"] is True
    assert record["previous"]["value"] == 6346  # a count of firms: a whole number
    assert json.loads(run("show", "tech-brokers-new", "--json").stdout)["previous"] is None


def test_show_unknown_id_suggests_the_nearest(run):
    result = run("show", "tech-brokers")
    assert result.exit_code == ExitCode.NOTHING_FOUND
    assert result.stderr == (
        "cqfacts: no fact has the id 'tech-brokers'. Nearest ids: tech-brokers-new. "
        "Search: cqfacts search 'tech brokers'\n"
    )


def test_show_takes_a_label_or_query_whose_best_match_is_clear(run):
    result = run("show", "新培育技术经纪人", "--json")
    assert (result.exit_code, json.loads(result.stdout)["id"]) == (0, "tech-brokers-new")
    assert "tech-brokers-new" in result.stderr and "not an id" in result.stderr
    result = run("show", "technology", "brokers")  # several words are one query
    assert result.exit_code == 0 and "1,133" in result.stdout  # an English query: English
    assert run("show", "TECH-BROKERS-NEW").stderr == ""  # an id in any case


def test_show_lists_the_candidates_of_an_unclear_query(run):
    """科技型 starts the labels of several facts and names no topic: no clear winner."""
    result = run("show", "科技型", facts=None)
    assert result.exit_code == ExitCode.NOTHING_FOUND and result.stdout == ""
    assert "tech-based-enterprises-total, tech-sme-financing-support-policy" in result.stderr
    assert "Search: cqfacts search" in result.stderr


def test_show_of_a_topics_name_is_its_headline_figure(run):
    """高新技术企业 names a topic: its headline (the total, not a part), said on stderr."""
    result = run("show", "高新技术企业", "--json", facts=None)
    assert result.exit_code == ExitCode.FOUND
    assert json.loads(result.stdout)["id"] == "high-tech-enterprises-total"
    assert "high-tech-enterprises-total" in result.stderr


def test_search_takes_unquoted_words_as_one_query(run):
    quoted = run("search", "how many technology brokers", "--json")
    unquoted = run("search", "how", "many", "technology", "brokers", "--json")
    assert quoted.exit_code == 0 and unquoted.stdout == quoted.stdout
    assert json.loads(unquoted.stdout)[0]["id"] == "tech-brokers-new"
    dash = run("search", "--", "-x")  # a query starting with a dash, after --
    assert dash.exit_code == ExitCode.NOTHING_FOUND and "'-x'" in dash.stderr


def test_a_mistyped_command_names_the_nearest(run):
    result = run("serch", "高企")
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert "No such command 'serch'. Did you mean 'search'?" in result.stderr
    assert "Did you mean" not in run("banana").stderr


def test_global_options_also_work_after_the_command(run, small_fact_file):
    after = run("search", "经纪人", "--facts", str(small_fact_file), "--color", "always",
                facts=None)  # fmt: skip
    assert after.exit_code == 0 and "1133人" in after.stdout and "\x1b[" in after.stdout
    before = run("--facts", str(small_fact_file), "list", "--json", facts=None)
    assert len(json.loads(before.stdout)) == 5
    both = run("--facts", str(small_fact_file), "list", "--facts", "+", "--json", facts=None)
    reports = {record["report"] for record in json.loads(both.stdout)}
    assert {"测试报告", "2023年重庆市科技工作总结"} <= reports  # they add up, as --facts repeated
    assert "--facts PATH" in run("show", "--help").stdout


# Completion runs as the console script runs it, in-process (test_cli_process holds a
# real process's completion to the same path): the words are what is checked here.
def _complete(shell: str, **env: str) -> str:
    return main_in_process(env={"_CQFACTS_COMPLETE": f"complete_{shell}", **env})[1].decode()


def test_topic_and_id_completion(small_fact_file):
    words = {"COMP_WORDS": "cqfacts list --topic Tech", "COMP_CWORD": "3"}
    topics = _complete("bash", CQFACTS_FACTS=str(small_fact_file), **words)
    assert topics.split("\n")[:1] == ["Technology\\ brokers"]  # bash: escaped
    words = f"cqfacts --facts {small_fact_file} show high"
    ids = _complete("zsh", _TYPER_COMPLETE_ARGS=words)
    assert '"high-tech-enterprises-total":"高新技术企业总数"' in ids


def test_list_filters_and_exit_codes(run):
    result = run("list", "--kind", "policy", "--json")
    assert [r["id"] for r in json.loads(result.stdout)] == ["university-transfer-measures"]
    result = run("list", "--topic", "technology brokers", "--json")
    assert [r["id"] for r in json.loads(result.stdout)] == ["tech-brokers-new"]
    result = run("list", "--pillar", "0", "--kind", "policy")
    assert result.exit_code == ExitCode.NOTHING_FOUND
    assert result.stderr == "cqfacts: no fact matches these filters.\n"
    assert len(json.loads(run("list", "--json").stdout)) == 5


def test_rank_by_change_and_value(run):
    result = run("rank", "--by", "change", "--json")
    records = json.loads(result.stdout)
    assert [r["id"] for r in records] == ["high-tech-enterprises-total", "rd-investment-total"]
    assert set(records[0]) == FACT_KEY_SET | {"rank"}
    assert records[0]["rank"] == {"by": "change", "value": 19.2, "unit": "%", "converted": False}
    table = run("rank").stdout
    assert "████████████████████" in table and "19.2%" in table
    result = run("rank", "--by", "value", "--unit", "亿元", "--json")
    assert [r["id"] for r in json.loads(result.stdout)] == ["rd-investment-total"]
    assert run("rank", "--by", "value", "--unit", "吨").exit_code == ExitCode.USAGE_ERROR


def test_topics(run):
    records = json.loads(run("topics", "--json").stdout)
    assert set(records[0]) == {"topic", "en", "aliases", "fact_count", "fact_ids"}
    assert records[1]["fact_ids"] == ["high-tech-enterprises-total", "high-tech-enterprises-new"]


def test_export_formats(run, tmp_path):
    assert len(json.loads(run("export", "--format", "json").stdout)) == 5
    assert len(run("export", "--format", "jsonl").stdout.splitlines()) == 5
    assert run("export", "--format", "csv").stdout_bytes.startswith(b"\xef\xbb\xbf")
    copy = tmp_path / "copy.toml"
    copy.write_text(run("export", "--format", "toml").stdout, encoding="utf-8")
    result = run("validate", str(copy))
    assert (result.exit_code, result.stdout) == (ExitCode.FOUND, f"{copy}: valid, 5 facts\n")


def test_validate_reports_every_problem_and_exits_2(run, tmp_path, small_fact_file):
    broken = tmp_path / "broken.toml"
    text = small_fact_file.read_text(encoding="utf-8")
    broken.write_text(
        text.replace('kind = "policy"', 'kind = "law"').replace("value = 1133", 'value = "x"'),
        "utf-8",
    )
    result = run("validate", str(broken))
    assert result.exit_code == ExitCode.USAGE_ERROR
    lines = result.stderr.splitlines()
    assert len(lines) == 3 and lines[-1] == f"{broken}: 2 problems"
    record = json.loads(run("validate", str(broken), "--json").stdout)
    assert record["valid"] is False and len(record["problems"]) == 2


def test_validate_defaults_to_the_fact_file_in_use(run, small_fact_file):
    assert run("validate").stdout == f"{small_fact_file}: valid, 5 facts\n"


def test_fact_file_from_the_environment(run, small_fact_file):
    result = run("list", "--json", facts=None, env={"CQFACTS_FACTS": str(small_fact_file)})
    assert len(json.loads(result.stdout)) == 5


def test_version(run):
    assert run("--version").stdout == f"cqfacts {__version__}\n"


def test_show_takes_an_id_in_any_case_and_suggests_for_any_case(run):
    """Row 19: `show HIGH-TECH-…` gave no nearest ids."""
    upper = run("show", "HIGH-TECH-ENTERPRISES-TOTAL", "--json")
    assert upper.exit_code == ExitCode.FOUND
    assert json.loads(upper.stdout)["id"] == "high-tech-enterprises-total"
    near = run("show", "HIGH-TECH-ENTERPRISES-TOTL")
    assert near.exit_code == ExitCode.NOTHING_FOUND
    assert "high-tech-enterprises-total" in near.stderr


def test_show_json_writes_null_for_an_unknown_id(run):
    result = run("show", "tech-brokers", "--json")
    assert (result.exit_code, result.stdout) == (ExitCode.NOTHING_FOUND, "null\n")


def test_an_empty_topic_names_no_topic(run):
    assert run("list", "--topic", "").exit_code == ExitCode.NOTHING_FOUND


def test_list_filters_policies_by_state_and_tables_show_the_verb(run):
    result = run("list", "--kind", "policy", "--status", "drafting", "--json", facts=None)
    assert result.exit_code == ExitCode.FOUND
    records = json.loads(result.stdout)
    assert records and {record["status"]["state"] for record in records} == {"drafting"}
    assert {record["kind"] for record in records} == {"policy"}
    table = run("list", "--kind", "policy", "--status", "drafting", facts=None)
    for record in records:
        assert f"policy · {record['status']['text']}" in table.stdout
    shown = run("show", records[0]["id"], facts=None)
    status = records[0]["status"]
    assert f"status    {status['state']} ({status['text']})" in shown.stdout
    assert run("list", "--status", "someday", facts=None).exit_code == ExitCode.USAGE_ERROR


def test_cache_lists_its_entries_and_clear_removes_only_them(run, tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("CQFACTS_CACHE_DIR", str(directory))
    run("search", "gxjsqy", "--json")
    run("search", "gxjsqy", "--json", facts=None)
    (directory / "notes.txt").write_text("mine")
    listing = json.loads(run("cache", "--json").stdout)
    assert set(listing) == {"directory", "usable", "warning", "entries", "bytes", "removed"}
    assert (listing["directory"], listing["usable"], len(listing["entries"])) == (
        str(directory), True, 2,
    )  # fmt: skip
    assert run("cache").stdout.splitlines() == [
        f"cache: {directory}",
        f"2 entries, {listing['bytes']:,} bytes",
    ]
    cleared = run("cache", "--clear")
    assert cleared.stdout.splitlines()[1] == "0 entries, 0 bytes; 2 removed"
    assert [path.name for path in directory.iterdir()] == ["notes.txt"]


def test_each_command_is_declared_in_the_module_the_app_names():
    """The app imports a command's module only when the command runs: each module
    must register exactly the commands the app says it holds."""
    import importlib

    from cqfacts.cli import app as cli_app

    for name, module in cli_app._MODULES.items():
        importlib.import_module(f"cqfacts.cli.commands.{module}")
        function = cli_app._COMMANDS[name].registered_commands[0].callback
        assert function.__module__ == f"cqfacts.cli.commands.{module}", name
    assert set(cli_app._COMMANDS) == set(cli_app._MODULES)


def test_the_command_line_takes_any_limit_the_servers_bound(run):
    """--limit has no upper bound on the command line (a local user may list every
    match); the web API and MCP, serving others, stop at 100."""
    from cqfacts.ask.arguments import MAX_LIMIT

    listed = run("list", "--json", facts=None)
    everything = len(json.loads(listed.stdout))
    assert everything > MAX_LIMIT
    ranked = run("rank", "--all-years", "--limit", str(MAX_LIMIT + 50), "--json", facts=None)
    assert ranked.exit_code == ExitCode.FOUND
    found = run("search", "重庆", "--limit", str(MAX_LIMIT + 50), "--json", facts=None)
    assert found.exit_code == ExitCode.FOUND and json.loads(found.stdout)


def test_the_top_level_help_names_every_environment_variable(run):
    """Every CQFACTS_ variable the code reads (and NO_COLOR, COLUMNS), in one line of
    the help: CQFACTS_LANG and CQFACTS_PAGER were missing."""
    source = Path(cqfacts.__file__).parent
    read = {
        name
        for path in source.rglob("*.py")
        for name in re.findall(r"(?<![A-Z_])CQFACTS_[A-Z_]+", path.read_text(encoding="utf-8"))
    }
    assert {"CQFACTS_LANG", "CQFACTS_PAGER", "CQFACTS_FACTS"} <= read
    help_text = " ".join(run("--help").stdout.split())
    environment = help_text[help_text.index("Environment:") :]
    for name in sorted(read | {"NO_COLOR", "COLUMNS"}):
        assert name in environment, name


@pytest.mark.parametrize("name", ["draft", "validate", "audit", "cache"])
def test_json_help_says_what_a_command_without_a_table_writes(run, name):
    text = " ".join(run(name, "--help").stdout.split())
    assert "instead of a table" not in text
    assert re.search(r"--json Write [^.]*JSON", text)


def test_no_option_shows_a_type_for_its_metavar(run):
    for name in ("search", "list", "show", "rank", "trend", "draft", "audit", "serve"):
        text = run(name, "--help").stdout
        assert not re.search(r"<(str|text|int|int range|float|path)>", text), name


def test_a_multi_word_topic_completes_quoted_for_bash(small_fact_file):
    words = {"COMP_WORDS": "cqfacts list --topic Tech", "COMP_CWORD": "3"}
    bash = _complete("bash", **words)
    assert "Tech-based\\ enterprises" in bash.split("\n")
    zsh = _complete("zsh", _TYPER_COMPLETE_ARGS="cqfacts list --topic Tech")
    assert '"Tech-based enterprises"' in zsh  # zsh quotes it itself


def test_an_unknown_topic_suggests_the_near_ones(run):
    result = run("list", "--topic", "Technology")
    assert result.exit_code == ExitCode.NOTHING_FOUND
    assert result.stderr.startswith("cqfacts: no topic is named 'Technology'. Near ones: ")
    assert "技术经纪人 (Technology brokers)" in result.stderr
    assert "研发投入" not in result.stderr  # never the unrelated rest
    english = run("list", "--topic", "R&D spending", "--lang", "en")  # an alias
    assert "Near ones: R&D investment (研发投入)." in english.stderr
    nothing_near = run("list", "--topic", "banana").stderr
    assert "Near ones" not in nothing_near and "`cqfacts topics` lists every topic" in nothing_near
    # A topic that exists, with no fact of the other filters: no suggestion.
    empty = run("list", "--topic", "Technology brokers", "--kind", "policy")
    assert empty.stderr == "cqfacts: no fact matches these filters.\n"


@pytest.mark.parametrize(
    ("query", "chosen"),
    [("tech contract", "tech-contract-turnover"), ("高新技术企业", "high-tech-enterprises-total"),
     ("高企", "high-tech-enterprises-total"), ("R&D investment", "rd-investment-total")],
)  # fmt: skip
def test_show_an_indicator_s_name_shows_its_headline_figure(run, query, chosen):
    """The total, not a part; stderr says which id was chosen and why."""
    result = run("show", query, facts=None)
    assert result.exit_code == ExitCode.FOUND
    assert result.stdout.split()[:2] == ["id", chosen]
    assert "names the indicator" in result.stderr and result.stderr.rstrip().endswith(chosen)


def test_show_lists_only_candidates_sharing_the_query_s_words(run):
    unclear = run("show", "high", "tech", facts=None)
    assert unclear.exit_code == ExitCode.NOTHING_FOUND
    # Words, not an id: said so, with the candidates to pick from.
    assert "no fact has the id" not in unclear.stderr
    nearest = unclear.stderr.split("names no one fact: candidates ")[1].split(".")[0].split(", ")
    assert nearest and all("high" in near and "tech" in near for near in nearest)
    typo = run("show", "tech-contract", facts=None).stderr
    assert "no fact has the id 'tech-contract'" in typo
    assert "tech-contract-turnover" in typo and "high-tech-zones-count" not in typo
    banana = run("show", "banana", facts=None).stderr
    assert "candidates" not in banana and "Nearest ids" not in banana
    assert "'banana' names no one fact." in banana
