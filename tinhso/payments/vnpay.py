"""The VNPay protocol (version 2.1.0): a signed redirect to the gateway, and signed callbacks
back — the IPN (server to server, authoritative) and the return URL (the browser).

Signing: the ``vnp_*`` parameters except the hash itself, sorted by name, each ``name=value``
URL-encoded (``quote_plus``) and joined by ``&``; ``vnp_SecureHash`` is the hex HMAC-SHA512 of
that string with the merchant secret."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured

from tinhso.lib.env import env_secret, env_str
from tinhso.payments.providers import Callback, InvalidSignature, PaymentRequest

VN = ZoneInfo("Asia/Ho_Chi_Minh")
VERSION = "2.1.0"
SANDBOX_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
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
        return cls(url=env_str("TINHSO_VNPAY_URL", SANDBOX_URL), tmn_code=tmn_code, secret=secret)

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
