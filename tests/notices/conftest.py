import pytest

from tests import factories


@pytest.fixture
def portal_client(client, insured):
    """The insured member signed in with the first-login journey done (menus open)."""
    from accounts.flows import JOURNEY_DONE

    client.force_login(insured)
    session = client.session
    session[JOURNEY_DONE] = True
    session.save()
    return client


@pytest.fixture
def dependent_client(dependent):
    from django.test import Client

    from accounts.flows import JOURNEY_DONE

    client = Client()
    client.force_login(dependent)
    session = client.session
    session[JOURNEY_DONE] = True
    session.save()
    return client


@pytest.fixture
def staff_client(client, staff):
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    return client


__all__ = ["factories"]
