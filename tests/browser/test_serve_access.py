"""Who reaches a browser desk: sign-in refused with a reason in the worker's language
and limited, the proxy's header not trusted unless told, and one worker kept out of
another's desk and downloads. Against a real `ohjaaja serve` (httpx), and the
download rule in-process (aiohttp's test server) with a download planted."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from aiohttp import WSServerHandshakeError
from aiohttp.test_utils import TestClient, TestServer

from ohjaaja.i18n import t_in
from ohjaaja.shell.serve import COOKIE, BrowserDesks, ServeOptions, _Session
from ohjaaja.shell.serve_signin import PasswordFile
from tests.browser.conftest import PASSWORD, Served


def post_sign_in(served: Served, worker: str, password: str, language: str = "fi"):
    return httpx.post(
        served.url + "signin",
        data={"worker": worker, "password": password, "lang": language},
        headers={"Origin": served.url.rstrip("/")},
    )


def test_a_wrong_password_is_refused_in_the_workers_language_then_limited(
    served: Served,
) -> None:
    refused = post_sign_in(served, "Aino", "väärä-salasana", "sv")
    assert refused.status_code == 401 and COOKIE not in refused.cookies
    assert t_in("sv", "serve.refused") in refused.text
    unknown = post_sign_in(served, "Nobody", PASSWORD)  # told the same as a wrong password
    assert unknown.status_code == 401 and t_in("fi", "serve.refused") in unknown.text
    for _ in range(3):
        assert post_sign_in(served, "Aino", "väärä-salasana").status_code == 401
    # Five failures from this address: even the right password waits now.
    limited = post_sign_in(served, "Aino", PASSWORD)
    assert limited.status_code == 429 and COOKIE not in limited.cookies
    assert t_in("fi", "serve.too_many", minutes=10) in limited.text
    assert served.wait_for_log("Aino")  # the failures are logged, by name


def test_sign_in_from_another_site_is_refused(served: Served) -> None:
    forged = httpx.post(
        served.url + "signin",
        data={"worker": "Aino", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert forged.status_code == 403 and COOKIE not in forged.cookies


def test_a_signed_in_worker_gets_the_desk_page(served: Served) -> None:
    signed = post_sign_in(served, "Aino", PASSWORD)
    assert signed.status_code == 303 and signed.cookies.get(COOKIE)
    page = httpx.get(served.url, cookies={COOKIE: signed.cookies[COOKIE]})
    assert page.status_code == 200 and 'id="terminal"' in page.text
    assert "googleapis" not in page.text  # nothing from a third party
    assert served.wait_for_log("Aino GET /")  # the access log names the worker


def test_the_proxy_header_is_not_trusted_by_default(served: Served) -> None:
    claimed = {"X-Remote-User": "Aino", "Remote-User": "Aino", "X-Forwarded-User": "Aino"}
    page = httpx.get(served.url, headers=claimed)
    assert page.status_code == 303 and page.headers["location"].startswith("/signin")
    socket = httpx.get(served.url + "ws", headers={**claimed, "Upgrade": "websocket"})
    assert socket.status_code == 403


def test_the_proxy_header_when_told_and_from_the_proxy(proxied: Served) -> None:
    page = httpx.get(proxied.url, headers={"X-Remote-User": "Aino"})
    assert page.status_code == 200 and 'id="terminal"' in page.text
    assert httpx.get(proxied.url, headers={"Other-User": "Aino"}).status_code == 303


@pytest.fixture
def two_workers(tmp_path: Path):
    """A server with Aino's and Bertta's sessions and desks (stand-ins: no process)
    and one download made by Aino's desk."""
    desks = BrowserDesks(ServeOptions(tmp_path / "desk.sqlite", PasswordFile(tmp_path / "pw")))
    chunks = [b"", b"aika;tekija\n"]

    async def send_meta(meta: dict) -> bool:  # the desk answers each request with a chunk
        await desks.downloads.chunk_received(meta["key"], chunks.pop())
        return True

    async def stop() -> None:
        pass

    aino = SimpleNamespace(send_meta=send_meta, app_service_id="aino")
    desks.desks["Aino"] = SimpleNamespace(service=aino, stop=stop)  # type: ignore[assignment]
    desks.desks["Bertta"] = SimpleNamespace(service=SimpleNamespace(), stop=stop)  # type: ignore[assignment]
    desks.sessions["aino-token"] = _Session("Aino", float("inf"))
    desks.sessions["bertta-token"] = _Session("Bertta", float("inf"))
    asyncio.run(
        desks.downloads.create_download(
            app_service=aino, delivery_key="k1", file_name="access-log-x.csv",  # type: ignore[arg-type]
            open_method="download", mime_type="text/csv", encoding="utf-8",
        )
    )  # fmt: skip
    return desks


async def test_a_download_is_served_only_to_the_worker_whose_desk_made_it(two_workers) -> None:
    async with TestClient(TestServer(two_workers.make_app())) as client:
        others = await client.get("/download/k1", cookies={COOKIE: "bertta-token"})
        assert others.status == 404
        nobody = await client.get("/download/k1")
        assert nobody.status == 404
        own = await client.get("/download/k1", cookies={COOKIE: "aino-token"})
        assert own.status == 200 and await own.text() == "aika;tekija\n"
        assert own.headers["Content-Disposition"] == 'attachment; filename="access-log-x.csv"'


async def test_the_desk_socket_needs_a_session_and_this_sites_page(two_workers) -> None:
    async with TestClient(TestServer(two_workers.make_app())) as client:
        with pytest.raises(WSServerHandshakeError) as nobody:
            await client.ws_connect("/ws")
        assert nobody.value.status == 403
        with pytest.raises(WSServerHandshakeError) as elsewhere:
            await client.ws_connect(
                "/ws", headers={"Origin": "https://evil.example", "Cookie": f"{COOKIE}=aino-token"}
            )
        assert elsewhere.value.status == 403
