"""Writes of the company, along their seams:

- :mod:`.people`: dancers, staff, contacts, and dancers' training;
- :mod:`.premises`: sites, the travel time between them, and studios;
- :mod:`.labour`: labour profiles (the company's agreement as data) and the one in force;
- :mod:`.importing`: a roster imported from CSV, all or nothing;
- :mod:`.personal_data`: a person's data on request, exported or erased.

Every name is importable from ``callboard.company.services``."""

from __future__ import annotations

from callboard.company.services.common import (
    CONTACT_FIELDS,
    DANCER_FIELDS,
    DANCER_OWN_FIELDS,
    DANCER_PERSON_FIELDS,
    EARLIEST_YEAR,
    LABOUR_FIELDS,
    LATEST_YEAR,
    MAX_STUDIO_CAPACITY,
    MAX_STUDIO_METRES,
    MINUTES_IN_DAY,
    MINUTES_IN_WEEK,
    PERSON_TEXT_FIELDS,
    SITE_FIELDS,
    STAFF_FIELDS,
    STAFF_OWN_FIELDS,
    STAFF_PERSON_FIELDS,
    STUDIO_FIELDS,
    clean_text,
    company_get,
)
from callboard.company.services.importing import (
    roster_import,
)
from callboard.company.services.labour import (
    labour_profile_activate,
    labour_profile_create,
    labour_profile_from_preset,
    labour_profile_update,
)
from callboard.company.services.people import (
    dancer_create,
    dancer_update,
    person_create,
    person_update,
    staff_create,
    staff_remove,
    staff_update,
    training_add,
    training_remove,
)
from callboard.company.services.personal_data import (
    person_data_export,
    person_erase,
)
from callboard.company.services.premises import (
    site_create,
    site_travel_set,
    site_update,
    studio_create,
    studio_update,
)

__all__ = [
    "CONTACT_FIELDS",
    "DANCER_FIELDS",
    "DANCER_OWN_FIELDS",
    "DANCER_PERSON_FIELDS",
    "EARLIEST_YEAR",
    "LABOUR_FIELDS",
    "LATEST_YEAR",
    "MAX_STUDIO_CAPACITY",
    "MAX_STUDIO_METRES",
    "MINUTES_IN_DAY",
    "MINUTES_IN_WEEK",
    "PERSON_TEXT_FIELDS",
    "SITE_FIELDS",
    "STAFF_FIELDS",
    "STAFF_OWN_FIELDS",
    "STAFF_PERSON_FIELDS",
    "STUDIO_FIELDS",
    "clean_text",
    "company_get",
    "dancer_create",
    "dancer_update",
    "labour_profile_activate",
    "labour_profile_create",
    "labour_profile_from_preset",
    "labour_profile_update",
    "person_create",
    "person_data_export",
    "person_erase",
    "person_update",
    "roster_import",
    "site_create",
    "site_travel_set",
    "site_update",
    "staff_create",
    "staff_remove",
    "staff_update",
    "studio_create",
    "studio_update",
    "training_add",
    "training_remove",
]
