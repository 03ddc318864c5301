import numpy as np

import pactum
from conftest import EXAMPLES


def test_analysis_equals_the_cli_document(car, cli):
    a = pactum.analyze(car)
    assert a.to_dict() == cli("analyze", EXAMPLES / "car-purchase.toml", "--json")
    doc = a.to_dict()
    assert a.frontier == doc["frontier"]
    assert set(a.solutions) == {"nash", "kalai_smorodinsky", "egalitarian", "utilitarian"}
    assert set(a.solutions["nash"]) >= {"outcome", "utilities"}
    assert a.zopa["count"] > 0


def test_frontier_utilities_is_an_array(car):
    a = pactum.analyze(car)
    u = a.frontier_utilities
    assert isinstance(u, np.ndarray)
    assert u.shape == (len(a.frontier), 2)
    assert u.tolist() == [p["utilities"] for p in a.frontier]


def test_jupyter_shows_a_table_and_an_svg_plot(car):
    html = pactum.analyze(car)._repr_html_()
    assert "<table>" in html and "<svg" in html and "nash" in html
    assert html == pactum.analyze(car)._repr_html_()


def test_a_multilateral_analysis_equals_the_cli(cli):
    path = EXAMPLES / "istanbul-2025.toml"
    assert pactum.analyze(pactum.load(path)).to_dict() == cli("analyze", path, "--json")
