"""A VNPay-like gateway on loopback, for tests and demonstrations: it receives the redirect URL,
checks its signature and "pays" by calling the platform's IPN URL with correctly signed
parameters — or with forged ones, a wrong amount or a declined payment, on demand.

    with GatewaySimulator(tmn_code="TINHSO01", secret="s3cret", ipn_url=...) as gateway:
        result = gateway.visit(redirect_url)   # what the applicant's browser does
        result["ipn"]                           # the platform's answer, e.g. {"RspCode": "00", ...}

The browser is not redirected: ``visit`` returns the IPN answer and the signed return URL the
browser would have been sent to. The transport of the IPN is plain HTTP by default (point
``ipn_url`` at a running platform); tests inject Django's test client."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tinhso.payments.vnpay import canonical_query, has_valid_signature, sign, vnpay_time

PAY_PATH = "/paymentv2/vpcpay.html"
Mode = str  # "pay" | "decline" | "forge" | "wrong_amount"
MODES = {"pay", "decline", "forge", "wrong_amount"}


def http_get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback only)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class GatewaySimulator:
    def __init__(
        self,
        *,
        tmn_code: str,
        secret: str,
        ipn_url: str,
        transport: Callable[[str], tuple[int, bytes]] = http_get,
    ) -> None:
        self.tmn_code = tmn_code
        self.secret = secret
        self.ipn_url = ipn_url
        self.transport = transport
        self.mode: Mode = "pay"
        self.delivered: list[dict[str, str]] = []  # every IPN sent, in order
        self.answers: list[dict[str, Any]] = []  # the platform's answers, in order
        self.paid_orders: list[dict[str, str]] = []  # redirect parameters accepted, in order
        self._numbers = itertools.count(14000001)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{PAY_PATH}"

    def env(self) -> dict[str, str]:
        """The platform's configuration that points at this gateway."""
        return {
            "TINHSO_VNPAY_URL": self.url,
            "TINHSO_VNPAY_TMN_CODE": self.tmn_code,
            "TINHSO_VNPAY_SECRET": self.secret,
        }

    def start(self) -> GatewaySimulator:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> GatewaySimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the gateway's side -----------------------------------------------------------------

    def visit(self, redirect_url: str) -> dict[str, Any]:
        """The applicant's browser following the redirect URL: the gateway's page checks the
        order and takes the payment, then the gateway sends the IPN to the platform. The IPN
        leaves from the caller's thread, so the transport may be Django's test client, which
        must share the test's database connection."""
        status, body = http_get(redirect_url)
        result: dict[str, Any] = json.loads(body)
        result["status"] = status
        if status == 200:
            params = result["ipn_params"]
            result["ipn"] = self.deliver(params)
            result["return_url"] = (
                f"{result['return_url']}?{canonical_query(params)}"
                f"&vnp_SecureHash={params['vnp_SecureHash']}"
            )
        return result

    def ipn_params(
        self, order: dict[str, str], *, mode: Mode = "pay", when: dt.datetime | None = None
    ) -> dict[str, str]:
        """The IPN the gateway sends for ``order`` (the redirect's parameters), signed."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {sorted(MODES)}")
        amount = int(order["vnp_Amount"]) + (100_00 if mode == "wrong_amount" else 0)
        declined = mode == "decline"
        number = str(next(self._numbers))
        params = {
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(amount),
            "vnp_BankCode": "NCB",
            "vnp_BankTranNo": f"VNP{number}",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": order.get("vnp_OrderInfo", ""),
            "vnp_PayDate": vnpay_time(when or dt.datetime.now(dt.UTC)),
            "vnp_ResponseCode": "24" if declined else "00",
            "vnp_TransactionNo": number,
            "vnp_TransactionStatus": "02" if declined else "00",
            "vnp_TxnRef": order["vnp_TxnRef"],
            "vnp_SecureHashType": "HmacSHA512",
        }
        secret = "not-the-merchant-secret" if mode == "forge" else self.secret
        params["vnp_SecureHash"] = sign(params, secret)
        return params

    def deliver(self, params: dict[str, str]) -> dict[str, Any]:
        """Send one IPN to the platform (again, to replay it) and return its JSON answer."""
        query = canonical_query(params) + f"&vnp_SecureHash={params['vnp_SecureHash']}"
        separator = "&" if "?" in self.ipn_url else "?"
        status, body = self.transport(f"{self.ipn_url}{separator}{query}")
        answer: dict[str, Any] = json.loads(body) if body else {}
        answer["http_status"] = status
        self.delivered.append(params)
        self.answers.append(answer)
        return answer

    def _pay(self, query: str) -> tuple[int, dict[str, Any]]:
        order = dict(parse_qsl(query, keep_blank_values=True))
        if not has_valid_signature(order, self.secret) or order.get("vnp_TmnCode") != (
            self.tmn_code
        ):
            return 400, {"error": "invalid signature", "code": "97"}
        missing = [
            name
            for name in (
                "vnp_Version",
                "vnp_Command",
                "vnp_Amount",
                "vnp_CurrCode",
                "vnp_TxnRef",
                "vnp_ReturnUrl",
                "vnp_CreateDate",
                "vnp_IpAddr",
            )
            if not order.get(name)
        ]
        if missing or order["vnp_Command"] != "pay" or order["vnp_CurrCode"] != "VND":
            return 400, {"error": "invalid request", "missing": missing}
        params = self.ipn_params(order, mode=self.mode)
        self.paid_orders.append(order)
        return 200, {
            "order_ref": order["vnp_TxnRef"],
            "ipn_params": params,
            "return_url": order["vnp_ReturnUrl"],
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != PAY_PATH:
                    status, body = 404, {"error": "not found"}
                else:
                    status, body = simulator._pay(parts.query)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        return Handler
