"""Where a template comes from: a file (JSON or YAML), a CDK cloud assembly (``cdk.out``), a
template dict, or a live ``aws_cdk.Stack`` (synthesized in-process, once per stage).

Each becomes a :class:`Source`: the template, the folder relative paths start from, and what
the CDK knows besides it (construct paths by logical id, asset directories by S3 key).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_apigw.errors import SpecError
from pytest_apigw.templates.cfn_yaml import load_yaml

STACK_ARTIFACT = "aws:cloudformation:stack"
ASSET_MANIFEST = "cdk:asset-manifest"
NESTED_ASSEMBLY = "cdk:cloud-assembly"

#: Synthesized assemblies of live CDK stages, by ``id(stage)`` (the stage is kept alive with it).
_SYNTHESIZED: dict[int, tuple[Any, Path]] = {}


@dataclass
class Source:
    """A template and what surrounds it."""

    template: dict[str, Any]
    base_dir: Path
    stack_name: str = "Stack"
    description: str = "template"
    #: Logical id → construct path inside the stack (``"HttpApi"``, ``"Namespace/Service"``).
    construct_paths: dict[str, str] = field(default_factory=dict)
    #: S3 object key of an asset (``<hash>.zip``) → its directory in the cloud assembly.
    assets: dict[str, Path] = field(default_factory=dict)


def read_source(source: Any, stack: str | None = None) -> Source:
    """Read ``source`` (see :func:`pytest_apigw.templates.load_template`) into a :class:`Source`."""
    if _is_cdk_stack(source):
        return _live_stack(source)
    if isinstance(source, dict):
        return Source(template=source, base_dir=Path.cwd(), description="template dict")
    if isinstance(source, str | Path):
        path = Path(source)
        if path.is_dir():
            return read_assembly(path, stack)
        if path.is_file():
            return _template_file(path)
        raise SpecError("load_template", f"{str(path)!r} is neither a template file nor a cdk.out directory")
    raise SpecError(
        "load_template",
        f"source must be a template path, a cdk.out directory, a template dict or an aws_cdk.Stack, "
        f"got {type(source).__name__}",
    )


def read_document(path: Path) -> Any:
    """A JSON or YAML file (CloudFormation's short forms included), parsed."""
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError("load_template", f"{path} is not valid JSON: {exc}") from None
    return load_yaml(text, str(path))


def _template_file(path: Path) -> Source:
    template = read_document(path)
    if not isinstance(template, dict):
        raise SpecError("load_template", f"{path} does not hold a template (a mapping at the top)")
    return Source(template=template, base_dir=path.parent.resolve(), stack_name=_stack_name(path.stem),
                  description=str(path))


def _stack_name(text: str) -> str:
    cleaned = "".join(c if c.isalnum() or c == "-" else "-" for c in text).strip("-")
    return cleaned or "Stack"


def read_assembly(directory: Path, stack: str | None) -> Source:
    """A stack of a cloud assembly (``manifest.json`` + ``<stack>.template.json`` + assets)."""
    manifest_path = directory / "manifest.json"
    if not manifest_path.is_file():
        raise SpecError(
            "load_template", f"{str(directory)!r} has no manifest.json: is it a cdk.out directory? "
            "(run `cdk synth` to produce one)"
        )
    artifacts = json.loads(manifest_path.read_text())["artifacts"]
    stacks = {name: a for name, a in artifacts.items() if a.get("type") == STACK_ARTIFACT}
    nested = _nested_assembly(directory, artifacts, stacks, stack)
    if nested is not None:
        return nested
    chosen = _choose_stack(stacks, stack, directory)
    artifact = stacks[chosen]
    props = artifact.get("properties") or {}
    template = json.loads((directory / props["templateFile"]).read_text())
    name = props.get("stackName") or artifact.get("displayName") or chosen
    source = Source(template=template, base_dir=directory.resolve(), stack_name=_stack_name(name),
                    description=f"{directory}/{props['templateFile']}")
    source.construct_paths = _construct_paths(directory, artifact, template)
    for dep in artifact.get("dependencies") or []:
        asset_artifact = artifacts.get(dep) or {}
        if asset_artifact.get("type") == ASSET_MANIFEST:
            source.assets.update(_assets(directory, directory / asset_artifact["properties"]["file"]))
    return source


def _nested_assembly(directory: Path, artifacts: dict[str, Any], stacks: dict[str, Any],
                     wanted: str | None) -> Source | None:
    """A stack of a CDK ``Stage`` lives in a nested assembly (``assembly-<Stage>/``): follow it
    when ``stack=`` names ``Stage/Stack`` or a stack that only a nested assembly holds."""
    if wanted is None or any(wanted in (n, a.get("displayName")) for n, a in stacks.items()):
        return None
    for artifact in artifacts.values():
        if artifact.get("type") != NESTED_ASSEMBLY:
            continue
        inner = directory / artifact["properties"]["directoryName"]
        stage = str(artifact.get("displayName") or "")
        short = wanted[len(stage) + 1:] if stage and wanted.startswith(f"{stage}/") else wanted
        for name in dict.fromkeys((wanted, short)):
            try:
                return read_assembly(inner, name)
            except SpecError:
                continue
    return None


def _choose_stack(stacks: dict[str, Any], wanted: str | None, directory: Path) -> str:
    if wanted is None:
        if len(stacks) == 1:
            return next(iter(stacks))
        raise SpecError(
            "load_template", f"{str(directory)!r} holds stacks {sorted(stacks)!r}: pass stack= to pick one"
        )
    for name, artifact in stacks.items():
        names = {name, artifact.get("displayName"), (artifact.get("properties") or {}).get("stackName")}
        if wanted in names:
            return name
    raise SpecError(
        "load_template", f"stack {wanted!r} is not in {str(directory)!r} (it holds {sorted(stacks)!r})"
    )


def _construct_paths(directory: Path, artifact: dict[str, Any], template: dict[str, Any]) -> dict[str, str]:
    """Logical id → construct path, from ``<stack>.metadata.json`` (or the manifest's metadata) and
    any ``aws:cdk:path`` resource metadata."""
    metadata: dict[str, Any] = dict(artifact.get("metadata") or {})
    extra = artifact.get("additionalMetadataFile")
    if extra and (directory / extra).is_file():
        metadata.update(json.loads((directory / extra).read_text()))
    paths: dict[str, str] = {}
    for path, entries in metadata.items():
        for entry in entries:
            if entry.get("type") == "aws:cdk:logicalId":
                paths[entry["data"]] = path
    for logical_id, resource in (template.get("Resources") or {}).items():
        cdk_path = ((resource or {}).get("Metadata") or {}).get("aws:cdk:path")
        if cdk_path:
            paths[logical_id] = "/" + cdk_path
    return {logical_id: _inner_path(path) for logical_id, path in paths.items()}


def _inner_path(path: str) -> str:
    """``/Stack/HttpApi/Resource`` → ``HttpApi`` (the construct path inside the stack)."""
    parts = path.strip("/").split("/")[1:]
    if len(parts) > 1 and parts[-1] in ("Resource", "Default"):
        parts = parts[:-1]
    return "/".join(parts)


def _assets(directory: Path, manifest: Path) -> dict[str, Path]:
    if not manifest.is_file():
        return {}
    files = json.loads(manifest.read_text()).get("files") or {}
    found = {}
    for asset_hash, asset in files.items():
        source_path = (asset.get("source") or {}).get("path")
        if not source_path:
            continue
        for destination in (asset.get("destinations") or {}).values():
            key = destination.get("objectKey")
            if key:
                found[key] = directory / source_path
        found.setdefault(f"{asset_hash}.zip", directory / source_path)
    return found


def _is_cdk_stack(source: Any) -> bool:
    module = type(source).__module__ or ""
    return module.startswith("aws_cdk") and hasattr(source, "artifact_id") and hasattr(source, "node")


def _live_stack(stack: Any) -> Source:
    """Synthesize the stack's stage (an ``App`` or ``Stage``) once, then read it as a cdk.out."""
    import aws_cdk

    stage = aws_cdk.Stage.of(stack)
    if stage is None:
        raise SpecError("load_template", f"stack {stack.artifact_id!r} is not in a cdk.App or Stage")
    cached = _SYNTHESIZED.get(id(stage))
    if cached is None or cached[0] is not stage:
        directory = Path(stage.synth().directory)
        _SYNTHESIZED[id(stage)] = cached = (stage, directory)
    return read_assembly(cached[1], stack.artifact_id)
