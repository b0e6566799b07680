"""The events people are told about, the channels each can go through, the variables a template
may use, and the texts shipped as defaults (a province overrides them in the database, see
``models.NotificationTemplate``). Plain data: no database access."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

EMAIL = "email"
SMS = "sms"
ZALO = "zalo"
CHANNEL_LABELS: dict[str, Any] = {EMAIL: _("E-mail"), SMS: _("SMS"), ZALO: _("Zalo")}
APPLICANT_CHANNELS = (EMAIL, SMS, ZALO)
OFFICER_CHANNELS = (EMAIL,)

# Variables of a notice to the applicant, with what they hold (shown on the editing page).
APPLICANT_VARIABLES = {
    "ma_ho_so": _("mã hồ sơ"),
    "ten_nguoi_nop": _("họ tên người nộp (hoặc tên tổ chức)"),
    "thu_tuc": _("tên thủ tục"),
    "trang_thai": _("trạng thái mới của hồ sơ"),
    "han_tra": _("ngày hẹn trả kết quả (trống nếu không còn)"),
    "noi_dung": _("nội dung cán bộ ghi kèm (lý do, giấy tờ cần bổ sung…), có thể trống"),
    "tra_cuu": _("đường dẫn tra cứu hồ sơ"),
    "co_quan": _("tên cơ quan giải quyết"),
}
OFFICER_VARIABLES = {
    "ten_can_bo": _("họ tên cán bộ nhận thông báo"),
    "ma_ho_so": _("mã hồ sơ"),
    "thu_tuc": _("tên thủ tục"),
    "buoc": _("tên bước xử lý (trống nếu là cả hồ sơ)"),
    "han": _("thời hạn (giờ, ngày)"),
    "co_quan": _("tên cơ quan, đơn vị"),
    "nguoi_giao": _("người chuyển bước (có thể trống)"),
}

APPLICANT_SAMPLE = {
    "ma_ho_so": "000.00.02.H99-260315-0007",
    "ten_nguoi_nop": "Nguyễn Thị An",
    "thu_tuc": "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam",
    "trang_thai": "Đã tiếp nhận",
    "han_tra": "16 giờ 30, ngày 20/03/2026",
    "noi_dung": "Bản chụp căn cước bị mờ, đề nghị nộp lại",
    "tra_cuu": "https://dichvucong.example.gov.vn/tra-cuu/?ma=000.00.02.H99-260315-0007",
    "co_quan": "Sở Tư pháp",
}
OFFICER_SAMPLE = {
    "ten_can_bo": "Trần Văn Bình",
    "ma_ho_so": "000.00.02.H99-260315-0007",
    "thu_tuc": "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam",
    "buoc": "Thẩm định",
    "han": "16 giờ 30, ngày 18/03/2026",
    "co_quan": "Phòng Hành chính tư pháp",
    "nguoi_giao": "Lê Thị Cúc",
}

_APPLICANT_EMAIL_BODY = """Kính gửi {{ ten_nguoi_nop }},

%s

Hồ sơ {{ ma_ho_so }} — {{ thu_tuc }}
Trạng thái: {{ trang_thai }}.
{%% if han_tra %%}Ngày hẹn trả kết quả: {{ han_tra }}.
{%% endif %%}{%% if noi_dung %%}Nội dung: {{ noi_dung }}.
{%% endif %%}
Tra cứu hồ sơ: {{ tra_cuu }}
{{ co_quan }}"""

_SHORT_TAIL = "{% if han_tra %} Hẹn trả: {{ han_tra }}.{% endif %} Tra cứu: {{ tra_cuu }}"


@dataclass(frozen=True)
class Event:
    code: str
    label: Any  # what the province IT team sees in the list (translatable)
    for_officers: bool
    email_subject: str
    email_body: str
    short_text: str = ""  # Zalo as is, SMS without diacritics (applicant events only)

    @property
    def channels(self) -> tuple[str, ...]:
        return OFFICER_CHANNELS if self.for_officers else APPLICANT_CHANNELS

    @property
    def variables(self) -> dict[str, Any]:
        return OFFICER_VARIABLES if self.for_officers else APPLICANT_VARIABLES

    @property
    def sample(self) -> dict[str, str]:
        return OFFICER_SAMPLE if self.for_officers else APPLICANT_SAMPLE

    def default(self, channel: str) -> tuple[str, str]:
        """(subject, body) shipped for ``channel``; SMS and Zalo have no subject."""
        if channel == EMAIL:
            return self.email_subject, self.email_body
        if channel == SMS:
            # Brand-name SMS in Vietnam go out without diacritics (160 characters a segment
            # instead of 70, and some carriers refuse Unicode).
            return "", "{% filter khong_dau %}" + self.short_text + "{% endfilter %}"
        return "", self.short_text


def _applicant(code: str, label: Any, subject: str, lead: str, short: str) -> Event:
    return Event(
        code=code,
        label=label,
        for_officers=False,
        email_subject=subject,
        email_body=_APPLICANT_EMAIL_BODY % lead,
        short_text=short,
    )


EVENTS: dict[str, Event] = {
    event.code: event
    for event in (
        _applicant(
            "submitted",
            _("Đã nhận hồ sơ trực tuyến"),
            "Đã nhận hồ sơ trực tuyến {{ ma_ho_so }}",
            "Cổng dịch vụ công đã nhận hồ sơ trực tuyến của Ông/Bà; cán bộ sẽ kiểm tra và "
            "tiếp nhận.",
            "Đã nhận hồ sơ trực tuyến {{ ma_ho_so }}. Tra cứu: {{ tra_cuu }}",
        ),
        _applicant(
            "received",
            _("Hồ sơ được tiếp nhận"),
            "Hồ sơ {{ ma_ho_so }} đã được tiếp nhận",
            "Hồ sơ của Ông/Bà đã được tiếp nhận và đang được giải quyết.",
            "Hồ sơ {{ ma_ho_so }} đã được tiếp nhận." + _SHORT_TAIL,
        ),
        _applicant(
            "refused",
            _("Hồ sơ không được tiếp nhận"),
            "Hồ sơ {{ ma_ho_so }} không được tiếp nhận",
            "Rất tiếc, hồ sơ của Ông/Bà không được tiếp nhận; lý do ghi ở phần nội dung.",
            "Hồ sơ {{ ma_ho_so }} không được tiếp nhận. Lý do: {{ noi_dung }}. "
            "Tra cứu: {{ tra_cuu }}",
        ),
        _applicant(
            "supplement_requested",
            _("Yêu cầu bổ sung giấy tờ"),
            "Hồ sơ {{ ma_ho_so }} cần bổ sung giấy tờ",
            "Hồ sơ của Ông/Bà cần bổ sung, hoàn thiện giấy tờ như dưới đây; thời hạn giải "
            "quyết tạm dừng cho đến khi nhận đủ.",
            "Hồ sơ {{ ma_ho_so }} cần bổ sung: {{ noi_dung }}. Tra cứu: {{ tra_cuu }}",
        ),
        _applicant(
            "payment_requested",
            _("Đề nghị nộp phí, lệ phí"),
            "Hồ sơ {{ ma_ho_so }}: đề nghị nộp phí, lệ phí",
            "Đề nghị Ông/Bà nộp phí, lệ phí để hồ sơ được tiếp tục giải quyết.",
            "Hồ sơ {{ ma_ho_so }}: đề nghị nộp phí, lệ phí. Tra cứu: {{ tra_cuu }}",
        ),
        _applicant(
            "extended",
            _("Hẹn lại ngày trả kết quả"),
            "Hồ sơ {{ ma_ho_so }}: hẹn lại ngày trả kết quả",
            "Cơ quan giải quyết xin lỗi vì chưa trả kết quả đúng hẹn và hẹn lại ngày trả.",
            "Hồ sơ {{ ma_ho_so }} được hẹn lại ngày trả kết quả." + _SHORT_TAIL,
        ),
        _applicant(
            "stopped",
            _("Dừng xử lý hồ sơ"),
            "Hồ sơ {{ ma_ho_so }} đã dừng xử lý",
            "Hồ sơ của Ông/Bà đã dừng xử lý; lý do ghi ở phần nội dung.",
            "Hồ sơ {{ ma_ho_so }} đã dừng xử lý. Lý do: {{ noi_dung }}. Tra cứu: {{ tra_cuu }}",
        ),
        _applicant(
            "withdrawn",
            _("Hồ sơ được rút"),
            "Hồ sơ {{ ma_ho_so }} đã được rút",
            "Theo yêu cầu của Ông/Bà, hồ sơ đã được rút.",
            "Hồ sơ {{ ma_ho_so }} đã được rút theo yêu cầu. Tra cứu: {{ tra_cuu }}",
        ),
        _applicant(
            "result_ready",
            _("Đã có kết quả"),
            "Hồ sơ {{ ma_ho_so }} đã có kết quả",
            "Hồ sơ của Ông/Bà đã có kết quả; mời Ông/Bà nhận theo hình thức đã chọn.",
            "Hồ sơ {{ ma_ho_so }} đã có kết quả. Tra cứu: {{ tra_cuu }}",
        ),
        _applicant(
            "returned",
            _("Đã trả kết quả"),
            "Hồ sơ {{ ma_ho_so }} đã trả kết quả",
            "Kết quả giải quyết hồ sơ đã được trả cho Ông/Bà. Cảm ơn Ông/Bà đã sử dụng dịch vụ.",
            "Hồ sơ {{ ma_ho_so }} đã trả kết quả. Cảm ơn Ông/Bà. Tra cứu: {{ tra_cuu }}",
        ),
        Event(
            code="step_assigned",
            label=_("Được giao xử lý (cán bộ)"),
            for_officers=True,
            email_subject="Được giao: {% if buoc %}bước «{{ buoc }}» của {% endif %}"
            "hồ sơ {{ ma_ho_so }}",
            email_body="Kính gửi {{ ten_can_bo }},\n\n"
            "{% if buoc %}Bước «{{ buoc }}» của hồ sơ{% else %}Hồ sơ{% endif %} "
            "{{ ma_ho_so }} đã được chuyển đến {{ co_quan }}"
            "{% if nguoi_giao %} (người chuyển: {{ nguoi_giao }}){% endif %}.\n"
            "Thời hạn: {{ han }}.\nThủ tục: {{ thu_tuc }}",
        ),
        Event(
            code="due_soon",
            label=_("Sắp đến hạn (cán bộ)"),
            for_officers=True,
            email_subject="Sắp đến hạn: {% if buoc %}bước «{{ buoc }}» của {% endif %}"
            "hồ sơ {{ ma_ho_so }}",
            email_body="{% if buoc %}Bước «{{ buoc }}» của hồ sơ{% else %}Hồ sơ{% endif %} "
            "{{ ma_ho_so }} đến hạn lúc {{ han }}.\nThủ tục: {{ thu_tuc }}\n"
            "Cơ quan: {{ co_quan }}",
        ),
        Event(
            code="overdue",
            label=_("Quá hạn (cán bộ)"),
            for_officers=True,
            email_subject="Quá hạn: {% if buoc %}bước «{{ buoc }}» của {% endif %}"
            "hồ sơ {{ ma_ho_so }}",
            email_body="{% if buoc %}Bước «{{ buoc }}» của hồ sơ{% else %}Hồ sơ{% endif %} "
            "{{ ma_ho_so }} đã quá hạn từ {{ han }}.\nThủ tục: {{ thu_tuc }}\n"
            "Cơ quan: {{ co_quan }}",
        ),
    )
}

# Workflow actions of the dossier engine → the event the applicant is told about.
ACTION_EVENTS = {
    "submit": "submitted",
    "receive": "received",
    "accept": "received",
    "refuse": "refused",
    "request_supplement": "supplement_requested",
    "require_payment": "payment_requested",
    "extend": "extended",
    "stop": "stopped",
    "withdraw": "withdrawn",
    "complete_step": "result_ready",  # only the last step (the dossier is processed)
    "return_result": "returned",
}


def event_for(code: str) -> Event | None:
    return EVENTS.get(code)
