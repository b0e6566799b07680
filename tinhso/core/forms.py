"""How every HTML form of the platform renders: one field template (label, hint, error next to
the field, then the widget) and widgets whose ``aria-describedby`` names both the hint and the
error message, so screen readers read the error with the field (WCAG 2.1 SC 3.3.1, 1.3.1).

Pages show the error summary with ``{% include "includes/error_summary.html" %}``; see
docs/ui.md for the pattern.
"""

from __future__ import annotations

from typing import Any

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates


class AccessibleBoundField(BoundField):
    @property
    def error_id(self) -> str:
        return f"{self.auto_id}_error" if self.auto_id else ""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and self.error_id:
            described = [part for part in str(attrs.get("aria-describedby", "")).split() if part]
            if self.help_text and self.auto_id and f"{self.auto_id}_helptext" not in described:
                described.append(f"{self.auto_id}_helptext")
            described.append(self.error_id)
            attrs["aria-describedby"] = " ".join(described)
        return attrs


class FormRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: the project's field template and bound field."""

    field_template_name = "forms/field.html"
    bound_field_class = AccessibleBoundField
