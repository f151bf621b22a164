"""The HTTP API's contracts: request models (bodies coming in) and response models (documents going out).

Where and why: ``web/schemas/<domain>.py``, one module per API tag.  The documents themselves are the
domain result dataclasses — the one thing both adapters serialise (``moduai.results.to_jsonable``), so
``moduai … --json`` and ``/api/v1/…`` cannot drift — and the response models here are *derived* from
those dataclasses (:func:`public_model`), never written a second time.  Only what exists because of HTTP
is written by hand: request bodies (``*Request``/``*Create``) and the few documents whose domain type
flattens itself with ``to_dict`` (``RegionPublic`` …).  Keeping this under ``web`` keeps pydantic and
HTTP vocabulary out of the domain packages, which the CLI and tests use without a server.

Routes keep returning ``JSONResponse(to_jsonable(result))`` — the bytes are exactly the CLI's — and
``tests/web/test_api_schemas.py`` validates real responses against these models, so the OpenAPI spec
cannot describe a document the server does not send.
"""

from moduai.web.schemas.derive import public_model

__all__ = ["public_model"]
