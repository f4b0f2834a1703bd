"""The shared server: an ASGI app (FastAPI on uvicorn) over db.server.store.

app.py assembles it; auth.py holds the token and role checks (as dependencies);
routes/ holds one module per endpoint family; push.py applies a desk's batch of
mutations under the rules of ohjaaja.sync.mutations; watch.py wakes live streams.
"""

from ohjaaja.sync.server.app import create_app

__all__ = ["create_app"]
