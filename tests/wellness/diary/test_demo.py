"""`seed_demo`'s 健康日記: a busy diary for the rich kosmo (posts with pictures, likes, a
report waiting in the queue), nothing on the standard sakura; safe to run again."""

from PIL import Image

from kosmo import demo as kosmo_demo
from kosmo.models import Person
from wellness.diary import demo, images, queries
from wellness.diary.models import DiaryPost, Like, Participant, Report


def test_demo_gives_kosmo_a_busy_diary_and_sakura_nothing(db):
    unions = kosmo_demo.seed()
    demo.seed(unions)
    demo.seed(unions)  # again: refreshed, not duplicated

    kosmo, sakura = unions["kosmo"], unions["sakura"]
    posts = DiaryPost.objects.filter(union=kosmo)
    assert posts.count() == len(demo.POSTS) == 12
    assert Participant.objects.filter(union=kosmo).count() == 3
    assert Like.objects.filter(post__union=kosmo).count() == sum(
        len(likers) for *_, likers in demo.POSTS
    )
    pictured = posts.exclude(image="")
    assert pictured.count() == 5
    for post in pictured:
        with post.image.open("rb") as stored, Image.open(stored) as picture:
            assert max(picture.size) <= images.MAX_EDGE
    queue = Report.objects.filter(union=kosmo, handled_at__isnull=True)
    assert queue.count() == 2
    assert {report.post.body[:6] for report in queue} == {"このサプリで"}
    assert not DiaryPost.objects.filter(union=sakura).exists()
    assert not Participant.objects.filter(union=sakura).exists()

    taro = Person.objects.get(household__union=kosmo, family_name="山田", given_name="太郎")
    page = queries.feed_page(taro, 1)
    assert page.paginator.count == 12
    assert page[0].body.startswith("このサプリで")  # the newest, an hour ago
    misaki = Person.objects.get(household__union=kosmo, family_name="佐藤", given_name="美咲")
    assert not Participant.objects.filter(person=misaki).exists()  # first use still to see
