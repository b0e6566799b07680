from __future__ import annotations

import pytest

from tinhso.printing.services import FORMS, FormKind, FormSet, RenderedForm, render_form
from tinhso.printing.tests import samples


@pytest.fixture(scope="session")
def rendered() -> dict[tuple[FormSet, FormKind], RenderedForm]:
    """Every form of both sets rendered once from the sample data (about 4 s in all)."""
    return {
        (form_set, kind): render_form(kind, samples.SAMPLES[kind](), form_set=form_set)
        for form_set, kinds in FORMS.items()
        for kind in kinds
    }
