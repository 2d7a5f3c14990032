"""Validates Myomap's FHIR export with validators that are not Myomap's code.

Usage: validate.py --schema fhir.schema.json PATH...

Each PATH is a Bundle (.json) or a bulk NDJSON file (.ndjson, one resource a
line), or a directory of .ndjson files. Every resource (and each Bundle) must

  1. load in the R4B models of the `fhir.resources` package (pydantic models
     generated from the FHIR specification: types, cardinalities, required
     elements, value sets of the required bindings), and
  2. validate against the official FHIR R4 JSON schema (`fhir.schema.json`,
     draft-06) with the `jsonschema` package.

It also checks that every `ResourceType/id` reference names a resource of
the same export. Prints how many resources were validated; exits 1 on the
first few failures, named by file, position, type and id.
"""

import argparse
import json
import sys
from importlib.metadata import version
from pathlib import Path

import jsonschema
from fhir.resources.R4B import get_fhir_model_class

MAX_REPORTED = 20


def load(path):
    """(where, resource) pairs of one file."""
    if path.suffix == ".ndjson":
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if line.strip():
                    yield f"{path.name}:{number}", json.loads(line)
    else:
        yield path.name, json.loads(path.read_text(encoding="utf-8"))


def files(paths):
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(path.glob("*.ndjson"))
        else:
            yield path


class Schema:
    """The R4 JSON schema, one validator per resource type."""

    def __init__(self, path):
        self.schema = json.loads(Path(path).read_text(encoding="utf-8"))
        self.validators = {}

    def errors(self, resource):
        kind = resource.get("resourceType")
        if kind not in self.schema["definitions"]:
            return [f"resourceType {kind!r} is not an R4 resource"]
        if kind not in self.validators:
            self.validators[kind] = jsonschema.Draft6Validator(
                {"definitions": self.schema["definitions"], "$ref": f"#/definitions/{kind}"}
            )
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}"
            for e in self.validators[kind].iter_errors(resource)
        ]


def references(value):
    """Every `reference` string inside a resource."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference" and isinstance(inner, str):
                yield inner
            else:
                yield from references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from references(inner)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema", required=True)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    schema = Schema(args.schema)

    failures = []
    counted = {}
    bundles = 0
    # Resources and their references, per export (a Bundle, or the NDJSON
    # files given together), to check that references resolve.
    exports = {}

    def check(where, resource, export):
        kind = resource.get("resourceType", "?")
        name = f"{where} {kind}/{resource.get('id', '?')}"
        try:
            get_fhir_model_class(kind).model_validate(resource)
        except Exception as e:  # noqa: BLE001 - any refusal is a failure
            failures.append(f"{name}: fhir.resources R4B: {str(e)[:600]}")
        for error in schema.errors(resource):
            failures.append(f"{name}: R4 JSON schema: {error}")
        ids, refs = exports.setdefault(export, (set(), []))
        ids.add(f"{kind}/{resource.get('id')}")
        refs.extend((name, r) for r in references(resource))

    for path in files(args.paths):
        for where, resource in load(path):
            if resource.get("resourceType") == "Bundle":
                bundles += 1
                entries = resource.get("entry", [])
                # The Bundle itself, as a whole, through the models; its
                # shell through the schema, each entry's resource apart.
                try:
                    get_fhir_model_class("Bundle").model_validate(resource)
                except Exception as e:  # noqa: BLE001
                    failures.append(f"{where} Bundle: fhir.resources R4B: {str(e)[:600]}")
                shell = dict(resource, entry=[{k: v for k, v in e.items() if k != "resource"} for e in entries])
                for error in schema.errors(shell):
                    failures.append(f"{where} Bundle: R4 JSON schema: {error}")
                for i, entry in enumerate(entries):
                    inner = entry.get("resource")
                    if inner is None:
                        failures.append(f"{where} entry[{i}]: no resource")
                        continue
                    check(f"{where} entry[{i}]", inner, where)
                    counted[inner.get("resourceType")] = counted.get(inner.get("resourceType"), 0) + 1
            else:
                check(where, resource, "ndjson")
                counted[resource.get("resourceType")] = counted.get(resource.get("resourceType"), 0) + 1

    for ids, refs in exports.values():
        for name, ref in refs:
            if ref not in ids:
                failures.append(f"{name}: reference {ref} names no resource of the export")

    total = sum(counted.values())
    if total == 0:
        failures.append("no resources found")
    if failures:
        for failure in failures[:MAX_REPORTED]:
            print(failure, file=sys.stderr)
        print(f"{len(failures)} failures in {total} resources", file=sys.stderr)
        return 1
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(counted.items()))
    print(
        f"validated {total} resources ({bundles} bundles; {kinds}) with fhir.resources "
        f"{version('fhir.resources')} R4B models and the FHIR R4 JSON schema (jsonschema {version('jsonschema')})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
