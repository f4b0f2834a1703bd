"""The server's route dependencies: only those that do I/O run in the thread pool.

FastAPI runs a dependency that is a plain function in its thread pool: a hop to a
worker thread and back for each. Under intake the hops of dependencies that only
look something up (the store, the token's role) were a fifth of the server's time.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from ohjaaja.sync.server.app import ROUTES
from ohjaaja.sync.server.auth import principal
from ohjaaja.sync.server.routes.hsds import reader

# These read the token from the store: blocking I/O, so a worker thread's.
DOING_IO: set[Callable[..., Any]] = {principal, reader}


def _dependencies(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _dependencies(sub)


def test_only_dependencies_that_do_io_are_plain_functions() -> None:
    routes = [r for module in ROUTES for r in module.router.routes if isinstance(r, APIRoute)]
    assert len(routes) > 10
    plain = {
        getattr(call, "__qualname__", repr(call))
        for route in routes
        for call in _dependencies(route.dependant)
        if not inspect.iscoroutinefunction(call) and call not in DOING_IO
    }
    assert plain == set()
