"""SAM templates (``Transform: AWS::Serverless-2016-10-31``) through AWS's own transform,
``aws-sam-translator``.

The transform refuses a local ``CodeUri`` (it expects ``sam package`` to have uploaded it); as
SAM CLI does before validating, each local ``CodeUri`` is swapped for a placeholder S3 URI and the
local folder is remembered on the resulting ``AWS::Lambda::Function`` (same logical id); a local
``ContentUri`` of an ``AWS::Serverless::LayerVersion`` likewise, on the ``AWS::Lambda::LayerVersion``
the transform makes of it (whose logical id gets a hash suffix: it is found by its placeholder).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from pytest_apigw.errors import SpecError

TRANSFORM = "AWS::Serverless-2016-10-31"
SERVERLESS_FUNCTION = "AWS::Serverless::Function"
SERVERLESS_LAYER = "AWS::Serverless::LayerVersion"
CODE_DIR_KEY = "pytest-apigw:code-dir"
_PLACEHOLDER_BUCKET = "pytest-apigw-local-code"


def is_sam(template: dict[str, Any]) -> bool:
    """True when the template asks for the SAM transform."""
    transform = template.get("Transform")
    names = transform if isinstance(transform, list) else [transform]
    return TRANSFORM in names


def refuse_untransformed(template: dict[str, Any]) -> None:
    """A SAM resource in a template without the transform: CloudFormation refuses the template
    ("Unrecognized resource types"), so does this (it would otherwise be ignored, silently)."""
    for logical_id, resource in (template.get("Resources") or {}).items():
        kind = resource.get("Type") if isinstance(resource, dict) else None
        if isinstance(kind, str) and kind.startswith("AWS::Serverless::"):
            raise SpecError(
                f"{kind} {logical_id!r}",
                f"a SAM resource needs the SAM transform: add `Transform: {TRANSFORM}` at the "
                "template's top level (CloudFormation refuses the template without it: "
                f"Unrecognized resource types: [{kind}])",
            )


#: Translations already made in this process, newest last: a suite loading its template in every
#: test pays the transform (about 20 ms, half of it SAM validating its policy templates) once.
_TRANSLATED: dict[str, dict[str, Any]] = {}
_KEEP = 16


def transform(template: dict[str, Any], base_dir: Path, parameters: dict[str, Any]) -> dict[str, Any]:
    """The plain CloudFormation template SAM's transform makes of ``template`` (a copy of its own:
    the same input is translated once per process)."""
    key = json.dumps([template, str(base_dir), parameters], sort_keys=True, default=repr)
    if key not in _TRANSLATED:
        _TRANSLATED[key] = _translate(template, base_dir, parameters)
        while len(_TRANSLATED) > _KEEP:
            del _TRANSLATED[next(iter(_TRANSLATED))]
    return copy.deepcopy(_TRANSLATED[key])


def _translate(template: dict[str, Any], base_dir: Path, parameters: dict[str, Any]) -> dict[str, Any]:
    try:
        import boto3
        from samtranslator.model.exceptions import InvalidDocumentException
        from samtranslator.parser.parser import Parser
        from samtranslator.translator.translator import Translator
    except ImportError:  # pragma: no cover - shipped with the templates extra
        raise SpecError("load_template", "a SAM template needs aws-sam-translator: "
                        "pip install 'pytest-apigw[templates]'") from None
    template = copy.deepcopy(template)
    local_code = _replace_local_code(template, base_dir)
    local_layers = _replace_local_content(template, base_dir)
    translator = Translator({}, Parser(), boto_session=boto3.Session(region_name="us-east-1"))
    values = {"AWS::Region": "us-east-1", "AWS::Partition": "aws", "AWS::AccountId": "123456789012",
              **_defaults(template), **parameters}
    try:
        result = translator.translate(sam_template=template, parameter_values=values,
                                      get_managed_policy_map=dict)
    except InvalidDocumentException as exc:
        causes = "; ".join(str(cause) for cause in exc.causes) or str(exc)
        raise SpecError("SAM template", f"AWS's SAM transform refused it: {causes}") from None
    finally:
        # its timing metrics go nowhere (a dummy publisher), but unpublished ones log a warning
        # into the captured log of every test that loaded a SAM template
        translator.metrics.publish()
    for logical_id, folder in local_code.items():
        resource = (result.get("Resources") or {}).get(logical_id)
        if resource is not None:
            resource.setdefault("Metadata", {})[CODE_DIR_KEY] = str(folder)
    for resource in (result.get("Resources") or {}).values():
        content = (resource.get("Properties") or {}).get("Content") if isinstance(resource, dict) else None
        if isinstance(content, dict) and content.get("S3Bucket") == _PLACEHOLDER_BUCKET \
                and content.get("S3Key") in local_layers:
            resource.setdefault("Metadata", {})[CODE_DIR_KEY] = str(local_layers[content["S3Key"]])
    translated: dict[str, Any] = result
    return translated


def _defaults(template: dict[str, Any]) -> dict[str, Any]:
    return {name: spec["Default"] for name, spec in (template.get("Parameters") or {}).items()
            if isinstance(spec, dict) and "Default" in spec}


def _replace_local_code(template: dict[str, Any], base_dir: Path) -> dict[str, Path]:
    """Swap each local ``CodeUri`` (own or from ``Globals``) for a placeholder S3 URI."""
    global_uri = ((template.get("Globals") or {}).get("Function") or {}).pop("CodeUri", None)
    local: dict[str, Path] = {}
    for logical_id, resource in (template.get("Resources") or {}).items():
        if not isinstance(resource, dict) or resource.get("Type") != SERVERLESS_FUNCTION:
            continue
        props = resource.setdefault("Properties", {})
        if "InlineCode" in props or props.get("PackageType") == "Image":
            continue
        uri = props.get("CodeUri", global_uri)
        if isinstance(uri, str) and not uri.startswith("s3://"):
            local[logical_id] = (base_dir / uri).resolve()
            uri = f"s3://{_PLACEHOLDER_BUCKET}/{logical_id}"
        if uri is not None:
            props["CodeUri"] = uri
    return local


def _replace_local_content(template: dict[str, Any], base_dir: Path) -> dict[str, Path]:
    """Swap each local ``ContentUri`` of a SAM layer for a placeholder S3 URI; ``{key: folder}``."""
    local: dict[str, Path] = {}
    for logical_id, resource in (template.get("Resources") or {}).items():
        if not isinstance(resource, dict) or resource.get("Type") != SERVERLESS_LAYER:
            continue
        props = resource.setdefault("Properties", {})
        uri = props.get("ContentUri")
        if isinstance(uri, str) and not uri.startswith("s3://"):
            key = f"layer/{logical_id}"
            local[key] = (base_dir / uri).resolve()
            props["ContentUri"] = f"s3://{_PLACEHOLDER_BUCKET}/{key}"
    return local
