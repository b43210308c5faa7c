"""YAML loading that is safe for files from anyone: no object tags, bounded size and expansion."""

from __future__ import annotations

from typing import Any

import yaml


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so the schema parses them and names the field."""


_Loader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

MAX_BYTES = 1_000_000
MAX_NODES = 200_000  # after expanding aliases: refuses "billion laughs" anchor bombs


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
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
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
        raise ValueError(f"not valid YAML: {exc}") from exc
    finally:
        loader.dispose()
