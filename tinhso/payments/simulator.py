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

from tinhso.payments.providers import ReportRow
from tinhso.payments.vnpay import (
    REFUND_REQUEST_FIELDS,
    REFUND_RESPONSE_FIELDS,
    VN,
    body_signature,
    canonical_query,
    fields_signed,
    has_valid_signature,
    report_signature,
    sign,
    sign_fields,
    vnpay_time,
    write_report,
)

PAY_PATH = "/paymentv2/vpcpay.html"
API_PATH = "/merchant_webapi/api/transaction"
REPORT_PATH = "/merchant_webapi/report"
REFUND_MODES = {"ok", "fail", "forge", "down"}
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
        self.transactions: list[ReportRow] = []  # the gateway's ledger, what its report shows
        self.refund_mode = "ok"  # "ok" | "fail" | "forge" (answer badly signed) | "down" (500)
        self.refund_requests: list[dict[str, str]] = []
        self._refund_answers: dict[str, dict[str, str]] = {}  # by vnp_RequestId
        self._numbers = itertools.count(14000001)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle --------------------------------------------------------------------------

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        return f"{self.base}{PAY_PATH}"

    def env(self) -> dict[str, str]:
        """The platform's configuration that points at this gateway."""
        return {
            "TINHSO_VNPAY_URL": self.url,
            "TINHSO_VNPAY_API_URL": f"{self.base}{API_PATH}",
            "TINHSO_VNPAY_REPORT_URL": f"{self.base}{REPORT_PATH}",
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
        self.transactions.append(
            ReportRow(
                order_ref=params["vnp_TxnRef"],
                transaction_no=params["vnp_TransactionNo"],
                amount=int(params["vnp_Amount"]) // 100,
                kind="pay",
                succeeded=params["vnp_ResponseCode"] == "00",
                at=dt.datetime.now(dt.UTC),
            )
        )
        return 200, {
            "order_ref": order["vnp_TxnRef"],
            "ipn_params": params,
            "return_url": order["vnp_ReturnUrl"],
        }

    # --- refunds and the daily report -------------------------------------------------------

    def report_csv(self, day: dt.date) -> str:
        """The transactions of ``day`` (Vietnamese date) as the gateway's CSV report."""
        return write_report([t for t in self.transactions if t.at.astimezone(VN).date() == day])

    def _refund(self, raw: bytes) -> tuple[int, dict[str, Any]]:
        if self.refund_mode == "down":
            return 500, {"error": "maintenance"}
        try:
            request = {str(k): str(v) for k, v in json.loads(raw).items()}
        except (ValueError, AttributeError):
            return 400, {"vnp_ResponseCode": "03", "vnp_Message": "Invalid format"}
        self.refund_requests.append(request)
        if request.get("vnp_RequestId") in self._refund_answers:  # a retry: same answer
            return 200, self._refund_answers[request["vnp_RequestId"]]
        code, message, number = "00", "Refund success", ""
        paid = [
            t
            for t in self.transactions
            if t.kind == "pay" and t.succeeded and t.order_ref == request.get("vnp_TxnRef")
        ]
        refunded = any(
            t.kind == "refund" and t.order_ref == request.get("vnp_TxnRef")
            for t in self.transactions
        )
        if not fields_signed(request, REFUND_REQUEST_FIELDS, self.secret):
            code, message = "97", "Invalid Checksum"
        elif request.get("vnp_TmnCode") != self.tmn_code:
            code, message = "02", "Invalid TmnCode"
        elif not paid or paid[0].transaction_no != request.get("vnp_TransactionNo"):
            code, message = "91", "Transaction not found"
        elif refunded:
            code, message = "94", "Duplicate request"
        elif str(paid[0].amount * 100) != request.get("vnp_Amount"):
            code, message = "93", "Invalid amount"
        elif self.refund_mode == "fail":
            code, message = "95", "Transaction failed at VNPAY"
        else:
            number = str(next(self._numbers))
            self.transactions.append(
                ReportRow(
                    order_ref=paid[0].order_ref,
                    transaction_no=number,
                    amount=paid[0].amount,
                    kind="refund",
                    succeeded=True,
                    at=dt.datetime.now(dt.UTC),
                )
            )
        answer = {
            "vnp_ResponseId": f"R{next(self._numbers)}",
            "vnp_Command": "refund",
            "vnp_ResponseCode": code,
            "vnp_Message": message,
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": request.get("vnp_TxnRef", ""),
            "vnp_Amount": request.get("vnp_Amount", ""),
            "vnp_BankCode": "NCB",
            "vnp_PayDate": vnpay_time(dt.datetime.now(dt.UTC)),
            "vnp_TransactionNo": number,
            "vnp_TransactionType": request.get("vnp_TransactionType", ""),
            "vnp_TransactionStatus": "05" if code == "00" else "",
            "vnp_OrderInfo": request.get("vnp_OrderInfo", ""),
        }
        answer["vnp_SecureHash"] = sign_fields(answer, REFUND_RESPONSE_FIELDS, self.secret)
        if code == "00":
            self._refund_answers[request["vnp_RequestId"]] = answer
        if self.refund_mode == "forge":  # what a tampered answer looks like on the way back
            forged = {k: v for k, v in answer.items() if k != "vnp_SecureHash"}
            bad = sign_fields(forged, REFUND_RESPONSE_FIELDS, "not-the-merchant-secret")
            return 200, {**forged, "vnp_SecureHash": bad}
        return 200, answer

    def _report(self, query: str) -> tuple[int, bytes]:
        params = dict(parse_qsl(query))
        day = params.get("vnp_Date", "")
        expected = report_signature(self.tmn_code, day, self.secret)
        if params.get("vnp_TmnCode") != self.tmn_code or params.get("vnp_SecureHash") != expected:
            return 403, b"invalid signature"
        try:
            wanted = dt.date(int(day[:4]), int(day[4:6]), int(day[6:8]))
        except ValueError:  # also a day of fewer than 8 digits
            return 400, b"invalid date"
        return 200, self.report_csv(wanted).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, data: bytes, content_type: str, **headers: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name.replace("_", "-"), value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path == REPORT_PATH:
                    status, data = simulator._report(parts.query)
                    signature = body_signature(data, simulator.secret)
                    self._send(status, data, "text/csv; charset=utf-8", X_VNP_SecureHash=signature)
                    return
                if parts.path != PAY_PATH:
                    status, body = 404, {"error": "not found"}
                else:
                    status, body = simulator._pay(parts.query)
                self._send(status, json.dumps(body).encode(), "application/json")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if urlsplit(self.path).path != API_PATH:
                    status, body = 404, {"error": "not found"}
                else:
                    status, body = simulator._refund(raw)
                self._send(status, json.dumps(body).encode(), "application/json")

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        return Handler
