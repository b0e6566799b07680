"""How a message leaves: one transport per channel, configured from environment variables read
at call time (docs/outbox.md lists them).

A transport calls ``checkpoint()`` just before its irrevocable step (the SMTP ``DATA`` command,
the HTTP request). The worker records that moment; a message found later in ``sending`` with the
moment recorded may have reached the receiver, one without it certainly did not. ``checkpoint``
returns ``False`` when the worker no longer holds the message (its lease expired and another
worker took it over): the transport then stops without sending.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import smtplib
import socket
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

from tinhso.lib.env import env_bool, env_int, env_secret, env_str
from tinhso.outbox.models import Channel, OutboxMessage

logger = logging.getLogger("tinhso.outbox")

Checkpoint = Callable[[], bool]
TEST_PAUSE_POINTS = ("before_data", "after_data", "after_send")


class DeliveryError(Exception):
    """The receiver did not take the message. ``permanent``: retrying cannot help (unknown
    mailbox, HTTP 4xx). ``uncertain``: the connection broke after the message was handed over,
    so it may have arrived."""

    def __init__(self, detail: str, *, permanent: bool = False, uncertain: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.permanent = permanent
        self.uncertain = uncertain


class LeaseLost(Exception):
    """The worker's claim on the message expired and another worker took it over."""


class NotConfigured(DeliveryError):
    """No provider is configured for the channel: the message waits (it is not lost)."""


class Transport:
    """Delivers one message. ``receiver_is_idempotent``: the receiver applies a repeated message
    once (it honours the idempotency key), so a resend after an uncertain outcome is harmless."""

    receiver_is_idempotent = False
    description = ""

    def deliver(self, message: OutboxMessage, checkpoint: Checkpoint) -> None:
        raise NotImplementedError


def pause_for_tests(point: str) -> None:
    """Kill-point hook for the crash tests: with ``TINHSO_DEBUG=true`` and
    ``TINHSO_OUTBOX_TEST_PAUSE=<point>`` the worker announces the point on stderr and stops
    there until it is killed. Inert in production (debug off)."""
    if not settings.DEBUG or os.environ.get("TINHSO_OUTBOX_TEST_PAUSE") != point:
        return
    sys.stderr.write(f"outbox-paused:{point}\n")
    sys.stderr.flush()
    while True:
        time.sleep(60)


def _must_pass(checkpoint: Checkpoint) -> None:
    if not checkpoint():
        raise LeaseLost


# --- e-mail -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str
    password: str
    implicit_tls: bool
    starttls: bool
    timeout: int


def parse_smtp_url(url: str, name: str = "TINHSO_SMTP_URL") -> SmtpConfig | None:
    """``smtp://user:password@host:587?starttls=1&timeout=30``, ``smtps://…:465`` (TLS from the
    first byte) or ``log://`` (write e-mails to the log). ``None`` for ``log://``."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} không hợp lệ (invalid URL).") from None
    if parts.scheme == "log":
        return None
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"{name} phải có dạng smtp://[user:password@]host[:port][?starttls=1] "
            "hoặc smtps://… hoặc log://"
        )
    query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    unknown = set(query) - {"starttls", "timeout"}
    if unknown:
        raise ImproperlyConfigured(f"{name}: tham số không biết {', '.join(sorted(unknown))}.")
    implicit_tls = parts.scheme == "smtps"
    try:
        starttls = env_bool("starttls", False, environ=query)
        timeout = env_int("timeout", 30, minimum=1, maximum=600, environ=query)
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from None
    if implicit_tls and starttls:
        raise ImproperlyConfigured(f"{name}: smtps:// đã mã hoá, không dùng thêm starttls=1.")
    return SmtpConfig(
        host=parts.hostname,
        port=port or (465 if implicit_tls else 25),
        username=urllib.parse.unquote(parts.username or ""),
        password=urllib.parse.unquote(parts.password or ""),
        implicit_tls=implicit_tls,
        starttls=starttls,
        timeout=timeout,
    )


def mail_from() -> str:
    value = env_str("TINHSO_MAIL_FROM", "Tỉnh số <no-reply@localhost>")
    _, address = parseaddr(value)
    try:
        validate_email(address)
    except ValidationError:
        if address.endswith("@localhost") and address.count("@") == 1:
            return value
        raise ImproperlyConfigured(
            f"TINHSO_MAIL_FROM={value!r} không phải địa chỉ e-mail hợp lệ."
        ) from None
    return value


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    """The same message always gives the same headers (Date is the enqueue time), so a resent
    copy is byte-identical and carries the same ``Message-ID``."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message.message_id
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    email.set_content(message.body, cte="quoted-printable")
    if message.html:
        email.add_alternative(message.html, subtype="html", cte="quoted-printable")
    return email


class SmtpTransport(Transport):
    def __init__(self, config: SmtpConfig, sender: str) -> None:
        self.config = config
        self.sender = sender
        security = "smtps" if config.implicit_tls else ("STARTTLS" if config.starttls else "")
        self.description = f"SMTP {config.host}:{config.port} {security}".strip()

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        if config.implicit_tls:
            return smtplib.SMTP_SSL(
                config.host,
                config.port,
                timeout=config.timeout,
                context=ssl.create_default_context(),
            )
        return smtplib.SMTP(config.host, config.port, timeout=config.timeout)

    def deliver(self, message: OutboxMessage, checkpoint: Checkpoint) -> None:
        where = f"{self.config.host}:{self.config.port}"
        content = build_email(message, self.sender).as_bytes()
        envelope_from = parseaddr(self.sender)[1]
        try:
            connection = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"không kết nối được máy chủ SMTP {where}: {exc}") from None
        try:
            connection.ehlo_or_helo_if_needed()
            if self.config.starttls:
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if self.config.username:
                connection.login(self.config.username, self.config.password)
            code, reply = connection.mail(envelope_from)
            if code != 250:
                raise DeliveryError(f"SMTP {where} từ chối người gửi: {code} {reply!r}")
            code, reply = connection.rcpt(message.recipient)
            if code not in {250, 251}:
                raise DeliveryError(
                    f"SMTP {where} từ chối người nhận: {code} {reply!r}", permanent=code >= 500
                )
            pause_for_tests("before_data")
            _must_pass(checkpoint)
            try:
                connection.data(content)
            except smtplib.SMTPResponseException as exc:  # the server answered "no": not sent
                raise DeliveryError(
                    f"SMTP {where} không nhận nội dung: {exc.smtp_code} {exc.smtp_error!r}",
                    permanent=exc.smtp_code >= 500,
                ) from None
            except (OSError, smtplib.SMTPException) as exc:
                raise DeliveryError(
                    f"mất kết nối SMTP {where} khi gửi nội dung: {exc}", uncertain=True
                ) from None
            pause_for_tests("after_data")
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"SMTP {where}: {exc.smtp_code} {exc.smtp_error!r}") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"lỗi SMTP {where}: {exc}") from None
        finally:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                connection.close()


class LogEmailTransport(Transport):
    receiver_is_idempotent = True
    description = "ghi vào nhật ký (log://)"

    def deliver(self, message: OutboxMessage, checkpoint: Checkpoint) -> None:
        _must_pass(checkpoint)
        logger.info(
            "E-mail (log) to %s, Message-ID %s, subject %r:\n%s",
            message.recipient,
            message.message_id,
            message.subject,
            message.body,
        )


# --- HTTP (webhooks, SMS provider) -------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirected POST would silently become a GET: report it instead


_opener = urllib.request.build_opener(_NoRedirect)
_RETRYABLE_4XX = {408, 409, 425, 429}


def post_json(
    url: str,
    data: Any,
    *,
    idempotency_key: str,
    timeout: int,
    checkpoint: Checkpoint,
    headers: dict[str, str] | None = None,
) -> bytes:
    """POST ``data`` as JSON; returns the start of a 2xx answer's body (some APIs, Zalo's
    among them, report a refusal inside a 200)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise DeliveryError(f"địa chỉ {url!r} không phải http(s)", permanent=True)
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=json.dumps(data, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "tinhso-outbox/1",
            "Idempotency-Key": idempotency_key,
            **(headers or {}),
        },
    )
    where = parts.netloc
    pause_for_tests("before_data")
    _must_pass(checkpoint)
    try:
        with _opener.open(request, timeout=timeout) as response:
            answer: bytes = response.read(64 * 1024)
    except urllib.error.HTTPError as exc:
        permanent = 300 <= exc.code < 500 and exc.code not in _RETRYABLE_4XX
        raise DeliveryError(f"{where} trả lời HTTP {exc.code}", permanent=permanent) from None
    except urllib.error.URLError as exc:
        refused = isinstance(exc.reason, ConnectionRefusedError | socket.gaierror)
        detail = f"không gửi được tới {where}: {exc.reason}"
        raise DeliveryError(detail, uncertain=not refused) from None
    except (OSError, http.client.HTTPException) as exc:
        raise DeliveryError(f"mất kết nối tới {where}: {exc}", uncertain=True) from None
    pause_for_tests("after_data")
    return answer


class WebhookTransport(Transport):
    """POSTs the payload as JSON with ``Idempotency-Key``; receivers apply a key once."""

    receiver_is_idempotent = True

    def __init__(self, timeout: int) -> None:
        self.timeout = timeout
        self.description = f"HTTP POST JSON, Idempotency-Key, timeout {timeout}s"

    def deliver(self, message: OutboxMessage, checkpoint: Checkpoint) -> None:
        post_json(
            message.recipient,
            message.payload,
            idempotency_key=message.idempotency_key,
            timeout=self.timeout,
            checkpoint=checkpoint,
        )


class SmsProvider(Transport):
    """An SMS gateway. Implement :meth:`deliver` (``message.recipient`` is ``0xxxxxxxxx``,
    ``message.body`` the text) and select it in :func:`transport_for`."""


class LogSmsProvider(SmsProvider):
    receiver_is_idempotent = True
    description = "ghi vào nhật ký (log)"

    def deliver(self, message: OutboxMessage, checkpoint: Checkpoint) -> None:
        _must_pass(checkpoint)
        logger.info("SMS (log) to %s: %s", message.recipient, message.body)


class HttpSmsProvider(SmsProvider):
    """A generic JSON gateway: ``POST url`` with ``Authorization: Bearer <key>``,
    ``Idempotency-Key`` and ``{"to", "text", "sender", "idempotency_key"}``; any 2xx is success."""

    def __init__(
        self, url: str, api_key: str, sender: str, timeout: int, *, idempotent: bool
    ) -> None:
        self.url = url
        self.api_key = api_key
        self.sender = sender
        self.timeout = timeout
        self.receiver_is_idempotent = idempotent
        self.description = f"HTTP {urllib.parse.urlsplit(url).netloc}"

    def deliver(self, message: OutboxMessage, checkpoint: Checkpoint) -> None:
        post_json(
            self.url,
            {
                "to": message.recipient,
                "text": message.body,
                "sender": self.sender,
                "idempotency_key": message.idempotency_key,
            },
            idempotency_key=message.idempotency_key,
            timeout=self.timeout,
            checkpoint=checkpoint,
            headers={"Authorization": f"Bearer {self.api_key}"} if self.api_key else {},
        )


class ZaloProvider(Transport):
    """A Zalo sender. Implement :meth:`deliver` (``message.recipient`` is a Zalo user id or a
    phone ``0xxxxxxxxx``, ``message.body`` the text) and select it in :func:`transport_for`."""


# Zalo error codes that retrying cannot fix: invalid parameters, the person does not follow the
# Official Account, or has not interacted with it recently enough to be messaged.
ZALO_PERMANENT_ERRORS = {-201, -213, -230}


class HttpZaloProvider(ZaloProvider):
    """Zalo Official Account "send message" API: ``POST url`` with header ``access_token`` and
    ``{"recipient": {"user_id": …}, "message": {"text": …}}`` (a phone number goes as
    ``{"phone": "84…"}`` for gateways that accept it). Zalo answers HTTP 200 with
    ``{"error": 0, …}`` on success and a negative ``error`` otherwise."""

    def __init__(self, url: str, access_token: str, timeout: int) -> None:
        self.url = url
        self.access_token = access_token
        self.timeout = timeout
        self.description = f"Zalo OA HTTP {urllib.parse.urlsplit(url).netloc}"

    def deliver(self, message: OutboxMessage, checkpoint: Checkpoint) -> None:
        to = message.recipient
        recipient = {"phone": "84" + to[1:]} if to.startswith("0") else {"user_id": to}
        answer = post_json(
            self.url,
            {"recipient": recipient, "message": {"text": message.body}},
            idempotency_key=message.idempotency_key,
            timeout=self.timeout,
            checkpoint=checkpoint,
            headers={"access_token": self.access_token},
        )
        try:
            result = json.loads(answer.decode("utf-8"))
            code = int(result.get("error", 0)) if isinstance(result, dict) else 0
            detail = str(result.get("message", "")) if isinstance(result, dict) else ""
        except (ValueError, UnicodeDecodeError):
            raise DeliveryError("Zalo trả lời không phải JSON", uncertain=True) from None
        if code != 0:
            raise DeliveryError(
                f"Zalo từ chối: lỗi {code} {detail}".strip(),
                permanent=code in ZALO_PERMANENT_ERRORS,
            )


class LogZaloProvider(ZaloProvider):
    """Development: Zalo messages go to the log."""

    receiver_is_idempotent = True
    description = "ghi vào nhật ký (log)"

    def deliver(self, message: OutboxMessage, checkpoint: Checkpoint) -> None:
        _must_pass(checkpoint)
        logger.info("Zalo (log) to %s: %s", message.recipient, message.body)


# --- choosing the transport ---------------------------------------------------------------------


class _Unconfigured(Transport):
    def __init__(self, detail: str) -> None:
        self.detail = detail
        self.description = f"CHƯA CẤU HÌNH ({detail})"

    def deliver(self, message: OutboxMessage, checkpoint: Checkpoint) -> None:
        raise NotConfigured(self.detail)


def _provider(name: str, choices: set[str]) -> str:
    value = env_str(name, "log" if settings.DEBUG else "").lower()
    if value and value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} không hợp lệ: {', '.join(sorted(choices))}.")
    return value


def transport_for(channel: str) -> Transport:
    """The channel's transport as configured now; raises ``ImproperlyConfigured`` on a
    malformed setting. An unset provider logs in debug mode and makes messages wait otherwise."""
    if channel == Channel.EMAIL:
        url = env_secret("TINHSO_SMTP_URL") or ("log://" if settings.DEBUG else "")
        if not url:
            return _Unconfigured("chưa đặt TINHSO_SMTP_URL")
        config = parse_smtp_url(url)
        sender = mail_from()
        return LogEmailTransport() if config is None else SmtpTransport(config, sender)
    if channel == Channel.SMS:
        provider = _provider("TINHSO_SMS_PROVIDER", {"log", "http"})
        if provider == "log":
            return LogSmsProvider()
        if provider == "http":
            url = env_str("TINHSO_SMS_URL")
            if not url.startswith(("http://", "https://")):
                raise ImproperlyConfigured("TINHSO_SMS_URL phải là địa chỉ http(s)://…")
            return HttpSmsProvider(
                url,
                env_secret("TINHSO_SMS_API_KEY") or "",
                env_str("TINHSO_SMS_SENDER"),
                env_int("TINHSO_SMS_TIMEOUT", 10, minimum=1, maximum=120),
                idempotent=env_bool("TINHSO_SMS_IDEMPOTENT", False),
            )
        return _Unconfigured("chưa đặt TINHSO_SMS_PROVIDER")
    if channel == Channel.ZALO:
        provider = _provider("TINHSO_ZALO_PROVIDER", {"log", "http"})
        if provider == "log":
            return LogZaloProvider()
        if provider == "http":
            url = env_str("TINHSO_ZALO_URL", "https://openapi.zalo.me/v3.0/oa/message/cs")
            if not url.startswith(("http://", "https://")):
                raise ImproperlyConfigured("TINHSO_ZALO_URL phải là địa chỉ http(s)://…")
            token = env_secret("TINHSO_ZALO_ACCESS_TOKEN")
            if not token:
                return _Unconfigured("chưa đặt TINHSO_ZALO_ACCESS_TOKEN")
            return HttpZaloProvider(
                url, token, env_int("TINHSO_ZALO_TIMEOUT", 10, minimum=1, maximum=120)
            )
        return _Unconfigured("chưa đặt TINHSO_ZALO_PROVIDER")
    if channel == Channel.WEBHOOK:
        return WebhookTransport(env_int("TINHSO_WEBHOOK_TIMEOUT", 10, minimum=1, maximum=120))
    raise ValueError(f"unknown channel {channel!r}")


def describe_configuration() -> list[str]:
    """One line per channel; raises ``ImproperlyConfigured`` so a worker fails at start-up."""
    return [f"{channel.label}: {transport_for(channel).description}" for channel in Channel]
