"""Turning a rendered form back into the POST data a browser would send, so tests change only
what they mean to change."""

from typing import Any

from django import forms


def form_data(form: forms.Form, data: dict[str, Any] | None = None) -> dict[str, Any]:
    data = {} if data is None else data
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        if value is True:
            data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(item) for item in value]
        elif hasattr(value, "isoformat"):
            data[field.html_name] = value.isoformat()
        else:
            data[field.html_name] = str(value)
    return data


def draft_post_data(response: Any) -> dict[str, Any]:
    """The POST data of the version form as rendered (general fields and every row)."""
    context = response.context
    data = form_data(context["form"])
    for formset in context["formsets"].values():
        form_data(formset.management_form, data)
        for row in formset.forms:
            form_data(row, data)
    return data
