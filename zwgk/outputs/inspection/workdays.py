"""Working days between two dates, with the official holidays and the weekends worked in lieu.

The calendar is the State Council's yearly notice of holidays as the `chinesecalendar`
package carries it. For a year the installed package does not know yet (each year's notice
comes out in the November before), every Monday to Friday counts as a working day, and
the count says so; a site updates the calendar with `pip install -U chinesecalendar` once
the new release is out.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar


@dataclass(frozen=True, slots=True)
class WorkingDays:
    days: int
    estimated: bool      # some year had no official calendar: Monday to Friday counted instead


def working_days_after(start: date, end: date) -> WorkingDays:
    """Working days after `start` up to and including `end` (0 when end is not after start):
    a document written on a Friday and published the next Monday took 1."""
    days, estimated = 0, False
    day = start + timedelta(days=1)
    while day <= end:
        try:
            days += chinese_calendar.is_workday(day)
        except NotImplementedError:
            estimated = True
            days += day.weekday() < 5
        day += timedelta(days=1)
    return WorkingDays(days, estimated)
