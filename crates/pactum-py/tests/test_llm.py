"""The llm strategy from Python, against a stand-in endpoint (a small
http.server on the loopback answering canned moves, served by a thread of
this very interpreter): messages in the trace, the replay cache, the errors
for a missing endpoint or an unknown option, and llm beside Python
negotiators, where the model's requests must release the GIL or the
endpoint's thread could never answer them."""

import faulthandler
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

import pactum
from test_negotiate import Greedy


class StandIn(BaseHTTPRequestHandler):
    """Accepts what it may accept, else offers its first candidate."""

    requests = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        StandIn.requests.append(body)
        question = body["messages"][-1]["content"]
        if "you may accept it" in question:
            move = {"move": "accept", "candidate": 0, "message": "Agreed."}
        else:
            move = {"move": "offer", "candidate": 1, "message": "How about this?"}
        out = json.dumps(
            {
                "choices": [
                    {"message": {"role": "assistant", "content": json.dumps(move)}, "finish_reason": "stop"}
                ],
                "usage": {"total_tokens": 20},
            }
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint():
    server = HTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    StandIn.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_llm_plays_with_messages_in_the_trace(car, endpoint):
    r = pactum.negotiate(car, ["llm", "boulware"], steps=20, llm={"url": endpoint, "model": "stand-in"})
    doc = r.to_dict()
    assert doc["parties"][0]["strategy"] == "llm"
    buyer = [e for e in doc["trace"] if e["proposer"] == "Buyer"]
    assert buyer and all(e["message"] == "How about this?" for e in buyer)
    assert all(e["utilities"][0] >= 0.45 for e in buyer)
    assert StandIn.requests[0]["model"] == "stand-in"
    assert doc["end"]["kind"] in ("agreement", "deadline")


def test_a_cached_run_replays_offline(car, endpoint, tmp_path):
    options = {"url": endpoint, "model": "stand-in", "cache": tmp_path, "fallback": "conceder"}
    first = pactum.negotiate(car, ["boulware", "llm"], steps=15, llm=options).to_dict()
    offline = dict(options, url="http://127.0.0.1:9/v1")
    again = pactum.negotiate(car, ["boulware", "llm"], steps=15, llm=offline).to_dict()
    assert first == again
    assert not any("fallback" in e for e in again["trace"])


def test_llm_is_listed_among_the_strategies():
    names = [name for name, _ in pactum.STRATEGIES]
    assert "llm" in names and "boulware" in names


def test_llm_without_an_endpoint_or_with_an_unknown_option_is_refused(car, monkeypatch):
    monkeypatch.delenv("PACTUM_LLM_URL", raising=False)
    monkeypatch.delenv("PACTUM_LLM_MODEL", raising=False)
    with pytest.raises(ValueError, match="needs a language model"):
        pactum.negotiate(car, ["llm", "boulware"])
    with pytest.raises(ValueError, match="unknown key"):
        pactum.negotiate(car, ["llm", "boulware"], llm={"uri": "http://x"})
    with pytest.raises(ValueError, match="protocol \"sao\" only"):
        pactum.negotiate(car, ["llm", "boulware"], protocol="single-text", llm={"url": "http://127.0.0.1:9/v1", "model": "m"})
    with pytest.raises(ValueError, match="cannot stand in"):
        pactum.negotiate(car, ["llm", "boulware"], llm={"url": "http://127.0.0.1:9/v1", "model": "m", "fallback": "llm"})


def test_the_format_option_chooses_how_the_schema_is_sent(car, endpoint):
    pactum.negotiate(car, ["llm", "boulware"], steps=4, llm={"url": endpoint, "model": "m"})
    assert StandIn.requests[0]["response_format"]["type"] == "json_schema"
    StandIn.requests = []
    pactum.negotiate(car, ["llm", "boulware"], steps=4, llm={"url": endpoint, "model": "m", "format": "json_object"})
    assert StandIn.requests[0]["response_format"]["type"] == "json_object"
    with pytest.raises(ValueError, match="llm:"):
        pactum.negotiate(car, ["llm", "boulware"], llm={"url": endpoint, "model": "m", "format": "yaml"})


def test_a_tournament_seats_llm_through_the_llm_option(car, endpoint, monkeypatch):
    monkeypatch.delenv("PACTUM_LLM_URL", raising=False)
    monkeypatch.delenv("PACTUM_LLM_MODEL", raising=False)
    rows = pactum.tournament([car], ["llm", "boulware", "conceder"], steps=6,
                             llm={"url": endpoint, "model": "stand-in"})
    assert len(rows) == 6
    with_llm = [r for r in rows if "llm" in (r["strategy_a"], r["strategy_b"])]
    assert len(with_llm) == 4
    for r in with_llm:
        seat = "a" if r["strategy_a"] == "llm" else "b"
        assert r[f"messages_{seat}"] > 0 and r[f"flagged_{seat}"] == 0
    assert StandIn.requests and StandIn.requests[0]["model"] == "stand-in"
    with pytest.raises(ValueError, match="needs a language model"):
        pactum.tournament([car], ["llm", "boulware"], steps=6)



@pytest.fixture
def watchdog(capfd):
    """Ends the whole run with every thread's traceback on the real stderr
    if a test hangs (a model request holding the GIL would wait for an
    endpoint thread that cannot run): a deadlock fails loudly instead of
    hanging."""
    with capfd.disabled():
        faulthandler.dump_traceback_later(120, exit=True)
        yield
        faulthandler.cancel_dump_traceback_later()


def test_llm_beside_a_python_negotiator_asks_an_endpoint_of_this_interpreter(car, endpoint, watchdog):
    r = pactum.negotiate(car, ["llm", Greedy()], steps=12, llm={"url": endpoint, "model": "stand-in"})
    doc = r.to_dict()
    buyer = [e for e in doc["trace"] if e["proposer"] == "Buyer"]
    assert buyer and all(e["message"] == "How about this?" for e in buyer)
    assert not any("fallback" in e for e in doc["trace"])
    assert len(StandIn.requests) >= len(buyer)


def test_a_tournament_mixes_llm_python_negotiators_and_built_in_strategies(car, endpoint, watchdog):
    strategies = [Greedy, "boulware", "llm"]
    options = {"url": endpoint, "model": "stand-in"}
    one = pactum.tournament([car], strategies, steps=8, seed=3, jobs=1, llm=options)
    asked = len(StandIn.requests)
    again = pactum.tournament([car], strategies, steps=8, seed=3, jobs=1, llm=options)
    two = pactum.tournament([car], strategies, steps=8, seed=3, jobs=2, llm=options)
    assert one == again == two
    assert len(one) == 6
    pairs = {(r["strategy_a"], r["strategy_b"]) for r in one}
    assert pairs == {(a, b) for a in ("Greedy", "boulware", "llm")
                     for b in ("Greedy", "boulware", "llm") if a != b}
    for r in one:
        for seat in ("a", "b"):
            # Every move of the llm seat was the model's (the stand-in
            # answers every request with a usable move), none of the others'.
            talks = r[f"strategy_{seat}"] == "llm"
            assert (r[f"messages_{seat}"] > 0) == talks, r
            assert r[f"flagged_{seat}"] == 0
    # The same requests each time: the rows come from the endpoint's answers.
    assert asked > 0 and len(StandIn.requests) == 3 * asked
