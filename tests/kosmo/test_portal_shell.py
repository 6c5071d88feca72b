import pytest

from tests import factories


def test_visitor_sees_union_name_and_login_link(client, union):
    response = client.get("/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "コスモ健康保険組合" in html
    assert ">ログイン</a>" in html
    assert 'id="site-menu"' not in html


def test_member_sees_own_name_top_right_and_menu(member_client):
    html = member_client.get("/").content.decode()

    assert 'class="header-tools__user"' in html
    assert "山田 太郎" in html
    assert 'id="site-menu"' in html
    assert 'aria-controls="site-menu"' in html


def test_every_page_carries_a_strict_content_security_policy(client, union):
    response = client.get("/")

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_branding_stylesheet_carries_the_union_colour(client, union):
    union.brand_color = "#123abc"
    union.save()

    response = client.get("/branding.css")

    assert response["Content-Type"].startswith("text/css")
    assert response.content.decode() == ":root{--brand:#123abc;}\n"


def test_top_page_queries_are_bounded(member_client, django_assert_num_queries):
    member_client.get("/")  # the first page of a session checks the first-login steps once
    # the session (from PostgreSQL: settings, SESSION_ENGINE) and the user with person and
    # household (the union is cached per process)
    with django_assert_num_queries(2):
        member_client.get("/")


def test_healthz_answers_without_a_union(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"


def test_no_union_for_this_host_is_a_bad_request(client, db):
    factories.UnionFactory()
    factories.UnionFactory()

    assert client.get("/").status_code == 400


def test_unknown_host_falls_back_to_the_only_union(client, db):
    only = factories.UnionFactory(name="ひとつだけ健康保険組合")

    response = client.get("/", HTTP_HOST="localhost")

    assert only.name in response.content.decode()


def test_unknown_host_falls_back_to_the_configured_default(client, settings, db):
    factories.UnionFactory(slug="first")
    second = factories.UnionFactory(slug="second", name="既定の健康保険組合")
    settings.KOSMO_DEFAULT_UNION = "second"

    response = client.get("/", HTTP_HOST="localhost")

    assert second.name in response.content.decode()


def test_union_is_chosen_by_host_name(client, union, db):
    other = factories.UnionFactory(name="さくら健康保険組合", domain="localhost")

    assert other.name in client.get("/", HTTP_HOST="localhost").content.decode()
    assert union.name in client.get("/", HTTP_HOST="testserver").content.decode()


def test_member_of_another_union_is_signed_out_and_refused(client, union, other_union_member):
    client.force_login(other_union_member)

    response = client.get("/")

    assert response.status_code == 403
    assert "このアカウントは、このポータルではご利用いただけません。" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("password_ok", [True, False])
def test_login_from_another_unions_portal_looks_like_a_wrong_password(
    client, union, other_union_member, password_ok
):
    password = factories.PASSWORD if password_ok else "wrong-password"

    response = client.post("/accounts/login/", {"login": "tanaka_ichiro", "password": password})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_member_signs_in_with_user_id_in_any_case(client, insured):
    response = factories.sign_in(client, "YAMADA_Taro")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(insured.pk)


def test_custom_error_pages_are_in_japanese(client, union):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_the_footer_and_menu_follow_a_change_of_the_union(member_client, union):
    # Both are rendered once per process; saving the union must show the new ones at once.
    from kosmo import tenancy

    page = member_client.get("/").content.decode()
    assert union.contact_phone not in ("", None) and union.contact_phone in page

    union.contact_phone = "099-999-0000"
    union.set_enabled_features(union.enabled_feature_keys - {"medical"})
    union.save()
    tenancy.forget_unions()

    page = member_client.get("/").content.decode()
    assert "099-999-0000" in page
    assert 'data-feature="medical"' not in page


def test_each_member_sees_their_own_header(member_client, dependent):
    # The header is rendered once per process for each name and counts: two members in turn
    # must each get their own.
    from django.test import Client

    other = Client()
    other.force_login(dependent)
    first = member_client.get("/").content.decode()
    second = other.get("/").content.decode()
    again = member_client.get("/").content.decode()

    assert "山田 太郎" in first and "山田 太郎" in again
    assert dependent.display_name in second and "山田 太郎" not in second


def test_a_header_rendered_once_never_shows_another_unions_brand(
    member_client, union, other_union_member
):
    # Members of two unions with the same name and the same counts: the cached header, footer
    # and sub-navigation are each keyed by the union, so neither portal shows the other's.
    from django.test import Client

    other_union = other_union_member.person.household.union
    other_union.domain = "localhost"
    other_union.save()
    person = other_union_member.person
    person.family_name, person.given_name = "山田", "太郎"
    person.save()
    other = Client(HTTP_HOST="localhost")
    other.force_login(other_union_member)

    mine = member_client.get("/medical/").content.decode()
    theirs = other.get("/medical/").content.decode()
    again = member_client.get("/medical/").content.decode()

    assert "山田 太郎" in mine and "山田 太郎" in theirs
    assert union.name in mine and other_union.name not in mine
    assert other_union.name in theirs and union.name not in theirs
    assert union.name in again and other_union.name not in again
