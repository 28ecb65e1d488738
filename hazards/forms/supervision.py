"""Forms of major-hazard supervision: link a leader, list for supervision, the double report
and the leader's visits. Each has a prefix, because several of them sit on the hazard's detail
page next to the ledger's own forms."""

from __future__ import annotations

from django import forms
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hazards.choices import ListingLevel, VisitKind
from hazards.forms.ledger import MultiplePhotoField
from hazards.services.ledger import MAX_PHOTOS_PER_UPLOAD, leader_candidates
from responsibility.models import Official, Post

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LinkLeaderForm(forms.Form):
    prefix = "leader"

    leader = forms.ModelChoiceField(
        queryset=Official.objects.none(),
        label=_("Linked leader"),
        help_text=_("A current Party or government leader of the hazard's city or county."),
        error_messages={
            "invalid_choice": _("Choose a current Party or government leader of the hazard's city or county."),
        },
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, hazard, **kwargs):
        kwargs.setdefault("initial", {"leader": hazard.linked_leader_id})
        super().__init__(*args, **kwargs)
        posts = Post.objects.current().select_related("organization").order_by("organization__jurisdiction__path", "pk")
        self.fields["leader"].queryset = leader_candidates(hazard).prefetch_related(
            Prefetch("posts", queryset=posts, to_attr="current_post_list")
        )
        self.fields["leader"].label_from_instance = _leader_label


def _leader_label(official: Official) -> str:
    posts = official.current_posts_text
    return f"{official.name}（{posts}）" if posts else official.name


class ListingForm(forms.Form):
    prefix = "listing"

    listing_level = forms.ChoiceField(
        choices=ListingLevel.choices,
        label=_("Listed by"),
        help_text=_("Only the safety committee office of this level may close the hazard out."),
    )
    listed_on = forms.DateField(label=_("Listed on"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, hazard, **kwargs):
        kwargs.setdefault(
            "initial", {"listing_level": hazard.listing_level, "listed_on": hazard.listed_on or timezone.localdate()}
        )
        super().__init__(*args, **kwargs)


class DoubleReportForm(forms.Form):
    prefix = "report"

    to_department_on = forms.DateField(
        label=_("Reported to the supervising department on"), required=False, widget=DATE_INPUT
    )
    to_workers_congress_on = forms.DateField(
        label=_("Reported to the workers' congress on"), required=False, widget=DATE_INPUT
    )

    def __init__(self, *args, hazard, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "to_department_on": hazard.reported_to_department_on,
                "to_workers_congress_on": hazard.reported_to_workers_congress_on,
            },
        )
        super().__init__(*args, **kwargs)


class VisitForm(forms.Form):
    prefix = "visit"

    visited_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    kind = forms.ChoiceField(choices=VisitKind.choices, label=_("Kind"), initial=VisitKind.VISIT)
    note = forms.CharField(
        label=_("What was done or agreed"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    photos = MultiplePhotoField(label=_("Photos"))

    def __init__(self, *args, hazard, **kwargs):
        kwargs.setdefault("initial", {"visited_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.hazard = hazard
        # The same field as the ledger's photos (made smaller on the phone before upload); its
        # help text is translated per request.
        self.fields["photos"].help_text = gettext(
            "JPG or PNG, up to %(n)d at a time; large photos are made smaller on the phone before sending."
        ) % {"n": MAX_PHOTOS_PER_UPLOAD}
