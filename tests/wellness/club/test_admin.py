"""Staff content for MY HEALTH CLUB: the 組合スタッフ group writes articles, tags and supporters of
its own union only; the body is cleaned on save; every change leaves an audit row."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import CLERK
from kosmo.models import Union
from tests import factories
from tests.wellness.club.factories import ArticleFactory, SupporterFactory
from wellness.club.models import Article, StaffAction, Tag


@pytest.fixture
def clerk_client(client, staff):
    staff.groups.add(Group.objects.get(name=CLERK))
    return factories.staff_login(client, staff)


def _article_form(**fields) -> dict:
    now = timezone.localtime()
    data = {
        "category": "recipe",
        "title": "減塩レシピ",
        "summary": "塩分控えめの一品です。",
        "body": "<p>レモンで風味よく。</p>",
        "supporter_role": "written",
        "publish_from_0": now.strftime("%Y-%m-%d"),
        "publish_from_1": now.strftime("%H:%M:%S"),
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    return data


def test_clerk_group_may_write_articles_but_not_hearts_reads_or_the_audit(staff):
    staff.groups.add(Group.objects.get(name=CLERK))

    for codename in ("add_article", "change_article", "delete_article", "add_supporter"):
        assert staff.has_perm(f"wellness_club.{codename}")
    for codename in ("add_favourite", "change_readevent", "add_staffaction", "delete_staffaction"):
        assert not staff.has_perm(f"wellness_club.{codename}")
    assert staff.has_perm("wellness_club.view_staffaction")


def test_clerk_adds_an_article_for_their_union_cleaned_and_audited(clerk_client, union, staff):
    tag = Tag.objects.create(union=union, name="減塩")

    response = clerk_client.post(
        "/admin/wellness_club/article/add/",
        _article_form(body='<p>本文</p><script>alert("x")</script>', tags=[tag.pk]),
    )

    assert response.status_code == 302, response.content.decode()
    article = Article.objects.get()
    assert article.union == union
    assert article.body == "<p>本文</p>"
    assert "減塩" in article.search_text  # the tags reach the search column after they are saved
    action = StaffAction.objects.get()
    assert (action.staff, action.action, action.subject, action.title) == (
        staff,
        "created",
        "article",
        "減塩レシピ",
    )


def test_clerk_change_and_delete_are_audited(clerk_client, union):
    article = ArticleFactory(union=union, title="古いタイトル")
    form = _article_form(title="新しいタイトル")

    clerk_client.post(f"/admin/wellness_club/article/{article.pk}/change/", form)
    clerk_client.post(f"/admin/wellness_club/article/{article.pk}/delete/", {"post": "yes"})

    assert not Article.objects.exists()
    assert list(StaffAction.objects.order_by("pk").values_list("action", "title")) == [
        ("changed", "新しいタイトル"),
        ("deleted", "新しいタイトル"),
    ]
    assert "title" in StaffAction.objects.get(action="changed").changed_fields


def test_publish_until_before_publish_from_is_refused_in_japanese(clerk_client):
    now = timezone.localtime()
    response = clerk_client.post(
        "/admin/wellness_club/article/add/",
        _article_form(
            publish_until_0=now.strftime("%Y-%m-%d"), publish_until_1=now.strftime("%H:%M:%S")
        ),
    )

    assert response.status_code == 200
    assert "公開終了日時は公開開始日時より後にしてください。" in response.content.decode()
    assert not Article.objects.exists()


def test_clerk_sees_and_picks_only_their_unions_content(clerk_client, union):
    other = factories.UnionFactory(tier=Union.ContractTier.RICH)
    foreign = ArticleFactory(union=other, title="よその記事")
    SupporterFactory(union=other, name="よその専門家")
    SupporterFactory(union=union, name="うちの専門家")

    listing = clerk_client.get("/admin/wellness_club/article/").content.decode()
    form = clerk_client.get("/admin/wellness_club/article/add/").content.decode()

    assert "よその記事" not in listing
    assert "うちの専門家" in form
    assert "よその専門家" not in form
    assert clerk_client.get(f"/admin/wellness_club/article/{foreign.pk}/change/").status_code == 302


def test_audit_trail_is_read_only(clerk_client, union):
    ArticleFactory(union=union)

    assert clerk_client.get("/admin/wellness_club/staffaction/").status_code == 200
    assert clerk_client.get("/admin/wellness_club/staffaction/add/").status_code == 403


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (4, 3), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_images_uploaded_in_admin_show_on_the_article(clerk_client, union, insured, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    union.tier = Union.ContractTier.RICH
    union.save()
    form = _article_form(
        image=SimpleUploadedFile("main.png", _png(), content_type="image/png"),
        image_alt="レモン蒸しの写真",
        **{
            "images-TOTAL_FORMS": "1",
            "images-0-image": SimpleUploadedFile("step.png", _png(), content_type="image/png"),
            "images-0-alt": "手順の写真",
        },
    )

    response = clerk_client.post("/admin/wellness_club/article/add/", form)

    assert response.status_code == 302, response.content.decode()
    article = Article.objects.get()
    [body_image] = article.images.all()
    assert body_image.image.url.startswith("/media/club/articles/body/step")
    change = clerk_client.get(f"/admin/wellness_club/article/{article.pk}/change/")
    assert body_image.image.url in change.content.decode()  # the URL to paste into the body

    Article.objects.filter(pk=article.pk).update(
        body=f'<p>手順</p><img src="{body_image.image.url}" alt="手順の写真">'
    )
    client.force_login(insured)
    html = client.get(f"/wellness/club/articles/{article.pk}/").content.decode()
    assert f'src="{article.image.url}" alt="レモン蒸しの写真"' in html
    assert f'<img src="{body_image.image.url}" alt="手順の写真">' in html
