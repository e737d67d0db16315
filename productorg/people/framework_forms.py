"""Forms of the career framework pages: the level filter and the two-step YAML import."""

from __future__ import annotations

from django import forms

from productorg.people.levels import LADDER

# The shipped framework is about 30 kB; a file a hundred times larger is not a framework.
FRAMEWORK_FILE_MAX_BYTES = 2_000_000


class LevelFilterForm(forms.Form):
    """`?level=<code>`: a code that is not a level is ignored, not fatal."""

    level = forms.ChoiceField(
        choices=[("", "Every level"), *((code, name) for code, name, _rank, _track in LADDER)],
        required=False,
        widget=forms.Select(attrs={"aria-label": "Level"}),
    )

    def level_code(self) -> str | None:
        return (self.cleaned_data["level"] or None) if self.is_valid() else None


class FrameworkUploadForm(forms.Form):
    """Step one: a YAML file to preview."""

    file = forms.FileField(label="Framework file (YAML)")

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > FRAMEWORK_FILE_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size:,} bytes; a framework file is at most "
                f"{FRAMEWORK_FILE_MAX_BYTES:,}."
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError("The file is not UTF-8 text.") from error


class FrameworkApplyForm(forms.Form):
    """Step two: the previewed text, sent back to be imported (and validated again)."""

    text = forms.CharField(
        widget=forms.HiddenInput, strip=False, max_length=FRAMEWORK_FILE_MAX_BYTES
    )
