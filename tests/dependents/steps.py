"""The member's steps through the test client, as the pages post them."""

from dependents.models import SurveyTarget

SPOUSE_ANSWERS = {
    "q_meets_criteria": "yes",
    "q_has_income": "yes",
    "q_annual_income": "1200000",
    "q_lives_together": "yes",
}
CHILD_ANSWERS = {
    "q_meets_criteria": "yes",
    "q_has_income": "no",
    "q_lives_together": "yes",
    "q_is_student": "yes",
}


def pledge(client):
    return client.post("/dependents/pledge/", {"answer": "agree"})


def answer(client, target: SurveyTarget, answers: dict):
    client.post(f"/dependents/answer/{target.pk}/basic/")
    return client.post(f"/dependents/answer/{target.pk}/questions/", answers)


def answer_all(client, spouse_target, child_target):
    pledge(client)
    client.post("/dependents/answer/insured/")
    answer(client, spouse_target, SPOUSE_ANSWERS)
    answer(client, child_target, CHILD_ANSWERS)


def document_key(client, target: SurveyTarget, name: str) -> str:
    """The value the upload form's 「提出する書類」 option for `name` posts."""
    page = client.get(f"/dependents/answer/{target.pk}/upload/")
    for value, label in page.context["form"].fields["document"].choices:
        if label == name:
            return value
    raise AssertionError(f"{name} is not offered")


def upload(client, target, document: str, file):
    key = document_key(client, target, document)
    return client.post(f"/dependents/answer/{target.pk}/upload/", {"document": key, "file": file})


def submit(client, target: SurveyTarget, **kwargs):
    """「提出内容を確認する」 then 「提出する」 on the page listing what will be submitted."""
    confirmation = client.get(f"/dependents/answer/{target.pk}/submit/")
    assert confirmation.status_code in (200, 302)
    return client.post(f"/dependents/answer/{target.pk}/submit/", **kwargs)
