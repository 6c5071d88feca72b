"""Hostile or mistyped input on the medical pages: a message or a 404, never a server error."""

import pytest

HUGE = "9" * 25


def _html(response):
    return response.content.decode()


@pytest.mark.parametrize(
    "path", [f"/medical/{HUGE}/1/", f"/medical/2025/{HUGE}/", f"/medical/prescriptions/{HUGE}/1/"]
)
def test_a_month_beyond_the_calendar_is_not_found(member_client, path):
    assert member_client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/medical/annual/", "/medical/prescriptions/annual/"])
@pytest.mark.parametrize("value", [f"{HUGE}-01", f"2025-{HUGE}", "2025-13", "abc"])
def test_an_impossible_month_is_refused_with_the_manuals_message_and_kept(
    member_client, path, value
):
    response = member_client.get(path, {"start": value})
    html = _html(response)

    assert response.status_code == 200
    assert "診療年月は「2025-01」の形式で入力してください。" in html
    assert f'value="{value}"' in html


def test_the_pdf_of_an_impossible_period_answers_with_the_pages_message(member_client):
    response = member_client.post(
        "/medical/statement.pdf", {"start": f"{HUGE}-01", "end": "2025-01"}
    )

    assert response.status_code == 200
    assert "診療年月は「2025-01」の形式で入力してください。" in _html(response)


def test_another_households_person_cannot_be_chosen(member_client, other_union_member):
    person = other_union_member.person
    response = member_client.get("/medical/annual/", {"person": person.pk})

    assert response.status_code == 200
    assert person.full_name not in _html(response)
    assert (
        member_client.post(
            "/medical/statement.pdf", {"start": "2025-01", "end": "2025-12", "person": person.pk}
        ).status_code
        == 404
    )
