"""HarvestLink REST API v1 over the same services and queries as the web pages.

Why flask-smorest (with marshmallow, apispec and webargs): it is a Flask *extension* (`Api(app)`) that works
inside our plain-Flask `create_app`, binding late from this package's blueprint registration without touching
core/. APIFlask would need the application object itself to be an `APIFlask` to build the spec from its routes,
and spectree validates through pydantic models we would then keep beside the marshmallow-free services. With
flask-smorest the spec at /api/v1/openapi.json is generated from the very schemas that parse requests and dump
responses, so the documentation cannot drift from the behaviour. marshmallow schemas also give exact
`Decimal` handling and a single switch (`unknown=RAISE`) for rejecting unknown fields everywhere.

Layout: api/v1/<resource>.py (one flask-smorest blueprint each, thin: parse, authorise through the same
helpers as the web UI, call the feature package's service or query, dump), api/common.py (conventions),
api/auth.py (bearer tokens, scopes, CSRF rule, rate limits), api/errors.py (the error format), api/models.py
(tokens, rate windows), api/services.py + api/queries.py (tokens), api/views.py (token page, docs page).
"""
