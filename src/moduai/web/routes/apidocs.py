"""/api/docs: the OpenAPI spec rendered as a Korean page on the server (no Swagger CDN)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Request

from moduai.web.templating import render_page

router = APIRouter()


@dataclass
class Endpoint:
    method: str
    path: str
    summary: str
    tag: str
    params: list[dict] = field(default_factory=list)


@dataclass
class ApiDocsContext:
    title: str
    version: str
    spec_url: str
    groups: list[tuple[str, list[Endpoint]]]


def endpoints_from_spec(spec: dict) -> list[Endpoint]:
    out = []
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            params = [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                       "description": p.get("description", ""), "type": p.get("schema", {}).get("type", "")}
                      for p in op.get("parameters", [])]
            if "requestBody" in op:
                params.append({"name": "body", "in": "body", "required": True, "description": "", "type": "object"})
            out.append(Endpoint(method.upper(), path, op.get("summary") or op.get("description", "").split("\n")[0],
                                (op.get("tags") or ["기타"])[0], params))
    return out


@router.get("/api/docs", include_in_schema=False)
def api_docs(request: Request):
    """API 문서."""
    spec = request.app.openapi()
    eps = endpoints_from_spec(spec)
    tags = sorted({e.tag for e in eps})
    groups = [(t, [e for e in eps if e.tag == t]) for t in tags]
    ctx = ApiDocsContext(spec["info"]["title"], spec["info"]["version"], request.app.openapi_url, groups)
    return render_page(request, "apidocs.html", ctx, title="API 문서")
