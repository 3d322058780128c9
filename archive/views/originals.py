"""The fields in which a form describes an original that is not archived
(archive.models.UnarchivedOriginal), and the kind of derivation: on the derivation page, the
import's confirm step and its web page capture, so all ask for it in the same words."""

from django import forms

from archive.core.forms import AddressField
from archive.models import Derivation, UnarchivedOriginal
from archive.models.source import UNARCHIVED_FIELDS, UNARCHIVED_PARTS, bcp47_validator, validate_published_on


def derivation_field(**options) -> forms.ChoiceField:
    """The kind of derivation, or none ("—")."""
    return forms.ChoiceField(choices=[("", "—"), *Derivation.choices], required=False, **options)


class UnarchivedOriginalFields(forms.Form):
    unarchived_title = forms.CharField(
        label="Its title", max_length=500, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    unarchived_url = AddressField(label="Its address", max_length=2000, required=False)
    unarchived_outlet = forms.CharField(
        label="Its outlet's name",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    unarchived_language = forms.CharField(
        label="Its language",
        max_length=35,
        required=False,
        validators=[bcp47_validator],
        help_text="BCP 47, e.g. ar or en",
    )
    unarchived_published_on = forms.DateField(
        label="Published",
        required=False,
        validators=[validate_published_on],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def unarchived_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in UNARCHIVED_FIELDS]

    def described_original(self) -> UnarchivedOriginal | None:
        """The original as the fields describe it, None when they are all empty. Whether the
        description suffices (its title or address) is the domain's rule, not checked here."""
        parts = {name: self.cleaned_data[f"unarchived_{name}"] for name in UNARCHIVED_PARTS}
        return UnarchivedOriginal(**parts) if any(parts.values()) else None
