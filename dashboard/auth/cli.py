"""The command line: `python3 -m dashboard.auth hash --name anna` prints an account's configuration lines."""

from __future__ import annotations

import argparse
import getpass
import re
import sys

from dashboard.auth.accounts import ENV_VAR
from dashboard.auth.passwords import hash_password

_TOML_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _valid_name(name: str) -> bool:
    # ':' and ';' separate entries in PLANS_EDITORS; quotes, backslashes and control characters would need escaping.
    return bool(name) and not any(c in ":;\"'\\" or ord(c) < 32 or c == "\x7f" for c in name)


def config_lines(name: str, stored: str) -> str:
    """What to paste into .streamlit/secrets.toml or the environment for one account."""
    key = name if _TOML_BARE_KEY.fullmatch(name) else f'"{name}"'
    return (
        "# .streamlit/secrets.toml\n"
        "[editors]\n"
        f'{key} = "{stored}"\n'
        "\n"
        f"# or the environment variable (single quotes: the hash holds $); separate several accounts with ;\n"
        f"{ENV_VAR}='{name}:{stored}'\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m dashboard.auth",
        description="Editor sign-in: OIDC through st.login when configured,"
        " else local accounts with scrypt-hashed passwords.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    hash_cmd = commands.add_parser("hash", help="hash an editor password for secrets.toml or PLANS_EDITORS")
    hash_cmd.add_argument("--name", help="the editor's user name (asked for when left out)")
    args = parser.parse_args(argv)

    name = (args.name if args.name is not None else input("Editor name: ")).strip()
    if not _valid_name(name):
        print("The name must be non-empty, without : ; ' \" \\ or control characters.", file=sys.stderr)
        return 2
    password = getpass.getpass("Password: ")
    if not password:
        print("The password must not be empty.", file=sys.stderr)
        return 2
    if getpass.getpass("Password again: ") != password:
        print("The passwords differ; nothing was hashed.", file=sys.stderr)
        return 1
    print(config_lines(name, hash_password(password)), end="")
    return 0
