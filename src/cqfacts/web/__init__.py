"""``cqfacts serve``, a front end: the read-only JSON API and the offline page on
Starlette and uvicorn (app) and its OpenAPI description (openapi). May import the
library (chiefly :mod:`cqfacts.ask` and :mod:`cqfacts.output.shapes`); not the other
front ends, and nothing but the CLI's ``serve`` imports it."""
