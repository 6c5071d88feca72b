"""Signals other apps listen to (points, missions): see wellness.challenges.services."""

from django.dispatch import Signal

# Sent after the commit that makes a day ○: a first ○, or × changed to ○ (not a ○ saved
# again). Keyword arguments: challenge (Challenge), date (datetime.date), person (Person).
# A day can go ○ → × → ○: receivers that award something key it on (challenge.pk, date).
day_achieved = Signal()
