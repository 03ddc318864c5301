import json

import pytest

import pactum
from conftest import EXAMPLES


def test_load_shows_issues_parties_and_utilities(car):
    assert car.negotiators == ["Buyer", "Dealer"]
    assert [i.name for i in car.issues] == ["price", "warranty", "colour", "delivery"]
    assert car.issues[2].values == ["black", "white", "red", "blue"] or len(car.issues[2].values) == 4
    roles = {p.name: p.role for p in car.parties}
    assert roles["Buyer"] == "negotiator"
    assert car.outcome_count == 1872
    best = {i.name: i.values[0] for i in car.issues}
    u = car.utility("Buyer", best)
    assert 0.0 <= u <= 1.0


def test_to_dict_round_trips(car):
    d = car.to_dict()
    again = pactum.Scenario.from_dict(d)
    assert again.to_dict() == d
    assert pactum.loads(json.dumps(d)).to_dict() == d
    assert pactum.loads(car.to_toml(), format="toml").to_dict() == d


def test_errors_are_python_exceptions_naming_the_field(car):
    d = car.to_dict()
    d["parties"][0]["reservation"] = "high"
    with pytest.raises(pactum.PactumError) as e:
        pactum.Scenario.from_dict(d)
    assert "reservation" in str(e.value)
    with pytest.raises(FileNotFoundError):
        pactum.load(EXAMPLES / "no-such-file.toml")
    with pytest.raises(pactum.PactumError) as e:
        pactum.loads("name = 1\n[[issues]]\n", format="toml")
    assert "line" in str(e.value) or ":" in str(e.value)
    with pytest.raises(ValueError, match="format"):
        pactum.loads("{}", format="yaml")
    with pytest.raises(ValueError, match="warranty"):
        car.utility("Buyer", {"price": 18000.0, "warranty": 99, "colour": "black", "delivery": 1})
    with pytest.raises(ValueError, match="unknown party"):
        car.utility("Nobody", {})


def test_a_genius_folder_loads_when_shared_material_is_there():
    import pathlib

    folder = pathlib.Path(__file__).resolve().parents[3] / ".." / "shared" / "scenarios" / "genius" / "anac" / "y2012" / "CarA"
    if not folder.exists():
        pytest.skip(f"{folder} is absent")
    s = pactum.load(folder)
    assert len(s.negotiators) == 2
