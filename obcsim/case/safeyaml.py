"""YAML loading that is safe for files from anyone: no object tags, bounded size, depth and
expansion, and none of YAML 1.1's surprises (`yes` as true, `0200` as octal 128): those are
refused with a message saying what to write instead."""

from __future__ import annotations

import re
from typing import Any

import yaml


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so the schema parses them and names the field."""


_DROPPED = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int"}
_Loader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] not in _DROPPED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_AMBIGUOUS = "tag:obcsim,2026:ambiguous"
# YAML 1.2's booleans and decimal integers; YAML 1.1's other readings are refused.
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    _AMBIGUOUS,
    re.compile(
        r"^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N"
        r"|[-+]?0[0-9_]+|[-+]?0[bx][0-9a-fA-F_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+)$"
    ),
    list("yYnNoO-+0123456789"),
)


def _refuse_ambiguous(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    raise yaml.constructor.ConstructorError(
        None,
        None,
        f"'{node.value}' means different things in YAML 1.1 and 1.2 (true/false, octal, "
        "base 60): write true or false, a plain decimal number, or quote it as text",
        node.start_mark,
    )


_Loader.add_constructor(_AMBIGUOUS, _refuse_ambiguous)

MAX_BYTES = 1_000_000
MAX_NODES = 200_000  # after expanding aliases: refuses "billion laughs" anchor bombs
MAX_DEPTH = 50  # nesting: a scenario needs about 6 levels


def _expanded_size(node: yaml.Node, memo: dict[int, int], limit: int) -> int:
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = limit + 1  # a node that contains itself expands without end
    size = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            size += _expanded_size(child, memo, limit)
            if size > limit:
                break
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            size += _expanded_size(k, memo, limit) + _expanded_size(v, memo, limit)
            if size > limit:
                break
    memo[key] = size
    return size


def _depth(node: yaml.Node) -> int:
    """How deeply the document nests (iteratively: a deep file must not exhaust the stack)."""
    deepest, stack, seen = 0, [(node, 1)], set()
    while stack:
        here, depth = stack.pop()
        if id(here) in seen:
            continue
        seen.add(id(here))
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        if isinstance(here, yaml.SequenceNode):
            stack += [(child, depth + 1) for child in here.value]
        elif isinstance(here, yaml.MappingNode):
            stack += [(child, depth + 1) for pair in here.value for child in pair]
    return deepest


def _duplicate_key(node: yaml.Node, seen: set[int]) -> str | None:
    if id(node) in seen:
        return None
    seen.add(id(node))
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode):
                if k.value in keys:
                    return f"duplicate key '{k.value}' at line {k.start_mark.line + 1}"
                keys.add(k.value)
            children += [k, v]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    for child in children:
        found = _duplicate_key(child, seen)
        if found:
            return found
    return None


def parse_yaml(text: str | bytes) -> Any:
    """Parse one YAML document safely. Raises ValueError with a one-line reason."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise ValueError(f"file is larger than {MAX_BYTES:,} bytes")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError("file is not UTF-8 text") from exc
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"file is larger than {MAX_BYTES:,} bytes")
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:  # a NUL or control character: refused before parsing
        raise ValueError(f"not valid YAML: {_one_line(exc)}") from exc
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _depth(node) > MAX_DEPTH:
            raise ValueError(f"YAML nests more than {MAX_DEPTH} levels deep: refused")
        if _expanded_size(node, {}, MAX_NODES) > MAX_NODES:
            raise ValueError(
                f"YAML expands to more than {MAX_NODES:,} nodes (too many aliases): refused"
            )
        duplicate = _duplicate_key(node, set())
        if duplicate:
            raise ValueError(f"{duplicate}: each key may appear once in a mapping")
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ValueError(f"not valid YAML{where}: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise ValueError(f"not valid YAML: {_one_line(exc)}") from exc
    except RecursionError:
        raise ValueError(f"YAML nests more than {MAX_DEPTH} levels deep: refused") from None
    finally:
        loader.dispose()


def _one_line(exc: yaml.YAMLError) -> str:
    return " ".join(str(exc).split())
