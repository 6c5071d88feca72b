"""NTC-5 ヘルプ: ご利用案内 and よくある質問 (the manual's login FAQ Q1–Q18, §5-2)."""

import re

from notices.help_content import LOGIN_FAQ
from notices.models import FaqCategory, FaqQuestion, GuideSection
from notices.queries import faq_categories
from tests import factories


def _html(response):
    return response.content.decode()


def test_login_faq_q1_to_q18_are_loaded_in_order(client, union):
    html = _html(client.get("/notices/help/faq/"))

    assert "ログインに関するよくある質問" in html
    assert len(LOGIN_FAQ) == 18
    positions = [html.index(question) for question, _ in LOGIN_FAQ]
    assert positions == sorted(positions)
    assert "ご加入の健保組合までお問い合わせください。" in html
    assert "パスワードの最小文字数:8文字" in html
    assert 'aria-hidden="true">Q18</span> 認証方法の変更はどのように行いますか。' in html
    assert html.count('<details class="faq">') == 18


def test_guide_shows_main_features_and_recommended_browsers(client, union):
    html = _html(client.get("/notices/help/guide/"))
    assert "主な機能のご紹介" in html
    assert "推奨OSおよびブラウザ" in html
    assert "Microsoft Edge(最新版を推奨)" in html


def test_help_is_open_before_login_and_linked_from_the_members_menu(client, union, portal_client):
    assert client.get("/notices/help/faq/").status_code == 200
    html = _html(portal_client.get("/"))
    assert 'href="/notices/help/guide/">ご利用案内<' in html
    assert 'href="/notices/help/faq/">よくある質問<' in html
    assert "ヘルプ・サポート" in html


def test_a_union_replaces_a_global_category_and_adds_its_own(client, union, other_union_member):
    own = FaqCategory.objects.create(
        union=union, key="login", title="ログインについて(コスモ健保)", order=1
    )
    FaqQuestion.objects.create(category=own, question="窓口はどこですか", answer="3階です。")
    extra = FaqCategory.objects.create(union=union, key="points", title="ポイント", order=2)
    FaqQuestion.objects.create(category=extra, question="ポイントの期限", answer="2年です。")
    GuideSection.objects.create(union=union, key="environment", title="当組合の推奨環境", body="x")

    html = _html(client.get("/notices/help/faq/"))
    assert "ログインについて(コスモ健保)" in html
    assert "ログインに関するよくある質問" not in html
    assert "窓口はどこですか" in html
    assert "ポイントの期限" in html
    guide = _html(client.get("/notices/help/guide/"))
    assert "当組合の推奨環境" in guide
    assert "主な機能のご紹介" in guide
    assert ">推奨OSおよびブラウザ</h2>" not in guide
    # another union keeps the global content
    titles = [c.title for c in faq_categories(other_union_member.union)]
    assert titles == ["ログインに関するよくある質問"]


def test_faq_page_takes_two_queries_however_many_questions(
    client, union, django_assert_num_queries
):
    client.get("/notices/help/faq/")
    with django_assert_num_queries(2):  # categories, questions
        client.get("/notices/help/faq/")
    category = FaqCategory.objects.create(union=None, key="medical", title="医療費", order=5)
    FaqQuestion.objects.bulk_create(
        FaqQuestion(category=category, question=f"質問{n}", answer="回答") for n in range(30)
    )
    with django_assert_num_queries(2):
        client.get("/notices/help/faq/")


def test_the_public_top_page_and_the_login_page_link_to_help(client, union):
    for path in ("/", "/accounts/login/"):
        html = _html(client.get(path))
        assert 'href="/notices/help/guide/">ご利用案内<' in html, path
        assert 'href="/notices/help/faq/">よくある質問<' in html, path
    login = _html(client.get("/accounts/login/"))
    assert 'href="/notices/help/faq/">ログインでお困りの方(よくある質問)<' in login


def test_help_stays_reachable_during_the_first_login(client, household):
    issued = factories.IssuedUserFactory(username="k000000123", person__household=household)
    client.force_login(issued)

    assert client.get("/").status_code == 302  # the journey's first step
    for path in ("/notices/help/guide/", "/notices/help/faq/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'href="/notices/help/faq/">よくある質問<' in _html(response)


def _answer(html, number):
    """The answer block of A<number> on the FAQ page."""
    start = html.index(f'aria-hidden="true">A{number}</span>')
    return html[start : html.index("</details>", start)]


def test_a_two_paragraph_answer_is_one_column_of_paragraphs(client, union):
    html = _html(client.get("/notices/help/faq/"))

    for number in (7, 17):
        answer = _answer(html, number)
        text = re.search(r'<div class="faq__text">(.*?)</div>', answer, re.S).group(1)
        assert text.count("<p>") == 2, number
        assert re.fullmatch(r"<p>.*?</p><p>.*?</p>", text, re.S), number
    assert "<p>利用可能です。ただし、" in _answer(html, 15)


def test_answers_link_the_manual_chapters_they_cite_to_their_pages(client, union):
    html = _html(client.get("/notices/help/faq/"))

    reset = '手順「<a href="/accounts/password/reset/">3- 【3】 パスワードを忘れた場合</a>」'
    assert reset in _answer(html, 3) and reset in _answer(html, 4)
    assert (
        '手順「<a href="/accounts/password/reset/">3-【3】パスワードを忘れた場合</a>」'
        in _answer(html, 14)
    )
    methods = '<a href="/accounts/login-methods/">'
    assert f"{methods}3-【7】 Authenticatorの追加登録</a>" in _answer(html, 11)
    assert f"{methods}3-【7】 Authenticatorの削除</a>" in _answer(html, 12)
    assert f"{methods}3-6. 多要素認証の追加登録</a>" in _answer(html, 18)
