import pytest

import pactum
from conftest import EXAMPLES


class Greedy(pactum.Negotiator):
    """Offers its outcomes from best to worst, accepts 0.7 or more."""

    def on_start(self, info):
        self.info = info
        self.outcomes = sorted(info.outcomes(), key=info.utility, reverse=True)
        self.seen = []

    def propose(self, state):
        return self.outcomes[min(state.round, len(self.outcomes) - 1)]

    def respond(self, state, offer):
        self.seen.append((state.round, state.proposer, len(state.history)))
        return "accept" if self.info.utility(offer) >= 0.7 else "reject"

    def on_end(self, result):
        self.result = result


@pytest.mark.parametrize(
    "protocol,extra",
    [
        ("sao", []),
        ("single-text", []),
        ("single-text", ["--mediator", "veto"]),
        ("single-text", ["--mediator", "draft-and-vote"]),
        ("single-text", ["--mediator", "packages"]),
        ("partial-rounds", []),
    ],
)
def test_builtin_negotiations_equal_the_cli(car, cli, protocol, extra):
    kwargs = {"mediator": extra[1]} if extra else {}
    r = pactum.negotiate(car, ["boulware", "conceder"], protocol=protocol, steps=50, seed=3, **kwargs)
    doc = cli(
        "negotiate", EXAMPLES / "car-purchase.toml", "--parties", "boulware,conceder",
        "--protocol", protocol, *extra, "--steps", 50, "--seed", 3, "--json",
    )
    assert r.to_dict() == doc
    assert r.agreement == doc["agreement"] and r.utilities == doc["utilities"]
    assert r.steps == doc["steps"] and r.trace == doc["trace"]
    assert r.end == doc["end"]


@pytest.mark.parametrize("parties", [["hardliner", "hardliner"], ["conceder", "conceder"]])
def test_the_summary_read_before_the_document_equals_it(car, parties):
    r = pactum.negotiate(car, parties, steps=20, seed=1)
    # Read first from the result itself, then from the document built later.
    summary = (r.agreement, r.utilities, r.steps, r.end, repr(r))
    doc = r.to_dict()
    assert summary[:4] == (doc["agreement"], doc["utilities"], doc["steps"], doc["end"])
    assert summary[4] == f"Result(end={doc['end']['kind']}, steps={doc['steps']}, utilities={doc['utilities']!r})"
    assert (r.agreement is None) == (parties[0] == "hardliner")
    assert r.trace is r.trace and r.trace == doc["trace"]
    assert r.to_dict() is not doc and r.to_dict() == doc


def test_a_python_negotiator_plays_and_is_told(car):
    g = Greedy()
    r = pactum.negotiate(car, [g, "conceder"], steps=40)
    assert r.end["kind"] in {"agreement", "deadline"}
    assert r.to_dict()["parties"][0]["strategy"] == "Greedy"
    assert g.result is r
    rounds = [s[0] for s in g.seen]
    assert rounds == sorted(rounds) and all(p == "Dealer" for _, p, _ in g.seen)
    # history grows: every offer made so far, the standing one included
    assert all(n >= 1 for _, _, n in g.seen)


def test_state_shows_the_standing_offer_and_history(car):
    seen = {}

    class Probe(Greedy):
        def respond(self, state, offer):
            if state.round == 2:
                seen["offer"] = state.offer
                seen["given"] = offer
                seen["history"] = state.history
                seen["time"] = (state.relative_time, state.n_rounds)
            return "reject"

    pactum.negotiate(car, ["hardliner", Probe()], steps=5)
    assert seen["offer"] == seen["given"]
    assert [h["negotiator"] for h in seen["history"]] == ["Buyer", "Dealer"] * 2 + ["Buyer"]
    assert [h["round"] for h in seen["history"]] == [0, 0, 1, 1, 2]
    assert seen["time"] == (3 / 6, 5)


def test_a_raising_negotiator_ends_the_negotiation_with_the_traceback(car):
    class Raising(Greedy):
        def respond(self, state, offer):
            if state.round == 3:
                raise RuntimeError("boom in round three")
            return "reject"

    r = pactum.negotiate(car, ["boulware", Raising()], steps=20)
    assert r.end["kind"] == "invalid" and r.end["party"] == "Dealer"
    assert "Dealer (Raising)" in r.end["reason"]
    assert "boom in round three" in r.end["reason"] and "Traceback" in r.end["reason"]
    assert r.steps == 4 and r.agreement is None


def test_an_invalid_outcome_or_answer_ends_the_negotiation(car):
    class BadOffer(Greedy):
        def propose(self, state):
            return {"price": 1, "warranty": 0, "colour": "black", "delivery": 1}

    r = pactum.negotiate(car, [BadOffer(), "boulware"])
    assert r.end["kind"] == "invalid" and r.end["party"] == "Buyer"
    assert "price" in r.end["reason"] and r.steps == 1

    class BadAnswer(Greedy):
        def respond(self, state, offer):
            return "maybe"

    r = pactum.negotiate(car, ["boulware", BadAnswer()])
    assert r.end["kind"] == "invalid" and "'maybe'" in r.end["reason"] or '"maybe"' in r.end["reason"]


def test_a_failure_in_a_vote_ends_the_single_text(car):
    class Voter(Greedy):
        def respond(self, state, offer):
            if state.round == 1:
                raise ValueError("no vote")
            return "reject"

    r = pactum.negotiate(car, [Voter(), "conceder"], protocol="single-text", steps=10)
    assert r.end["kind"] == "invalid" and r.steps == 2
    assert "no vote" in r.end["reason"]


def test_bad_arguments_are_value_errors(car):
    with pytest.raises(ValueError, match="unknown strategy"):
        pactum.negotiate(car, ["boulware", "nobody"])
    with pytest.raises(ValueError, match="protocol"):
        pactum.negotiate(car, ["boulware", "linear"], protocol="auction")
    with pytest.raises(ValueError, match="one per negotiator"):
        pactum.negotiate(car, ["boulware"])
    with pytest.raises(ValueError, match="neither"):
        pactum.negotiate(car, ["boulware", 42])


class Inspector(pactum.Negotiator):
    """Keeps what it was told and offers its best outcome."""

    def on_start(self, info):
        self.info = info
        self.best = info.outcomes()[int(info.utilities().argmax())]

    def propose(self, state):
        return self.best

    def respond(self, state, offer):
        return "reject_without_offer" if state.round == 0 else "end"


def test_info_gives_every_own_utility_at_once_and_the_names(car):
    i = Inspector()
    r = pactum.negotiate(car, ["conceder", i], steps=10)
    info = i.info
    assert info.negotiators == car.negotiators
    u = info.utilities()
    outcomes = info.outcomes()
    assert u.shape == (info.outcome_count,) and len(outcomes) == info.outcome_count
    assert all(u[k] == info.utility(o) for k, o in enumerate(outcomes))
    # Best first, equal utilities in enumeration order, as sorted() ranks them.
    assert info.ranked_outcomes() == sorted(outcomes, key=info.utility, reverse=True)
    # "reject_without_offer" made no counter-offer: the conceder, whose
    # offer still stood, offered again in round 1, and the inspector ended.
    assert r.end["kind"] == "ended" and r.steps == 2
    assert [t["proposer"] for t in r.trace] == [car.negotiators[0]] * 2
    assert r.trace[0]["responses"][0]["response"] == "reject_without_offer"


class Mutator(pactum.Negotiator):
    """Changes the outcome dicts it is given, then plays the first one."""

    def on_start(self, info):
        self.outcomes = info.outcomes()
        self.first = dict(self.outcomes[0])
        for o in self.outcomes:
            o.clear()
        self.again = info.outcomes()

    def propose(self, state):
        return self.again[0]

    def respond(self, state, offer):
        return "reject"


def test_each_call_of_outcomes_gives_fresh_dicts(car):
    a, b = Mutator(), Mutator()
    pactum.negotiate(car, [a, b], steps=3)
    pactum.negotiate(car, [Mutator(), "conceder"], steps=3)
    # Clearing one list's dicts changes neither a later call's nor another
    # negotiator's, in this negotiation or the next.
    assert a.again[0] == a.first == b.first and all(a.again)
    assert a.outcomes[0] == {} and b.again[0] == a.first


@pytest.mark.parametrize(
    "protocol,phases,shifts,flags",
    [
        ("phased", 3, [(2, "Buyer", 0.6)], ["--shift", "2:Buyer.reservation=0.6"]),
        ("phased", 2, [], []),
        ("sao", 2, [(1, "Dealer", 0.3), (2, "Buyer", 0.5)],
         ["--shift", "1:Dealer.reservation=0.3", "--shift", "2:Buyer.reservation=0.5"]),
    ],
)
def test_phased_sessions_equal_the_cli(car, cli, protocol, phases, shifts, flags):
    r = pactum.negotiate(car, ["hardliner", "boulware"], protocol=protocol, steps=8, seed=2,
                         phases=phases, shifts=shifts)
    doc = cli(
        "negotiate", EXAMPLES / "car-purchase.toml", "--parties", "hardliner,boulware",
        "--protocol", protocol, "--phases", phases, *flags, "--steps", 8, "--seed", 2, "--json",
    )
    assert r.to_dict() == doc
    assert r.agreement == doc["agreement"] and r.utilities == doc["utilities"]
    assert r.agreement_phase == doc["agreement_phase"] and r.phases == doc["phases"]
    assert isinstance(r, pactum.PhasedResult) and "PhasedResult(phases=" in repr(r)


class Counting(pactum.Negotiator):
    """Offers its best outcome of the phase, rejects; counts its seatings."""

    def __init__(self):
        self.starts, self.spaces, self.ends = 0, [], 0

    def on_start(self, info):
        self.starts += 1
        self.spaces.append(info.outcome_count)
        self.best = max(info.outcomes(), key=info.utility)

    def propose(self, state):
        return self.best

    def respond(self, state, offer):
        return "reject"

    def on_end(self, result):
        self.ends += 1
        self.result = result


def test_a_python_negotiator_is_seated_in_every_phase_and_told_the_end_once(car):
    c = Counting()
    r = pactum.negotiate(car, [c, "hardliner"], protocol="phased", phases=3, steps=4)
    played = len(r.phases)
    assert c.starts == played and c.ends == 1 and c.result is r
    # Each phase's outcome space holds its open issues only.
    assert c.spaces[0] == car.outcome_count
    assert all(a >= b for a, b in zip(c.spaces, c.spaces[1:]))


def test_bad_phases_and_shifts_are_value_errors(car):
    with pytest.raises(ValueError, match="out of range"):
        pactum.negotiate(car, ["linear", "linear"], protocol="phased", phases=2,
                         shifts=[(3, "Buyer", 0.5)])
    with pytest.raises(ValueError, match="not a negotiator"):
        pactum.negotiate(car, ["linear", "linear"], phases=2, shifts=[(1, "Nobody", 0.5)])
    with pytest.raises(ValueError, match="already shifted"):
        pactum.negotiate(car, ["linear", "linear"], phases=2,
                         shifts=[(1, "Buyer", 0.5), (1, "Buyer", 0.4)])
    with pytest.raises(ValueError, match="at least one phase"):
        pactum.negotiate(car, ["linear", "linear"], protocol="phased", phases=0)
    with pytest.raises(ValueError, match="alternating offers"):
        pactum.negotiate(car, ["linear", "linear"], protocol="single-text", phases=2)
    with pytest.raises(ValueError, match="time_limit"):
        pactum.negotiate(car, ["linear", "linear"], protocol="phased", time_limit=1.0)
    with pytest.raises(ValueError):
        pactum.negotiate(car, ["linear", "linear"], phases=2, shifts=[(1, "Buyer", float("nan"))])
