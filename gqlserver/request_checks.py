"""What a request must satisfy before anything runs, beyond GraphQL's own validation.

- The JSON body (and a GET's `variables`) nests at most MAX_JSON_DEPTH levels: Python's
  decoder recurses, and a body nested ~1000 deep used to end in a RecursionError.
- A document with several operations names the one to run (`operationName`); strawberry
  would otherwise run the first, where the GraphQL spec asks for an error.
- Text arguments, literal or in variables (JSON ones included, keys too), hold neither NUL
  (PostgreSQL refuses it in text) nor unpaired surrogates (they cannot be encoded as
  UTF-8). Each is refused with a typed error naming the argument's input path.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    ListValueNode,
    Node,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
)
from starlette.responses import JSONResponse
from strawberry.extensions import SchemaExtension

from models.errors import ErrorCode

MAX_JSON_DEPTH = 100
# Enough to point at every bad value of a normal request without echoing a flood.
MAX_TEXT_ERRORS = 10


class JsonTooDeep(json.JSONDecodeError):
    """A JSON body nested deeper than MAX_JSON_DEPTH.

    A JSONDecodeError, so a websocket message like it is refused as one that is not JSON.
    """

    def __init__(self) -> None:
        message = f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels."
        super().__init__(message, "", 0)
        self.msg = message

    def __str__(self) -> str:
        return self.msg


def decode_json(data: str | bytes) -> object:
    """json.loads, refusing (as JsonTooDeep) anything nested deeper than MAX_JSON_DEPTH."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise JsonTooDeep() from None
    if _depth_exceeds(value, MAX_JSON_DEPTH):
        raise JsonTooDeep()
    return value


def _depth_exceeds(value: object, limit: int) -> bool:
    """Iterative, so checking depth cannot itself run out of stack."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def text_problem(text: str) -> str | None:
    """Why a string cannot be stored as text, or None."""
    if "\x00" in text:
        return "Text may not contain NUL characters (U+0000)."
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        code = ord(text[error.start])
        return f"Text may not contain unpaired surrogates (U+{code:04X}); send valid UTF-8."
    return None


def _python_texts(value: object, path: str) -> Iterator[tuple[str, str]]:
    """(path, string) of every string in a variable's value, JSON keys included."""
    stack: list[tuple[object, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, Mapping):
            for key, child in reversed(list(item.items())):
                if isinstance(key, str):
                    yield where, key
                stack.append((child, f"{where}.{key}"))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in reversed(list(enumerate(item))))


class _ArgumentTexts:
    """Every string an operation's arguments carry, with the input path it sits at."""

    def __init__(self, document: DocumentNode, variables: Mapping[str, Any]) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variables = variables
        self._seen_fragments: set[str] = set()

    def of_operation(self, operation: OperationDefinitionNode) -> Iterator[tuple[str, str, Node]]:
        for definition in operation.variable_definitions or ():
            if definition.default_value is not None:
                yield from self._value(definition.default_value, definition.variable.name.value)
        yield from self._selections(operation.selection_set)

    def _selections(
        self, selection_set: SelectionSetNode | None
    ) -> Iterator[tuple[str, str, Node]]:
        pending = [selection_set] if selection_set is not None else []
        while pending:
            current = pending.pop()
            for selection in current.selections:
                if isinstance(selection, FieldNode):
                    for argument in selection.arguments or ():
                        yield from self._value(argument.value, argument.name.value)
                    if selection.selection_set is not None:
                        pending.append(selection.selection_set)
                elif isinstance(selection, InlineFragmentNode):
                    pending.append(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment is not None and name not in self._seen_fragments:
                        self._seen_fragments.add(name)
                        pending.append(fragment.selection_set)

    def _value(self, node: ValueNode, path: str) -> Iterator[tuple[str, str, Node]]:
        stack: list[tuple[ValueNode, str]] = [(node, path)]
        while stack:
            current, where = stack.pop()
            if isinstance(current, StringValueNode):
                yield where, current.value, current
            elif isinstance(current, ListValueNode):
                stack.extend(
                    (v, f"{where}[{i}]") for i, v in reversed(list(enumerate(current.values)))
                )
            elif isinstance(current, ObjectValueNode):
                stack.extend((f.value, f"{where}.{f.name.value}") for f in reversed(current.fields))
            elif isinstance(current, VariableNode):
                value = self.variables.get(current.name.value)
                for text_path, text in _python_texts(value, where):
                    yield text_path, text, current


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


def request_errors(
    document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None
) -> list[GraphQLError]:
    """The errors that refuse this request before it runs (empty if none)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None and len(operations) > 1:
        names = ", ".join(o.name.value if o.name else "(anonymous)" for o in operations)
        return [
            GraphQLError(
                f"The document has {len(operations)} operations ({names}): "
                "operationName must say which one to run.",
                extensions={"code": str(ErrorCode.REQUIRED), "field": "operationName"},
            )
        ]
    operation = _operation(document, operation_name)
    if operation is None:  # GraphQL's own checks report an unknown operationName
        return []
    errors = []
    texts = _ArgumentTexts(document, variables or {})
    for path, text, node in texts.of_operation(operation):
        problem = text_problem(text)
        if problem is not None:
            errors.append(
                GraphQLError(
                    f"{path}: {problem}",
                    node,
                    extensions={"code": str(ErrorCode.INVALID_VALUE), "field": path},
                )
            )
            if len(errors) == MAX_TEXT_ERRORS:
                break
    return errors


class RequestChecks(SchemaExtension):
    """Refuses, before execution, what `request_errors` finds.

    Runs in the validation step, after the extension that validates documents, so its
    errors join GraphQL's own for queries, mutations and subscriptions alike.
    """

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            # strawberry's `operation_name` falls back to the first operation's name; the
            # name the client actually sent is kept privately.
            provided = getattr(context, "_provided_operation_name", context.operation_name)
            errors = request_errors(document, provided, context.variables)
            if errors:
                context.pre_execution_errors = [*(context.pre_execution_errors or []), *errors]
        yield


HTTP_ERROR_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def http_error(status: int, message: str) -> JSONResponse:
    """A request refused before GraphQL ran, in the shape of every other error."""
    code = HTTP_ERROR_CODES.get(status, "BAD_REQUEST")
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status)
