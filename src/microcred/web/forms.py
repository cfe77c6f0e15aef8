from __future__ import annotations

from typing import Any

from django import forms


class Form(forms.Form):
    """Our forms' base: labels are questions and sentences, so no trailing colon."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

