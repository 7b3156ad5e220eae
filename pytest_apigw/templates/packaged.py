"""Local files a template names that ``sam package`` / ``aws cloudformation package`` would upload
to S3 before deploying, read from disk instead (as ``sam local`` reads them):

- ``Fn::Transform: {Name: AWS::Include, Parameters: {Location: ./openapi.yaml}}`` anywhere in the
  template (CloudFormation's include transform; typically an ``HttpApi``'s ``DefinitionBody``):
  replaced by the file's content, whose intrinsic functions are then resolved as CloudFormation
  resolves an included snippet's;
- an ``AWS::Serverless::HttpApi``'s local ``DefinitionUri``: becomes its ``DefinitionBody``.

Paths are relative to the template's folder; an ``s3://`` location is left as it is (and refused
later, where its content is needed, as code in S3 is).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytest_apigw.errors import SpecError
from pytest_apigw.templates.sources import read_document

HTTP_API = "AWS::Serverless::HttpApi"


def inline_local_files(template: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """``template`` with its local ``AWS::Include`` locations and ``DefinitionUri`` files read in."""
    included = _include(template, base_dir)
    assert isinstance(included, dict)
    for logical_id, resource in (included.get("Resources") or {}).items():
        if not isinstance(resource, dict) or resource.get("Type") != HTTP_API:
            continue
        props = resource.get("Properties") or {}
        uri = props.get("DefinitionUri")
        if isinstance(uri, str) and not uri.startswith("s3://"):
            document = _read(base_dir, uri, f"{HTTP_API} {logical_id!r} DefinitionUri")
            props = {k: v for k, v in props.items() if k != "DefinitionUri"}
            resource["Properties"] = {**props, "DefinitionBody": document}
    return included


def _include(value: Any, base_dir: Path) -> Any:
    """``value`` with every local ``AWS::Include`` replaced by the file's content (copied)."""
    if isinstance(value, list):
        return [_include(item, base_dir) for item in value]
    if not isinstance(value, dict):
        return value
    transform = value.get("Fn::Transform") if len(value) == 1 else None
    if isinstance(transform, dict) and transform.get("Name") == "AWS::Include":
        location = (transform.get("Parameters") or {}).get("Location")
        if isinstance(location, str) and not location.startswith("s3://"):
            return _include(_read(base_dir, location, "Fn::Transform AWS::Include Location"), base_dir)
    return {key: _include(item, base_dir) for key, item in value.items()}


def _read(base_dir: Path, location: str, where: str) -> Any:
    path = (base_dir / location).resolve()
    if not path.is_file():
        raise SpecError(where, f"{location!r} is not a file (looked for {str(path)!r}, relative to the "
                               "template's folder)")
    return read_document(path)
