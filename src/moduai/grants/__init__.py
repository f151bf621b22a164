"""자율형 포괄보조: grant schemes as dated YAML, an allocation simulator, and a 지자체 project portfolio.

Public API::

    list_schemes() / get_scheme(id)            the shipped schemes (schemes/*.yaml), validated
    allocate(scheme, budget=…, grades=…, tiers=…) -> Allocation   every 시군구, term by term
    compare(a, b) -> Comparison                winners, losers and the disparity change
    sensitivity(scheme, code=…)                how amounts move with each parameter
    run_scheme_tests()                         each scheme's own worked YAML tests
    read_projects(file) / demo_projects()      projects from the Korean template (해남군 예시)
    optimise(projects, PortfolioRules(…))      the best portfolio with a reason per project
"""

from moduai.grants.checks import run_scheme_tests
from moduai.grants.inputs import region_inputs
from moduai.grants.portfolio import PortfolioRules, brute_force, demo_projects, optimise, read_projects
from moduai.grants.scheme import Scheme, get_scheme, list_schemes, parse_scheme
from moduai.grants.simulate import allocate, compare, sensitivity

__all__ = ["PortfolioRules", "Scheme", "allocate", "brute_force", "compare", "demo_projects", "get_scheme",
           "list_schemes", "optimise", "parse_scheme", "read_projects", "region_inputs", "run_scheme_tests",
           "sensitivity"]
