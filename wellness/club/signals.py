"""Signals other apps listen to (missions, points).

`article_read`: sent after the commit that counts a member's reading of an article (every
read; receivers key what they award on the person and the date). Keyword arguments:
person (Person), article (Article), on (datetime.date, Japan time).
"""

from django.dispatch import Signal

article_read = Signal()
