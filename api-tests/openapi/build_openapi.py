#!/usr/bin/env python3
"""Builds the OpenAPI document the server serves at GET /openapi.json.

A development-time tool (it needs python3 and PyYAML; the Maven build does not run it). Its outputs are
committed, and the build reads only them:

  cashful-ledger-subset.json   the reference cashful-ledger-subset.yaml converted to JSON as it is
  http-adapter/src/main/resources/io/ledger/http/openapi.json
                               that reference plus ledger-additions.yaml (what this project adds: paths,
                               statuses, schemas, and optional properties of reference schemas, extendSchemas)

Usage, from anywhere:
  api-tests/openapi/build_openapi.py           rewrite both files
  api-tests/openapi/build_openapi.py --check   exit 1 if either committed file differs from what it would write

The conversion keeps every YAML scalar's value, with one deliberate exception to PyYAML's defaults: YAML 1.1
timestamps (the reference's examples, e.g. 2025-01-15 10:30:00+00:00) stay the strings they are written as,
because JSON has no timestamp type. Jackson's YAML parser reads them the same way, which is what
ReferenceConversionTest (api-tests) checks without Python. Mapping order is kept, so diffs stay readable.
"""
import copy
import json
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
REFERENCE_YAML = HERE / "cashful-ledger-subset.yaml"
ADDITIONS_YAML = HERE / "ledger-additions.yaml"
REFERENCE_JSON = HERE / "cashful-ledger-subset.json"
SERVED_JSON = ROOT / "http-adapter" / "src" / "main" / "resources" / "io" / "ledger" / "http" / "openapi.json"

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class _Loader(yaml.SafeLoader):
    """SafeLoader without the implicit timestamp type: a timestamp scalar stays a string."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=_Loader)


def dump(doc):
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def build(reference, additions):
    doc = copy.deepcopy(reference)
    doc["info"] = additions["info"]
    doc["servers"] = additions["servers"]

    for path, item in additions["paths"].items():
        target = doc["paths"].setdefault(path, {})
        for method, operation in item.items():
            if method in target:
                raise SystemExit(f"additions redefine {method.upper()} {path}, which the reference defines")
            target[method] = operation

    operations = {}
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                operations[operation["operationId"]] = (path, method, operation)

    responses = additions["components"]["responses"]
    codes_to_response = {
        "400": "BadRequest", "401": "Unauthorized", "402": "PaymentRequired", "403": "Forbidden",
        "404": "NotFound", "409": "Conflict", "413": "PayloadTooLarge", "415": "UnsupportedMediaType",
        "422": "UnprocessableEntity", "500": "InternalServerError", "503": "ServiceUnavailable",
    }
    for operation_id, codes in additions["extraResponses"].items():
        _, _, operation = operations[operation_id]
        for code in codes:
            if code in operation["responses"]:
                raise SystemExit(f"{operation_id} already answers {code} in the reference")
            name = codes_to_response[code]
            assert name in responses, name
            operation["responses"][code] = {"$ref": f"#/components/responses/{name}"}
        operation["responses"] = dict(sorted(operation["responses"].items()))

    for replacement in additions["replaceResponseSchemas"]:
        response = doc["paths"][replacement["path"]][replacement["method"]]["responses"][replacement["status"]]
        response["content"]["application/json"]["schema"] = replacement["schema"]

    for path, method, operation in operations.values():
        if method == "post":
            operation["parameters"] = list(operation.get("parameters", [])) + [
                {"$ref": "#/components/parameters/IdempotencyKey"}]

    for name, properties in additions.get("extendSchemas", {}).items():
        schema = doc["components"]["schemas"][name]
        for prop, definition in properties.items():
            if prop in schema.get("properties", {}):
                raise SystemExit(f"extendSchemas redefines {name}.{prop}, which the reference defines")
            schema.setdefault("properties", {})[prop] = definition

    components = doc["components"]
    for section in ("parameters", "headers", "responses"):
        components[section] = additions["components"][section]
    for name, schema in additions["components"]["schemas"].items():
        if name in components["schemas"]:
            raise SystemExit(f"additions redefine the reference schema {name}")
        components["schemas"][name] = schema
    # Keep securitySchemes last, where the reference has it.
    components["securitySchemes"] = components.pop("securitySchemes")
    return doc


def main(argv):
    check = "--check" in argv[1:]
    reference = load(REFERENCE_YAML)
    outputs = {REFERENCE_JSON: dump(reference), SERVED_JSON: dump(build(reference, load(ADDITIONS_YAML)))}
    stale = []
    for path, text in outputs.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if check:
            stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    for path in stale:
        print(f"stale: {path.relative_to(ROOT)} (run {Path(argv[0]).name})", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
