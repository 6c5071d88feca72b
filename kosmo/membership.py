"""Whether a person is still covered, and what a former member (資格喪失) may still do.

One rule, read from the union's settings (`Union.former_member_access`) and the person's
`access_extended_until` (staff's extension):

- before the 資格喪失日 (`disqualified_on`, the first day no longer covered) the person is a
  member (ACTIVE);
- from the 喪失日 until `access_ends_on` they are a former member (FORMER): they may sign in
  and read what the union's choice shows them (`Union.former_member_sees`, `SIGHTS`: by
  default their history up to the day before the 喪失日), but start nothing new (no new
  survey, no points: `may_start_new`);
- after that day the account is closed (CLOSED): no sign-in, a message names the union's
  contact.

Other apps call `may_start_new(person)` (or `accounts.former_members.active_member_required`
on a view), `history_until(person)` and `services_seen(person)` instead of reading
`disqualified_on` themselves.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from django.utils import timezone

from kosmo.models import FormerMemberAccess, FormerMemberSees, Person, Union


class Standing(enum.Enum):
    ACTIVE = "active"
    FORMER = "former"
    CLOSED = "closed"


@dataclass(frozen=True)
class Sight:
    """What a former member sees inside the window, read-only."""

    # The services (feature keys) whose pages stay open, with the TOP page and the account's
    # own pages; None: every service the union contracted.
    services: frozenset[str] | None
    # Whether the history ends the day before the 喪失日 (False: all the union holds, e.g. the
    # 資格喪失後の継続給付 of 傷病手当金 / 出産手当金, paid for days after the 喪失日).
    cut_at_loss: bool


# The union's choice (`Union.former_member_sees`) → what its former members see.
SIGHTS: dict[str, Sight] = {
    FormerMemberSees.HISTORY: Sight(services=None, cut_at_loss=True),
    FormerMemberSees.ALL_HISTORY: Sight(services=None, cut_at_loss=False),
    # The e-Tax 医療費通知 is why the window lasts to March: only it and the claims behind it.
    FormerMemberSees.MEDICAL_ETAX: Sight(services=frozenset({"medical", "etax"}), cut_at_loss=True),
}


def union_access_ends_on(union: Union, disqualified_on: dt.date) -> dt.date:
    """The last day a person who lost coverage on `disqualified_on` may sign in, by the
    union's setting alone (no extension)."""
    rule = union.former_member_access
    if rule == FormerMemberAccess.DAYS:
        # The 喪失日 is day 1: 90 days from 2026-04-01 ends on 2026-06-29.
        return disqualified_on + dt.timedelta(days=union.former_member_access_days - 1)
    if rule == FormerMemberAccess.NONE:
        return disqualified_on - dt.timedelta(days=1)
    # TAX_SEASON: the e-Tax 医療費通知 of the last covered day's calendar year is filed by
    # 15 March of the next year; the account stays open to the end of that March.
    last_covered = disqualified_on - dt.timedelta(days=1)
    return dt.date(last_covered.year + 1, 3, 31)


def access_ends_on(person: Person, union: Union | None = None) -> dt.date | None:
    """The last day the person may sign in, or None while they are covered (no 喪失日).

    Staff's extension (`access_extended_until`) counts when it is later than the union's rule.
    """
    if person.disqualified_on is None:
        return None
    union = union or person.household.union
    ends = union_access_ends_on(union, person.disqualified_on)
    if person.access_extended_until and person.access_extended_until > ends:
        return person.access_extended_until
    return ends


def standing(person: Person, today: dt.date | None = None, union: Union | None = None) -> Standing:
    """ACTIVE before the 喪失日, FORMER from it to `access_ends_on`, CLOSED after."""
    today = today or timezone.localdate()
    if person.disqualified_on is None or today < person.disqualified_on:
        return Standing.ACTIVE
    ends = access_ends_on(person, union)
    return Standing.FORMER if today <= ends else Standing.CLOSED


def may_start_new(person: Person | None, today: dt.date | None = None) -> bool:
    """Whether the person may start something new (a survey, earning points): only while
    covered. A former member's history is read-only and their points are frozen."""
    return person is not None and standing(person, today) is Standing.ACTIVE


def sight(union: Union) -> Sight:
    """What the union's former members see inside the window."""
    return SIGHTS[union.former_member_sees]


def services_seen(person: Person | None, union: Union | None = None) -> frozenset[str] | None:
    """The services (feature keys) the person may open when fewer than the union contracted:
    a former member's of a union that shows only some; None for everyone else (covered, or
    the union's choice shows every service)."""
    if person is None or person.disqualified_on is None:
        return None
    union = union or person.household.union
    if standing(person, union=union) is not Standing.FORMER:
        return None
    return sight(union).services


def history_until(person: Person) -> dt.date | None:
    """The last day of the person's history a former member sees (the day before the
    喪失日), or None while covered or when the union shows former members all history."""
    if person.disqualified_on is None or not sight(person.household.union).cut_at_loss:
        return None
    return person.disqualified_on - dt.timedelta(days=1)


def history_month_until(person: Person) -> dt.date | None:
    """The last 診療年月 / 支給年月 (the 1st of its month) a former member sees: the month of
    the last covered day. A 喪失日 on the 1st hides that month; on the 2nd it shows it."""
    last = history_until(person)
    return last.replace(day=1) if last else None
