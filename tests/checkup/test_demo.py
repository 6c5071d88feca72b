"""`seed_demo`'s checkups: five years per adult, 山田 太郎 with red cells; safe to run again."""

from checkup import demo as checkup_demo
from checkup import queries
from checkup.criteria import Rules
from checkup.models import Checkup, Column
from kosmo import demo as kosmo_demo
from kosmo.models import Person


def test_demo_gives_five_years_and_out_of_range_values_to_yamada_taro(db):
    unions = kosmo_demo.seed()
    checkup_demo.seed(unions)
    checkup_demo.seed(unions)  # again: replaced, not duplicated

    taro = Person.objects.get(family_name="山田", given_name="太郎")
    table = queries.results_table(taro, Rules.for_union(unions["kosmo"]))
    assessment = queries.latest_assessment(taro, Rules.for_union(unions["kosmo"]))

    assert Checkup.objects.filter(person=taro).count() == 5
    assert table.has_out_of_range
    assert assessment.evaluation.metabolic_label == "基準該当"
    assert assessment.evaluation.guidance_label == "積極的支援"
    assert not Checkup.objects.filter(person__given_name="さくら").exists()  # a child
    assert Column.objects.filter(union=unions["kosmo"]).count() == len(checkup_demo.COLUMNS)
