"""Bounding what a document costs before graphql-core validates it, and validating once per text.

graphql-core's overlapping-fields rule compares every pair of fields that share a
response name at the same place: `{ websites { id } websites { id } ... }` 800 times
(13 KB, under the token, depth and alias limits) costs it ~0.75 s of CPU. Two limits,
checked on the parsed document in time linear in its size, make that pairwise work
small before it starts:

- the number of selections (fields, fragment spreads, inline fragments) once fragments
  are expanded (`max_selections`): what a document asks for in total, as GitHub and
  Shopify bound it;
- how often one response path (`websites`, `segments.edges.node.id`) may be selected
  (`max_field_repeats`): the pairs the rule compares are those sharing a path.

Documents within the limits are parsed and validated once per text (the rules are the
same for every request of one app), and a large one missing the cache is validated in
a thread (parsed there too) so the event loop keeps answering other requests meanwhile.
"""

from __future__ import annotations

import asyncio
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

TOO_COMPLEX = "QUERY_TOO_COMPLEX"
Path = tuple[str, ...]


@dataclass(frozen=True)
class DocumentLimits:
    max_selections: int
    max_field_repeats: int


class _Fragments:
    """Fragment definitions by name, with their expanded field counts memoised."""

    def __init__(self, document: DocumentNode, cap: int) -> None:
        self.definitions = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.cap = cap
        self._counts: dict[str, int] = {}
        self._counting: set[str] = set()

    def count(self, selection_set: SelectionSetNode | None) -> int:
        """Selections of a set with fragments expanded, saturating just above the cap."""
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            # Spreads and inline fragments count too: a chain of fragments spreading
            # field-less ones twice each would otherwise expand exponentially for free.
            total += 1
            if isinstance(selection, FieldNode | InlineFragmentNode):
                total += self.count(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment_count(selection.name.value)
            if total > self.cap:
                return self.cap + 1
        return total

    def fragment_count(self, name: str) -> int:
        # Unknown fragments and cycles count nothing here; validation reports them.
        if name in self._counts:
            return self._counts[name]
        definition = self.definitions.get(name)
        if definition is None or name in self._counting:
            return 0
        self._counting.add(name)
        counted = self._counts[name] = self.count(definition.selection_set)
        self._counting.discard(name)
        return counted


def _paths(selection_set: SelectionSetNode, fragments: _Fragments) -> Counter[Path]:
    """How many fields select each response path below this selection set."""
    counts: Counter[Path] = Counter()
    # (selection set, path prefix, fragments being expanded on the way here)
    stack: list[tuple[SelectionSetNode, Path, frozenset[str]]] = [(selection_set, (), frozenset())]
    while stack:
        current, prefix, expanding = stack.pop()
        for selection in current.selections:
            if isinstance(selection, FieldNode):
                path = (*prefix, (selection.alias or selection.name).value)
                counts[path] += 1
                if selection.selection_set is not None:
                    stack.append((selection.selection_set, path, expanding))
            elif isinstance(selection, InlineFragmentNode):
                stack.append((selection.selection_set, prefix, expanding))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                definition = fragments.definitions.get(name)
                if definition is not None and name not in expanding:
                    stack.append((definition.selection_set, prefix, expanding | {name}))
    return counts


def document_cost_errors(document: DocumentNode, limits: DocumentLimits) -> list[GraphQLError]:
    """Errors for a document over the limits; empty when graphql-core may validate it.

    Every operation counts, and so does every fragment no operation uses: graphql-core
    validates those too.
    """
    fragments = _Fragments(document, limits.max_selections)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    total = 0
    for operation in operations:
        total += fragments.count(operation.selection_set)
    # Fragments reachable from an operation are counted through it; find the others.
    reachable = _reachable_fragments(operations, fragments)
    for name, definition in fragments.definitions.items():
        if name not in reachable:
            total += fragments.count(definition.selection_set)
        if total > limits.max_selections:
            break
    if total > limits.max_selections:
        return [
            _too_complex(
                f"The document has more than {limits.max_selections} selections (fields, "
                "fragment spreads and inline fragments) once its fragments are expanded; "
                f"at most {limits.max_selections} are allowed."
            )
        ]
    roots = [o.selection_set for o in operations] + [
        d.selection_set for n, d in fragments.definitions.items() if n not in reachable
    ]
    for root in roots:
        counts = _paths(root, fragments)
        if not counts:
            continue
        path, times = counts.most_common(1)[0]
        if times > limits.max_field_repeats:
            return [
                _too_complex(
                    f"'{'.'.join(path)}' is selected {times} times at the same place; at most "
                    f"{limits.max_field_repeats} selections of one field are allowed."
                )
            ]
    return []


def _reachable_fragments(
    operations: list[OperationDefinitionNode], fragments: _Fragments
) -> set[str]:
    reachable: set[str] = set()
    pending: list[SelectionSetNode] = [o.selection_set for o in operations]
    while pending:
        current = pending.pop()
        for selection in current.selections:
            if isinstance(selection, FieldNode | InlineFragmentNode):
                if selection.selection_set is not None:
                    pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                definition = fragments.definitions.get(name)
                if definition is not None and name not in reachable:
                    reachable.add(name)
                    pending.append(definition.selection_set)
    return reachable


def _too_complex(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": TOO_COMPLEX})


@dataclass(frozen=True)
class Checked:
    """A parsed document within the limits and its validation errors (none if valid)."""

    document: DocumentNode
    errors: list[GraphQLError]


class CheckedDocuments:
    """Checked documents of one app's schema by text, least recently used evicted.

    Bounded by the documents' total length: a syntax tree takes about 120 bytes per
    character of text, so the default 500,000 characters hold at most some 60 MB, a few
    hundred typical documents. Documents over the limits are not kept: an attacker
    varies the text anyway, and keeping their trees only makes every garbage
    collection slower.
    """

    def __init__(self, max_chars: int = 500_000) -> None:
        self.max_chars = max_chars
        self._chars = 0
        self._checked: OrderedDict[str, Checked] = OrderedDict()

    def get(self, text: str) -> Checked | None:
        found = self._checked.get(text)
        if found is not None:
            self._checked.move_to_end(text)
        return found

    def put(self, text: str, checked: Checked) -> None:
        if len(text) > self.max_chars or text in self._checked:
            return
        self._checked[text] = checked
        self._chars += len(text)
        while self._chars > self.max_chars:
            evicted, _ = self._checked.popitem(last=False)
            self._chars -= len(evicted)


# Documents of up to this many characters are parsed and validated on the event loop: a
# thread hand-off costs more than that. Larger ones go to a thread, where the event loop
# can still answer other requests between the thread's turns.
THREAD_ABOVE_CHARS = 2000


# Where an HTTP request's state says how many characters of document it made the server
# parse (none when its document was cached): the rate limit charges by it.
PARSED_CHARS = "graphql_parsed_chars"


def _note_parsed(context: object, chars: int) -> None:
    request = getattr(context, "request", None)
    scope = getattr(request, "scope", None)
    if isinstance(scope, dict) and scope.get("type") == "http":
        state = scope.setdefault("state", {})
        state[PARSED_CHARS] = state.get(PARSED_CHARS, 0) + chars


class CheckedParsing(SchemaExtension):
    """Parses and validates each document text once, refusing documents over the limits
    before graphql-core validates them.

    Replaces strawberry's ParserCache and ValidationCache: the latter's key includes the
    validation rule classes that the limiter extensions create anew for every request,
    so it never hit; the former kept the syntax tree of every document, refused or not.
    """

    def __init__(self, limits: DocumentLimits, checked: CheckedDocuments) -> None:
        self.limits = limits
        self.checked = checked
        self._hit: Checked | None = None

    async def on_parse(self) -> AsyncIterator[None]:  # type: ignore[override]
        context = self.execution_context
        text = context.query
        self._hit = self.checked.get(text) if text else None
        if self._hit is not None:
            context.graphql_document = self._hit.document
            yield
            return
        _note_parsed(context.context, len(text or ""))
        if text and len(text) > THREAD_ABOVE_CHARS:
            # Parsing a 13 KB document takes graphql-core's lexer 15-25 ms. A syntax error
            # raised here is reported as from strawberry's ParserCache, which parsed here.
            context.graphql_document = await asyncio.to_thread(parse, text, **context.parse_options)
        # Otherwise strawberry parses it, with the same options.
        yield

    async def on_validate(self) -> AsyncIterator[None]:  # type: ignore[override]
        context = self.execution_context
        if self._hit is not None:
            context.pre_execution_errors = self._hit.errors
            yield
            return
        document = context.graphql_document
        assert document is not None
        errors = document_cost_errors(document, self.limits)
        if not errors:
            rules = context.validation_rules
            schema = context.schema._schema
            text = context.query or ""
            if len(text) > THREAD_ABOVE_CHARS:
                errors = await asyncio.to_thread(validate_document, schema, document, rules)
            else:
                errors = validate_document(schema, document, rules)
            if text:
                self.checked.put(text, Checked(document, errors))
        context.pre_execution_errors = errors
        yield
