"""The text catalogues are complete: one shape, both languages, and every key the code can ask for exists."""

from __future__ import annotations

import ast
import functools
import string
from pathlib import Path

import pandas as pd
import pytest

from dashboard.domain.gaps import KINDS as GAP_KINDS
from dashboard.domain.targets import summary as target_summary
from dashboard.i18n import COLUMNS, TEXT
from dashboard.queries import SORTS
from dashboard.web.errors import _KEYS as _ERROR_KEYS
from loaders.catalogue import lookup
from loaders.diff import PlanDiff
from loaders.meetings import KINDS as ITEM_KINDS
from loaders.problems import MESSAGES, STEPS, TABLE_NAMES
from loaders.roles import Role
from loaders.rounds import STATES as ROUND_STATES
from loaders.template import LINE_KINDS
from loaders.workbook import _SANDBOX_CODES
from tests.conftest import ROOT

CATALOGUES = {"TEXT": TEXT, "MESSAGES": MESSAGES, "STEPS": STEPS, "TABLE_NAMES": TABLE_NAMES}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_text_in_both_languages_with_the_same_placeholders(name):
    for key, texts in CATALOGUES[name].items():
        assert isinstance(texts, tuple) and len(texts) == 2, key
        sv, en = texts
        assert isinstance(sv, str) and sv.strip() and isinstance(en, str) and en.strip(), key
        assert placeholders(sv) == placeholders(en), key


def test_lookup_picks_the_language_and_fills_placeholders():
    catalogue = {"k": ("{n} rader", "{n} rows"), "braces": ("{a}", "{a}")}
    assert lookup(catalogue, "k", "sv", n=2) == "2 rader"
    assert lookup(catalogue, "k", "en", n=2) == "2 rows"
    assert lookup(catalogue, "k", "de", n=2) == "2 rader"  # an unknown language reads Swedish
    assert lookup(catalogue, "braces", "en") == "{a}"  # no params: the text as it stands


# ------------------------------------------------------------------------- the keys the code can ask for


@functools.cache
def _modules(*folders: str) -> dict[Path, ast.Module]:
    # Parsed when a test first asks (half a second), not when the file is imported: every test process imports
    # every test file to collect it, and only one of them runs these tests.
    return {p: ast.parse(p.read_text(encoding="utf-8")) for f in folders for p in sorted((ROOT / f).rglob("*.py"))}


def _dashboard() -> dict[Path, ast.Module]:
    return _modules("dashboard")


def _loaders() -> dict[Path, ast.Module]:
    return _modules("loaders")


def _name(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _constants(node: ast.expr) -> set[str] | None:
    """The strings a literal expression can be: a string, a conditional of strings, a tuple or list of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        a, b = _constants(node.body), _constants(node.orelse)
        return a | b if a is not None and b is not None else None
    return None


class Resolver:
    """What strings an expression of one module can hold, followed statically through the module.

    Follows: literals and conditionals; a name bound by an assignment, a for loop or comprehension over
    literal tuples (unpacked too); a function's parameter, through the literal arguments of its calls in
    the module; an f-string or "prefix" + name whose parts resolve. None: it cannot be told from the code.
    """

    def __init__(self, tree: ast.Module):
        self.tree, self.parent = tree, _parents(tree)

    def values(self, node: ast.expr, depth: int = 0) -> set[str] | None:
        if depth > 6:
            return None
        found = _constants(node)
        if found is not None:
            return found
        if isinstance(node, ast.IfExp):
            a, b = self.values(node.body, depth + 1), self.values(node.orelse, depth + 1)
            return a | b if a is not None and b is not None else None
        if isinstance(node, ast.JoinedStr | ast.BinOp):
            return self._joined(node, depth)
        if isinstance(node, ast.Name):
            return self._name(node, depth)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self._returns(node.func.id, depth)
        return None

    def _returns(self, function: str, depth: int) -> set[str] | None:
        """What a function of this module returns (None returned means no text)."""
        defs = [n for n in self.tree.body if isinstance(n, ast.FunctionDef) and n.name == function]
        if not defs:
            return None
        values: set[str] = set()
        for node in ast.walk(defs[0]):
            if isinstance(node, ast.Return) and node.value is not None:
                if isinstance(node.value, ast.Constant) and node.value.value is None:
                    continue
                got = self.values(node.value, depth + 1)
                if got is None:
                    return None
                values |= got
        return values

    def _joined(self, node: ast.expr, depth: int) -> set[str] | None:
        parts = node.values if isinstance(node, ast.JoinedStr) else [node.left, node.right]
        if isinstance(node, ast.BinOp) and not isinstance(node.op, ast.Add):
            return None
        out = {""}
        for part in parts:
            inner = part.value if isinstance(part, ast.FormattedValue) else part
            got = self.values(inner, depth + 1)
            if got is None:
                return None
            out = {a + b for a in out for b in got}
        return out

    def _scope(self, node: ast.AST) -> ast.AST:
        while node in self.parent and not isinstance(node, ast.FunctionDef | ast.Lambda):
            node = self.parent[node]
        return node if isinstance(node, ast.FunctionDef | ast.Lambda) else self.tree

    def _name(self, node: ast.Name, depth: int) -> set[str] | None:
        name, scope = node.id, self._scope(node)
        # A loop or comprehension variable over a literal sequence (or a name bound to one).
        up = node
        while up in self.parent:
            up = self.parent[up]
            loops = [up] if isinstance(up, ast.For) else getattr(up, "generators", [])
            for loop in loops:
                got = self._loop(loop.target, loop.iter, name, depth)
                if got is not None:
                    return got
        # A parameter: the literal arguments of the function's calls in this module.
        if isinstance(scope, ast.FunctionDef):
            params = [a.arg for a in scope.args.args]
            if name in params:
                return self._arguments(scope.name, params.index(name), name, depth)
        # An assignment in the same scope.
        values: set[str] = set()
        for a in ast.walk(scope):
            if isinstance(a, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in a.targets):
                got = self.values(a.value, depth + 1)
                if got is None:
                    return None
                values |= got
        return values or None

    def _loop(self, target: ast.expr, iterable: ast.expr, name: str, depth: int) -> set[str] | None:
        if isinstance(iterable, ast.Name):
            bound = iterable.id
            for a in ast.walk(self.tree):
                if isinstance(a, ast.Assign) and any(isinstance(t, ast.Name) and t.id == bound for t in a.targets):
                    iterable = a.value
        if not isinstance(iterable, ast.Tuple | ast.List):
            return None
        if isinstance(target, ast.Name) and target.id == name:
            values = [self.values(e, depth + 1) for e in iterable.elts]
            return set().union(*values) if all(v is not None for v in values) else None
        if isinstance(target, ast.Tuple):
            index = next((i for i, e in enumerate(target.elts) if isinstance(e, ast.Name) and e.id == name), None)
            if index is None:
                return None
            values = [
                self.values(e.elts[index], depth + 1) if isinstance(e, ast.Tuple) else None for e in iterable.elts
            ]
            return set().union(*values) if all(v is not None for v in values) else None
        return None

    def _arguments(self, function: str, index: int, keyword: str, depth: int) -> set[str] | None:
        values: set[str] = set()
        calls = [n for n in ast.walk(self.tree) if isinstance(n, ast.Call) and _name(n.func) == function]
        for call in calls:
            arg = next((k.value for k in call.keywords if k.arg == keyword), None)
            if arg is None and index < len(call.args):
                arg = call.args[index]
            if arg is None or (isinstance(arg, ast.Constant) and arg.value is None):
                continue  # left out, or None: no text is asked for
            got = self.values(arg, depth + 1)
            if got is None:
                return None
            values |= got
        return values or None


def _dict_values(key: str) -> set[str]:
    """Every string given to key in a dict literal in dashboard/ (e.g. {"message": "published", ...})."""
    return {
        v.value
        for tree in _dashboard().values()
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        for k, v in zip(node.keys, node.values, strict=True)
        if isinstance(k, ast.Constant) and k.value == key and isinstance(v, ast.Constant) and isinstance(v.value, str)
    }


def _session_values(name: str) -> set[str]:
    """Every string stored as st.session_state[name] in dashboard/."""
    return {
        node.value.value
        for tree in _dashboard().values()
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and any(isinstance(t, ast.Subscript) and ast.unparse(t.slice) == name for t in node.targets)
    }


def _page_titles() -> set[str]:
    """The title keys of app.py's PAGES and EDITOR_PAGES (name, title key, icon, path)."""
    tree = _dashboard()[ROOT / "dashboard" / "app.py"]
    return {
        row.elts[1].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") in ("PAGES", "EDITOR_PAGES") for t in node.targets)
        for row in node.value.elts
    }


def _change_kinds() -> set[str]:
    """The kinds of change the meeting's change list has: _change(plan, kind, ...) calls and a new plan's dict."""
    kinds = _dict_values("kind") & {"plan_added"}
    for tree in _dashboard().values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) == "_change" and len(node.args) > 1:
                arg = node.args[1]
                if isinstance(arg, ast.BinOp):  # "budget_" + a line's kind
                    kinds |= {arg.left.value + k for k in LINE_KINDS}
                else:
                    kinds |= _constants(arg) or set()
    return kinds


def _appended(name: str, module: str) -> set[str]:
    """The strings appended to (or put as a literal tuple into) a list called name in a module."""
    tree = _dashboard()[ROOT / module]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) == "append" and ast.unparse(node.func.value) == name:
            out |= _constants(node.args[0]) or set()
    return out


def _qualitative() -> set[str]:
    # target_state gives ("qualitative",) as the whole of missing for a target with no value at all.
    tree = _dashboard()[ROOT / "dashboard/domain/targets.py"]
    return {
        e.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Tuple) and len(node.elts) == 1
        for e in node.elts
        if isinstance(e, ast.Constant) and isinstance(e.value, str)
    }


# A key built from a value the code reads from data: the values, as the code's constants enumerate them.
# The load_log actions: the bundled build, the CLI's load, an upload, an update workbook, a rollback.
LOAD_ACTIONS = ("build", "load", "upload", "update", "rollback")
# A meeting item's status: an action item is open until someone marks it done (loaders/meetings.py).
ITEM_STATUSES = ("open", "done")


@functools.cache
def _dynamic() -> dict[str, set[str]]:
    return {
        "action_{}": set(LOAD_ACTIONS),
        # A version's role (display.who), from loaders.roles; a responsible's state in a round (loaders/rounds.py);
        # a data gap's kind (dashboard/domain/gaps.py).
        "role_{}": {role.name.lower() for role in Role},
        "rounds_progress_{}": set(ROUND_STATES),
        "gap_{}": set(GAP_KINDS),
        "sort_{}": set(SORTS),
        "m_item_{}": set(ITEM_KINDS),
        "m_action_{}": set(ITEM_STATUSES),
        "kind_{}": set(LINE_KINDS),
        "diff_n_{}": set(PlanDiff("plan").counts()),
        "m_kind_{}": _change_kinds(),
        "tr_{}": _appended("missing", "dashboard/domain/targets.py") | _qualitative(),
    }


# A key held in a name the module gets from elsewhere: what it can hold.
@functools.cache
def _indirect() -> dict[str, set[str]]:
    return {
        "done['message']": _dict_values("message"),  # upload.py: a finished file's message (published, cancelled)
        "dashboard/web/errors.py:key": {key for _, key, _ in _ERROR_KEYS.values()},
        "error": _session_values("_ERROR_KEY"),
        "title": _page_titles(),
        "home_title": _page_titles(),
        "COLUMNS[column]": set(COLUMNS.values()),
        "COLUMNS[df.index.name]": set(COLUMNS.values()),
        "dashboard/app_pages/overview.py:key": set(target_summary(pd.DataFrame())),  # the targets' counts by verdict
        "help_key": {"kf_budget_help"},  # overview.py: zip(columns, money, ("kf_budget_help", None, None))
        # late.past_end_table's days column: status.py passes "days_late" / "days_past_end", followup.py
        # "m_days_late" / "days_past_end".
        "dashboard/domain/late.py:days": {"days_late", "days_past_end", "m_days_late"},
    }


# The meeting pack's modules call model._t(key), which asks the catalogue for "pack_" + key.
PACK = ROOT / "dashboard" / "reports" / "pack"


def _pattern(node: ast.expr) -> str | None:
    """An f-string or "prefix" + name as a pattern: f"tr_{m}" → "tr_{}"."""
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.left, ast.Constant):
        return node.left.value + "{}"
    return None


def _text_keys() -> dict[str, set[str]]:
    """Every t(key, lang) call of dashboard/ → the keys it can ask for; a call that cannot be told fails."""
    found: dict[str, set[str]] = {}
    unresolved = []
    for path, tree in _dashboard().items():
        resolver = Resolver(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            pack_call = path.parent == PACK and _name(node.func) == "_t"
            if _name(node.func) != "t" and not pack_call:
                continue
            arg, where = node.args[0], f"{path.relative_to(ROOT)}:{node.lineno}"
            scope = resolver._scope(node)
            if getattr(scope, "name", "") in ("t", "_t") and not pack_call:
                continue  # a module's own t() passing its key on: each of its calls is checked
            keys = resolver.values(arg)
            if keys is None:
                keys = _indirect().get(
                    f"{path.relative_to(ROOT)}:{ast.unparse(arg)}", _indirect().get(ast.unparse(arg))
                )
            if keys is None and _pattern(arg) in _dynamic():
                keys = {_pattern(arg).format(v) for v in _dynamic()[_pattern(arg)]}
            if keys is None:
                unresolved.append(f"{where}: t({ast.unparse(arg)})")
            else:
                found.setdefault(where, set()).update({f"pack_{k}" for k in keys} if pack_call else keys)
    assert not unresolved, "keys that cannot be told from the code (enumerate them in this test):\n" + "\n".join(
        unresolved
    )
    return found


def test_every_key_the_dashboard_asks_for_is_in_the_catalogue():
    found = _text_keys()
    assert len(found) > 400  # the scan sees the pages, not just a few modules
    missing = {where: sorted(keys - set(TEXT)) for where, keys in found.items() if keys - set(TEXT)}
    assert not missing


def test_the_enumerations_are_not_empty():
    # An enumeration that found nothing would let every key it stands for pass unchecked.
    for pattern, values in {**_dynamic(), **_indirect(), **_loader_indirect()}.items():
        assert values, pattern
    assert {"m_kind_budget_opening_balance", "m_kind_plan_added"} <= {f"m_kind_{k}" for k in _dynamic()["m_kind_{}"]}
    assert _indirect()["error"] == {"auth_too_many", "auth_bad_credentials"}


# The loader's own: a call → the position of the catalogue key among its arguments (or its keyword).
LOADER_KEY_ARGUMENTS = {
    "Problem": (4, "code"),  # Problem(file, sheet, cell, value, code, params)
    "add": (3, "code"),  # ctx.add(sheet, cell, value, code, **params)
    "text": (0, "code"),  # problems.text(code, lang, **params)
    "MeetingInvalid": (0, "key"),
    "_day": (1, "missing"),  # _day(value, missing, invalid): both are keys
    "ParseError": (0, "code"),  # a cell's value that does not parse: its code becomes the problem's
    "_Layout": (0, "code"),  # guard.py: a sheet's XML laid out as Excel never writes it
}


def _known_codes() -> set[str]:
    # update.py: known = {sheet: (id column, ids, code of an unknown id)}
    tree = _loaders()[ROOT / "loaders/update.py"]
    return {
        value.elts[2].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "known"
        for value in node.value.values
    }


# A key the loader passes on from another error: checked where that error is made (LOADER_KEY_ARGUMENTS).
PASSED_ON = {"exc.code": "_Layout", "self.key": "MeetingInvalid", "errors[v]": "ParseError"}


@functools.cache
def _loader_indirect() -> dict[str, set[str]]:
    return {
        "_SANDBOX_CODES[exc.reason]": set(_SANDBOX_CODES.values()),
        "code": _known_codes(),  # update.py's loop over known (guard.py's fail(code) resolves by itself)
    }


def _loader_keys() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    unresolved = []
    for path, tree in _loaders().items():
        resolver = Resolver(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _name(node.func) not in LOADER_KEY_ARGUMENTS:
                continue
            if _name(node.func) == "text" and not isinstance(node.func, ast.Name):
                continue  # step.text(lang): a method, not the catalogue's text()
            index, keyword = LOADER_KEY_ARGUMENTS[_name(node.func)]
            args = [*node.args[index : index + 2]] if _name(node.func) == "_day" else node.args[index : index + 1]
            args += [k.value for k in node.keywords if k.arg == keyword]
            for arg in args:
                if isinstance(arg, ast.Constant) and arg.value is None:
                    continue
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                if ast.unparse(arg) in PASSED_ON:
                    continue
                keys = resolver.values(arg)
                if keys is None:
                    keys = _loader_indirect().get(ast.unparse(arg))
                if keys is None:
                    unresolved.append(f"{where}: {ast.unparse(arg)}")
                else:
                    found.setdefault(where, set()).update(keys)
    assert not unresolved, "\n".join(unresolved)
    return found


def test_every_key_the_loader_can_raise_is_in_its_catalogue():
    found = _loader_keys()
    every = set().union(*found.values())
    assert {"meeting_duplicate", "meeting_date_invalid", "item_due_invalid", "file_too_large"} <= every
    missing = {where: sorted(keys - set(MESSAGES)) for where, keys in found.items() if keys - set(MESSAGES)}
    assert not missing
