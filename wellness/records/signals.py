"""`records_saved`: sent after the transaction that saved records commits.

    records_saved.send(sender=DailyRecord, person=Person, item_key="steps",
                       dates=[date, …], source="manual" | "apple" | "health_connect" | "demo")

`dates` are the dates whose value changed (a re-import of the same file sends nothing).
Points, missions and the walking event (issues 22, 23) connect a receiver here and read the
values through `wellness.records.queries` (e.g. `steps_on`).
"""

from django.dispatch import Signal

records_saved = Signal()
