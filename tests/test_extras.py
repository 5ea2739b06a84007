"""The web and MCP servers are extras: a base install has no server framework, and
`cqfacts serve` / `cqfacts mcp` without theirs exit 2 naming the exact pip command."""

import sys
import tomllib
from pathlib import Path

import pytest

from cqfacts.cli.app import ExitCode
from cqfacts.errors import CqfactsError, MissingExtraError

PYPROJECT = Path(__file__).parents[1] / "pyproject.toml"
SERVER_PACKAGES = ("starlette", "uvicorn", "mcp")


def _names(requirements: list[str]) -> set[str]:
    return {
        req.split("[")[0].split(">")[0].split("<")[0].split("=")[0].strip() for req in requirements
    }


def test_a_base_install_has_no_server_framework():
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    assert not _names(project["dependencies"]) & set(SERVER_PACKAGES)
    extras = project["optional-dependencies"]
    assert extras["web"] == ["starlette>=1.0", "uvicorn>=0.30"]
    assert extras["mcp"] == ["mcp>=2.3,<3"]
    assert "cqfacts[web,mcp]" in extras["test"]  # the servers' tests run the servers


@pytest.mark.parametrize(
    ("command", "absent", "extra"),
    [("serve", "starlette", "web"), ("serve", "uvicorn", "web"), ("mcp", "mcp", "mcp")],
)
def test_a_server_without_its_extra_says_how_to_install_it(
    run, monkeypatch, command, absent, extra
):
    # None in sys.modules: what `import` and find_spec see of a package not installed.
    monkeypatch.setitem(sys.modules, absent, None)
    server_code = {"serve": "cqfacts.web.app", "mcp": "cqfacts.mcp.server"}[command]
    monkeypatch.delitem(sys.modules, server_code, raising=False)
    result = run(command)
    assert result.exit_code == ExitCode.USAGE_ERROR == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"cqfacts: `cqfacts {command}` needs the {extra} extra: pip install 'cqfacts[{extra}]'\n"
    )
    assert server_code not in sys.modules  # refused before any server code is imported


def test_the_error_carries_the_extra_and_its_install_command():
    error = MissingExtraError("mcp", "mcp")
    assert isinstance(error, CqfactsError)
    assert (error.extra, error.command) == ("mcp", "mcp")
    assert error.install == "pip install 'cqfacts[mcp]'"
