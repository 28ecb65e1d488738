"""Forms of the grid: cells, their supervisors and the enterprises assigned to them. They only
collect input; the rules are in ``responsibility.services.grids``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from responsibility.choices import GridLevel, JurisdictionLevel
from responsibility.models import Enterprise, Grid, Jurisdiction, Sector
from responsibility.services.grids import GRID_LEVEL_FOR, PARENT_GRID_LEVEL, eligible_supervisor_posts


def grid_level_for_or_none(jurisdiction: Jurisdiction) -> str | None:
    return GRID_LEVEL_FOR.get(jurisdiction.level)


def _prefixes(jurisdiction: Jurisdiction) -> list[str]:
    return [jurisdiction.path[:n] for n in (2, 4, 6, 9) if n < len(jurisdiction.path)]


def _jurisdiction_label(j: Jurisdiction) -> str:
    return f"{j.name}（{j.get_level_display()}）"


def _grid_label(grid: Grid) -> str:
    return f"{grid.jurisdiction.name} · {grid.name}"


class GridForm(forms.ModelForm):
    """Create or edit a cell. The level follows from the jurisdiction; the jurisdiction of an
    existing cell is shown but cannot change."""

    sectors = forms.ModelMultipleChoiceField(
        queryset=Sector.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Sectors"),
        help_text=_("Leave all unticked for a cell covering every sector."),
    )

    class Meta:
        model = Grid
        fields = ["jurisdiction", "name", "parent", "sectors", "is_active"]

    def __init__(self, *args, user, place: Jurisdiction | None = None, below: Grid | None = None, **kwargs):
        """``place``: create the cell of this jurisdiction; ``below``: create a cell under this
        one. Either narrows the choices to a few rows: a province holds thousands of villages,
        too many for one drop-down, so without them villages are reached from their township's
        cell ("New cell below")."""
        super().__init__(*args, **kwargs)
        self.user = user
        jurisdiction = self.fields["jurisdiction"]
        places = Jurisdiction.objects.restrict(user, "view").filter(is_active=True).exclude(level=JurisdictionLevel.PROVINCE).order_by("path")
        parent = self.fields["parent"]
        cells = (
            Grid.objects.restrict(user, "view")
            .filter(is_active=True)
            .exclude(level=GridLevel.VILLAGE)
            .select_related("jurisdiction")
            .order_by("jurisdiction__path", "name")
        )
        jurisdiction.label_from_instance = _jurisdiction_label
        jurisdiction.help_text = _("The level of the cell follows from the jurisdiction: city, county, township or village.")
        parent.label_from_instance = _grid_label
        parent.help_text = _("Leave empty to link the cell to the one cell one level up, when there is exactly one.")
        if self.instance.pk:
            place = self.instance.jurisdiction
            jurisdiction.disabled = True
            jurisdiction.help_text = _("A cell stays in its jurisdiction; create a new cell for another one.")
        if place is not None:
            jurisdiction.queryset = places.filter(pk=place.pk)
            parent.queryset = cells.filter(level=PARENT_GRID_LEVEL.get(grid_level_for_or_none(place)), jurisdiction__path__in=_prefixes(place))
        elif below is not None:
            jurisdiction.queryset = places.filter(parent_id=below.jurisdiction_id)
            parent.queryset = cells.filter(pk=below.pk)
            self.initial.setdefault("parent", below.pk)
        else:
            jurisdiction.queryset = places.exclude(level=JurisdictionLevel.VILLAGE)
            jurisdiction.help_text = _(
                "Cities, counties and townships. For a village, open its township's cell and choose “New cell below”."
            )
            parent.queryset = cells

    def _get_validation_exclusions(self):
        # The service checks the name's uniqueness inside its transaction and reports it on the
        # name field; the model's constraint, checked here, would report it form-wide.
        return {*super()._get_validation_exclusions(), "name"}


class GridSupervisorForm(forms.Form):
    post = forms.ModelChoiceField(
        queryset=None,
        label=_("Grid post"),
        help_text=_("Current chief and level 1–3 grid supervisor posts in the cell's jurisdiction (for a village, also in its township)."),
    )
    is_primary = forms.BooleanField(
        required=False,
        label=_("Named supervisor"),
        help_text=_("The one person answering for the cell; replaces the present named supervisor."),
    )

    def __init__(self, *args, grid: Grid, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["post"]
        field.queryset = (
            eligible_supervisor_posts(grid)
            .restrict(user, "view")
            .exclude(grid_assignments__grid=grid)
            .select_related("official", "organization")
            .order_by("role", "official__name")
        )
        field.label_from_instance = lambda p: f"{p.official.name} · {p.title or p.get_role_display()} · {p.organization.name}"


class GridAssignEnterprisesForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(
        queryset=None,
        label=_("Enterprises of"),
        help_text=_("Every enterprise (not closed) of this place and the places below it joins the cell."),
    )
    include_assigned = forms.BooleanField(
        required=False,
        label=_("Also move enterprises already in another grid cell"),
    )

    def __init__(self, *args, grid: Grid, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["jurisdiction"]
        field.queryset = (
            Jurisdiction.objects.restrict(user, "view")
            .filter(path__startswith=grid.jurisdiction.path, is_active=True)
            .order_by("path")
        )
        field.label_from_instance = _jurisdiction_label
        field.initial = grid.jurisdiction_id


class EnterpriseGridForm(forms.Form):
    grid = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Grid cell"),
        help_text=_("Cells of the enterprise's village, township, county or city. Empty: in no cell."),
    )

    def __init__(self, *args, enterprise: Enterprise, user, **kwargs):
        super().__init__(*args, **kwargs)
        path = enterprise.jurisdiction.path
        prefixes = {path[:n] for n in (4, 6, 9, 12) if n <= len(path)}
        field = self.fields["grid"]
        field.queryset = (
            Grid.objects.restrict(user, "view")
            .filter(is_active=True, jurisdiction__path__in=prefixes)
            .select_related("jurisdiction")
            .order_by("-jurisdiction__path", "name")
        )
        field.label_from_instance = lambda g: f"{g.name}（{g.get_level_display()}，{g.jurisdiction.name}）"
        field.initial = enterprise.grid_id
