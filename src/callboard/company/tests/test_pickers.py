"""People pickers: grouped by kind (dancers, staff, critics, family…), sorted by name."""

from __future__ import annotations

import pytest
from django import forms

from callboard.company.models import Person, Staff
from callboard.company.pickers import group_people
from callboard.company.tests import factories as f

pytestmark = pytest.mark.django_db


def test_people_are_grouped_by_kind_and_sorted_by_name():
    zara = f.DancerFactory(person__given_name="Zara", person__family_name="Abaeva").person
    anna = f.DancerFactory(person__given_name="Anna", person__family_name="Orlova").person
    boris = f.PersonFactory(given_name="Boris", family_name="Alexeev")
    f.StaffFactory(person=boris, kind=Staff.Kind.CONDUCTOR)
    critic = f.PersonFactory(
        given_name="Maria",
        family_name="Ivanova",
        kind=Person.Kind.CONTACT,
        organisation="The Moscow Times",
    )
    mother = f.PersonFactory(
        given_name="Raisa", family_name="Abaeva", kind=Person.Kind.CONTACT, related_to=zara
    )
    field = forms.ModelChoiceField(queryset=Person.objects.all())
    group_people(field)
    groups = [(str(title), [label for _pk, label in items]) for title, items in field.choices[1:]]
    assert groups == [
        ("Dancers", [str(zara), str(anna)]),
        ("Staff", [str(boris)]),
        ("Critics and press", [str(critic)]),
        ("Family", [str(mother)]),
    ]
    assert field.choices[0][0] == ""  # "no one" stays first
    press_first = forms.ModelMultipleChoiceField(queryset=Person.objects.all())
    group_people(press_first, first="press")
    assert str(press_first.choices[0][0]) == "Critics and press"
    assert press_first.clean([str(critic.pk)])[0] == critic
