"""One module per domain; each exposes ``router`` with its pages and its ``/api/v1/...`` endpoints."""
