"""Forms of the desk officer's postal page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.postal.carriers import MANUAL, VNPOST
from tinhso.postal.models import Direction, ShipmentState


class ShipmentForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Chiều gửi"),
        choices=[
            (Direction.OUTBOUND, _("Gửi kết quả cho người nộp")),
            (Direction.INBOUND, _("Hồ sơ người nộp gửi đến cơ quan")),
        ],
        widget=forms.RadioSelect,
    )
    carrier = forms.ChoiceField(
        label=_("Đơn vị bưu chính"),
        choices=[
            (MANUAL, _("Bưu điện tại quầy (ghi nhận thủ công)")),
            (VNPOST, _("VNPost (kết nối tự động)")),
        ],
        initial=MANUAL,
        widget=forms.RadioSelect,
    )
    tracking_number = forms.CharField(
        label=_("Số hiệu bưu gửi"),
        required=False,
        max_length=40,
        help_text=_(
            "In trên phiếu gửi của bưu điện, ví dụ EB123456789VN. Bỏ trống khi gửi qua VNPost."
        ),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)


class StateForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Trạng thái mới"),
        choices=[
            (ShipmentState.HANDED_OVER, _("Đã giao cho bưu chính")),
            (ShipmentState.IN_TRANSIT, _("Đang vận chuyển")),
            (ShipmentState.DELIVERED, _("Đã phát thành công")),
            (ShipmentState.RETURNED, _("Chuyển hoàn")),
        ],
    )
    location = forms.CharField(label=_("Địa điểm"), required=False, max_length=200)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
