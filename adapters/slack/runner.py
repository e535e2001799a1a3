"""Start studybot on Slack: Socket Mode with an app token, else HTTP mode.

Socket Mode needs no public URL (self-hosting); HTTP mode serves Bolt's
endpoint `POST /slack/events` for commands, interactivity and events, and
verifies every request's signature and timestamp.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError

from adapters.slack.app import SlackAdapter, web_client
from bot.app import Studybot
from bot.errors import ConfigError
from bot.settings import Settings

log = logging.getLogger("studybot.slack")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/health"
TOKEN_ERRORS = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}


def build_adapter(app: Studybot, settings: Settings) -> SlackAdapter:
    if settings.slack_bot_token is None:
        raise ConfigError("SLACK_BOT_TOKEN is not set; it starts the Slack adapter.")
    secret = settings.slack_signing_secret
    if settings.slack_app_token is None and secret is None:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is required in HTTP mode (find it under Basic Information "
            "in your Slack app's settings), or set SLACK_APP_TOKEN to use Socket Mode."
        )
    client = web_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_base_url)
    return SlackAdapter(
        app,
        client,
        signing_secret=secret.get_secret_value() if secret is not None else "",
        admins=settings.admins,
    )


async def serve_slack(app: Studybot, settings: Settings) -> None:
    """Serve Slack until cancelled."""
    adapter = build_adapter(app, settings)
    app_token = settings.slack_app_token
    await check_tokens(adapter, app_token.get_secret_value() if app_token else None)
    if app_token is not None:
        await serve_socket_mode(adapter, app_token.get_secret_value())
    else:
        await serve_http(adapter, port=settings.slack_port)


async def check_tokens(adapter: SlackAdapter, app_token: str | None) -> None:
    """Fail fast, naming the variable, when Slack refuses a token (else it retries forever)."""
    client = adapter.client
    checks: list[tuple[str, Callable[[], Awaitable[Any]]]] = [("SLACK_BOT_TOKEN", client.auth_test)]
    if app_token is not None:
        checks.append(
            ("SLACK_APP_TOKEN", lambda: client.apps_connections_open(app_token=app_token))
        )
    for name, check in checks:
        try:
            await check()
        except SlackApiError as error:
            reason = error.response.get("error", "refused")
            if reason not in TOKEN_ERRORS:
                raise
            raise ConfigError(
                f"{name} was refused by Slack ({reason}). Copy it again from your app's "
                "settings at https://api.slack.com/apps."
            ) from None


async def serve_socket_mode(adapter: SlackAdapter, app_token: str) -> None:
    handler = AsyncSocketModeHandler(adapter.bolt, app_token)
    # slack_bolt leaves these two unannotated.
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]
        log.info("Slack Socket Mode connected")
        await asyncio.Event().wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        await adapter.drain()  # the work already acked still finishes


def http_application(adapter: SlackAdapter) -> web.Application:
    async def events(request: web.Request) -> web.Response:
        bolt_response = await adapter.bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def health(request: web.Request) -> web.Response:
        return web.Response(text="ok")  # for load balancers and container probes

    application = web.Application()
    application.router.add_post(EVENTS_PATH, events)
    application.router.add_get(HEALTH_PATH, health)
    return application


async def start_http(adapter: SlackAdapter, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Listen on host:port (0 picks a free port); returns the runner and the bound port."""
    runner = web.AppRunner(http_application(adapter), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1] if runner.addresses else port
    log.info("Slack HTTP mode listening on %s:%s%s", host, bound, EVENTS_PATH)
    return runner, int(bound)


async def serve_http(adapter: SlackAdapter, *, host: str = "0.0.0.0", port: int = 3000) -> None:
    runner, _ = await start_http(adapter, host, port)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await adapter.drain()
