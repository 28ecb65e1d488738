"""Forms of power-and-responsibility lists. Every form that acts on a version carries the
``lock_version`` the user saw, so a decision taken on a stale page is refused."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from responsibility.choices import ReviewDecision, ReviewOffice
from responsibility.forms.backbone import ScopedFormMixin
from responsibility.models import PowerListItem, PowerListVersion, PublicationDeadline
from responsibility.services.power_lists import DEADLINE_LEVELS


class LockVersionMixin(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class PowerListActionForm(LockVersionMixin, forms.Form):
    """Submit, publish or discard: nothing to type, only the state the user saw."""


class PowerListVersionForm(forms.ModelForm):
    class Meta:
        model = PowerListVersion
        fields = ["change_summary"]
        widgets = {"change_summary": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"change_summary": _("For the reviewers and the public: what this version changes and why.")}


class PowerListVersionEditForm(LockVersionMixin, PowerListVersionForm):
    pass


class PowerListItemForm(LockVersionMixin, forms.ModelForm):
    class Meta:
        model = PowerListItem
        fields = ["sequence", "kind", "category", "title", "content", "legal_basis", "responsible_unit"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 4}),
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "category": _("For powers only: licensing, penalty, coercion, inspection, confirmation or other."),
            "legal_basis": _("The law, regulation or document and its article, e.g. 《中华人民共和国安全生产法》第六十五条."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sequence"].required = False
        self.fields["sequence"].help_text = _("Leave empty to put the item last.")

    def validate_unique(self):
        # The service checks the numbering inside its transaction (the version is not on the
        # form, so the model's unique check would be incomplete here).
        pass


class PowerListItemImportForm(LockVersionMixin, forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or XLSX with the columns kind, title, legal_basis, responsible_unit and optionally sequence, "
            "category, content (Chinese headers accepted: 类别, 事项名称, 法律依据, 责任单位, 序号, 权力类型, 内容)."
        ),
    )
    replace = forms.BooleanField(label=_("Replace the current items"), required=False)


class PowerListReviewForm(LockVersionMixin, forms.Form):
    office = forms.ChoiceField(label=_("Reviewing office"), choices=ReviewOffice.choices)
    decision = forms.ChoiceField(label=_("Decision"), choices=ReviewDecision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning the list: say what must be revised."),
    )

    def __init__(self, *args, offices: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["office"]
        field.choices = [(value, label) for value, label in ReviewOffice.choices if value in offices]
        if len(offices) == 1:
            field.initial = offices[0]
            field.widget = forms.HiddenInput()


class PublicationDeadlineForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = PublicationDeadline
        fields = ["jurisdiction", "year", "deadline", "note"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = self.fields["jurisdiction"].queryset.filter(level__in=DEADLINE_LEVELS)
        self.fields["jurisdiction"].help_text = _(
            "Every list-keeping organization in this jurisdiction and below must have a published list by the deadline."
        )

    def validate_unique(self):
        pass  # checked by the service, which reports it on the form
