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
    """Union staff with every notices permission and the view of 加入者 (for autocomplete)."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    staff.user_permissions.set(
        Permission.objects.filter(Q(content_type__app_label="notices") | Q(codename="view_person"))
    )
    client.force_login(staff)
    return client


__all__ = ["factories"]


@pytest.fixture
def count_queries():
    """Runs a request and returns (all queries, queries of this app's tables): the session and
    account queries before them differ between database backends."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(call):
        with CaptureQueriesContext(connection) as context:
            call()
        sqls = [q["sql"] for q in context.captured_queries]
        return len(sqls), len([sql for sql in sqls if "notices_" in sql])

    return run
