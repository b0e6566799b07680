"""The VNPay protocol (version 2.1.0): a signed redirect to the gateway, and signed callbacks
back — the IPN (server to server, authoritative) and the return URL (the browser).

Signing: the ``vnp_*`` parameters except the hash itself, sorted by name, each ``name=value``
URL-encoded (``quote_plus``) and joined by ``&``; ``vnp_SecureHash`` is the hex HMAC-SHA512 of
that string with the merchant secret."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, urlencode
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured

from tinhso.lib.env import env_secret, env_str
from tinhso.payments.providers import (
    Callback,
    GatewayUnavailable,
    InvalidSignature,
    PaymentRequest,
    RefundRequest,
    RefundResult,
    ReportRow,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
VERSION = "2.1.0"
SANDBOX_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
SANDBOX_API_URL = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"
EXPIRES_AFTER = dt.timedelta(minutes=15)
HASH_FIELDS_EXCLUDED = {"vnp_SecureHash", "vnp_SecureHashType"}


def canonical_query(params: Mapping[str, str]) -> str:
    """The string that is signed (and also the query string of the redirect)."""
    return "&".join(
        f"{quote_plus(name)}={quote_plus(str(params[name]))}"
        for name in sorted(params)
        if name.startswith("vnp_") and name not in HASH_FIELDS_EXCLUDED and params[name] != ""
    )


def sign(params: Mapping[str, str], secret: str) -> str:
    return hmac.new(
        secret.encode(), canonical_query(params).encode("utf-8"), hashlib.sha512
    ).hexdigest()


def has_valid_signature(params: Mapping[str, str], secret: str) -> bool:
    received = str(params.get("vnp_SecureHash", "")).lower()
    return bool(received) and hmac.compare_digest(received, sign(params, secret))


def vnpay_time(moment: dt.datetime) -> str:
    """yyyyMMddHHmmss in Vietnamese time (+07:00), as the gateway expects."""
    return moment.astimezone(VN).strftime("%Y%m%d%H%M%S")


@dataclass(frozen=True)
class VnpayProvider:
    url: str
    tmn_code: str
    secret: str
    api_url: str = SANDBOX_API_URL
    report_url: str = ""
    name: str = "vnpay"

    @classmethod
    def from_env(cls) -> VnpayProvider:
        tmn_code = env_str("TINHSO_VNPAY_TMN_CODE")
        secret = env_secret("TINHSO_VNPAY_SECRET")
        if not tmn_code or not secret:
            raise ImproperlyConfigured(
                "Thanh toán VNPay chưa được cấu hình: đặt TINHSO_VNPAY_TMN_CODE và "
                "TINHSO_VNPAY_SECRET (hoặc TINHSO_VNPAY_SECRET_FILE)."
            )
        return cls(
            url=env_str("TINHSO_VNPAY_URL", SANDBOX_URL),
            tmn_code=tmn_code,
            secret=secret,
            api_url=env_str("TINHSO_VNPAY_API_URL", SANDBOX_API_URL),
            report_url=env_str("TINHSO_VNPAY_REPORT_URL"),
        )

    def redirect_params(self, request: PaymentRequest) -> dict[str, str]:
        return {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(request.amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": request.order_ref,
            "vnp_OrderInfo": request.description,
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": request.return_url,
            "vnp_IpAddr": request.client_ip,
            "vnp_CreateDate": vnpay_time(request.created_at),
            "vnp_ExpireDate": vnpay_time(request.created_at + EXPIRES_AFTER),
        }

    def build_redirect_url(self, request: PaymentRequest) -> str:
        params = self.redirect_params(request)
        return f"{self.url}?{canonical_query(params)}&vnp_SecureHash={sign(params, self.secret)}"

    def parse_callback(self, params: Mapping[str, str]) -> Callback:
        if not has_valid_signature(params, self.secret):
            raise InvalidSignature
        if params.get("vnp_TmnCode") != self.tmn_code:
            raise InvalidSignature  # signed for another merchant: not ours to confirm
        try:
            amount_in_units = int(params.get("vnp_Amount", ""))
        except ValueError:
            amount_in_units = -1
        response_code = params.get("vnp_ResponseCode", "")
        return Callback(
            order_ref=params.get("vnp_TxnRef", ""),
            # The gateway counts in 1/100 đồng; a value not divisible by 100 can match nothing.
            amount=amount_in_units // 100 if amount_in_units % 100 == 0 else -1,
            succeeded=response_code == "00" and params.get("vnp_TransactionStatus", "00") == "00",
            response_code=response_code,
            transaction_no=params.get("vnp_TransactionNo", ""),
            params=dict(params),
        )

    def refund(self, request: RefundRequest) -> RefundResult:
        body = refund_request(
            tmn_code=self.tmn_code,
            secret=self.secret,
            request_id=request.request_id,
            order_ref=request.order_ref,
            amount=request.amount,
            transaction_no=request.transaction_no,
            transaction_date=vnpay_time(request.paid_at),
            created_by=request.created_by,
            client_ip=request.client_ip,
            now=request.created_at,
        )
        status, raw = _http(
            self.api_url, json.dumps(body).encode(), {"Content-Type": "application/json"}
        )
        try:
            answer = {str(k): str(v) for k, v in json.loads(raw).items()}
        except (ValueError, AttributeError):
            raise GatewayUnavailable(f"HTTP {status}: not JSON") from None
        if not fields_signed(answer, REFUND_RESPONSE_FIELDS, self.secret):
            raise GatewayUnavailable("refund answer not signed with the merchant secret")
        if answer.get("vnp_TxnRef") != request.order_ref:
            raise GatewayUnavailable("refund answer is about another order")
        code = answer.get("vnp_ResponseCode", "")
        return RefundResult(
            succeeded=code == "00",
            response_code=code,
            message=answer.get("vnp_Message", ""),
            transaction_no=answer.get("vnp_TransactionNo", ""),
            params=answer,
        )

    def transaction_report(self, day: dt.date) -> list[ReportRow]:
        if not self.report_url:
            raise GatewayUnavailable("TINHSO_VNPAY_REPORT_URL is not set")
        stamp = day.strftime("%Y%m%d")
        query = urlencode(
            {
                "vnp_TmnCode": self.tmn_code,
                "vnp_Date": stamp,
                "vnp_SecureHash": report_signature(self.tmn_code, stamp, self.secret),
            }
        )
        separator = "&" if "?" in self.report_url else "?"
        status, raw, headers = _http_get(f"{self.report_url}{separator}{query}")
        if status != 200:
            raise GatewayUnavailable(f"report: HTTP {status}")
        received = headers.get("X-VNP-SecureHash", "").lower()
        if not received or not hmac.compare_digest(received, body_signature(raw, self.secret)):
            raise GatewayUnavailable("report not signed with the merchant secret")
        return parse_report(raw.decode("utf-8"))


# --- refund (merchant web API, JSON, pipe-joined HMAC-SHA512) ------------------------------------

REFUND_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
)
FULL_REFUND = "02"


def sign_fields(data: Mapping[str, Any], fields: tuple[str, ...], secret: str) -> str:
    """The merchant API's signature: the listed fields' values joined by ``|``, HMAC-SHA512."""
    message = "|".join(str(data.get(name, "")) for name in fields)
    return hmac.new(secret.encode(), message.encode("utf-8"), hashlib.sha512).hexdigest()


def fields_signed(data: Mapping[str, Any], fields: tuple[str, ...], secret: str) -> bool:
    received = str(data.get("vnp_SecureHash", "")).lower()
    return bool(received) and hmac.compare_digest(received, sign_fields(data, fields, secret))


def refund_request(
    *,
    tmn_code: str,
    secret: str,
    request_id: str,
    order_ref: str,
    amount: int,
    transaction_no: str,
    transaction_date: str,
    created_by: str,
    client_ip: str,
    now: dt.datetime,
) -> dict[str, str]:
    body = {
        "vnp_RequestId": request_id,
        "vnp_Version": VERSION,
        "vnp_Command": "refund",
        "vnp_TmnCode": tmn_code,
        "vnp_TransactionType": FULL_REFUND,
        "vnp_TxnRef": order_ref,
        "vnp_Amount": str(amount * 100),
        "vnp_OrderInfo": f"Hoan tien giao dich {order_ref}",
        "vnp_TransactionNo": transaction_no,
        "vnp_TransactionDate": transaction_date,
        "vnp_CreateBy": created_by,
        "vnp_CreateDate": vnpay_time(now),
        "vnp_IpAddr": client_ip,
    }
    body["vnp_SecureHash"] = sign_fields(body, REFUND_REQUEST_FIELDS, secret)
    return body


def report_signature(tmn_code: str, day: str, secret: str) -> str:
    """Signature of a transaction-report request (``tmn_code|yyyyMMdd``)."""
    return sign_fields({"t": tmn_code, "d": day}, ("t", "d"), secret)


def body_signature(body: bytes, secret: str) -> str:
    """Signature of a report's bytes, sent back in the ``X-VNP-SecureHash`` header."""
    return hmac.new(secret.encode(), body, hashlib.sha512).hexdigest()


# --- transaction report (CSV) -------------------------------------------------------------------

REPORT_COLUMNS = ("txn_ref", "transaction_no", "amount", "type", "status", "time")


def parse_report(text: str) -> list[ReportRow]:
    """The gateway's daily report: CSV with the header ``REPORT_COLUMNS``; ``amount`` in đồng,
    ``type`` ``pay`` or ``refund``, ``status`` ``00`` for success, ``time`` ``yyyyMMddHHmmss``
    (+07:00). Raises ``ValueError`` naming the first bad line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in REPORT_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"thiếu cột: {', '.join(missing)}")
    rows = []
    for line, row in enumerate(reader, start=2):
        try:
            kind = row["type"].strip()
            if kind not in ("pay", "refund"):
                raise ValueError(f"type {kind!r}")
            at = dt.datetime.strptime(row["time"].strip(), "%Y%m%d%H%M%S").replace(tzinfo=VN)
            rows.append(
                ReportRow(
                    order_ref=row["txn_ref"].strip(),
                    transaction_no=row["transaction_no"].strip(),
                    amount=int(row["amount"].strip()),
                    kind=kind,
                    succeeded=row["status"].strip() == "00",
                    at=at,
                )
            )
        except (ValueError, AttributeError) as exc:
            raise ValueError(f"dòng {line}: {exc}") from None
    return rows


def write_report(rows: list[ReportRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REPORT_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.order_ref,
                row.transaction_no,
                row.amount,
                row.kind,
                "00" if row.succeeded else "02",
                vnpay_time(row.at),
            ]
        )
    return out.getvalue()


def _http(url: str, data: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise GatewayUnavailable(str(exc)) from None


def _http_get(url: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310
            return response.status, response.read(), dict(response.headers.items())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers.items())
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise GatewayUnavailable(str(exc)) from None
