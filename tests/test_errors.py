from cqfacts.errors import FactFileError, Problem, UnknownFactError, quoted


def test_problem_names_file_and_line_when_known():
    assert str(Problem("f.toml", "bad value", 12)) == "f.toml:12: bad value"
    assert str(Problem("f.toml", "missing [meta] table")) == "f.toml: missing [meta] table"


def test_fact_file_error_carries_every_problem():
    problems = [Problem("f.toml", "one", 1), Problem("f.toml", "two")]
    error = FactFileError(problems)
    assert error.problems == problems
    assert str(error) == "f.toml:1: one\nf.toml: two"


def test_unknown_fact_error_names_the_nearest_ids():
    assert str(UnknownFactError("x", ["y", "z"])) == "no fact has the id 'x'. Nearest ids: y, z."
    assert str(UnknownFactError("x", [])) == "no fact has the id 'x'."


def test_problem_in_a_fact_names_the_fact_and_keeps_the_field():
    problem = Problem("f.toml", "value must be a number, not 'lots'", 12, "rd-total", "value")
    assert str(problem) == "f.toml:12: fact 'rd-total': value must be a number, not 'lots'"
    assert (problem.fact, problem.field) == ("rd-total", "value")


def test_quoted_user_input_is_escaped_and_cut():
    assert quoted("技术\u202e\x07") == "'技术\\u202e\\x07'"
    assert quoted("x" * 61) == f"'{'x' * 60}'…"
    assert str(UnknownFactError("y" * 100, [])) == f"no fact has the id '{'y' * 60}'…."
