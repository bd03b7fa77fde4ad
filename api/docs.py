"""A readable docs page rendered on the server from the generated spec (no CDN, no script: CSP-safe)."""

METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(spec: dict, schema: dict | None) -> dict:
    seen = 0
    while schema and "$ref" in schema and seen < 10:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec.get("components", {}).get("schemas", {}).get(name, {})
        seen += 1
    return schema or {}


def type_of(spec: dict, schema: dict | None) -> str:
    schema = schema or {}
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"[{type_of(spec, schema.get('items'))}]"
    text = schema.get("type", "object")
    if schema.get("format"):
        text += f" ({schema['format']})"
    if schema.get("enum"):
        text += ": " + " | ".join(str(v) for v in schema["enum"] if v is not None)
    if schema.get("nullable"):
        text += ", null"
    return text


def fields_of(spec: dict, schema: dict | None) -> list[dict]:
    schema = _resolve(spec, schema)
    required = set(schema.get("required", ()))
    return [{"name": name, "type": type_of(spec, prop), "required": name in required,
             "description": _resolve(spec, prop).get("description", "") if "$ref" in prop else prop.get(
                 "description", "")}
            for name, prop in schema.get("properties", {}).items()]


def _operation(spec: dict, path: str, method: str, op: dict, path_params: list) -> dict:
    params = [*path_params, *op.get("parameters", [])]
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    responses = []
    for code, response in sorted(op.get("responses", {}).items()):
        response = _resolve_response(spec, response)
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        responses.append({"code": code, "description": response.get("description", ""),
                          "type": type_of(spec, schema) if schema else ""})
    return {
        "method": method.upper(), "path": path, "summary": op.get("summary", ""),
        "description": op.get("description", ""), "secured": any(op.get("security") or []),
        "params": [{"name": p.get("name"), "in": p.get("in"), "required": p.get("required", False),
                    "type": type_of(spec, p.get("schema")), "description": p.get("description", "")}
                   for p in params],
        "body": fields_of(spec, body) if body else [], "body_type": type_of(spec, body) if body else "",
        "responses": responses,
    }


def _resolve_response(spec: dict, response: dict) -> dict:
    if "$ref" in response:
        return spec.get("components", {}).get("responses", {}).get(response["$ref"].rsplit("/", 1)[-1], {})
    return response


def operations_by_tag(spec: dict) -> list[dict]:
    groups = {tag["name"]: {"name": tag["name"].removeprefix("api_v1_"), "description": tag.get("description", ""),
                            "operations": []}
              for tag in spec.get("tags", [])}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                op = item[method]
                tag = (op.get("tags") or ["other"])[0]
                groups.setdefault(tag, {"name": tag.removeprefix("api_v1_"), "description": "", "operations": []})
                groups[tag]["operations"].append(_operation(spec, path, method, op, item.get("parameters", [])))
    return [g for g in groups.values() if g["operations"]]


def schemas(spec: dict) -> list[dict]:
    return [{"name": name, "fields": fields_of(spec, schema)}
            for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items())]
