"""Type stubs of the compiled module (re-exported by ``pactum``)."""

from os import PathLike
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

Outcome = Dict[str, Any]
__version__: str
STRATEGIES: List[Tuple[str, str]]

class PactumError(ValueError): ...

class Issue:
    name: str
    values: List[Any]
    kind: str
    def __len__(self) -> int: ...

class Party:
    name: str
    role: str
    reservation_value: Optional[float]
    discount_factor: Optional[float]

class Scenario:
    name: str
    label: str
    warnings: List[str]
    issues: List[Issue]
    parties: List[Party]
    negotiators: List[str]
    outcome_count: int
    @staticmethod
    def from_dict(d: Dict[str, Any], label: Optional[str] = None) -> Scenario: ...
    def utility(self, party: str, outcome: Outcome) -> float: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def to_toml(self) -> str: ...
    def to_json(self) -> str: ...

def load(path: Union[str, PathLike[str]], profiles: Optional[Sequence[str]] = None) -> Scenario: ...
def loads(text: str, format: str = "json", label: Optional[str] = None) -> Scenario: ...

class Analysis:
    frontier: List[Dict[str, Any]]
    frontier_utilities: npt.NDArray[np.float64]
    solutions: Dict[str, Optional[Dict[str, Any]]]
    zopa: Dict[str, Any]
    negotiators: List[str]
    outcome_count: int
    def to_dict(self) -> Dict[str, Any]: ...
    def _repr_html_(self) -> str: ...

def analyze(scenario: Scenario, *, enumerate: bool = False) -> Analysis: ...

class State:
    relative_time: float
    round: int
    n_rounds: Optional[int]
    offer: Optional[Outcome]
    proposer: Optional[str]
    history: List[Dict[str, Any]]

class Info:
    name: str
    seat: int
    n_negotiators: int
    deadline: Optional[int]
    reservation_value: Optional[float]
    issues: List[Issue]
    outcome_count: int
    negotiators: List[str]
    def utility(self, outcome: Outcome) -> float: ...
    def utilities(self) -> npt.NDArray[np.float64]: ...
    def outcomes(self) -> List[Outcome]: ...
    def ranked_outcomes(self) -> List[Outcome]: ...

class NegotiationResult:
    agreement: Optional[Outcome]
    utilities: List[float]
    steps: int
    end: Dict[str, Any]
    trace: List[Dict[str, Any]]
    def to_dict(self) -> Dict[str, Any]: ...

class PhasedResult:
    agreement: Optional[Dict[str, Any]]
    utilities: List[float]
    agreement_phase: Optional[int]
    phases: List[Dict[str, Any]]
    def to_dict(self) -> Dict[str, Any]: ...

def negotiate(
    scenario: Scenario,
    negotiators: Sequence[Any],
    protocol: str = "sao",
    steps: int = 100,
    seed: int = 0,
    *,
    mediator: str = "hill-climbing",
    time_limit: Optional[float] = None,
    discount: str = "scenario",
    phases: Optional[int] = None,
    shifts: Sequence[Tuple[int, str, float]] = (),
    llm: Optional[Dict[str, Any]] = None,
) -> Union[NegotiationResult, PhasedResult]: ...

class TournamentPlan:
    negotiations: int
    strategies: List[str]
    builtin: bool
    def manifest(self) -> Dict[str, Any]: ...
    def __len__(self) -> int: ...

def _tournament_plan(
    scenarios: Sequence[Any],
    strategies: Sequence[Any],
    steps: int = 100,
    reps: int = 1,
    seed: int = 0,
    self_play: bool = False,
    discount: str = "scenario",
    llm: Optional[Dict[str, Any]] = None,
) -> TournamentPlan: ...
def _run_batch(plan: TournamentPlan, start: int, stop: int, jobs: Optional[int] = None) -> List[Dict[str, Any]]: ...
def _tournament_analysis(
    strategies: Sequence[str],
    rows: Sequence[str],
    measure: str = "utility",
    confidence: float = 0.95,
    alpha: float = 0.05,
    survival: float = 0.001,
) -> Dict[str, Any]: ...
def _league(
    league: str,
    strategies: Sequence[Any],
    seed: int = 0,
    scenarios: Optional[int] = None,
    outcomes: Optional[Tuple[int, int]] = None,
    steps: Optional[Tuple[int, int]] = None,
    reps: Optional[int] = None,
    jobs: Optional[int] = None,
    llm: Optional[Dict[str, Any]] = None,
) -> Dict[str, Any]: ...
