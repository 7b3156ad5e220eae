"""``AWS::Lambda::LayerVersion`` → :class:`~pytest_apigw.LayerVersion`, and a function's ``Layers``.

A layer's content comes from a cloud-assembly asset (a directory or a ``.zip``), or a SAM
``ContentUri`` (``AWS::Serverless::LayerVersion``, remembered by ``sam.py`` on the layer SAM's
transform makes). A ``Layers`` entry is the ``Ref`` of a layer of the template (its version
ARN); a layer ARN from outside the template (a public or shared layer) cannot be read locally
and is a :class:`SpecError` that says what to do.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_apigw.errors import SpecError
from pytest_apigw.spec.layer import LayerVersion
from pytest_apigw.templates.sam import CODE_DIR_KEY

if TYPE_CHECKING:
    from pytest_apigw.templates.build import Build

LAYER = "AWS::Lambda::LayerVersion"


def layer(build: Build, logical_id: str) -> LayerVersion:
    """The :class:`LayerVersion` of an ``AWS::Lambda::LayerVersion`` resource (built once)."""
    return build.once("layer", logical_id, lambda: _layer(build, logical_id))


def function_layers(build: Build, function_id: str, props: dict[str, Any]) -> list[LayerVersion]:
    """The layers a function's ``Layers`` property names, in its order."""
    entries = props.get("Layers") or []
    if not isinstance(entries, list):
        raise build.error(function_id, "Layers", f"must be a list of layer version ARNs, got {entries!r}")
    layers = []
    for entry in entries:
        owner = build.owner(entry, LAYER)
        if owner is None:
            raise build.error(
                function_id, "Layers", f"{entry!r} is not a layer of this template, so its content "
                "cannot be read locally: declare the layer in the template (AWS::Lambda::LayerVersion "
                "with its asset, or AWS::Serverless::LayerVersion with a local ContentUri), install "
                "what it provides in the test environment and pass "
                f"handlers={{{build.construct_id(function_id)!r}: 'module.handler'}}"
            )
        layers.append(layer(build, owner))
    return layers


def _layer(build: Build, logical_id: str) -> LayerVersion:
    props = build.props(logical_id)
    try:
        return LayerVersion(
            logical_id if logical_id[:1].isalnum() else f"Layer{logical_id}",
            code=_content(build, logical_id, props),
            compatible_runtimes=props.get("CompatibleRuntimes"),
            compatible_architectures=props.get("CompatibleArchitectures"),
            description=props.get("Description"),
            layer_version_name=props.get("LayerName"),
            license=props.get("LicenseInfo"),
        )
    except SpecError as exc:
        raise SpecError(build.label(logical_id), exc.reason) from None


def _content(build: Build, logical_id: str, props: dict[str, Any]) -> Path:
    content = props.get("Content") or {}
    metadata = build.resources[logical_id].get("Metadata") or {}
    local = metadata.get(CODE_DIR_KEY)  # SAM ContentUri (see sam.py)
    if local is None and metadata.get("aws:asset:path"):
        local = build.source.base_dir / str(metadata["aws:asset:path"])
    if local is None and isinstance(content, dict) and content.get("S3Key") in build.source.assets:
        local = build.source.assets[content["S3Key"]]
    if local is None:
        where = (f"s3://{content.get('S3Bucket')}/{content.get('S3Key')}"
                 if isinstance(content, dict) and "S3Key" in content else repr(content))
        raise build.error(
            logical_id, "Content", f"the layer's content is at {where}, which cannot be read locally: "
            "load the cdk.out folder (with its asset directories) or give a SAM layer a local ContentUri"
        )
    path = Path(local)
    if not path.exists():
        raise build.error(
            logical_id, "Content", f"asset {str(path)!r} is missing: re-run `cdk synth` (or `sam build`) "
            "so the layer's content is next to the template"
        )
    return path
