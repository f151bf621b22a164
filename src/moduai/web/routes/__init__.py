"""One module per domain; each exposes ``router`` with its pages and its ``/api/v1/...`` endpoints.

Routes are thin: parse the request, call ONE domain function, render.  What goes elsewhere:

- maps (SVG, boundaries simplified for display, labels) → :mod:`moduai.web.maps` on :mod:`moduai.web.svgmap`;
- plotly figures → :mod:`moduai.web.charts`;
- what a page shows (selecting, ranking, explaining) → the domain, e.g. :mod:`moduai.balance.dashboard`;
- API documents → a domain result dataclass returned with :func:`moduai.web.api.api_response`, declared
  with ``response_model=`` from :mod:`moduai.web.schemas` (request bodies are ``*Request``/``*Create`` there).

``tests/web/test_thin_routes.py`` fails on pandas/numpy/shapely/h3/plotly imports, plotly figure dicts and
files over 400 lines here; ``tests/web/test_cli_api_contract.py`` on a CLI ``--json`` that differs from the API.
"""
