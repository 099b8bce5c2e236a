"""Declared state tables for workflows, and the one shape of a workflow button.

A workflow (an order's life, a consignment note's, a group's verification) is
one `Workflow`: for each move, the states it is allowed from, the state it
leads to, who may make it and the refusal for every other state. The page
reads it to offer only the valid buttons (`offered`); the service reads it to
refuse anything else (`check`, raising the DomainError the person sees). A
test walks every entry (tests/integration/test_workflows.py).

A page that posts one of several moves to one URL (`…/<action>`) lists them
as `Action`s: the form the button posts and the one service it runs; the view
hands that to the transaction helper (shop.transaction).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from shop.errors import DomainError

T = TypeVar("T")  # the object that moves (an order, a note, a group)
S = TypeVar("S")  # its state


@dataclass(frozen=True)
class Rule(Generic[T]):
    """A condition a move needs besides the state, and its refusal."""

    holds: Callable[[T], bool]
    refused: Any


@dataclass(frozen=True)
class Move(Generic[T, S]):
    """One entry of a state table."""

    sources: frozenset[S]
    """The states the move is allowed from."""
    target: Any
    """The state it leads to (or the part of a compound state that changes);
    None when it keeps the state (a payment, a note)."""
    who: str
    """Who may make it (said in words: the table is read by people too)."""
    refused: Any
    """The refusal in any other state: a message, or state → message."""
    rules: tuple[Rule[T], ...] = ()
    """Conditions checked after the state, in order."""
    first: tuple[Rule[T], ...] = ()
    """Conditions checked before the state (a repeat told as such)."""
    shown: frozenset[S] | None = None
    """The states where the page offers it as a button, when fewer than `sources`
    (a move made by another actor there, such as Stripe's webhook)."""
    done: Any = None
    """What the page says once it is committed."""

    def refusal_in(self, state: S) -> Any:
        return self.refused(state) if callable(self.refused) else self.refused


class Workflow(Generic[T, S]):
    """A state table: `state(obj)` reads an object's state, `moves` name the
    moves (the word in the URL where a page posts them)."""

    def __init__(
        self,
        state: Callable[[T], S],
        moves: Mapping[str, Move[T, S]],
        error: type[DomainError] = DomainError,
    ):
        self.state = state
        self.moves = dict(moves)
        self.error = error

    def __getitem__(self, name: str) -> Move[T, S]:
        return self.moves[name]

    def __contains__(self, name: object) -> bool:
        return name in self.moves

    def __iter__(self) -> Iterator[str]:
        return iter(self.moves)

    def refusal(self, obj: T, name: str) -> DomainError | None:
        """Why `name` cannot be made on `obj` now, or None if it can."""
        move = self.moves[name]
        for rule in move.first:
            if not rule.holds(obj):
                return self.error(rule.refused)
        state = self.state(obj)
        if state not in move.sources:
            return self.error(move.refusal_in(state))
        for rule in move.rules:
            if not rule.holds(obj):
                return self.error(rule.refused)
        return None

    def check(self, obj: T, name: str) -> None:
        """Raise the refusal of `name` on `obj`, if any (the service's check)."""
        refusal = self.refusal(obj, name)
        if refusal is not None:
            raise refusal

    def offered(self, obj: T) -> list[str]:
        """The moves a page offers as buttons for `obj` now, in table order."""
        state = self.state(obj)
        return [
            name
            for name, move in self.moves.items()
            if state in (move.shown if move.shown is not None else move.sources)
            and self.refusal(obj, name) is None
        ]


@dataclass(frozen=True)
class Action(Generic[T]):
    """One button of a page that posts moves to `…/<action>`: the form it
    posts (built for the object) and the one service it runs."""

    form: Callable[[T], Any]
    run: Callable[[T, Any, Any], object]
    """(object, the validated form, the person) → the service's result."""
