"""How every HTML form of the platform renders: one field template (label, hint, the error next
to the field, then the widget). Django 5.2 already marks invalid widgets with ``aria-invalid``
and points ``aria-describedby`` at the hint and at the error (``<id>_error``), so screen readers
read the error with the field (WCAG 2.1 SC 3.3.1, 1.3.1); ``forms/field.html`` uses those ids.

Pages show the error summary with ``{% include "includes/error_summary.html" %}``; see
docs/ui.md for the pattern.
"""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """settings.FORM_RENDERER: the project's template engine (so ``tinhso/templates`` is
    searched) and the project's field template."""

    field_template_name = "forms/field.html"
