from django import forms
from django.utils.translation import gettext_lazy as _

from responsibility.choices import JurisdictionLevel, OrganizationKind
from responsibility.models import Jurisdiction, Official, Organization, Post


class ScopedFormMixin:
    """Limit every model-choice field to what the user may see."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = field.queryset.restrict(user, "view")


class OrganizationForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["jurisdiction", "name", "short_name", "kind", "function", "parent", "lead_department", "sort_order", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = self.fields["jurisdiction"].queryset.exclude(level=JurisdictionLevel.VILLAGE)
        self.fields["lead_department"].queryset = self.fields["lead_department"].queryset.exclude(
            kind__in=[OrganizationKind.TASK_GROUP, OrganizationKind.SAFETY_COMMITTEE]
        )
        for name in ("parent", "lead_department"):
            field = self.fields[name]
            field.queryset = field.queryset.select_related("jurisdiction").order_by("jurisdiction__path", "sort_order", "name")
            field.label_from_instance = lambda o: f"{o.jurisdiction.name} · {o.name}"


class OfficialForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Official
        fields = ["name", "gender", "birth_year", "phone", "registered_in", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registered_in"].queryset = self.fields["registered_in"].queryset.exclude(level=JurisdictionLevel.VILLAGE)


class PostForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Post
        fields = ["organization", "role", "title", "start_date", "end_date"]
        # <input type="date"> only accepts ISO dates; without ``format`` the zh-hans input
        # format (2024/01/31) is rendered, the browser shows an empty field and saving the
        # form would clear the end date.
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = self.fields["organization"].queryset.select_related("jurisdiction")
        self.fields["organization"].label_from_instance = lambda o: f"{o.jurisdiction.name} · {o.name}"


class JurisdictionForm(forms.ModelForm):
    class Meta:
        model = Jurisdiction
        fields = ["name", "is_active"]


class DivisionImportForm(forms.Form):
    file = forms.FileField(
        label=_("Division list"),
        help_text=_("CSV or XLSX with the columns code, name, level, parent_code (Chinese headers accepted)."),
    )
