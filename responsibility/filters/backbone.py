import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.access import get_scope
from responsibility.choices import JurisdictionLevel, OrganizationFunction, OrganizationKind, PostRole
from responsibility.models import Jurisdiction, Official, Organization, Post


class _CompactJurisdictionField(forms.ModelChoiceField):
    """Accepts any jurisdiction of its queryset, but offers in the drop-down only those down to
    county level when the user's scope is wider than a county: a province has ~1,400
    townships, and rendering them all made list pages slow and unusable on a phone. Links
    (from the coverage page, say) may still filter by a township."""

    def __init__(self, *args, compact_queryset=None, **kwargs):
        self.compact_queryset = compact_queryset
        super().__init__(*args, **kwargs)

    @property
    def choices(self):
        if self.compact_queryset is None:
            return super().choices
        return forms.models.ModelChoiceIterator(_FieldView(self, self.compact_queryset))

    @choices.setter
    def choices(self, value):
        forms.ChoiceField.choices.fset(self, value)


class _FieldView:
    """The field as ModelChoiceIterator sees it, with another queryset."""

    def __init__(self, field, queryset):
        self._field, self.queryset = field, queryset

    def __getattr__(self, name):
        return getattr(self._field, name)


@extend_schema_field(OpenApiTypes.INT)
class _ScopedJurisdictionFilter(django_filters.ModelChoiceFilter):
    """Choices limited to the jurisdictions the requesting user may see; filters the subtree."""

    field_class = _CompactJurisdictionField
    UPPER_LEVELS = (
        JurisdictionLevel.PROVINCE, JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE,
    )

    def get_queryset(self, request):
        queryset = Jurisdiction.objects.filter(level__in=[*self.UPPER_LEVELS, JurisdictionLevel.TOWNSHIP])
        if request is None:
            return queryset.none()
        return queryset.restrict(request.user, "view")

    @property
    def field(self):
        if not hasattr(self, "_field"):
            field = super().field
            request = self.get_request()
            scope = get_scope(request.user) if request is not None else None
            if scope is not None and (scope.unrestricted or any(len(p) < 6 for p in scope.paths)):
                field.compact_queryset = field.queryset.filter(level__in=self.UPPER_LEVELS)
            self._field = field
        return self._field


def _active_filter():
    return django_filters.BooleanFilter(
        label=_("Status"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Active")), ("false", _("Inactive"))]),
    )


def _subtree(lookup):
    def method(queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{f"{lookup}__startswith": value.path})

    return method


class JurisdictionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    level = django_filters.ChoiceFilter(choices=JurisdictionLevel.choices, label=_("Level"))
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("Parent (id)"))
    code_prefix = django_filters.CharFilter(field_name="code", lookup_expr="startswith", label=_("Code starts with"))
    within = _ScopedJurisdictionFilter(method=_subtree("path"), label=_("Within"))
    is_active = _active_filter()

    class Meta:
        model = Jurisdiction
        fields = ["q", "level", "parent", "code_prefix", "within", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))


class OrganizationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction__path"), label=_("Jurisdiction"))
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices, label=_("Kind"))
    function = django_filters.ChoiceFilter(choices=OrganizationFunction.choices[1:], label=_("Function"))
    is_active = _active_filter()

    class Meta:
        model = Organization
        fields = ["q", "jurisdiction", "kind", "function", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class OfficialFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))
    jurisdiction = _ScopedJurisdictionFilter(method="in_jurisdiction", label=_("Jurisdiction"))
    role = django_filters.ChoiceFilter(choices=PostRole.choices, method="with_role", label=_("Current role"))

    class Meta:
        model = Official
        fields = ["q", "jurisdiction", "role"]

    def in_jurisdiction(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(registered_in__path__startswith=value.path) | Q(posts__organization__jurisdiction__path__startswith=value.path)
        ).distinct()

    def with_role(self, queryset, name, value):
        return queryset.filter(pk__in=Post.objects.current().filter(role=value).values("official_id"))


class PostFilterSet(django_filters.FilterSet):
    official = django_filters.NumberFilter(field_name="official_id")
    organization = django_filters.NumberFilter(field_name="organization_id")
    role = django_filters.ChoiceFilter(choices=PostRole.choices)
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("organization__jurisdiction__path"), label=_("Jurisdiction"))
    current = django_filters.BooleanFilter(method="only_current", label=_("Current posts only"))

    class Meta:
        model = Post
        fields = ["official", "organization", "role", "jurisdiction", "current"]

    def only_current(self, queryset, name, value):
        if value is None:
            return queryset
        current = Post.objects.current().values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)


def user_scope_label(user) -> str:
    scope = get_scope(user)
    if scope.unrestricted:
        return str(_("All jurisdictions"))
    names = Jurisdiction.objects.filter(pk__in=scope.root_ids).values_list("name", flat=True)
    return "、".join(names) or str(_("No jurisdiction"))
