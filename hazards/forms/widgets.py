"""Lighter widgets for the hazard pages' filter forms.

A county's ledger filter form offers some 120 options (jurisdictions, sectors, departments,
leaders, statuses …), and rendering it took longer than the rest of the page, for two reasons:

- Django reads a model choice field's options through ``QuerySet.iterator()``, which on
  PostgreSQL is a server-side cursor: DECLARE, FETCH and CLOSE round trips per drop-down (and
  a WITH HOLD cursor, outside a transaction, is materialized at DECLARE). One ordinary query
  per drop-down is a third of the time.
- Django renders a ``<select>`` with one template include per ``<option>``; the select below
  writes the same HTML in Python, in one pass.
"""

from __future__ import annotations

import functools

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A single-choice ``<select>`` rendered without templates (same markup as Django's)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            for option in options:
                parts.append(
                    format_html('<option value="{}"{}>{}</option>', option["value"], flatatt(option["attrs"]), option["label"])
                )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # every part above is escaped by format_html  # noqa: S308


class ListedModelChoiceIterator(ModelChoiceIterator):
    """A model choice field's options read with one ordinary query, the first time they are
    needed, and kept for the form's lifetime (the queryset's result cache)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)

    def __len__(self):
        return len(self.queryset) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.queryset)


@functools.cache
def _listed_class(iterator_class: type) -> type:
    """``iterator_class`` (Django's ModelChoiceIterator or a subclass, e.g. django-filter's,
    which adds a "none" option) reading its rows as ListedModelChoiceIterator does."""
    if iterator_class is ModelChoiceIterator:
        return ListedModelChoiceIterator
    return type(f"Listed{iterator_class.__name__}", (iterator_class, ListedModelChoiceIterator), {})


def _listed(choices):
    if not isinstance(choices, ModelChoiceIterator) or isinstance(choices, ListedModelChoiceIterator):
        return choices
    listed = object.__new__(_listed_class(type(choices)))
    listed.__dict__.update(choices.__dict__)  # its field and queryset
    return listed


def lighten_selects(form: forms.BaseForm) -> None:
    """Swap the plain ``Select`` widgets of ``form`` (its own copies) for :class:`FastSelect`,
    keeping their attributes and choices, model choices read by one ordinary query."""
    for field in form.fields.values():
        old = field.widget
        if type(old) is not forms.Select:
            continue
        new = FastSelect(attrs=old.attrs)
        new.choices = _listed(old.choices)
        new.is_required = old.is_required
        new.is_localized = old.is_localized
        field.widget = new


class LightFilterForm(forms.Form):
    """The form class of the hazard filter sets (``Meta.form``): its selects are FastSelects."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lighten_selects(self)
