"""NegMAS negotiators seen through a mirror of NegMAS's own mechanism (used
by ``pactum.negmas``): outcome spaces and outcomes between Pactum and
NegMAS, and ``Mirror``, one seat's view of a Pactum negotiation kept in a
NegMAS ``SAOMechanism`` that is never stepped.

Rules kept here: Pactum's issues map to NegMAS issues one to one (options
as text, integers as a contiguous range, a real issue as its grid points),
in order, so outcomes convert both ways without loss; a negotiator is
called exactly as ``SAOMechanism.__call__`` calls it (a copy of the state
with its relative time, ``dest`` the next seat), and every Pactum move is
written into the mirror's state, with NegMAS's callbacks, before the
negotiator moves again; the mirror never draws at random.
"""

from __future__ import annotations

import math
import random
import time
import zlib
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
from negmas.gb.common import ExtendedResponseType, ResponseType
from negmas.outcomes import make_issue, make_os
from negmas.outcomes.common import ExtendedOutcome
from negmas.preferences import MappingUtilityFunction
from negmas.sao import SAOMechanism, SAONegotiator




def negmas_issue(issue: Any):
    """The NegMAS issue of a Pactum issue: categorical for options, a
    contiguous range for integers, the grid points for a real issue."""
    values = issue.values
    if issue.kind == "integer":
        return make_issue((int(values[0]), int(values[-1])), name=issue.name)
    if issue.kind == "real":
        return make_issue([float(v) for v in values], name=issue.name)
    return make_issue([str(v) for v in values], name=issue.name)


def outcome_space(issues: Sequence[Any], name: Optional[str] = None):
    return make_os([negmas_issue(i) for i in issues], name=name)


def plain(value: Any, kind: str) -> Any:
    """A NegMAS issue value as Pactum's outcome holds it."""
    if kind == "integer":
        return int(value)
    if kind == "real":
        return float(value)
    return str(value)


class Outcomes:
    """Outcome conversion between Pactum (dict issue -> value) and NegMAS (tuple)."""

    def __init__(self, issues: Sequence[Any]):
        self.names = [i.name for i in issues]
        self.kinds = [i.kind for i in issues]

    def to_tuple(self, outcome: Dict[str, Any]) -> Tuple[Any, ...]:
        return tuple(plain(outcome[n], k) for n, k in zip(self.names, self.kinds))

    def to_dict(self, outcome: Any) -> Dict[str, Any]:
        if isinstance(outcome, ExtendedOutcome):
            outcome = outcome.outcome
        if isinstance(outcome, dict):
            outcome = tuple(outcome[n] for n in self.names)
        if len(outcome) != len(self.names):
            raise ValueError(
                f"outcome {outcome!r} has {len(outcome)} values for {len(self.names)} issues"
            )
        return {n: plain(v, k) for n, v, k in zip(self.names, outcome, self.kinds)}





class _Seat(SAONegotiator):
    """Stands for another seat of the Pactum negotiation in the mirror: the
    mirror is never run, so it is never asked to move."""

    def propose(self, state, dest=None):  # noqa: D102 - never called
        return None


def seed_generators(seed: int, *parts: Any) -> None:
    """Seeds the generators NegMAS negotiators draw from."""
    key = ":".join(str(p) for p in (seed, *parts))
    random.seed(key)
    np.random.seed(zlib.crc32(key.encode()))


class Mirror:
    """One seat's view of a Pactum negotiation kept in a NegMAS
    ``SAOMechanism`` that is never stepped: Pactum's moves are written into
    its state, so the negotiator's NMI (``nmi.state``, ``nmi.history``,
    ``negotiator_offers``, ...) reads as it would in NegMAS."""

    def __init__(self, neg: Any, info: Any):
        self.neg = neg
        self.seat = info.seat
        self.n = info.n_negotiators
        self.own = info.name
        issues = info.issues
        self.outcomes = Outcomes(issues)
        os_ = outcome_space(issues, name=f"pactum-{info.name}")
        mapping = {self.outcomes.to_tuple(o): info.utility(o) for o in info.outcomes()}
        rv = info.reservation_value
        ufun = MappingUtilityFunction(
            mapping=mapping,
            outcome_space=os_,
            reserved_value=-math.inf if rv is None else float(rv),
            name=info.name,
        )
        self.m = m = SAOMechanism(outcome_space=os_, n_steps=info.deadline, name="pactum")
        names = getattr(info, "negotiators", None)
        self.names = {nm: s for s, nm in enumerate(names)} if names else {info.name: self.seat}
        self.seats: List[Any] = []
        for s in range(self.n):
            if s == self.seat:
                if not m.add(neg, preferences=ufun):
                    raise ValueError(
                        f"{type(neg).__name__} would not join (is it already in a negotiation? "
                        "NegmasNegotiator.of(...) makes a fresh one for every negotiation)"
                    )
                self.seats.append(neg)
            else:
                self.seats.append(_Seat(name=f"seat {s}"))
                m.add(self.seats[-1])
        self.consumed = 0
        self.applied: List[Tuple[int, str, Tuple[Any, ...]]] = []
        self.pending: Optional[Tuple[Any, ...]] = None
        st = m._current_state
        st.running, st.started, st.step = True, True, 0
        st.relative_time = m._relative_time_for(m._internal_nmi)
        m._start_time = time.perf_counter_ns()
        neg._on_negotiation_start(m.state_for(neg))
        neg.on_round_start(m.state_for(neg))
        m._current_state.new_offers, m._current_state.new_data = [], []

    def seat_of(self, name: str) -> int:
        """A proposer's seat: known names, else (in rotation) the nearest
        earlier seat not yet named."""
        if name not in self.names:
            taken = set(self.names.values())
            for k in range(1, self.n):
                s = (self.seat - k) % self.n
                if s not in taken:
                    self.names[name] = s
                    break
            else:
                raise ValueError(f"unknown negotiator {name!r}")
        return self.names[name]

    def advance(self, step: int) -> None:
        """Ends rounds up to ``step`` as NegMAS's ``step()`` does."""
        m, neg = self.m, self.neg
        st = m._current_state
        while st.step < step:
            neg.on_round_end(m.state_for(neg))
            m._add_to_history(m.state4history)
            st.step += 1
            st.time = m.time
            st.relative_time = m._relative_time_for(m._internal_nmi)
            neg.on_round_start(m.state_for(neg))
            st.new_offers, st.new_data = [], []

    def offered(self, seat: int, outcome: Tuple[Any, ...]) -> None:
        """Writes an offer into the state, with the callbacks NegMAS makes."""
        m, neg = self.m, self.neg
        st = m._current_state
        who = self.seats[seat]
        if seat != self.seat:
            if st.current_offer is not None:
                neg.on_partner_response(
                    state=m.state_for(neg),
                    partner_id=who.id,
                    outcome=st.current_offer,
                    response=ResponseType.REJECT_OFFER,
                )
            neg.on_partner_proposal(partner_id=who.id, offer=outcome, state=m.state)
        st.current_offer, st.current_proposer = outcome, who.id
        st.n_acceptances = 1
        st.new_offers.append((who.id, outcome))
        st.new_data.append((who.id, None))
        m._current_proposer = who

    def catch_up(self, state: Any) -> None:
        """Replays the offers made by others since the negotiator last moved."""
        history = state.history
        for e in history[self.consumed :]:
            if e["negotiator"] == self.own:
                continue
            key = (e["round"], e["negotiator"], self.outcomes.to_tuple(e["offer"]))
            if key in self.applied:
                self.applied.remove(key)
                continue
            self.advance(e["round"])
            self.offered(self.seat_of(e["negotiator"]), key[2])
        self.consumed = len(history)
        self.advance(state.round)
        offer = state.offer
        if offer is not None and state.proposer != self.own:
            key = (state.round, state.proposer, self.outcomes.to_tuple(offer))
            st = self.m._current_state
            if st.current_offer != key[2] or st.current_proposer != self.seats[self.seat_of(key[1])].id:
                self.offered(self.seat_of(key[1]), key[2])
                self.applied.append(key)

    def act(self) -> Tuple[Any, Optional[Tuple[Any, ...]]]:
        """Calls the negotiator as ``SAOMechanism`` does; its response and offer."""
        m, neg = self.m, self.neg
        given = m.state_for(neg)
        if m._current_proposer is neg:
            m._current_state.n_acceptances = 0
        dest = self.seats[(self.seat + 1) % self.n].id
        try:
            resp = neg(given, dest=dest)
        except TypeError:
            resp = neg(given)
        if resp is None:
            return ResponseType.END_NEGOTIATION, None
        kind = resp.response
        if isinstance(kind, ExtendedResponseType):
            kind = kind.response
        outcome = resp.outcome
        if isinstance(outcome, ExtendedOutcome):
            outcome = outcome.outcome
        return kind, None if outcome is None else tuple(outcome)

    def answer(self, kind: Any, outcome: Optional[Tuple[Any, ...]]) -> str:
        """Pactum's move for a NegMAS response (see the module's rules)."""
        if kind == ResponseType.ACCEPT_OFFER:
            self.m._current_state.n_acceptances += 1
            return "accept"
        if kind == ResponseType.REJECT_OFFER and outcome is not None:
            self.offered(self.seat, outcome)
            self.pending = outcome
            return "reject"
        if kind == ResponseType.LEAVE and self.n > 2:
            return "leave"
        return "end"

    def end(self, agreement: Optional[Dict[str, Any]], kind: str) -> None:
        """Ends the negotiation for the negotiator."""
        m, neg = self.m, self.neg
        st = m._current_state
        st.running = False
        st.agreement = None if agreement is None else self.outcomes.to_tuple(agreement)
        st.timedout = kind == "deadline"
        st.broken = kind not in ("agreement", "deadline")
        neg.on_round_end(m.state_for(neg))
        m._add_to_history(m.state4history)
        neg._on_negotiation_end(m.state_for(neg))
